"""The wrk measurement (bench/load.py) end to end, at the tiny scale, for this code only.

Not timed: it checks that every figure is there and says what was served (requests answered
200, the cache off where it should be, updates recorded through the server), not how fast.
It needs wrk and runs in the PostgreSQL suite (DATABASE_URL is PostgreSQL's), as make test
runs it; elsewhere it is skipped.
"""

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading

import pytest

from bench import load, run, viewers

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    # It measures on PostgreSQL whichever suite runs it, so once is enough: make test's
    # PostgreSQL suite (scripts/with-postgres.sh) runs it.
    reason="needs wrk (Debian's package), and runs in the PostgreSQL suite",
)


@pytest.mark.longest
def test_wrk_measures_pages_afresh_and_the_mixed_load_with_their_figures(tmp_path):
    output = tmp_path / "results.json"
    # A results file with another section already: the run adds its own and keeps that one.
    output.write_text(json.dumps({"databases": {"postgres": {"versus": {"kept": True}}}}))
    finished = subprocess.run(
        [sys.executable, "-m", "bench.load", "--scale", "tiny", "--baseline", "none",
         "--duration", "1", "--warmup", "0", "--rounds", "1", "--viewers", "6", "--context-only",
         "--output", str(output)],
        cwd=run.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=240,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout[-3000:]

    results = json.loads(output.read_text())["databases"]["postgres"]
    assert results["versus"] == {"kept": True}
    section = results["wrk"]
    assert section["wrk_version"].startswith("wrk")
    assert set(section["pages"]) == {"dashboard", "overdue_list", "action_detail"}
    for key, row in section["pages"].items():
        figures = row["current"]
        assert figures["errors"] == 0, (key, figures["first_error"])
        assert figures["requests"] > 0 and figures["rps"] > 0
        assert 0 < figures["median_ms"] <= figures["p95_ms"]
        # The page cache was off: every response was worked out afresh, and said so.
        assert figures["cache"]["miss"] == figures["requests"] and figures["cache"]["hit"] == 0
        assert figures["db_ms_median"] > 0 and figures["app_ms_median"] > 0
        assert figures["client_cpu_percent"] is not None
        assert figures["server_cpu_percent"] > 0 and 0 <= figures["client_share"] < 1
        # This code is asked at the partnership's address.
        assert row["url"]["current"].startswith("/p/p001-scb/")
        assert "ratio_rps" not in row  # no baseline, no ratio

    mixed = section["mixed"]
    described = mixed["viewers"]["current"]
    assert described["count"] == 6 and described["partnerships"] == 2
    assert set(described["roles"]) == {"chair", "coordinator", "officer"}
    figures = mixed["current"]
    assert figures["errors"] == 0, figures["first_error"]
    assert figures["requests"] > 0 and figures["rps"] > 0
    assert figures["cache"]["hit"] + figures["cache"]["miss"] == figures["requests"]
    assert figures["hit_rate"] is not None and 0 <= figures["hit_rate"] <= 1
    assert figures["db_ms_median"] > 0 and figures["app_ms_median"] > 0
    assert figures["updates"]["recorded"] >= 1 and figures["updates"]["errors"] == 0

    assert "| Dashboard (chair) |" in finished.stdout
    assert "| Mixed load |" in finished.stdout


def test_the_mixed_load_asks_for_each_viewers_pages_in_turn():
    people = [
        {"session": "a", "paths": ["/a/dash", "/a/list", "/a/1"]},
        {"session": "b", "paths": ["/b/dash", "/b/list"]},
    ]
    assert load.interleave(people) == [
        ("a", "/a/dash"), ("b", "/b/dash"), ("a", "/a/list"), ("b", "/b/list"), ("a", "/a/1"),
    ]  # fmt: skip


def test_viewers_are_spread_across_the_country():
    partnerships = list(range(1, 351))
    chosen = viewers.evenly_spaced(partnerships, 50)
    assert len(set(chosen)) == 50 and chosen[0] == 1 and chosen[-1] == 350
    assert viewers.evenly_spaced([1, 2], 50) == [1, 2]


class _Server(http.server.BaseHTTPRequestHandler):
    """Answers /ok with 200 and a Server-Timing header like the app's, anything else with a
    302 to the sign-in page, and remembers the cookies and paths it was asked for."""

    seen: list = []

    def do_GET(self):
        self.seen.append((self.headers.get("Cookie"), self.path))
        if self.path.startswith("/ok"):
            self.send_response(200)
            self.send_header(
                "Server-Timing",
                'cache;desc="hit", db;dur=2.5;desc="3 queries", app;dur=7.5, total;dur=10.0',
            )
        else:
            self.send_response(302)
            self.send_header("Location", "/accounts/login/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk hangs up on the requests in flight when it stops: not a failure


@pytest.fixture
def fake_site():
    server = _QuietServer(("127.0.0.1", 0), _Server)
    _Server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_wrk_script_counts_what_the_responses_say(fake_site):
    """Each pair's cookie and path are sent; a redirect (a sign-in that did not hold) is an
    error, named; hits and the header's db and app milliseconds are read."""
    figures = load.run_wrk(fake_site, [("alice", "/ok/1"), ("bob", "/gone")], duration=1,
                           connections=2, threads=1)  # fmt: skip

    assert set(_Server.seen) == {("sessionid=alice", "/ok/1"), ("sessionid=bob", "/gone")}
    # A request or two still in flight when wrk stops is seen by the server, not counted.
    assert 0 < figures["requests"] <= len(_Server.seen) <= figures["requests"] + 2
    hits = figures["cache"]["hit"]
    assert hits > 0 and figures["errors"] > 0 and hits + figures["errors"] == figures["requests"]
    assert figures["first_error"] == "HTTP 302 /accounts/login/"
    assert figures["cache"] == {"hit": hits, "miss": 0, "none": 0, "absent": figures["errors"]}
    assert figures["hit_rate"] == 1.0
    assert (figures["db_ms_median"], figures["app_ms_median"]) == (2.5, 7.5)
    assert figures["client_cpu_s"] >= 0 and figures["median_ms"] <= figures["p95_ms"]
