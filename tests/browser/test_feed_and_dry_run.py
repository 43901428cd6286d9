"""The calendar feed holds the current plans only, as My actions does, and the dry run of
send_reminders says what a real run would do now, and why nobody would be emailed (issue 27,
item 6).

The WCC PH officer leads actions in the superseded 2017-18 plan and in 2018-19: her feed, set
up on her account page in a real Chromium and fetched as a calendar program would, has
exactly the actions with a due date that My actions lists. The dry run is a command: its
output is what is tested.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar
from playwright.sync_api import expect

from actions.models import Action
from governance.clock import today

pytestmark = pytest.mark.django_db(transaction=True)


def _feed_action_ids(body: bytes) -> set[int]:
    events = Calendar.from_ical(body).walk("VEVENT")
    return {int(str(event["uid"]).split("@")[0].removeprefix("action-")) for event in events}


def test_the_feed_holds_what_my_actions_lists_and_no_superseded_plan(
    live_server, sign_in, officer_wcc_ph
):
    superseded = Action.objects.filter(
        leads__organisation__short_name="WCC PH",
        agreement__period_start__year=2017,
        due_date__isnull=False,
    )
    assert superseded.exists()  # there is something the feed must leave out

    page = sign_in(officer_wcc_ph)
    page.goto(f"{live_server.url}{reverse('actions:my_actions')}")
    rows = page.locator("tr[id^=action-row-]")
    listed = {
        int(i.removeprefix("action-row-")) for i in rows.evaluate_all("r => r.map(e => e.id)")
    }
    assert listed
    with_due_date = set(
        Action.objects.filter(pk__in=listed, due_date__isnull=False).values_list("pk", flat=True)
    )

    page.get_by_role("link", name="Reminders and calendar").click()
    page.get_by_role("button", name="Create my calendar address").click()
    expect(page.locator("main")).to_contain_text("Your calendar address is ready.")
    address = page.locator(".app-feed-url").first.inner_text().strip()
    page.context.clear_cookies()  # a calendar program does not sign in
    feed = page.context.request.get(address)
    assert feed.status == 200

    fed = _feed_action_ids(feed.body())
    assert fed == with_due_date
    assert not fed & set(superseded.values_list("pk", flat=True))


def test_the_dry_run_names_those_emailed_already_and_says_why_nobody_would_be(
    mailbox, settings, officer_wcc_ph
):
    officer_wcc_ph.email = "officer-wcc-ph@example.org"
    officer_wcc_ph.save(update_fields=["email"])
    call_command("send_reminders", stdout=io.StringIO())
    assert [m.to for m in mailbox.messages] == [["officer-wcc-ph@example.org"]]

    out = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    said = out.getvalue()
    assert "would email officer-wcc-ph@example.org" not in said
    assert f"emailed already on {today():%Y-%m-%d}, not again: officer-wcc-ph@example.org" in said
    assert "Nobody would be emailed: 1 person was emailed already that day." in said
    assert len(mailbox.messages) == 1  # a dry run sends nothing
