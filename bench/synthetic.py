"""Synthetic partnerships for the benchmark: realistic in shape, written with bulk inserts.

Each partnership is a board with its sub-groups, CSPs, forum and a restricted panel, reporting
to each other as a graph; its councils and services plus police forces, PCCs and national
agencies shared with other partnerships; officers, a chair and a coordinator; a themed
agreement for every year, each the revision of the last, whose actions carry last year's
forward, have free-text timescales in the styles of the seed documents and about eight dated
progress updates a year; and the history rows the tracker would have recorded for all of it.

Writes go straight to bulk_create (the services save one row at a time, which is what makes
them right for people and far too slow for 3.5 million rows), so the history rows are built
here too, with the dates on which each fact would have been recorded.

Deterministic: every partnership and every year draws from its own random.Random, seeded from
the seed and the partnership's number and the calendar year. Partnership 1's current
agreement is therefore the same at every scale that ends in the same year, which is what lets
the benchmark compare a page for the same user at two scales.
"""

import calendar
import datetime
import functools
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from actions.models import Action, ActionLead, ProgressUpdate, Status
from actions.timescales import parse_timescale
from csa.models import Agreement, Section, Theme
from governance.freshness import mark_changed
from governance.models import (
    Body,
    Chair,
    Meeting,
    Membership,
    Organisation,
    Person,
    ReportingLine,
    Role,
)

# One password for every generated account, hashed once: hashing is slow on purpose.
SYNTHETIC_PASSWORD = "bench-password-2026"
CHANGE_REASON = "generated"
BATCH_SIZE = 2000

SCALES = {
    # name: (partnerships, years, actions per year)
    "tiny": (2, 2, 6),
    "small": (1, 2, 50),
    "medium": (10, 10, 50),
    "regional": (35, 10, 50),
    "national": (350, 10, 50),
}

# 43 territorial police forces in England and Wales: each serves several partnerships.
POLICE_FORCES = 43

_PLACE_STARTS = ["North", "South", "East", "West", "Mid", "Upper", "Lower", "Great", "Little"]
_PLACE_ROOTS = ["mercia", "avon", "dene", "wold", "fen", "vale", "moor", "brook", "ford", "wick"]

# (key, name in the first year, name from the second year on, parent key, position, first year)
THEMES = [
    ("domestic-abuse", "Domestic Abuse and Sexual Violence", "Domestic Abuse", None, 1, 0),
    ("alcohol-substance-misuse", "Alcohol and Substance Misuse", None, None, 2, 0),
    ("reducing-reoffending", "Reducing Reoffending", None, None, 3, 0),
    ("prevent", "Prevent", None, None, 4, 0),
    ("harm-reduction", "Harm Reduction", None, None, 5, 0),
    ("hate-crime", "Hate Crime", None, "harm-reduction", 6, 0),
    ("cyber-crime", "Cyber Crime", None, "harm-reduction", 7, 0),
    ("cse", "Child Sexual Exploitation", None, "harm-reduction", 8, 0),
    ("modern-slavery", "Modern Slavery", None, None, 9, 1),
    ("violence", "Violence", None, None, 10, 1),
    ("other", "Other priorities", None, None, 20, 0),
]

# What each theme's actions say, in the seed documents' words. {district}, {csp}, {police}
# and {council} are filled in per partnership.
ACTION_WORDING = {
    "domestic-abuse": [
        "Completion of revised Domestic Abuse Strategy and Action Plan",
        "Recommissioning of the DA Service",
        "Review of domestic abuse training requirements across the partnership",
        "Implement the Drive Domestic Abuse perpetrator project",
        "Ensure oversight of the DAF action plan implementation",
        "Co-ordinate response to Government Domestic Abuse Bill consultation",
    ],
    "alcohol-substance-misuse": [
        "Blue Light Project (Alcohol Concern) launched",
        "All Bar None extended to {district}",
        "Recommission the integrated substance misuse recovery service",
        "Review drug-related death panel arrangements",
    ],
    "reducing-reoffending": [
        "Reducing Offending Strategy renewed and adopted",
        "Review IOM cohort selection with {police} and Probation",
        "Deliver the women's diversion pilot in {district}",
    ],
    "prevent": [
        "Review, update and continue to implement the Prevent Action Plan",
        "Implement the changes to Channel arrangements required by the Dovetail scheme",
        "Deliver WRAP training to front-line staff of {council}",
    ],
    "harm-reduction": [
        "Refresh the anti-social behaviour case review (Community Trigger) process",
        "Agree a partnership response to street drinking in {district}",
    ],
    "hate-crime": [
        "Review of current Hate Incident Partnership arrangements",
        "Review of current Hate Incident activity in {csp}",
    ],
    "cyber-crime": [
        "Awareness delivered by {council} / {police} on Cyber security",
        "Cyber crime awareness sessions for older residents in {district}",
    ],
    "cse": [
        "Contribute to the development and implementation of the new CSE action plan",
        "Map night-time economy venues for CSE awareness training",
    ],
    "modern-slavery": [
        "Implement the LGA guidance on Modern Slavery: carry out audit on internal procurement",
        "Publish the partnership's Modern Slavery transparency statement",
    ],
    "violence": [
        "Work with partners to localise the Govt Serious Violence Strategy",
        "Complete the serious violence strategic needs assessment",
    ],
    "other": [
        "Community Safety Information Sharing Protocol refreshed and signed",
        "Review Partnership Governance",
        "Work with {police} to coordinate and support a programme of campaigns",
        "SCB to become signatory of Joint Working Protocol with the HWBB",
    ],
}
CARRIED_FORWARD_WORDING = [
    "{previous} extended to {district}",
    "{previous}: second phase",
    "Continue: {previous}",
    "{previous} finalised",
    "{previous} (reviewed)",
]

