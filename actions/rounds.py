"""Update rounds as the pages that mark their rows read them.

The board report (actions) and the agenda helper (meetings) mark the actions that have had no
progress update in the update round for a meeting; reminders opens and chases the rounds. The
model and this read sit here, below all three, so each imports them directly.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse

from governance.access import can_view_body_data

from .models import ProgressUpdate, UpdateRound


@dataclass(frozen=True)
class RoundMarks:
    """The update round for a body's meeting, as a page needs it to mark its rows."""

    label: str
    url: str
    opened_at: datetime.datetime
    deadline: datetime.date
    answered_ids: frozenset[int]
    unanswered_ids: frozenset[int]

    @property
    def in_scope(self) -> int:
        return len(self.answered_ids) + len(self.unanswered_ids)


def answered(update_round: UpdateRound) -> Exists:
    """True for an action of the round that had a progress update recorded since it opened."""
    return Exists(
        ProgressUpdate.objects.filter(
            action=OuterRef("pk"), recorded_at__gte=update_round.opened_at
        )
    )


def round_marks(*, body, meeting_date: datetime.date, user) -> RoundMarks | None:
    """The latest update round for `body`'s meeting on `meeting_date`, with the actions that
    `user` may see, or None if there is none or they may not see the body's data."""
    if not can_view_body_data(user, body):
        return None
    update_round = (
        UpdateRound.objects.filter(meeting__body=body, meeting__date=meeting_date)
        .select_related("meeting__body")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if update_round is None:
        return None
    answered_by_pk = dict(
        update_round.actions.visible_to(user)
        .annotate(answered=answered(update_round))
        .values_list("pk", "answered")
    )
    meeting = update_round.meeting
    return RoundMarks(
        label=f"Update round for the {meeting.body.short_name} meeting of {meeting.date:%-d %B %Y}",
        # The round's page belongs to reminders: a URL name, not an import.
        url=reverse("reminders:round_detail", args=[update_round.pk]),
        opened_at=update_round.opened_at,
        deadline=update_round.deadline,
        answered_ids=frozenset(pk for pk, yes in answered_by_pk.items() if yes),
        unanswered_ids=frozenset(pk for pk, yes in answered_by_pk.items() if not yes),
    )
