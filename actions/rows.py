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

from django.urls import reverse

from .models import Action, ProgressUpdate, Rag, Status, rag_reason_of, user_display_name


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
    latest_update: ProgressUpdate | None
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
        latest = action.latest_update_list[0] if action.latest_update_list else None
        return cls(
            pk=action.pk,
            version=action.version,
            reference=action.reference,
            position=action.position,
            description=action.description,
            target=action.target,
            agreement=action.agreement,
            agreement_id=action.agreement_id,
            board=action.board,
            theme=action.theme,
            theme_as_written=action.theme_as_written,
            origin_meeting=action.origin_meeting,
            plan_label=action.plan_label,
            plan_title=action.plan_title,
            list_label=action.list_label,
            plan_status=action.plan_status,
            timescale=action.timescale,
            timescale_kind=action.timescale_kind,
            due_date=action.due_date,
            due_on=action.due_on,
            leads=tuple(action.leads.all()),
            leads_as_written=action.leads_as_written,
            leads_shown=action.leads_shown,
            status=action.status,
            status_on=action.status_on,
            last_update_on=action.last_update_on,
            last_heard_on=action.last_heard_on,
            latest_update=latest,
            day=action.row_day,
            is_overdue=action.is_overdue,
            is_due_soon=action.is_due_soon,
            is_stale=action.is_stale,
            rag=action.rag,
            is_exception=action.is_exception,
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
        return user_display_name(self.latest_update.author) if self.latest_update else ""

    @property
    def latest_note(self) -> str:
        return self.latest_update.note if self.latest_update else ""


def action_rows(actions) -> list[ActionRow]:
    """The rows of a queryset of ActionQuerySet.rows() (or the actions it gave)."""
    return [ActionRow.of(action) for action in actions]
