"""Phones in a real Chromium: at 320 and 390 px wide the officer's and the chair's pages
reflow (WCAG 1.4.10): tables of actions become stacked rows, selects fit their column, and
the page never scrolls sideways. axe checks each page at that width."""

import collections
import datetime
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from actions.models import Action, Status
from actions.services import progress_update_create
from csa.models import Agreement
from tests.test_every_page import (
    Walk,
    _demo_accounts,
    _signed_in,
    assert_every_account_and_role,
    assert_every_account_walked_everywhere,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 320
STATIC_PREFIX = "/" + settings.STATIC_URL.strip("/") + "/"
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# The width of a select's longest choice in its own font, and the room for text inside it
# (its width less the padding and the arrow).
WIDEST_CHOICE = """e => {
  const context = document.createElement("canvas").getContext("2d");
  context.font = getComputedStyle(e).font;
  const widest = Math.max(...[...e.options].map((o) => context.measureText(o.text).width));
  return [Math.ceil(widest), e.clientWidth - 35];
}"""


def pages(live_server):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    # As of April 2019: the plan with overdue actions, so every table has rows.
    plan = f"agreement={agreement.pk}&as_of=2019-04-01"
    return {
        "My actions": f"{live_server.url}/my-actions/?plans=all",
        "the dashboard": f"{live_server.url}/dashboard/?{plan}",
        "the list": f"{live_server.url}/actions/?{plan}",
        "the board report": f"{live_server.url}/report/?{plan}",
    }


@pytest.mark.parametrize("width", [320, 390])
def test_no_page_scrolls_sideways_on_a_phone(
    live_server, page, sign_in, officer_wcc_ph, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 800})
    # An exception: "on track" by the officer, overdue by the facts. The dashboard and the
    # report then have their table of exceptions, which did not stack and was wider than a
    # phone (issue 27).
    overdue = Action.objects.filter(agreement__period_start="2018-04-01", reference="A1").get()
    progress_update_create(
        action=overdue,
        author=officer_wcc_ph,
        status=Status.ON_TRACK,
        note="Going well: the last sessions are booked for May.",
        date=datetime.date(2019, 3, 25),
    )
    sign_in(officer_wcc_ph)

    for name, url in pages(live_server).items():
        page.goto(url)
        page.wait_for_load_state()
        if name in ("the dashboard", "the board report"):
            exceptions = page.locator("table[data-table=exceptions] tbody tr")
            assert exceptions.count() == 1, f"{name} shows no exception"
            cell = exceptions.locator("td[data-label=Computed]")
            assert "Computed" in cell.evaluate("e => getComputedStyle(e, '::before').content")
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{name} at {width}px is {widths[0]}px wide"
        assert_accessible(page)

    # The rows are stacked: each cell says which column it is, and the Due and Status of an
    # action are on the screen, not cut off to the right.
    page.goto(pages(live_server)["My actions"])
    row = page.locator("tr[id^=action-row-]").first
    status = row.locator("td[data-label=Status]")
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert "Status" in status.evaluate("e => getComputedStyle(e, '::before').content")


def test_a_wide_screen_keeps_the_columns(live_server, page, sign_in, officer_wcc_ph):
    page.set_viewport_size({"width": 1200, "height": 800})
    sign_in(officer_wcc_ph)
    page.goto(pages(live_server)["My actions"])

    assert page.locator("table.app-table--stack thead").first.is_visible()
    status = page.locator("tr[id^=action-row-] td[data-label=Status]").first
    assert status.evaluate("e => getComputedStyle(e).display") == "table-cell"


