"""The JSON Schema of a year's file and the README's table of its fields, both built from the
loader's own models, keys and rules, so that neither drifts from what the loader accepts.
Tests compare the shipped schema and table with these, and run a set of good and bad files
through both the schema and the loader (tests/plans/test_schema.py). After a change, write both:

    .venv/bin/python manage.py shell -v 0 -c "from plans.schema import write; write()"
"""

import inspect
import json
from pathlib import Path

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from .importer import (
    LOADABLE_MODELS,
    MAX_FILE_BYTES,
    MAX_TEXT_LENGTH,
    NATURAL_KEY_FIELDS,
    file_fields,
)

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "agreement.schema.json"
README_PATH = SCHEMA_PATH.parent.parent / "README.md"

# Taken only as null, and then ignored: a file never links a sign-in account.
ONLY_NULL = {
    "governance.person": {"user"},
}
# Required of every record of the model, new or already loaded (the loader's _check_action).
ALWAYS_REQUIRED = {
    "actions.action": ["description"],
}

# The loader's own checks of text: a key with spaces around it is refused, and so is a
# description of spaces only. ECMA-262 and Python read these patterns alike.
NO_SPACES_AROUND = r"^\S(?:[\s\S]*\S)?$"
SOME_TEXT = r"\S"
SLUG = r"^[-a-zA-Z0-9_]+$"  # django.core.validators.validate_slug
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

DESCRIPTION = f"""\
A list of records {{"model": ..., "fields": ...}}, as manage.py load_agreement and the upload \
page read it, each naming the records it refers to by their natural keys: records before it \
in the file (the order of the models in the enum of "model" is one that works), or already \
loaded. The README's "The agreement file format" says what a load does.

This schema holds what can be checked in the file alone: the models and fields a file may \
give, their types, lengths and allowed values, the fields that name a record, and the rules \
across fields of one record (a lead is exactly one of an organisation or a body; every action \
has a description, and a theme unless it arose at a meeting). Dates are checked as dates \
(2024-02-30 refused) only by a validator that asserts "format".

The loader checks the rest, which needs the database or the whole file, and refuses the file, \
naming the record and field: that every natural key names a record in the file before it or \
already loaded, and no record is given twice; the fields a new record needs (a field left out \
of a record already loaded is left as it is, so "required" lists only the keys and what every \
record needs); that the file is for one partnership, changes only that partnership's \
records, and changes an organisation or a person only when no other partnership uses it; \
chairs' periods, reporting lines, meetings, agreement periods (2000 to 2100, at most five \
years) and actions arising within their plan's period; and what a file may not change of \
records already there. A file is at most {MAX_FILE_BYTES // 1024 // 1024} MB."""


def _key_parts(model) -> list[str]:
    signature = inspect.signature(model._default_manager.get_by_natural_key)
    return list(signature.parameters)


def _natural_key(model) -> dict:
    parts = _key_parts(model)
    return {
        "type": "array",
        "minItems": len(parts),
        "maxItems": len(parts),
        "items": {"type": ["string", "integer", "null"]},
        "description": f"the natural key of {_a(model._meta.verbose_name)}: [{', '.join(parts)}]",
    }


def _property(label, field) -> dict:
    if field.name in ONLY_NULL.get(label, ()):
        return {"type": "null", "description": "taken only as null, and ignored"}
    if field.many_to_many:
        prop = {"type": "array", "items": _natural_key(field.related_model)}
    elif field.is_relation:
        prop = _natural_key(field.related_model)
    elif isinstance(field, models.BooleanField):
        prop = {"type": "boolean"}
    elif isinstance(field, models.IntegerField):
        # The ranges every database takes (SQLite's are wider).
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        prop = {"type": "integer", "minimum": low, "maximum": high}
    elif isinstance(field, models.DateField):
        prop = {"type": "string", "format": "date", "pattern": DATE}
    else:
        prop = {"type": "string", "maxLength": field.max_length or MAX_TEXT_LENGTH}
        if not field.blank:
            prop["minLength"] = 1
        if isinstance(field, models.SlugField):
            prop["pattern"] = SLUG
        elif field.name in NATURAL_KEY_FIELDS[label]:
            prop["pattern"] = NO_SPACES_AROUND
        elif field.name in ALWAYS_REQUIRED.get(label, ()):
            prop["pattern"] = SOME_TEXT
    if field.choices:
        prop["enum"] = [str(value) for value, _ in field.flatchoices]
    if field.has_default() and not callable(field.default):
        prop["default"] = field.default
    if field.null:
        prop = {"anyOf": [prop, {"type": "null"}]}
    if field.help_text:
        prop["description"] = str(field.help_text)
    return prop


