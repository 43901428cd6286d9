"""How each response was made, in its `Server-Timing` header: cache hit or miss, database
time and the rest (Python: views, the ORM, templates).

    Server-Timing: cache;desc="miss", db;dur=12.4;desc="17 queries", app;dur=31.0, total;dur=43.4

A browser's developer tools show it beside the request, and a load test reads it from every
response, so the time a user meets can be split without a profiler. `cache` says whether the
page's cached parts were served (`hit`), worked out afresh (`miss`), or the page caches
nothing (`none`); see governance.freshness.

The database time is the time spent inside `cursor.execute` on the request's thread (with
psycopg2's client-side cursors: sending the query, the database's work and receiving every
row). Turning rows into objects and everything else is `app`.
"""

import time

from asgiref.local import Local
from django.db import connections

_request = Local()


def note_cache_lookup(*, hit: bool) -> None:
    """Say whether the page's cached parts were found (governance.freshness calls it)."""
    if getattr(_request, "active", False):
        # A page whose first lookup missed is worked out afresh, whatever follows.
        _request.cache = "miss" if (not hit or _request.cache == "miss") else "hit"


class _DatabaseTimer:
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


class ServerTimingMiddleware:
    """Adds the Server-Timing header (see the module's docstring). First in MIDDLEWARE, so
    that `total` is the whole request as Django handles it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _request.active, _request.cache = True, "none"
        timer = _DatabaseTimer()
        started = time.perf_counter()
        try:
            with connections["default"].execute_wrapper(timer):
                response = self.get_response(request)
            total = (time.perf_counter() - started) * 1000
            database = timer.seconds * 1000
            response["Server-Timing"] = ", ".join(
                (
                    f'cache;desc="{_request.cache}"',
                    f'db;dur={database:.1f};desc="{timer.queries} queries"',
                    f"app;dur={max(total - database, 0):.1f}",
                    f"total;dur={total:.1f}",
                )
            )
            return response
        finally:
            _request.active = False
