"""Reads about governance, each with a fixed number of queries whatever the data size.

Access is decided in governance.access; these functions only apply it.
"""

from django.db.models import Q
from django.http import Http404

from .access import access_for, can_view_body_data
from .models import Body, Meeting


def visible_bodies(user):
    """The bodies of the user's partnerships (every body, across partnerships)."""
    return access_for(user).within(
        Body.objects.select_related("partnership"), "pk", "partnership_id"
    )


def get_body_for_user(user, pk) -> Body:
    """A body the user may open, or 404: bodies of other partnerships are not theirs to see."""
    body = visible_bodies(user).filter(pk=pk).first()
    if body is None:
        raise Http404("No such body in your partnership.")
    return body


def get_meeting_for_user(user, pk) -> Meeting:
    """A meeting the user may read, or 404 (a restricted body's meetings are not shown)."""
    meeting = Meeting.objects.select_related("body__partnership").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting.")
    get_body_for_user(user, meeting.body_id)
    if not can_view_body_data(user, meeting.body):
        raise Http404("No such meeting.")
    return meeting


def bodies_of(board_ids):
    return Body.objects.filter(Q(pk__in=board_ids) | Q(partnership_id__in=board_ids))


def partnership_bodies(board: Body):
    """The board and the bodies of its partnership."""
    return bodies_of([board.pk])


def bodies_below(body: Body, lines: list[tuple[int, int]]) -> set[int]:
    """The ids of the bodies that report to `body`, directly or through others."""
    down: dict[int, list[int]] = {}
    for from_id, to_id in lines:
        down.setdefault(to_id, []).append(from_id)
    seen, queue = set(), [body.pk]
    while queue:
        for child in down.get(queue.pop(), []):
            if child not in seen and child != body.pk:
                seen.add(child)
                queue.append(child)
    return seen
