"""The JSON Schema of a year's file (fixtures/agreement.schema.json) and the README's table of
its fields say what the loader does: a file the schema accepts is one the loader accepts, and a
file the loader refuses for its shape is one the schema refuses too. Every case below goes
through both: the schema, with format assertion on, and the loader's dry run on a database.

What JSON Schema cannot see (whether a natural key names a record in the file or already
loaded, whether a record is new, the partnership's rules) is left to the loader: those cases
are listed apart, accepted by the schema and refused by the loader."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from plans.importer import AgreementFileError, load_agreement_data, load_agreement_file
from plans.schema import (
    README_PATH,
    README_TABLE_END,
    README_TABLE_START,
    SCHEMA_PATH,
    format_table,
    schema_text,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
WRITE = '.venv/bin/python manage.py shell -v 0 -c "from plans.schema import write; write()"'


def test_the_shipped_schema_is_the_loaders():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        f"fixtures/agreement.schema.json is out of date: run {WRITE}"
    )


def test_the_readme_lists_every_field_as_the_loader_has_it():
    readme = README_PATH.read_text(encoding="utf-8")
    start = readme.index(README_TABLE_START)
    end = readme.index(README_TABLE_END) + len(README_TABLE_END)
    assert readme[start:end] == format_table(), f"README's table of fields is out of date: {WRITE}"


def test_the_readme_holds_no_pasted_command_output():
    # `manage.py shell` prints this line first: it was pasted twice above the table once.
    assert "objects imported automatically" not in README_PATH.read_text(encoding="utf-8")


def _validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


VALIDATOR = _validator()


def schema_errors(records) -> list:
    return list(VALIDATOR.iter_errors(records))


def loader_problems(records) -> list[str]:
    """What the loader's dry run refuses the file for; [] when it would load it."""
    data = json.dumps(records).encode()
    try:
        load_agreement_data(data, name="case.json", dry_run=True)
    except AgreementFileError as refused:
        return refused.problems
    return []


# --- A small self-contained year: every record it names is in it ------------------------------

BOARD = "Schema Test Board"
PLAN = [BOARD, "2024-04-01"]
MEETING = [BOARD, "2024-06-12", "Board meeting"]


def a_year() -> list[dict]:
    return copy.deepcopy(
        [
            record("governance.organisation", short_name="Schema Org", name="Schema Council"),
            record("governance.person", name="Pat Schema", organisation=["Schema Org"]),
            record("governance.body", short_name=BOARD, name="Schema board", kind="board"),
            record(
                "governance.body",
                short_name="Schema Group",
                name="Schema task group",
                kind="task_group",
                partnership=[BOARD],
            ),
            record("governance.meeting", body=[BOARD], date="2024-06-12", title="Board meeting"),
            record("csa.theme", board=[BOARD], key="safety", name="Safety"),
            record(
                "csa.agreement",
                board=[BOARD],
                period_start="2024-04-01",
                period_end="2025-03-31",
                title="Schema agreement 2024 to 2025",
                status="adopted",
            ),
            record(
                "actions.action",
                agreement=PLAN,
                reference="A1",
                theme=[BOARD, "safety"],
                description="Recommission the service",
                timescale="March 2025",
            ),
            record(
                "actions.actionlead",
                action=[*PLAN, "A1"],
                position=1,
                organisation=["Schema Org"],
            ),
        ]
    )


def record(model, **fields) -> dict:
    return {"model": model, "fields": fields}


def number_of(records, model, **match) -> int:
    """The number, counted from 1 as the loader counts, of the first record of a model (whose
    fields have the values given)."""
    return next(
        n
        for n, r in enumerate(records, 1)
        if r["model"] == model and all(r["fields"].get(k) == v for k, v in match.items())
    )


def changed(model, match=None, **fields):
    """The year with fields of the first record of a model (that matches) set; LEFT_OUT
    leaves a field out."""

    def case():
        records = a_year()
        number = number_of(records, model, **(match or {}))
        target = records[number - 1]["fields"]
        for name, value in fields.items():
            if value is LEFT_OUT:
                target.pop(name, None)
            else:
                target[name] = value
        return records, number

    return case


