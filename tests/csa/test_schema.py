"""The shipped JSON Schema of a year's file is the one built from the loader's models."""

import json
from pathlib import Path

from plans.schema import SCHEMA_PATH, agreement_file_schema, schema_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "worcestershire"


def test_the_shipped_schema_is_the_loaders():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "fixtures/agreement.schema.json is out of date: run "
        'manage.py shell -c "from plans.schema import write_schema; write_schema()"'
    )


def test_every_shipped_record_uses_only_fields_of_the_schema():
    by_model = {
        item["title"]: item["properties"]["fields"]
        for item in agreement_file_schema()["items"]["oneOf"]
    }
    for path in FIXTURES.glob("*.json"):
        for record in json.loads(path.read_text(encoding="utf-8")):
            schema = by_model[record["model"]]
            fields = set(record["fields"]) - {"user"}  # accepted as null and ignored
            assert fields <= set(schema["properties"]), (path.name, record["model"])
            assert set(schema["required"]) <= set(record["fields"]), (path.name, record["model"])


def test_choices_are_listed():
    by_model = {item["title"]: item for item in agreement_file_schema()["items"]["oneOf"]}
    status = by_model["actions.action"]["properties"]["fields"]["properties"]["status"]
    assert "not_started" in status["enum"]


def test_the_readme_lists_every_field_as_the_loader_has_it():
    from plans.schema import README_TABLE_END, README_TABLE_START, format_table

    readme = (FIXTURES.parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index(README_TABLE_START)
    end = readme.index(README_TABLE_END) + len(README_TABLE_END)
    assert readme[start:end] == format_table(), (
        "README's table of fields is out of date: paste in "
        'manage.py shell -c "from plans.schema import format_table; print(format_table())"'
    )
