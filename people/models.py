"""Invitations: how a person joins a partnership, by a one-time link sent to their email.

The link carries a random token; only its SHA-256 is stored, so that a copy of the database
(or of its history) opens no account. Accepting sets a password, makes the account, the person
and the role, and uses the invitation up.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history import register
from simple_history.models import HistoricalRecords

from governance.models import Body, Organisation

# Accounts are history too (deactivated by whom, and why); never their password hashes.
register(
    get_user_model(),
    app=__package__,
    excluded_fields=["password", "last_login"],
    table_name="people_historicaluser",
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def open_on(self, moment):
        return self.pending().filter(expires_at__gt=moment)


class Invitation(models.Model):
    class Kind(models.TextChoices):
        OFFICER = "officer", "Officer of an organisation"
        MEMBER = "member", "Member of a body"
        CHAIR = "chair", "Chair"
        COORDINATOR = "coordinator", "Partnership coordinator"

    email = models.EmailField()
    board = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        related_name="invitations",
        limit_choices_to={"partnership__isnull": True},
        help_text="The partnership (its board) the person is invited to.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="officer") | Q(organisation__isnull=False),
                name="invitation_officer_has_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="member") | Q(body__isnull=False),
                name="invitation_member_has_body",
            ),
        ]

    def __str__(self):
        return f"{self.email}: {self.described} of {self.board.short_name}"

    @property
    def described(self) -> str:
        if self.kind == self.Kind.OFFICER and self.organisation:
            return f"an officer of {self.organisation.name}"
        if self.kind == self.Kind.MEMBER and self.body:
            return f"a member of the {self.body.name}"
        if self.kind == self.Kind.CHAIR:
            return "chair (reading the whole partnership)"
        return "partnership coordinator"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    def is_open(self, moment=None) -> bool:
        return self.is_pending and self.expires_at > (moment or timezone.now())
