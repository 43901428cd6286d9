"""Writes for reminders: preferences, calendar tokens, rounds, and claim-then-send.

Claim-then-send: before an email goes, its ReminderSend row is inserted in a short
transaction of its own. The partial unique constraints on ReminderSend make the database
refuse a second row for the same email (same person and day for a digest, same person and
round for a round's opening, same person, round and day for its reminder), so that two runs
at the same moment, on one server or two, send it once: the loser's insert fails and it
moves on. The claim is committed before the mail server is contacted, so no transaction or
lock is held during SMTP.

If the send fails, the row is kept as FAILED with the error (the coordinator sees it) and
the next run takes it over again with a conditional update that only one run can win. If a
run dies between claim and send, the row stays SENDING and the email is not sent again that
day: a missed reminder is better than a duplicate, and the sends page shows it.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from actions.models import UpdateRound
from governance.access import can_manage_body
from governance.clock import today

from . import mail
from .models import Frequency, ReminderPreference, ReminderSend, new_feed_token
from .reach import round_recipients
from .selectors import group_by_plan, round_agreement, round_candidate_actions

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 2000


# --- Preferences and the calendar token ------------------------------------------------------


def preference_save(*, user, frequency: str, weekday: int) -> ReminderPreference:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": "Choose how often you want reminders."})
    if frequency == Frequency.WEEKLY and weekday not in range(7):
        raise ValidationError({"weekday": "Choose the day of the week for your reminders."})
    with transaction.atomic():
        preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
        preference.frequency = frequency
        if frequency == Frequency.WEEKLY:
            preference.weekday = weekday
        preference.save()
    return preference


def feed_token_reset(*, user) -> ReminderPreference:
    """A new secret for the user's calendar addresses: the old ones stop working at once."""
    with transaction.atomic():
        preference, created = ReminderPreference.objects.select_for_update().get_or_create(
            user=user
        )
        if not created:
            preference.feed_token = new_feed_token()
            preference.save(update_fields=["feed_token", "updated_at"])
    return preference


# --- Claim, then send ------------------------------------------------------------------------


def _same_email(*, user, kind, day, update_round):
    sends = ReminderSend.objects.filter(user=user, kind=kind)
    if kind == ReminderSend.Kind.DIGEST:
        return sends.filter(day=day)
    if kind == ReminderSend.Kind.ROUND_OPENED:
        return sends.filter(update_round=update_round)
    return sends.filter(update_round=update_round, day=day)


def send_claim(
    *, user, kind, day: datetime.date, subject: str, actions, update_round=None
) -> ReminderSend | None:
    """Insert the record of an email before sending it; None if it is someone else's to send
    (already sent, or being sent by another run). A failed earlier attempt is taken over."""
    try:
        with transaction.atomic():
            claim = ReminderSend.objects.create(
                user=user,
                kind=kind,
                day=day,
                update_round=update_round,
                email=user.email,
                subject=subject[:300],
            )
            claim.actions.set([action.pk for action in actions])
            return claim
    except IntegrityError:
        pass
    with transaction.atomic():
        failed = _same_email(user=user, kind=kind, day=day, update_round=update_round).filter(
            state=ReminderSend.State.FAILED
        )
        # Only one run's UPDATE matches a FAILED row: the others see SENDING and give up.
        if not failed.update(
            state=ReminderSend.State.SENDING,
            attempts=F("attempts") + 1,
            claimed_at=timezone.now(),
            error="",
        ):
            return None
        claim = _same_email(user=user, kind=kind, day=day, update_round=update_round).get()
        claim.actions.set([action.pk for action in actions])
        claim.subject, claim.email = subject[:300], user.email
        claim.save(update_fields=["subject", "email"])
        return claim


def send_deliver(*, claim: ReminderSend, message) -> bool:
    """Send the claimed email and record the outcome. Never raises for a mail failure."""
    try:
        mail.send(message)
    except Exception as error:  # SMTP refusals, a server that is down, DNS...: all recorded
        logger.warning("Reminder %s to %s not sent: %s", claim.pk, claim.email, error)
        claim.state = ReminderSend.State.FAILED
        claim.error = f"{type(error).__name__}: {error}"[:2000]
        claim.save(update_fields=["state", "error"])
        return False
    claim.state = ReminderSend.State.SENT
    claim.sent_at = timezone.now()
    claim.save(update_fields=["state", "sent_at"])
    return True


def _claim_and_send(*, user, kind, day, subject, actions, template, context, update_round=None):
    """'sent', 'failed' or 'skipped' (someone else's to send)."""
    # A meeting's title as minuted may hold runs of spaces: a subject line never does.
    subject = " ".join(subject.split())
    claim = send_claim(
        user=user,
        kind=kind,
        day=day,
        subject=subject,
        actions=actions,
        update_round=update_round,
    )
    if claim is None:
        return "skipped"
    message = mail.compose(user=user, subject=subject, template=template, context=context)
    return "sent" if send_deliver(claim=claim, message=message) else "failed"


