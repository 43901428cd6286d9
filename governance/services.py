"""Writes about governance: chairs, reporting lines, meetings, roles, memberships and the
restricted flag.

Views, the admin and commands all come through here, so that the rules (no overlapping chairs,
no reporting cycles, no meeting before a body existed, every action arising has a lead, no
role or membership ended and no restriction changed without a reason) hold whichever way the
data comes in.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from .access import can_manage_groups, can_manage_people
from .history import delete_recorded, record_change, save_recorded
from .minutes import tidy_minutes
from .models import (
    Body,
    Chair,
    Meeting,
    Membership,
    PartnershipGroup,
    Person,
    ReportingLine,
    Role,
)
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
REASON_MESSAGE = "Say why, for the history."
NOT_A_MANAGER_MESSAGE = "Only the partnership's coordinator or an admin manages its people."


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


# --- Who did it and why ---------------------------------------------------------------------


def require_reason(reason: str) -> str:
    """The reason, cleaned; refused when there is none. The history keeps it."""
    why = clean_text(reason)
    if not why:
        raise ValidationError({"reason": REASON_MESSAGE})
    return why


def require_people_manager(by, board: Body) -> None:
    """Only the partnership's coordinator or an admin (or a command: `by` None) manages who
    is in it and what they see."""
    if by is not None and not can_manage_people(by, board):
        raise PermissionDenied(NOT_A_MANAGER_MESSAGE)


def require_not_admin(by, user) -> None:
    """Only admins manage admins."""
    if user.is_superuser and not (by is None or by.is_superuser):
        raise PermissionDenied("Only an admin changes an admin's account.")


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
        # The new period is open-ended: any other that has not ended by its start overlaps.
        if other is not open_chair and (other.end or datetime.date.max) >= start:
            raise ValidationError({"start": chair_overlap_message(other, body)})

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
        save_recorded(
            open_chair,
            reason=f"{why}: handed over to {person.name}",
            user=user,
            update_fields=["end"],
        )
    new_chair = Chair(body=body, person=person, start=start)
    new_chair.full_clean()
    chair_period_check(chair=new_chair)
    save_recorded(new_chair, reason=why, user=user)
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
            raise ValidationError({"start": chair_overlap_message(other, chair.body)})


def chair_overlap_message(other: Chair, body: Body) -> str:
    """The words of the overlap rule, the same from the chair page, a year's file and the
    admin."""
    until = f"to {_fmt(other.end)}" if other.end else "with no end date"
    return (
        f"This overlaps {other.person.name}'s period as chair of the {body.short_name}, "
        f"from {_fmt(other.start)} {until}."
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


def reporting_line_check(*, from_body: Body, to_body: Body, lines: Iterable[tuple[int, int]]):
    """A new line: not one already drawn, not to itself, not closing a circle. `lines` are the
    other lines of the partnerships it joins (partnership_lines), without the one it replaces."""
    lines = list(lines)
    if (from_body.pk, to_body.pk) in lines:
        raise ValidationError(
            {"to_body": f"The {from_body.short_name} already reports to the {to_body.short_name}."}
        )
    check_reporting_line(from_body=from_body, to_body=to_body, lines=lines)


@transaction.atomic
def reporting_line_create(
    *, from_body: Body, to_body: Body, description: str = "", user=None, reason: str = ""
) -> ReportingLine:
    reporting_line_check(
        from_body=from_body,
        to_body=to_body,
        lines=partnership_lines(from_body.board, to_body.board),
    )
    line = ReportingLine(from_body=from_body, to_body=to_body, description=clean_text(description))
    line.full_clean()
    save_recorded(line, reason=clean_text(reason) or "Reporting line added", user=user)
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
    reason: str = "",
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
    save_recorded(meeting, reason=clean_text(reason) or "Meeting recorded", user=user)
    people = list(attendee_people)
    if people:
        meeting.attendee_people.set(people)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    date: datetime.date,
    title: str,
    attendees: str = "",
    attendee_people: Iterable[Person] | None = None,
    minutes: str = "",
    papers: str = "",
    user=None,
    reason: str,
) -> Meeting:
    """Correct a meeting's record. It stays with its body: moved to another, its minutes,
    progress and actions arising would cross the restricted rule with it."""
    why = require_reason(reason)
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    title = clean_text(title)
    attendees, minutes, papers = clean_text(attendees), clean_text(minutes), clean_text(papers)
    meeting_check(
        body=meeting.body,
        date=date,
        title=title,
        attendees=attendees,
        minutes=minutes,
        papers=papers,
        exclude_pk=meeting.pk,
    )
    meeting.date, meeting.title, meeting.attendees = date, title, attendees
    meeting.minutes, meeting.papers = tidy_minutes(minutes), papers
    save_recorded(meeting, reason=why, user=user)
    if attendee_people is not None:
        meeting.attendee_people.set(list(attendee_people))
    return meeting


# --- Roles, memberships and the restricted rule ---------------------------------------------
#
# Who is in a partnership, and who sees a restricted body's data, change only here: through
# the People page or the admin, with a reason kept in the history. A year's file may create a
# body as restricted but never changes the flag of one that exists, nor a restricted body's
# members.


def role_check(*, user, board: Body, kind: str) -> None:
    """A new role: of a known kind, in a partnership's board, not one the user already has."""
    if kind not in Role.Kind.values:
        raise ValidationError({"kind": "Choose officer, chair or coordinator."})
    if board.partnership_id is not None:
        raise ValidationError(
            {
                "board": (
                    "Choose the board at the head of a partnership: the "
                    f"{board.short_name} is part of the {board.board.short_name}'s partnership."
                )
            }
        )
    if Role.objects.filter(user=user, board=board, kind=kind).exists():
        label = Role.Kind(kind).label.lower()
        raise ValidationError({"kind": f"They are already {label} of the {board.short_name}."})


