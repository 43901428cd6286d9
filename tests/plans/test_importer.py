"""A bad year's file is refused whole, with the record and field named."""

import json

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action, ActionLead
from csa.models import Agreement
from governance.models import Body, Organisation
from plans.importer import AgreementFileError, load_agreement_file

YEAR_2018 = "fixtures/worcestershire/2018-19.json"


def _records():
    with open(YEAR_2018, encoding="utf-8") as f:
        return json.load(f)


def _write(tmp_path, records, name="2018-19.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records) if not isinstance(records, str) else records)
    return path


def _snapshot():
    return (
        Agreement.objects.count(),
        Action.objects.count(),
        ActionLead.objects.count(),
        Action.history.count(),
        Organisation.objects.count(),
    )


@pytest.fixture
def only_2017(db):
    load_agreement_file("fixtures/worcestershire/2017-18.json")


def _refused(path):
    before = _snapshot()
    with pytest.raises(AgreementFileError) as refused:
        load_agreement_file(path)
    assert _snapshot() == before, "a refused file must write nothing"
    return str(refused.value)


def _first(records, model, **match):
    for record in records:
        if record["model"] == model and all(record["fields"].get(k) == v for k, v in match.items()):
            return record
    raise LookupError(match)


def test_unknown_lead_short_name_is_named(only_2017, tmp_path):
    records = _records()
    lead = _first(records, "actions.actionlead", position=1, action=["SCB", "2018-04-01", "A4"])
    lead["fields"]["organisation"] = ["Swanswel"]
    message = _refused(_write(tmp_path, records))
    assert "actions.actionlead SCB 2018-04-01 A4 1" in message
    assert "field 'organisation'" in message
    assert "'Swanswel'" in message


def test_missing_theme_is_named(only_2017, tmp_path):
    records = _records()
    action = _first(records, "actions.action", reference="A3")
    action["fields"]["theme"] = None
    message = _refused(_write(tmp_path, records))
    assert "actions.action SCB 2018-04-01 A3" in message
    assert "field 'theme': every action of a plan needs a theme" in message


def test_unknown_theme_is_named(only_2017, tmp_path):
    records = _records()
    _first(records, "actions.action", reference="A5")["fields"]["theme"] = ["SCB", "no-such-theme"]
    message = _refused(_write(tmp_path, records))
    assert "field 'theme'" in message and "no-such-theme" in message


def test_duplicate_reference_is_refused(only_2017, tmp_path):
    records = _records()
    duplicate = json.loads(json.dumps(_first(records, "actions.action", reference="A2")))
    duplicate["fields"]["description"] = "Another action with the same reference"
    records.append(duplicate)
    message = _refused(_write(tmp_path, records))
    assert "duplicate of record" in message
    assert "actions.action SCB 2018-04-01 A2" in message


@pytest.mark.parametrize("bad_date", ["2019-02-30", "31/03/2019", "soon"])
def test_bad_date_is_named(only_2017, tmp_path, bad_date):
    records = _records()
    _first(records, "csa.agreement")["fields"]["period_end"] = bad_date
    message = _refused(_write(tmp_path, records))
    assert "csa.agreement SCB 2018-04-01" in message
    assert "field 'period_end'" in message
    assert bad_date in message


def test_malformed_json_names_line_and_column(only_2017, tmp_path):
    message = _refused(_write(tmp_path, '[{"model": "csa.theme", "fields": {]'))
    assert "not valid JSON at line 1, column" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"model": "csa.theme"}, "must hold a JSON list"),
        ([{"model": "auth.user", "fields": {}}], 'unknown model "auth.user"'),
        (["just text"], 'must be an object with "model" and "fields"'),
        (
            [{"model": "csa.theme", "pk": 3, "fields": {"board": ["SCB"], "key": "x"}}],
            'remove "pk"',
        ),
        ([{"model": "csa.theme", "fields": {"board": ["SCB"]}}], "field 'key' is required"),
    ],
)
def test_malformed_records_are_refused(only_2017, tmp_path, content, expected):
    assert expected in _refused(_write(tmp_path, content))