# --- The daily reminder ----------------------------------------------------------------------


def digest_subject(actions) -> str:
    if len(actions) == 1:
        return "1 action you lead needs an update"
    return f"{len(actions)} actions you lead need an update"


def digest_send(*, user, preference, day: datetime.date, actions) -> str:
    """The day's reminder to one person about `actions` (selectors.digest_actions)."""
    subject = f"{settings.SITE_NAME}: {digest_subject(actions)}"
    context = {
        "day": day,
        "groups": group_by_plan(actions),
        "preference": preference,
        "user": user,
        "due_soon_days": settings.DUE_SOON_DAYS,
        "stale_after_days": settings.STALE_AFTER_DAYS,
    }
    return _claim_and_send(
        user=user,
        kind=ReminderSend.Kind.DIGEST,
        day=day,
        subject=subject,
        actions=actions,
        template="digest",
        context=context,
    )


# --- Update rounds ---------------------------------------------------------------------------


def round_open(
    *, meeting, user, deadline: datetime.date, message: str = "", actions=None
) -> UpdateRound:
    """Open an update round for a body's meeting and mail each lead once.

    `actions` defaults to the plan's open actions that the body oversees. Raises
    PermissionDenied for someone who does not coordinate the body's partnership and
    ValidationError for input a coordinator can correct.
    """
    if not can_manage_body(user, meeting.body):
        raise PermissionDenied("Only the partnership's coordinator opens an update round.")
    day = today()
    message = (message or "").strip()
    errors = {}
    if meeting.date < day:
        errors["meeting"] = "This meeting has taken place: open a round for a meeting to come."
    if deadline is None:
        errors["deadline"] = "Enter the date by which leads should update their actions."
    elif deadline < day:
        errors["deadline"] = "The deadline must be today or later."
    elif deadline > meeting.date:
        errors["deadline"] = (
            f"The deadline must be on or before the meeting, {meeting.date:%-d %B %Y}."
        )
    if len(message) > MESSAGE_MAX_LENGTH:
        errors["message"] = f"The message must be {MESSAGE_MAX_LENGTH} characters or fewer."
    agreement = round_agreement(meeting)
    if agreement is None:
        errors["meeting"] = "There is no agreed plan for this meeting's partnership."
    if errors:
        raise ValidationError(errors)
    candidates = round_candidate_actions(meeting, agreement, user, day)
    if actions is None:
        chosen = list(candidates)
    else:
        ids = {a.pk for a in actions}
        chosen = list(candidates.filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise ValidationError(
                {"actions": "Choose only open actions of the plan that this body oversees."}
            )
    if not chosen:
        raise ValidationError({"actions": "Choose at least one action for the round."})
    with transaction.atomic():
        update_round = UpdateRound.objects.create(
            meeting=meeting,
            agreement=agreement,
            opened_by=user,
            deadline=deadline,
            message=message,
        )
        update_round.actions.set(chosen)
    round_send(update_round=update_round, kind=ReminderSend.Kind.ROUND_OPENED)
    return update_round


def round_send(*, update_round: UpdateRound, kind: str) -> dict[str, int]:
    """The round's opening email to every lead, or its reminder to the leads who have not
    answered. Counts of 'sent', 'failed' and 'skipped' (already sent: once per round for the
    opening, once a day for a reminder)."""
    reminder = kind == ReminderSend.Kind.ROUND_REMINDER
    day = today()
    meeting = update_round.meeting
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    what = "Reminder: progress" if reminder else "Progress"
    subject = (
        f"{settings.SITE_NAME}: {what} wanted by {update_round.deadline:%-d %B} for the "
        f"{meeting.body.short_name} meeting on {meeting.date:%-d %B %Y}"
    )
    for user, actions in round_recipients(update_round, unanswered_only=reminder):
        context = {
            "round": update_round,
            "meeting": meeting,
            "actions": actions,
            "reminder": reminder,
            "user": user,
        }
        outcome = _claim_and_send(
            user=user,
            kind=kind,
            day=day,
            subject=subject,
            actions=actions,
            template="round",
            context=context,
            update_round=update_round,
        )
        counts[outcome] += 1
    return counts


def round_remind(*, update_round: UpdateRound, user) -> dict[str, int]:
    if not can_manage_body(user, update_round.meeting.body):
        raise PermissionDenied("Only the partnership's coordinator sends a round's reminder.")
    return round_send(update_round=update_round, kind=ReminderSend.Kind.ROUND_REMINDER)
