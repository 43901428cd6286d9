"""What: the timed actions of a plan, who leads them, and the progress reported on them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csa.models import Agreement, Theme
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


# An action in one of these is finished with: never overdue, due soon or stale.
CLOSED_STATUSES = (Status.COMPLETED, Status.DEFERRED, Status.CANCELLED)
# Moving to one of these needs a note saying why.
STATUSES_NEEDING_A_NOTE = (Status.AT_RISK, Status.OFF_TRACK, Status.DEFERRED, Status.CANCELLED)


TIMESCALE_KIND_CHOICES = [
    (TimescaleKind.BY_DATE.value, "By a date"),
    (TimescaleKind.ONGOING.value, "Ongoing until"),
    (TimescaleKind.TO_BE_CONFIRMED.value, "To be confirmed"),
    (TimescaleKind.NOT_UNDERSTOOD.value, "Not understood"),
]


def today() -> datetime.date:
    return timezone.localdate()


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
        )

    def _open_on(self, as_of):
        qs = self if "status_on" in self.query.annotations else self.with_progress(as_of)
        return qs.exclude(status_on__in=CLOSED_STATUSES)

    def overdue(self, as_of: datetime.date | None = None):
        as_of = as_of or today()
        return self._open_on(as_of).filter(due_date__lt=as_of)

    def due_within(self, days: int | None = None, as_of: datetime.date | None = None):
        as_of = as_of or today()
        days = settings.DUE_SOON_DAYS if days is None else days
        return self._open_on(as_of).filter(
            due_date__gte=as_of, due_date__lte=as_of + datetime.timedelta(days=days)
        )

    def stale(self, days: int | None = None, as_of: datetime.date | None = None):
        """Open actions with no progress update for `days`.

        Without any update, the days count from the meeting that agreed the action, or else
        from the start of the plan.
        """
        as_of = as_of or today()
        days = settings.STALE_AFTER_DAYS if days is None else days
        since = as_of - datetime.timedelta(days=days)
        return (
            self._open_on(as_of)
            .annotate(
                last_heard_on=Coalesce(
                    F("last_update_on"), F("origin_meeting__date"), F("agreement__period_start")
                ),
            )
            .filter(last_heard_on__lt=since)
        )

    def led_by(self, *, organisation=None, body=None):
        if organisation is not None:
            return self.filter(leads__organisation=organisation).distinct()
        if body is not None:
            return self.filter(leads__body=body).distinct()
        return self

    def visible_to(self, user):
        from .access import visible_actions

        return visible_actions(self, user)


class ActionManager(models.Manager.from_queryset(ActionQuerySet)):
    def get_by_natural_key(self, board_short_name, period_start, reference):
        return self.get(
            agreement__board__short_name=board_short_name,
            agreement__period_start=period_start,
            reference=reference,
        )


class Action(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="actions")
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
        max_length=10,
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
    history = HistoricalRecords()

    objects = ActionManager()

    class Meta:
        ordering = ["agreement", "position", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "reference"], name="action_unique_ref"),
        ]
        indexes = [
            models.Index(fields=["agreement", "due_date"], name="action_agreement_due"),
            models.Index(fields=["agreement", "status"], name="action_agreement_status"),
            models.Index(fields=["due_date"], name="action_due_date"),
        ]

    def __str__(self):
        return f"{self.reference} {self.description[:60]} ({self.agreement.year_label})"

    def natural_key(self):
        return (*self.agreement.natural_key(), self.reference)

    natural_key.dependencies = ["csa.agreement", "csa.theme", "governance.meeting"]

    def clean(self):
        if self.carries_forward_id and self.carries_forward_id == self.pk:
            raise ValidationError({"carries_forward": "An action cannot carry itself forward."})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ActionLeadManager(models.Manager):
    def get_by_natural_key(self, board_short_name, period_start, reference, position):
        return self.get(
            action__agreement__board__short_name=board_short_name,
            action__agreement__period_start=period_start,
            action__reference=reference,
            position=position,
        )


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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        get_latest_by = ["date", "pk"]
        indexes = [
            models.Index(fields=["action", "date"], name="update_action_date"),
            models.Index(fields=["meeting"], name="update_meeting"),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_status_display()} on {self.date}"