def with_record(model, where_model="actions.actionlead", **fields):
    """The year with one more record, placed before the first record of `where_model`."""

    def case():
        records = a_year()
        at = number_of(records, where_model) - 1
        records.insert(at, record(model, **fields))
        return records, at + 1

    return case


def reshaped(label, **keys):
    """The year with the first record of a model given other top-level keys than its own."""

    def case():
        records = a_year()
        number = number_of(records, label)
        records[number - 1].update(keys)
        return records, number

    return case


def in_a_draft(case):
    """The case with its plan a draft (an adopted plan's actions all need themes and leads)."""

    def draft():
        records, number = case()
        records[number_of(records, "csa.agreement") - 1]["fields"]["status"] = "draft"
        return records, number

    return draft


LEFT_OUT = object()
ARISING = {"reference": "M1", "description": "Report back", "origin_meeting": MEETING}

GOOD = {
    "a plan with its partnership, theme, action and lead": changed("csa.agreement"),
    "a lead that is a body": changed(
        "actions.actionlead", organisation=LEFT_OUT, body=["Schema Group"]
    ),
    "a lead naming its other party as null": changed("actions.actionlead", body=None),
    "an action arising at a meeting outside any plan, no theme": with_record(
        "actions.action", **ARISING, agreement=None
    ),
    "an action arising at a meeting, agreement left out": with_record("actions.action", **ARISING),
    "an action arising at a meeting, joined to a draft plan, no theme": in_a_draft(
        with_record("actions.action", **ARISING, agreement=PLAN)
    ),
    "a meeting's attendees named as people": changed(
        "governance.meeting", attendee_people=[["Pat Schema"]]
    ),
    "a person's sign-in account given as null (ignored)": changed("governance.person", user=None),
    "a new action's status (becomes a progress update)": changed(
        "actions.action", status="on_track"
    ),
    "an action with no due date": changed("actions.action", due_date=None),
}

