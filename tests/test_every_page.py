"""Every page of `make run`'s data works, for every demo account.

Each account signs in as a person would, starts at the landing page and follows, breadth
first, what the HTML it is served offers (GET only): every same-site <a href>, the calendar
addresses that the reminders page shows, and every GET form sent with its defaults and with
each choice of each select or radio changed in turn (so "all plans" is a page like any
other). Downloads are read to their end, so a CSV that stops part-way fails as a 500 does.

Following everything as every account is 3,000 requests and four minutes, so what is worth a
request is bounded (about 800 requests, under a minute on SQLite or PostgreSQL; run with -s
to see the count of pages each account visited):
- each account visits every kind of page it reaches (the path with its numbers as N);
- every object's pages (each action, body, meeting, organisation, plan, person) are opened
  by an account of each role: a coordinator or the administrator, the chair, an officer;
- each role tries every choice a kind of page offers, up to VALUES_PER_PARAMETER values of
  each query parameter (any date is one value; left out is one too), at most
  QUERIES_PER_PATH query strings on one path;
- a PDF is drawn once per address in the whole walk: WeasyPrint takes seconds, and the report
  it draws is an HTML page that every account visits.
A page at a partnership's address (/p/<slug>/...) is the same object as the page across
partnerships, but another kind of page.

It fails listing, with the account, every 5xx, every download that stops part-way, and every
link that refuses (4xx) the account it was offered to. A form's choice may be refused: that is
the form saying what is wrong.
"""

import collections
import dataclasses
import re
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from governance.auth import DEMO_GROUP, DEMO_PASSWORD
from governance.models import Role

VALUES_PER_PARAMETER = 2
QUERIES_PER_PATH = 3
MAX_PAGES_PER_ACCOUNT = 500  # a safety net: no account comes near it
# The roles whose accounts share the opening of objects. The administrator does what a
# coordinator does, in every partnership.
MANAGES = "coordinator or administrator"
ROLES = {Role.Kind.COORDINATOR: MANAGES, Role.Kind.CHAIR: "chair", Role.Kind.OFFICER: "officer"}
DRAWN_ONCE = {"actions:board_report_pdf"}
# Not followed: signing out ends the walk; the admin is Django's own (tests/test_admin.py).
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/", "/static/")
SAME_SITE_HOSTS = {"", "testserver"}
A_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PARTNERSHIP_ADDRESS = re.compile(r"^/p/[^/]+(?=/)")
# Every kind of download must have been read, or the walk lost its way to it.
DOWNLOADS = {
    "actions:action_export csv",
    "actions:action_export xlsx",
    "actions:board_report_pdf",
    "actions:progress_download",
    "reminders:person_feed",
    "reminders:partnership_feed",
}


