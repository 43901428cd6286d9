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
