"""Overdue, due soon and stale: one definition, evaluated as of any day."""

import datetime

import pytest

from actions.models import Action, Status
from tests.actions.factories import ActionFactory, ProgressUpdateFactory
from tests.csa.factories import AgreementFactory

D = datetime.date


@pytest.fixture
def agreement(db):
    return AgreementFactory(period_start=D(2018, 4, 1))


def refs(queryset):
    return sorted(queryset.values_list("reference", flat=True))


def test_overdue_is_past_due_and_not_closed(agreement):
    ActionFactory(agreement=agreement, reference="late", due_date=D(2018, 7, 31))
    ActionFactory(agreement=agreement, reference="future", due_date=D(2018, 12, 31))
    ActionFactory(agreement=agreement, reference="tbc", due_date=None)
    done = ActionFactory(agreement=agreement, reference="done", due_date=D(2018, 6, 30))
    ProgressUpdateFactory(action=done, date=D(2018, 6, 20), status=Status.COMPLETED)
    deferred = ActionFactory(agreement=agreement, reference="deferred", due_date=D(2018, 6, 30))
    ProgressUpdateFactory(action=deferred, date=D(2018, 5, 1), status=Status.DEFERRED)
    at_risk = ActionFactory(agreement=agreement, reference="at-risk", due_date=D(2018, 6, 30))
    ProgressUpdateFactory(action=at_risk, date=D(2018, 5, 1), status=Status.AT_RISK)

    assert refs(Action.objects.overdue(as_of=D(2018, 8, 1))) == ["at-risk", "late"]
    # Due on the day itself is not yet overdue.
    assert refs(Action.objects.overdue(as_of=D(2018, 7, 31))) == ["at-risk"]


def test_overdue_as_of_a_past_day_uses_the_status_of_that_day(agreement):
    action = ActionFactory(agreement=agreement, due_date=D(2019, 3, 31))
    ProgressUpdateFactory(action=action, date=D(2019, 5, 1), status=Status.COMPLETED)
    assert refs(Action.objects.overdue(as_of=D(2019, 4, 1))) == [action.reference]
    assert refs(Action.objects.overdue(as_of=D(2019, 5, 2))) == []
    on_the_day = Action.objects.with_progress(as_of=D(2019, 4, 1)).get()
    assert on_the_day.status_on == Status.NOT_STARTED
    assert on_the_day.last_update_on is None


def test_due_within_counts_from_the_day(agreement):
    ActionFactory(agreement=agreement, reference="in-10", due_date=D(2018, 6, 11))
    ActionFactory(agreement=agreement, reference="in-30", due_date=D(2018, 7, 1))
    ActionFactory(agreement=agreement, reference="in-31", due_date=D(2018, 7, 2))
    ActionFactory(agreement=agreement, reference="past", due_date=D(2018, 5, 31))
    assert refs(Action.objects.due_within(30, as_of=D(2018, 6, 1))) == ["in-10", "in-30"]


def test_stale_means_no_update_for_the_period(agreement):
    quiet = ActionFactory(agreement=agreement, reference="quiet", due_date=D(2019, 3, 31))
    ProgressUpdateFactory(action=quiet, date=D(2018, 5, 1), status=Status.ON_TRACK)
    recent = ActionFactory(agreement=agreement, reference="recent", due_date=D(2019, 3, 31))
    ProgressUpdateFactory(action=recent, date=D(2018, 8, 1), status=Status.ON_TRACK)
    ActionFactory(agreement=agreement, reference="never", due_date=D(2019, 3, 31))
    closed = ActionFactory(agreement=agreement, reference="closed", due_date=D(2019, 3, 31))
    ProgressUpdateFactory(action=closed, date=D(2018, 4, 2), status=Status.COMPLETED)

    as_of = D(2018, 8, 15)
    assert refs(Action.objects.stale(60, as_of=as_of)) == ["never", "quiet"]
    # Early in the year nothing is stale yet: the plan's start counts as the last word.
    assert refs(Action.objects.stale(60, as_of=D(2018, 5, 15))) == []


def test_latest_update_by_date_wins_whatever_the_order_recorded(agreement):
    action = ActionFactory(agreement=agreement)
    ProgressUpdateFactory(action=action, date=D(2018, 9, 1), status=Status.OFF_TRACK)
    ProgressUpdateFactory(action=action, date=D(2018, 6, 1), status=Status.ON_TRACK)
    assert Action.objects.with_progress(as_of=D(2018, 7, 1)).get().status_on == Status.ON_TRACK
    assert Action.objects.with_progress(as_of=D(2018, 9, 1)).get().status_on == Status.OFF_TRACK


def test_the_real_plan_as_of_meeting_days(worcestershire):
    plan_2018 = Action.objects.filter(agreement__period_start=D(2018, 4, 1))
    overdue = plan_2018.overdue(as_of=D(2019, 4, 1))
    assert overdue.count() == 11
    assert not overdue.filter(description__contains="Dovetail").exists()
    plan_2017 = Action.objects.filter(agreement__period_start=D(2017, 4, 1))
    overdue_2017 = plan_2017.overdue(as_of=D(2018, 4, 1))
    assert overdue_2017.count() == 12
    assert not overdue_2017.filter(timescale="TBC").exists()


def test_led_by_organisation_or_body(worcestershire):
    from governance.models import Body, Organisation

    wcc_ph = Organisation.objects.get(short_name="WCC PH")
    daf = Body.objects.get(short_name="DAF")
    plan = Action.objects.filter(agreement__period_start=D(2018, 4, 1))
    assert plan.led_by(organisation=wcc_ph).count() == 6
    assert refs(plan.led_by(body=daf)) == ["A2", "A3"]


def test_an_action_arising_does_not_exist_before_its_meeting(agreement):
    from governance.models import Meeting

    meeting = Meeting.objects.create(body=agreement.board, date=D(2018, 9, 1), title="Board")
    ActionFactory(
        agreement=agreement, reference="arising", due_date=D(2018, 10, 1), origin_meeting=meeting
    )
    ActionFactory(agreement=agreement, reference="plan", due_date=D(2018, 7, 1))
    assert refs(Action.objects.overdue(as_of=D(2018, 8, 15))) == ["plan"]
    assert refs(Action.objects.with_progress(as_of=D(2018, 8, 15))) == ["plan"]
    assert refs(Action.objects.overdue(as_of=D(2018, 10, 2))) == ["arising", "plan"]
