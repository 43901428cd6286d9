"""What a plan's table means: which column is which, which heading is which theme, who each
lead as written is; and the year's-file records it makes, for plans.importer to check and load.

Nothing here decides whether a plan may be loaded: the importer does, as for any year's file
(one set of rules). What is decided here is only what the table cannot say by itself, each
choice proposed (from the partnership's last file, else from the words) and the coordinator's
to correct. Every record keeps where in the table it came from, so that the importer's
problems ("record 12 ..., field 'description'") are told by row and column.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import slugify

from actions.partners import organisations_of
from csa.models import Agreement, Obligation, Theme, financial_year_label
from governance.models import Body, Organisation
from governance.selectors import bodies_of

from .reading import Table, TableRow


class Role(models.TextChoices):
    IGNORE = "ignore", "Not part of the plan"
    REFERENCE = "reference", "Reference (A1, A2...)"
    THEME = "theme", "Theme"
    ACTION = "action", "Action (its short title)"
    DETAILS = "details", "Action in full (its paragraph)"
    LEAD = "lead", "Lead"
    TIMESCALE = "timescale", "Timescale"
    OUTCOME = "outcome", "Outcome, target or measure"
    OBLIGATIONS = "obligations", "Duties or objectives it serves"


# The words of a column's header that say what it holds, tried in this order: "Action lead" is
# a lead, "Target date" a timescale, "Action ref" a reference.
GUESSES = [
    (Role.REFERENCE, r"^(ref|reference|no|number|#|id|action (no|number|ref|reference))\.?$"),
    (Role.LEAD, r"\b(lead|leads|owner|owners|responsible|who|accountable)\b"),
    (Role.TIMESCALE, r"\b(timescales?|deadline|by when|when|due|date|timeframe|completion)\b"),
    (Role.OBLIGATIONS, r"\b(duty|duties|obligations?|statutory|pcc|police and crime plan)\b"),
    (Role.OUTCOME, r"\b(outcomes?|targets?|measures?|success|outputs?|kpis?|indicators?)\b"),
    (Role.THEME, r"\b(themes?|priority|priorities|priority area)\b"),
    (Role.DETAILS, r"\b(description|details?|in full)\b"),
    (Role.ACTION, r"\b(actions?|activity|activities|what will be done|tasks?|title)\b"),
]
NEW = "new"  # a theme or an organisation to create, named as written
LEAD_SEPARATORS = re.compile(r"\s*(?:/|;|,|&|\+|\n)\s*")
TEXT_LIMIT = {"theme_as_written": 200, "leads_as_written": 300, "timescale": 200}


def normal(text: str) -> str:
    """The form of a text that two spellings of the same words share: case, dashes, quotes,
    apostrophes ("CSP's" is "CSPs") and spaces aside."""
    text = text.casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text).replace("'", "")
    return " ".join(text.split())


def field_key(prefix: str, text: str) -> str:
    """A form field's name for a text: the same text keeps its field when the page is redrawn."""
    return f"{prefix}-{hashlib.sha256(normal(text).encode()).hexdigest()[:12]}"


# --- Columns ----------------------------------------------------------------------------------


def guess_role(header: str) -> str:
    words = normal(header)
    for role, pattern in GUESSES:
        if re.search(pattern, words):
            return role
    return Role.IGNORE


@dataclass
class Column:
    """A header as written, and the tables that have it (the same header, the same column)."""

    header: str
    tables: list[int] = field(default_factory=list)
    example: str = ""

    @property
    def key(self) -> str:
        return normal(self.header)


def columns_of(tables: list[Table]) -> list[Column]:
    found: dict[str, Column] = {}
    for table in tables:
        for index, header in enumerate(table.header):
            if not header:
                continue
            column = found.setdefault(normal(header), Column(header=header))
            if table.number not in column.tables:
                column.tables.append(table.number)
            if not column.example:
                column.example = next(
                    (row.cells[index] for row in table.rows if row.cells[index]), ""
                )
    return list(found.values())


def proposed_columns(tables, remembered: dict) -> dict[str, str]:
    """Each column's role: as the partnership's last file said, else guessed from its words."""
    return {
        column.key: remembered.get(column.key) or guess_role(column.header)
        for column in columns_of(tables)
    }


