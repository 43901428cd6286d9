"""What: the timed actions of a plan, who leads them, and the progress reported on them."""

import datetime
import functools
import operator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csa.models import Agreement, Obligation, Theme, same_board_error
from governance.access import access_for
from governance.clock import today
from governance.history import HistorySource, history_rows
from governance.models import Body, Meeting, Organisation

from .timescales import TimescaleKind


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    DEFERRED = "deferred", "Deferred"
    CANCELLED = "cancelled", "Cancelled"


class Rag(models.TextChoices):
    """The computed status: red, amber or green, always written as a word."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


# The computed status beside the officer's is rag_rule (below the time rules): overdue is red;
# due within DUE_SOON_DAYS and not started, or stale, is amber; anything else is green.

# An action in one of these is finished with: never overdue, due soon or stale.
CLOSED_STATUSES = (Status.COMPLETED, Status.DEFERRED, Status.CANCELLED)
# Moving to one of these needs a note saying why.
STATUSES_NEEDING_A_NOTE = (Status.AT_RISK, Status.OFF_TRACK, Status.DEFERRED, Status.CANCELLED)


TIMESCALE_KIND_CHOICES = [
    (TimescaleKind.BY_DATE.value, "By a date"),
    (TimescaleKind.ONGOING.value, "Ongoing until"),
    (TimescaleKind.TO_BE_CONFIRMED.value, "To be confirmed"),
    (TimescaleKind.NOT_UNDERSTOOD.value, "Not understood"),
    (TimescaleKind.APPROXIMATE.value, "Approximate"),
]


class ActionQuerySet(models.QuerySet):
    """The business rules about time live here, once: overdue, due soon, stale.

    Everything is "as of" a day in the world: the status is the one set by the latest progress
    update dated on or before that day, so a past meeting's view comes out as it was then.
    """

    def with_progress(self, as_of: datetime.date | None = None):
        as_of = as_of or today()
        updates = ProgressUpdate.objects.filter(action=OuterRef("pk"), date__lte=as_of).order_by(
            "-date", "-pk"
        )
        # An action arising from a meeting did not exist before that meeting.
        existing = self.exclude(origin_meeting__date__gt=as_of)
        return existing.annotate(
            status_on=Coalesce(
                Subquery(updates.values("status")[:1]),
                Value(Status.NOT_STARTED.value),
                output_field=models.CharField(),
            ),
            last_update_on=Subquery(updates.values("date")[:1]),
            due_on=due_date_in_force(as_of),
        ).annotate(
            # Without any update, an action was last heard of at the meeting that agreed it,
            # or else at the start of its plan.
            last_heard_on=Coalesce(
                F("last_update_on"), F("origin_meeting__date"), F("agreement__period_start")
            ),
        )

    def _on_day(self, as_of):
        return self if "status_on" in self.query.annotations else self.with_progress(as_of)

    def overdue(self, as_of: datetime.date | None = None):
        as_of = as_of or today()
        return self._on_day(as_of).filter(overdue_rule(as_of).q())

    def due_within(self, days: int | None = None, as_of: datetime.date | None = None):
        as_of = as_of or today()
        return self._on_day(as_of).filter(due_soon_rule(as_of, days).q())

    def exceptions(self, as_of: datetime.date | None = None):
        """Actions that the officer says are on track and the computed RAG says are not."""
        as_of = as_of or today()
        return self._on_day(as_of).filter(exception_rule(as_of).q())

    def slipped(self, as_of: datetime.date | None = None):
        """Actions whose due date was moved later (or to "to be confirmed") by a move agreed
        on or before the day: the deadline slips of DueDateMove."""
        as_of = as_of or today()
        return self.filter(
            pk__in=DueDateMove.objects.slips().filter(agreed_on__lte=as_of).values("action_id")
        )

    def stale(self, days: int | None = None, as_of: datetime.date | None = None):
        """Open actions with no progress update for `days` (see stale_rule)."""
        as_of = as_of or today()
        return self._on_day(as_of).filter(stale_rule(as_of, days).q())

    def rows(self, as_of: datetime.date | None = None):
        """The one read model of an action as a row on a day, for every page, export and
        command: status and due date on the day (status_on, last_update_on, due_on,
        last_heard_on, row_day), the agreement, theme and origin, the leads in order and the
        latest update on or before the day with its author. The rules on those columns
        (is_overdue, is_due_soon, is_stale, rag, is_exception) and what a row derives from
        them are read by actions.rows.ActionRow. A fixed number of queries however many rows.
        """
        as_of = as_of or today()
        return (
            # The rules (overdue, due soon, stale, the RAG, exceptions) are read from these
            # columns by Rule.holds, in Python: written into the SQL, each rule repeated the
            # status and due-date subqueries, and writing that query out cost more than
            # running it.
            self.with_progress(as_of)
            .annotate(
                row_day=Value(as_of, output_field=models.DateField()),
                # What actions.rows reads the latest update by: one plain query by these ids
                # costs less than the prefetch's window function below, which the model
                # instances of exports and the plan page still use.
                latest_update_id=Subquery(
                    updates_latest_first(as_of).filter(action=OuterRef("pk")).values("pk")[:1]
                ),
            )
            # The origin's partnership names an action arising outside any plan (board).
            .select_related(
                "agreement__board", "theme__parent", "origin_meeting__body__partnership"
            )
            .prefetch_related(
                leads_in_order(),
                Prefetch(
                    "updates",
                    # A sliced prefetch: one query (a window function) for every row's latest.
                    queryset=updates_latest_first(as_of)[:1],
                    to_attr="latest_update_list",
                ),
            )
        )

    def led_by(self, *, organisation=None, body=None):
        if organisation is not None:
            return self.filter(leads__organisation=organisation).distinct()
        if body is not None:
            return self.filter(leads__body=body).distinct()
        return self

    def led_by_user(self, user):
        """The actions that `user` leads: those their organisation, or any body they belong
        to, leads. One rule for "my actions", reminders, update rounds and calendar feeds.

        Not led_by: that takes one party, and a user leads through their organisation OR any
        body they belong to, all at once. pk__in rather than a join, so that an action led
        twice by the user comes once.
        """
        access = access_for(user)
        led = Q(body_id__in=access.body_ids)
        if access.organisation_id is not None:
            led |= Q(organisation_id=access.organisation_id)
        return self.filter(pk__in=ActionLead.objects.filter(led).values("action_id"))

    def visible_to(self, user):
        """The actions `user` may see: the one restricted rule, for live pages, past views,
        exports and commands alike.

        An action of another partnership is never seen. An action that a restricted body
        leads, or ever led (its lead's history says so), or that arose at a restricted body's
        meeting, is seen only by those who may see that body's data (governance.access): its
        wording and every note written while the body led it would tell what the body does,
        so removing the lead later does not make the action public.
        """
        access = access_for(user)
        if access.spans_every_partnership:
            return self
        arising_of_mine = Q(agreement__isnull=True) & (
            Q(origin_meeting__body_id__in=access.board_ids)
            | Q(origin_meeting__body__partnership_id__in=access.board_ids)
        )
        mine = self.filter(Q(agreement__board_id__in=access.board_ids) | arising_of_mine)
        if not access.hidden_body_ids:  # nothing to exclude: spare the page writing it out
            return mine
        return mine.exclude(restricted_from(user, "pk"))

    def get_visible(self, user, pk):
        """The action if the user may see it, else 404: the one door to an action for a view."""
        try:
            return self.visible_to(user).get(pk=pk)
        except (Action.DoesNotExist, ValueError, TypeError):
            raise Http404("No such action.") from None


def restricted_from(user, id_field: str) -> Q:
    """The restricted rule, once: a filter on `id_field` (an action's id) matching the actions
    that `user` may not see because a body whose data is hidden from them (see
    governance.access.hidden_bodies) leads it, led it at any time, or met and agreed it.

    Read from the history tables as well as today's rows, so that live pages, past views,
    exports and commands all hide the same actions. Use it on actions
    (ActionQuerySet.visible_to) and on their history rows (`id`).
    """
    hidden = sorted(access_for(user).hidden_body_ids)  # none for an admin
    if not hidden:
        return Q(pk__in=[])
    ids = (
        ActionLead.objects.filter(body_id__in=hidden).values("action_id"),
        history_rows(ActionLead).filter(body_id__in=hidden).values("action_id"),
        Action.objects.filter(origin_meeting__body_id__in=hidden).values("pk"),
        history_rows(Action).filter(origin_meeting__body_id__in=hidden).values("id"),
    )
    rule = Q()
    for subquery in ids:
        rule |= Q(**{f"{id_field}__in": subquery})
    return rule


def leads_in_order() -> Prefetch:
    """An action's leads in their order, each with its organisation or body: as rows show them."""
    return Prefetch(
        "leads",
        queryset=ActionLead.objects.select_related("organisation", "body").order_by("position"),
    )


def updates_latest_first(as_of: datetime.date):
    """Progress updates dated on or before the day, the latest first (by date, then as
    recorded), with their authors: the first of an action's is its latest update on the day."""
    return (
        ProgressUpdate.objects.filter(date__lte=as_of)
        .select_related("author__person")
        .order_by("-date", "-pk")
    )


def due_date_in_force(as_of: datetime.date):
    """The due date in force on a day, by the date each move was agreed: the rule once.

    An action's due date is its timescale's, until a move of the ledger (DueDateMove) agreed
    on or before the day says otherwise. Before its first move, the due date in force is the
    one that move moved from (the original), so moving a timescale later never changes what
    past days showed as overdue.
    """
    moves = DueDateMove.objects.filter(action=OuterRef("pk"))
    agreed = moves.filter(agreed_on__lte=as_of).order_by("-agreed_on", "-pk")
    return Case(
        When(Exists(agreed), then=Subquery(agreed.values("to_date")[:1])),
        When(
            Exists(moves),
            then=Subquery(moves.order_by("agreed_on", "pk").values("from_date")[:1]),
        ),
        default=F("due_date"),
        output_field=models.DateField(),
    )


def due_date_in_force_on(action, day: datetime.date) -> datetime.date | None:
    """due_date_in_force for one action already fetched (its moves prefetched, or one query):
    the same rule, for a check made in Python such as a progress update's."""
    moves = sorted(
        (move.agreed_on, move.pk, move.from_date, move.to_date)
        for move in action.due_date_moves.all()
    )
    return due_date_from_moves(moves, action.due_date, day)


def due_date_from_moves(moves, due_date, day: datetime.date) -> datetime.date | None:
    """The rule of due_date_in_force_on, on an action's moves as (agreed_on, pk, from_date,
    to_date) in that order, and its own due date: for rows read as values."""
    agreed = [move for move in moves if move[0] <= day]
    if agreed:
        return agreed[-1][3]
    if moves:
        return moves[0][2]
    return due_date


# The time rules, once each, on the columns of ActionQuerySet.with_progress: the status and
# the due date in force on the day, and when the action was last heard of. A finished action
# (CLOSED_STATUSES) is never overdue, due soon or stale. Each rule is conditions on those
# values, read as a database filter (`q()`, for lists, counts and commands) and as a test of
# one row already fetched (`holds()`, for the rows a page draws); tests/actions/test_rules.py
# checks that the two readings agree.

_TESTS = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gte": operator.ge,
    "in": lambda value, choices: value in choices,
}


@dataclass(frozen=True)
class Condition:
    field: str
    lookup: str
    value: object
    negated: bool = False

    def q(self) -> Q:
        q = Q(**{f"{self.field}__{self.lookup}": self.value})
        return ~q if self.negated else q

    def holds(self, row) -> bool:
        value = getattr(row, self.field)
        if value is None:  # as in SQL: a comparison with NULL is never true, nor its negation
            return False
        return _TESTS[self.lookup](value, self.value) != self.negated


@dataclass(frozen=True)
class Rule:
    """Conditions that must all hold."""

    conditions: tuple[Condition, ...]

    def q(self) -> Q:
        q = Q()
        for condition in self.conditions:
            q &= condition.q()
        return q

    def holds(self, row) -> bool:
        return all(condition.holds(row) for condition in self.conditions)

    def __and__(self, other: "Rule") -> "Rule":
        return Rule(self.conditions + other.conditions)


def _rule(*conditions) -> Rule:
    return Rule(tuple(Condition(*condition) for condition in conditions))


def _open() -> Rule:
    return _rule(("status_on", "in", tuple(s.value for s in CLOSED_STATUSES), True))


# The rules of a day are made once each (a page reads them for every row): Rule is frozen,
# and the settings they read are part of the key, so a changed setting makes new ones. The
# public names stay the rules' one definition (a test may replace one).


def overdue_rule(as_of: datetime.date) -> Rule:
    return _overdue_rule(as_of)


@functools.lru_cache(maxsize=128)
def _overdue_rule(as_of: datetime.date) -> Rule:
    return _open() & _rule(("due_on", "lt", as_of))


def due_soon_rule(as_of: datetime.date, days: int | None = None) -> Rule:
    return _due_soon_rule(as_of, settings.DUE_SOON_DAYS if days is None else days)


@functools.lru_cache(maxsize=128)
def _due_soon_rule(as_of: datetime.date, days: int) -> Rule:
    return _open() & _rule(
        ("due_on", "gte", as_of), ("due_on", "lte", as_of + datetime.timedelta(days=days))
    )


def stale_rule(as_of: datetime.date, days: int | None = None) -> Rule:
    """No progress update for `days`: counted from the meeting that agreed the action when it
    has none, or else from the start of the plan."""
    return _stale_rule(as_of, settings.STALE_AFTER_DAYS if days is None else days)


@functools.lru_cache(maxsize=128)
def _stale_rule(as_of: datetime.date, days: int) -> Rule:
    return _open() & _rule(("last_heard_on", "lt", as_of - datetime.timedelta(days=days)))


def _not_started() -> Rule:
    return _rule(("status_on", "exact", Status.NOT_STARTED.value))


def rag_steps(as_of: datetime.date) -> tuple[tuple[Rule, Rag], ...]:
    """The computed RAG, in order, first match wins, else green: overdue is red; due within
    DUE_SOON_DAYS and not started, or stale, is amber."""
    return (
        (overdue_rule(as_of), Rag.RED),
        (due_soon_rule(as_of) & _not_started(), Rag.AMBER),
        (stale_rule(as_of), Rag.AMBER),
    )


def rag_rule(as_of: datetime.date) -> Case:
    """The computed RAG as a column (the list's exception filter reads it)."""
    return Case(
        *(When(rule.q(), then=Value(rag.value)) for rule, rag in rag_steps(as_of)),
        default=Value(Rag.GREEN.value),
        output_field=models.CharField(),
    )


def rag_of(row, as_of: datetime.date) -> Rag:
    """The computed RAG of one row of with_progress on `as_of`."""
    return next((rag for rule, rag in rag_steps(as_of) if rule.holds(row)), Rag.GREEN)


class _ExceptionRule:
    """An exception: the officer says on track, the facts (the computed RAG) say red or amber."""

    def __init__(self, as_of: datetime.date):
        self.as_of = as_of

    def q(self) -> Q:
        not_green = Q()
        for rule, _rag in rag_steps(self.as_of):
            not_green |= rule.q()
        return Q(status_on=Status.ON_TRACK.value) & not_green

    def holds(self, row) -> bool:
        return row.status_on == Status.ON_TRACK and rag_of(row, self.as_of) != Rag.GREEN


def exception_rule(as_of: datetime.date) -> _ExceptionRule:
    return _ExceptionRule(as_of)


def rag_reason_of(row) -> str:
    """Why a row's computed status is what it is, in words: for a typed row (actions.rows)
    and an action read through rows() alike."""
    if row.is_overdue:
        days = row.days_overdue
        return f"overdue by {days} day{'' if days == 1 else 's'}"
    if row.is_due_soon and row.status_on == Status.NOT_STARTED:
        return f"due within {settings.DUE_SOON_DAYS} days and not started"
    if row.is_stale:
        return f"no update for {settings.STALE_AFTER_DAYS} days"
    return "no overdue, due-soon or stale flag"


def user_display_name(user) -> str:
    """How a person is named in the pages: their Person's name, else their account's."""
    if user is None:  # an import or a command: no person to name
        return ""
    # Only the person that select_related("...person") fetched: never a query per row.
    person = user._state.fields_cache.get("person")
    return name_shown(person and person.name, user.first_name, user.last_name, user.username)


def name_shown(person_name, first_name, last_name, username) -> str:
    """user_display_name's rule on the columns themselves (a person's name, None when they
    have no Person), for rows read as values."""
    if person_name is not None:
        return person_name
    if username is None:  # no author at all
        return ""
    return f"{first_name} {last_name}".strip() or username


class ActionManager(models.Manager.from_queryset(ActionQuerySet)):
    def get_by_natural_key(self, board_short_name, period_start, reference):
        if period_start is None:  # an action arising on a body's own list: (body, None, ref)
            return self.get(
                agreement__isnull=True,
                origin_meeting__body__short_name=board_short_name,
                reference=reference,
            )
        return self.get(
            agreement__board__short_name=board_short_name,
            agreement__period_start=period_start,
            reference=reference,
        )


class Action(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
        help_text="The plan the action is part of. Empty only for an action arising at a "
        "meeting when no plan was in force: it is on the meeting's body's own list.",
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    theme_as_written = models.CharField(
        max_length=200, blank=True, help_text="The theme as the plan wrote it that year."
    )
    reference = models.CharField(max_length=20)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    timescale = models.CharField(
        max_length=200, blank=True, help_text='As written: "June 2017 (New CTLP)", "TBC".'
    )
    timescale_kind = models.CharField(
        max_length=20,
        choices=TIMESCALE_KIND_CHOICES,
        default=TimescaleKind.NOT_UNDERSTOOD.value,
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="Derived from the timescale; empty when it has none."
    )
    leads_as_written = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    target = models.TextField(blank=True, help_text="The target or measure, where there is one.")
    carries_forward = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_forward_by",
        help_text="The action of last year's plan that this one continues.",
    )
    origin_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_arising",
        help_text="The meeting that agreed this action, for actions arising.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Counts the writes, so that two people cannot overwrite each other."
    )
    loaded_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="The version that the last load of a year's file left: a higher version "
        "means people changed the action since, and a reload keeps their work.",
    )
    obligations = models.ManyToManyField(
        Obligation,
        blank=True,
        related_name="actions",
        help_text="The duties and plan objectives the action serves itself (its theme's "
        "serve it too: actions.coverage).",
    )
    # The tags are kept with each history row, so that who tagged what, and why, is kept.
    history = HistoricalRecords(bases=[HistorySource], m2m_fields=[obligations])

    objects = ActionManager()

    class Meta:
        ordering = ["agreement", "position", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "reference"], name="action_unique_ref"),
            models.UniqueConstraint(
                fields=["origin_meeting", "reference"],
                condition=Q(agreement__isnull=True),
                name="action_arising_unique_ref",
            ),
            models.CheckConstraint(
                condition=Q(agreement__isnull=False) | Q(origin_meeting__isnull=False),
                name="action_in_a_plan_or_arising",
            ),
        ]
        indexes = [
            models.Index(fields=["agreement", "due_date"], name="action_agreement_due"),
            models.Index(fields=["agreement", "status"], name="action_agreement_status"),
            models.Index(fields=["due_date"], name="action_due_date"),
        ]

    def __str__(self):
        return f"{self.reference} {self.description[:60]} ({self.list_label})"

    def natural_key(self):
        if self.agreement_id is None:
            return (self.origin_meeting.body.short_name, None, self.reference)
        return (*self.agreement.natural_key(), self.reference)

    def partnership_slug(self) -> str:
        """Its partnership's board, whose cached pages its changes touch (governance.freshness)."""
        if self.agreement_id is None:
            return self.origin_meeting.body.board.slug
        return self.agreement.board.slug

    @property
    def board(self):
        """The board whose partnership the action belongs to."""
        if self.agreement_id is None:
            return self.origin_meeting.body.board
        return self.agreement.board

    @property
    def starts_on(self):
        """The start of its plan, or the meeting that agreed an action outside any plan."""
        if self.agreement_id is None:
            return self.origin_meeting.date
        return self.agreement.period_start

    @property
    def plan_status(self) -> str:
        """Its plan's status. An action arising outside any plan stands as an adopted plan's
        does: in force, changed by the coordinator, never the record of a past year."""
        if self.agreement_id is None:
            return Agreement.Status.ADOPTED
        return self.agreement.status

    @property
    def list_label(self) -> str:
        if self.agreement_id is None:
            return f"arising at the {self.origin_meeting.body.short_name}"
        return self.agreement.year_label

    @property
    def plan_title(self) -> str:
        """Its plan as a page's caption names it: "Community Safety Agreement (2018-19)", or
        "Arising at the SCB meeting of 31 July 2019" for an action outside any plan."""
        if self.agreement_id is None:
            meeting = self.origin_meeting
            return f"Arising at the {meeting.body.short_name} meeting of {meeting.date:%-d %B %Y}"
        return f"{self.agreement.title} ({self.agreement.year_label})"

    @property
    def plan_label(self) -> str:
        """Its partnership and plan, as a row of every partnership's actions names them:
        "SCB 2018-19", or "SCB, arising at the SCB" for an action outside any plan."""
        if self.agreement_id is None:
            return f"{self.board.short_name}, {self.list_label}"
        return f"{self.agreement.board.short_name} {self.agreement.year_label}"

    natural_key.dependencies = ["csa.agreement", "csa.theme", "governance.meeting"]

    def clean(self):
        if self.reference != self.reference.strip() or not self.reference.strip():
            raise ValidationError(
                {"reference": f"Write the reference without spaces around it: {self.reference!r}."}
            )
        if self.carries_forward_id and self.carries_forward_id == self.pk:
            raise ValidationError({"carries_forward": "An action cannot carry itself forward."})
        if not self.agreement_id and not self.origin_meeting_id:
            raise ValidationError(
                {"agreement": "An action belongs to a plan, unless it arose at a meeting."}
            )
        board = self.board
        meeting, plan = self.origin_meeting, self.agreement
        outside = (
            meeting is not None
            and plan is not None
            and not plan.period_start <= meeting.date <= plan.period_end
        )
        if outside:
            raise ValidationError(
                {
                    "agreement": (
                        f"The meeting of {meeting.date:%-d %B %Y} is outside the "
                        f"{plan.year_label} plan ({plan.period_start:%-d %B %Y} to "
                        f"{plan.period_end:%-d %B %Y}): an action arising joins the plan in "
                        "force on the meeting's date, or, when there is none, its body's own "
                        "list (no agreement)."
                    )
                }
            )
        if self.theme_id and self.theme.board_id != board.pk:
            raise same_board_error("theme", f"Theme {self.theme.key!r}", board, self.theme.board)
        forward = self.carries_forward
        if forward is not None and forward.board.pk != board.pk:
            raise same_board_error(
                "carries_forward", f"Action {forward.reference}", board, forward.board
            )
        meeting = self.origin_meeting
        if meeting is not None and meeting.body.board_id != board.pk:
            raise same_board_error(
                "origin_meeting", f"Meeting {meeting}", board, meeting.body.board
            )

    @property
    def changed_since_loaded(self) -> bool:
        """Has anyone changed the action since a file last loaded it (or was it made in the
        tracker: a roll-over, an action arising)?"""
        return self.version != self.loaded_version

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    # --- What a row shows, from ActionQuerySet.rows() -----------------------------------------

    @property
    def status_on_label(self) -> str:
        return Status(self.status_on).label

    # The rules on the row's day, from the columns rows() fetched (see Rule).
    @property
    def is_overdue(self) -> bool:
        return overdue_rule(self.row_day).holds(self)

    @property
    def is_due_soon(self) -> bool:
        return due_soon_rule(self.row_day).holds(self)

    @property
    def is_stale(self) -> bool:
        return stale_rule(self.row_day).holds(self)

    @property
    def is_exception(self) -> bool:
        return exception_rule(self.row_day).holds(self)

    @property
    def days_overdue(self) -> int | None:
        """Days past the due date in force on the row's day (today, for an action not read as
        a row), for an overdue action."""
        if not hasattr(self, "row_day"):
            day = today()
            due = due_date_in_force_on(self, day)
            late = self.status not in CLOSED_STATUSES and due is not None and due < day
            return (day - due).days if late else None
        return (self.row_day - self.due_on).days if self.is_overdue else None

    @property
    def rag(self) -> "Rag":
        """The computed status on the row's day (rag_steps)."""
        return rag_of(self, self.row_day)

    @property
    def rag_reason(self) -> str:
        """Why the computed status is what it is, in words."""
        return rag_reason_of(self)

    @property
    def due_date_moved(self) -> bool:
        """Is the due date in force on the row's day not today's (a move agreed later)?"""
        return self.due_on != self.due_date

    @property
    def latest_update(self):
        """The latest progress update on or before the row's day (today, for an action not
        read as a row), or None."""
        if not hasattr(self, "latest_update_list"):
            return self.updates.filter(date__lte=today()).order_by("-date", "-pk").first()
        return self.latest_update_list[0] if self.latest_update_list else None

    @property
    def latest_update_author(self) -> str:
        latest = self.latest_update
        return user_display_name(latest.author) if latest else ""

    @property
    def latest_note(self) -> str:
        latest = self.latest_update
        return latest.note if latest else ""

    @property
    def leads_shown(self) -> str:
        return leads_shown_of(self.leads_as_written, self.leads.all())


