"""The demo's fictional partnership: Demoshire, made by the synthetic generator at a small
scale, then given a story told through the tracker's own services (progress updates, a
deadline move, a member added to a body) so that on the day it is seeded its dashboard shows
every figure: overdue, due soon and later, no date, at risk, off track, stale, exceptions and
deadline slips. The real partnerships stay as their documents say; this one is named so that
nobody takes it for real.

Here, in the top layer, because it drives the generator (bench.synthetic); the accounts it
makes become demo accounts through people.demo, like every other.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from actions.editing.services import action_update_details
from actions.models import Action, Status
from actions.services import action_create, apply_timescale, progress_update_create
from csa.models import Agreement
from governance.auth import DEMO_PASSWORD
from governance.clock import today
from governance.models import Body, Membership, Person, Role
from governance.services import meeting_create, membership_create
from people.demo import (
    DEBUG_NEEDED,
    DEMO_EMAIL_DOMAIN,
    DemoRefused,
    enrol_demo_accounts,
)

from .synthetic import Naming, financial_year_of, generate_named

DEMO_NAMING = Naming(
    prefix="Demoshire",
    place="Demoshire",
    board_short_name="Demoshire CSP",
    board_name="Demoshire Community Safety Partnership (fictional)",
    email_domain=DEMO_EMAIL_DOMAIN,
)
YEARS = 2
ACTIONS_PER_YEAR = 20
SEED = 7
# The real partnership's demo officer who also sits on Demoshire's Domestic Abuse Forum: a
# person in two partnerships (people/demo.py makes the account with the Worcestershire plan).
TWO_PARTNERSHIPS_USERNAME = "officer-wm-police"


@dataclass(frozen=True)
class Story:
    """One action added to the plan to show one thing on the dashboard: its timescale (a
    month relative to the seeding day, or words), its lead (a key of the generated
    partnership), and the progress recorded on it."""

    description: str
    theme: str
    lead: str
    timescale: str  # "month-1", "month", "month+2" or words such as "TBC"
    status: Status | None = None
    note: str = ""
    outcome: str = ""
    update_on: str = "today"  # "today", "recent" (ten days ago) or "start" (of the plan)
    author: str = "officer-PH"


STORIES = [
    # Overdue while its officer says on track: red, an exception.
    Story("Refresh the domestic abuse needs assessment", "domestic-abuse", "PH", "month-1",
          Status.ON_TRACK, "Draft with the analysts; we expect to finish within weeks.",
          update_on="recent"),
    # On track by its officer, but nothing heard since the plan began: stale, an exception.
    Story("Publish the partnership's Modern Slavery transparency statement", "modern-slavery",
          "CC", "month+2", Status.ON_TRACK, "Statement drafted and with legal services.",
          update_on="start", author="officer-CC"),
    Story("Recommission the night-time economy safety scheme", "alcohol-substance-misuse",
          "service", "month+2", Status.AT_RISK,
          "The only bidder withdrew; the tender is being run again.", author="officer-service"),
    Story("Deliver the hate crime awareness campaign in schools", "hate-crime", "police",
          "month+2", Status.OFF_TRACK, "Schools could not release staff this term.",
          author="officer-police"),
    Story("Launch the women's diversion pilot", "reducing-reoffending", "NPS", "month-1",
          Status.COMPLETED, "Pilot launched with the first referrals.",
          "Twelve women referred in the first month.", author="officer-NPS"),
    Story("Run a second cyber crime roadshow for older residents", "cyber-crime", "PCC",
          "month+2", Status.DEFERRED, "Deferred to next year: the funding moved.",
          author="officer-PCC"),
    Story("Pilot a street drinking dispersal zone", "harm-reduction", "DC1", "month+2",
          Status.CANCELLED, "Cancelled: the council chose a public spaces order instead.",
          author="officer-DC1"),
    # Not started and due within DUE_SOON_DAYS: amber.
    Story("Sign the refreshed information sharing protocol", "other", "CC", "month"),
    Story("Review partnership governance", "other", "CC", "TBC"),
    Story("Extend the sanctuary scheme to private tenants", "domestic-abuse", "DC2",
          "When funding allows"),
    # Led by the restricted Channel Panel: seen by its members, not by the chair.
    Story("Agree the Channel referral pathway with schools", "prevent", "Channel", "month+2",
          Status.ON_TRACK, "Pathway drafted with the designated safeguarding leads.",
          update_on="recent"),
]  # fmt: skip
# The deadline that slips: moved later by the board, with its reason.
SLIP = Story(
    "Complete the serious violence strategic needs assessment", "violence", "police", "month"
)
SLIP_TO = "month+4"
SLIP_REASON = "Police data for the last quarter arrives late; the board agreed a new date."
# The board's next meeting, to come: the coordinator opens an update round from its page.
NEXT_MEETING_IN_DAYS = 21


def demo_plan_year(day: datetime.date) -> int:
    """The year of the fictional partnership's latest plan: the one in force on the day, once
    it has run longer than STALE_AFTER_DAYS (a younger plan can have nothing stale); in a
    year's first weeks, last year's, as for a partnership that has not yet adopted its next
    plan (Agreement.objects.current_for's rule)."""
    return financial_year_of(day - datetime.timedelta(days=settings.STALE_AFTER_DAYS + 1))


def written_month(day: datetime.date, offset: int) -> str:
    """A timescale as the documents write one, "November 2026", `offset` months from day's."""
    month_index = day.year * 12 + day.month - 1 + offset
    year, month = divmod(month_index, 12)
    return f"{calendar.month_name[month + 1]} {year}"


def _timescale(words: str, day: datetime.date) -> str:
    if words == "month":
        return written_month(day, 0)
    if words.startswith("month"):
        return written_month(day, int(words[len("month") :]))
    return words


@dataclass
class Seeded:
    board: Body
    created: bool
    accounts: list[tuple[str, str]]


def seed_demo_partnership(day: datetime.date | None = None) -> Seeded:
    """Make the fictional partnership with its story, once; then, every time, put the person
    in two partnerships into it (their account may be seeded after it). `day` is today."""
    if not settings.DEBUG:
        raise DemoRefused(DEBUG_NEEDED)
    day = day or today()
    board = Body.objects.filter(short_name=DEMO_NAMING.board_short_name).first()
    created = board is None
    if created:
        partnership = generate_named(
            naming=DEMO_NAMING,
            years=YEARS,
            actions_per_year=ACTIONS_PER_YEAR,
            seed=SEED,
            until=day,
            last_year=demo_plan_year(day),
            password=make_password(DEMO_PASSWORD),
        )
        board = partnership.board
        with transaction.atomic():
            enrol_demo_accounts(partnership.users.values())
            _tell_the_story(partnership, day)
    _add_person_in_two_partnerships(board)
    return Seeded(board=board, created=created, accounts=demo_accounts_of(board))


def _tell_the_story(partnership, day):
    agreement = Agreement.objects.filter(board=partnership.board).order_by("-period_start")[0]
    coordinator = partnership.users["coordinator"]
    start = agreement.period_start
    update_days = {"today": day, "recent": day - datetime.timedelta(days=10), "start": start}
    next_meeting = day + datetime.timedelta(days=NEXT_MEETING_IN_DAYS)
    meeting_create(
        body=partnership.board,
        date=next_meeting,
        title=f"Board meeting, {next_meeting:%B %Y}",
        papers="Action plan progress report",
        user=coordinator,
        reason="Demo: the board's next meeting",
    )
    position = Action.objects.filter(agreement=agreement).count()
    for story in [*STORIES, SLIP]:
        position += 1
        action = _add_action(partnership, agreement, story, position, day)
        if story.status is not None:
            progress_update_create(
                action=action,
                author=partnership.users[story.author],
                status=story.status,
                note=story.note,
                outcome=story.outcome,
                date=update_days[story.update_on],
            )
        if story is SLIP:
            action_update_details(
                action=action,
                user=coordinator,
                description=action.description,
                timescale=_timescale(SLIP_TO, day),
                leads=[lead.organisation or lead.body for lead in action.leads.all()],
                target=action.target,
                reason=SLIP_REASON,
                expected_version=action.version,
                agreed_on=day,
            )


def _add_action(partnership, agreement, story, position, day):
    party = partnership.orgs.get(story.lead) or partnership.bodies[story.lead]
    theme = partnership.themes[story.theme]
    action = Action(
        agreement=agreement,
        theme=theme,
        theme_as_written=str(theme),
        reference=f"A{position}",
        position=position,
        description=story.description,
        timescale=_timescale(story.timescale, day),
        leads_as_written=party.short_name,
    )
    apply_timescale(action)
    # In the plan from the day it was made, as the generated actions are.
    made = datetime.datetime.combine(
        agreement.period_start - datetime.timedelta(days=20), datetime.time(11), datetime.UTC
    )
    return action_create(
        action=action, leads=[party], reason="Demo: agreed in the plan", history_date=made
    )


def _add_person_in_two_partnerships(board):
    """The real partnership's police officer also works in Demoshire: an officer there, and a
    member of its Domestic Abuse Forum, whose actions they lead. Nothing when the account is
    not there (the real plans not loaded, or someone's real account of that name)."""
    person = Person.objects.filter(user__username=TWO_PARTNERSHIPS_USERNAME).first()
    if person is None:
        return
    Role.objects.get_or_create(user=person.user, board=board, kind=Role.Kind.OFFICER)
    forum = Body.objects.get(short_name=f"{DEMO_NAMING.prefix} DAF")
    if not Membership.objects.filter(person=person, body=forum).exists():
        membership_create(
            person=person,
            body=forum,
            by=None,
            reason="Demo: sits on the neighbouring county's forum",
        )


def demo_accounts_of(board) -> list[tuple[str, str]]:
    """(username, what they are) of every account with a role in the partnership."""
    roles = (
        Role.objects.filter(board=board)
        .select_related("user__person__organisation")
        .order_by("kind", "user__username")
    )
    accounts = []
    for role in roles:
        person = getattr(role.user, "person", None)
        what = f"{role.get_kind_display().lower()} of the {board.name}"
        if role.kind == Role.Kind.OFFICER and person and person.organisation:
            what = f"officer of {person.organisation.name}"
        bodies = Membership.objects.filter(person=person).select_related("body") if person else []
        joined = [
            f"{m.body.short_name}{' (restricted)' if m.body.restricted else ''}"
            for m in bodies
            if m.body.board.pk == board.pk
        ]
        if joined:
            what += "; member of " + ", ".join(joined)
        others = Role.objects.filter(user=role.user).exclude(board=board)
        if others.exists():
            what += "; also in " + ", ".join(sorted({r.board.short_name for r in others}))
        accounts.append((role.user.username, what))
    return accounts
