"""progress_update_create: the one way a status changes, with its rules and its history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from actions.models import Action, ProgressUpdate, Status
from actions.services import ActionChangedError, progress_update_create

D = datetime.date


@pytest.fixture
def drive(worcestershire):
    return Action.objects.get(agreement__period_start=D(2018, 4, 1), reference="A1")


def test_update_sets_status_and_records_history_with_user_and_reason(drive, officer_wcc_ph):
    update = progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.AT_RISK,
        note="Provider delayed the start.",
        date=D(2018, 6, 1),
        expected_version=drive.version,
    )
    drive.refresh_from_db()
    assert drive.status == Status.AT_RISK
    assert update.author == officer_wcc_ph
    latest = drive.history.latest("history_date")
    assert latest.history_user == officer_wcc_ph
    assert latest.history_change_reason == "Progress update: At risk"
    change = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in change.changes if c.field == "status"] == [
        ("status", Status.NOT_STARTED, Status.AT_RISK)
    ]


def test_a_second_submission_from_a_stale_form_is_refused(
    drive, officer_wcc_ph, officer_wcc_ph_colleague
):
    opened_at = drive.version
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.ON_TRACK,
        note="First",
        date=D(2018, 6, 1),
        expected_version=opened_at,
    )
    with pytest.raises(ActionChangedError):
        progress_update_create(
            action=drive,
            author=officer_wcc_ph_colleague,
            status=Status.OFF_TRACK,
            note="Second",
            date=D(2018, 6, 2),
            expected_version=opened_at,
        )
    assert ProgressUpdate.objects.filter(action=drive).count() == 1
    drive.refresh_from_db()
    assert drive.status == Status.ON_TRACK


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"status": "amber"}, "status", "Choose a status"),
        ({"status": Status.AT_RISK, "note": ""}, "note", "why the action is at risk"),
        ({"status": Status.CANCELLED, "note": "  "}, "note", "why the action is cancelled"),
        ({"status": Status.ON_TRACK, "note": "", "date": D(2018, 8, 1)}, "note", "overdue"),
        ({"status": Status.COMPLETED, "note": "Done"}, "outcome", "Enter the outcome"),
        ({"status": Status.ON_TRACK, "note": "x" * 2001}, "note", "2000 characters"),
        ({"date": D(2099, 1, 1)}, "date", "cannot be in the future"),
        ({"date": D(2018, 3, 31)}, "date", "on or after the start of the agreement"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(drive, officer_wcc_ph, kwargs, field, message):
    arguments = {"status": Status.ON_TRACK, "note": "Fine", "date": D(2018, 6, 1), **kwargs}
    history_before = drive.history.count()
    with pytest.raises(ValidationError) as refused:
        progress_update_create(action=drive, author=officer_wcc_ph, **arguments)
    assert message in " ".join(refused.value.message_dict[field])
    assert ProgressUpdate.objects.count() == 0
    assert drive.history.count() == history_before


def test_a_back_dated_update_does_not_override_a_later_one(drive, officer_wcc_ph):
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.OFF_TRACK,
        note="Slipping",
        date=D(2018, 7, 1),
    )
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.ON_TRACK,
        note="Earlier news",
        date=D(2018, 6, 1),
    )
    drive.refresh_from_db()
    assert drive.status == Status.OFF_TRACK
    assert drive.version == 3
