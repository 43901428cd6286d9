"""What a roll-over decided: above the actions, since each decision is about one action."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action
from csa.models import Agreement
from governance.history import HistorySource


class RolloverDecision(models.Model):
    """What the roll-over into a new agreement decided for one action of last year's plan.

    Kept apart from last year's action so that the previous agreement stays exactly as it was
    adopted: closing an action at roll-over records why here, not on the old action.
    """

    class Outcome(models.TextChoices):
        CARRIED = "carried", "Carried forward"
        COMPLETED = "completed", "Completed"
        DROPPED = "dropped", "Dropped"

    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="rollover_decisions",
        help_text="The new agreement that the roll-over created.",
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        related_name="rollover_decisions",
        help_text="The action of last year's plan that was decided on.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    history = HistoricalRecords(table_name="csa_historicalrolloverdecision")

    class Meta:
        # The table kept its name when the model moved up from csa (see migration 0001).
        db_table = "csa_rolloverdecision"
        ordering = ["agreement", "action"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "action"], name="rollover_decision_one_per_action"
            ),
            models.CheckConstraint(
                condition=Q(outcome="carried") | ~Q(reason=""),
                name="rollover_decision_closed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference}: {self.get_outcome_display()}"


class PendingLoad(models.Model):
    """A year's file uploaded in the browser, between its preview and its confirmation.

    Kept in the database, not in a process or a session, so that any app process can confirm
    it; found by the user and the SHA-256 of the bytes, which the confirmation carries, so that
    a file other than the one previewed is never loaded. Deleted when confirmed, or after two
    days (plans.services.PENDING_LOAD_KEPT_FOR)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_loads"
    )
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=200, blank=True)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "sha256"], name="pending_load_one_per_file")
        ]

    def __str__(self):
        return f"{self.filename or 'agreement file'} uploaded by {self.user} at {self.uploaded_at}"


class TableMapping(models.Model):
    """How a partnership's own plan table reads, remembered from its last file so that next
    year's needs no corrections: which column holds what, which theme each theme as written
    is, and who each lead as written is (plans.tables.mapping). Keys are the texts as written,
    in the form two spellings share (mapping.normal)."""

    board = models.OneToOneField(
        "governance.Body",
        on_delete=models.CASCADE,
        related_name="table_mapping",
        help_text="The partnership (its board) whose table this is.",
    )
    columns = models.JSONField(default=dict, blank=True, help_text="Header as written: role.")
    themes = models.JSONField(default=dict, blank=True, help_text="Theme as written: its key.")
    leads = models.JSONField(default=dict, blank=True, help_text="Lead as written: its parties.")
    history = HistoricalRecords(bases=[HistorySource])

    def __str__(self):
        return f"How the {self.board.short_name}'s plan table reads"
