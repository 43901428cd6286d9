"""Calendar feeds (.ics): the due dates of actions as all-day events, with a link back."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .mail import action_url


def feed(*, name: str, actions) -> bytes:
    """An iCalendar file with one all-day event per action (rows of ActionQuerySet.rows)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Action due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    for action in actions:
        url = action_url(action)
        event = Event()
        # Stable across downloads, so that a calendar updates the event instead of adding one.
        event.add("uid", f"action-{action.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")  # a deadline, not a busy day
        event.add(
            "summary",
            f"Due: {action.reference} {action.description[:80]} "
            f"({action.agreement.board.short_name} {action.agreement.year_label})",
        )
        event.add(
            "description",
            f"{action.description}\n\nTimescale: {action.timescale or 'not given'}\n"
            f"Lead: {action.leads_shown}\nStatus: {action.status_on_label}\n\n{url}",
        )
        event.add("url", url)
        calendar.add_component(event)
    return calendar.to_ical()
