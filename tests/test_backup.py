"""Backup and restore as the README says (pg_dump -Fc, pg_restore): every table comes back
identical. PostgreSQL only (`make test-postgres`); skipped on SQLite."""

import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from actions.models import Action, Status
from actions.services import progress_update_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
)


def pg_tool(name: str) -> str:
    """The newest installed version's own binary (Debian's /usr/bin wrapper wants a cluster)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}")) or [shutil.which(name)]
    assert found[-1], f"{name} is not installed"
    return str(found[-1])


def table_digests(dbname: str, params: dict) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and an md5 of its rows, in order."""
    with psycopg2.connect(dbname=dbname, **params) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        digests = {}
        for table in tables:
            rows = "string_agg(t::text, chr(10) ORDER BY t::text)"
            cursor.execute(f"SELECT count(*), md5(coalesce({rows}, '')) FROM \"{table}\" t")
            digests[table] = cursor.fetchone()
    conn.close()
    return digests


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_leave_every_table_identical(
    worcestershire, officer_wcc_ph, tmp_path
):
    progress_update_create(
        action=Action.objects.get(agreement__period_start="2018-04-01", reference="A1"),
        author=officer_wcc_ph,
        status=Status.AT_RISK,
        note="Provider not appointed — “quotes”, ünïcode\nand a second line",
    )
    settings = connection.settings_dict
    params = {
        key: value
        for key, value in {
            "host": settings["HOST"],
            "port": settings["PORT"] or None,
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
        }.items()
        if value
    }
    flags = [f"--{key}={value}" for key, value in params.items() if key != "password"]
    env = {"PGPASSWORD": settings["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}
    source = settings["NAME"]
    target = f"{source}_restored"
    dump = tmp_path / "csa.dump"

    subprocess.run(
        [pg_tool("pg_dump"), *flags, "--format=custom", f"--file={dump}", source],
        check=True, env=env, capture_output=True, timeout=120,
    )  # fmt: skip
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            [pg_tool("pg_restore"), *flags, "--no-owner", f"--dbname={target}", str(dump)],
            check=True, env=env, capture_output=True, timeout=120,
        )  # fmt: skip
        original, restored = table_digests(source, params), table_digests(target, params)
        assert original["actions_progressupdate"][0] >= 1
        assert original["actions_action"][0] > 0
        assert restored == original
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()
