"""Reads for the meeting and body pages, each with a fixed number of queries whatever the
data size. Access is decided in governance.access; rows come from actions.rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from actions.models import CLOSED_STATUSES, Action, ActionLead, ProgressUpdate, Status
from actions.partners import organisations_of, people_of
from actions.rounds import round_marks
from actions.rows import ActionRow
from actions.rows import action_rows as typed_rows
from actions.selectors import overseen_actions
from csa.models import Agreement
from governance.access import access_for, can_manage_body, can_view_body_data
from governance.clock import today
from governance.minutes import minutes_blocks
from governance.models import Body, Chair, Meeting, Membership, Organisation, ReportingLine
from governance.services import current_chair_on

from .services import agreement_for_meeting


def get_organisation_for_user(user, pk) -> Organisation:
    """An organisation of one of the user's partnerships (any, across partnerships), or 404."""
    access = access_for(user)
    organisations = (
        Organisation.objects.all()
        if access.spans_every_partnership
        else organisations_of(access.board_ids)
    )
    organisation = organisations.filter(pk=pk).first()
    if organisation is None:
        raise Http404("No such organisation in your partnership.")
    return organisation


def action_rows(queryset, user, as_of: datetime.date) -> list[ActionRow]:
    """The visible actions of `queryset` as rows on a day (actions.rows), in plan order."""
    return typed_rows(queryset.visible_to(user).rows(as_of).order_by("position", "reference"))


@dataclass
class BodyPage:
    body: Body
    can_view_data: bool
    can_manage: bool
    current_chair: Chair | None
    past_chairs: list
    future_chairs: list
    reports_to: list
    reported_to_by: list
    members: list
    agreement: object
    actions: list
    meetings: list


def body_page(body: Body, user, today: datetime.date) -> BodyPage:
    chairs = list(
        Chair.objects.filter(body=body).select_related("person__organisation").order_by("-start")
    )
    current = current_chair_on(chairs, today)
    past = [c for c in chairs if c.end is not None and c.end < today]
    future = [c for c in chairs if c.start > today]
    reports_to = list(
        ReportingLine.objects.filter(from_body=body)
        .select_related("to_body")
        .order_by("to_body__name")
    )
    reported_to_by = list(
        ReportingLine.objects.filter(to_body=body)
        .select_related("from_body")
        .order_by("from_body__name")
    )
    allowed = can_view_body_data(user, body)
    members, actions, meetings, agreement = [], [], [], None
    if allowed:
        members = list(
            Membership.objects.filter(body=body)
            .select_related("person__organisation")
            .order_by("person__name")
        )
        agreement = Agreement.objects.current_for(body.board, today)
        # Its part of the current plan, and its own list of actions arising outside a plan.
        mine = Q(agreement__isnull=True, origin_meeting__body=body)
        if agreement is not None:
            led = Action.objects.filter(agreement=agreement).filter(
                Q(leads__body=body) | Q(origin_meeting__body=body)
            )
            mine |= Q(pk__in=led.values("pk"))
        actions = action_rows(Action.objects.filter(mine), user, today)
        meetings = list(Meeting.objects.filter(body=body).order_by("-date"))
    return BodyPage(
        body=body,
        can_view_data=allowed,
        can_manage=can_manage_body(user, body),
        current_chair=current,
        past_chairs=past,
        future_chairs=future,
        reports_to=reports_to,
        reported_to_by=reported_to_by,
        members=members,
        agreement=agreement,
        actions=actions,
        meetings=meetings,
    )