# The loader's words for each, in a problem about that record.
BAD = {
    "a lead with both an organisation and a body": (
        changed("actions.actionlead", body=["Schema Group"]),
        "A lead is either an organisation or a body",
    ),
    "a lead with neither": (
        changed("actions.actionlead", organisation=LEFT_OUT),
        "A lead is either an organisation or a body",
    ),
    "a lead whose organisation is null": (
        changed("actions.actionlead", organisation=None),
        "A lead is either an organisation or a body",
    ),
    "an action without a description": (
        changed("actions.action", description=LEFT_OUT),
        "field 'description': every action needs a description",
    ),
    "an action whose description is spaces": (
        changed("actions.action", description="   "),
        "field 'description': every action needs a description",
    ),
    "an action whose description is null": (
        changed("actions.action", description=None),
        "field 'description': every action needs a description",
    ),
    "an action of a plan without a theme": (
        changed("actions.action", theme=LEFT_OUT),
        "field 'theme': every action of a plan needs a theme",
    ),
    "an action of a plan whose theme is null": (
        changed("actions.action", theme=None),
        "field 'theme': every action of a plan needs a theme",
    ),
    "an action with neither a plan nor a meeting": (
        changed("actions.action", agreement=None),
        "field 'agreement' is required",
    ),
    "a meeting's attendees as names, not natural keys": (
        changed("governance.meeting", attendee_people=["Pat Schema"]),
        "field 'attendee_people'",
    ),
    "a meeting's attendees as null": (
        changed("governance.meeting", attendee_people=None),
        "field 'attendee_people': must be a list",
    ),
    "an unknown field": (
        changed("governance.organisation", colour="red"),
        "'colour' is not a field a file may give for governance.organisation",
    ),
    'a record with a "pk"': (reshaped("governance.organisation", pk=1), 'remove "pk"'),
    "a record of a model a file may not hold": (
        with_record("governance.role", kind="chair"),
        'unknown model "governance.role"',
    ),
    "a record with no fields": (
        reshaped("governance.organisation", fields=None),
        'must be an object with "model" and "fields"',
    ),
    "a status that is not one": (
        changed("actions.action", status="done"),
        "field 'status': 'done' is not one of the allowed values",
    ),
    "a timescale kind that is not one": (
        changed("actions.action", timescale_kind="soon"),
        "field 'timescale_kind'",
    ),
    "a person's sign-in account": (
        changed("governance.person", user=["admin"]),
        "field 'user': a file never links sign-in accounts",
    ),
    "a natural key with a space after it": (
        changed("governance.organisation", short_name="Schema Org "),
        "field 'short_name': write it without spaces around it",
    ),
    "a day that does not exist": (
        changed("governance.meeting", date="2024-02-30"),
        "field 'date'",
    ),
    "a date not written YYYY-MM-DD": (
        changed("governance.meeting", date="12/06/2024"),
        "field 'date'",
    ),
    "a natural key of the wrong length": (
        changed("actions.action", agreement=[BOARD]),
        "field 'agreement': no agreement",
    ),
    "a natural key written as a string": (
        changed("actions.actionlead", organisation="Schema Org"),
        'by its natural key, as a list: ["Schema Org"]',
    ),
    "an empty natural key": (
        changed("actions.action", theme=[]),
        "field 'theme': no theme",
    ),
    "a text longer than the loader takes": (
        changed("actions.action", target="x" * 100_001),
        "field 'target': the text must be 100,000 characters or fewer",
    ),
    "a text longer than its field": (
        changed("governance.organisation", name="x" * 201),
        "field 'name': Ensure this value has at most 200 characters",
    ),
    "a theme key that is not a slug": (
        changed("csa.theme", key="not a slug"),
        "field 'key': Enter a valid “slug”",
    ),
    "an empty name": (
        changed("governance.organisation", name=""),
        "field 'name': This field cannot be blank",
    ),
    "a null where a field takes none": (
        changed("governance.organisation", kind=None),
        "field 'kind': This field cannot be null",
    ),
    "a negative position": (
        changed("actions.action", position=-1),
        "field 'position': must be a whole number from 0",
    ),
    "a flag written as text": (
        changed("governance.body", statutory="true"),
        "field 'statutory'",
    ),
}

# Refused by the schema, and taken by the loader until issue 23 (the reason says what it did).
LOADER_SHOULD_REFUSE = {
    '"id" among the fields (a primary key by another name)': (
        changed("governance.organisation", id=1),
        "'id' is not a field a file may give",
        "the loader sets the primary key from fields.id (the serializer reads it) and then "
        'updates whatever record has that id: it must refuse "id" as it refuses "pk"',
    ),
    "a body's reports_to (reporting lines go round the reporting-line checks)": (
        changed("governance.body", {"short_name": "Schema Group"}, reports_to=[[BOARD]]),
        "reports_to",
        "the serializer sets the many-to-many through ReportingLine directly, so "
        "check_reporting_line and the partnership scope are skipped: reporting lines come "
        "only as governance.reportingline records",
    ),
    "an action's version (the tracker's counter)": (
        changed("actions.action", version=7),
        "version",
        "a new action takes the file's version (and loaded_version): they are the tracker's",
    ),
    "a key other than model and fields": (
        reshaped("governance.organisation", comment="ignored"),
        "comment",
        "other keys of a record are ignored silently: a mistyped key should be named",
    ),
    "a model named in capitals": (
        reshaped("governance.organisation", model="Governance.Organisation"),
        "Governance.Organisation",
        "the loader lowercases the label; loaddata refuses it: one spelling, the one listed",
    ),
    "a position of 1.5": (
        changed("actions.actionlead", position=1.5),
        "field 'position'",
        "1.5 is silently stored as 1 (IntegerField.to_python truncates)",
    ),
}


def arising_outside_the_plan():
    records = a_year()
    later = record("governance.meeting", body=[BOARD], date="2025-06-11", title="Board meeting")
    records.insert(number_of(records, "csa.theme") - 1, later)
    records.append(record("actions.action", **ARISING, agreement=PLAN))
    records[-1]["fields"]["origin_meeting"] = [BOARD, "2025-06-11", "Board meeting"]
    return records, len(records)


