"""`manage.py overdue`: the overdue actions on a day, for a scheduled job or a quick check.

    manage.py overdue                                  every agreement in force today
    manage.py overdue --as-of 2019-04-01               as the plan stood on that day
    manage.py overdue --agreement SCB:2018-19 --format csv
    manage.py overdue --include-restricted             restricted bodies' actions too

Exit code 0 with the list (empty or not); 2 with a message on stderr for a bad argument.
The command runs with no user, and its output is often mailed round or left in a job's log:
so by default it leaves out what only a restricted body's members may read (the actions it
leads or that arose from its meetings). An administrator's job may ask for them with
--include-restricted.
"""

import csv
import datetime
import json
import re

from django.core.management.base import BaseCommand, CommandError

from actions import reporting
from actions.exports import csv_safe
from actions.models import Action
from actions.rows import ActionRow, action_rows
from csa.models import Agreement
from governance.access import Reader
from governance.clock import today

BAD_ARGUMENT = 2
AGREEMENT_LABEL = re.compile(r"^(?P<board>.+):(?P<start>\d{4})-(?P<end>\d{2})$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FIELDS = [
    "agreement",
    "reference",
    "due_date",
    "days_overdue",
    "status",
    "leads",
    "last_update",
    "description",
]


class Command(BaseCommand):
    help = (
        "List the overdue actions as of a day (default today). Actions led by a restricted "
        "body (such as the Channel Panel) or arising from its meetings are left out unless "
        "--include-restricted is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agreement",
            help="BOARD:YYYY-YY (e.g. SCB:2018-19) or an agreement's id. "
            "Default: every adopted agreement in force on the day.",
        )
        parser.add_argument("--as-of", dest="as_of", help="The day, as YYYY-MM-DD. Default: today.")
        parser.add_argument(
            "--format",
            dest="output_format",
            default="table",
            choices=["table", "csv", "json"],
            help="table (default), csv or json.",
        )
        parser.add_argument(
            "--include-restricted",
            dest="include_restricted",
            action="store_true",
            help="Also list actions led by restricted bodies or arising from their meetings. "
            "For administrators' jobs only: their output must go only to people who may read "
            "those bodies' business.",
        )

    def handle(
        self,
        *args,
        agreement=None,
        as_of=None,
        output_format="table",
        include_restricted=False,
        **options,
    ):
        day = _parse_day(as_of) if as_of else today()
        agreements = [_find_agreement(agreement)] if agreement else None
        if agreements is None:
            agreements = list(reporting.agreements_in_force(day))
        actions = (
            Action.objects.filter(agreement__in=agreements)
            .visible_to(Reader(sees_restricted=include_restricted))
            .rows(day)
            .overdue(day)
            .order_by("agreement__board__name", "agreement__period_start", "due_on", "position")
        )
        rows = [_row(action) for action in action_rows(actions)]
        if output_format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        elif output_format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            # Text a spreadsheet would run as a formula is guarded as in the web CSV.
            writer.writerows({key: csv_safe(value) for key, value in row.items()} for row in rows)
        else:
            self._table(rows, agreements, day)

    def _table(self, rows, agreements, day):
        names = ", ".join(f"{a.board.short_name} {a.year_label}" for a in agreements) or "none"
        self.stdout.write(
            f"Overdue actions as of {day:%Y-%m-%d} (agreements: {names}): {len(rows)}"
        )
        if not rows:
            return
        columns = ["agreement", "reference", "due_date", "days_overdue", "status", "leads"]
        widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
        self.stdout.write("  ".join(c.ljust(widths[c]) for c in columns) + "  description")
        for row in rows:
            cells = "  ".join(str(row[c]).ljust(widths[c]) for c in columns)
            self.stdout.write(f"{cells}  {row['description'][:60]}")


def _row(action: ActionRow) -> dict:
    """One row, as the command writes it."""
    return {
        "agreement": f"{action.board.short_name}:{action.list_label}",
        "reference": action.reference,
        "due_date": action.due_on.isoformat(),
        "days_overdue": action.days_overdue,
        "status": action.status_on_label,
        "leads": action.leads_shown,
        "last_update": action.last_update_on.isoformat() if action.last_update_on else "",
        "description": action.description,
    }


def _parse_day(value: str) -> datetime.date:
    try:
        if not ISO_DAY.match(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of {value!r} is not a real date: give it as YYYY-MM-DD, e.g. 2019-04-01.",
            returncode=BAD_ARGUMENT,
        ) from None


def _find_agreement(value: str) -> Agreement:
    agreements = Agreement.objects.select_related("board")
    if value.isdigit():
        found = agreements.filter(pk=int(value)).first()
    elif match := AGREEMENT_LABEL.match(value):
        start, end = int(match["start"]), int(match["end"])
        if (start + 1) % 100 != end:
            raise CommandError(
                f"--agreement {value!r}: {start}-{end:02d} is not a financial year; "
                f"did you mean {start}-{(start + 1) % 100:02d}?",
                returncode=BAD_ARGUMENT,
            )
        found = agreements.filter(
            board__short_name=match["board"], period_start__year=start
        ).first()
    else:
        raise CommandError(
            f"--agreement {value!r}: give BOARD:YYYY-YY (e.g. SCB:2018-19) or an agreement's id.",
            returncode=BAD_ARGUMENT,
        )
    if found is None:
        known = ", ".join(f"{a.board.short_name}:{a.year_label}" for a in agreements[:20])
        raise CommandError(
            f"--agreement {value!r}: there is no such agreement. Known: {known or 'none'}.",
            returncode=BAD_ARGUMENT,
        )
    return found
