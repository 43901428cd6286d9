"""Writes about governance: chairs, reporting lines and meetings.

Views, the admin and commands all come through here, so that the rules (no overlapping chairs,
no reporting cycles, no meeting before a body existed, every action arising has a lead) hold
whichever way the data comes in.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .minutes import tidy_minutes
from .models import Body, Chair, Meeting, Person, ReportingLine
from .selectors import partnership_bodies
from .text import clean_text

ONE_DAY = datetime.timedelta(days=1)
TITLE_MAX_LENGTH = Meeting._meta.get_field("title").max_length
# Bounds on what people may type, so that a slip (or an attack) cannot store 31/12/9999 or a
# megabyte of minutes: far beyond any real meeting, well within what the pages can show.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
MINUTES_MAX_LENGTH = 100_000
PAPERS_MAX_LENGTH = 10_000
ATTENDEES_MAX_LENGTH = 10_000
DESCRIPTION_MAX_LENGTH = 2000
NO_LEAD_MESSAGE = "Choose at least one lead: an organisation or a partnership body."
NO_WHEN_MESSAGE = 'Enter a due date, or a timescale such as "March 2020" or "TBC".'
FUTURE_ARISING_MESSAGE = "Record actions arising once the meeting has taken place."
FUTURE_PROGRESS_MESSAGE = "Record the progress a meeting received once the meeting has taken place."


def _fmt(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def date_out_of_range_message(what: str, day: datetime.date) -> str | None:
    """A message when `day` is outside EARLIEST_DATE..LATEST_DATE, else None."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return (
        f"{what[:1].upper()}{what[1:]} must be between {_fmt(EARLIEST_DATE)} "
        f"and {_fmt(LATEST_DATE)}."
    )


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
    why = clean_text(reason) or "Chair changed"
    if open_chair is not None:
        open_chair.end = start - ONE_DAY
        open_chair._change_reason = f"{why}: handed over to {person.name}"
        if user is not None:
            open_chair._history_user = user
        open_chair.save(update_fields=["end"])
    new_chair = Chair(body=body, person=person, start=start)
    new_chair.full_clean()
    chair_period_check(chair=new_chair)
    new_chair._change_reason = why
    if user is not None:
        new_chair._history_user = user
    new_chair.save()
    return new_chair


def chair_period_check(*, chair: Chair) -> None:
    """Refuse a chair's period that overlaps another recorded period of the same body.

    chair_change closes the open period before it opens the new one; a period given whole (a
    year's file, the admin) must fit between the recorded ones as they are.
    """
    if chair.start is None:
        raise ValidationError({"start": "Enter the date the chair took over."})
    end = chair.end or datetime.date.max
    others = Chair.objects.filter(body_id=chair.body_id).select_related("person")
    if chair.pk:
        others = others.exclude(pk=chair.pk)
    for other in others:
        other_end = other.end or datetime.date.max
        if other.start <= end and chair.start <= other_end:
            until = f"to {_fmt(other.end)}" if other.end else "with no end date"
            raise ValidationError(
                {
                    "start": (
                        f"This overlaps {other.person.name}'s period as chair of the "
                        f"{chair.body.short_name}, from {_fmt(other.start)} {until}."
                    )
                }
            )


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
    line = ReportingLine(from_body=from_body, to_body=to_body, description=clean_text(description))
    line.full_clean()
    line._change_reason = "Reporting line added"
    if user is not None:
        line._history_user = user
    line.save()
    return line


# --- Meetings -------------------------------------------------------------------------------


def meeting_check(
    *,
    body: Body,
    date: datetime.date,
    title: str,
    attendees: str = "",
    minutes: str = "",
    papers: str = "",
    exclude_pk=None,
) -> None:
    """The rules of a meeting, for the meeting form and a year's file alike."""
    errors = {}
    texts = {
        "attendees": (attendees or "", ATTENDEES_MAX_LENGTH, "The attendees"),
        "minutes": (minutes or "", MINUTES_MAX_LENGTH, "The minutes"),
        "papers": (papers or "", PAPERS_MAX_LENGTH, "The papers received"),
    }
    for name, (value, limit, what) in texts.items():
        if len(value) > limit:
            errors[name] = f"{what} must be {limit:,} characters or fewer."
    if date is None:
        errors["date"] = "Enter the date of the meeting."
    elif out_of_range := date_out_of_range_message("the date of the meeting", date):
        errors["date"] = out_of_range
    elif body.established and date < body.established:
        errors["date"] = (
            f"The meeting cannot be before the {body.short_name} was established, "
            f"on {_fmt(body.established)}."
        )
    if not title:
        errors["title"] = "Enter the title of the meeting, for example the agenda item."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"The title must be {TITLE_MAX_LENGTH} characters or fewer."
    same = Meeting.objects.filter(body=body, date=date, title=title).exclude(pk=exclude_pk)
    if not errors and same.exists():
        errors["title"] = (
            f"The {body.short_name} already has a meeting called {title!r} on {_fmt(date)}."
        )
    if errors:
        raise ValidationError(errors)


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
    title = clean_text(title)
    attendees, minutes, papers = clean_text(attendees), clean_text(minutes), clean_text(papers)
    meeting_check(
        body=body, date=date, title=title, attendees=attendees, minutes=minutes, papers=papers
    )
    meeting = Meeting(
        body=body,
        date=date,
        title=title,
        attendees=attendees,
        minutes=tidy_minutes(minutes),
        papers=papers,
    )
    meeting._change_reason = "Meeting recorded"
    if user is not None:
        meeting._history_user = user
    meeting.save()
    people = list(attendee_people)
    if people:
        meeting.attendee_people.set(people)
    return meeting