def _given(name) -> dict:
    """The record gives the field, and not as null."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


# Rules across the fields of one record, as the loader and the models apply them.
RECORD_RULES = {
    "actions.action": {
        "allOf": [
            {
                "description": "an action is named by its plan, or, arising at a meeting "
                "outside any plan (agreement null or left out), by its meeting",
                "anyOf": [_given("agreement"), _given("origin_meeting")],
            },
            {
                "description": "a theme, unless the action arose at a meeting",
                "anyOf": [_given("theme"), _given("origin_meeting")],
            },
        ]
    },
    "actions.actionlead": {
        "description": "exactly one of organisation and body",
        "oneOf": [_given("organisation"), _given("body")],
    },
}


# The fields those rules require, for the README's "required" column.
REQUIRED_BY_A_RULE = {
    "actions.action": {"theme"},
    "actions.actionlead": {"organisation", "body"},
}


def _fields_schema(label) -> dict:
    fields = file_fields(label)
    by_name = {f.name: f for f in fields}
    required = [name for name in NATURAL_KEY_FIELDS[label] if not by_name[name].null]
    return {
        "type": "object",
        "required": required + ALWAYS_REQUIRED.get(label, []),
        "additionalProperties": False,
        "properties": {f.name: _property(label, f) for f in fields},
        **RECORD_RULES.get(label, {}),
    }


def agreement_file_schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "A year's community safety agreement file (manage.py load_agreement)",
        "description": DESCRIPTION,
        "type": "array",
        "items": {
            "type": "object",
            "required": ["model", "fields"],
            "additionalProperties": False,
            "properties": {
                "model": {"enum": LOADABLE_MODELS},
                "fields": {"type": "object"},
            },
            "allOf": [
                {
                    "if": {"required": ["model"], "properties": {"model": {"const": label}}},
                    "then": {"properties": {"fields": {"$ref": f"#/$defs/{label}"}}},
                }
                for label in LOADABLE_MODELS
            ],
        },
        "$defs": {label: _fields_schema(label) for label in LOADABLE_MODELS},
    }


def schema_text() -> str:
    return json.dumps(agreement_file_schema(), indent=2, ensure_ascii=False) + "\n"


# What the models alone do not say: rules the loader adds, and values it works out.
FIELD_NOTES = {
    ("governance.person", "user"): "a file never links a sign-in account: `null` or left out",
    ("governance.body", "partnership"): "null for the board at the head of the partnership",
    ("governance.body", "restricted"): (
        "given only when the file creates the body: a file never lifts or sets the restriction "
        "of a body that exists"
    ),
    ("governance.membership", "body"): (
        "a restricted body's members come only with the file that creates it"
    ),
    ("csa.agreement", "status"): (
        "given only when the file creates the agreement; adopted or superseded only when every "
        "action has a lead and a theme (the adoption checks)"
    ),
    ("governance.meeting", "attendee_people"): 'the people who attended: `[["Jane Smith"]]`',
    ("csa.obligation", "name"): (
        "a duty or objective of the partnership's plan; a partnership that has none gets the "
        "default set when it is first needed"
    ),
    ("csa.theme", "obligations"): (
        'the partnership\'s duties and objectives, by name: `[["SCB", "Prevent"]]`; they '
        "replace the theme's"
    ),
    ("actions.action", "obligations"): (
        'the duties and objectives it serves itself, by name: `[["SCB", "Prevent"]]`; they '
        "replace the action's (its theme's count too)"
    ),
    ("actions.action", "agreement"): (
        "null or left out for an action arising outside any plan: `origin_meeting` then names it"
    ),
    ("actions.action", "theme"): "required unless `origin_meeting` is given (an action arising)",
    ("actions.action", "description"): "every action needs one, not only spaces",
    ("actions.action", "due_date"): (
        "worked out from `timescale` when left out; never moved by a file once the plan is "
        "adopted (the action's page moves it, with the ledger)"
    ),
    ("actions.action", "timescale_kind"): "worked out from `timescale` when left out",
    ("actions.action", "status"): "a status other than not_started becomes a progress update",
    ("actions.actionlead", "position"): (
        "the lead's place in the action's order; the file's leads of an action are merged as "
        "one set with the tracker's (see What a load does)"
    ),
    ("actions.actionlead", "organisation"): "exactly one of `organisation` and `body`",
    ("actions.actionlead", "body"): "exactly one of `organisation` and `body`",
}
README_TABLE_START = "<!-- fields: made by plans.schema.format_table(), a test keeps it so -->"
README_TABLE_END = "<!-- /fields -->"


def _required(label, field) -> str:
    if field.name in NATURAL_KEY_FIELDS[label]:
        return "yes (key)" if not field.null else "see note"
    if field.name in ALWAYS_REQUIRED.get(label, ()):
        return "yes, in every record"
    if field.name in REQUIRED_BY_A_RULE.get(label, ()):
        return "see note"
    if field.has_default() or field.null or field.blank or field.many_to_many:
        return "no"
    return "yes, for a new record"


def _default(label, field) -> str:
    if field.name in ONLY_NULL.get(label, ()):
        return ""
    if field.has_default() and not callable(field.default):
        return f"`{json.dumps(field.default)}`"
    if field.null:
        return "`null`"
    if field.many_to_many:
        return "`[]`"
    if field.blank and not field.is_relation:
        return '`""`'
    return ""


def _a(name) -> str:
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _allowed(label, field) -> str:
    if field.name in ONLY_NULL.get(label, ()):
        return "`null`"
    if field.choices:
        return ", ".join(f"`{value}`" for value, _ in field.flatchoices)
    if field.many_to_many:
        return f"a list of natural keys of {field.related_model._meta.verbose_name_plural}"
    if field.is_relation:
        parts = ", ".join(_key_parts(field.related_model))
        return f"the natural key of {_a(field.related_model._meta.verbose_name)} [{parts}]"
    if isinstance(field, models.BooleanField):
        return "`true`, `false`"
    if isinstance(field, models.IntegerField):
        low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
        return f"a whole number, {low:,} to {high:,}"
    if isinstance(field, models.DateField):
        return "a date, `YYYY-MM-DD`"
    if isinstance(field, models.SlugField):
        return f"letters, digits, `-` and `_`, up to {field.max_length} characters"
    words = "text" if field.blank else "text, not empty"
    if field.name in NATURAL_KEY_FIELDS[label]:
        words += ", no spaces around it"
    return f"{words}, up to {field.max_length or MAX_TEXT_LENGTH:,} characters"


def format_table() -> str:
    """The README's table of every field of the file: required or not, default, allowed
    values, built from the same models and rules as the schema."""
    lines = [
        README_TABLE_START,
        "",
        "| model | field | required | default | allowed values | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label in LOADABLE_MODELS:
        for f in file_fields(label):
            note = FIELD_NOTES.get((label, f.name), "")
            cells = [
                f"`{label}`",
                f"`{f.name}`",
                _required(label, f),
                _default(label, f),
                _allowed(label, f),
            ]
            lines.append("| " + " | ".join([*cells, note]) + " |")
    lines += ["", README_TABLE_END]
    return "\n".join(lines)


def write() -> None:
    """Write the schema file and the README's table from the models."""
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    readme = README_PATH.read_text(encoding="utf-8")
    start = readme.index(README_TABLE_START)
    end = readme.index(README_TABLE_END) + len(README_TABLE_END)
    README_PATH.write_text(readme[:start] + format_table() + readme[end:], encoding="utf-8")