def test_selects_show_their_whole_choice(live_server, page, sign_in, chair, assert_accessible):
    """Agreement and "Sort by" were cut off ("Due date, soonest f"); the "As of" hint wrapped
    to three lines."""
    page.set_viewport_size({"width": 1200, "height": 900})
    sign_in(chair)
    for url in pages(live_server).values():
        if "/my-actions/" in url:
            continue
        page.goto(url)
        # (A lead's full name can be longer than any column: that select is left as it is.)
        for select in page.locator("main select[name=agreement], main select[name=sort]").all():
            widest, room = select.evaluate(WIDEST_CHOICE)
            assert widest <= room, f"{select.get_attribute('name')} on {url}: {widest} > {room}"
        hint = page.locator("#id_as_of-hint")
        line_height = float(hint.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert hint.bounding_box()["height"] < 2 * line_height, url
    assert_accessible(page)


# The elements that reach past the right edge, innermost first, to say what scrolls.
TOO_WIDE = """() => {
  const edge = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width && box.right > edge + 1 && !e.closest(".app-table-scroll *");
  });
  return wide.filter((e) => !wide.some((o) => o !== e && e.contains(o))).slice(0, 3).map(
    (e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${[...e.classList].join(".")}`
      + ` (${Math.round(e.getBoundingClientRect().right)}px)`
  );
}"""


WIDTH_AND_HEADINGS = (
    "[document.documentElement.scrollWidth, document.querySelectorAll('h1').length]"
)


def _serve_as_served(drawn, missing) -> ThreadingHTTPServer:
    """A server on this machine that gives Chromium the page being drawn (`drawn["body"]`, at
    whatever address it is asked for) and the project's static files, which the browser may
    keep. (Playwright's routing, which did this before, turns the browser's cache off: each
    of some 700 pages fetched every stylesheet and script again through Python.)"""
    static: dict[str, tuple[bytes, str]] = {}

    class AsServed(BaseHTTPRequestHandler):
        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(STATIC_PREFIX):
                self._send(drawn["body"], "text/html; charset=utf-8", "no-store")
                return
            if path not in static:
                found = finders.find(path[len(STATIC_PREFIX) :])
                if not found:
                    missing.add(path)
                    self.send_error(404)
                    return
                kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
                static[path] = (Path(found).read_bytes(), kind)
            self._send(*static[path], "max-age=3600")

        def _send(self, body, content_type, cache_control):
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", cache_control)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: the test says what went wrong
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), AsServed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _Served:
    """The test client of an account, keeping each HTML page it was served (the walk's)."""

    def __init__(self, client):
        self.client = client
        self.pages: list[tuple[str, bytes]] = []

    def get(self, url):
        response = self.client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            self.pages.append((url, response.content))
        return response


@pytest.mark.longest
@pytest.mark.django_db
@pytest.mark.skipif(
    "postgresql" in settings.DATABASES["default"]["ENGINE"],
    # How wide a page is drawn depends on its markup and stylesheets, not on the database: the
    # walk draws every page on SQLite (make test runs the suite on both; this is its longest
    # test), and tests/test_every_page.py still walks every page on PostgreSQL.
    reason="drawn on SQLite only: a page's width is not the database's",
)
def test_no_page_of_the_every_page_walk_scrolls_sideways_at_320px(shipped_data, browser):
    """Every HTML page that the every-page walk (tests/test_every_page.py) reaches, as every
    demo account (officers, chairs, coordinators, the administrator), drawn at 320 px by
    Chromium: none is wider than the screen (WCAG 1.4.10). The walk gets the pages through
    the test client as the account; Chromium is given each page as it was served, at its own
    address, with the real stylesheets and scripts. Each role draws an address once.

    On SQLite this is also the every-page test: the walk asserts all that
    tests/test_every_page.py does, which walks it on PostgreSQL (a minute saved of make test)."""
    accounts = _demo_accounts()
    assert_every_account_and_role(accounts)
    walk, counts = Walk(), {}
    context = browser.new_context(viewport={"width": PHONE, "height": 640})
    page = context.new_page()
    drawn = {"body": b""}  # the page being drawn, as it was served
    missing = set()
    server = _serve_as_served(drawn, missing)
    site = f"http://127.0.0.1:{server.server_port}"
    drawn_by_role, too_wide = collections.Counter(), []
    checked = collections.defaultdict(set)  # role: the addresses drawn as an account of it
    for username, role in accounts:
        served = _Served(_signed_in(username))
        counts[username] = walk.account(served, username, role)
        for url, body in served.pages:
            if url in checked[role]:
                continue
            checked[role].add(url)
            drawn["body"] = body
            page.goto(f"{site}{url}")
            drawn_by_role[role] += 1
            width, headings = page.evaluate(WIDTH_AND_HEADINGS)
            assert headings, f"{url} as {username} was not drawn: it has no <h1>"
            if width > PHONE:
                too_wide.append(f"{url} as {username}: {width}px, {page.evaluate(TOO_WIDE)}")
    context.close()
    server.shutdown()
    print(f"\nPages drawn at {PHONE}px, by role: {dict(drawn_by_role)}")
    assert_every_account_walked_everywhere(walk, counts)
    assert not missing, f"not in the static folders: {missing}"
    assert set(drawn_by_role) == {"officer", "chair", "coordinator or administrator"}
    assert sum(drawn_by_role.values()) > 300, "the walk reached too little to say anything"
    assert not too_wide, f"{len(too_wide)} pages scroll sideways:\n" + "\n".join(too_wide)
