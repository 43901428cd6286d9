"""A person who leads actions in two partnerships is chased for both (issue 27, item 1), in a
real Chromium with mail going to the suite's real SMTP server.

She is the WCC PH officer of Worcestershire's board and a member of Watford's Community
Protection Group. The daily reminder (the send_reminders command), an update round in each
partnership and her calendar feed each cover her actions in both; every link in her emails
opens the action in its own partnership's address, signed in once.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from actions.models import Action
from governance.clock import today
from governance.models import Body, Meeting, Membership, Organisation, Role
from plans.importer import load_agreement_file
from reminders.services import round_open
from tests.conftest import WATFORD
from tests.governance.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

ACTION_LINK = re.compile(r"/p/(?P<slug>[\w-]+)/actions/(?P<pk>\d+)/")


@pytest.fixture
def watford(scb):
    load_agreement_file(WATFORD / "2016-17.json")
    return Body.objects.get(short_name="Watford CSP")


@pytest.fixture
def in_two(scb, watford):
    user = make_user(
        username="officer-in-two",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WCC PH"),
    )
    user.email = "officer-in-two@example.org"
    user.save(update_fields=["email"])
    Role.objects.create(user=user, board=watford, kind=Role.Kind.OFFICER)
    Membership.objects.create(person=user.person, body=Body.objects.get(short_name="CPG"))
    return user


def _round(board, coordinator):
    meeting = Meeting.objects.create(
        body=board, date=today() + datetime.timedelta(days=21), title="Progress before the board"
    )
    return round_open(
        meeting=meeting, user=coordinator, deadline=meeting.date - datetime.timedelta(days=7)
    )


def first(email, slug) -> str:
    """The email's first link to an action in the partnership at /p/<slug>/."""
    return next(
        link for link in email.links() if (m := ACTION_LINK.search(link)) and m["slug"] == slug
    )


def _opens_in_its_partnership(page, link, boards_by_slug):
    """Open an email's link in the signed-in browser: the action's page (its update form) in
    its own partnership's address."""
    found = ACTION_LINK.search(link)
    action = Action.objects.select_related("agreement__board").get(pk=found["pk"])
    assert boards_by_slug[found["slug"]] == action.agreement.board
    response = page.goto(link)
    assert response.status == 200
    assert page.url == link
    expect(page.locator("main")).to_contain_text(action.description[:60])
    return action.agreement.board


def test_a_person_in_two_partnerships_is_chased_for_both(
    live_server, sign_in, mailbox, settings, in_two, scb, watford, coordinator
):
    settings.SITE_URL = live_server.url
    boards_by_slug = {scb.slug: scb, watford.slug: watford}

    # The daily reminder: one email, her actions in both partnerships' current plans.
    call_command("send_reminders", stdout=io.StringIO())
    [digest] = mailbox.to(in_two.email)
    digest_links = [link for link in digest.links() if ACTION_LINK.search(link)]
    assert {ACTION_LINK.search(link)["slug"] for link in digest_links} == {scb.slug, watford.slug}

    # An update round in each partnership, each opened by its own coordinator.
    mailbox.clear()
    watford_coordinator = make_user(
        username="coordinator-watford", board=watford, kind=Role.Kind.COORDINATOR
    )
    _round(scb, coordinator)
    _round(watford, watford_coordinator)
    rounds = mailbox.to(in_two.email)
    assert len(rounds) == 2
    round_slugs = [
        {ACTION_LINK.search(link)["slug"] for link in email.links() if ACTION_LINK.search(link)}
        for email in rounds
    ]
    assert sorted(round_slugs, key=sorted) == sorted([{scb.slug}, {watford.slug}], key=sorted)

    # A link from each email opens, signed in once, in the right partnership's address.
    page = sign_in(in_two)
    opened = [
        _opens_in_its_partnership(page, first(digest, scb.slug), boards_by_slug),
        _opens_in_its_partnership(page, first(digest, watford.slug), boards_by_slug),
    ]
    for email, slug in zip(rounds, round_slugs, strict=True):
        opened.append(_opens_in_its_partnership(page, first(email, *slug), boards_by_slug))
    assert {board.pk for board in opened} == {scb.pk, watford.pk}

    # Her calendar feed: one address, both partnerships' due dates, each linking home.
    page.goto(f"{live_server.url}{reverse('reminders:preferences')}")
    page.get_by_role("button", name="Create my calendar address").click()
    expect(page.locator("main")).to_contain_text("Your calendar address is ready.")
    feed_url = page.locator(".app-feed-url").first.inner_text().strip()
    feed = page.context.request.get(feed_url)
    assert feed.status == 200
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    slugs = {ACTION_LINK.search(str(event["url"]))["slug"] for event in events}
    assert slugs == {scb.slug, watford.slug}
