"""The plan's year month by month: open, overdue and at-risk actions at each month end.

Each point is what the dashboard would count on that day, by the same rules (actions.models:
the status set by the latest progress update dated on or before the day, the due date in
force by the ledger's moves agreed by then, overdue_rule, CLOSED_STATUSES; at risk as
reporting.at_risk_in). Running plan_on_day once a month would be a dozen heavy queries;
instead the plan's visible actions, their updates and their due-date moves are fetched once
(three queries at any size) and each day is worked out from them in Python.
"""

import bisect
import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber, TruncMonth

from ..models import (
    CLOSED_STATUSES,
    Action,
    DueDateMove,
    ProgressUpdate,
    Status,
    due_date_from_moves,
    overdue_rule,
)
from ..reporting import at_risk_in


@dataclass(slots=True)
class ActionOnDay:
    """An action as the rules read it on a day: the fields of ActionQuerySet.with_progress
    that Rule.holds() and reporting.at_risk_in look at."""

    position: int
    status_on: str
    due_on: datetime.date | None
    last_heard_on: datetime.date | None
    is_overdue: bool = False


@dataclass(frozen=True, slots=True)
class YearPoint:
    day: datetime.date
    open: int
    overdue: int
    at_risk: int  # at risk or off track on the day, and not overdue


@dataclass
class _History:
    """One action's facts, fetched once as plain values: what every day of the year is
    worked out from."""

    position: int
    due_date: datetime.date | None
    exists_from: datetime.date | None  # the meeting it arose at; None: from the plan's start
    update_days: list[datetime.date] = field(default_factory=list)  # ascending (date, pk)
    update_statuses: list[str] = field(default_factory=list)
    moves: list[tuple] = field(default_factory=list)  # (agreed_on, pk, from_date, to_date)

    def on(self, day: datetime.date, plan_start: datetime.date) -> ActionOnDay | None:
        """The action on the day, or None when it did not exist yet."""
        if self.exists_from is not None and self.exists_from > day:
            return None
        latest = bisect.bisect_right(self.update_days, day) - 1
        status = self.update_statuses[latest] if latest >= 0 else Status.NOT_STARTED.value
        last_update = self.update_days[latest] if latest >= 0 else None
        return ActionOnDay(
            position=self.position,
            status_on=status,
            due_on=due_date_from_moves(self.moves, self.due_date, day),
            # As with_progress: the latest update, else the meeting that agreed it, else
            # the start of its plan.
            last_heard_on=last_update or self.exists_from or plan_start,
        )


def year_days(agreement, as_of: datetime.date) -> list[datetime.date]:
    """The days of the picture: each month end from the plan's start, up to the day asked
    (the last point) or the plan's end; none before the plan begins."""
    end = min(as_of, agreement.period_end)
    days = []
    day = _month_end(agreement.period_start)
    while day < end:
        days.append(day)
        day = _month_end(day + datetime.timedelta(days=1))
    if end >= agreement.period_start:
        days.append(end)
    return days


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _histories(user, agreement, last_day, plan_rows=None) -> list[_History]:
    """The plan's actions the user may see (or `plan_rows`, plan_on_day's rows of them, when the
    page has them already), with their moves and the updates that can be the latest on a day
    of the picture, up to `last_day`: two or three queries, read as values."""
    if plan_rows is None:
        actions = (
            Action.objects.visible_to(user)
            .filter(agreement=agreement)
            .values_list("pk", "position", "due_date", "origin_meeting__date")
        )
    else:
        actions = (
            (row.pk, row.position, row.due_date, row.origin_meeting and row.origin_meeting.date)
            for row in plan_rows
        )
    histories = {
        pk: _History(position, due_date, meeting_date)
        for pk, position, due_date, meeting_date in actions
    }
    ids = list(histories)
    moves = DueDateMove.objects.filter(action_id__in=ids).order_by()
    for action_id, agreed_on, pk, from_date, to_date in sorted(
        moves.values_list("action_id", "agreed_on", "pk", "from_date", "to_date"),
        key=lambda move: move[1:3],
    ):
        histories[action_id].moves.append((agreed_on, pk, from_date, to_date))
    # On a month end, an action's latest update is the last of a month; on the last day, the
    # last on or before it. Those alone are read: a year of a plan is thousands of updates,
    # and its picture a dozen points.
    last_of_month = Window(
        RowNumber(),
        partition_by=[F("action_id"), TruncMonth("date")],
        order_by=[F("date").desc(), F("pk").desc()],
    )
    updates = (
        ProgressUpdate.objects.filter(action_id__in=ids, date__lte=last_day)
        .annotate(nth_from_last=last_of_month)
        .filter(nth_from_last=1)
        .order_by("date", "pk")
    )
    for action_id, date, status in updates.values_list("action_id", "date", "status"):
        history = histories[action_id]
        history.update_days.append(date)
        history.update_statuses.append(status)
    return list(histories.values())


def year_of(user, agreement, as_of: datetime.date, *, plan_rows=None) -> list[YearPoint]:
    """Open, overdue and at-risk actions of the plan at each of year_days, counting only
    the actions the user may see (Action.objects.visible_to, the one door; or `plan_rows`,
    plan_on_day's rows, which the page already read through it, for the day asked: an action
    arising after that day counts on none of the days before it)."""
    days = year_days(agreement, as_of)
    if not days:
        return []
    histories = _histories(user, agreement, days[-1], plan_rows)
    points = []
    for day in days:
        rows = [row for h in histories if (row := h.on(day, agreement.period_start)) is not None]
        overdue = overdue_rule(day)
        for row in rows:
            row.is_overdue = overdue.holds(row)
        points.append(
            YearPoint(
                day=day,
                open=sum(1 for row in rows if row.status_on not in CLOSED_STATUSES),
                overdue=sum(1 for row in rows if row.is_overdue),
                at_risk=len(at_risk_in(rows)),
            )
        )
    return points