def organisation_page(organisation: Organisation, user, today: datetime.date) -> dict:
    """An organisation's people, the bodies they chair now and the actions it leads in the
    current plan of each of the user's partnerships, all limited to those partnerships."""
    access = access_for(user)
    boards = access.within(Body.objects.filter(partnership__isnull=True), "pk")
    chairs = Chair.objects.filter(person__organisation=organisation, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    chairs = access.within(chairs, "body_id", "body__partnership_id")
    people = organisation.people.all()
    if not access.spans_every_partnership:
        # Its people who sit in the user's partnerships, not its staff across the country.
        people = people.filter(pk__in=people_of(access.board_ids, staff=False).values("pk"))
    led = ActionLead.objects.filter(organisation=organisation).values("action_id")
    in_current_plans = Agreement.objects.current_ids_for(boards, today)
    actions = sorted(
        action_rows(Action.objects.filter(pk__in=led, agreement__in=in_current_plans), user, today),
        key=lambda action: action.agreement_id,
    )
    return {
        "people": list(people.order_by("name")),
        "chairs": list(chairs.select_related("body", "person").order_by("body__name")),
        "actions": actions,
    }


def previous_meeting(body: Body, before: datetime.date) -> Meeting | None:
    return Meeting.objects.filter(body=body, date__lt=before).order_by("-date", "-pk").first()


@dataclass
class AgendaItem:
    action: Action
    reasons: list[str]


def agenda(body: Body, user, meeting_date: datetime.date):
    """What the next meeting should look at: the overseen actions that are overdue on the
    meeting date, at risk or off track, or not updated since the body last met.

    Returns (agreement, previous meeting, items). The previous meeting is the body's latest
    before `meeting_date`; without one, an action never updated counts as not updated.
    """
    agreement = Agreement.objects.current_for(body.board, meeting_date)
    last = previous_meeting(body, meeting_date)
    if agreement is None:
        return None, last, []
    since = last.date if last else None
    rows = action_rows(overseen_actions(body, agreement), user, meeting_date)
    # An update round for the meeting on that day, if one was opened.
    update_round = round_marks(body=body, meeting_date=meeting_date, user=user)
    unanswered = update_round.unanswered_ids if update_round else frozenset()
    items = []
    for action in rows:
        if action.status_on in CLOSED_STATUSES:
            continue
        reasons = []
        if action.is_overdue:
            reasons.append("Overdue")
        if action.status_on in (Status.AT_RISK, Status.OFF_TRACK):
            reasons.append(Status(action.status_on).label)
        if action.last_update_on is None:
            reasons.append("No update yet")
        elif since is not None and action.last_update_on < since:
            reasons.append(f"No update since {since:%-d %B %Y}")
        if action.pk in unanswered:
            reasons.append("No update in the update round")
        if reasons:
            items.append(AgendaItem(action=action, reasons=reasons))
    return agreement, last, items


def meeting_page(meeting: Meeting, user) -> dict:
    received = list(
        ProgressUpdate.objects.filter(meeting=meeting)
        .select_related("action__agreement", "author")
        .order_by("action__position", "-date", "-pk")
    )
    visible_ids = set(
        Action.objects.filter(pk__in=[u.action_id for u in received])
        .visible_to(user)
        .values_list("pk", flat=True)
    )
    day = today()
    arising = action_rows(Action.objects.filter(origin_meeting=meeting), user, day)
    return {
        "received": [u for u in received if u.action_id in visible_ids],
        "arising": arising,
        "attendee_people": list(meeting.attendee_people.select_related("organisation")),
        "papers": [line.strip() for line in meeting.papers.splitlines() if line.strip()],
        "minutes": minutes_blocks(meeting.minutes),
        "can_manage": can_manage_body(user, meeting.body),
        "update_round": round_marks(body=meeting.body, meeting_date=meeting.date, user=user),
        # Nothing is agreed or received before the meeting takes place (see services).
        "has_taken_place": meeting.date <= day,
    }


def linkable_updates(meeting: Meeting, user):
    """Progress updates the meeting may have received: of actions the body oversees, not yet
    received by a meeting, dated after the body's previous meeting and not after this one."""
    agreement = agreement_for_meeting(meeting)
    if agreement is None:
        return ProgressUpdate.objects.none()
    actions = overseen_actions(meeting.body, agreement).visible_to(user)
    last = previous_meeting(meeting.body, meeting.date)
    qs = ProgressUpdate.objects.filter(
        action__in=actions, meeting__isnull=True, date__lte=meeting.date
    )
    if last is not None:
        qs = qs.filter(date__gt=last.date)
    return qs.select_related("action", "author").order_by("action__position", "-date", "-pk")
