"""Writes about actions. Views, the admin, commands and importers all come through here."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from governance.text import clean_text

from .models import STATUSES_NEEDING_A_NOTE, Action, ProgressUpdate, Status, today
from .timescales import parse_timescale

NOTE_MAX_LENGTH = 2000


class ActionChangedError(ValidationError):
    """Someone else saved the action after the user opened it."""


def action_lock(action) -> Action:
    """The action's row, locked until the transaction ends, with its agreement.

    Only the action's row is locked: PostgreSQL cannot lock the nullable side of a join.
    """
    return (
        Action.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=action.pk)
    )


def check_version(locked: Action, expected_version, message: str) -> None:
    """Refuse a change made from a form opened before someone else's change."""
    if locked.version != expected_version:
        raise ActionChangedError(message, code="stale")


def progress_update_create(
    *,
    action: Action,
    author,
    status: str,
    note: str = "",
    outcome: str = "",
    date: datetime.date | None = None,
    expected_version: int | None = None,
    meeting=None,
) -> ProgressUpdate:
    """Record a dated progress update and set the action's status from it.

    `expected_version` is the action's version when the user opened the form: if someone else
    has updated it since, nothing is written and ActionChangedError says so.
    """
    date = date or today()
    note = clean_text(note)
    outcome = clean_text(outcome)
    with transaction.atomic():
        locked = action_lock(action)
        if expected_version is not None:
            check_version(
                locked,
                expected_version,
                "This action was updated by someone else after you opened it. "
                "Read their update below, then submit yours again if it still stands.",
            )
        validate_update(locked, status=status, note=note, outcome=outcome, date=date)
        update = ProgressUpdate(
            action=locked,
            date=date,
            status=status,
            note=note,
            outcome=outcome,
            author=author,
            meeting=meeting,
        )
        update._change_reason = "Progress update recorded"
        if author is not None:
            update._history_user = author
        update.save()
        latest = locked.updates.order_by("-date", "-pk").first()
        locked.status = latest.status
        locked.version += 1
        locked._change_reason = f"Progress update: {update.get_status_display()}"
        if author is not None:
            locked._history_user = author
        locked.save(update_fields=["status", "version"])
    action.status, action.version = locked.status, locked.version
    return update


def validate_update(action, *, status, note, outcome, date):
    """The rules of a progress update, for the service and the spreadsheet preview alike."""
    errors = {}
    if status not in Status.values:
        errors["status"] = "Choose a status from the list."
    # today() is the partnership's own (London) date, so no slack is needed.
    if date > today():
        errors["date"] = "The date of the update cannot be in the future."
    elif date < action.starts_on:
        errors["date"] = (
            "The date of the update must be on or after the start of the agreement, "
            f"{action.starts_on:%-d %B %Y}."
        )
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = f"The progress note must be {NOTE_MAX_LENGTH} characters or fewer."
    elif not note and status in STATUSES_NEEDING_A_NOTE:
        label = Status(status).label.lower()
        errors["note"] = f"Enter a progress note saying why the action is {label}."
    elif not note and action.due_date and action.due_date < date and status != Status.COMPLETED:
        errors["note"] = "Enter a progress note: the action is overdue."
    if status == Status.COMPLETED and not outcome:
        errors["outcome"] = "Enter the outcome: what the action achieved."
    if len(outcome) > NOTE_MAX_LENGTH:
        errors["outcome"] = f"The outcome must be {NOTE_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)


def apply_timescale(action: Action) -> None:
    """Derive the due date and its kind from the timescale as written."""
    parsed = parse_timescale(action.timescale, reference_date=action.starts_on)
    action.due_date = parsed.due_date
    action.timescale_kind = parsed.kind.value
