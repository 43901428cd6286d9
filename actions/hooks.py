"""How an app above `actions` adds to actions' pages without `actions` importing it.

The board report (here) and the agenda helper (meetings) mark the actions that have had no
progress update in the update round for a meeting. Rounds live in `reminders`, above both:
it registers a provider at start-up (ReminderConfig.ready), and the pages ask `round_marks`.
Without the app installed, the pages simply show no round.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


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


RoundProvider = Callable[..., RoundMarks | None]
_providers: list[RoundProvider] = []


def register_round_provider(provider: RoundProvider) -> RoundProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def round_marks(*, body, meeting_date: datetime.date, user) -> RoundMarks | None:
    """The latest update round for `body`'s meeting on `meeting_date` that `user` may see."""
    for provider in _providers:
        marks = provider(body=body, meeting_date=meeting_date, user=user)
        if marks is not None:
            return marks
    return None
