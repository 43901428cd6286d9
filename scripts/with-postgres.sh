#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and remove it, even when the
# command fails. DATABASE_URL points the command at the cluster through a unix socket.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL is not installed; installing Debian's postgresql package..." >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "Run as root or install the postgresql package (it provides initdb and pg_ctl)." >&2
    exit 2
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

PGTMP=$(mktemp -d /tmp/pgtest.XXXXXX)
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_cluster() {
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap stop_cluster EXIT
[ "$(id -u)" = 0 ] && chown postgres: "$PGTMP"
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w \
  -o "-k $PGTMP -c listen_addresses='' -F -c max_connections=100" start >/dev/null

socket=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$PGTMP")
export DATABASE_URL="postgres://postgres@${socket}/postgres"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') running in $PGTMP" >&2
"$@"
