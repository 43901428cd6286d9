"""The demo's fictional partnership (bench/demo.py, `seed_demo_partnership`): made by the
synthetic generator beside the real plans, with a story that makes its dashboard show every
figure on the day it is seeded, whatever day of the year that is; a restricted body with its
own members; a person in two partnerships; an address for every demo account."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from actions.models import Action
from bench.demo import DEMO_NAMING, STORIES
from bench.synthetic import financial_year_of
from governance.auth import DEMO_GROUP
from governance.middleware import address_in
from governance.models import Body, Meeting, Role
from tests.served import Page

pytestmark = pytest.mark.django_db

# Every figure of the dashboard's two tables of counts.
COUNTS = ["total", "overdue", "due_soon", "due_later", "no_due_date", "needs_date", "open", "stale"]
STATUSES = ["Not started", "On track", "At risk", "Off track", "Completed", "Deferred", "Cancelled"]
CHANNEL_STORY = next(story for story in STORIES if story.lead == "Channel").description


def _seed():
    call_command("seed_demo_partnership", stdout=io.StringIO())
    return Body.objects.get(short_name=DEMO_NAMING.board_short_name)


def _as(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _days():
    """Today; the first day of its financial year (a plan a day old can show nothing stale
    or overdue: the demo shows last year's); and the first day on which this year's plan has
    run long enough to show it all (before today: the seeding cannot date an update ahead)."""
    today = timezone.localdate()
    first = datetime.date(financial_year_of(today), 4, 1)
    switch = first + datetime.timedelta(days=61)
    if switch > today:
        switch = switch.replace(year=switch.year - 1)
    return [today, first, switch]


@pytest.mark.parametrize("day", _days(), ids=["today", "year-start", "plan-old-enough"])
def test_its_dashboard_shows_every_figure_on_the_day_it_is_seeded(shipped_data, monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    board = _seed()

    served = _as("demoshire-chair").get(address_in(board.slug, "actions:dashboard"))
    assert served.status_code == 200
    page = Page(served.content.decode())
    assert DEMO_NAMING.board_name in page.main
    assert f"Dashboard as of {day:%-d %B %Y}" in page.main  # the day it was seeded
    assert {name: page.counts[name] for name in COUNTS if page.counts[name] == 0} == {}
    statuses = {row.cells[0]: int(row.cells[1]) for row in page.table(id="counts-by-status").rows}
    assert {status: statuses[status] for status in STATUSES if statuses[status] == 0} == {}
    exceptions = int(page.headings["exceptions"].removeprefix("Exceptions: "))
    assert exceptions > 0
    assert page.rows("exceptions"), "the exceptions are listed"
    slipped = page.headings["slips"].removeprefix("Deadline slips: ").split(" ")[0]
    assert int(slipped) > 0
    assert page.rows("slips")


def test_the_restricted_panel_the_person_in_two_partnerships_and_every_address(shipped_data):
    board = _seed()
    User = get_user_model()
    demo_accounts = User.objects.filter(groups__name=DEMO_GROUP)
    assert {"demoshire-chair", "demoshire-coordinator", "demoshire-officer-ph", "chair"} <= set(
        demo_accounts.values_list("username", flat=True)
    )
    assert [u.username for u in demo_accounts if not u.email.endswith("@example.org")] == []
    chair = User.objects.get(username="demoshire-chair")
    assert chair.get_full_name() == chair.person.name  # named one way on every page

    # The Channel Panel's action: its members see it, the chair does not.
    channel = Body.objects.get(short_name=f"{DEMO_NAMING.prefix} Channel")
    assert channel.restricted
    action = Action.objects.get(description=CHANNEL_STORY)
    address = address_in(board.slug, "actions:action_detail", action.pk)
    assert _as("demoshire-officer-ph").get(address).status_code == 200  # a member
    assert _as("demoshire-chair").get(address).status_code == 404
    listing = _as("demoshire-chair").get(address_in(board.slug, "actions:action_list"))
    assert CHANNEL_STORY not in listing.content.decode()

    # West Mercia Police's demo officer works in Worcestershire and in Demoshire.
    two = User.objects.get(username="officer-wm-police")
    boards = set(Role.objects.filter(user=two).values_list("board__short_name", flat=True))
    assert boards == {"SCB", DEMO_NAMING.board_short_name}
    home = _as("officer-wm-police").get(address_in(board.slug, "actions:my_actions"))
    assert home.status_code == 200
    assert "Switch to Worcestershire Safer Communities Board" in home.content.decode()

    # The board's next meeting is to come: an update round can be opened from its page.
    [meeting] = Meeting.objects.filter(body=board, date__gt=timezone.localdate())
    meeting_page = _as("demoshire-coordinator").get(
        address_in(board.slug, "meetings:meeting_detail", meeting.pk)
    )
    assert "Open an update round" in meeting_page.content.decode()

    # make run again: nothing made twice, nothing changed.
    before = (User.objects.count(), Action.objects.count(), Role.objects.count())
    out = io.StringIO()
    call_command("seed_demo_partnership", stdout=out)
    assert "left as it is" in out.getvalue()
    assert (User.objects.count(), Action.objects.count(), Role.objects.count()) == before


def test_every_page_of_it_opens_for_each_of_its_roles(shipped_data):
    """A small walk: each demo role of the fictional partnership opens its pages, and the
    actions the list offers it (the board report, seconds to draw, as the chair only)."""
    board = _seed()
    pages = ["actions:home", "actions:my_actions", "actions:dashboard", "actions:action_list",
             "plans:agreement_list", "meetings:partnership_map"]  # fmt: skip
    # The chair, the coordinator, a member of the restricted panel, the person in two.
    roles = ["demoshire-chair", "demoshire-coordinator", "demoshire-officer-ph",
             "officer-wm-police"]  # fmt: skip
    for username in roles:
        client = _as(username)
        for name in pages:
            served = client.get(address_in(board.slug, name), follow=True)
            assert served.status_code == 200, (username, name)
        listing = Page(client.get(address_in(board.slug, "actions:action_list")).content.decode())
        assert listing.action_ids, username
        for pk in sorted(listing.action_ids)[:3]:
            action = client.get(address_in(board.slug, "actions:action_detail", pk))
            assert action.status_code == 200, (username, pk)
    report = _as("demoshire-chair").get(address_in(board.slug, "actions:board_report"))
    assert report.status_code == 200
    people = _as("demoshire-coordinator").get(address_in(board.slug, "people:people"))
    assert people.status_code == 200
    assert "demoshire-officer-ph@example.org" in people.content.decode()


def test_refused_without_debug(worcestershire, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created when DEBUG is on"):
        call_command("seed_demo_partnership")
    assert not Body.objects.filter(short_name=DEMO_NAMING.board_short_name).exists()