@transaction.atomic
def role_create(*, user, board: Body, kind: str, by, reason: str) -> Role:
    """Give `user` a role in `board`'s partnership (an invitation accepted does it too)."""
    require_people_manager(by, board)
    require_not_admin(by, user)
    why = require_reason(reason)
    Body.objects.select_for_update().filter(pk=board.pk).first()
    role_check(user=user, board=board, kind=kind)
    return save_recorded(Role(user=user, board=board, kind=kind), reason=why, user=by)


def role_change_check(*, role: Role, kind: str) -> None:
    if kind not in Role.Kind.values:
        raise ValidationError({"kind": "Choose officer, chair or coordinator."})
    if role.kind == kind:
        raise ValidationError({"kind": f"They are already {role.get_kind_display().lower()}."})
    if Role.objects.filter(user=role.user_id, board=role.board_id, kind=kind).exists():
        raise ValidationError({"kind": "They already have that role: end this one instead."})


@transaction.atomic
def role_change(*, role: Role, kind: str, by, reason: str) -> Role:
    """Make a role in a partnership another kind (officer, chair, coordinator)."""
    require_people_manager(by, role.board)
    require_not_admin(by, role.user)
    if kind not in Role.Kind.values:
        raise ValidationError({"kind": "Choose officer, chair or coordinator."})
    why = require_reason(reason)
    role = Role.objects.select_for_update().get(pk=role.pk)
    role_change_check(role=role, kind=kind)
    role.kind = kind
    save_recorded(role, reason=why, user=by)
    return role


@transaction.atomic
def role_end(*, role: Role, by, reason: str) -> None:
    require_people_manager(by, role.board)
    require_not_admin(by, role.user)
    why = require_reason(reason)
    delete_recorded(role, reason=why, user=by)


def membership_check(*, person: Person, body: Body) -> None:
    """A person joins a body once."""
    if body.pk and Membership.objects.filter(person=person, body=body).exists():
        raise ValidationError(
            {"person": f"{person.name} is already a member of the {body.short_name}."}
        )


@transaction.atomic
def membership_create(*, person: Person, body: Body, by, reason: str = "") -> Membership:
    """`person` joins `body`. A restricted body's members see its meetings, notes and actions,
    so joining one needs a reason, kept in the history."""
    require_people_manager(by, body.board)
    body = Body.objects.select_for_update().get(pk=body.pk)
    why = require_reason(reason) if body.restricted else clean_text(reason) or "Member added"
    membership_check(person=person, body=body)
    return save_recorded(Membership(person=person, body=body), reason=why, user=by)


@transaction.atomic
def membership_end(*, membership: Membership, board: Body, by, reason: str) -> None:
    """A person leaves a body of `board`'s partnership."""
    require_people_manager(by, board)
    if membership.body.board.pk != board.pk:
        raise PermissionDenied("That body belongs to another partnership.")
    if membership.person.user_id:
        require_not_admin(by, membership.person.user)
    why = require_reason(reason)
    delete_recorded(membership, reason=why, user=by)


def body_restriction_check(*, body: Body, restricted: bool, by, reason: str) -> str:
    """Who may restrict a body or lift its restriction, and why: the reason, cleaned."""
    require_people_manager(by, body.board)
    why = require_reason(reason)
    if bool(body.restricted) == bool(restricted):
        state = "already restricted" if restricted else "not restricted"
        raise ValidationError({"restricted": f"The {body.short_name} is {state}."})
    return why


