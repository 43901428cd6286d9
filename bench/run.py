"""The benchmark: build synthetic data at two scales, measure every page, compare.

    python -m bench.run --scale small|medium|regional|national [--database sqlite|postgres|both]

For each database, and for two scales (the small one, and the one asked for; asking for
"small" compares it with "medium" so that the ratio means something in a minute), it:

1. makes a fresh database (an SQLite file under /tmp, or a database in a throwaway PostgreSQL
   cluster started by scripts/with-postgres.sh), migrates it and generates the data
   (bench/synthetic.py), timing each step;
2. opens every page in PAGES as the same user of partnership 1 at both scales with Django's
   test Client, in-process but through the full middleware stack (sessions, CSRF, auth, CSP,
   history), counting the SQL queries of one request and timing repeated requests (median and
   95th percentile);
3. times the plain SQL that fetches the rows each page shows (FLOOR_SQL), the floor under it;
4. on the bigger scale, serves the site with gunicorn (2 workers, 127.0.0.1 only) and puts a
   bounded concurrent load on the dashboard and on a status update (GET the form, POST it),
   counting requests per second and errors.

Ratios come from the same run: growth (page time at the bigger scale / at the small one),
floor (page time / plain SQL time) and whether the query count is the same. Results go to
bench/results.json and a Markdown table is printed.

Each scale runs in its own process (`--worker`) because Django reads DATABASE_URL once.
Settings are production-like: DEBUG off (so no query logging), collected static files.
"""

import argparse
import concurrent.futures
import datetime
import html.parser
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "bench" / "results.json"
SQLITE_DIR = Path(tempfile.gettempdir()) / "csa-bench"
# The state kept between runs: databases' worker JSON, the sign-in secret, baseline trees.
STATE_DIR = SQLITE_DIR
SECRET_FILE = STATE_DIR / "secret"

TARGET_GROWTH = 1.5
TARGET_FLOOR = 5.0
# Against the baseline (--baseline), at the bigger scale: see bench/versus.py.
TARGET_RPS_RATIO = 3.7
TARGET_LATENCY_RATIO = 0.40
TARGET_PYTHON_OVER_SQL = 2.0


def compared_scales(scale: str) -> tuple[str, str]:
    """The small scale and the one it is compared with."""
    if scale == "tiny":
        return "tiny", "tiny"
    return "small", ("medium" if scale == "small" else scale)


# The pages. Each names its URL (a URL name, or a literal path), the user who opens it, how
# to fill in its arguments from the context of partnership 1 (see _context), and its floor:
# the plain SQL that fetches the rows it shows. A URL name that does not resolve yet is
# reported as "missing", so the table can be written before every page exists.


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    user: str  # "officer", "chair", "admin" or "overseer"
    url_name: str = ""
    path: str = ""  # a literal path instead of a URL name
    kwargs: dict = field(default_factory=dict)  # values are context keys, or literals
    query: tuple = ()  # (name, context key or literal)
    floor: tuple = ()  # names of FLOOR_SQL statements
    list_like: bool = False  # the floor target (5x) applies
    follow: bool = False


PAGES = [
    Page("landing", "Sign-in landing (/)", "officer", path="/", follow=True, floor=("mine",)),
    Page("my_actions", "My actions", "officer", "actions:my_actions", floor=("mine",),
         list_like=True),
    Page("action_detail", "Action page with timeline", "officer", "actions:action_detail",
         kwargs={"pk": "action"}, floor=("action", "timeline")),
    Page("dashboard", "Dashboard today", "chair", "actions:dashboard",
         query=(("agreement", "agreement"),), floor=("plan",), list_like=True),
    Page("dashboard_as_of", "Dashboard as of a past date", "chair", "actions:dashboard",
         query=(("agreement", "previous"), ("as_of", "past_day")), floor=("plan_as_of",),
         list_like=True),
    Page("action_list", "Filtered list (3 statuses)", "chair", "actions:action_list",
         query=(("agreement", "agreement"), ("status", "on_track"), ("status", "at_risk"),
                ("status", "off_track")),
         floor=("filtered",), list_like=True),
    Page("overdue_list", "Overdue list", "chair", "actions:action_list",
         query=(("agreement", "agreement"), ("flag", "=overdue")), floor=("overdue",),
         list_like=True),
    # Views across partnerships (issue 17): an admin's overdue list of one partnership, chosen
    # in the list's filters, and of every partnership, paged without a count.
    Page("admin_overdue_board", "Admin: one partnership's overdue list", "admin",
         "actions:action_list",
         query=(("board", "board"), ("agreement", "="), ("flag", "=overdue")),
         floor=("overdue",), list_like=True),
    Page("admin_overdue_all", "Admin: every partnership's overdue list", "admin",
         "actions:action_list", query=(("agreement", "="), ("flag", "=overdue")),
         floor=("overdue",), list_like=True),
    Page("export_csv", "CSV export of one agreement", "chair", "actions:action_export",
         kwargs={"fmt": "=csv"}, query=(("agreement", "agreement"),), floor=("export",),
         list_like=True),
    Page("export_xlsx", "XLSX export of one agreement", "chair", "actions:action_export",
         kwargs={"fmt": "=xlsx"}, query=(("agreement", "agreement"),), floor=("export",),
         list_like=True),
    Page("agreement_detail", "Agreement page", "chair", "plans:agreement_detail",
         kwargs={"pk": "agreement"}, floor=("sections", "export")),
    Page("agreement_compare", "Year comparison", "chair", "plans:agreement_compare",
         kwargs={"pk": "agreement"}, floor=("compare", "sections")),
    Page("body_detail", "Body page (the board)", "chair", "meetings:body_detail",
         kwargs={"pk": "board"}, floor=("body", "body_lines", "body_meetings")),
    Page("partnership_map", "Partnership map", "chair", "meetings:partnership_map",
         floor=("map_bodies", "map_lines")),
    # The force-area view (issue 26): an overseer's dashboard across a group of partnerships.
    Page("group_dashboard", "Force-area dashboard as of a past date", "overseer",
         "actions:group_dashboard", kwargs={"slug": "group"},
         query=(("as_of", "past_day"),), floor=("group_counts",), list_like=True),
]  # fmt: skip