NOTES = [
    "Reported to the Board at its last meeting.",
    "Working group met; terms of reference agreed.",
    "Funding confirmed for the year; delivery on track.",
    "Delay in recruitment to the post; revised timescale agreed with the lead.",
    "Procurement has slipped by a quarter because of the tender evaluation.",
    "Awaiting the national guidance before the local plan can be finalised.",
    "Data sharing agreement with partners still to be signed.",
    "Training sessions delivered to 120 front-line staff.",
    "Consultation closed; responses being analysed.",
]
OUTCOMES = [
    "Strategy adopted by the Board.",
    "Service commissioned and started on time.",
    "Protocol signed by all responsible authorities.",
    "Campaign delivered across the county; evaluation to the Board.",
]
STOP_NOTES = {
    Status.DEFERRED: "Deferred to next year's plan by agreement of the Board.",
    Status.CANCELLED: "Cancelled: superseded by the regional programme.",
}

_MONTH_ABBREVIATIONS = [None, "Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept",
                        "Oct", "Nov", "Dec"]  # fmt: skip

# (lead key, weight): organisations and bodies of the partnership that lead actions.
LEAD_WEIGHTS = [
    ("PH", 30), ("CC", 8), ("police", 10), ("PCC", 8), ("DC1", 5), ("DC2", 4),
    ("service", 6), ("NPS", 4), ("CCG", 4), ("fire", 3),
    ("PSG", 5), ("DAF", 5), ("RROSG", 4), ("NCSP", 3), ("SCSP", 3), ("Channel", 2),
]  # fmt: skip


@dataclass
class Report:
    """What was generated, for the command's output and the benchmark's results."""

    partnerships: int
    years: int
    actions_per_year: int
    seed: int
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, label, number):
        self.counts[label] = self.counts.get(label, 0) + number