@transaction.atomic
def body_restriction_change(*, body: Body, restricted: bool, by, reason: str) -> Body:
    """Restrict a body (only its members, the coordinator and admins then see its meetings,
    notes and actions) or lift the restriction, with the reason in its history."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    why = body_restriction_check(body=body, restricted=restricted, by=by, reason=reason)
    body.restricted = bool(restricted)
    save_recorded(body, reason=why, user=by, update_fields=["restricted"])
    return body


# --- Groups of partnerships (a police force area, a liaison group) ----------------------------
#
# A group gives its overseers a read-only view across its partnerships (governance.access):
# who oversees which partnerships is who reads their actions, so only admins change it, with a
# reason kept in the history.

GROUP_MANAGER_MESSAGE = "Only an admin manages groups of partnerships and their overseers."
GROUP_NAME_MAX_LENGTH = PartnershipGroup._meta.get_field("name").max_length
GROUP_SLUG_MAX_LENGTH = PartnershipGroup._meta.get_field("slug").max_length


def require_group_manager(by) -> None:
    if by is not None and not can_manage_groups(by):
        raise PermissionDenied(GROUP_MANAGER_MESSAGE)


def partnership_group_check(
    *, name: str, slug: str, partnerships: Iterable[Body], description: str = "", exclude_pk=None
) -> None:
    """A group: a name, an address part no other group has, and boards of partnerships."""
    errors = {}
    if not name:
        errors["name"] = "Enter the group's name, for example West Mercia force area."
    elif len(name) > GROUP_NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {GROUP_NAME_MAX_LENGTH} characters or fewer."
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer."
        )
    if not slug:
        errors["slug"] = "Enter the group's address part: letters, numbers and hyphens."
    elif len(slug) > GROUP_SLUG_MAX_LENGTH or slug != slugify(slug):
        errors["slug"] = (
            f"The address part must be letters, numbers and hyphens, "
            f"{GROUP_SLUG_MAX_LENGTH} characters or fewer, such as west-mercia."
        )
    elif PartnershipGroup.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        errors["slug"] = f"Another group has the address part {slug!r}: choose another."
    not_boards = [body for body in partnerships if body.partnership_id is not None]
    if not_boards:
        body = not_boards[0]
        errors["partnerships"] = (
            f"The {body.short_name} is part of the {body.board.short_name}'s partnership: "
            "choose the board at the head of a partnership."
        )
    if errors:
        raise ValidationError(errors)


def _group_members_set(group, *, partnerships, overseers, why, by) -> None:
    # Each set() records a history row of its own ("~"): with the same who and why.
    for field, values in (("partnerships", partnerships), ("overseers", overseers)):
        record_change(group, reason=why, user=by)
        getattr(group, field).set(list(values))


@transaction.atomic
def partnership_group_create(
    *,
    name: str,
    slug: str = "",
    description: str = "",
    partnerships: Iterable[Body] = (),
    overseers: Iterable = (),
    by,
    reason: str,
) -> PartnershipGroup:
    """A new group of partnerships and who oversees it."""
    require_group_manager(by)
    why = require_reason(reason)
    name, description = clean_text(name), clean_text(description)
    slug = clean_text(slug) or slugify(name)[:GROUP_SLUG_MAX_LENGTH]
    partnerships = list(partnerships)
    partnership_group_check(
        name=name, slug=slug, partnerships=partnerships, description=description
    )
    group = save_recorded(
        PartnershipGroup(name=name, slug=slug, description=description), reason=why, user=by
    )
    _group_members_set(group, partnerships=partnerships, overseers=overseers, why=why, by=by)
    return group


@transaction.atomic
def partnership_group_update(
    *,
    group: PartnershipGroup,
    name: str,
    description: str = "",
    partnerships: Iterable[Body],
    overseers: Iterable,
    by,
    reason: str,
) -> PartnershipGroup:
    """Change a group: its name, description, partnerships and overseers. Its address part
    stays, so that a link to its pages stays good."""
    require_group_manager(by)
    why = require_reason(reason)
    group = PartnershipGroup.objects.select_for_update().get(pk=group.pk)
    name, description = clean_text(name), clean_text(description)
    partnerships = list(partnerships)
    partnership_group_check(
        name=name,
        slug=group.slug,
        partnerships=partnerships,
        description=description,
        exclude_pk=group.pk,
    )
    group.name, group.description = name, description
    save_recorded(group, reason=why, user=by)
    _group_members_set(group, partnerships=partnerships, overseers=overseers, why=why, by=by)
    return group
