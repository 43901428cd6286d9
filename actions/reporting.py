"""What the chair reads: counts, matrices and lists of a plan "as of" a day in the world.

Every function here starts from `Action.objects.visible_to(user)`, so a restricted body's
actions never reach a page, an export or a count of someone who may not see them. The rules
(overdue, due soon, stale) are ActionQuerySet's; here they are only applied, as correlated
EXISTS flags, so that every count is one aggregate query in the database however big the plan.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Q,
)

from csa.models import Agreement, Theme
from governance.access import access_for
from governance.clock import today
from governance.models import Body, Meeting

from .models import CLOSED_STATUSES, Action, DueDateMove, Rag, Status
from .rows import ActionRow, action_rows
from .timescales import TimescaleKind

# The order the chair reads statuses in: the ones to challenge first.
STATUS_ORDER = [
    Status.OFF_TRACK,
    Status.AT_RISK,
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.COMPLETED,
    Status.DEFERRED,
    Status.CANCELLED,
]


# --- Which agreements a user may see, and which one to show first ------------------------


def agreements_visible_to(user):
    """The agreements of the user's partnerships (every agreement, across partnerships)."""
    agreements = Agreement.objects.select_related("board").order_by("board__name", "-period_start")
    return access_for(user).within(agreements, "board_id")


def boards_visible_to(user):
    boards = Body.objects.filter(agreements__isnull=False).distinct().order_by("name")
    return access_for(user).within(boards, "pk")


def default_board_id(user) -> int | None:
    """The board a user looks at first: the one they chair, else coordinate, else belong to."""
    access = access_for(user)
    for board_ids in (access.chair_board_ids, access.coordinator_board_ids, access.board_ids):
        if board_ids:
            return min(board_ids)
    return None


def default_agreement(user, *, on: datetime.date | None = None, board_id: int | None = None):
    """The current agreement of the user's board (or of `board_id`), else None."""
    board_id = board_id or default_board_id(user)
    if board_id is None:
        if access_for(user).spans_every_partnership:
            board = boards_visible_to(user).first()
            board_id = board.pk if board else None
        if board_id is None:
            return None
    return (
        agreements_visible_to(user).filter(board_id=board_id).current_for(board_id, on or today())
    )


def agreements_in_force(on: datetime.date):
    """The agreements in force on a day: adopted then, so adopted or since superseded."""
    return (
        Agreement.objects.in_force_on(on)
        .exclude(status=Agreement.Status.DRAFT)
        .select_related("board")
        .order_by("board__name", "period_start")
    )


def last_meeting_before(agreement, on: datetime.date):
    """The board's last meeting before the day, for "completed since the last meeting"."""
    return Meeting.objects.filter(body_id=agreement.board_id, date__lt=on).order_by("-date").first()


# --- Actions as of a day --------------------------------------------------------------------


def actions_as_of(user, as_of: datetime.date, *, agreement=None):
    """The actions the user may see as rows on a day (ActionQuerySet.rows)."""
    qs = Action.objects.visible_to(user)
    if agreement is not None:
        qs = qs.filter(agreement=agreement)
    return qs.rows(as_of)


# The order the overdue list is read in: the longest overdue first.
OVERDUE_ORDER = ("due_on", "position", "reference")


def plan_on_day(user, agreement, as_of: datetime.date) -> list[ActionRow]:
    """Every action of one agreement the user may see, as of the day: annotated as by
    actions_as_of, with what a row shows and the leads. Two queries, however many actions.

    One agreement has at most a few hundred actions: fetching them once and counting in
    Python (headline_counts, theme_matrix, lead_matrix, overdue_in) costs less than running
    the as-of subqueries again for each figure. In the overdue list's order, so that the
    overdue list is these rows filtered.
    """
    return action_rows(
        actions_as_of(user, as_of, agreement=agreement).order_by(*OVERDUE_ORDER),
        agreements=(agreement,),
    )