class _Offered(HTMLParser):
    """What a page offers: links (calendar addresses too), and its GET forms' submissions."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.submissions: list[str] = []
        self._form = None  # (action, fields) of the GET form being read
        self._select = None  # (name, options, selected) of the select being read
        self._in_feed_url = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "code" and "app-feed-url" in (attrs.get("class") or "").split():
            self._in_feed_url = True
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = (attrs.get("action") or "", [])
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            name, value = attrs["name"], attrs.get("value") or ""
            if kind in ("radio", "checkbox"):
                self._form[1].append((name, [value], value if "checked" in attrs else None))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form[1].append((name, [], value))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = (attrs["name"], [], [])
        elif self._select is not None and tag == "option":
            value = attrs.get("value") or ""
            self._select[1].append(value)
            if "selected" in attrs:
                self._select[2].append(value)

    def handle_endtag(self, tag):
        if tag == "code":
            self._in_feed_url = False
        elif tag == "select" and self._select is not None:
            name, options, selected = self._select
            default = selected[0] if selected else (options[0] if options else "")
            self._form[1].append((name, options, default))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.submissions.extend(_submissions(*self._form))
            self._form = None

    def handle_data(self, data):
        if self._in_feed_url:
            self.links.append(data.strip())


def _submissions(action, fields):
    """The form sent as it stands, then with each choice of each field changed in turn."""
    # Radio buttons and checkboxes of one name are one field.
    merged: dict[str, tuple[list, str | None]] = {}
    for name, options, default in fields:
        choices, chosen = merged.get(name, ([], None))
        merged[name] = (choices + options, chosen if chosen is not None else default)
    defaults = {name: chosen for name, (_, chosen) in merged.items()}

    def query(**changed):
        values = {**defaults, **changed}
        return urlencode([(name, value) for name, value in values.items() if value is not None])

    yield f"{action}?{query()}"
    for name, (choices, _) in merged.items():
        for choice in choices:
            yield f"{action}?{query(**{name: choice})}"


@dataclasses.dataclass(eq=False)
class Request:
    path: str
    query: str
    found_on: str
    by_link: bool  # a link that refuses is broken; a form's choice may be refused
    page: str = ""
    kind: str = ""
    pairs: frozenset = frozenset()

    def __post_init__(self):
        # The page whatever partnership's address it is reached by (/p/<slug>/...), as in
        # "the same action", "the same PDF".
        self.page = PARTNERSHIP_ADDRESS.sub("", self.path) or "/"
        # One action's page is a page of the same kind as another's; the CSV is not the XLSX;
        # a page at a partnership's address is not the same kind as one across partnerships.
        self.kind = re.sub(r"\d+", "N", PARTNERSHIP_ADDRESS.sub("/p/<partnership>", self.path))
        self.pairs = frozenset(
            (name, "<date>" if A_DATE.match(value) else value)
            for name, value in parse_qsl(self.query, keep_blank_values=True)
        )

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def choices(self, known_names) -> set[tuple[str, str]]:
        """Its name=value pairs; a name that the kind of page was given before and this
        request leaves out counts as one too (no agreement given means "all plans")."""
        given = {name for name, _ in self.pairs}
        return self.pairs | {(name, "<left out>") for name in known_names - given}


def _same_site(base, href):
    """The path and query of href as seen from base, or None if it leaves the site."""
    url = urlsplit(urljoin(base, href.strip()))
    if url.scheme not in ("", "http", "https") or url.netloc not in SAME_SITE_HOSTS:
        return None
    if PARTNERSHIP_ADDRESS.sub("", url.path).startswith(SKIPPED_PREFIXES):
        return None
    return url.path, url.query


def _view_of(path) -> str:
    """The view's name, and the format it was asked for, if any ("actions:action_export csv")."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return " ".join([match.view_name, *match.kwargs.get("fmt", "").split()])


class Walk:
    """What the walk has visited: objects and choices by role, shared by the role's accounts."""

    def __init__(self):
        self.pages_of = collections.defaultdict(set)
        self.queries_of = collections.defaultdict(lambda: collections.defaultdict(set))
        self.values_of = collections.defaultdict(
            lambda: collections.defaultdict(lambda: collections.defaultdict(set))
        )
        self.drawn: set[tuple[str, str]] = set()
        self.views: set[str] = set()
        self.failures: list[str] = []

    def account(self, client, username, role) -> int:
        """Visit what the account can reach from "/"; returns the number of pages visited."""
        candidates = [Request("/", "", found_on="", by_link=True)]
        known = {"/"}
        kinds = set()
        pages, queries_of, values_of = (
            self.pages_of[role],
            self.queries_of[role],
            self.values_of[role],
        )

        def worth(request):
            """The rank of a request (lowest first), or None if it is not worth making."""
            if (request.page, request.query) in self.drawn:
                return None
            if request.kind not in kinds:
                return (0, 0)  # a kind of page this account has not seen
            if request.page not in pages:
                return (1, 0)  # an object no account of this role has opened
            if not request.query or len(queries_of[request.page]) >= QUERIES_PER_PATH:
                return None
            seen = values_of[request.kind]
            new = sum(
                1
                for name, value in request.choices(set(seen))
                if value not in seen[name] and len(seen[name]) < VALUES_PER_PARAMETER
            )
            return (1, -new) if new else None  # the choices not tried yet, most first

        visited = 0
        while candidates and visited < MAX_PAGES_PER_ACCOUNT:
            # Worth is only ever lost, so a candidate not worth a request now never will be.
            ranked = [(rank, c) for c in candidates if (rank := worth(c)) is not None]
            if not ranked:
                break
            # Breadth first within a rank: min() keeps the earliest found of the best.
            request = ranked.pop(min(range(len(ranked)), key=lambda i: ranked[i][0]))[1]
            candidates = [c for _, c in ranked]

            kinds.add(request.kind)
            pages.add(request.page)
            queries_of[request.page].add(request.query)
            seen = values_of[request.kind]
            for name, value in request.choices(set(seen)):
                seen[name].add(value)
            view = _view_of(request.page)
            if view in DRAWN_ONCE:
                self.drawn.add((request.page, request.query))
            self.views.add(view)
            visited += 1
            for found in self._visit(client, username, request):
                if found.url not in known:
                    known.add(found.url)
                    candidates.append(found)
        return visited

    def _visit(self, client, username, request) -> list[Request]:
        """Get the page, note what went wrong, and return what it offers."""
        url = request.url
        response = client.get(url)
        try:
            body = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as error:  # noqa: BLE001 (the user gets a download cut short)
            self.failures.append(f"{username}: {url} stopped part-way: {error!r}")
            return []
        if response.status_code >= 500:
            cause = getattr(response, "exc_info", None)
            self.failures.append(
                f"{username}: {url} gave {response.status_code}: {cause and cause[1]!r}"
            )
            return []
        if response.status_code >= 400 and request.by_link:
            self.failures.append(
                f"{username}: {url}, a link on {request.found_on}, "
                f"refused with {response.status_code}"
            )
            return []
        links, submissions = [], []
        if response.status_code in (301, 302, 303, 307, 308):
            links = [response["Location"]]
        elif response.get("Content-Type", "").startswith("text/html"):
            offered = _Offered()
            offered.feed(body.decode(response.charset or "utf-8"))
            links, submissions = offered.links, offered.submissions
        return [
            Request(*target, found_on=url, by_link=by_link)
            for hrefs, by_link in ((links, True), (submissions, False))
            for href in hrefs
            if (target := _same_site(url, href))
        ]