def leads_shown_of(leads_as_written: str, leads) -> str:
    """The leads as the plan wrote them, else their short names in order."""
    if leads_as_written:
        return leads_as_written
    return " / ".join(lead.party.short_name for lead in leads)


class ActionLeadManager(models.Manager):
    def get_by_natural_key(self, board_short_name, period_start, reference, position):
        action = Action.objects.get_by_natural_key(board_short_name, period_start, reference)
        return self.get(action=action, position=position)


class ActionLead(models.Model):
    """One lead party of an action: a partner organisation or a partnership body.

    An explicit model rather than two many-to-manys, so that the leads have a history of their
    own and the plan "as it stood" shows the leads of the day.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="leads")
    position = models.PositiveSmallIntegerField(default=1)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    history = HistoricalRecords(bases=[HistorySource])

    objects = ActionLeadManager()

    class Meta:
        ordering = ["action", "position"]
        constraints = [
            models.UniqueConstraint(fields=["action", "position"], name="action_lead_unique_pos"),
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, body__isnull=True)
                    | Q(organisation__isnull=True, body__isnull=False)
                ),
                name="action_lead_is_organisation_or_body",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "action"], name="action_lead_org"),
            models.Index(fields=["body", "action"], name="action_lead_body"),
        ]

    def __str__(self):
        return str(self.party)

    def partnership_slug(self) -> str:
        return self.action.partnership_slug()  # governance.freshness

    @property
    def party(self):
        return self.organisation or self.body

    def natural_key(self):
        return (*self.action.natural_key(), self.position)

    natural_key.dependencies = ["actions.action", "governance.organisation", "governance.body"]

    def clean(self):
        if bool(self.organisation_id) == bool(self.body_id):
            raise ValidationError(
                "A lead is either an organisation or a body, not both or neither."
            )
        if self.body_id and self.action_id:
            board = self.action.board
            if self.body.board_id != board.pk:
                raise same_board_error(
                    "body", f"The {self.body.short_name}", board, self.body.board
                )


class ProgressUpdate(models.Model):
    """A dated note by an officer that sets the action's status: the action's timeline."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(help_text="The day the update is about.")
    status = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True)
    outcome = models.TextField(blank=True, help_text="What was achieved, when completed.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_updates",
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_received",
        help_text="The meeting that received this update.",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(bases=[HistorySource])

    class Meta:
        ordering = ["-date", "-pk"]
        get_latest_by = ["date", "pk"]
        indexes = [
            models.Index(fields=["action", "date"], name="update_action_date"),
            models.Index(fields=["meeting"], name="update_meeting"),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_status_display()} on {self.date}"

    def partnership_slug(self) -> str:
        return self.action.partnership_slug()  # governance.freshness


class DueDateMoveQuerySet(models.QuerySet):
    def slips(self):
        """Moves to a later date, or from a date to none ("to be confirmed")."""
        return self.filter(from_date__isnull=False).filter(
            Q(to_date__isnull=True) | Q(to_date__gt=F("from_date"))
        )


class DueDateMove(models.Model):
    """The ledger of an action's deadline: each move of its due date, agreed on a day (often a
    board meeting), with who recorded it, when and why. The first move's from_date is the
    original due date. Written only by actions.editing.services.action_update_details."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="due_date_moves")
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    from_timescale = models.CharField(max_length=200, blank=True)
    to_timescale = models.CharField(max_length=200, blank=True)
    agreed_on = models.DateField(help_text="The day the move was agreed, often a board meeting.")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="due_date_moves",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = DueDateMoveQuerySet.as_manager()

    class Meta:
        ordering = ["action", "agreed_on", "pk"]
        indexes = [
            models.Index(fields=["action", "agreed_on"], name="due_move_action_agreed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_date=F("to_date")), name="due_move_changes_the_date"
            ),
        ]

    def __str__(self):
        return (
            f"{self.action.reference}: {self.from_date} to {self.to_date}, agreed {self.agreed_on}"
        )

    def partnership_slug(self) -> str:
        return self.action.partnership_slug()  # governance.freshness

    @property
    def days(self) -> int | None:
        """Days later (negative: earlier); None when either side has no date."""
        if self.from_date is None or self.to_date is None:
            return None
        return (self.to_date - self.from_date).days


class PendingUpload(models.Model):
    """An uploaded progress spreadsheet between its preview and its confirmation: the rows as
    read, keyed by a hash of the file and its uploader, so that any app process can confirm
    it. Nothing of it is recorded until actions.spreadsheet.services.progress_upload_confirm."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    scope = models.CharField(max_length=40)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.JSONField(default=list)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.filename or 'progress file'} uploaded by {self.user} at {self.uploaded_at}"


class UpdateRound(models.Model):
    """A coordinator asks the leads of a meeting's actions for progress by a deadline.

    An action counts as answered when a progress update on it was recorded since the round
    opened (ProgressUpdate.recorded_at >= opened_at), whoever recorded it.

    Reminders opens and chases rounds; the board report and the agenda helper mark their rows
    with them (actions.rounds), so the model sits here, below all three. Its tables keep the
    names they had in reminders (moved by a state-only migration).
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="update_rounds")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateField()
    message = models.TextField(blank=True)
    actions = models.ManyToManyField(
        Action, related_name="update_rounds", db_table="reminders_updateround_actions"
    )

    class Meta:
        db_table = "reminders_updateround"
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["meeting", "opened_at"], name="round_meeting_opened")]

    def __str__(self):
        return f"Update round for {self.meeting}"

    def partnership_slug(self) -> str:
        return self.agreement.board.slug  # governance.freshness