def arising_outside_plans(user, board, as_of: datetime.date) -> list[ActionRow]:
    """The actions arising at the meetings of a board's partnership when no plan was in force
    (its bodies' own lists), as of the day: shown beside the plan, never counted in it."""
    bodies = Q(origin_meeting__body=board) | Q(origin_meeting__body__partnership=board)
    arising = Action.objects.filter(bodies, agreement__isnull=True)
    # Most partnerships have none: one small query saves building the rows' query (the
    # read model's SQL costs more to write out than to run) on most dashboards.
    if not arising.exists():
        return []
    return action_rows(
        arising.visible_to(user)
        .rows(as_of)
        .order_by("origin_meeting__date", "position", "reference")
    )


def overdue_in(actions: list[ActionRow]) -> list[ActionRow]:
    """The overdue ones of plan_on_day's rows, in its order: the longest overdue first."""
    return [action for action in actions if action.is_overdue]


def exceptions_in(actions: list[ActionRow]) -> list[ActionRow]:
    """The exceptions of plan_on_day's rows: the officer says on track, the facts (the
    computed RAG, Action.rag) say red or amber. Red first, then in the rows' order."""
    found = [action for action in actions if action.is_exception]
    return sorted(found, key=lambda action: action.rag != Rag.RED)


@dataclass
class Slips:
    """The deadline slips of a plan: moves of the ledger to a later date (or to none)."""

    moves: list
    actions: int = 0
    days: int = 0


def slips(
    user,
    agreement,
    as_of: datetime.date,
    *,
    since: datetime.date | None = None,
    action_ids: list[int] | None = None,
) -> Slips:
    """The slips of the agreement's actions that the user may see, agreed on or before the
    day (and after `since`, when given), oldest first, with the number of actions that
    slipped and the days they slipped in all. One query. `action_ids`: those actions, when
    the page has them already (plan_on_day's rows), so the visibility rule is not asked
    again."""
    if action_ids is None:
        action_ids = Action.objects.visible_to(user).filter(agreement=agreement).values("pk")
    moves = DueDateMove.objects.slips().filter(action__in=action_ids, agreed_on__lte=as_of)
    if since is not None:
        moves = moves.filter(agreed_on__gt=since)
    moves = list(moves.select_related("action", "recorded_by__person").order_by("agreed_on", "pk"))
    return Slips(
        moves=moves,
        actions=len({move.action_id for move in moves}),
        days=sum(move.days or 0 for move in moves),
    )


def at_risk_in(actions: list[ActionRow]) -> list[ActionRow]:
    """plan_on_day's rows at risk or off track on the day and not overdue (those are listed
    on their own), the earliest due first (by the due date in force on the day)."""
    found = [
        action
        for action in actions
        if action.status_on in (Status.OFF_TRACK, Status.AT_RISK) and not action.is_overdue
    ]
    return sorted(
        found, key=lambda a: (a.due_on is None, a.due_on or datetime.date.min, a.position)
    )


def completed_in(actions: list[ActionRow], since: datetime.date) -> list[ActionRow]:
    """plan_on_day's rows completed on the day by an update dated after `since` (the last
    meeting), in the order they were completed."""
    found = [
        action
        for action in actions
        if action.status_on == Status.COMPLETED
        and action.last_update_on is not None
        and action.last_update_on > since
    ]
    return sorted(found, key=lambda a: (a.last_update_on, a.position))


# --- Counts ---------------------------------------------------------------------------------


# Timescales a person must turn into a date, counted apart from those "to be confirmed".
NEEDS_A_DATE_KINDS = {TimescaleKind.NOT_UNDERSTOOD.value, TimescaleKind.APPROXIMATE.value}


