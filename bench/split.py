"""Time in SQL and time in Python of a page's requests, in-process: a standalone script.

    DJANGO_SETTINGS_MODULE=csa.settings DATABASE_URL=... PYTHONPATH=<tree> (cwd <tree>) \\
        python bench/split.py --repeat 20 --page KEY SESSION URL [--page ...]
    ... python bench/split.py --login officer=p001-officer-ph --login chair=p001-chair

It runs the code of whichever tree is on PYTHONPATH (the current code, or a baseline commit
extracted by bench/versus.py), so it imports nothing from the `bench` package: only Django
and the tree's settings.

Each page is opened with Django's test Client as the user of the session key (the `sessionid`
cookie the benchmark's worker left in the database), through the full middleware stack. A
`connection.execute_wrapper` adds up the time spent inside `cursor.execute` during each
request: with psycopg2's client-side cursors that is sending the query, the database's work
and receiving every row; turning rows into Python values and objects, the ORM, views,
templates and middleware are Python time (total - SQL).

Per page, medians over `--repeat` requests, twice:

- warm: the page opened again and again (after `--warmup` requests), as a user re-opening it;
- cold: Django's caches emptied (each `clear()`, not timed) before each request, so nothing
  cached is served; for code that caches nothing this is the same as warm;

and the number of queries of one cold and one warm request. JSON on stdout.

`--login ROLE=USERNAME` instead makes a session for each user (a reused database's stored
sessions may have expired) and prints their keys.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def _setup_django():
    # Run as a script, Python puts this file's directory first on sys.path, where the bench
    # modules would shadow top-level names (run, synthetic, apps): take it off, and put the
    # tree being measured (PYTHONPATH, or the working directory) in its place.
    here = Path(__file__).resolve().parent
    if sys.path and Path(sys.path[0] or ".").resolve() == here:
        sys.path.pop(0)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csa.settings")
    import django

    django.setup()


class SqlTimer:
    """An execute wrapper: the time inside cursor.execute, and how many statements ran."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def timed_request(client, url) -> dict:
    """One GET through the test Client: total and SQL milliseconds, queries, status."""
    from django.db import connection

    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            for _ in response.streaming_content:
                pass
        else:
            response.content  # noqa: B018 - rendered already; as a server would read it
        total = time.perf_counter() - started
    return {
        "status": response.status_code,
        "total_ms": total * 1000,
        "sql_ms": timer.seconds * 1000,
        "python_ms": (total - timer.seconds) * 1000,
        "queries": timer.queries,
    }


def _summary(samples: list) -> dict:
    total = statistics.median(s["total_ms"] for s in samples)
    sql = statistics.median(s["sql_ms"] for s in samples)
    python = statistics.median(s["python_ms"] for s in samples)
    return {
        "total_ms": round(total, 2),
        "sql_ms": round(sql, 2),
        "python_ms": round(python, 2),
        "python_over_sql": round(python / sql, 2) if sql else None,
        "requests": len(samples),
    }


def measure_page(session: str, url: str, *, repeat: int, warmup: int) -> dict:
    from django.core.cache import caches
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = session
    first = timed_request(client, url)
    result = {"url": url, "status": first["status"]}
    if first["status"] != 200:
        # A redirect here is a session that is no longer valid (or a page that moved).
        return {**result, "outcome": f"HTTP {first['status']}"}
    for _ in range(max(0, warmup - 1)):
        timed_request(client, url)
    warm = [timed_request(client, url) for _ in range(repeat)]
    cold = []
    for _ in range(repeat):
        for cache in caches.all():  # the page's parts and the viewer's access
            cache.clear()
        cold.append(timed_request(client, url))
    statuses = {s["status"] for s in warm + cold}
    return {
        **result,
        "outcome": "ok" if statuses == {200} else f"HTTP {sorted(statuses)}",
        "queries_warm": warm[-1]["queries"],
        "queries_cold": cold[-1]["queries"],
        "warm": _summary(warm),
        "cold": _summary(cold),
    }


def login(pairs: list) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    sessions = {}
    for pair in pairs:
        role, _, username = pair.partition("=")
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        sessions[role] = client.cookies["sessionid"].value
    return {"sessions": sessions}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", nargs=3, action="append", default=[],
                        metavar=("KEY", "SESSION", "URL"), help="a page to measure")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=20, help="timed requests, warm and cold")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--login", action="append", default=[], metavar="ROLE=USERNAME")
    args = parser.parse_args(argv)
    _setup_django()
    import django
    from django.db import connection

    if args.login:
        result = login(args.login)
    else:
        pages = {
            key: measure_page(session, url, repeat=args.repeat, warmup=args.warmup)
            for key, session, url in args.page
        }
        result = {
            "method": "Django test Client in-process, full middleware stack; SQL = time inside "
            "cursor.execute (connection.execute_wrapper), Python = total - SQL",
            "django": django.get_version(),
            "vendor": connection.vendor,
            "repeat": args.repeat,
            "pages": pages,
        }
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
