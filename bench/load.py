"""Load from `wrk`: pages worked out afresh, and a realistic mixed load, this code against the
baseline (c0c7795) in the same run (issue 25).

    python -m bench.run --scale medium --database postgres        # part of the benchmark
    python -m bench.load --scale tiny --baseline none --duration 2 --rounds 1   # on its own

The thread-pool client of bench/versus.py shares the two cores with the server, so its
figures measure the client too. Here the load comes from `wrk` (Debian's package; `make
bench` installs it), a C client with a Lua script (bench/wrk/rotate.lua), whose own CPU time
is reported beside every figure (its user + system time, from wait4), with the server's
(gunicorn's master and workers, from /proc).

Servers: gunicorn, 2 sync workers each, 127.0.0.1, all up at once, one loaded at a time:
this code with the page cache off (PAGE_CACHE_SECONDS=0: every page worked out afresh), this
code as deployed (cache on), and the baseline (which has no cache).

1. Pages worked out afresh: the chair's dashboard, the chair's overdue list and the
   officer's action page (bench/versus.py's VERSUS_PAGES, each side with its own agreement
   and action), `wrk -t2 -c8 -dDs --latency`, rounds alternating which side goes first, after
   a warm-up. This code is asked at the partnership's address (/p/<slug>/...).
2. The mixed load: `--viewers` signed-in chairs, coordinators and officers of partnerships
   across the country (bench/viewers.py, run with each side's own code), each asking for
   their own dashboard, overdue list and two action pages in turn, while a writer records a
   progress update through the server (GET the officer's form, POST it) every
   `--update-interval` seconds, rotating over officers of partnerships across the country.
   Same rounds, alternating. This code's cache hit rate and its median db and app
   milliseconds come from the Server-Timing header of every response (counted by the Lua
   script, added up across wrk's threads).

Per side: the median over rounds of requests/s, median and p95 latency; ratios this code /
baseline, with the least and greatest per-round ratio as their noise; targets as
bench/run.py's (x3.7 requests/s, latency 0.40).
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench import run, versus

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "rotate.lua"
VIEWERS_SCRIPT = Path(__file__).resolve().parent / "viewers.py"
THREADS, CONNECTIONS = 2, 8
UPDATE_NOTE = "Benchmark update: progress reported to the Board."


def wrk_missing() -> str | None:
    """Why the load cannot be generated here, or None."""
    if not shutil.which("wrk"):
        return "wrk is not installed (Debian's wrk package; make bench installs it)"
    if not (Path(sys.executable).parent / "gunicorn").exists():
        return "gunicorn is not installed: pip install -e '.[bench]'"
    return None


# CPU time, the client's and the server's.


def _clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


def _process_cpu_seconds(pid: int) -> float:
    """user + system seconds of one process, from /proc/<pid>/stat (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the command's closing parenthesis: state is field 3, utime 14 and stime 15.
    return (int(fields[11]) + int(fields[12])) / _clock_ticks()


def server_cpu_seconds(master: int) -> float:
    """gunicorn's CPU time: its master and the workers it forked (their parent is it)."""
    total = _process_cpu_seconds(master)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == master:
            total += _process_cpu_seconds(int(entry.name))
    return total


# One wrk run.


def run_wrk(
    port: int,
    pairs: list,
    *,
    duration: float,
    server_pid: int | None = None,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
) -> dict:
    """`wrk` on (session, path) pairs for `duration` seconds; its figures and its CPU time."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        pairs_file = Path(folder) / "pairs.tsv"
        pairs_file.write_text("".join(f"{session}\t{path}\n" for session, path in pairs))
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(duration))}s",
            "--latency",
            "--timeout",
            "30s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
            "--",
            str(pairs_file),
        ]
        out_path, err_path = Path(folder) / "out", Path(folder) / "err"
        server_before = server_cpu_seconds(server_pid) if server_pid else None
        with out_path.open("w") as out, err_path.open("w") as err:
            process = subprocess.Popen(command, stdout=out, stderr=err)
            # wait4 rather than wait: the rusage of wrk itself is its CPU cost.
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        server_after = server_cpu_seconds(server_pid) if server_pid else None
        output, errors = out_path.read_text(), err_path.read_text()
    line = next((x for x in output.splitlines() if x.startswith("WRK_JSON ")), None)
    if process.returncode or line is None:
        detail = (errors or output).strip()[-500:]
        return {"error": f"wrk failed (exit {process.returncode}): {detail}"}
    figures = json.loads(line[len("WRK_JSON ") :])
    seconds = figures["duration_us"] / 1e6
    latency = figures["latency_us"]
    socket_errors = sum(figures["socket_errors"].values())
    cache = figures["cache"]
    looked_up = cache["hit"] + cache["miss"]
    client_cpu = usage.ru_utime + usage.ru_stime
    responses = figures["responses"]
    if not figures["requests"]:
        # Nothing answered within the run: no figures to speak of, and an error to report.
        responses = {
            **responses,
            "errors": responses["errors"] + 1,
            "first_error": responses["first_error"] or "no response within the run",
        }
    result = {
        "requests": figures["requests"],
        "seconds": round(seconds, 2),
        "rps": round(figures["requests"] / seconds, 1) if seconds else None,
        "median_ms": round(latency["p50"] / 1000, 1),
        "p95_ms": round(latency["p95"] / 1000, 1),
        "p99_ms": round(latency["p99"] / 1000, 1),
        "errors": responses["errors"] + socket_errors,
        "first_error": responses["first_error"]
        or (f"socket errors {figures['socket_errors']}" if socket_errors else None),
        "cache": cache,
        "hit_rate": round(cache["hit"] / looked_up, 3) if looked_up else None,
        "db_ms_median": figures["server_timing_ms"]["db_median"],
        "app_ms_median": figures["server_timing_ms"]["app_median"],
        "client_cpu_s": round(client_cpu, 2),
        "client_cpu_percent": round(100 * client_cpu / seconds, 1) if seconds else None,
        "connections": connections,
        "threads": threads,
    }
    if server_before is not None:
        server_cpu = server_after - server_before
        result["server_cpu_s"] = round(server_cpu, 2)
        result["server_cpu_percent"] = round(100 * server_cpu / seconds, 1) if seconds else None
        # What the client takes of the CPU the load costs: little, or it measures itself.
        result["client_share"] = (
            round(client_cpu / (client_cpu + server_cpu), 3) if (client_cpu + server_cpu) else None
        )
    return result


# Progress updates at a steady rate, through the server, while the mixed load runs.


class UpdateWriter(threading.Thread):
    """Records a progress update every `interval` seconds: GET an officer's update form, POST
    it (a 302 is success), rotating over the writers (officers across the country)."""

    def __init__(self, port: int, writers: list, *, interval: float):
        super().__init__(daemon=True)
        self.port, self.writers, self.interval = port, writers, interval
        self.clients = [run._Http(port, {"sessionid": w["session"]}) for w in writers]
        self.stopping = threading.Event()
        self.recorded, self.errors, self.first_error = 0, 0, None
        self.latencies = []
        self.started_at = self.stopped_at = None
        self.turn = 0

    def run(self):
        self.started_at = time.perf_counter()
        number = 0
        while not self.stopping.is_set():
            started = time.perf_counter()
            ok, detail = self._update(number)
            self.latencies.append((time.perf_counter() - started) * 1000)
            if ok:
                self.recorded += 1
            else:
                self.errors += 1
                self.first_error = self.first_error or detail
            number += 1
            # A steady rate: the next update at its time, whatever this one took.
            self.stopping.wait(
                max(0, self.started_at + number * self.interval - time.perf_counter())
            )
        self.stopped_at = time.perf_counter()

    def _update(self, number: int):
        index = number % len(self.writers)
        writer, client = self.writers[index], self.clients[index]
        try:
            status, body = client.request("GET", writer["path"])
            if status != 200:
                return False, f"{writer['path']}: HTTP {status}"
            form = run._status_form(body.decode())
            if form is None:
                return False, f"{writer['path']}: no form with a status field"
            fields = {k: v for k, v in form["fields"].items() if v is not None}
            # Alternating, so that each update changes the status it reports.
            self.turn += 1
            fields["status"] = "at_risk" if self.turn % 2 else "on_track"
            fields["note"] = UPDATE_NOTE
            status, body = client.request(
                "POST",
                form["action"] or writer["path"],
                body=urllib.parse.urlencode(fields),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": client.cookies.get("csrftoken", ""),
                },
            )
        except OSError as error:
            return False, repr(error)
        if status in (302, 303):
            return True, ""
        return False, f"update POST: HTTP {status} {run._error_text(body)}"

    def stop(self) -> dict:
        self.stopping.set()
        self.join(timeout=60)
        seconds = (self.stopped_at or time.perf_counter()) - (self.started_at or 0)
        return {
            "recorded": self.recorded,
            "errors": self.errors,
            "first_error": self.first_error,
            "per_second": round(self.recorded / seconds, 2) if seconds > 0 else None,
            "median_ms": round(statistics.median(self.latencies), 1) if self.latencies else None,
        }


# The sides: servers, sessions and paths.


def _viewers(tree: Path, database_url: str, *, viewers: int, exclude: int) -> dict:
    """bench/viewers.py with the code of `tree`: viewers, writers and sessions."""
    out = subprocess.run(
        [
            sys.executable,
            str(VIEWERS_SCRIPT),
            "--viewers",
            str(viewers),
            "--exclude-action",
            str(exclude),
        ],
        cwd=tree,
        env=versus._env(tree, database_url),
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def warm_up(port: int, pairs: list, *, count: int) -> int:
    """GET the first `count` pairs one after the other (both workers load the code and the
    templates before anything is timed); how many did not answer 200."""
    failures = 0
    for session, path in (pairs * count)[:count]:
        try:
            status, _ = run._Http(port, {"sessionid": session}).request("GET", path)
        except OSError:
            status = None
        failures += status != 200
    return failures


def interleave(viewers: list) -> list:
    """(session, path): every viewer's first page, then every viewer's second, and so on."""
    pairs = []
    for turn in range(max((len(v["paths"]) for v in viewers), default=0)):
        pairs += [(v["session"], v["paths"][turn]) for v in viewers if turn < len(v["paths"])]
    return pairs


def _page_pairs(measured: dict, prefix: str) -> dict:
    """The three pages of VERSUS_PAGES, each (session, path) at the side's own address."""
    paths = versus.page_paths(measured)
    return {
        key: [(measured["sessions"][user], prefix + paths[key])]
        for key, _, user, _ in versus.VERSUS_PAGES
    }


def _side_summary(loads: list) -> dict:
    good = [load for load in loads if "error" not in load]
    if not good:
        return {"error": loads[0]["error"] if loads else "not measured", "rounds": loads}

    def median(field):
        values = [load[field] for load in good if load.get(field) is not None]
        return round(statistics.median(values), 2) if values else None

    cache = {name: sum(load["cache"][name] for load in good) for name in good[0]["cache"]}
    looked_up = cache["hit"] + cache["miss"]
    seconds = sum(load["seconds"] for load in good)
    client_cpu = sum(load["client_cpu_s"] for load in good)
    server_cpu = sum(load.get("server_cpu_s", 0) for load in good)
    return {
        "rps": median("rps"),
        "median_ms": median("median_ms"),
        "p95_ms": median("p95_ms"),
        "requests": sum(load["requests"] for load in good),
        "errors": sum(load["errors"] for load in good) + len(loads) - len(good),
        "first_error": next(
            (load["first_error"] for load in loads if load.get("first_error")),
            next((load["error"] for load in loads if "error" in load), None),
        ),
        "cache": cache,
        "hit_rate": round(cache["hit"] / looked_up, 3) if looked_up else None,
        "db_ms_median": median("db_ms_median"),
        "app_ms_median": median("app_ms_median"),
        "client_cpu_s": round(client_cpu, 2),
        "client_cpu_percent": round(100 * client_cpu / seconds, 1) if seconds else None,
        "server_cpu_percent": round(100 * server_cpu / seconds, 1) if seconds else None,
        "client_share": round(client_cpu / (client_cpu + server_cpu), 3)
        if client_cpu + server_cpu
        else None,
        "rounds": loads,
    }


def _ratios(row: dict) -> None:
    """this code / baseline, median over rounds, and the per-round spread."""
    current, baseline = row.get("current", {}), row.get("baseline", {})
    if "rps" not in current or "rps" not in baseline:
        return
    row["ratio_rps"] = versus._ratio(current["rps"], baseline["rps"])
    row["ratio_latency"] = versus._ratio(current["median_ms"], baseline["median_ms"])
    for field, name in (("rps", "ratio_rps_rounds"), ("median_ms", "ratio_latency_rounds")):
        pairs = zip(current["rounds"], baseline["rounds"], strict=True)
        row[name] = run._spread(
            [c[field] / b[field] for c, b in pairs if c.get(field) is not None and b.get(field)]
        )
    clean = not current["errors"] and not baseline["errors"]
    row["meets"] = {
        "rps": clean and (row["ratio_rps"] or 0) >= run.TARGET_RPS_RATIO,
        "latency": clean
        and row["ratio_latency"] is not None
        and row["ratio_latency"] <= run.TARGET_LATENCY_RATIO,
    }


def _alternating(sides: dict, load, *, rounds: int) -> dict:
    """`load(side)` `rounds` times a side, one side at a time; who goes first alternates."""
    order = list(sides)
    loads = {side: [] for side in order}
    for number in range(rounds):
        for side in order if number % 2 == 0 else order[::-1]:
            loads[side].append(load(side))
    return loads


def measure(
    current: dict,
    baseline: dict | None,
    *,
    scale: str,
    duration: float,
    rounds: int,
    viewers: int,
    update_interval: float,
    warmup: float = 2,
) -> dict:
    """Both loads on both sides (or this code only, without a baseline); results' `wrk`."""
    missing = wrk_missing()
    if missing:
        return {"skipped": missing}
    trees = {"current": run.ROOT}
    prepared = {"current": current}
    if baseline is not None:
        trees["baseline"], prepared["baseline"] = baseline["tree"], baseline
    order = ["baseline", "current"] if baseline is not None else ["current"]
    servers = {}
    try:
        people = {}
        for side in order:
            measured = prepared[side]["measure"]
            people[side] = _viewers(
                trees[side],
                prepared[side]["database_url"],
                viewers=viewers,
                exclude=measured["context"]["action"],
            )
        afresh_env = {"PAGE_CACHE_SECONDS": "0"}
        servers["current_afresh"] = run._start_gunicorn(current["database_url"], env=afresh_env)
        servers["current"] = run._start_gunicorn(current["database_url"])
        if baseline is not None:
            servers["baseline"] = run._start_gunicorn(baseline["database_url"], baseline["tree"])
        for name, server in servers.items():
            if not run._wait_for_port(server.port, server.process, seconds=60):
                return {"skipped": f"the {name} server did not start: {run._tail(server.log.name)}"}
        result = {
            "scale": scale,
            "server": "gunicorn, 2 sync workers each, 127.0.0.1; all up, one loaded at a time",
            "client": f"wrk -t{THREADS} -c{CONNECTIONS} -d{duration:g}s --latency, "
            f"bench/wrk/rotate.lua; {rounds} rounds alternating, after a {warmup:g} s warm-up",
            "rounds": rounds,
            "duration_s": duration,
            "wrk_version": _wrk_version(),
            "pages": {},
        }
        # 1. Pages worked out afresh: this code with PAGE_CACHE_SECONDS=0, the baseline as is.
        afresh_server = {"current": servers["current_afresh"], "baseline": servers.get("baseline")}
        for key, label, user, _ in versus.VERSUS_PAGES:
            pairs = {
                side: _page_pairs(prepared[side]["measure"], people[side]["prefix"])[key]
                for side in order
            }

            def page_load(side, pairs=pairs, seconds=duration):
                server = afresh_server[side]
                return run_wrk(
                    server.port, pairs[side], duration=seconds, server_pid=server.process.pid
                )

            warm = {}
            for side in order:
                warm[side] = {"errors": warm_up(afresh_server[side].port, pairs[side], count=4)}
                if warmup:
                    page_load(side, seconds=warmup)
            row = {
                "label": label,
                "user": user,
                "url": {side: pairs[side][0][1] for side in order},
                "warmup_errors": {s: w.get("errors", w.get("error")) for s, w in warm.items()},
            }
            for side, loads in _alternating(order, page_load, rounds=rounds).items():
                row[side] = _side_summary(loads)
            _ratios(row)
            result["pages"][key] = row
        # 2. The mixed load: viewers across the country, updates recorded as it runs.
        mixed_pairs = {side: interleave(people[side]["viewers"]) for side in order}

        def mixed_load(side, seconds=duration, writing=True):
            server = servers[side]
            writer = None
            if writing and people[side]["writers"]:
                writer = UpdateWriter(
                    server.port, people[side]["writers"], interval=update_interval
                )
                writer.start()
            try:
                load = run_wrk(
                    server.port, mixed_pairs[side], duration=seconds, server_pid=server.process.pid
                )
            finally:
                updates = writer.stop() if writer else {"recorded": 0, "errors": 0}
            return {**load, "updates": updates}

        warm = {}
        for side in order:
            warm[side] = {"errors": warm_up(servers[side].port, mixed_pairs[side], count=8)}
            if warmup:  # the cache as a running site has it (this code), and the workers warm
                mixed_load(side, seconds=warmup, writing=False)
        mixed = {
            "label": "Mixed load",
            "viewers": {side: _describe_viewers(people[side]) for side in order},
            "requests_rotated": {side: len(mixed_pairs[side]) for side in order},
            "update_interval_s": update_interval,
            "warmup_errors": {s: w.get("errors", w.get("error")) for s, w in warm.items()},
        }
        for side, loads in _alternating(order, mixed_load, rounds=rounds).items():
            summary = _side_summary(loads)
            updates = [load["updates"] for load in loads]
            summary["updates"] = {
                "recorded": sum(u["recorded"] for u in updates),
                "errors": sum(u["errors"] for u in updates),
                "first_error": next(
                    (u["first_error"] for u in updates if u.get("first_error")), None
                ),
                "per_second": round(statistics.median(u["per_second"] or 0 for u in updates), 2),
            }
            mixed[side] = summary
        _ratios(mixed)
        result["mixed"] = mixed
        return result
    finally:
        errors = {name: server.stop() for name, server in servers.items()}
        if any(errors.values()):
            print("[wrk] server errors:", json.dumps(errors, indent=1), flush=True)


def _describe_viewers(people: dict) -> dict:
    viewers = people["viewers"]
    roles = {}
    for viewer in viewers:
        roles[viewer["role"]] = roles.get(viewer["role"], 0) + 1
    return {
        "count": len(viewers),
        "partnerships": len({v["partnership"] for v in viewers}),
        "of_partnerships": people["partnerships"],
        "roles": roles,
        "writers": len(people["writers"]),
        "writer_partnerships": sorted({w["partnership"] for w in people["writers"]}),
    }


def _wrk_version() -> str:
    out = subprocess.run(
        ["wrk", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return out.stdout.splitlines()[0].strip() if out.stdout else ""


# Markdown.


def _noise(row: dict, ratio: str) -> str:
    spread = row.get(f"{ratio}_rounds") or {}
    if row.get(ratio) is None:
        return ""
    if len(spread.get("rounds") or []) > 1:
        return f"{row[ratio]} ({spread['min']}–{spread['max']})"
    return str(row[ratio])


def _mark(ok) -> str:
    return "" if ok or ok is None else " ✗"


def markdown(section: dict, ref: str) -> list:
    """The tables of the `wrk` section of one database's entry."""
    if not section:
        return []
    if "pages" not in section:
        return ["", f"wrk: not measured: {section.get('skipped') or section.get('error')}"]
    sides = [s for s in ("baseline", "current") if s in section["mixed"]]
    names = {"baseline": ref, "current": "this code"}
    lines = [
        "",
        f"Pages worked out afresh, under wrk ({section['scale']}; {section['client']}; "
        "this code with PAGE_CACHE_SECONDS=0):",
        "",
    ]
    head = ["page"]
    for side in sides:
        head += [f"req/s {names[side]}", f"median ms {names[side]}", f"p95 ms {names[side]}"]
    if "baseline" in sides:
        head += [
            f"req/s ratio (>= {run.TARGET_RPS_RATIO})",
            f"latency ratio (<= {run.TARGET_LATENCY_RATIO})",
        ]
    head += [
        "db / app ms this code (median)",
        "cache hit / miss",
        "errors",
        "wrk CPU % of a core (share of client+server)",
    ]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in section["pages"].values():
        lines.append("| " + " | ".join([row["label"], *_cells(row, sides)]) + " |")
    mixed = section["mixed"]
    viewers = mixed["viewers"]["current"]
    lines += [
        "",
        f"Mixed load under wrk: {viewers['count']} signed-in viewers of "
        f"{viewers['partnerships']} partnerships ({_roles(viewers['roles'])}), each asking "
        "for their dashboard, overdue list and action pages in turn "
        f"({mixed['requests_rotated']['current']} requests rotated), while progress updates "
        "are recorded through the server every "
        f"{mixed['update_interval_s']:g} s by officers of {viewers['writers']} partnerships; "
        "this code as deployed (cache on):",
        "",
    ]
    lines += [
        "| " + " | ".join(head).replace("page", "load", 1) + " | updates recorded (/s) | "
        "cache hit rate |",
        "|" + "---|" * (len(head) + 2),
    ]
    updates = " / ".join(
        f"{mixed[s]['updates']['recorded']} ({mixed[s]['updates']['per_second']}/s, "
        f"{mixed[s]['updates']['errors']} errors)"
        for s in sides
        if "updates" in mixed[s]
    )
    hit_rate = mixed.get("current", {}).get("hit_rate")
    lines.append(
        "| "
        + " | ".join(
            [
                "Mixed load",
                *_cells(mixed, sides),
                updates,
                "" if hit_rate is None else f"{hit_rate:.1%}",
            ]
        )
        + " |"
    )
    ratios = (
        (
            "Ratios are this code / " + ref + ", medians over rounds (least–greatest per "
            "round in brackets). "
        )
        if "baseline" in sides
        else ""
    )
    lines += [
        "",
        ratios + "db / app: the Server-Timing header's milliseconds, median "
        "of every response. wrk CPU: the client's user+system time over the run's "
        "length, and its share of the client's and gunicorn's CPU time together.",
    ]
    return lines


def _roles(roles: dict) -> str:
    return ", ".join(f"{count} {role}s" for role, count in sorted(roles.items()))


def _cells(row: dict, sides: list) -> list:
    cells = []
    for side in sides:
        figures = row.get(side, {})
        if "rps" not in figures:
            cells += [figures.get("error", "not measured"), "", ""]
            continue
        cells += [str(figures["rps"]), str(figures["median_ms"]), str(figures["p95_ms"])]
    if "baseline" in sides:
        meets = row.get("meets", {})
        cells += [
            _noise(row, "ratio_rps") + _mark(meets.get("rps")),
            _noise(row, "ratio_latency") + _mark(meets.get("latency")),
        ]
    current = row.get("current", {})
    cache = current.get("cache") or {}
    errors = " / ".join(str(row.get(s, {}).get("errors", "")) for s in sides)
    cpu = " / ".join(
        f"{row[s]['client_cpu_percent']} ({row[s]['client_share']:.0%})"
        if row.get(s, {}).get("client_share") is not None
        else str(row.get(s, {}).get("client_cpu_percent", ""))
        for s in sides
    )
    cells += [
        f"{current.get('db_ms_median')} / {current.get('app_ms_median')}",
        f"{cache.get('hit', '')} / {cache.get('miss', '')}",
        errors,
        cpu,
    ]
    return cells


# On its own: prepare the databases as bench.run does, measure, write the `wrk` section.


def static_files_stale() -> bool:
    """Whether collectstatic must run first: no manifest, or a static file newer than it.
    (It takes a while on a busy machine, and DEBUG off serves only what it collected.)"""
    manifest = run.ROOT / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = [*run.ROOT.glob("static/**/*"), *run.ROOT.glob("*/static/**/*")]
    return any(path.stat().st_mtime > collected for path in sources if path.is_file())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", default="tiny", choices=["tiny", "small", "medium", "regional", "national"]
    )
    parser.add_argument("--baseline", default="c0c7795", help="a commit, or 'none'")
    parser.add_argument("--duration", type=float, default=15, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of each warm-up")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--update-interval", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="as bench.run's --reuse")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--output",
        default=str(run.DEFAULT_OUTPUT),
        help="results file: its databases.postgres.wrk is replaced",
    )
    parser.add_argument("--throwaway", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--context-only",
        action="store_true",
        help="this code's worker generates the data and signs in, without timing every page "
        "in-process first (the quick test)",
    )
    args = parser.parse_args(argv)
    missing = wrk_missing()
    if missing:
        sys.exit(missing)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # As bench.run: a throwaway cluster, this command again inside it.
        command = [
            str(run.ROOT / "scripts" / "with-postgres.sh"),
            sys.executable,
            "-m",
            "bench.load",
            *(argv if argv is not None else sys.argv[1:]),
            "--throwaway",
        ]
        sys.exit(subprocess.run(command, cwd=run.ROOT).returncode)
    os.environ["BENCH_SECRET_KEY"] = run._stored_secret()
    if static_files_stale():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=run.ROOT,
            env=run._django_env("sqlite:///" + str(run.SQLITE_DIR / "unused.sqlite3")),
            check=True,
        )
    args.repeat = 1  # the worker's in-process page times are not what this measures
    # A database made without its pages measured is not one for bench.run --reuse to find.
    args.throwaway = args.throwaway or args.context_only
    current = run.prepare("postgres", "current", args.scale, args)
    baseline = None
    if args.baseline != "none":
        from bench import versus as baseline_side

        baseline = baseline_side.prepare_baseline(args.scale, args)
    section = measure(
        current,
        baseline,
        scale=args.scale,
        duration=args.duration,
        rounds=max(1, args.rounds),
        viewers=args.viewers,
        update_interval=args.update_interval,
        warmup=args.warmup,
    )
    section["generated_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    output = Path(args.output)
    results = json.loads(output.read_text()) if output.exists() else {"databases": {}}
    results.setdefault("databases", {}).setdefault("postgres", {})["wrk"] = section
    output.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print("\n".join(markdown(section, args.baseline)))
    print(f"\nResults written to {output} (databases.postgres.wrk)")


if __name__ == "__main__":
    main()