# What the schema cannot know is left to the loader, and said so in the schema.
LEFT_TO_THE_LOADER = {
    "a lead naming an organisation neither in the file nor loaded": (
        changed("actions.actionlead", organisation=["Nowhere Council"]),
        "field 'organisation': no organisation 'Nowhere Council'",
    ),
    "a new organisation without a name (required only of a new record)": (
        changed("governance.organisation", name=LEFT_OUT),
        "field 'name': This field cannot be blank",
    ),
    "the same record twice": (
        with_record("csa.theme", "csa.agreement", board=[BOARD], key="safety", name="Safety"),
        "duplicate of record",
    ),
    "an agreement longer than five years": (
        changed("csa.agreement", period_end="2030-03-31"),
        "field 'period_end': An agreement covers a year, or at most five",
    ),
    "an action arising at a meeting outside the plan it names": (
        arising_outside_the_plan,
        "is outside the 2024-25 plan",
    ),
}


def _problems_of(number, problems, words):
    return [
        p
        for p in problems
        if p.startswith((f"record {number} ", f"record {number}:")) and words in p
    ]


@pytest.mark.parametrize("case", GOOD.values(), ids=GOOD.keys())
def test_the_schema_accepts_a_good_file(case):
    records, _ = case()
    assert [e.message for e in schema_errors(records)] == []


@pytest.mark.parametrize("case", GOOD.values(), ids=GOOD.keys())
def test_the_loader_accepts_a_good_file(db, case):
    records, _ = case()
    assert loader_problems(records) == []


@pytest.mark.parametrize(
    "case",
    [c for c, *_ in (*BAD.values(), *LOADER_SHOULD_REFUSE.values())],
    ids=[*BAD.keys(), *LOADER_SHOULD_REFUSE.keys()],
)
def test_the_schema_refuses_a_bad_file_at_the_bad_record(case):
    records, number = case()
    errors = schema_errors(records)
    assert errors, "the schema accepts it"
    assert {tuple(e.absolute_path)[:1] for e in errors} == {(number - 1,)}, [
        e.message for e in errors
    ]


@pytest.mark.parametrize(
    "case,words",
    [
        *BAD.values(),
        *((case, words) for case, words, _ in LOADER_SHOULD_REFUSE.values()),
    ],
    ids=[*BAD.keys(), *LOADER_SHOULD_REFUSE.keys()],
)
def test_the_loader_refuses_a_bad_file_at_the_bad_record(db, case, words):
    records, number = case()
    problems = loader_problems(records)
    assert _problems_of(number, problems, words), problems


@pytest.mark.parametrize("case,words", LEFT_TO_THE_LOADER.values(), ids=LEFT_TO_THE_LOADER.keys())
def test_what_the_schema_cannot_see_is_left_to_the_loader(db, case, words):
    records, number = case()
    assert [e.message for e in schema_errors(records)] == []
    problems = loader_problems(records)
    assert _problems_of(number, problems, words), problems


# --- The shipped files, each after the files it names ----------------------------------------

SHIPPED = {
    "worcestershire/2017-18.json": [],
    "worcestershire/2018-19.json": ["worcestershire/2017-18.json"],
    "worcestershire/meetings.json": ["worcestershire/2017-18.json", "worcestershire/2018-19.json"],
    "watford/2016-17.json": [],
    "watford/meetings.json": ["watford/2016-17.json"],
}


def test_every_shipped_file_is_listed():
    shipped = {str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.json")}
    assert shipped == set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_schema_accepts_a_shipped_file(name):
    records = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert [e.message for e in schema_errors(records)] == []


@pytest.mark.parametrize("name,before", SHIPPED.items())
def test_the_loader_accepts_a_shipped_file(db, name, before):
    for earlier in before:
        load_agreement_file(FIXTURES / earlier)
    assert loader_problems(json.loads((FIXTURES / name).read_text(encoding="utf-8"))) == []
