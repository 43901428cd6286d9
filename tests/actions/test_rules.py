"""The time rules read two ways (actions.models.Rule): as a database filter for lists, counts
and commands, and in Python on the rows a page draws. Whatever the actions and the day, the
two readings agree: an action the overdue list shows is one the dashboard's row calls overdue.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import (
    Action,
    DueDateMove,
    Status,
    due_soon_rule,
    exception_rule,
    overdue_rule,
    rag_of,
    rag_rule,
    stale_rule,
)
from tests.actions.factories import ActionFactory, ProgressUpdateFactory
from tests.csa.factories import AgreementFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2018, 4, 1)
days = st.integers(0, 500).map(lambda n: START + datetime.timedelta(days=n))
maybe_day = st.one_of(st.none(), days)
an_action = st.fixed_dictionaries(
    {
        "due_date": maybe_day,
        "updates": st.lists(st.tuples(days, st.sampled_from(Status.values)), max_size=3),
        "move": st.one_of(st.none(), st.tuples(maybe_day, days)),  # (to_date, agreed_on)
    }
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(an_action, min_size=1, max_size=6), day=days)
def test_the_filter_and_the_row_agree_on_every_rule(actions, day):
    agreement = AgreementFactory(period_start=START)
    for spec in actions:
        action = ActionFactory(agreement=agreement, due_date=spec["due_date"])
        for on, status in spec["updates"]:
            ProgressUpdateFactory(action=action, date=on, status=status)
        if spec["move"] is not None and spec["move"][0] != spec["due_date"]:
            to_date, agreed_on = spec["move"]
            DueDateMove.objects.create(
                action=action,
                from_date=spec["due_date"],
                to_date=to_date,
                agreed_on=agreed_on,
                reason="Moved",
            )
    plan = Action.objects.filter(agreement=agreement)
    rows = list(plan.rows(day))
    for rule in (
        overdue_rule(day),
        due_soon_rule(day),
        stale_rule(day),
        exception_rule(day),
    ):
        in_the_database = set(plan.with_progress(day).filter(rule.q()).values_list("pk", flat=True))
        in_python = {row.pk for row in rows if rule.holds(row)}
        assert in_python == in_the_database, rule
    rag_in_the_database = dict(
        plan.with_progress(day).annotate(rag_on=rag_rule(day)).values_list("pk", "rag_on")
    )
    assert {row.pk: rag_of(row, day).value for row in rows} == rag_in_the_database