# The officer's form that records a progress update (GET shows it, POST saves it).
STATUS_UPDATE_URL_NAME = "actions:action_update"

# The plain SQL under each page, with %(name)s parameters from the context.
FLOOR_SQL = {
    "group_counts": """
        SELECT ag.board_id, a.status, count(*)
        FROM actions_action a
        JOIN csa_agreement ag ON ag.id = a.agreement_id
        JOIN governance_partnershipgroup_partnerships g ON g.body_id = ag.board_id
        WHERE g.partnershipgroup_id = %(group_id)s AND ag.period_start <= %(past_day)s
        GROUP BY ag.board_id, a.status""",
    "mine": """
        SELECT a.id, a.reference, a.description, a.status, a.due_date, a.timescale
        FROM actions_action a
        WHERE a.agreement_id = %(agreement)s AND a.id IN (
            SELECT l.action_id FROM actions_actionlead l
            WHERE l.organisation_id = %(organisation)s)
        ORDER BY a.due_date""",
    "action": """
        SELECT a.id, a.reference, a.description, a.status, a.due_date, a.timescale,
               a.leads_as_written
        FROM actions_action a WHERE a.id = %(action)s""",
    "timeline": """
        SELECT u.date, u.status, u.note, u.outcome, u.author_id
        FROM actions_progressupdate u WHERE u.action_id = %(action)s
        ORDER BY u.date DESC, u.id DESC""",
    "plan": """
        SELECT a.id, a.reference, a.description, a.status, a.due_date, a.theme_id
        FROM actions_action a WHERE a.agreement_id = %(agreement)s""",
    "plan_as_of": """
        SELECT a.id, a.reference, a.description, a.due_date, a.theme_id,
               (SELECT u.status FROM actions_progressupdate u
                WHERE u.action_id = a.id AND u.date <= %(past_day)s
                ORDER BY u.date DESC, u.id DESC LIMIT 1)
        FROM actions_action a WHERE a.agreement_id = %(previous)s""",
    "filtered": """
        SELECT a.id, a.reference, a.description, a.status, a.due_date
        FROM actions_action a
        WHERE a.agreement_id = %(agreement)s
          AND a.status IN ('on_track', 'at_risk', 'off_track')
        ORDER BY a.position""",
    "overdue": """
        SELECT a.id, a.reference, a.description, a.status, a.due_date
        FROM actions_action a
        WHERE a.agreement_id = %(agreement)s AND a.due_date < CURRENT_DATE
          AND a.status NOT IN ('completed', 'deferred', 'cancelled')
        ORDER BY a.position""",
    "export": """
        SELECT a.reference, a.description, a.timescale, a.due_date, a.status,
               a.leads_as_written, a.target, t.name
        FROM actions_action a LEFT JOIN csa_theme t ON t.id = a.theme_id
        WHERE a.agreement_id = %(agreement)s ORDER BY a.position""",
    "sections": """
        SELECT s.position, s.heading, s.text FROM csa_section s
        WHERE s.agreement_id = %(agreement)s ORDER BY s.position""",
    "compare": """
        SELECT a.agreement_id, a.reference, a.description, a.carries_forward_id, a.timescale
        FROM actions_action a WHERE a.agreement_id IN (%(agreement)s, %(previous)s)""",
    "body": """SELECT b.* FROM governance_body b WHERE b.id = %(board)s""",
    "body_lines": """
        SELECT r.from_body_id, r.to_body_id, r.description FROM governance_reportingline r
        WHERE r.from_body_id = %(board)s OR r.to_body_id = %(board)s""",
    "body_meetings": """
        SELECT m.id, m.date, m.title FROM governance_meeting m
        WHERE m.body_id = %(board)s ORDER BY m.date DESC""",
    "map_bodies": """
        SELECT b.id, b.short_name, b.name, b.kind, b.restricted FROM governance_body b
        WHERE b.id = %(board)s OR b.partnership_id = %(board)s""",
    "map_lines": """
        SELECT r.from_body_id, r.to_body_id FROM governance_reportingline r
        JOIN governance_body b ON b.id = r.from_body_id
        WHERE b.id = %(board)s OR b.partnership_id = %(board)s""",
}


# Measuring, in a process whose Django is set up on the database to measure.


def _bench_admin():
    """An administrator, for the views across partnerships (the generator makes none)."""
    from django.contrib.auth import get_user_model

    admin, created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return admin


# The force area the overseer's page is opened on: partnership 1 and the next ones, up to
# this many (a police force area holds a county's and its districts' partnerships).
FORCE_AREA_PARTNERSHIPS = 10


def _bench_force_area() -> tuple[str, int, object]:
    """A group of partnerships 1 to FORCE_AREA_PARTNERSHIPS and its overseer (the generator
    makes none), as (its address part, its id, the overseer); ("", 0, None) on code from
    before groups existed, whose page is then reported as missing."""
    from django.contrib.auth import get_user_model

    from bench.synthetic import partnership_prefix
    from governance.models import Body

    try:
        from governance.models import PartnershipGroup
        from governance.services import partnership_group_create
    except ImportError:
        return "", 0, None
    overseer, _ = get_user_model().objects.get_or_create(username="bench-overseer")
    group = PartnershipGroup.objects.filter(slug="bench-force-area").first()
    if group is None:
        names = [f"{partnership_prefix(n)} SCB" for n in range(1, FORCE_AREA_PARTNERSHIPS + 1)]
        group = partnership_group_create(
            name="Bench force area",
            slug="bench-force-area",
            partnerships=Body.objects.filter(short_name__in=names),
            overseers=[overseer],
            by=None,
            reason="The benchmark's force area",
        )
    return group.slug, group.pk, overseer


