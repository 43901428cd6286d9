"""The day in the world that "today" means: the site's time zone, not the server's."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()
