"""`manage.py send_reminders`: the day's reminders, one email per person at most.

    manage.py send_reminders                      today
    manage.py send_reminders --as-of 2018-06-20   as the plans stood on that day
    manage.py send_reminders --dry-run            say who would get what; send nothing

Meant to run once a day (cron or a systemd timer, see the README). Running it again the same
day, or on two servers at once, sends nothing twice: each email is claimed in the database
before it is sent (reminders.services). Exit code 0 even when some emails failed (they are
recorded and tried again on the next run); 2 for a bad argument.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from governance.clock import today
from reminders import selectors, services


class Command(BaseCommand):
    help = (
        "Email each person about the actions they lead that are overdue, due soon or stale, "
        "as their reminder preference allows: at most one email a person a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="The day, as YYYY-MM-DD. Default: today.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be emailed; send nothing."
        )

    def handle(self, *args, as_of=None, dry_run=False, **options):
        day = _parse_day(as_of) if as_of else today()
        counts = {"sent": 0, "failed": 0, "skipped": 0, "not today": 0, "nothing to say": 0}
        for user in selectors.people_to_remind():
            preference = selectors.preference_of(user)
            if not selectors.wants_digest_on(preference, day):
                counts["not today"] += 1
                continue
            actions = selectors.digest_actions(user, day)
            if not actions:
                counts["nothing to say"] += 1
                continue
            if dry_run:
                refs = ", ".join(f"{a.agreement.year_label} {a.reference}" for a in actions)
                self.stdout.write(f"would email {user.email}: {refs}")
                continue
            outcome = services.digest_send(
                user=user, preference=preference, day=day, actions=actions
            )
            counts[outcome] += 1
            if outcome == "failed":
                self.stderr.write(f"not sent to {user.email}: see the sends page for the error")
        summary = ", ".join(f"{name}: {n}" for name, n in counts.items())
        prefix = "Dry run, nothing sent. " if dry_run else ""
        self.stdout.write(f"{prefix}Reminders for {day:%Y-%m-%d}. {summary}.")


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of {value!r} is not a day: write it as YYYY-MM-DD, e.g. 2018-06-20.",
            returncode=2,
        ) from None
