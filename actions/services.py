"""Writes about actions. Views, the admin, commands and importers all come through here."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from governance.history import delete_recorded, save_recorded
from governance.models import Organisation
from governance.text import clean_text, remove_control_characters

from .models import (
    CLOSED_STATUSES,
    STATUSES_NEEDING_A_NOTE,
    Action,
    ActionLead,
    ProgressUpdate,
    Status,
    due_date_in_force_on,
    today,
)
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
        save_recorded(update, reason="Progress update recorded", user=author)
        latest = locked.updates.order_by("-date", "-pk").first()
        locked.status = latest.status
        locked.version += 1
        save_recorded(
            locked,
            reason=f"Progress update: {update.get_status_display()}",
            user=author,
            update_fields=["status", "version"],
        )
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
    elif not note and status not in CLOSED_STATUSES and _overdue_on(action, date):
        errors["note"] = "Enter a progress note: the action is overdue."
    if status == Status.COMPLETED and not outcome:
        errors["outcome"] = "Enter the outcome: what the action achieved."
    if len(outcome) > NOTE_MAX_LENGTH:
        errors["outcome"] = f"The outcome must be {NOTE_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)


def _overdue_on(action, day) -> bool:
    """Past the due date in force on the update's day: the overdue rule's date, whatever
    the due date is today (a move agreed later does not excuse an update dated before it)."""
    due = due_date_in_force_on(action, day)
    return due is not None and due < day


def apply_timescale(action: Action) -> None:
    """Derive the due date and its kind from the timescale as written."""
    parsed = parse_timescale(action.timescale, reference_date=action.starts_on)
    action.due_date = parsed.due_date
    action.timescale_kind = parsed.kind.value


# --- Creating actions and setting their leads ------------------------------------------------


def action_create(
    *, action: Action, leads=(), reason: str, user=None, source: str = "", history_date=None
) -> Action:
    """Save a new action built by its caller (roll-over, an action arising, a year's file),
    checked as the model checks it, with its leads in order. One place, so that every new
    action gets the same cleaning, checks and history whichever way it comes in."""
    for name in ("description", "target", "timescale", "leads_as_written", "theme_as_written"):
        setattr(action, name, remove_control_characters(getattr(action, name)))
    action.full_clean()
    save_recorded(
        action,
        reason=reason,
        user=user,
        source=source,
        date=history_date,
    )
    if leads:
        action_leads_set(
            action=action,
            parties=list(leads),
            reason=reason,
            user=user,
            source=source,
            history_date=history_date,
        )
    return action


def party_key(party) -> tuple[int | None, int | None]:
    """(organisation id, body id) of a lead party: an Organisation or a Body."""
    if isinstance(party, Organisation):
        return (party.pk, None)
    return (None, getattr(party, "pk", None))


@dataclass
class LeadsChange:
    """What setting an action's leads did, party by party (short names)."""

    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def action_leads_set(
    *, action: Action, parties: list, reason: str, user=None, source: str = "", history_date=None
) -> LeadsChange:
    """Make the action's leads `parties` (Organisations and Bodies), in that order.

    A lead that stays keeps its row (and its history); only the leads that go are deleted and
    only those that come are created, each with its history row, so that "the leads as they
    stood" and a year's file reload can tell who changed what. Positions follow the order.
    Each lead's history row keeps the whole reason, as the action's does."""
    wanted = [party_key(p) for p in parties]
    if len(set(wanted)) != len(wanted):
        raise ValidationError({"leads": "Each lead can be named only once."})
    rows = list(ActionLead.objects.filter(action=action).order_by("position"))
    by_key = {(row.organisation_id, row.body_id): row for row in rows}
    change = LeadsChange()
    for key, row in by_key.items():
        if key not in wanted:
            change.removed.append(row.party.short_name)
            delete_recorded(row, reason=reason, user=user, source=source)
    kept = [by_key[key] for key in wanted if key in by_key]
    moving = [row for row in kept if row.position != wanted.index(_row_key(row)) + 1]
    if moving:
        # Out of the way first, without history: the unique (action, position) holds at every
        # statement, and the history shows only each lead's final place.
        top = max(row.position for row in rows) + len(wanted) + 1
        for offset, row in enumerate(moving):
            ActionLead.objects.filter(pk=row.pk).update(position=top + offset)
    for position, (key, party) in enumerate(zip(wanted, parties, strict=True), 1):
        row = by_key.get(key)
        if row is not None:
            change.kept.append(party.short_name)
            if row in moving:
                row.position = position
                save_recorded(
                    row,
                    reason=reason,
                    user=user,
                    source=source,
                    update_fields=["position"],
                )
            continue
        row = ActionLead(
            action=action,
            position=position,
            organisation=party if isinstance(party, Organisation) else None,
            body=None if isinstance(party, Organisation) else party,
        )
        row.full_clean()
        save_recorded(
            row,
            reason=reason,
            user=user,
            source=source,
            date=history_date,
        )
        change.added.append(party.short_name)
    return change


def _row_key(row) -> tuple[int | None, int | None]:
    return (row.organisation_id, row.body_id)