def _context(partnership: int = 1, action: int | None = None) -> dict:
    """The objects of partnership 1 that the pages are opened on.

    `action` pins the action page's action (a rerun on a reused database: the status-update
    loads add updates to the officer's other actions, which would otherwise take its place).
    """
    from django.contrib.auth import get_user_model

    from actions.models import Action
    from bench.synthetic import partnership_prefix
    from governance.models import Body, Organisation

    p = partnership_prefix(partnership)
    board = Body.objects.get(short_name=f"{p} SCB")
    agreement = board.agreements.order_by("-period_start").first()
    previous = agreement.previous or agreement
    organisation = Organisation.objects.get(short_name=f"{p} PH")
    User = get_user_model()
    officer = User.objects.get(username=f"{p.lower()}-officer-ph")
    chair = User.objects.get(username=f"{p.lower()}-chair")
    mine = Action.objects.filter(agreement=agreement, leads__organisation=organisation).distinct()
    # The officer's action with the longest timeline, for the action page.
    pinned = Action.objects.filter(pk=action).first() if action else None
    candidates = list(mine) or list(agreement.actions.all())
    action = pinned or max(candidates, key=lambda a: (a.updates.count(), -a.pk))
    past_day = min(previous.period_start + datetime.timedelta(days=200), previous.period_end)
    group, group_id, overseer = _bench_force_area()
    users = {"officer": officer, "chair": chair, "admin": _bench_admin()}
    if overseer is not None:
        users["overseer"] = overseer
    return {
        "group": group,
        "group_id": group_id,
        "board": board.pk,
        "agreement": agreement.pk,
        "previous": previous.pk,
        "organisation": organisation.pk,
        "action": action.pk,
        "past_day": past_day.isoformat(),
        "on_track": "on_track",
        "at_risk": "at_risk",
        "off_track": "off_track",
        "users": users,
        "my_action_ids": list(mine.order_by("pk").values_list("pk", flat=True)),
    }


def _value(spec, context):
    if isinstance(spec, str) and spec.startswith("="):
        return spec[1:]
    return context[spec]


def page_url(page: Page, context: dict) -> str | None:
    """The page's URL, or None when its URL name does not resolve (not built yet)."""
    from django.urls import NoReverseMatch, reverse

    if page.path:
        path = page.path
    else:
        try:
            path = reverse(
                page.url_name, kwargs={k: _value(v, context) for k, v in page.kwargs.items()}
            )
        except NoReverseMatch:
            return None
    if page.query:
        path += "?" + urllib.parse.urlencode([(k, _value(v, context)) for k, v in page.query])
    return path


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def _shape(sql: str) -> str:
    """The SQL with its literals blanked, so repeated per-row queries group together."""
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _fetch(client, url, follow):
    response = client.get(url, follow=follow)
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response, size


def measure_page(page: Page, context: dict, clients: dict, *, repeat: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = page_url(page, context)
    result = {"label": page.label, "url_name": page.url_name or page.path, "user": page.user}
    if url is None:
        return {**result, "outcome": "missing"}
    client = clients[page.user]
    result["url"] = url
    for _ in range(warmup):
        _fetch(client, url, page.follow)
    with CaptureQueriesContext(connection) as captured:
        response, size = _fetch(client, url, page.follow)
    # A snapshot: the next request empties the connection's query log.
    queries = list(captured.captured_queries)
    shapes = {}
    for query in queries:
        shape = _shape(query["sql"])
        shapes[shape] = shapes.get(shape, 0) + 1
    worst_shape, worst_count = max(shapes.items(), key=lambda kv: kv[1], default=("", 0))
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        _fetch(client, url, page.follow)
        timings.append((time.perf_counter() - started) * 1000)
    ok = response.status_code == 200
    return {
        **result,
        "outcome": "ok" if ok else f"HTTP {response.status_code}",
        "status": response.status_code,
        "bytes": size,
        "queries": len(queries),
        "most_repeated_query": {"count": worst_count, "sql": worst_shape[:300]}
        if worst_count > 1
        else None,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "repeat": repeat,
    }


def measure_floor(names, context: dict, *, repeat: int) -> float:
    """Median milliseconds to run the page's plain SQL statements and fetch their rows."""
    from django.db import connection

    params = {k: v for k, v in context.items() if isinstance(v, str | int)}
    timings = []
    with connection.cursor() as cursor:
        for run in range(repeat + 1):
            started = time.perf_counter()
            for name in names:
                cursor.execute(FLOOR_SQL[name], params)
                cursor.fetchall()
            if run:  # the first run warms the caches, as the page's warm-up does
                timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 3)


def measure(
    *, partnership: int = 1, repeat: int = 20, warmup: int = 2, action: int | None = None
) -> dict:
    """Measure every page for partnership 1's officer and chair, in this process."""
    from django.test import Client

    context = _context(partnership, action)
    clients = {}
    for role, user in context["users"].items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    pages = {}
    for page in PAGES:
        row = measure_page(page, context, clients, repeat=repeat, warmup=warmup)
        if page.floor:
            row["floor_sql_ms"] = measure_floor(page.floor, context, repeat=max(repeat, 5))
        row["list_like"] = page.list_like
        pages[page.key] = row
    return {
        "method": "Django test Client in-process, full middleware stack",
        "pages": pages,
        "load_paths": _load_paths(context),
        "context": {k: v for k, v in context.items() if k != "users"},
        "sessions": {role: c.cookies["sessionid"].value for role, c in clients.items()},
    }


def context_only(*, partnership: int = 1, action: int | None = None) -> dict:
    """What `measure` returns but the pages: the context, load paths and sessions."""
    from django.test import Client

    context = _context(partnership, action)
    sessions = {}
    for role, user in context["users"].items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies["sessionid"].value
    return {
        "method": "context only (--context-only): no page measured",
        "pages": {},
        "load_paths": _load_paths(context),
        "context": {k: v for k, v in context.items() if k != "users"},
        "sessions": sessions,
    }


