"""The ledger of moved deadlines: a move needs a reason and the day it was agreed, and every
as-of page reads the due date in force on its day by the date each move was agreed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.editing.services import action_update_details
from actions.models import Action, DueDateMove
from actions.reporting import slips
from tests.served import served

DASHBOARD = reverse("actions:dashboard")
REPORT = reverse("actions:board_report")
LIST = reverse("actions:action_list")


@pytest.fixture
def blue_light(worcestershire):
    return Action.objects.get(
        agreement__board=worcestershire, agreement__period_start="2018-04-01", reference="A4"
    )


def _edit_data(action, **changes):
    leads = list(action.leads.order_by("position"))
    data = {
        "description": action.description,
        "timescale": action.timescale,
        "theme": action.theme_id,
        "lead_organisations": [lead.organisation_id for lead in leads if lead.organisation_id],
        "lead_bodies": [lead.body_id for lead in leads if lead.body_id],
        "target": action.target,
        "reason": "",
        "version": action.version,
    }
    data.update(changes)
    return data


def _move_blue_light(client, blue_light, **changes):
    data = _edit_data(
        blue_light,
        timescale="March 2019",
        reason="The Redditch venue opens late; agreed by the board",
        agreed_on="2019-02-01",
    )
    data.update(changes)
    return client.post(reverse("actions:action_edit", args=[blue_light.pk]), data)


def test_moving_the_timescale_records_the_slip(client, coordinator, blue_light):
    assert blue_light.timescale == "Dec 2018"
    client.force_login(coordinator)

    response = _move_blue_light(client, blue_light)

    assert response.status_code == 302
    move = DueDateMove.objects.get(action=blue_light)
    assert (move.from_date, move.to_date) == (
        datetime.date(2018, 12, 31),
        datetime.date(2019, 3, 31),
    )
    assert (move.from_timescale, move.to_timescale) == ("Dec 2018", "March 2019")
    assert move.agreed_on == datetime.date(2019, 2, 1)
    assert move.recorded_by == coordinator
    assert move.reason == "The Redditch venue opens late; agreed by the board"
    assert move.days == 90
    assert move.history.first().history_user == coordinator
    page = client.get(reverse("actions:action_detail", args=[blue_light.pk])).text
    assert "Deadline moves" in page
    assert "The Redditch venue opens late" in page
    assert "1 February 2019" in page and "31 December 2018" in page


def test_the_dashboard_reads_the_due_date_in_force_on_its_day(client, coordinator, blue_light):
    client.force_login(coordinator)
    assert _move_blue_light(client, blue_light).status_code == 302
    agreement = blue_light.agreement

    before = served(client.get(DASHBOARD, {"agreement": agreement.pk, "as_of": "2019-01-15"}))
    after = served(client.get(DASHBOARD, {"agreement": agreement.pk, "as_of": "2019-02-15"}))

    assert "A4" in before.references("overdue")
    assert "A4" not in after.references("overdue")
    # The move was agreed on 1 February: not a slip yet on 15 January.
    assert before.headings["slips"] == "Deadline slips: 0 actions, 0 days in all"
    assert before.references("slips") == []
    assert after.headings["slips"] == "Deadline slips: 1 action, 90 days in all"
    (move,) = after.rows("slips")
    assert move.reference == "A4" and move.action_ids == [blue_light.pk]
    assert move.cells[2:5] == ["31 Dec 2018", "31 Mar 2019 90 days later", "1 Feb 2019"]
    assert Action.objects.filter(pk=blue_light.pk).overdue(as_of=datetime.date(2019, 1, 15))
    assert not Action.objects.filter(pk=blue_light.pk).overdue(as_of=datetime.date(2019, 2, 15))


def test_the_list_filters_slipped_and_the_report_lists_slips_since_the_meeting(
    client, coordinator, blue_light
):
    client.force_login(coordinator)
    assert _move_blue_light(client, blue_light).status_code == 302
    agreement = blue_light.agreement

    listed = client.get(LIST, {"agreement": agreement.pk, "as_of": "2019-02-15", "flag": "slipped"})
    assert served(listed).table(id="action-list").references == ["A4"]
    early = served(
        client.get(LIST, {"agreement": agreement.pk, "as_of": "2019-01-15", "flag": "slipped"})
    )
    assert early.headings["results"] == "0 actions"
    assert early.table(id="action-list", optional=True) is None
    assert "No actions match these filters." in early.main

    report = served(
        client.get(
            REPORT, {"agreement": agreement.pk, "as_of": "2019-03-01", "since": "2019-01-20"}
        )
    )
    assert report.headings["slips"] == "Deadlines moved since 20 January 2019 (1)"
    assert report.references("slips") == ["A4"]
    later = served(
        client.get(
            REPORT, {"agreement": agreement.pk, "as_of": "2019-03-01", "since": "2019-02-10"}
        )
    )
    assert later.headings["slips"] == "Deadlines moved since 10 February 2019 (0)"
    assert later.references("slips") == []


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"agreed_on": ""}, "agreed_on", "Enter the date the new due date was agreed"),
        ({"reason": ""}, "reason", "Enter the reason the due date moves"),
        ({"agreed_on": "2999-01-01"}, "agreed_on", "must be today or in the past"),
        ({"agreed_on": "soon"}, "agreed_on", "as day/month/year"),
    ],
)
def test_a_move_without_reason_or_agreed_date_is_refused(
    client, coordinator, blue_light, changes, field, message
):
    client.force_login(coordinator)
    version = blue_light.version
    response = _move_blue_light(client, blue_light, **changes)
    assert response.status_code == 400
    assert message in response.text
    assert not DueDateMove.objects.exists()
    blue_light.refresh_from_db()
    assert (blue_light.timescale, blue_light.version) == ("Dec 2018", version)


def test_typing_the_due_date_moves_it_and_a_second_move_keeps_the_original(coordinator, blue_light):
    action_update_details(
        action=blue_light,
        user=coordinator,
        description=blue_light.description,
        timescale=blue_light.timescale,
        leads=[lead.party for lead in blue_light.leads.all()],
        reason="Board, February",
        expected_version=blue_light.version,
        due_date=datetime.date(2019, 3, 31),
        agreed_on=datetime.date(2019, 2, 1),
    )
    blue_light.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        action_update_details(
            action=blue_light,
            user=coordinator,
            description=blue_light.description,
            timescale=blue_light.timescale,
            leads=[lead.party for lead in blue_light.leads.all()],
            reason="Agreed before the first? No",
            expected_version=blue_light.version,
            due_date=datetime.date(2019, 6, 30),
            agreed_on=datetime.date(2019, 1, 1),
        )
    assert "on or after the last move" in str(refused.value)
    action_update_details(
        action=blue_light,
        user=coordinator,
        description=blue_light.description,
        timescale=blue_light.timescale,
        leads=[lead.party for lead in blue_light.leads.all()],
        reason="Board, April",
        expected_version=blue_light.version,
        due_date=datetime.date(2019, 6, 30),
        agreed_on=datetime.date(2019, 4, 10),
    )
    moves = list(DueDateMove.objects.filter(action=blue_light).order_by("agreed_on"))
    assert [(m.from_date, m.to_date) for m in moves] == [
        (datetime.date(2018, 12, 31), datetime.date(2019, 3, 31)),
        (datetime.date(2019, 3, 31), datetime.date(2019, 6, 30)),
    ]
    due_on = {
        day: Action.objects.filter(pk=blue_light.pk).rows(day).get().due_on
        for day in (datetime.date(2019, 1, 1), datetime.date(2019, 3, 1), datetime.date(2019, 5, 1))
    }
    assert list(due_on.values()) == [
        datetime.date(2018, 12, 31),
        datetime.date(2019, 3, 31),
        datetime.date(2019, 6, 30),
    ]
    found = slips(coordinator, blue_light.agreement, datetime.date(2019, 5, 1))
    assert (found.actions, found.days) == (1, 181)