def financial_year_of(day: datetime.date) -> int:
    """The calendar year in which the financial year containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def partnership_prefix(number: int) -> str:
    return f"P{number:03d}"


@dataclass(frozen=True)
class Naming:
    """What a partnership is called, where the benchmark's numbered ones draw it at random:
    the demo's fictional partnership (bench/demo.py) is named so that nobody takes it for a
    real one. `prefix` starts every short name and username; `email_domain`, when given,
    gives every account an address (username@domain) so that mail can be tried."""

    prefix: str
    place: str
    board_short_name: str
    board_name: str
    email_domain: str = ""


def generate(
    *,
    partnerships: int,
    years: int,
    actions_per_year: int,
    seed: int = 1,
    until: datetime.date | None = None,
    progress=None,
) -> Report:
    """Create the partnerships; the last year is the one in force on `until` (today)."""
    if partnerships < 1 or years < 1 or actions_per_year < 1:
        raise ValueError("partnerships, years and actions per year must each be at least 1.")
    until = until or timezone.localdate()
    last_year = financial_year_of(until)
    first_year = last_year - years + 1
    taken = Body.objects.filter(
        short_name__in=[f"{partnership_prefix(n)} SCB" for n in range(1, partnerships + 1)]
    ).values_list("short_name", flat=True)
    if taken:
        raise ValueError(
            f"Synthetic partnerships already exist in this database ({', '.join(taken[:3])}): "
            "generate into an empty database."
        )
    report = Report(partnerships, years, actions_per_year, seed)
    started = time.perf_counter()
    writer = _Writer(report)
    shared = _shared_organisations(writer, partnerships)
    password = make_password(SYNTHETIC_PASSWORD)
    for number in range(1, partnerships + 1):
        with transaction.atomic():
            _Partnership(
                writer=writer,
                number=number,
                seed=seed,
                years=range(first_year, last_year + 1),
                actions_per_year=actions_per_year,
                until=until,
                shared=shared,
                password=password,
            ).build()
        if progress and (number % 10 == 0 or number == partnerships):
            progress(number, time.perf_counter() - started)
    writer.finish()
    # Most rows went in by raw SQL, past the model signals: cached pages must miss.
    mark_changed()
    report.seconds = time.perf_counter() - started
    return report


def generate_named(
    *,
    naming: Naming,
    years: int,
    actions_per_year: int,
    seed: int = 1,
    until: datetime.date | None = None,
    last_year: int | None = None,
    password: str,
) -> "_Partnership":
    """One partnership named by `naming`, built as generate() builds each of its own; returns
    it (its board, bodies, organisations, people and accounts by key, as built). `password`
    is the accounts' password hash. The last year is the one starting in `last_year`, by
    default the one in force on `until` (today); no update is dated after `until`."""
    if years < 1 or actions_per_year < 1:
        raise ValueError("years and actions per year must each be at least 1.")
    if Body.objects.filter(short_name=naming.board_short_name).exists():
        raise ValueError(f"A partnership {naming.board_short_name!r} exists already.")
    until = until or timezone.localdate()
    last_year = financial_year_of(until) if last_year is None else last_year
    report = Report(1, years, actions_per_year, seed)
    writer = _Writer(report)
    shared = _shared_organisations(writer, 1)
    with transaction.atomic():
        partnership = _Partnership(
            writer=writer,
            number=1,
            seed=seed,
            years=range(last_year - years + 1, last_year + 1),
            actions_per_year=actions_per_year,
            until=until,
            shared=shared,
            password=password,
            naming=naming,
        )
        partnership.build()
    writer.finish()
    mark_changed()
    return partnership


def _aware(day: datetime.date, hour: int = 10, minute: int = 0, second: int = 0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=datetime.UTC)


def _end_of_month(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=4096)
def _parse(written: str, period_start: datetime.date):
    parsed = parse_timescale(written, reference_date=period_start)
    return parsed.due_date, parsed.kind.value


class _Writer:
    """Bulk inserts, and the history rows that the tracker would have written alongside.

    Small tables go through bulk_create. The action tables (a few million rows at national
    scale) are written as plain rows with executemany: measured on 2,500 actions, Django's
    insert compiler spent about 8 of 15 seconds preparing values one by one, more than the
    database took to store them. Their primary keys are allocated here, from the current
    maximum, so that progress updates and history can name them without reading them back;
    the generator must therefore be the only writer while it runs.
    """

    def __init__(self, report):
        self.report = report
        self._columns = {}
        self.next_id = {}
        for model in (Action, ActionLead, ProgressUpdate):
            self.next_id[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def allocate(self, model):
        pk = self.next_id[model]
        self.next_id[model] = pk + 1
        return pk

    def create(self, model, objs, *, recorded=None, user_of=None):
        """bulk_create objs, then a "+" history row for each, dated by `recorded(obj)`."""
        if not objs:
            return objs
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        self.report.add(model._meta.label, len(objs))
        if hasattr(model, "history"):
            self.history(
                model,
                [(_values(obj), "+", recorded(obj), user_of and user_of(obj)) for obj in objs],
            )
        return objs

    def history(self, model, rows):
        """rows: (values of the tracked fields, history type, when, user id)."""
        self.insert(
            model.history.model,
            [
                {
                    **values,
                    "history_type": kind,
                    "history_date": when,
                    "history_user_id": user_id,
                    "history_change_reason": CHANGE_REASON,
                }
                for values, kind, when, user_id in rows
            ],
        )

    def insert(self, model, rows):
        """INSERT plain rows (dicts by attribute name) in batches; every row has every key."""
        if not rows:
            return
        table, columns, adapters = self._layout(model, rows[0])
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        names = list(adapters)
        values = [
            tuple(adapt(row[name]) if adapt else row[name] for name, adapt in adapters.items())
            for row in rows
        ]
        assert all(len(row) == len(names) for row in rows), "rows must all have the same keys"
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if connection.vendor == "postgresql" and hasattr(raw, "mogrify"):
                from psycopg2.extras import execute_values

                execute_values(raw, sql + "%s", values, page_size=BATCH_SIZE)
            else:
                placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
                for start in range(0, len(values), BATCH_SIZE):
                    cursor.executemany(sql + placeholders, values[start : start + BATCH_SIZE])
        self.report.add(model._meta.label, len(rows))

    def _layout(self, model, sample):
        key = (model, tuple(sample))
        if key not in self._columns:
            quote = connection.ops.quote_name
            fields = [f for f in model._meta.concrete_fields if f.attname in sample]
            missing = set(sample) - {f.attname for f in fields}
            assert not missing, f"{model.__name__} has no fields {missing}"
            adapters = {}
            for f in fields:
                internal = f.get_internal_type()
                if internal == "DateTimeField":
                    adapters[f.attname] = connection.ops.adapt_datetimefield_value
                elif internal == "DateField":
                    adapters[f.attname] = connection.ops.adapt_datefield_value
                else:
                    adapters[f.attname] = None
            self._columns[key] = (
                quote(model._meta.db_table),
                [quote(f.column) for f in fields],
                adapters,
            )
        return self._columns[key]

    def finish(self):
        """PostgreSQL's sequences do not see ids written explicitly: move them on."""
        if connection.vendor != "postgresql":
            return
        statements = connection.ops.sequence_reset_sql(
            no_style(), [Action, ActionLead, ProgressUpdate]
        )
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _shared_organisations(writer, partnerships):
    """Police forces and PCCs (one per force area) and national agencies, made once."""
    wanted = [
        Organisation(short_name="NPS", name="National Probation Service", kind="probation"),
        Organisation(short_name="NHS England", name="NHS England", kind="health"),
    ]
    for force in range(1, min(partnerships, POLICE_FORCES) + 1):
        wanted.append(
            Organisation(
                short_name=f"F{force:02d} Police", name=f"Force {force:02d} Police", kind="police"
            )
        )
        wanted.append(
            Organisation(
                short_name=f"F{force:02d} PCC",
                name=f"Office of the Police and Crime Commissioner, Force {force:02d}",
                kind="pcc",
            )
        )
    existing = {o.short_name: o for o in Organisation.objects.filter(
        short_name__in=[o.short_name for o in wanted])}  # fmt: skip
    missing = [o for o in wanted if o.short_name not in existing]
    when = _aware(datetime.date(2000, 1, 1))
    writer.create(Organisation, missing, recorded=lambda o: when)
    return {**existing, **{o.short_name: o for o in missing}}