def roles_of(table: Table, columns: dict[str, str]) -> dict[str, int]:
    """Role -> the index of the table's column that holds it (the first, if several do)."""
    found = {}
    for index, header in enumerate(table.header):
        role = columns.get(normal(header), Role.IGNORE) if header else Role.IGNORE
        if role != Role.IGNORE:
            found.setdefault(role, index)
    return found


def column_problems(tables, columns: dict[str, str]) -> list[str]:
    """What the chosen columns cannot mean: two columns of one table holding the same thing,
    or no column holding the actions."""
    problems = []
    for table in tables:
        seen: dict[str, int] = {}
        for index, header in enumerate(table.header):
            role = columns.get(normal(header), Role.IGNORE) if header else Role.IGNORE
            if role == Role.IGNORE:
                continue
            if role in seen:
                problems.append(
                    f"{table.place(table.header_row)} (the header row): "
                    f"{table.column_name(seen[role])} and {table.column_name(index)} both hold "
                    f"the {Role(role).label.lower()}: choose one of them"
                )
            seen[role] = index
    if tables and not any(Role.ACTION in roles_of(t, columns) for t in tables):
        problems.append(
            f"{tables[0].place(tables[0].header_row)} (the header row): no column holds the "
            "actions: choose “Action” for the column that says what will be done"
        )
    return problems


def used_tables(tables, columns) -> list[Table]:
    """The tables of the plan: those with a column of actions (a contents table has none)."""
    return [table for table in tables if Role.ACTION in roles_of(table, columns)]


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    table: Table
    row: TableRow
    roles: dict[str, int]
    theme: str  # as written: its column (carried down a merged cell), else the heading over it

    def value(self, role: str) -> str:
        index = self.roles.get(role)
        return self.row.cells[index] if index is not None else ""

    def place(self, role: str | None = None) -> str:
        return self.table.place(self.row.number, self.roles.get(role) if role else None)

    @property
    def lead_parts(self) -> list[str]:
        return split_leads(self.value(Role.LEAD))


def plan_rows(tables, columns) -> list[PlanRow]:
    rows = []
    for table in used_tables(tables, columns):
        roles = roles_of(table, columns)
        carried, heading = "", None
        for row in table.rows:
            if row.heading != heading:
                carried, heading = "", row.heading
            written = row.cells[roles[Role.THEME]] if Role.THEME in roles else ""
            carried = written or carried
            plan_row = PlanRow(table, row, roles, theme=carried or row.heading)
            if not any(plan_row.value(role) for role in roles if role != Role.THEME):
                continue  # a row with a theme only: a heading written in the theme column
            rows.append(plan_row)
    return rows


def split_leads(text: str) -> list[str]:
    """ "WCC PH/CSP's" is two leads; "Redditch and Bromsgrove Councils" one."""
    return [part for part in LEAD_SEPARATORS.split(text.strip()) if part]


# --- Themes ------------------------------------------------------------------------------------


def theme_texts(rows) -> list[str]:
    found = {}
    for row in rows:
        if row.theme:
            found.setdefault(normal(row.theme), row.theme)
    return list(found.values())


def proposed_themes(texts, themes: list[Theme], remembered: dict) -> dict[str, str]:
    """Each theme as written: the partnership's theme it was last time, else the one whose name
    it says (the most specific: "Harm Reduction - Hate Crime" is Hate Crime, under Harm
    Reduction), else a new theme."""
    keys = {theme.key for theme in themes}
    proposed = {}
    for text in texts:
        key = remembered.get(normal(text))
        if key is None or (key != NEW and key not in keys):
            key = _theme_named(text, themes)
        proposed[normal(text)] = key
    return proposed


def _theme_named(text: str, themes: list[Theme]) -> str:
    written = normal(text)
    for theme in themes:
        if normal(theme.name) == written:
            return theme.key
    said = [
        theme for theme in themes if re.search(rf"\b{re.escape(normal(theme.name))}\b", written)
    ]
    if not said:
        return NEW
    # A sub-theme says more than its parent; then the longer name.
    said.sort(key=lambda theme: (theme.parent_id is not None, len(theme.name)), reverse=True)
    return said[0].key