@dataclass
class Counts:
    total: int = 0
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    stale: int = 0
    no_due_date: int = 0  # open, no due date: to be confirmed, or ongoing with no end
    needs_date: int = 0  # open, no due date: the timescale is not understood or approximate
    by_status: dict = field(default_factory=dict)

    def add_action(self, action: ActionRow) -> None:
        """Add one action of plan_on_day (annotated with status_on and the flags)."""
        self.add(
            {
                "n": 1,
                "status_on": action.status_on,
                "is_overdue": action.is_overdue,
                "is_due_soon": action.is_due_soon,
                "is_stale": action.is_stale,
                "has_due_date": action.due_on is not None,
                "timescale_kind": action.timescale_kind,
            }
        )

    def add(self, row: dict) -> None:
        """Add n actions alike in status and flags."""
        n = row["n"]
        self.total += n
        status = Status(row["status_on"])
        self.by_status[status] = self.by_status.get(status, 0) + n
        if status not in CLOSED_STATUSES:
            self.open += n
            if not row["has_due_date"]:
                if row.get("timescale_kind") in NEEDS_A_DATE_KINDS:
                    self.needs_date += n
                else:
                    self.no_due_date += n
        self.overdue += n if row["is_overdue"] else 0
        self.due_soon += n if row["is_due_soon"] else 0
        self.stale += n if row["is_stale"] else 0

    @property
    def closed(self) -> int:
        return self.total - self.open

    @property
    def due_later(self) -> int:
        """Open, with a due date more than the due-soon period away."""
        return self.open - self.overdue - self.due_soon - self.no_due_date - self.needs_date

    def of(self, status) -> int:
        return self.by_status.get(status, 0)

    def status_rows(self):
        return [(status, self.of(status)) for status in STATUS_ORDER]


def headline_counts(actions: list[ActionRow]) -> Counts:
    """The plan's figures, from plan_on_day's rows."""
    counts = Counts()
    for action in actions:
        counts.add_action(action)
    return counts


@dataclass
class MatrixRow:
    label: str
    filter_name: str  # the list's URL parameter that picks this row's actions
    filter_value: str
    counts: Counts


def theme_matrix(actions: list[ActionRow]) -> list[MatrixRow]:
    """Themes x status, in the plan's order; a sub-theme's actions count in its theme's row.

    From plan_on_day's rows (theme and parent fetched with them). Rolled up so that each
    row's counts are exactly what its link to the list shows (the list's theme filter
    includes sub-themes); the sub-themes present are named in the label.
    """
    top: dict = {}  # top-level theme id -> [name, position, sub-theme names, counts]
    for action in actions:
        theme = action.theme
        parent = theme.parent if theme is not None else None
        head = parent or theme
        pk = head.pk if head else None
        entry = top.setdefault(
            pk, [head.name if head else None, head.position if head else None, [], Counts()]
        )
        if parent is not None and theme.name not in entry[2]:
            entry[2].append(theme.name)
        entry[3].add_action(action)
    result = []
    ordered = sorted(top.items(), key=lambda i: (i[0] is None, i[1][1] or 0, i[1][0] or ""))
    for pk, (name, _position, sub_themes, counts) in ordered:
        if pk is None:
            label = "No theme"
        elif sub_themes:
            label = f"{name}: {', '.join(sorted(sub_themes))}"
        else:
            label = name
        result.append(MatrixRow(label, "theme", str(pk or ""), counts))
    return result


def lead_matrix(actions: list[ActionRow]) -> list[MatrixRow]:
    """Lead parties x status, from plan_on_day's rows (leads prefetched): an action led by
    two parties counts once for each; one with no lead recorded counts in a row of its own."""
    rows: dict = {}
    for action in actions:
        leads = action.leads
        for lead in leads:
            if lead.organisation_id:
                key = (lead.organisation.short_name, f"org:{lead.organisation_id}")
            else:
                key = (lead.body.short_name, f"body:{lead.body_id}")
            rows.setdefault(key, Counts()).add_action(action)
        if not leads:
            rows.setdefault(("No lead recorded", ""), Counts()).add_action(action)
    result = [MatrixRow(label, "lead", value, counts) for (label, value), counts in rows.items()]
    # The slipping leads first: most overdue, then most off track or at risk.
    result.sort(
        key=lambda r: (
            -r.counts.overdue,
            -(r.counts.of(Status.OFF_TRACK) + r.counts.of(Status.AT_RISK)),
            r.label.lower(),
        )
    )
    return result


def theme_descendant_ids(theme: Theme) -> list[int]:
    """The theme and every sub-theme under it, from one query over its board's themes."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Theme.objects.filter(board_id=theme.board_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [theme.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, []))
    return found
