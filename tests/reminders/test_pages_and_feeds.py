"""The account page (preference, calendar addresses), the calendar feeds, the sends page."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from icalendar import Calendar

from actions.models import Action, ActionLead
from csa.models import Agreement
from governance.models import Body, Organisation
from reminders.models import Frequency, ReminderPreference, ReminderSend
from tests.actions.factories import ActionFactory


def feed_url(user, client):
    client.force_login(user)
    client.post(reverse("reminders:feed_reset"))
    token = ReminderPreference.objects.get(user=user).feed_token
    return reverse("reminders:person_feed", args=[token])


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def action_ids(found):
    return {int(str(event["uid"]).split("@")[0].removeprefix("action-")) for event in found}


@pytest.fixture
def channel_action(scb):
    """A 2018-19 action the Channel Panel leads with WCC PH: only the panel's members see it."""
    action = ActionFactory(
        agreement=Agreement.objects.get(board=scb, period_start=datetime.date(2018, 4, 1)),
        theme=None,
        description="Channel Panel case review",
        due_date=datetime.date(2018, 9, 30),
    )
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    ActionLead.objects.create(action=action, position=1, organisation=wcc_ph)
    ActionLead.objects.create(
        action=action, position=2, body=Body.objects.get(short_name="Channel Panel")
    )
    return action


def test_the_feed_holds_exactly_the_users_visible_actions_with_due_dates(
    client, officer_wcc_ph, channel_action
):
    url = feed_url(officer_wcc_ph, client)
    client.logout()  # a calendar application has no session

    response = client.get(url)

    assert response.status_code == 200
    found = events(response)
    expected = set(
        Action.objects.filter(leads__organisation__short_name="WCC PH", due_date__isnull=False)
        # The current plan only: 2018-19, not the superseded 2017-18 (test_feed_plans.py).
        .filter(agreement__period_start=datetime.date(2018, 4, 1))
        .exclude(pk=channel_action.pk)
        .values_list("pk", flat=True)
    )
    assert action_ids(found) == expected
    assert len(found) == len(expected)
    a7 = Action.objects.get(agreement__period_start=datetime.date(2018, 4, 1), reference="A7")
    [prevent] = [e for e in found if str(e["uid"]).startswith(f"action-{a7.pk}@")]
    assert prevent.decoded("dtstart") == datetime.date(2018, 6, 30)  # all day: a date
    assert prevent.decoded("dtend") == datetime.date(2018, 7, 1)
    assert str(prevent["url"]).endswith(reverse("actions:action_detail", args=[a7.pk]))
    assert "A7" in str(prevent["summary"])


def test_a_member_of_the_panel_sees_its_action_in_their_feed(
    client, officer_channel_member, channel_action
):
    url = feed_url(officer_channel_member, client)
    assert channel_action.pk in action_ids(events(client.get(url)))


def test_resetting_the_token_makes_the_old_address_404(client, officer_wcc_ph):
    old = feed_url(officer_wcc_ph, client)
    client.post(reverse("reminders:feed_reset"))
    new = reverse(
        "reminders:person_feed",
        args=[ReminderPreference.objects.get(user=officer_wcc_ph).feed_token],
    )
    client.logout()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_the_partnership_feed_is_for_the_chair_and_the_coordinator(
    client, scb, chair, coordinator, officer_wcc_ph, channel_action
):
    with_due = Action.objects.filter(agreement__board=scb, due_date__isnull=False)
    for user, sees_channel in ((chair, False), (coordinator, True)):
        feed_url(user, client)
        token = ReminderPreference.objects.get(user=user).feed_token
        client.logout()
        found = action_ids(
            events(client.get(reverse("reminders:partnership_feed", args=[token, scb.pk])))
        )
        expected = set(with_due.values_list("pk", flat=True))
        if not sees_channel:
            expected.discard(channel_action.pk)
        assert found == expected

    feed_url(officer_wcc_ph, client)
    token = ReminderPreference.objects.get(user=officer_wcc_ph).feed_token
    assert (
        client.get(reverse("reminders:partnership_feed", args=[token, scb.pk])).status_code == 404
    )


def test_a_person_chooses_weekly_reminders_on_their_account_page(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    url = reverse("reminders:preferences")
    page = client.get(url).content.decode()
    assert "How often do you want reminders" in page
    assert "Create my calendar address" in page

    response = client.post(url, {"frequency": Frequency.WEEKLY, "weekday": "3"}, follow=True)

    assert "Your reminder preference is saved." in response.content.decode()
    preference = ReminderPreference.objects.get(user=officer_wcc_ph)
    assert (preference.frequency, preference.weekday) == (Frequency.WEEKLY, 3)


def test_garbage_preferences_change_nothing(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    response = client.post(
        reverse("reminders:preferences"), {"frequency": "hourly", "weekday": "9"}
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Select a valid choice" in html
    assert not ReminderPreference.objects.exists()


def test_the_coordinator_sees_every_email_sent_for_their_partnership(
    client, smtp, coordinator, officer_wcc_ph, outsider, django_assert_max_num_queries
):
    from tests.reminders.conftest import with_email

    with_email(officer_wcc_ph)
    call_command("send_reminders", "--as-of", "2018-06-20")
    call_command("send_reminders", "--as-of", "2018-06-21")
    client.force_login(coordinator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("reminders:send_list"))

    html = response.content.decode()
    assert "2 emails" in html
    assert officer_wcc_ph.email in html
    assert "A7 (2018-19)" in html
    assert ReminderSend.objects.count() == 2

    for user in (officer_wcc_ph, outsider):
        client.force_login(user)
        assert client.get(reverse("reminders:send_list")).status_code == 403