# --- Leads -------------------------------------------------------------------------------------


@dataclass
class Party:
    kind: str  # "organisation" or "body"
    short_name: str
    name: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.short_name}"

    @property
    def label(self) -> str:
        if normal(self.name) == normal(self.short_name):
            return self.short_name
        return f"{self.short_name} ({self.name})"


def parties_of(board: Body, rows=()) -> list[Party]:
    """Who may lead in the partnership: its bodies, its organisations, and any organisation the
    file names exactly (organisations are shared: a police force serves several partnerships)."""
    bodies = [Party("body", b.short_name, b.name) for b in bodies_of([board.pk]).order_by("name")]
    organisations = {o.pk: o for o in organisations_of([board.pk]).distinct().order_by("name")}
    written = {normal(part) for row in rows for part in row.lead_parts}
    if written:
        for organisation in Organisation.objects.order_by("name"):
            names = {normal(organisation.short_name), normal(organisation.name)}
            if names & written:
                organisations.setdefault(organisation.pk, organisation)
    return bodies + [
        Party("organisation", o.short_name, o.name)
        for o in sorted(organisations.values(), key=lambda o: o.name)
    ]


def lead_texts(rows) -> list[str]:
    found = {}
    for row in rows:
        for part in row.lead_parts:
            found.setdefault(normal(part), part)
    return list(found.values())


def matched_lead(text: str, parties: list[Party]) -> Party | None:
    """The party called `text`, by short name or name, organisations before bodies."""
    written = normal(text)
    for party in sorted(parties, key=lambda p: p.kind != "organisation"):
        if written in (normal(party.short_name), normal(party.name)):
            return party
    return None


def proposed_leads(texts, parties, remembered: dict) -> tuple[dict, dict]:
    """(asked, matched): the leads as written that the coordinator says who they are, with what
    the last file said (possibly nothing); and those found by name, with their party."""
    values = {party.value for party in parties}
    asked, matched = {}, {}
    for text in texts:
        said = [v for v in remembered.get(normal(text), []) if v == NEW or v in values]
        if said:
            asked[normal(text)] = said
        elif (party := matched_lead(text, parties)) is not None:
            matched[normal(text)] = party
        else:
            asked[normal(text)] = []
    return asked, matched


# --- Records -------------------------------------------------------------------------------------


@dataclass
class Choices:
    """What the coordinator decided (or accepted) on the mapping page."""

    year: int
    columns: dict[str, str]  # normal(header) -> Role
    themes: dict[str, str]  # normal(theme as written) -> theme key, or NEW
    leads: dict[str, list[str]]  # normal(lead as written) -> ["organisation:WCC PH", NEW...]

    def remembered(self) -> dict:
        return {"columns": self.columns, "themes": self.themes, "leads": self.leads}


@dataclass
class Source:
    """Where one record of the made file came from, to tell its problems by row and column."""

    place: str
    columns: dict[str, str] = field(default_factory=dict)  # a record's field -> its column


@dataclass
class Plan:
    records: list[dict]
    sources: dict[int, Source]  # record number (from 1) -> where it came from
    problems: list[tuple[str, str, str]]  # (place, column, message): the table's own


ACTION_FIELDS = {
    "reference": Role.REFERENCE,
    "description": Role.ACTION,
    "theme": Role.THEME,
    "theme_as_written": Role.THEME,
    "timescale": Role.TIMESCALE,
    "due_date": Role.TIMESCALE,
    "timescale_kind": Role.TIMESCALE,
    "target": Role.OUTCOME,
    "leads_as_written": Role.LEAD,
    "obligations": Role.OBLIGATIONS,
}
# A cell naming several duties or objectives: one a line, or separated by semicolons.
OBLIGATION_SEPARATORS = re.compile(r"\s*(?:;|\n)\s*")