def _load_paths(context) -> dict:
    """The URLs the throughput run loads: the chair's dashboard, the officer's update forms."""
    from django.urls import NoReverseMatch, reverse

    dashboard = page_url(next(p for p in PAGES if p.key == "dashboard"), context)
    try:
        updates = [
            reverse(STATUS_UPDATE_URL_NAME, kwargs={"pk": pk}) for pk in context["my_action_ids"]
        ]
    except NoReverseMatch:
        updates = []
    return {"dashboard": dashboard, "status_update": updates}


def _spread(values) -> dict:
    """The median of a ratio over rounds, and its noise: the least and the greatest."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "rounds": []}
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "rounds": [round(v, 2) for v in values],
    }


def compare(small, big) -> dict:
    """Growth, floor and query ratios per page, from two scales' measurements.

    `small` and `big` are one measurement each, or a list of rounds (small and big measured
    in turn): the growth of each round is big / small, reported as the median over rounds
    with its least and greatest values (the noise); the times are medians over rounds.
    """
    smalls = small if isinstance(small, list) else [small]
    bigs = big if isinstance(big, list) else [big]
    rows = {}
    for key, b in bigs[0]["pages"].items():
        s = smalls[0]["pages"].get(key, {})
        row = {"label": b["label"], "outcome": b["outcome"]}
        pairs = [
            (sm["pages"].get(key, {}), bg["pages"].get(key, {}))
            for sm, bg in zip(smalls, bigs, strict=True)
        ]
        pairs = [(sp, bp) for sp, bp in pairs if sp.get("outcome") == bp.get("outcome") == "ok"]
        if b["outcome"] == "ok" and s.get("outcome") == "ok" and pairs:
            small_ms = statistics.median(sp["median_ms"] for sp, _ in pairs)
            big_ms = statistics.median(bp["median_ms"] for _, bp in pairs)
            growths = [bp["median_ms"] / sp["median_ms"] for sp, bp in pairs if sp["median_ms"]]
            spread = _spread(growths)
            queries = {q for sp, bp in pairs for q in (sp["queries"], bp["queries"])}
            row.update(
                queries_small=s["queries"],
                queries_big=b["queries"],
                queries_equal=s["queries"] == b["queries"] and len(queries) == 1,
                median_small_ms=round(small_ms, 2),
                median_big_ms=round(big_ms, 2),
                p95_big_ms=round(statistics.median(bp["p95_ms"] for _, bp in pairs), 2),
                growth=spread["median"],
                growth_min=spread["min"],
                growth_max=spread["max"],
                growth_rounds=spread["rounds"],
                rounds={
                    "queries_small": [sp["queries"] for sp, _ in pairs],
                    "queries_big": [bp["queries"] for _, bp in pairs],
                    "median_small_ms": [sp["median_ms"] for sp, _ in pairs],
                    "median_big_ms": [bp["median_ms"] for _, bp in pairs],
                },
            )
            if b.get("floor_sql_ms"):
                row["floor_sql_ms"] = b["floor_sql_ms"]
                row["floor"] = round(big_ms / b["floor_sql_ms"], 1)
            row["meets_growth"] = row["growth"] is not None and row["growth"] <= TARGET_GROWTH
            row["meets_floor"] = (
                None if not b.get("list_like") or "floor" not in row else row["floor"] <= 5
            )
        elif b["outcome"] == "ok":
            row["outcome"] = f"small scale: {s.get('outcome', 'not measured')}"
        rows[key] = row
    return rows


# Throughput: gunicorn on loopback and a bounded pool of client threads.


class _FormFields(html.parser.HTMLParser):
    """The fields of the first POST form that has a "status" field."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button"):
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                self._current["fields"].setdefault(attrs["name"], None)
            else:
                self._current["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._current["fields"][attrs["name"]] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._current["fields"].setdefault(self._select, None)
        elif tag == "option" and self._select and "selected" in attrs:
            self._current["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _status_form(html_text: str):
    parser = _FormFields()
    parser.feed(html_text)
    for form in parser.forms:
        if "status" in form["fields"]:
            return form
    return None


class _Http:
    """One client of the load run: plain http.client, cookies by hand (they are Secure)."""

    def __init__(self, port, cookies):
        self.port, self.cookies = port, dict(cookies)

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            all_headers = {
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {}),
            }
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content
        finally:
            connection.close()


def _load(task, *, requests: int, concurrency: int, time_limit: float) -> dict:
    """Run `task(worker_index)` `requests` times on `concurrency` threads, within time_limit."""
    lock = threading.Lock()
    state = {"issued": 0, "errors": 0, "done": 0, "latencies": [], "first_error": None}
    deadline = time.perf_counter() + time_limit

    def worker(index):
        while True:
            with lock:
                if state["issued"] >= requests or time.perf_counter() > deadline:
                    return
                state["issued"] += 1
            started = time.perf_counter()
            try:
                ok, detail = task(index)
            except Exception as error:  # noqa: BLE001 - counted, not raised
                ok, detail = False, repr(error)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                state["done"] += 1
                state["latencies"].append(elapsed)
                if not ok:
                    state["errors"] += 1
                    state["first_error"] = state["first_error"] or detail

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies = state["latencies"] or [0]
    return {
        "requests": state["done"],
        "errors": state["errors"],
        "first_error": state["first_error"],
        "seconds": round(elapsed, 2),
        "requests_per_second": round(state["done"] / elapsed, 1) if elapsed else None,
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "concurrency": concurrency,
    }


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class _Server:
    """A gunicorn serving one tree's code on one database, on a free loopback port."""

    process: subprocess.Popen
    port: int
    log: object

    def stop(self) -> str:
        """Stop it; the server's own account of any error (the exception behind a 500)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        errors = _tail(self.log.name)
        Path(self.log.name).unlink(missing_ok=True)
        return errors


def _start_gunicorn(database_url: str, tree: Path = ROOT, env: dict | None = None) -> _Server:
    """gunicorn, 2 sync workers, 127.0.0.1 only, running the code of `tree` (cwd and path);
    `env` adds settings (bench/load.py: PAGE_CACHE_SECONDS=0, every page worked out afresh)."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    port = _free_port()
    env = {**_django_env(database_url), "PYTHONPATH": str(tree), "LOG_LEVEL": "ERROR",
           **(env or {})}  # fmt: skip
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by _Server.stop
        prefix="bench-gunicorn-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [str(gunicorn), "csa.wsgi:application", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "120"],
        cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    return _Server(process, port, log)


def _update_paths(measured: dict) -> list:
    """The officer's update forms, but the action page's: its timeline stays as generated."""
    paths = measured["load_paths"]["status_update"]
    action = measured["context"].get("action")
    return [p for p in paths if f"/{action}/" not in p] or paths


def _status_update_task(port: int, session: str, update_paths: list):
    """A load task that records a progress update (GET the form, POST it), and its clients."""
    concurrency = min(4, len(update_paths))
    clients = [_Http(port, {"sessionid": session}) for _ in range(concurrency)]
    counter = [0]

    def update_status(index):
        # Each thread updates its own action, so the versions never collide.
        client, path = clients[index], update_paths[index]
        status, body = client.request("GET", path)
        if status != 200:
            return False, f"update form: HTTP {status}"
        form = _status_form(body.decode())
        if form is None:
            return False, "no form with a status field on the update page"
        counter[0] += 1
        fields = {k: v for k, v in form["fields"].items() if v is not None}
        fields["status"] = "at_risk" if counter[0] % 2 else "on_track"
        fields["note"] = "Benchmark update: progress reported to the Board."
        status, body = client.request(
            "POST",
            form["action"] or path,
            body=urllib.parse.urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": client.cookies.get("csrftoken", ""),
            },
        )
        if status in (302, 303):
            return True, ""
        return False, f"update POST: HTTP {status} {_error_text(body)}"

    return update_status, concurrency


