"""`manage.py send_reminders`: the day's reminders, one email per person at most.

    manage.py send_reminders                      today
    manage.py send_reminders --as-of 2018-06-20   as the plans stood on that day
    manage.py send_reminders --dry-run            say who would get what, and who would
                                                  not and why; send nothing

Meant to run once a day (cron or a systemd timer, see the README). Running it again the same
day, or on two servers at once, sends nothing twice: each email is claimed in the database
before it is sent (reminders.services). Exit code 1 when any email failed, so that the
scheduler alerts (they are recorded and tried again on the next run); 2 for a bad argument.
"""

import datetime
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from governance.clock import today
from reminders import selectors, services
from reminders.models import Frequency, ReminderSend


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
        if dry_run:
            self._dry_run(day)
            return
        counts = {"sent": 0, "failed": 0, "skipped": 0, "not today": 0, "nothing to say": 0}
        for user, preference, actions, reason in _people_on(day):
            if reason:
                counts["nothing to say" if reason == NOTHING_TO_SAY else "not today"] += 1
                continue
            outcome = services.digest_send(
                user=user, preference=preference, day=day, actions=actions
            )
            counts[outcome] += 1
            if outcome == "failed":
                self.stderr.write(f"not sent to {user.email}: see the sends page for the error")
        summary = ", ".join(f"{name}: {n}" for name, n in counts.items())
        self.stdout.write(f"Reminders for {day:%Y-%m-%d}. {summary}.")
        if counts["failed"]:
            # A scheduler alerts on a non-zero exit; the next run sends them (they are kept).
            raise CommandError(
                f"{counts['failed']} email{'s' if counts['failed'] != 1 else ''} could not be "
                "sent: see the emails sent page; the next run tries again.",
                returncode=1,
            )

    def _dry_run(self, day: datetime.date):
        """What a real run would do now, the day's emails already sent included, and why
        nobody would be emailed when nobody would."""
        reasons = Counter()
        claimed = selectors.digest_sends_on(day)
        for user in selectors.people_without_address():
            reasons[NO_ADDRESS] += 1
            self.stdout.write(f"no email address: {user.get_username()} ({user.person.name})")
        for user, _, actions, reason in _people_on(day):
            if reason:
                reasons[reason] += 1
                continue
            refs = ", ".join(f"{a.agreement.year_label} {a.reference}" for a in actions)
            # The rule of services.send_claim: a failed email is taken over, any other claim
            # of the day is left alone.
            earlier = claimed.get(user.pk)
            if earlier is None:
                reasons[WOULD_EMAIL] += 1
                self.stdout.write(f"would email {user.email}: {refs}")
            elif earlier.state == ReminderSend.State.FAILED:
                reasons[WOULD_EMAIL] += 1
                self.stdout.write(
                    f"would email {user.email} again (the earlier try failed): {refs}"
                )
            elif earlier.state == ReminderSend.State.SENT:
                reasons[EMAILED_ALREADY] += 1
                self.stdout.write(f"emailed already on {day:%Y-%m-%d}, not again: {user.email}")
            else:
                reasons[BEING_SENT] += 1
                self.stdout.write(
                    f"being sent by another run, or stopped while sending: {user.email} "
                    "(see the emails sent)"
                )
        counts = {
            "would email": reasons[WOULD_EMAIL],
            "emailed already": reasons[EMAILED_ALREADY],
            "being sent": reasons[BEING_SENT],
            "not today": reasons[ROUNDS_ONLY] + reasons[ANOTHER_DAY],
            "nothing to say": reasons[NOTHING_TO_SAY],
            "no email address": reasons[NO_ADDRESS],
        }
        summary = ", ".join(f"{name}: {n}" for name, n in counts.items())
        self.stdout.write(f"Dry run, nothing sent. Reminders for {day:%Y-%m-%d}. {summary}.")
        if not reasons[WOULD_EMAIL]:
            self.stdout.write(_why_nobody(reasons))


# Why a person gets no reminder from a run, and how a dry run words it for n people.
WOULD_EMAIL = "would email"
NO_ADDRESS = "no email address"
EMAILED_ALREADY = "emailed already"
BEING_SENT = "being sent"
ROUNDS_ONLY = "rounds only"
ANOTHER_DAY = "another day"
NOTHING_TO_SAY = "nothing to say"
WHY = {
    NO_ADDRESS: ("has no email address", "have no email address"),
    EMAILED_ALREADY: ("was emailed already that day", "were emailed already that day"),
    BEING_SENT: (
        "is being emailed by another run, or one that stopped (see the emails sent)",
        "are being emailed by another run, or one that stopped (see the emails sent)",
    ),
    ROUNDS_ONLY: ("chose update rounds only", "chose update rounds only"),
    ANOTHER_DAY: ("is reminded weekly on another day", "are reminded weekly on another day"),
    NOTHING_TO_SAY: (
        "has nothing overdue, due soon or stale",
        "have nothing overdue, due soon or stale",
    ),
}


def _why_nobody(reasons: Counter) -> str:
    parts = [
        f"1 person {one}" if reasons[key] == 1 else f"{reasons[key]} people {many}"
        for key, (one, many) in WHY.items()
        if reasons[key]
    ]
    if not parts:
        return "Nobody would be emailed: no active account has a person and a partnership role."
    return f"Nobody would be emailed: {', '.join(parts)}."


def _people_on(day: datetime.date):
    """(user, preference, actions, reason) for each person with an address: the actions of
    their reminder on `day`, or the reason they get none (ROUNDS_ONLY, ANOTHER_DAY,
    NOTHING_TO_SAY)."""
    for user in selectors.people_to_remind():
        preference = selectors.preference_of(user)
        if not selectors.wants_digest_on(preference, day):
            rounds_only = preference.frequency == Frequency.ROUNDS_ONLY
            yield user, preference, [], ROUNDS_ONLY if rounds_only else ANOTHER_DAY
            continue
        actions = selectors.digest_actions(user, day)
        yield user, preference, actions, "" if actions else NOTHING_TO_SAY


def _parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of {value!r} is not a day: write it as YYYY-MM-DD, e.g. 2018-06-20.",
            returncode=2,
        ) from None
