"""The computed RAG beside the officer's status, and the exceptions where they disagree."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from actions.models import Action, Rag, Status
from actions.services import progress_update_create
from governance.models import Organisation
from tests.served import served

DASHBOARD = reverse("actions:dashboard")
REPORT = reverse("actions:board_report")
LIST = reverse("actions:action_list")
APRIL_2019 = datetime.date(2019, 4, 1)


@pytest.fixture
def plans(worcestershire):
    return list(Action.objects.filter(agreement__board=worcestershire).rows(APRIL_2019))


def test_every_open_action_past_due_is_red_and_the_rest_follow_the_rules(plans):
    assert any(action.is_overdue for action in plans)
    for action in plans:
        open_past_due = (
            action.status_on not in ("completed", "deferred", "cancelled")
            and action.due_on is not None
            and action.due_on < APRIL_2019
        )
        if open_past_due:
            assert action.rag == Rag.RED, action
        elif action.is_stale or (action.is_due_soon and action.status_on == Status.NOT_STARTED):
            assert action.rag == Rag.AMBER, action
        else:
            assert action.rag == Rag.GREEN, action


def test_the_thresholds_come_from_settings(worcestershire):
    day = datetime.date(2018, 12, 1)
    blue_light = Action.objects.filter(
        agreement__board=worcestershire, agreement__period_start="2018-04-01", reference="A4"
    )
    with override_settings(DUE_SOON_DAYS=10, STALE_AFTER_DAYS=1000):
        assert blue_light.rows(day).get().rag == Rag.GREEN
    with override_settings(DUE_SOON_DAYS=45, STALE_AFTER_DAYS=1000):
        assert blue_light.rows(day).get().rag == Rag.AMBER


@pytest.fixture
def overdue_on_track(worcestershire, officer_wcc_ph):
    """An overdue action of 2018-19 that WCC PH leads, which the officer calls on track."""
    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    action = (
        Action.objects.filter(agreement__board=worcestershire, agreement__period_start="2018-04-01")
        .led_by(organisation=wcc_ph)
        .overdue(as_of=APRIL_2019)
        .order_by("position")
        .first()
    )
    assert action is not None
    progress_update_create(
        action=action,
        author=officer_wcc_ph,
        status=Status.ON_TRACK,
        note="Going well: the last sessions are booked for May.",
        date=datetime.date(2019, 3, 25),
    )
    return action


def exception_rows(response):
    """The rows of the page's exceptions table: [] when it says there are none."""
    table = served(response).table(data_table="exceptions", optional=True)
    return table.rows if table else []


def ids(rows) -> set[int]:
    return {i for row in rows for i in row.action_ids}


def test_an_overdue_action_said_to_be_on_track_is_an_exception(client, chair, overdue_on_track):
    client.force_login(chair)
    params = {"agreement": overdue_on_track.agreement_id, "as_of": "2019-04-01"}

    dashboard = client.get(DASHBOARD, params)
    exceptions = exception_rows(dashboard)
    assert overdue_on_track.pk in ids(exceptions)
    # The officer's word beside the computed one: on track, and red or amber.
    for row in exceptions:
        assert row.tags[0] == Status.ON_TRACK.label, row
        assert row.data["rag"] in (Rag.RED, Rag.AMBER), row
    assert served(dashboard).headings["exceptions"] == f"Exceptions: {len(exceptions)}"
    html = dashboard.text
    assert 'id="exceptions"' in html
    assert "Going well: the last sessions are booked for May." in html
    # The word is written, never only a colour.
    assert '<strong class="govuk-tag app-rag app-rag--red" data-rag="red">Red' in html

    report = client.get(REPORT, params)
    assert overdue_on_track.pk in ids(exception_rows(report))
    assert "Going well: the last sessions are booked for May." in report.text

    listed = served(client.get(LIST, {**params, "flag": "exception"}))
    listed_rows = listed.table(id="action-list").rows
    # Exactly the dashboard's exceptions: every one, and nothing that is not one.
    assert ids(listed_rows) == ids(exceptions)
    assert all(row.tags[0] == Status.ON_TRACK.label for row in listed_rows)

    page = client.get(reverse("actions:action_detail", args=[overdue_on_track.pk])).text
    assert "Computed status" in page


def test_before_the_update_it_was_no_exception(client, chair, overdue_on_track):
    client.force_login(chair)
    before = client.get(
        DASHBOARD, {"agreement": overdue_on_track.agreement_id, "as_of": "2019-03-20"}
    )
    assert overdue_on_track.pk not in ids(exception_rows(before))
    assert served(before).headings["exceptions"] == f"Exceptions: {len(exception_rows(before))}"
