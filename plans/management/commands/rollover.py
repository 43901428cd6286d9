import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actions.models import Action
from csa.models import Agreement
from plans.models import RolloverDecision
from plans.services import ActionChoice, agreement_rollover

Outcome = RolloverDecision.Outcome

# Exit status for arguments that are wrong as written, as the overdue command uses.
BAD_ARGUMENT = 2
# "2018-19" (or "2018"): the financial year an agreement starts in.
YEAR_LABEL = re.compile(r"^(?P<start>\d{4})(?:-(?P<end>\d{2}))?$")
FIRST_YEAR, LAST_YEAR = 1900, 2100


class Command(BaseCommand):
    help = (
        "Start next year's draft agreement from an adopted one. Every action of the old plan "
        "must be decided: carried forward (--carry, or --carry-rest) or closed with a reason "
        "(--close). Nothing is written when anything is wrong. Example:\n"
        "  manage.py rollover --agreement SCB:2018-19 --carry A1,A4 "
        '--reword A4="Blue Light extended to Bromsgrove" --timescale A4="Dec 2019" '
        '--close "A3=completed:Consultation response sent" --close "A9=dropped:No longer a '
        'priority" --carry-rest'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreement",
            required=True,
            help='The agreement to roll over, as BOARD:YEAR, e.g. "SCB:2018-19".',
        )
        parser.add_argument(
            "--carry",
            action="append",
            default=[],
            metavar="REFS",
            help="Actions to carry forward, by reference, comma-separated: A1,A4. Repeatable.",
        )
        parser.add_argument(
            "--carry-rest",
            action="store_true",
            help="Carry forward every action not named by --carry or --close.",
        )
        parser.add_argument(
            "--close",
            action="append",
            default=[],
            metavar="REF=completed|dropped:REASON",
            help='Close an action with a reason: "A3=completed:Strategy adopted". Repeatable.',
        )
        parser.add_argument(
            "--reword",
            action="append",
            default=[],
            metavar="REF=WORDING",
            help="New wording for a carried action (default: last year's). Repeatable.",
        )
        parser.add_argument(
            "--timescale",
            action="append",
            default=[],
            metavar="REF=TIMESCALE",
            help='New timescale for a carried action, e.g. A4="Dec 2019". Repeatable.',
        )
        parser.add_argument(
            "--user", help="The username recorded in the history as making the roll-over."
        )

    def handle(self, *args, **options):
        agreement = self._agreement(options["agreement"])
        actions = {a.reference.upper(): a for a in Action.objects.filter(agreement=agreement)}
        problems = []

        def action_for(ref, where):
            action = actions.get(ref.strip().upper())
            if action is None:
                known = ", ".join(sorted(actions, key=_ref_order)) or "none"
                problems.append(f"{where}: no action {ref.strip()!r} in {agreement} ({known}).")
            return action

        choices: dict[int, ActionChoice] = {}

        def decide(action, outcome, reason, where):
            if action.pk in choices:
                problems.append(f"{where}: {action.reference} is decided twice.")
                return
            choices[action.pk] = ActionChoice(
                action=action,
                outcome=outcome,
                description=action.description,
                timescale=action.timescale,
                reason=reason,
            )

        for group in options["carry"]:
            for ref in filter(None, (r.strip() for r in group.split(","))):
                if action := action_for(ref, "--carry"):
                    decide(action, Outcome.CARRIED, "", "--carry")
        for spec in options["close"]:
            ref, sep, rest = spec.partition("=")
            outcome, colon, reason = rest.partition(":")
            if not sep or not colon or outcome.strip() not in (Outcome.COMPLETED, Outcome.DROPPED):
                problems.append(
                    f'--close "{spec}": write it as REF=completed:REASON or REF=dropped:REASON.'
                )
                continue
            if action := action_for(ref, "--close"):
                decide(action, outcome.strip(), reason.strip(), "--close")
        if options["carry_rest"]:
            for action in actions.values():
                if action.pk not in choices:
                    decide(action, Outcome.CARRIED, "", "--carry-rest")
        for option, attribute in (("reword", "description"), ("timescale", "timescale")):
            for spec in options[option]:
                ref, sep, value = spec.partition("=")
                action = action_for(ref, f"--{option}") if sep else None
                if not sep:
                    problems.append(f'--{option} "{spec}": write it as REF=TEXT.')
                elif action and choices.get(action.pk, ActionChoice(action)).outcome != "carried":
                    problems.append(f"--{option}: {action.reference} is not carried forward.")
                elif action:
                    setattr(choices[action.pk], attribute, value)
        if problems:
            raise CommandError("Nothing was written, because:\n  - " + "\n  - ".join(problems))

        user = self._user(options.get("user"))
        try:
            new = agreement_rollover(agreement=agreement, user=user, choices=list(choices.values()))
        except ValidationError as error:
            raise CommandError(
                "Nothing was written, because:\n  - " + "\n  - ".join(error.messages)
            ) from None
        carried = sum(1 for c in choices.values() if c.outcome == Outcome.CARRIED)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the draft {new} with {carried} action(s) carried forward and "
                f"{len(choices) - carried} closed. Adopt it when it is agreed."
            )
        )

    def _agreement(self, spec: str) -> Agreement:
        board, sep, year = spec.partition(":")
        board, year = board.strip(), year.strip()
        match = YEAR_LABEL.match(year)
        if not sep or not board or not match:
            raise CommandError(
                f'--agreement "{spec}": write it as BOARD:YYYY-YY, e.g. SCB:2018-19.',
                returncode=BAD_ARGUMENT,
            )
        start_year = int(match["start"])
        if not FIRST_YEAR <= start_year <= LAST_YEAR:
            raise CommandError(
                f'--agreement "{spec}": the year must start between {FIRST_YEAR} and '
                f"{LAST_YEAR}, e.g. SCB:2018-19.",
                returncode=BAD_ARGUMENT,
            )
        if match["end"] is not None and (start_year + 1) % 100 != int(match["end"]):
            raise CommandError(
                f'--agreement "{spec}": {year} is not a financial year; did you mean '
                f"{start_year}-{(start_year + 1) % 100:02d}?",
                returncode=BAD_ARGUMENT,
            )
        agreement = (
            Agreement.objects.filter(board__short_name=board, period_start__year=start_year)
            .select_related("board")
            .first()
        )
        if agreement is None:
            raise CommandError(
                f"--agreement: the board {board!r} has no {year} agreement.",
                returncode=BAD_ARGUMENT,
            )
        return agreement

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user: there is no user {username!r}.") from None


def _ref_order(ref: str):
    digits = "".join(ch for ch in ref if ch.isdigit())
    return (int(digits) if digits else 0, ref)
