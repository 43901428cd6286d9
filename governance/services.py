"""Writes about governance: chairs, reporting lines, meetings and what meetings decide.

Views, the admin and commands all come through here, so that the rules (no overlapping chairs,
no reporting cycles, no meeting before a body existed, every action arising has a lead) hold
whichever way the data comes in.
"""

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Body, Chair, Meeting, Organisation, Person, ReportingLine

ONE_DAY = datetime.timedelta(days=1)
TITLE_MAX_LENGTH = Meeting._meta.get_field("title").max_length
DESCRIPTION_MAX_LENGTH = 2000
NO_LEAD_MESSAGE = "Choose at least one lead: an organisation or a partnership body."
NO_WHEN_MESSAGE = 'Enter a due date, or a timescale such as "March 2020" or "TBC".'
FUTURE_ARISING_MESSAGE = "Record actions arising once the meeting has taken place."
FUTURE_PROGRESS_MESSAGE = "Record the progress a meeting received once the meeting has taken place."


def _fmt(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# --- Chairs --------------------------------------------------------------------------------


@transaction.atomic
def chair_change(
    *, body: Body, person: Person, start: datetime.date, user=None, reason: str = ""
) -> Chair:
    """Hand the chair of `body` to `person` from `start`, keeping the history.

    The current chair's period ends the day before; the new one is open-ended. A period that
    would overlap another recorded one (a handover already planned, or a closed period that
    runs past `start`) is refused rather than silently shortened: the coordinator must decide.
    """
    if start is None:
        raise ValidationError({"start": "Enter the date the new chair takes over."})
    # Serialise chair changes of one body so that two coordinators cannot both close the
    # same period.
    Body.objects.select_for_update().filter(pk=body.pk).first()
    chairs = list(Chair.objects.filter(body=body).select_related("person").order_by("start"))
    current = [c for c in chairs if c.end is None]
    open_chair = current[-1] if current else None

    if open_chair is not None and open_chair.person_id == person.pk:
        raise ValidationError(
            {
                "person": (
                    f"{person.name} already chairs the {body.name} "
                    f"(since {_fmt(open_chair.start)})."
                )
            }
        )
    for other in chairs:
        if other is open_chair:
            continue
        other_end = other.end or datetime.date.max
        if other_end >= start:
            until = f"to {_fmt(other.end)}" if other.end else "with no end date"
            raise ValidationError(
                {
                    "start": (
                        f"This overlaps {other.person.name}'s period as chair, from "
                        f"{_fmt(other.start)} {until}. Choose a start after it ends."
                    )
                }
            )

    if open_chair is not None and start <= open_chair.start:
        raise ValidationError(
            {
                "start": (
                    f"The new chair must start after {open_chair.person.name} took the chair "
                    f"on {_fmt(open_chair.start)}."
                )
            }
        )
    why = (reason or "").strip() or "Chair changed"
    if open_chair is not None:
        open_chair.end = start - ONE_DAY
        open_chair._change_reason = f"{why}: handed over to {person.name}"
        if user is not None:
            open_chair._history_user = user
        open_chair.save(update_fields=["end"])
    new_chair = Chair(body=body, person=person, start=start)
    new_chair.full_clean()
    new_chair._change_reason = why
    if user is not None:
        new_chair._history_user = user
    new_chair.save()
    return new_chair


def current_chair_on(chairs: Iterable[Chair], day: datetime.date) -> Chair | None:
    """The chair in office on `day`, from a list already fetched (no query)."""
    in_office = [c for c in chairs if c.start <= day and (c.end is None or c.end >= day)]
    return max(in_office, key=lambda c: c.start) if in_office else None


# --- Reporting lines ------------------------------------------------------------------------


def reporting_path(lines: Iterable[tuple[int, int]], start: int, goal: int) -> list[int] | None:
    """A path of body ids from `start` up to `goal` following "reports to", if there is one.

    `lines` are (from_body_id, to_body_id) pairs: the whole graph, so one query serves it.
    """
    up: dict[int, list[int]] = {}
    for from_id, to_id in lines:
        up.setdefault(from_id, []).append(to_id)
    came_from = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = came_from[node]
            return list(reversed(path))
        for parent in up.get(node, []):
            if parent not in came_from:
                came_from[parent] = node
                queue.append(parent)
    return None


def check_reporting_line(
    *, from_body: Body, to_body: Body, lines: Iterable[tuple[int, int]], names=None
) -> None:
    """Refuse a line to itself or one that closes a cycle, given the other lines of the graph."""
    if from_body.pk == to_body.pk:
        raise ValidationError({"to_body": f"The {from_body.short_name} cannot report to itself."})
    lines = list(lines)
    path = reporting_path(lines, to_body.pk, from_body.pk)
    if path is not None:
        names = names or dict(Body.objects.filter(pk__in=path).values_list("pk", "short_name"))
        shown = " reports to ".join(names.get(pk, str(pk)) for pk in path)
        raise ValidationError(
            {
                "to_body": (
                    f"The {from_body.short_name} cannot report to the {to_body.short_name}: "
                    f"{shown}, so the lines would go round in a circle."
                )
            }
        )


def partnership_lines(*boards: Body):
    """(from_body_id, to_body_id) of the lines with both ends in the partnerships of `boards`.

    The duplicate and cycle checks look among the partnerships the new line joins, never at
    the whole installation's lines, which grow with every partnership in the country.
    """
    from .selectors import partnership_bodies  # selectors read through services: import late

    bodies = Body.objects.none()
    for board in dict.fromkeys(boards):
        bodies = bodies | partnership_bodies(board)
    return ReportingLine.objects.filter(
        from_body__in=bodies.values("pk"), to_body__in=bodies.values("pk")
    ).values_list("from_body_id", "to_body_id")


@transaction.atomic
def reporting_line_create(
    *, from_body: Body, to_body: Body, description: str = "", user=None
) -> ReportingLine:
    lines = list(partnership_lines(from_body.board, to_body.board))
    if (from_body.pk, to_body.pk) in lines:
        raise ValidationError(
            {"to_body": f"The {from_body.short_name} already reports to the {to_body.short_name}."}
        )
    check_reporting_line(from_body=from_body, to_body=to_body, lines=lines)
    line = ReportingLine(from_body=from_body, to_body=to_body, description=description.strip())
    line.full_clean()
    line._change_reason = "Reporting line added"
    if user is not None:
        line._history_user = user
    line.save()
    return line


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    date: datetime.date,
    title: str,
    attendees: str = "",
    attendee_people: Iterable[Person] = (),
    minutes: str = "",
    papers: str = "",
    user=None,
) -> Meeting:
    errors = {}
    title = (title or "").strip()
    if date is None:
        errors["date"] = "Enter the date of the meeting."
    elif body.established and date < body.established:
        errors["date"] = (
            f"The meeting cannot be before the {body.short_name} was established, "
            f"on {_fmt(body.established)}."
        )
    if not title:
        errors["title"] = "Enter the title of the meeting, for example the agenda item."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"The title must be {TITLE_MAX_LENGTH} characters or fewer."
    if not errors and Meeting.objects.filter(body=body, date=date, title=title).exists():
        errors["title"] = (
            f"The {body.short_name} already has a meeting called {title!r} on {_fmt(date)}."
        )
    if errors:
        raise ValidationError(errors)
    meeting = Meeting(
        body=body,
        date=date,
        title=title,
        attendees=(attendees or "").strip(),
        minutes=(minutes or "").strip(),
        papers=(papers or "").strip(),
    )
    meeting._change_reason = "Meeting recorded"
    if user is not None:
        meeting._history_user = user
    meeting.save()
    people = list(attendee_people)
    if people:
        meeting.attendee_people.set(people)
    return meeting