STATUS_UPDATE_NOTE = "one request = GET the form + POST it (302)"


def throughput(database_url: str, measured: dict, *, quick: bool) -> dict:
    """Serve with gunicorn (2 workers, loopback) and load the dashboard and a status update."""
    if not (Path(sys.executable).parent / "gunicorn").exists():
        return {"skipped": "gunicorn is not installed: pip install -e '.[bench]'"}
    server = _start_gunicorn(database_url)
    results = {}
    try:
        if not _wait_for_port(server.port, server.process):
            return {"skipped": "gunicorn did not start: " + _tail(server.log.name)}
        port = server.port
        sessions, paths = measured["sessions"], measured["load_paths"]
        results = {"server": "gunicorn, 2 sync workers, 127.0.0.1", "client": "thread pool"}
        requests = 20 if quick else 400
        dashboard = paths["dashboard"]
        if dashboard is None:
            return {**results, "skipped": "the dashboard's URL name does not resolve"}

        def get_dashboard(index):
            status, _ = _Http(port, {"sessionid": sessions["chair"]}).request("GET", dashboard)
            return status == 200, f"dashboard: HTTP {status}"

        results["dashboard"] = _load(
            get_dashboard, requests=requests, concurrency=8, time_limit=20 if quick else 90
        )
        update_paths = _update_paths(measured)
        if not update_paths:
            results["status_update"] = {"skipped": "no update page, or no action to update"}
            return results
        update_status, concurrency = _status_update_task(port, sessions["officer"], update_paths)
        results["status_update"] = _load(
            update_status,
            requests=8 if quick else 150,
            concurrency=concurrency,
            time_limit=20 if quick else 90,
        )
        results["status_update"]["note"] = STATUS_UPDATE_NOTE
        return results
    finally:
        errors = server.stop()
        if results:
            results["server_errors"] = errors


def _tail(path, lines=12) -> str:
    text = Path(path).read_text(errors="replace").strip().splitlines()
    wanted = [line for line in text if "Error" in line or "Exception" in line or "error" in line]
    return "\n".join(wanted[-lines:])


def _error_text(body: bytes) -> str:
    found = re.search(rb'class="govuk-error-summary__list".*?</ul>', body, re.S)
    return re.sub(rb"<[^>]+>|\s+", b" ", found.group())[:200].decode() if found else ""


def _wait_for_port(port, process, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


# Orchestration: one database and one worker process per code and scale.


def _django_env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or _stored_secret(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        # With DEBUG off the settings refuse to start without a mail server; nothing is sent.
        "EMAIL_HOST": os.environ.get("EMAIL_HOST") or "localhost",
        "DJANGO_SETTINGS_MODULE": "csa.settings",
    }


def _stored_secret() -> str:
    """The sign-in secret: BENCH_SECRET_KEY, else the one kept in /tmp/csa-bench/secret.

    The same in every run, so that the sessions stored in a reused database (--reuse) stay
    valid; made once, by whichever run comes first.
    """
    if os.environ.get("BENCH_SECRET_KEY"):
        return os.environ["BENCH_SECRET_KEY"]
    if SECRET_FILE.exists() and SECRET_FILE.read_text().strip():
        return SECRET_FILE.read_text().strip()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it first
        return SECRET_FILE.read_text().strip()
    secret = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret)
    return secret


def _database_name(label: str, scale: str) -> str:
    """`bench_current_national`, `bench_baseline_national`...: a database per code and scale."""
    return f"bench_{label}_{scale}"


def _sqlite_path(label: str, scale: str) -> Path:
    return SQLITE_DIR / f"{label}_{scale}.sqlite3"


def _database_url(database: str, label: str, scale: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{_sqlite_path(label, scale)}"
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{_database_name(label, scale)}"))


def _cache_path(database: str, label: str, scale: str) -> Path:
    """The worker's JSON of the run that generated the database, kept beside it."""
    return STATE_DIR / (f"{label}_{scale}.json" if database == "postgres"
                        else f"sqlite_{label}_{scale}.json")  # fmt: skip


def _server(database: str) -> str:
    """Where the databases live: a cached JSON is only good for a database on that server."""
    if database == "sqlite":
        return "sqlite:///" + str(SQLITE_DIR)
    return urllib.parse.urlunsplit(
        urllib.parse.urlsplit(os.environ["DATABASE_URL"])._replace(path="")
    )


def _postgres_admin():
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        dbname=config["NAME"] or "postgres",
        user=config["USER"] or "postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        password=config["PASSWORD"] or None,
    )
    admin.autocommit = True
    return admin