class _Partnership:
    def __init__(
        self, *, writer, number, seed, years, actions_per_year, until, shared, password, naming=None
    ):
        self.w = writer
        self.number = number
        self.naming = naming
        self.prefix = naming.prefix if naming else partnership_prefix(number)
        self.seed = seed
        self.years = list(years)
        self.actions_per_year = actions_per_year
        self.until = until
        self.shared = shared
        self.password = password
        self.rng = random.Random(f"{seed}:{number}")
        self.start = _aware(datetime.date(self.years[0], 3, 1))

    def at_start(self, _obj=None):
        return self.start

    # The partnership: organisations, bodies, people, accounts.

    def build(self):
        self._organisations()
        self._bodies()
        self._people_and_accounts()
        self._themes()
        previous_actions = []
        agreements = self._agreements()
        for index, (year, agreement) in enumerate(zip(self.years, agreements, strict=True)):
            year_rng = random.Random(f"{self.seed}:{self.number}:{year}")
            meetings = self._meetings(year, year_rng)
            previous_actions = self._actions(
                index, year, agreement, previous_actions, meetings, year_rng
            )

    def _organisations(self):
        rng, p = self.rng, self.prefix
        self.place = f"{rng.choice(_PLACE_STARTS)}{rng.choice(_PLACE_ROOTS)}shire"
        if self.naming:  # drawn all the same, so that the rest draws as it would
            self.place = self.naming.place
        self.districts = [f"{rng.choice(_PLACE_STARTS)} {self.place[:-5]}" for _ in range(2)]
        local = [
            ("CC", f"{self.place} County Council", "council"),
            ("PH", f"{self.place} County Council Public Health", "council"),
            ("DC1", f"{self.districts[0]} District Council", "council"),
            ("DC2", f"{self.districts[1]} District Council", "council"),
            ("service", f"{self.place} Recovery Partnership", "commissioned"),
            ("CCG", f"{self.place} Clinical Commissioning Group", "health"),
            ("fire", f"{self.place} Fire and Rescue Service", "fire"),
            ("VCS", f"{self.place} Victim Support", "voluntary"),
        ]
        orgs = {
            key: Organisation(short_name=f"{p} {key}", name=name, kind=kind)
            for key, name, kind in local
        }
        self.w.create(Organisation, list(orgs.values()), recorded=self.at_start)
        force = (self.number - 1) % POLICE_FORCES + 1
        orgs["police"] = self.shared[f"F{force:02d} Police"]
        orgs["PCC"] = self.shared[f"F{force:02d} PCC"]
        orgs["NPS"] = self.shared["NPS"]
        self.orgs = orgs
        self.shared_keys = {"police", "PCC", "NPS"}

    def _bodies(self):
        p, place = self.prefix, self.place
        short_name = self.naming.board_short_name if self.naming else f"{p} SCB"
        board = Body(
            short_name=short_name,
            slug=slugify(short_name),  # bulk_create skips Body.save(), which makes it
            name=self.naming.board_name if self.naming else f"{place} Safer Communities Board",
            kind=Body.Kind.BOARD,
            statutory=True,
            area=place,
            remit="Strategic co-ordination of community safety and criminal justice activity "
            f"across {place}. Responsible for the annual Community Safety Agreement.",
            membership="Chairs of the CSPs and senior representatives of the Responsible "
            "Authorities, the Office of the PCC and the Health and Well-being Board.",
        )
        self.w.create(Body, [board], recorded=self.at_start)
        specs = [
            ("NCSP", f"{self.districts[0]} Community Safety Partnership", "partnership", True),
            ("SCSP", f"{self.districts[1]} Community Safety Partnership", "partnership", True),
            ("RROSG", f"{place} Reducing Re-Offending Strategy Group", "sub_group", False),
            ("PSG", f"{place} Prevent Strategy Group", "sub_group", False),
            ("SMSOG", "Substance Misuse Strategic Oversight Group", "sub_group", False),
            ("DAF", f"{place} Domestic Abuse Forum", "forum", False),
            ("Channel", f"{place} Channel Panel", "panel", True),
            ("HWBB", f"{place} Health and Well-being Board", "board", True),
        ]
        bodies = {
            key: Body(
                short_name=f"{p} {key}",
                slug=slugify(f"{p} {key}"),
                name=name,
                kind=kind,
                statutory=statutory,
                area=place,
                remit=f"The {name} reports to the {board.name} on its part of the plan.",
                restricted=key == "Channel",
                partnership=board,
            )
            for key, name, kind, statutory in specs
        }
        self.w.create(Body, list(bodies.values()), recorded=self.at_start)
        bodies["SCB"] = board
        self.bodies, self.board = bodies, board
        # A graph, not a tree: the substance misuse group reports to two boards.
        lines = [
            (key, "SCB", "a subgroup of the SCB")
            for key in ("NCSP", "SCSP", "RROSG", "PSG", "SMSOG", "DAF")
        ]
        lines += [("SMSOG", "HWBB", "reports to both the SCB and the HWBB"),
                  ("Channel", "PSG", "a panel of the PSG")]  # fmt: skip
        self.w.create(
            ReportingLine,
            [
                ReportingLine(from_body=bodies[a], to_body=bodies[b], description=text)
                for a, b, text in lines
            ],
            recorded=self.at_start,
        )

    def _people_and_accounts(self):
        p = self.prefix
        User = get_user_model()
        officer_keys = ["PH", "CC", "police", "PCC", "DC1", "DC2", "service", "NPS", "CCG", "fire"]
        users = {
            f"officer-{key}": User(
                username=f"{p.lower()}-officer-{key.lower()}",
                first_name="Officer",
                last_name=f"{p} {key}",
                password=self.password,
            )
            for key in officer_keys
        }
        users["chair"] = User(username=f"{p.lower()}-chair", first_name="Chair", last_name=p,
                              password=self.password)  # fmt: skip
        users["coordinator"] = User(
            username=f"{p.lower()}-coordinator",
            first_name="Coordinator",
            last_name=p,
            password=self.password,
        )
        if self.naming and self.naming.email_domain:
            for user in users.values():
                user.email = f"{user.username}@{self.naming.email_domain}"
        User.objects.bulk_create(users.values(), batch_size=BATCH_SIZE)
        self.w.report.add("auth.User", len(users))
        self.users = users

        people = {
            f"officer-{key}": Person(
                name=f"{p} officer, {self.orgs[key].short_name}",
                post="Board officer",
                organisation=self.orgs[key],
                user=users[f"officer-{key}"],
            )
            for key in officer_keys
        }
        people["chair"] = Person(name=f"{p} chair", post="Director of Public Health",
                                 organisation=self.orgs["PH"], user=users["chair"])  # fmt: skip
        people["past-chair"] = Person(
            name=f"{p} former chair", post="Chief Executive", organisation=self.orgs["CC"]
        )
        people["coordinator"] = Person(
            name=f"{p} coordinator",
            post="Community Safety Manager",
            organisation=self.orgs["PH"],
            user=users["coordinator"],
        )
        for key in self.bodies:
            if key != "SCB":
                people[f"chair-{key}"] = Person(name=f"{p} chair of {key}", post="Chair")
        self.w.create(Person, list(people.values()), recorded=self.at_start)
        self.people = people

        roles = [Role(user=users[f"officer-{key}"], board=self.board, kind=Role.Kind.OFFICER)
                 for key in officer_keys]  # fmt: skip
        roles += [
            Role(user=users["chair"], board=self.board, kind=Role.Kind.CHAIR),
            Role(user=users["coordinator"], board=self.board, kind=Role.Kind.COORDINATOR),
        ]
        self.w.create(Role, roles, recorded=self.at_start)

        first = datetime.date(self.years[0], 4, 1)
        change = datetime.date(self.years[len(self.years) // 2], 9, 1)
        chairs = [
            Chair(body=self.board, person=people["past-chair"], start=first,
                  end=change - datetime.timedelta(days=1)),
            Chair(body=self.board, person=people["chair"], start=change),
        ]  # fmt: skip
        chairs += [
            Chair(body=body, person=people[f"chair-{key}"], start=first)
            for key, body in self.bodies.items()
            if key != "SCB"
        ]
        self.w.create(Chair, chairs, recorded=lambda c: _aware(c.start))
        # The public health officer sits on the restricted panel; the chair does not.
        members = [("officer-PH", "Channel"), ("officer-PH", "PSG"), ("officer-police", "Channel"),
                   ("officer-PH", "DAF"), ("officer-service", "SMSOG"), ("officer-NPS", "RROSG"),
                   ("officer-DC1", "NCSP"), ("officer-DC2", "SCSP")]  # fmt: skip
        self.w.create(
            Membership,
            [Membership(person=people[a], body=self.bodies[b]) for a, b in members],
            recorded=self.at_start,
        )

    def _theme_introduced(self, theme):
        first_year = next(t[5] for t in THEMES if t[0] == theme.key)
        return _aware(datetime.date(self.years[min(first_year, len(self.years) - 1)], 3, 1))

    def _themes(self):
        themes = {}
        for parent_pass in (False, True):
            batch = []
            for key, first_name, later_name, parent, position, _ in THEMES:
                if (parent is not None) != parent_pass:
                    continue
                name = later_name if later_name and len(self.years) > 1 else first_name
                theme = Theme(board=self.board, key=key, name=name, position=position,
                              parent=themes.get(parent))  # fmt: skip
                themes[key] = theme
                batch.append(theme)
            self.w.create(Theme, batch, recorded=self._theme_introduced)
        # Renamed between the first and second year: the history shows the old name.
        renamed = [(themes[key], first, later) for key, first, later, *_ in THEMES if later]
        if len(self.years) > 1 and renamed:
            when = _aware(datetime.date(self.years[1], 3, 1))
            self.w.history(
                Theme,
                [(_values(theme), "~", when, None) for theme, _, _ in renamed],
            )
            # The "+" rows carry the current name; give them the first year's instead.
            for theme, first, _ in renamed:
                Theme.history.filter(id=theme.pk, history_type="+").update(name=first)
        self.themes = themes

    def _agreements(self):
        agreements = []
        for year in self.years:
            agreements.append(
                Agreement(
                    board=self.board,
                    title=f"Community Safety Agreement {year} to {year + 1}",
                    period_start=datetime.date(year, 4, 1),
                    period_end=datetime.date(year + 1, 3, 31),
                    status=Agreement.Status.ADOPTED,
                    version="1.0",
                    document_date=f"March {year}",
                    contact=f"{self.place} Community Safety Team",
                    introduction="The action plan sets out what the partnership will do this "
                    "year against each priority, who leads it and by when.",
                )
            )
        self.w.create(Agreement, agreements, recorded=lambda a: _aware(a.period_start, 9))
        # Each was adopted in its year and superseded when the next one was adopted.
        for earlier, later in zip(agreements, agreements[1:], strict=False):
            later.previous = earlier
            earlier.status = Agreement.Status.SUPERSEDED
        Agreement.objects.bulk_update(agreements, ["previous", "status"], batch_size=BATCH_SIZE)
        for later in agreements[1:]:  # a revision of last year's from the day it was made
            Agreement.history.filter(id=later.pk, history_type="+").update(
                previous_id=later.previous_id
            )
        self.w.history(
            Agreement,
            [(_values(a), "~", _aware(a.next_start, 9, 1), None) for a in _with_next(agreements)],
        )
        sections = []
        for agreement in agreements:
            year = agreement.period_start.year
            for position, (heading, text) in enumerate(_section_texts(self.place, year), 1):
                sections.append(
                    Section(
                        agreement=agreement,
                        position=position,
                        number=str(position),
                        heading=heading,
                        text=text,
                    )
                )
        self.w.create(Section, sections, recorded=lambda s: _aware(s.agreement.period_start, 9))
        return agreements

    def _meetings(self, year, rng):
        """The board meets quarterly; the forum, Prevent group and panel twice a year."""
        meetings = []
        for month in (6, 9, 12, 3):
            y = year + 1 if month == 3 else year
            day = datetime.date(y, month, rng.randint(8, 24))
            if day <= self.until:
                meetings.append(Meeting(body=self.board, date=day,
                                        title=f"Board meeting, {day:%B %Y}",
                                        minutes="Progress on the action plan was received.",
                                        papers="Action plan progress report"))  # fmt: skip
        for key in ("DAF", "PSG", "Channel"):
            for month in (7, 1):
                y = year + 1 if month == 1 else year
                day = datetime.date(y, month, rng.randint(8, 24))
                if day <= self.until:
                    meetings.append(
                        Meeting(body=self.bodies[key], date=day, title=f"{key} meeting")
                    )
        self.w.create(Meeting, meetings, recorded=lambda m: _aware(m.date, 17))
        return sorted((m for m in meetings if m.body_id == self.board.pk), key=lambda m: m.date)

    # The action plan of one year.

    def _actions(self, index, year, agreement, previous_actions, board_meetings, rng):
        """The plan of one year: actions, their leads, progress updates and all the history.

        Rows are plain dicts (see _Writer.insert); previous_actions are last year's rows.
        """
        period_start, period_end = agreement.period_start, agreement.period_end
        created = _aware(period_start - datetime.timedelta(days=20), 11)
        available = [key for key, *rest in THEMES if rest[4] <= index]
        # About a third of last year's actions carry on, reworded.
        carried = rng.sample(previous_actions, k=min(len(previous_actions),
                                                     self.actions_per_year * 3 // 10))  # fmt: skip
        actions, leads, updates, history = [], [], [], []
        for position in range(1, self.actions_per_year + 1):
            source = carried[position - 1] if position <= len(carried) else None
            if source is not None:
                theme_key, base = source["_theme_key"], source["_base"]
                description = rng.choice(CARRIED_FORWARD_WORDING).format(
                    previous=base, district=rng.choice(self.districts)
                )
            else:
                theme_key = rng.choice(available)
                base = self._fill(rng.choice(ACTION_WORDING[theme_key]), rng)
                description = base
            theme = self.themes[theme_key]
            _, first_name, later_name, *_ = next(t for t in THEMES if t[0] == theme_key)
            theme_name = first_name if index == 0 else (later_name or first_name)
            if theme.parent_id:
                theme_name = f"{theme.parent.name} – {theme_name}"
            timescale = _timescale(year, rng)
            due_date, kind = _parse(timescale, period_start)
            lead_keys = self._leads(rng)
            action = {
                "id": self.w.allocate(Action),
                "agreement_id": agreement.pk,
                "theme_id": theme.pk,
                "theme_as_written": theme_name,
                "reference": f"A{position}",
                "position": position,
                "description": description,
                "timescale": timescale,
                "timescale_kind": kind,
                "due_date": due_date,
                "leads_as_written": " / ".join(
                    self.orgs[key].short_name if key in self.shared_keys else key
                    for key in lead_keys
                ),
                "status": Status.NOT_STARTED.value,
                "target": rng.choice(
                    [
                        "",
                        "",
                        "Reported to the Board quarterly",
                        "All partners signed up by year end",
                    ]
                ),  # fmt: skip
                "carries_forward_id": source["id"] if source else None,
                "origin_meeting_id": None,
                "version": 1,
                "loaded_version": 1,  # as a load leaves it
            }
            # The plan as loaded: not started, first version.
            history.append((dict(action), "+", created, None))
            for lead_position, key in enumerate(lead_keys, 1):
                organisation = self.orgs.get(key)
                leads.append(
                    {
                        "id": self.w.allocate(ActionLead),
                        "action_id": action["id"],
                        "position": lead_position,
                        "organisation_id": organisation.pk if organisation else None,
                        "body_id": None if organisation else self.bodies[key].pk,
                    }
                )
            # Each update changes the action too: its status and version, as the service does.
            for update in self._progress(action, lead_keys, period_start, period_end,
                                         board_meetings, rng):  # fmt: skip
                updates.append(update)
                action["status"] = update["status"]
                action["version"] += 1
                history.append((dict(action), "~", update["recorded_at"], update["author_id"]))
            actions.append(action)
            action["_theme_key"], action["_base"] = theme_key, base

        self.w.insert(Action, [_row(a) for a in actions])
        self.w.history(Action, [(_row(values), *rest) for values, *rest in history])
        self.w.insert(ActionLead, leads)
        self.w.history(ActionLead, [(lead, "+", created, None) for lead in leads])
        self.w.insert(ProgressUpdate, updates)
        self.w.history(
            ProgressUpdate, [(u, "+", u["recorded_at"], u["author_id"]) for u in updates]
        )
        return actions

    def _fill(self, wording, rng):
        return wording.format(
            district=rng.choice(self.districts),
            csp=self.bodies[rng.choice(["NCSP", "SCSP"])].name,
            police=self.orgs["police"].short_name,
            council=self.orgs["CC"].name,
        )

    def _leads(self, rng):
        keys = [k for k, _ in LEAD_WEIGHTS]
        weights = [w for _, w in LEAD_WEIGHTS]
        count = rng.choices([1, 2, 3], weights=[50, 35, 15])[0]
        leads = []
        while len(leads) < count:
            key = rng.choices(keys, weights=weights)[0]
            if key not in leads:
                leads.append(key)
        return leads

    def _progress(self, action, lead_keys, period_start, period_end, board_meetings, rng):
        """About eight dated updates over the year, the latest setting the action's status."""
        first_day = period_start + datetime.timedelta(days=14)
        last_day = min(period_end, self.until)
        if last_day < first_day:
            return []
        span = (period_end - first_day).days
        elapsed = (last_day - first_day).days
        count = round(rng.randint(6, 10) * elapsed / span)
        if count == 0:
            return []
        days = sorted(rng.sample(range(elapsed + 1), k=min(count, elapsed + 1)))
        finished_year = last_day == period_end
        ending = rng.choices(
            ["completed", "deferred", "cancelled", "open"],
            weights=[60, 8, 4, 28] if finished_year else [25, 3, 2, 70],
        )[0]
        status = rng.choices(
            [Status.ON_TRACK, Status.NOT_STARTED, Status.AT_RISK], weights=[70, 20, 10]
        )[0]
        author_key = next((k for k in lead_keys if f"officer-{k}" in self.users), None)
        author = self.users[f"officer-{author_key}" if author_key else "coordinator"]
        now = timezone.now()
        updates = []
        for number, offset in enumerate(days, 1):
            day = first_day + datetime.timedelta(days=offset)
            if number == len(days) and ending != "open":
                status = Status(ending)
            elif number > 1:
                status = rng.choices(
                    [status, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK],
                    weights=[50, 25, 17, 8],
                )[0]
            recorded = min(
                _aware(day + datetime.timedelta(days=rng.randint(0, 3)), rng.randint(8, 17),
                       rng.randint(0, 59), rng.randint(0, 59)),
                now,
            )  # fmt: skip
            meeting = next(
                (m for m in board_meetings if day <= m.date <= day + datetime.timedelta(days=14)),
                None,
            )
            updates.append(
                {
                    "id": self.w.allocate(ProgressUpdate),
                    "action_id": action["id"],
                    "date": day,
                    "status": status.value,
                    "note": STOP_NOTES.get(status) or rng.choice(NOTES),
                    "outcome": rng.choice(OUTCOMES) if status == Status.COMPLETED else "",
                    "author_id": author.pk,
                    "meeting_id": meeting.pk if meeting else None,
                    "recorded_at": recorded,
                }
            )
        return updates


def _row(values):
    """A row without the generator's own notes (keys starting with "_")."""
    return {k: v for k, v in values.items() if not k.startswith("_")}


def _with_next(agreements):
    for earlier, later in zip(agreements, agreements[1:], strict=False):
        earlier.next_start = later.period_start
        yield earlier


def _timescale(year, rng):
    """A timescale written as the seed documents write them, within or just after the year."""
    month = rng.choice([4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3])
    y = year + 1 if month <= 3 else year
    full = calendar.month_name[month]
    style = rng.choices(
        ["month", "abbr", "tbc", "to", "service", "season", "ctlp", "events", "next-april"],
        weights=[45, 20, 7, 8, 5, 6, 3, 3, 3],
    )[0]
    if style == "month":
        return f"{full} {y}"
    if style == "abbr":
        return f"{_MONTH_ABBREVIATIONS[month]} {y}"
    if style == "tbc":
        return "TBC"
    if style == "to":
        return f"To March {year + 1}"
    if style == "service":
        return f"Service to commence by {full} {y}"
    if style == "season":
        return rng.choice([f"Spring {year + 1}", f"Summer {year}", f"Autumn {year}"])
    if style == "ctlp":
        return f"{full} {y} (New CTLP)"
    if style == "events":
        return f"12 events by {full} {y}"
    return f"April {year + 1}"


def _section_texts(place, year):
    """Narrative that changes a little each year, so that a comparison has a redline."""
    return [
        (
            "Introduction",
            f"This is the {place} Community Safety Agreement for {year} to {year + 1}.\n\n"
            "It sets out how the responsible authorities will work together to reduce crime "
            "and disorder, substance misuse and reoffending.",
        ),
        (
            "Priorities",
            f"The strategic assessment of {year} identified the priorities below.\n\n"
            + (
                "Domestic abuse, substance misuse, reducing reoffending, Prevent and harm "
                "reduction remain the priorities."
                if year % 2
                else "Domestic abuse, substance misuse, reducing reoffending, Prevent, harm "
                "reduction and, new this year, modern slavery and violence are the priorities."
            ),
        ),
        (
            "Governance",
            "The Safer Communities Board oversees this agreement; its sub-groups lead on "
            "each priority and report to it quarterly.",
        ),
    ]