def test_unknown_field_is_named(only_2017, tmp_path):
    records = _records()
    _first(records, "actions.action", reference="A1")["fields"]["deadline"] = "July 2018"
    message = _refused(_write(tmp_path, records))
    assert (
        "field 'deadline': 'deadline' is not a field a file may give for actions.action" in message
    )


def test_one_bad_record_leaves_the_good_ones_unwritten(only_2017, tmp_path):
    records = _records()
    _first(records, "actions.action", reference="A12")["fields"]["theme"] = None
    _refused(_write(tmp_path, records))
    assert not Agreement.objects.filter(period_start="2018-04-01").exists()


def test_year_needs_last_years_actions_it_carries_forward(db, tmp_path):
    message = _refused(_write(tmp_path, _records()))
    assert "field 'carries_forward'" in message
    assert "already loaded" in message


def test_missing_file(db, tmp_path):
    assert "does not exist" in _refused(tmp_path / "nope.json")


def test_dry_run_checks_and_writes_nothing(only_2017, capsys):
    before = _snapshot()
    call_command("load_agreement", YEAR_2018, "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert _snapshot() == before


def test_command_exits_non_zero_with_the_message(only_2017, tmp_path):
    records = _records()
    _first(records, "actions.action", reference="A1")["fields"]["due_date"] = "2018-13-01"
    path = _write(tmp_path, records)
    with pytest.raises(CommandError) as refused:
        call_command("load_agreement", str(path))
    assert "nothing was loaded" in str(refused.value)
    assert "field 'due_date'" in str(refused.value)


def test_due_date_is_derived_when_the_file_gives_none(only_2017, tmp_path):
    records = _records()
    for record in records:
        if record["model"] == "actions.action":
            record["fields"].pop("due_date")
            record["fields"].pop("timescale_kind")
    load_agreement_file(_write(tmp_path, records))
    drive = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    assert drive.due_date.isoformat() == "2018-07-31"
    assert drive.timescale_kind == "by_date"


def test_a_lead_dropped_from_the_file_is_removed_with_history(worcestershire, tmp_path):
    records = [
        r
        for r in _records()
        if not (
            r["model"] == "actions.actionlead"
            and r["fields"]["action"] == ["SCB", "2018-04-01", "A1"]
            and r["fields"]["position"] == 2
        )
    ]
    report = load_agreement_file(_write(tmp_path, records))
    assert report.removed == 1
    drive = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    assert [str(lead.party) for lead in drive.leads.all()] == ["WCC PH"]
    removal = ActionLead.history.filter(history_type="-").get()
    assert removal.history_change_reason == "loaded from 2018-19.json"
    assert Body.objects.filter(short_name="SCB").exists()


def test_loading_again_keeps_what_people_changed_in_the_tracker(worcestershire, officer_wcc_ph):
    import datetime

    from actions.models import ProgressUpdate, Status
    from actions.services import progress_update_create

    drive = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.AT_RISK,
        note="Provider delayed.",
        date=datetime.date(2018, 6, 1),
        expected_version=drive.version,
    )
    ActionLead.objects.filter(action=drive, position=2).delete()
    drive.refresh_from_db()
    report = load_agreement_file(YEAR_2018)
    # The file is as it was loaded: people's update and their removal of a lead stand, and
    # there is nothing to report.
    assert (report.created, report.changed, report.kept, report.removed) == (0, 0, 0, 0)
    assert report.not_applied == []
    drive.refresh_from_db()
    assert (drive.status, drive.version) == (Status.AT_RISK, 2)
    assert drive.leads.count() == 1
    assert ProgressUpdate.objects.filter(action=drive).count() == 1


def test_a_status_given_in_the_file_is_a_progress_update(only_2017, tmp_path):
    import datetime

    from actions.models import Status

    records = _records()
    _first(records, "actions.action", reference="A4")["fields"]["status"] = "on_track"
    load_agreement_file(_write(tmp_path, records))
    blue_light = Action.objects.get(agreement__period_start="2018-04-01", reference="A4")
    assert blue_light.status == Status.ON_TRACK
    update = blue_light.updates.get()
    assert (update.date, update.status) == (datetime.date(2018, 4, 1), Status.ON_TRACK)
    as_of = Action.objects.with_progress(as_of=datetime.date(2018, 5, 1)).get(pk=blue_light.pk)
    assert as_of.status_on == Status.ON_TRACK