def _database_exists(database: str, label: str, scale: str) -> bool:
    if database == "sqlite":
        return _sqlite_path(label, scale).exists()
    admin = _postgres_admin()
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [_database_name(label, scale)]
            )
            return cursor.fetchone() is not None
    finally:
        admin.close()


def _fresh_database(database: str, scale: str, label: str = "current") -> str:
    """A URL for an empty database for this code and scale."""
    if database == "sqlite":
        SQLITE_DIR.mkdir(exist_ok=True)
        path = _sqlite_path(label, scale)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _database_url(database, label, scale)
    name = _database_name(label, scale)
    admin = _postgres_admin()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
    return _database_url(database, label, scale)


def _call_worker(tree: Path, scale: str, url: str, args, extra=()) -> dict:
    """Run `python -m bench.run --worker` of the code in `tree` on `url`; its JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = out.name
    command = [sys.executable, "-m", "bench.run", "--worker", scale, "--database-url", url,
               "--out", out_path, "--repeat", str(args.repeat),
               "--seed", str(args.seed), *extra]  # fmt: skip
    env = {**_django_env(url), "PYTHONPATH": str(tree)}
    try:
        subprocess.run(command, cwd=tree, env=env, check=True)
        return json.loads(Path(out_path).read_text())
    finally:
        Path(out_path).unlink(missing_ok=True)


def _cached(database: str, label: str, scale: str, args, commit: str | None) -> dict | None:
    """The cached worker JSON, when --reuse may use it: same seed, same baseline commit."""
    cache = _cache_path(database, label, scale)
    if not (args.reuse and cache.exists() and _database_exists(database, label, scale)):
        return None
    cached = json.loads(cache.read_text())
    if (
        cached.get("seed", args.seed) != args.seed
        or cached.get("commit", commit) != commit
        or cached.get("server", _server(database)) != _server(database)
    ):
        return None
    cached["reused"] = {
        "database": _database_url(database, label, scale).rsplit("/", 1)[-1],
        "generated_at": datetime.datetime.fromtimestamp(
            cache.stat().st_mtime, datetime.UTC
        ).isoformat(timespec="seconds"),
        "cache": str(cache),
    }
    return cached


def prepare(database: str, label: str, scale: str, args, *, tree: Path = ROOT,
            commit: str | None = None) -> dict:  # fmt: skip
    """The first measurement of this code at this scale, on its own database.

    A fresh database that the code's own worker migrates, fills and measures (its JSON kept
    as the cache); or, with --reuse and a database and cache from an earlier run: the
    baseline's cached JSON as it is, the current code measured again (`--measure-only`:
    migrate, measure) with the generation's timings and rows from the cache.
    """
    cached = _cached(database, label, scale, args, commit)
    url = _database_url(database, label, scale)
    if cached is not None and label != "current":
        print(f"[{database}] {label} {scale}: reusing {cached['reused']['database']}", flush=True)
        result = cached
    elif cached is not None:
        print(f"[{database}] {label} {scale}: reusing {cached['reused']['database']}, "
              "measuring...", flush=True)  # fmt: skip
        action = str(cached["measure"]["context"]["action"])
        again = _call_worker(tree, scale, url, args, ["--measure-only", "--action", action])
        result = {**cached, **{k: again[k] for k in ("measure", "vendor", "database_version")}}
    else:
        # A throwaway cluster's databases go with it: they leave the cache alone.
        keep = not args.throwaway
        if keep:
            _cache_path(database, label, scale).unlink(missing_ok=True)
        url = _fresh_database(database, scale, label)
        print(f"[{database}] {label} {scale}: generating and measuring...", flush=True)
        # bench.load's quick test: the data, the context and sessions, no page timed.
        extra = ["--context-only"] if getattr(args, "context_only", False) else []
        result = _call_worker(tree, scale, url, args, extra)
        result["server"] = _server(database)
        if commit:
            result["commit"] = commit
        if keep:
            cache = _cache_path(database, label, scale)
            cache.write_text(json.dumps(result, indent=1, default=str))
    result["database_url"] = url
    return result


def measure_again(database: str, scale: str, first: dict, args) -> dict:
    """Another round of the current code's pages on a prepared database (no generation)."""
    action = str(first["measure"]["context"]["action"])
    again = _call_worker(ROOT, scale, first["database_url"], args,
                         ["--measure-only", "--action", action])  # fmt: skip
    return again["measure"]


