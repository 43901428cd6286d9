"""A person's calendar feed holds the actions of each partnership's current plan, as My
actions shows by default: not the superseded year's (issue 27, item 6)."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from actions.models import Action
from actions.selectors import my_actions
from governance.clock import today
from governance.models import Body, Organisation, Role
from reminders.models import ReminderPreference
from tests.governance.factories import make_user
from tests.served import served


def feed_events(client, user):
    client.force_login(user)
    client.post(reverse("reminders:feed_reset"))
    token = ReminderPreference.objects.get(user=user).feed_token
    client.logout()  # a calendar application has no session
    response = client.get(reverse("reminders:person_feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def uid_of(action):
    return f"action-{action.pk}@"


@pytest.fixture
def daf_member(scb):
    """An officer of the Domestic Abuse Forum: they lead through a body, not their organisation."""
    return make_user(
        username="officer-daf-feed",
        board=scb,
        kind=Role.Kind.OFFICER,
        organisation=Organisation.objects.get(short_name="WM Police"),
        bodies=[Body.objects.get(short_name="DAF")],
    )


@pytest.mark.parametrize("who", ["officer_wcc_ph", "officer_channel_member", "daf_member"])
def test_the_feed_holds_the_current_plan_as_my_actions_does(client, request, who):
    user = request.getfixturevalue(who)
    day = today()
    shown = [a for a in my_actions(user, as_of=day) if a.due_date is not None]
    every_year = [a for a in my_actions(user, as_of=day, every_plan=True) if a.due_date]
    superseded = [a for a in every_year if a.agreement.year_label == "2017-18"]
    # The shipped data holds what the feed must leave out, and what it must keep.
    assert shown and superseded
    assert {a.agreement.year_label for a in shown} == {"2018-19"}

    found = feed_events(client, user)

    uids = sorted(str(event["uid"]).split("@")[0] + "@" for event in found)
    assert uids == sorted(uid_of(a) for a in shown)
    for event in found:
        assert "2018-19" in str(event["summary"])
        assert "2017-18" not in str(event["summary"])
    assert not {uid_of(a) for a in superseded} & set(uids)


def test_the_feed_holds_the_actions_the_my_actions_page_lists_with_a_due_date(
    client, officer_wcc_ph
):
    """The issue's report: 15 events in the feed where My actions listed 6."""
    found = feed_events(client, officer_wcc_ph)
    client.force_login(officer_wcc_ph)
    page = client.get("/p/scb/my-actions/")
    assert page.status_code == 200

    listed = served(page).action_ids
    with_due = set(
        Action.objects.filter(pk__in=listed, due_date__isnull=False).values_list("pk", flat=True)
    )
    assert with_due
    assert {int(str(e["uid"]).split("@")[0].removeprefix("action-")) for e in found} == with_due
    assert len(found) == len(with_due)
