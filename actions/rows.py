"""An action as a row on a day: one typed record of what a table, an export, a reminder and the
overdue command show, built in one place from the read model (ActionQuerySet.rows()).

Templates and exports read its fields. Before, they read properties of Action that worked
only on an action fetched through rows() (an AttributeError, or a query per row, on any
other); a row cannot be half-built.

Two due dates, one name each, everywhere:
- `due_on`: the due date in force on the row's day (the ledger's moves agreed by then); the
  one the rules, the sorts and the cells use;
- `due_date`: today's, the action's own field; shown only beside `due_on` when a move agreed
  later changed it (`due_date_moved`).
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Count, QuerySet, Window
from django.urls import reverse

from csa.models import Agreement, Theme
from governance.models import Meeting

from . import models as rules
from .models import (
    Action,
    ActionLead,
    ProgressUpdate,
    Rag,
    Status,
    leads_shown_of,
    name_shown,
    rag_reason_of,
    user_display_name,
)


@dataclass(frozen=True, slots=True)
class LatestUpdate:
    """What a row shows of its latest update on its day: when, what it said, who wrote it
    (as user_display_name names them; "" for an import's)."""

    pk: int
    date: datetime.date
    note: str
    author_name: str

    @classmethod
    def of(cls, update: ProgressUpdate) -> "LatestUpdate":
        return cls(update.pk, update.date, update.note, user_display_name(update.author))


@dataclass(frozen=True, slots=True)
class ActionRow:
    pk: int
    version: int  # what a spreadsheet round trip checks against (actions.spreadsheet)
    reference: str
    position: int
    description: str
    target: str
    # Where it belongs (fetched with the row by rows(): no query to read them).
    agreement: object  # csa.models.Agreement, or None for an action arising outside a plan
    agreement_id: int | None
    board: object  # governance.models.Body: the partnership's board
    theme: object  # csa.models.Theme or None
    theme_as_written: str
    origin_meeting: object  # governance.models.Meeting or None
    plan_label: str
    plan_title: str
    list_label: str
    plan_status: str
    # Its timescale and the two due dates (see the module's docstring).
    timescale: str
    timescale_kind: str
    due_date: datetime.date | None
    due_on: datetime.date | None
    # Its leads, in order, and as the plan wrote them.
    leads: tuple  # ActionLead rows, organisation and body fetched
    leads_as_written: str
    leads_shown: str
    # Its status today (the stored field) and on the row's day.
    status: str
    status_on: str
    last_update_on: datetime.date | None
    last_heard_on: datetime.date | None
    latest_update: LatestUpdate | None
    # The rules on the row's day (ActionQuerySet.rows()).
    day: datetime.date
    is_overdue: bool
    is_due_soon: bool
    is_stale: bool
    rag: Rag
    is_exception: bool
    # What depends on who reads it (decorated by actions.selectors.decorate_rows).
    user_can_update: bool = False

    @classmethod
    def of(cls, action: Action, *, user_can_update: bool = False) -> "ActionRow":
        """The row of an action fetched through ActionQuerySet.rows()."""
        return cls.built(
            action,
            plan=action,
            theme=action.theme,
            leads=tuple(action.leads.all()),
            latest=LatestUpdate.of(action.latest_update_list[0])
            if action.latest_update_list
            else None,
            user_can_update=user_can_update,
        )

    @classmethod
    def built(cls, columns, *, plan, theme, leads, latest, user_can_update=False) -> "ActionRow":
        """A row from the columns of ActionQuerySet.rows() (an Action it gave, or its values
        as attributes), what `plan` (an Action) says of its plan, and what was fetched beside:
        its theme, its leads in order, its latest update. The rules are read here, once."""
        day = columns.row_day
        return cls(
            pk=columns.pk,
            version=columns.version,
            reference=columns.reference,
            position=columns.position,
            description=columns.description,
            target=columns.target,
            agreement=plan.agreement,
            agreement_id=columns.agreement_id,
            board=plan.board,
            theme=theme,
            theme_as_written=columns.theme_as_written,
            origin_meeting=plan.origin_meeting,
            plan_label=plan.plan_label,
            plan_title=plan.plan_title,
            list_label=plan.list_label,
            plan_status=plan.plan_status,
            timescale=columns.timescale,
            timescale_kind=columns.timescale_kind,
            due_date=columns.due_date,
            due_on=columns.due_on,
            leads=leads,
            leads_as_written=columns.leads_as_written,
            leads_shown=leads_shown_of(columns.leads_as_written, leads),
            status=columns.status,
            status_on=columns.status_on,
            last_update_on=columns.last_update_on,
            last_heard_on=columns.last_heard_on,
            latest_update=latest,
            day=day,
            is_overdue=rules.overdue_rule(day).holds(columns),
            is_due_soon=rules.due_soon_rule(day).holds(columns),
            is_stale=rules.stale_rule(day).holds(columns),
            rag=rules.rag_of(columns, day),
            is_exception=rules.exception_rule(day).holds(columns),
            user_can_update=user_can_update,
        )

    def get_absolute_url(self) -> str:
        return reverse("actions:action_detail", args=[self.pk])

    @property
    def status_on_label(self) -> str:
        return Status(self.status_on).label

    @property
    def days_overdue(self) -> int | None:
        return (self.day - self.due_on).days if self.is_overdue else None

    @property
    def due_date_moved(self) -> bool:
        """Is the due date in force on the row's day not today's (a move agreed later)?"""
        return self.due_on != self.due_date

    @property
    def rag_reason(self) -> str:
        """Why the computed status is what it is, in words."""
        return rag_reason_of(self)

    @property
    def latest_update_author(self) -> str:
        return self.latest_update.author_name if self.latest_update else ""

    @property
    def latest_note(self) -> str:
        return self.latest_update.note if self.latest_update else ""


def action_rows(actions, *, agreements=()) -> list[ActionRow]:
    """The rows of a queryset of ActionQuerySet.rows() (or the actions it gave). `agreements`:
    plans the page has already (with their boards), which the rows then do not fetch again."""
    if isinstance(actions, QuerySet):
        return _read(actions, agreements)
    return [ActionRow.of(action) for action in actions]


# The columns of ActionQuerySet.rows() a row is read from.
_COLUMNS = (
    "pk", "version", "reference", "position", "description", "target", "agreement_id",
    "theme_id", "theme_as_written", "origin_meeting_id", "timescale", "timescale_kind",
    "due_date", "leads_as_written", "status", "status_on", "last_update_on", "due_on",
    "last_heard_on", "row_day", "latest_update_id",
)  # fmt: skip


def _read(queryset, agreements=()) -> list[ActionRow]:
    """The rows of a rows() queryset, read as values rather than model instances."""
    return _rows_of(list(queryset.prefetch_related(None).values(*_COLUMNS)), agreements)


def counted_rows(queryset, start: int, stop: int, *, agreements=()) -> tuple[list, int]:
    """Rows `start` to `stop` of a rows() queryset, in its order, and how many rows it has in
    all, from one statement (COUNT(*) OVER (), counted before the slice): a list's page and
    its count without writing the filters and the visibility rule out a second time. The
    count is 0 when the slice is empty. `agreements` as for action_rows."""
    if queryset.query.distinct:  # the window would count the rows before DISTINCT
        return _read(queryset[start:stop], agreements), queryset.count()
    records = list(
        queryset.prefetch_related(None)
        .annotate(matching=Window(Count("*")))[start:stop]
        .values(*_COLUMNS, "matching")
    )
    return _rows_of(records, agreements), records[0]["matching"] if records else 0


def _rows_of(records, known_agreements=()) -> list[ActionRow]:
    """Rows from the values of rows(): the plans, themes and meetings they share are fetched
    once each (a plan the page has already, with its board, is not), and the latest updates
    by the ids rows() found (plain queries, no window function). A fixed number of queries
    however many rows, and a few times less Python than building an Action for each."""
    if not records:
        return []
    agreements = {
        agreement.pk: agreement
        for agreement in known_agreements
        if agreement is not None and Agreement.board.is_cached(agreement)
    }
    agreements |= _by_id(
        Agreement.objects.select_related("board"), records, "agreement_id", known=agreements
    )
    themes = _by_id(Theme.objects.select_related("parent"), records, "theme_id")
    meetings = _by_id(
        Meeting.objects.select_related("body__partnership"), records, "origin_meeting_id"
    )
    leads = {record["pk"]: [] for record in records}
    for lead in (
        ActionLead.objects.filter(action_id__in=list(leads))
        .select_related("organisation", "body")
        .order_by("action_id", "position")
    ):
        leads[lead.action_id].append(lead)
    latest = _latest_updates(records)
    # What a row says of its plan (Action's properties, the rule once), for each plan shown.
    plans = {}
    rows = []
    for record in records:
        plan_key = (record["agreement_id"], record["origin_meeting_id"])
        plan = plans.get(plan_key)
        if plan is None:
            plan = plans[plan_key] = Action(
                agreement=agreements.get(record["agreement_id"]),
                origin_meeting=meetings.get(record["origin_meeting_id"]),
            )
        rows.append(
            ActionRow.built(
                SimpleNamespace(**record),
                plan=plan,
                theme=themes.get(record["theme_id"]),
                leads=tuple(leads[record["pk"]]),
                latest=latest.get(record["latest_update_id"]),
            )
        )
    return rows


def _latest_updates(records) -> dict[int, LatestUpdate]:
    """The rows' latest updates by id, read as values: a row shows when, what and who, and
    an update with its author and their person as model instances cost several times more."""
    ids = {record["latest_update_id"] for record in records} - {None}
    if not ids:
        return {}
    columns = ProgressUpdate.objects.filter(pk__in=ids).order_by().values_list(
        "pk", "date", "note", "author__person__name", "author__first_name",
        "author__last_name", "author__username",
    )  # fmt: skip
    return {
        pk: LatestUpdate(pk, date, note, name_shown(*author)) for pk, date, note, *author in columns
    }


def _by_id(queryset, records, column, known=()) -> dict:
    """The objects the records name in `column`, by id, but those `known`: one query, none
    when none is left to fetch. Unordered: in_bulk keeps the model's ordering, which for a
    theme or a plan joins the board only to sort a dict."""
    ids = {record[column] for record in records} - {None} - set(known)
    return queryset.order_by().in_bulk(ids) if ids else {}
