"""The JSON Schema of a year's file, built from the loader's own models and keys, so that
fixtures/agreement.schema.json (written by
`manage.py shell -c "from plans.schema import write_schema; write_schema()"`) cannot drift from what
the loader accepts: a test compares the two."""

import json
from pathlib import Path

from django.apps import apps
from django.db import models

from .importer import LOADABLE_MODELS, NATURAL_KEY_FIELDS

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "agreement.schema.json"
# Set by the tracker, never by a file.
NOT_IN_FILES = {
    "actions.action": {"version", "loaded_version"},
    "governance.person": {"user"},
}

_NATURAL_KEY = {"type": "array", "minItems": 1, "description": 'a natural key, e.g. ["SCB"]'}


def _property(field) -> dict:
    if field.is_relation:
        many = {"type": "array", "items": {"type": "array"}}
        prop = many if field.many_to_many else dict(_NATURAL_KEY)
    elif isinstance(field, models.BooleanField):
        prop = {"type": "boolean"}
    elif isinstance(field, models.IntegerField):
        prop = {"type": "integer", "minimum": 0}
    elif isinstance(field, models.DateField):
        prop = {"type": "string", "format": "date"}
    else:
        prop = {"type": "string"}
        if getattr(field, "max_length", None):
            prop["maxLength"] = field.max_length
    if field.choices:
        prop["enum"] = [str(value) for value, _ in field.flatchoices]
    if field.has_default() and not callable(field.default):
        prop["default"] = field.default
    if field.null:
        prop = {"anyOf": [prop, {"type": "null"}]}
    if field.help_text:
        prop["description"] = str(field.help_text)
    return prop


def agreement_file_schema() -> dict:
    records = []
    for label in LOADABLE_MODELS:
        model = apps.get_model(label)
        fields = [
            f
            for f in model._meta.get_fields()
            if f.concrete and not f.auto_created and f.name not in NOT_IN_FILES.get(label, ())
        ]
        records.append(
            {
                "title": label,
                "type": "object",
                "required": ["model", "fields"],
                "additionalProperties": False,
                "properties": {
                    "model": {"const": label},
                    "fields": {
                        "type": "object",
                        "required": NATURAL_KEY_FIELDS[label],
                        "additionalProperties": False,
                        "properties": {f.name: _property(f) for f in fields},
                    },
                },
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "A year's community safety agreement file (manage.py load_agreement)",
        "type": "array",
        "items": {"oneOf": records},
    }


def schema_text() -> str:
    return json.dumps(agreement_file_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema() -> None:
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")


# What the models alone do not say: rules the loader adds, and values it works out.
FIELD_NOTES = {
    ("governance.body", "partnership"): "null for the board at the head of the partnership",
    ("actions.action", "theme"): "required unless `origin_meeting` is given (an action arising)",
    ("actions.action", "description"): "required: every action needs one",
    ("actions.action", "due_date"): "worked out from `timescale` when left out",
    ("actions.action", "timescale_kind"): "worked out from `timescale` when left out",
    ("actions.action", "status"): "a status other than not_started becomes a progress update",
    ("actions.action", "agreement"): "null for an action arising outside any plan",
    ("actions.actionlead", "organisation"): "exactly one of `organisation` and `body`",
    ("actions.actionlead", "body"): "exactly one of `organisation` and `body`",
}
README_TABLE_START = "<!-- fields: made by plans.schema.format_table(), a test keeps it so -->"
README_TABLE_END = "<!-- /fields -->"


def _required(label, field) -> str:
    if field.name in NATURAL_KEY_FIELDS[label]:
        return "yes (key)"
    if (label, field.name) in FIELD_NOTES and "required" in FIELD_NOTES[(label, field.name)]:
        return "see note"
    if field.has_default() or field.null or field.blank or field.many_to_many:
        return "no"
    return "yes, for a new record"


def _default(field) -> str:
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


def _allowed(field) -> str:
    if field.choices:
        return ", ".join(f"`{value}`" for value, _ in field.flatchoices)
    if field.many_to_many:
        return f"a list of natural keys of {field.related_model._meta.verbose_name_plural}"
    if field.is_relation:
        return f"the natural key of {_a(field.related_model._meta.verbose_name)}"
    if isinstance(field, models.BooleanField):
        return "`true`, `false`"
    if isinstance(field, models.IntegerField):
        return "a whole number, 0 or more"
    if isinstance(field, models.DateField):
        return "a date, `YYYY-MM-DD`"
    if getattr(field, "max_length", None):
        return f"text, up to {field.max_length} characters"
    return "text"


def format_table() -> str:
    """The README's table of every field of the file: required or not, default, allowed
    values, built from the same models as the schema."""
    lines = [
        README_TABLE_START,
        "",
        "| model | field | required | default | allowed values | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label in LOADABLE_MODELS:
        model = apps.get_model(label)
        for f in model._meta.get_fields():
            if not f.concrete or f.auto_created or f.name in NOT_IN_FILES.get(label, ()):
                continue
            note = FIELD_NOTES.get((label, f.name), "")
            cells = [f"`{label}`", f"`{f.name}`", _required(label, f), _default(f), _allowed(f)]
            lines.append("| " + " | ".join([*cells, note]) + " |")
    lines += ["", README_TABLE_END]
    return "\n".join(lines)