def period_of(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def build_plan(tables, choices: Choices, board: Body, parties: list[Party]) -> Plan:
    """The records of a year's file for the plan in the tables, in the importer's order."""
    rows = plan_rows(tables, choices.columns)
    by_value = {party.value: party for party in parties}
    records: list[dict] = []
    sources: dict[int, Source] = {}
    problems: list[tuple[str, str, str]] = []

    def add(record, source):
        records.append(record)
        sources[len(records)] = source

    # Leads to create: new organisations, named as written.
    first_row_of = {}
    for row in rows:
        for part in row.lead_parts:
            first_row_of.setdefault(normal(part), (row, part))
    for written, (row, part) in first_row_of.items():
        if (
            NEW in choices.leads.get(written, [])
            and not Organisation.objects.filter(short_name=part[:60]).exists()
        ):
            add(
                {
                    "model": "governance.organisation",
                    "fields": {"short_name": part[:60], "name": part[:200], "kind": "other"},
                },
                Source(
                    f"The lead “{part}” (a new organisation, first in {row.place().lower()})",
                    {"short_name": _column(row, Role.LEAD), "name": _column(row, Role.LEAD)},
                ),
            )

    # Themes to create, after the partnership's own.
    themes = {t.key: t for t in Theme.objects.filter(board=board)}
    position = max((t.position for t in themes.values()), default=0)
    theme_keys: dict[str, str] = {}
    for row in rows:
        written = normal(row.theme)
        if not written or written in theme_keys:
            continue
        key = choices.themes.get(written, NEW)
        if key == NEW or key not in themes:
            key = _new_theme_key(row.theme, set(themes) | set(theme_keys.values()))
            position += 1
            add(
                {
                    "model": "csa.theme",
                    "fields": {
                        "board": [board.short_name],
                        "key": key,
                        "name": row.theme[:200],
                        "position": position,
                    },
                },
                Source(
                    f"The theme “{row.theme}” (new, first in {row.place().lower()})",
                    {"name": _column(row, Role.THEME)},
                ),
            )
        theme_keys[written] = key

    # The partnership's duties and objectives, by their names' normal form.
    obligations = {normal(o.name): o.name for o in Obligation.objects.filter(board=board)}

    start, end = period_of(choices.year)
    agreement_key = [board.short_name, start.isoformat()]
    agreement = {"board": [board.short_name], "period_start": start.isoformat()}
    exists = Agreement.objects.filter(board=board, period_start=start).exists()
    if not exists:
        agreement.update(
            {
                "title": f"Community Safety Agreement {start.year} to {end.year}",
                "period_end": end.isoformat(),
                "status": Agreement.Status.DRAFT,
            }
        )
    add(
        {"model": "csa.agreement", "fields": agreement},
        Source(f"The plan for {financial_year_label(start)}"),
    )

    for position, row in enumerate(rows, 1):
        reference = row.value(Role.REFERENCE) if Role.REFERENCE in row.roles else f"A{position}"
        fields = {
            "agreement": agreement_key,
            "reference": reference,
            "position": position,
            "description": _description(row),
            "timescale": row.value(Role.TIMESCALE)[: TEXT_LIMIT["timescale"]],
            "leads_as_written": " ".join(row.value(Role.LEAD).split()),
            "target": row.value(Role.OUTCOME),
        }
        if row.theme:
            fields["theme"] = [board.short_name, theme_keys[normal(row.theme)]]
            fields["theme_as_written"] = row.theme
        if Role.OBLIGATIONS in row.roles:
            served, unknown = obligations_named(row.value(Role.OBLIGATIONS), obligations)
            fields["obligations"] = [[board.short_name, name] for name in served]
            problems.extend(
                (
                    row.place(),
                    _column(row, Role.OBLIGATIONS),
                    f"“{name}” is not one of the partnership's duties or objectives: name one "
                    "on its “Duties and objectives” page, or add it there first",
                )
                for name in unknown
            )
        for name, limit in TEXT_LIMIT.items():
            if name in fields and len(fields[name]) > limit:
                problems.append(
                    (
                        row.place(),
                        _column(row, ACTION_FIELDS[name]),
                        f"the {name.replace('_', ' ')} is {len(fields[name]):,} characters "
                        f"long; it can be at most {limit:,}",
                    )
                )
        source = Source(
            row.place(), {name: _column(row, role) for name, role in ACTION_FIELDS.items()}
        )
        if not row.theme:
            source.columns["theme"] = _column(row, Role.THEME) or "(no theme column or heading)"
        add({"model": "actions.action", "fields": fields}, source)
        lead_position, given = 0, set()
        for part in row.lead_parts:
            said = choices.leads.get(normal(part))
            found = None if said else matched_lead(part, parties)
            targets = [found] if found else []
            for value in said or []:
                if value == NEW:
                    targets.append(Party("organisation", part[:60], part))
                elif value in by_value:
                    targets.append(by_value[value])
            if not targets:
                problems.append(
                    (
                        row.place(),
                        _column(row, Role.LEAD),
                        f"nobody in the partnership is called “{part}”: say who “{part}” is "
                        "under Leads, or have a new organisation made for it",
                    )
                )
                continue
            for party in targets:
                if party.value in given:
                    continue  # "WCC PH / Public Health" may name one party twice
                given.add(party.value)
                lead_position += 1
                add(
                    {
                        "model": "actions.actionlead",
                        "fields": {
                            "action": [*agreement_key, reference],
                            "position": lead_position,
                            party.kind: [party.short_name],
                        },
                    },
                    Source(
                        row.place(),
                        {
                            "organisation": _column(row, Role.LEAD),
                            "body": _column(row, Role.LEAD),
                            "action": _column(row, Role.REFERENCE),
                        },
                    ),
                )
    return Plan(records, sources, problems)


def obligations_named(cell: str, obligations: dict[str, str]) -> tuple[list[str], list[str]]:
    """The partnership's duties or objectives a cell names (`obligations`: their names by
    normal form), and the names it gives that are none of them. The whole cell is one name,
    or several, one a line or separated by semicolons."""
    cell = (cell or "").strip()
    if not cell:
        return [], []
    if normal(cell) in obligations:
        return [obligations[normal(cell)]], []
    served, unknown = [], []
    for part in OBLIGATION_SEPARATORS.split(cell):
        if not part:
            continue
        name = obligations.get(normal(part))
        if name is None:
            unknown.append(part)
        elif name not in served:
            served.append(name)
    return served, unknown


def _column(row: PlanRow, role: str) -> str:
    index = row.roles.get(role)
    return row.table.column_name(index) if index is not None else ""


def _description(row: PlanRow) -> str:
    """The action's short title and its full paragraph, both kept: the title first."""
    title, details = row.value(Role.ACTION), row.value(Role.DETAILS)
    if title and details and normal(details) != normal(title):
        return f"{title}\n\n{details}"
    return title or details


def _new_theme_key(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "theme"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


# --- The importer's problems, by row and column ----------------------------------------------

PROBLEM = re.compile(r"^record (\d+)(?: \([^)]*\))?(?:: field '([^']+)')?: (.*)$", re.DOTALL)
RECORD = re.compile(r"\brecord (\d+)\b")


def problems_by_place(problems: list[str], sources: dict[int, Source]):
    """The importer's problems, each as (place, column, message) of the table."""

    def place_of(match):
        source = sources.get(int(match[1]))
        return source.place if source else match[0]

    told = []
    for problem in problems:
        match = PROBLEM.match(problem)
        if match is None:
            told.append(("The plan", "", RECORD.sub(place_of, problem)))
            continue
        source = sources.get(int(match[1]))
        message = RECORD.sub(lambda m: place_of(m).lower()[:1] + place_of(m)[1:], match[3])
        if source is None:
            told.append((f"Record {match[1]}", match[2] or "", message))
            continue
        column = source.columns.get(match[2] or "", "") if match[2] else ""
        if not match[2] and message.startswith("duplicate of"):
            # Two rows give one record: the reference (the key of an action and its leads).
            column = source.columns.get("reference") or source.columns.get("action", "")
        told.append((source.place, column or (f"({match[2]})" if match[2] else ""), message))
    # A clashing reference is the importer's problem twice (the action, and its lead, each a
    # duplicate record), which a table tells at one place in the same words: tell it once.
    return list(dict.fromkeys(told))


def year_in(*texts: str) -> int | None:
    """The year a plan starts, from words such as "2017-18", "2017/18" or "2017 to 2018"."""
    for text in texts:
        match = re.search(r"\b(20\d\d)\s*(?:-|–|/|_|to)\s*(?:20)?(\d\d)\b", text or "")
        if match and (int(match[2]) - int(match[1][2:])) % 100 == 1:
            return int(match[1])
    return None