def run_database(database: str, scale: str, args) -> dict:
    from bench import versus

    base, other = compared_scales(scale)
    scales = [base] if other == base else [base, other]
    measured = {s: prepare(database, "current", s, args) for s in scales}
    entry = {"compared": [base, other], "growth_rounds": args.growth_rounds}
    baseline = None
    if args.baseline == "none":
        pass
    elif database != "postgres":
        entry["versus"] = {"ref": args.baseline, "skipped": "the baseline is measured on "
                           "PostgreSQL only"}  # fmt: skip
    else:
        try:
            baseline = versus.prepare_baseline(other, args)
        except (subprocess.CalledProcessError, OSError) as error:
            entry["versus"] = {"ref": args.baseline, "error": f"the baseline failed: {error}"}
    # Growth, with its noise: both scales measured in turn, round after round; each round
    # also splits the three pages' time into SQL and Python (bench/split.py), the baseline's
    # too, warm and with the cache emptied before each request (cold).
    rounds = {s: [measured[s]["measure"]] for s in scales}
    splits = {"current": {s: [] for s in scales}, "baseline": {other: []}}
    for number in range(args.growth_rounds):
        print(f"[{database}] round {number + 1} of {args.growth_rounds}: pages at "
              f"{' and '.join(scales)}, SQL and Python time...", flush=True)  # fmt: skip
        for s in scales:
            if number:
                rounds[s].append(measure_again(database, s, measured[s], args))
            splits["current"][s].append(
                _split_or_error(ROOT, measured[s]["database_url"], rounds[s][-1], args)
            )
        if baseline is not None:
            splits["baseline"][other].append(
                _split_or_error(
                    baseline["tree"], baseline["database_url"], baseline["measure"], args
                )  # fmt: skip
            )
    entry["pages"] = compare(rounds[base], rounds[other])
    entry["split"] = versus.summarize_splits(splits)
    entry["split_growth"] = versus.split_growth(splits["current"], base, other)
    if args.throughput:
        print(f"[{database}] {other}: throughput with gunicorn...", flush=True)
        big = measured[other]
        entry["throughput"] = throughput(big["database_url"], big["measure"], quick=args.quick)
    if baseline is not None:
        if args.throughput:
            print(f"[{database}] {other}: this code vs {args.baseline}, throughput...",
                  flush=True)  # fmt: skip
            load = versus.versus_throughput(measured[other], baseline, rounds=args.rounds,
                                            quick=args.quick)  # fmt: skip
        else:
            load = {"skipped": "--no-throughput"}
        entry["versus"] = versus.versus_entry(baseline, load, entry["split"], other, args)
    if database == "postgres" and args.wrk:
        from bench import load as wrk_load

        print(f"[{database}] {other}: wrk, pages worked out afresh and the mixed load...",
              flush=True)  # fmt: skip
        entry["wrk"] = wrk_load.measure(
            measured[other], baseline, scale=other, duration=args.wrk_duration,
            rounds=args.rounds, viewers=args.viewers, update_interval=args.update_interval,
            warmup=1 if args.quick else 3,
        )  # fmt: skip
    for m in measured.values():  # sign-in sessions and the database's address: not results
        m.pop("database_url")
        m["measure"].pop("sessions")
    entry["scales"] = measured
    return entry


def _split_or_error(tree: Path, url: str, measured: dict, args) -> dict:
    from bench import versus

    try:
        return versus.run_split(tree, url, measured, repeat=args.repeat)
    except (subprocess.CalledProcessError, ValueError) as error:
        return {"error": f"bench/split.py failed: {error}"}


def _setup_django():
    import django

    django.setup()


def worker(args):
    """In a process of its own: migrate, generate, measure (or migrate, measure); JSON."""
    os.environ.update(_django_env(args.database_url))
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench.synthetic import SCALES, generate

    partnerships, years, per_year = SCALES[args.worker]
    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate_s"] = round(time.perf_counter() - started, 1)
    report = None
    if not args.measure_only:
        report = generate(
            partnerships=partnerships,
            years=years,
            actions_per_year=per_year,
            seed=args.seed,
            progress=lambda done, s: print(f"    {done}/{partnerships} partnerships, {s:.0f}s",
                                           flush=True),
        )  # fmt: skip
        timings["generate_s"] = round(report.seconds, 1)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # What autovacuum (PostgreSQL) or the application's maintenance (SQLite) would do.
            cursor.execute("ANALYZE")
        timings["analyze_s"] = round(time.perf_counter() - started, 1)
    if args.context_only:
        measured = context_only(action=args.action)
    else:
        measured = measure(
            repeat=args.repeat, warmup=1 if args.repeat < 5 else 2, action=args.action
        )
    result = {
        "scale": args.worker,
        "partnerships": partnerships,
        "years": years,
        "actions_per_year": per_year,
        "seed": args.seed,
        "vendor": connection.vendor,
        "database_version": _database_version(connection),
        "timings": timings,
        "rows": report.counts if report else None,
        "measure": measured,
    }
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))


