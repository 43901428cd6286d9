"""Rules the meeting pages share with the rest of the tracker: time, the overdue rule, errors."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import actions.models
from actions.models import Action, ProgressUpdate, Status, today
from governance.models import Body, Organisation
from meetings.services import (
    action_arising_create,
    progress_received_link,
    progress_received_record,
)
from tests.governance.helpers import agreement_2018, make_action, make_meeting, make_update

ARISING_MESSAGE = "Record actions arising once the meeting has taken place."
PROGRESS_MESSAGE = "Record the progress a meeting received once the meeting has taken place."


@pytest.fixture
def psg(scb):
    return Body.objects.get(short_name="PSG")


@pytest.fixture
def next_week_meeting(psg):
    return make_meeting(psg, date=today() + datetime.timedelta(days=7), title="Next week")


# --- Nothing is recorded at a meeting that has not happened --------------------------------


def test_an_action_arising_from_a_future_meeting_is_refused(scb, next_week_meeting):
    with pytest.raises(ValidationError) as error:
        action_arising_create(
            meeting=next_week_meeting,
            description="Agree the new plan",
            leads=[Organisation.objects.get(short_name="WCC PH")],
            timescale="TBC",
        )
    assert error.value.messages == [ARISING_MESSAGE]
    assert not Action.objects.filter(origin_meeting=next_week_meeting).exists()


def test_the_page_refuses_an_action_arising_from_a_future_meeting(
    client, scb, next_week_meeting, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        reverse("meetings:meeting_action_create", args=[next_week_meeting.pk]),
        {
            "description": "Agree the new plan",
            "lead_organisations": [Organisation.objects.get(short_name="WCC PH").pk],
            "timescale": "TBC",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and ARISING_MESSAGE in page
    assert not Action.objects.filter(origin_meeting=next_week_meeting).exists()
    # The meeting page says so rather than offering the button.
    detail = client.get(reverse("meetings:meeting_detail", args=[next_week_meeting.pk]))
    detail = detail.content.decode()
    assert ARISING_MESSAGE in detail
    assert reverse("meetings:meeting_action_create", args=[next_week_meeting.pk]) not in detail


def test_progress_at_a_future_meeting_is_refused(scb, psg, next_week_meeting, coordinator):
    action = make_action(lead=psg, agreement=agreement_2018())
    update = make_update(action, date=datetime.date(2018, 10, 1))
    with pytest.raises(ValidationError) as error:
        progress_received_record(
            meeting=next_week_meeting, action=action, user=coordinator, status=Status.ON_TRACK
        )
    assert error.value.messages == [PROGRESS_MESSAGE]
    with pytest.raises(ValidationError) as error:
        progress_received_link(meeting=next_week_meeting, updates=[update], user=coordinator)
    assert error.value.messages == [PROGRESS_MESSAGE]
    assert not ProgressUpdate.objects.filter(meeting=next_week_meeting).exists()


# --- The overdue rule lives once, in actions.models ----------------------------------------


def test_the_overdue_flags_come_from_the_actions_rule(client, scb, psg, chair, monkeypatch):
    overdue = make_action(lead=psg, description="Overdue one", due_date=datetime.date(2018, 10, 1))
    # At risk too, so that it stays on the agenda whatever the overdue rule says.
    make_update(overdue, date=datetime.date(2018, 9, 1), status=Status.AT_RISK, note="Late")
    client.force_login(chair)
    agenda_url = reverse("meetings:agenda", args=[psg.pk]) + "?date=2018-11-15"
    body_url = reverse("meetings:body_detail", args=[psg.pk])

    def reasons(page):
        row = page.split("Overdue one")[1].split("</tr>")[0]
        return re.findall(r"<li>([^<]+)</li>", row)

    assert reasons(client.get(agenda_url).content.decode()) == ["Overdue", "At risk"]
    assert "app-tag-overdue" in client.get(body_url).content.decode()
    # Change the single definition: the governance pages follow it.
    never = actions.models.Rule((actions.models.Condition("pk", "in", ()),))
    monkeypatch.setattr(actions.models, "overdue_rule", lambda as_of: never)
    assert reasons(client.get(agenda_url).content.decode()) == ["At risk"]
    assert "app-tag-overdue" not in client.get(body_url).content.decode()


# --- Error pages and error messages ----------------------------------------------------------


def test_the_agenda_dates_error_is_announced_with_the_input(client, psg, chair):
    client.force_login(chair)
    response = client.get(reverse("meetings:agenda", args=[psg.pk]) + "?date=31-31-2018")
    page = response.content.decode()
    # The GOV.UK date input: the fieldset names the hint and the error, each box is marked.
    fieldset = re.search(r'<fieldset[^>]*aria-describedby="([^"]+)"', page)
    described = fieldset.group(1).split()
    assert "id_date-error" in described and "id_date-hint" in described
    assert 'id="id_date-error"' in page and 'id="id_date-hint"' in page
    for part in ("date_0", "date_1", "date_2"):
        box = re.search(rf"<input[^>]*name=\"{part}\"[^>]*>", page).group(0)
        assert "govuk-input--error" in box


def test_the_restricted_page_is_titled_as_an_error(client, scb, officer_wcc_ph):
    channel = Body.objects.get(short_name="Channel Panel")
    client.force_login(officer_wcc_ph)
    response = client.get(reverse("meetings:agenda", args=[channel.pk]))
    assert response.status_code == 403
    assert "<title>Error: " in response.content.decode()