def _working_agreements(board):
    """A board's agreements that are not drafts. `board` may be an OuterRef."""
    from csa.models import Agreement

    return Agreement.objects.filter(board=board).exclude(status=Agreement.Status.DRAFT)


def agreement_for_meeting(meeting_or_body, day: datetime.date | None = None):
    """The agreement that actions arising at a meeting join, or None.

    The board's agreement in force on the meeting date (not a draft). When none is in force,
    as when a meeting falls after a plan's year ended but before the next plan is adopted, the
    latest adopted agreement: it is the plan the board is still working to, and an action
    arising must be tracked somewhere rather than refused. A draft is never used: it has not
    been agreed, and may never be.
    """
    from csa.models import Agreement

    if isinstance(meeting_or_body, Meeting):
        body, day = meeting_or_body.body, meeting_or_body.date
    else:
        body = meeting_or_body
    mine = _working_agreements(body.board)
    in_force = mine.in_force_on(day).order_by("-period_start").first()
    if in_force is not None:
        return in_force
    return mine.filter(status=Agreement.Status.ADOPTED).order_by("-period_start").first()


def current_agreement_ids(boards, day: datetime.date):
    """The ids of agreement_for_meeting(board, day) for each of `boards` (a queryset of boards),
    as a subquery: one query whatever the number of boards, instead of one or two per board."""
    from csa.models import Agreement

    mine = _working_agreements(OuterRef("pk"))
    in_force = mine.in_force_on(day).order_by("-period_start").values("pk")[:1]
    adopted = mine.filter(status=Agreement.Status.ADOPTED).order_by("-period_start").values("pk")
    return (
        boards.annotate(agreement_id=Coalesce(Subquery(in_force), Subquery(adopted[:1])))
        .filter(agreement_id__isnull=False)
        .values("agreement_id")
    )


