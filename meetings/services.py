"""Writes about what meetings decide: actions arising, and the progress a meeting received.

Above the actions layer, since an action arising is an action and progress received is a
progress update; the meeting itself is governance's (governance.services.meeting_create).
"""

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from actions.models import Action, ProgressUpdate
from actions.services import action_create, apply_timescale, progress_update_create
from actions.timescales import MAX_WRITTEN_LENGTH, TimescaleKind
from csa.models import Agreement
from governance.clock import today
from governance.history import SHORT_REASON_LENGTH, save_recorded
from governance.models import Body, Meeting, Organisation
from governance.services import _fmt
from governance.text import clean_text

DESCRIPTION_MAX_LENGTH = 2000
NO_LEAD_MESSAGE = "Choose at least one lead: an organisation or a partnership body."
NO_WHEN_MESSAGE = 'Enter a due date, or a timescale such as "March 2020" or "TBC".'
FUTURE_ARISING_MESSAGE = "Record actions arising once the meeting has taken place."
FUTURE_PROGRESS_MESSAGE = "Record the progress a meeting received once the meeting has taken place."


def agreement_for_meeting(meeting: Meeting) -> Agreement | None:
    """The agreement that actions arising at a meeting join: the board's plan in force on
    the meeting's date. None when there is none: the action goes on the body's own list of
    actions arising, never counted in a year's plan."""
    return (
        Agreement.objects.filter(board=meeting.body.board)
        .working()
        .in_force_on(meeting.date)
        .order_by("-period_start")
        .first()
    )


def _refuse_future_meeting(meeting: Meeting, message: str) -> None:
    """A meeting that has not happened yet has agreed and received nothing.

    Recording it anyway would also hide what is recorded: an action arising does not exist
    before its meeting (ActionQuerySet.with_progress), so it could not be opened until then.
    """

    if meeting.date > today():
        raise ValidationError(message)


def arising_reference_prefix(meeting: Meeting) -> str:
    """ "M190731-": stable across databases (a fixture can name it), unlike the meeting's id."""
    return f"M{meeting.date:%y%m%d}-"


@transaction.atomic
def action_arising_create(
    *,
    meeting: Meeting,
    description: str,
    leads: Iterable[Organisation | Body],
    due_date: datetime.date | None = None,
    timescale: str = "",
    target: str = "",
    user=None,
):
    """An action agreed at a meeting: an ordinary action of the board's plan, marked as arising.

    It joins `agreement_for_meeting(meeting)`, is tracked, updated and shown as overdue like
    any plan action, and gets the reference "M<yymmdd>-<n>" (the meeting's date, then the next
    free number), so that the minutes' "action M190731-2" is findable in the plan.
    """

    _refuse_future_meeting(meeting, FUTURE_ARISING_MESSAGE)
    description = clean_text(description)
    timescale = clean_text(timescale)
    leads = list(dict.fromkeys(leads))  # keep the order given, drop repeats
    errors = {}
    if not description:
        errors["description"] = "Enter what was agreed: the action arising."
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description must be {DESCRIPTION_MAX_LENGTH} characters or fewer."
        )
    if not leads:
        errors["leads"] = NO_LEAD_MESSAGE
    elif any(not isinstance(lead, Organisation | Body) for lead in leads):
        errors["leads"] = "A lead must be an organisation or a partnership body."
    if due_date is None and not timescale:
        errors["due_date"] = NO_WHEN_MESSAGE
    elif len(timescale) > min(MAX_WRITTEN_LENGTH, Action._meta.get_field("timescale").max_length):
        errors["timescale"] = "The timescale must be a short phrase, such as “March 2020”."
    if due_date is not None and due_date < meeting.date:
        errors["due_date"] = (
            f"The due date cannot be before the meeting that agreed it, {_fmt(meeting.date)}."
        )
    agreement = agreement_for_meeting(meeting)
    if errors:
        raise ValidationError(errors)

    # Lock the list the action joins (its plan, else its meeting) so that two actions
    # recorded at once cannot take the same number.
    if agreement is not None:
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        same_list = Action.objects.filter(agreement=agreement)
    else:
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        same_list = Action.objects.filter(agreement__isnull=True, origin_meeting=meeting)
    prefix = arising_reference_prefix(meeting)
    taken = same_list.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(m.group(1)) for r in taken if (m := re.fullmatch(rf"{prefix}(\d+)", r))]
    reference = f"{prefix}{max(numbers, default=0) + 1}"
    last_position = same_list.aggregate(p=Max("position"))["p"]

    action = Action(
        agreement=agreement,
        theme=None,
        theme_as_written="",
        reference=reference,
        position=(last_position or 0) + 1,
        description=description,
        timescale=timescale,
        leads_as_written=" / ".join(lead.short_name for lead in leads),
        target=clean_text(target),
        origin_meeting=meeting,
    )
    if timescale:
        apply_timescale(action)
        if due_date is not None:
            # A date given as well as the words is the one the meeting agreed: it wins.
            action.due_date = due_date
    else:
        action.timescale = _fmt(due_date)
        action.due_date = due_date
        action.timescale_kind = TimescaleKind.BY_DATE.value
    return action_create(
        action=action, leads=leads, reason=f"Action arising from {meeting}", user=user
    )


@transaction.atomic
def progress_received_link(*, meeting: Meeting, updates: Iterable, user=None) -> int:
    """Record that `meeting` received these progress updates. Returns how many were linked.

    Only updates of actions of the meeting's partnership, dated on or before the meeting and
    not already received by another meeting, can be linked: the minutes record what was before
    the board, which cannot include an update written afterwards.
    """

    _refuse_future_meeting(meeting, FUTURE_PROGRESS_MESSAGE)
    ids = [u.pk if hasattr(u, "pk") else int(u) for u in updates]
    if not ids:
        raise ValidationError({"updates": "Choose at least one progress update."})
    rows = list(
        ProgressUpdate.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("action__agreement", "meeting")
    )
    errors = []
    if len(rows) != len(set(ids)):
        errors.append("One of the chosen progress updates no longer exists.")
    for update in rows:
        ref = update.action.reference
        if update.action.board.pk != meeting.body.board.pk:
            errors.append(f"The update on {ref} belongs to another partnership's plan.")
        elif update.date > meeting.date:
            errors.append(f"The update on {ref} of {_fmt(update.date)} is dated after the meeting.")
        elif update.meeting_id and update.meeting_id != meeting.pk:
            errors.append(f"The update on {ref} was already received by {update.meeting}.")
    if errors:
        raise ValidationError({"updates": errors})
    linked = 0
    for update in rows:
        if update.meeting_id == meeting.pk:
            continue
        update.meeting = meeting
        save_recorded(
            update,
            reason=f"Received at {meeting}",
            user=user,
            max_length=SHORT_REASON_LENGTH,
            update_fields=["meeting"],
        )
        linked += 1
    return linked


def progress_received_record(
    *, meeting: Meeting, action, user, status: str, note: str = "", outcome: str = ""
):
    """Record a new progress update given at the meeting, dated the day of the meeting."""

    _refuse_future_meeting(meeting, FUTURE_PROGRESS_MESSAGE)
    if action.board.pk != meeting.body.board.pk:
        raise ValidationError({"action": "Choose an action of this partnership's plan."})
    return progress_update_create(
        action=action,
        author=user,
        status=status,
        note=note,
        outcome=outcome,
        date=meeting.date,
        meeting=meeting,
    )