def _database_version(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return cursor.fetchone()[0]


def render_markdown(results: dict) -> str:
    lines = []
    for database, entry in results["databases"].items():
        if "error" in entry:
            lines += [f"### {database}: not measured", "", entry["error"], ""]
            continue
        base, other = entry["compared"]
        lines += [f"### {database}: {base} vs {other}", ""]
        lines.append("| scale | partnerships x years x actions | actions | progress updates | "
                     "history rows | migrate s | generate s |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|")
        for name, scale in entry["scales"].items():
            rows = scale["rows"]
            history = sum(v for k, v in rows.items() if ".Historical" in k)
            lines.append(
                f"| {name} | {scale['partnerships']} x {scale['years']} x "
                f"{scale['actions_per_year']} | {rows.get('actions.Action', 0):,} | "
                f"{rows.get('actions.ProgressUpdate', 0):,} | {history:,} | "
                f"{scale['timings']['migrate_s']} | {scale['timings']['generate_s']} |"
            )
        reused = [s["reused"] for s in entry["scales"].values() if s.get("reused")]
        if (entry.get("versus") or {}).get("baseline_database", {}).get("reused"):
            reused.append(entry["versus"]["baseline_database"]["reused"])
        if reused:
            names = [f"{r['database']} (generated {r['generated_at']})" for r in reused]
            lines += ["", f"Reused (--reuse): {', '.join(names)}."]
        rounds = entry.get("growth_rounds", 1)
        lines += ["", f"Pages (test Client, full middleware stack; median of "
                      f"{results['repeat']} requests"
                      + (f", median of {rounds} rounds; growth's least–greatest over rounds in "
                         "brackets" if rounds > 1 else "")
                      + "):", ""]  # fmt: skip
        lines.append(f"| page | queries {base} | queries {other} | median ms {base} | "
                     f"median ms {other} | p95 ms {other} | growth (<= {TARGET_GROWTH}) | "
                     f"plain SQL ms | floor (<= {TARGET_FLOOR:g} for lists) |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|---|---|")
        for row in entry["pages"].values():
            if "growth" not in row:
                lines.append(f"| {row['label']} | {row['outcome']} | | | | | | | |")
                continue
            queries_mark = "" if row["queries_equal"] else " ✗"
            growth_mark = "" if row["meets_growth"] else " ✗"
            floor_mark = " ✗" if row.get("meets_floor") is False else ""
            growth = row["growth"]
            if row.get("growth_min") is not None and len(row.get("growth_rounds", [])) > 1:
                growth = f"{growth} ({row['growth_min']}–{row['growth_max']})"
            lines.append(
                f"| {row['label']} | {row['queries_small']} | {row['queries_big']}{queries_mark}"
                f" | {row['median_small_ms']} | {row['median_big_ms']} | {row['p95_big_ms']} | "
                f"{growth}{growth_mark} | {row.get('floor_sql_ms', '')} | "
                f"{row.get('floor', '')}{floor_mark} |"
            )
        tp = entry.get("throughput")
        if tp:
            lines += ["", f"Throughput ({other}; {tp.get('server', '')}):", ""]
            if "skipped" in tp:
                lines.append(f"skipped: {tp['skipped']}")
            else:
                lines.append("| load | requests | errors | req/s | median ms | p95 ms | clients |")
                lines.append("|---|---|---|---|---|---|---|")
                for name in ("dashboard", "status_update"):
                    t = tp[name]
                    if "skipped" in t:
                        lines.append(f"| {name} | skipped: {t['skipped']} | | | | | |")
                        continue
                    lines.append(
                        f"| {name} | {t['requests']} | {t['errors']} | "
                        f"{t['requests_per_second']} | {t['median_ms']} | {t['p95_ms']} | "
                        f"{t['concurrency']} |"
                    )
        from bench import versus

        lines += versus.markdown(entry, database)
        from bench import load as wrk_load

        lines += wrk_load.markdown(entry.get("wrk"), results.get("baseline") or "baseline")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", default="small", choices=["tiny", "small", "medium", "regional", "national"]
    )
    parser.add_argument("--database", default="both", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="3 requests a page, short loads")
    parser.add_argument("--no-throughput", dest="throughput", action="store_false")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument(
        "--baseline",
        default="c0c7795",
        metavar="REF",
        help="the commit to compare with at the bigger scale (PostgreSQL only); 'none' to skip",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="throughput rounds against the baseline, alternating who goes first",
    )
    parser.add_argument(
        "--growth-rounds",
        type=int,
        default=3,
        help="rounds of page measurements at both scales, for growth's noise",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the databases (and their worker JSON in /tmp/csa-bench) of "
        "an earlier run instead of generating them again",
    )
    parser.add_argument(
        "--no-wrk",
        dest="wrk",
        action="store_false",
        help="skip the wrk loads (bench/load.py: pages afresh and the mixed load)",
    )
    parser.add_argument("--wrk-duration", type=float, default=15, help="seconds of a wrk run")
    parser.add_argument("--viewers", type=int, default=50, help="viewers of the mixed load")
    parser.add_argument(
        "--update-interval",
        type=float,
        default=1.0,
        help="seconds between progress updates recorded during the mixed load",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--measure-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--action", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--context-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--partial", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--throwaway", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)  # fmt: skip
    if args.quick:
        args.repeat = min(args.repeat, 3)
        args.wrk_duration = min(args.wrk_duration, 3)
    args.rounds, args.growth_rounds = max(1, args.rounds), max(1, args.growth_rounds)
    if args.worker:
        return worker(args)
    # Children inherit it: sessions made by a worker are valid in gunicorn and in later runs.
    os.environ["BENCH_SECRET_KEY"] = _stored_secret()

    # DEBUG off serves static files through the manifest: collect them once.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=_django_env("sqlite:///" + str(SQLITE_DIR / "unused.sqlite3")), check=True,
    )  # fmt: skip
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "repeat": args.repeat,
        "seed": args.seed,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "growth_rounds": args.growth_rounds,
        "rounds": args.rounds,
        "baseline": args.baseline,
        "reuse": args.reuse,
        "method": "Pages: Django test Client in-process through the full middleware stack, "
        "DEBUG off. Throughput: gunicorn with 2 sync workers on 127.0.0.1 and a thread-pool "
        "client. SQL and Python time: bench/split.py (connection.execute_wrapper).",
        "targets": {
            "growth": TARGET_GROWTH,
            "floor": TARGET_FLOOR,
            "queries": "equal",
            "versus_ratio_rps": TARGET_RPS_RATIO,
            "versus_ratio_latency": TARGET_LATENCY_RATIO,
            "python_over_sql": TARGET_PYTHON_OVER_SQL,
        },
        "databases": {},
    }
    for database in databases:
        on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
        if database == "postgres" and not on_postgres:
            results["databases"]["postgres"] = _via_throwaway_postgres(args)
            continue
        try:
            results["databases"][database] = run_database(database, args.scale, args)
        except subprocess.CalledProcessError as error:
            results["databases"][database] = {"error": f"the worker failed: {error}"}
    Path(args.output).write_text(json.dumps(results, indent=1, default=str) + "\n")
    if not args.partial:
        print()
        print(render_markdown(results))
        print(f"Results written to {args.output}")


def _via_throwaway_postgres(args) -> dict:
    """Run the PostgreSQL half under scripts/with-postgres.sh, which starts a cluster."""
    if not shutil.which("runuser") and os.geteuid() == 0:
        return {"error": "runuser is needed to start PostgreSQL as root"}
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = out.name
    command = [
        str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, "-m", "bench.run",
        "--scale", args.scale, "--database", "postgres", "--repeat", str(args.repeat),
        "--seed", str(args.seed), "--output", out_path, "--partial", "--throwaway",
    ]  # fmt: skip
    command += ["--baseline", args.baseline, "--rounds", str(args.rounds),
                "--growth-rounds", str(args.growth_rounds)]  # fmt: skip
    command += ["--wrk-duration", str(args.wrk_duration), "--viewers", str(args.viewers),
                "--update-interval", str(args.update_interval)]  # fmt: skip
    command += [] if args.wrk else ["--no-wrk"]
    command += ([] if args.throughput else ["--no-throughput"]) + (
        ["--quick"] if args.quick else []
    )
    try:
        subprocess.run(command, cwd=ROOT, check=True)
    except subprocess.CalledProcessError as error:
        return {"error": f"the PostgreSQL run failed: {error}"}
    partial = json.loads(Path(out_path).read_text())
    Path(out_path).unlink()
    return partial["databases"]["postgres"]


if __name__ == "__main__":
    main()