def _refuse_future_meeting(meeting: Meeting, message: str) -> None:
    """A meeting that has not happened yet has agreed and received nothing.

    Recording it anyway would also hide what is recorded: an action arising does not exist
    before its meeting (ActionQuerySet.with_progress), so it could not be opened until then.
    """
    from actions.models import today

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
    from actions.models import Action, ActionLead
    from actions.services import apply_timescale
    from actions.timescales import MAX_WRITTEN_LENGTH, TimescaleKind

    _refuse_future_meeting(meeting, FUTURE_ARISING_MESSAGE)
    description = (description or "").strip()
    timescale = (timescale or "").strip()
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
    if agreement is None and not errors:
        errors["__all__"] = (
            f"The {meeting.body.board.name} has no adopted agreement to add the action to. "
            "Load or adopt this year's agreement first."
        )
    if errors:
        raise ValidationError(errors)

    # Lock the agreement so that two actions recorded at once cannot take the same number.
    from csa.models import Agreement

    Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    prefix = arising_reference_prefix(meeting)
    taken = Action.objects.filter(agreement=agreement, reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(m.group(1)) for r in taken if (m := re.fullmatch(rf"{prefix}(\d+)", r))]
    reference = f"{prefix}{max(numbers, default=0) + 1}"
    last_position = Action.objects.filter(agreement=agreement).aggregate(p=Max("position"))["p"]

    action = Action(
        agreement=agreement,
        theme=None,
        theme_as_written="",
        reference=reference,
        position=(last_position or 0) + 1,
        description=description,
        timescale=timescale,
        leads_as_written=" / ".join(lead.short_name for lead in leads),
        target=(target or "").strip(),
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
    action.full_clean()
    action._change_reason = f"Action arising from {meeting}"[:100]
    if user is not None:
        action._history_user = user
    action.save()
    for position, lead in enumerate(leads, 1):
        row = ActionLead(
            action=action,
            position=position,
            organisation=lead if isinstance(lead, Organisation) else None,
            body=lead if isinstance(lead, Body) else None,
        )
        row._change_reason = "Lead of an action arising"
        row.save()
    return action


@transaction.atomic
def progress_received_link(*, meeting: Meeting, updates: Iterable, user=None) -> int:
    """Record that `meeting` received these progress updates. Returns how many were linked.

    Only updates of actions of the meeting's partnership, dated on or before the meeting and
    not already received by another meeting, can be linked: the minutes record what was before
    the board, which cannot include an update written afterwards.
    """
    from actions.models import ProgressUpdate

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
        if update.action.agreement.board_id != meeting.body.board.pk:
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
        update._change_reason = f"Received at {meeting}"[:100]
        if user is not None:
            update._history_user = user
        update.save(update_fields=["meeting"])
        linked += 1
    return linked


def progress_received_record(
    *, meeting: Meeting, action, user, status: str, note: str = "", outcome: str = ""
):
    """Record a new progress update given at the meeting, dated the day of the meeting."""
    from actions.services import progress_update_create

    _refuse_future_meeting(meeting, FUTURE_PROGRESS_MESSAGE)
    if action.agreement.board_id != meeting.body.board.pk:
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
