"""Chasing: each person's reminder preference and calendar token, and every email sent (the
record that also stops an email going twice). Update rounds, which the board report and the
agenda read too, are actions.models.UpdateRound."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from actions.models import Action, UpdateRound


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day that something needs my attention"
    WEEKLY = "weekly", "Once a week, on a day I choose"
    ROUNDS_ONLY = "rounds", "Only when a meeting's update round asks for progress"


class Weekday(models.IntegerChoices):
    # datetime.date.weekday() numbering.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class ReminderPreference(models.Model):
    """A person's choice of reminders, and the secret of their calendar feed.

    A user without a row has the defaults (daily, Monday); the row is made when they save
    their choice or first ask for their calendar address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    # Kept as it is, not hashed: the account page shows the address for the person to copy
    # into their calendar again, as calendar services do. Resetting it is the remedy for a leak.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="reminder_pref_weekday_valid"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class ReminderSend(models.Model):
    """One email to one person: claimed (this row inserted) before it is sent.

    The partial unique constraints below are the guarantee that an email goes once however
    many runs race: the second insert fails in the database, on PostgreSQL and SQLite alike.
    A digest is once a day per person; a round's opening email once per round per person;
    a round's reminder once a day per round per person.
    """

    class Kind(models.TextChoices):
        DIGEST = "digest", "Reminder"
        ROUND_OPENED = "round_opened", "Update round opened"
        ROUND_REMINDER = "round_reminder", "Update round reminder"

    class State(models.TextChoices):
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (tried again on the next run)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_sends"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    day = models.DateField(help_text="The day the email is for (the command's --as-of).")
    update_round = models.ForeignKey(
        UpdateRound, null=True, blank=True, on_delete=models.CASCADE, related_name="sends"
    )
    email = models.EmailField()
    subject = models.CharField(max_length=300)
    actions = models.ManyToManyField(Action, related_name="reminder_sends")
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-claimed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                condition=Q(kind="digest"),
                name="reminder_send_one_digest_a_day",
            ),
            models.UniqueConstraint(
                fields=["user", "update_round"],
                condition=Q(kind="round_opened"),
                name="reminder_send_one_round_opening",
            ),
            models.UniqueConstraint(
                fields=["user", "update_round", "day"],
                condition=Q(kind="round_reminder"),
                name="reminder_send_one_round_reminder_a_day",
            ),
            models.CheckConstraint(
                condition=Q(kind="digest", update_round__isnull=True)
                | (~Q(kind="digest") & Q(update_round__isnull=False)),
                name="reminder_send_round_iff_round_kind",
            ),
        ]
        indexes = [models.Index(fields=["day", "kind"], name="reminder_send_day_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} for {self.day}"
