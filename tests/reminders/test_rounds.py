"""Update rounds before a meeting of the SCB: one email per lead, the round filling in, one
reminder a day to those who have not answered, and the agenda and board report marking it."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import Action, Status, UpdateRound
from actions.services import progress_update_create
from governance.clock import today
from governance.models import Meeting
from reminders.models import ReminderSend
from tests.reminders.conftest import text_of

WCC_PH_OPEN = {"A1", "A4", "A5", "A7", "A8", "A10"}


def action_2018(reference):
    return Action.objects.get(
        agreement__period_start=datetime.date(2018, 4, 1), reference=reference
    )


def open_round(client, coordinator, meeting, **data):
    """Open the form, keep the actions it ticks by default, and submit it."""
    client.force_login(coordinator)
    url = reverse("reminders:round_create", args=[meeting.pk])
    ticked = re.findall(
        r'name="actions" type="checkbox" value="(\d+)" checked', client.get(url).content.decode()
    )
    deadline = (meeting.date - datetime.timedelta(days=7)).isoformat()
    return client.post(
        url,
        {
            "deadline": deadline,
            "message": "Please update before the board.",
            "actions": ticked,
            **data,
        },
    )


def refs(message):
    return {line.split()[1] for line in text_of(message).splitlines() if line.startswith("- ")}


def test_opening_a_round_mails_each_lead_once_with_their_actions(
    client, smtp, coordinator, scb_meeting, wcc_ph_officer, daf_officer, police_officer
):
    response = open_round(client, coordinator, scb_meeting)

    update_round = UpdateRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:round_detail", args=[update_round.pk])
    # The SCB oversees its whole plan: the 2018-19 plan's twelve open actions.
    assert update_round.actions.count() == 12
    assert sorted(smtp.recipients) == sorted([wcc_ph_officer.email, daf_officer.email])
    [to_wcc] = smtp.to(wcc_ph_officer.email)
    assert refs(to_wcc) == WCC_PH_OPEN
    assert "Please update before the board." in text_of(to_wcc)
    assert "Quarterly performance" in text_of(to_wcc)
    assert refs(smtp.to(daf_officer.email)[0]) == {"A2", "A3"}
    assert ReminderSend.objects.filter(kind=ReminderSend.Kind.ROUND_OPENED).count() == 2


def test_the_round_page_fills_in_and_the_reminder_goes_only_to_those_who_have_not_answered(
    client, smtp, coordinator, scb_meeting, wcc_ph_officer, daf_officer
):
    open_round(client, coordinator, scb_meeting)
    update_round = UpdateRound.objects.get()
    smtp.clear()
    for reference in ("A2", "A3"):
        progress_update_create(
            action=action_2018(reference),
            author=daf_officer,
            status=Status.ON_TRACK,
            note="Forum met; plan on track.",
        )

    page = client.get(reverse("reminders:round_detail", args=[update_round.pk]))
    html = page.content.decode()
    a2, a1 = action_2018("A2"), action_2018("A1")
    assert "2 of 12 actions" in html
    row = html.split(f'id="round-action-{a2.pk}"')[1].split("</tr>")[0]
    assert "Answered" in row
    row = html.split(f'id="round-action-{a1.pk}"')[1].split("</tr>")[0]
    assert "No update yet" in row and "Answered" not in row

    client.post(reverse("reminders:round_remind", args=[update_round.pk]))
    assert smtp.recipients == [wcc_ph_officer.email]
    assert refs(smtp.messages[0][1]) == WCC_PH_OPEN
    assert "A reminder" in text_of(smtp.messages[0][1])

    # Never twice in a day.
    response = client.post(reverse("reminders:round_remind", args=[update_round.pk]), follow=True)
    assert len(smtp.messages) == 1
    assert "already reminded today" in response.content.decode()
    assert (
        "reminded today"
        in client.get(reverse("reminders:round_detail", args=[update_round.pk])).content.decode()
    )


def test_the_agenda_and_the_board_report_mark_actions_with_no_update_in_the_round(
    client, smtp, coordinator, scb, scb_meeting, wcc_ph_officer, daf_officer
):
    open_round(client, coordinator, scb_meeting)
    progress_update_create(
        action=action_2018("A2"), author=daf_officer, status=Status.AT_RISK, note="Delayed."
    )
    day = scb_meeting.date.isoformat()

    agenda = client.get(reverse("meetings:agenda", args=[scb.pk]) + f"?date={day}")
    html = agenda.content.decode()
    assert "1 of 12 actions have been updated since" in html
    assert html.count("No update in the update round") == 11 + 1  # 11 rows and the sentence

    agreement = action_2018("A1").agreement
    report = client.get(reverse("actions:board_report") + f"?agreement={agreement.pk}&as_of={day}")
    html = report.content.decode()
    assert "1 of 12 actions updated since it opened" in html
    assert "No update in the round" in html

    meeting_page = client.get(reverse("meetings:meeting_detail", args=[scb_meeting.pk]))
    assert "1 of 12 actions updated since it opened" in meeting_page.content.decode()


def test_only_the_coordinator_opens_a_round(client, smtp, scb_meeting, wcc_ph_officer, chair):
    for user in (wcc_ph_officer, chair):
        client.force_login(user)
        url = reverse("reminders:round_create", args=[scb_meeting.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"deadline": today().isoformat()}).status_code == 403
    assert not UpdateRound.objects.exists()
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("days_before_meeting", "message"),
    [
        (-1, "The deadline must be on or before the meeting"),
        (30, "The deadline must be today or later."),
    ],
)
def test_a_bad_deadline_opens_nothing(
    client, smtp, coordinator, scb_meeting, wcc_ph_officer, days_before_meeting, message
):
    client.force_login(coordinator)
    deadline = scb_meeting.date - datetime.timedelta(days=days_before_meeting)
    response = client.post(
        reverse("reminders:round_create", args=[scb_meeting.pk]),
        {"deadline": deadline.isoformat(), "actions": [action_2018("A1").pk]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and message in html
    assert not UpdateRound.objects.exists()
    assert smtp.messages == []


def test_garbage_opens_nothing(client, smtp, coordinator, scb_meeting):
    client.force_login(coordinator)
    response = client.post(
        reverse("reminders:round_create", args=[scb_meeting.pk]),
        {"deadline": "2026-02-30", "actions": ["999999", "x"]},
    )
    html = response.content.decode()
    assert "Enter the deadline for updates as day/month/year" in html
    assert "“x” is not a valid value." in html
    assert not UpdateRound.objects.exists()


def test_a_round_for_a_past_meeting_is_refused(client, smtp, coordinator, scb):
    past = Meeting.objects.create(body=scb, date=today() - datetime.timedelta(days=1), title="X")
    client.force_login(coordinator)
    response = client.post(
        reverse("reminders:round_create", args=[past.pk]),
        {"deadline": today().isoformat(), "actions": [action_2018("A1").pk]},
    )
    assert "This meeting has taken place" in response.content.decode()
    assert not UpdateRound.objects.exists()