def _demo_accounts() -> list[tuple[str, str]]:
    """(username, role) of every demo account; the administrator last, so that the people who
    use the tracker every day are the ones who open the objects."""
    accounts = []
    users = get_user_model().objects.filter(groups__name=DEMO_GROUP)
    for user in users.order_by("is_superuser", "username").prefetch_related("partnership_roles"):
        kinds = sorted({role.kind for role in user.partnership_roles.all()})
        accounts.append((user.username, MANAGES if user.is_superuser else ROLES[kinds[0]]))
    return accounts


def _signed_in(username) -> Client:
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    # The calendar addresses exist once asked for; the reminders page then shows them.
    client.post(reverse("reminders:feed_reset"))
    return client


def assert_every_account_walked_everywhere(walk: Walk, counts: dict[str, int]) -> None:
    """What the walk of every demo account must show: nothing failed, every account reached
    its pages, every kind of download was read."""
    assert not walk.failures, "\n".join(walk.failures)
    # A walk that reached nothing would pass: every account has actions, plans and meetings.
    for username, count in counts.items():
        assert count >= 15, f"{username} visited only {count} pages"
        assert count < MAX_PAGES_PER_ACCOUNT, f"{username}'s walk was cut short by its bound"
    assert walk.views >= DOWNLOADS, f"never downloaded: {DOWNLOADS - walk.views}"


def assert_every_account_and_role(accounts) -> None:
    # Both partnerships' accounts, and every role.
    assert {"chair", "coordinator", "admin", "coordinator-watford", "officer-watford-wbc"} <= {
        username for username, _ in accounts
    }
    assert {role for _, role in accounts} == set(ROLES.values())


@pytest.mark.longest
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    # The walk is a minute; on SQLite the phone test walks it, asserts all this test does and
    # draws each page it reaches in Chromium besides (make test runs the suite on both).
    reason="walked on SQLite by tests/browser/test_phones.py, which draws each page too",
)
def test_every_page_of_the_shipped_data_works_for_every_demo_account(shipped_data):
    accounts = _demo_accounts()
    assert_every_account_and_role(accounts)
    walk = Walk()
    counts = {}
    started = time.monotonic()
    for username, role in accounts:
        counts[username] = walk.account(_signed_in(username), username, role)
    print(f"\nEvery page walk, {time.monotonic() - started:.1f} s; pages visited per account:")
    for username, count in counts.items():
        print(f"  {username:32} {count}")
    print(f"  {'all accounts':32} {sum(counts.values())}")
    assert_every_account_walked_everywhere(walk, counts)
