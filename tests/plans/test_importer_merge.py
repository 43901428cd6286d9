"""Loading a year never damages what is there (issue 13).

A field a file does not name is left as it is; reloading an unchanged file after people used
the tracker changes nothing; a file changes only its own partnership's records; and the
importer refuses what the pages refuse, naming the record and writing nothing.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command

from actions.editing.services import action_update_details
from actions.models import Action, Status
from actions.services import progress_update_create
from governance.models import Body, Chair, Organisation, Person
from governance.services import chair_change
from people.demo import create_demo_accounts
from plans.importer import AgreementFileError, load_agreement_file

FILES = [
    "fixtures/worcestershire/2017-18.json",
    "fixtures/worcestershire/2018-19.json",
    "fixtures/worcestershire/meetings.json",
]
OUR_APPS = {"governance", "csa", "actions", "plans", "meetings"}


def _tables():
    """Every row of every table of ours (history included), to compare before and after."""
    return {
        model._meta.label: sorted(
            map(repr, model._base_manager.values_list(*[f.attname for f in model._meta.fields]))
        )
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in OUR_APPS
    }


def _changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def _write(tmp_path, records, name="2019-20.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records) if not isinstance(records, str) else records)
    return path


def _refused(path):
    before = _tables()
    with pytest.raises(AgreementFileError) as refused:
        load_agreement_file(path)
    assert _changed_tables(before, _tables()) == [], "a refused file must write nothing"
    return str(refused.value)


@pytest.fixture
def everything(worcestershire):
    load_agreement_file(FILES[2])
    return worcestershire


# --- 1. Omitted fields are left as they are --------------------------------------------------


def test_a_partial_record_changes_only_the_fields_it_names(worcestershire, tmp_path):
    panel = Body.objects.get(short_name="Channel Panel")
    assert panel.restricted and panel.remit
    record = {
        "model": "governance.body",
        "fields": {
            "short_name": "Channel Panel",
            "name": "The Channel Panel",
            "kind": "panel",
            "partnership": ["SCB"],
        },
    }
    report = load_agreement_file(_write(tmp_path, [record]))
    assert (report.changed, report.created) == (1, 0)
    after = Body.objects.get(pk=panel.pk)
    assert after.name == "The Channel Panel"
    assert (after.restricted, after.remit, after.statutory, after.membership) == (
        panel.restricted,
        panel.remit,
        panel.statutory,
        panel.membership,
    )


def test_reloading_the_shipped_files_after_people_used_the_tracker_changes_nothing(
    everything, settings
):
    settings.DEBUG = True  # the demo accounts are for development only
    create_demo_accounts()
    scb = Body.objects.get(short_name="SCB")
    newcomer = Person.objects.create(name="A New Chair")
    chair_change(body=scb, person=newcomer, start=datetime.date(2019, 9, 1), reason="Handover")
    drive = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    progress_update_create(
        action=drive,
        author=User.objects.get(username="officer-wcc-ph"),
        status=Status.AT_RISK,
        note="Provider delayed.",
        date=datetime.date(2018, 6, 1),
    )
    linked = set(Person.objects.filter(user__isnull=False).values_list("pk", flat=True))
    assert linked
    before = _tables()
    for path in FILES:
        report = load_agreement_file(path)
        assert (report.created, report.changed, report.kept, report.removed) == (0, 0, 0, 0), (
            path,
            report.summary(),
        )
        assert report.not_applied == []
    assert _changed_tables(before, _tables()) == []
    assert set(Person.objects.filter(user__isnull=False).values_list("pk", flat=True)) == linked
    assert Chair.objects.filter(body=scb, end__isnull=True).count() == 1


def test_a_file_never_links_an_account(worcestershire, tmp_path):
    record = {"model": "governance.person", "fields": {"name": "Someone New", "user": 1}}
    message = _refused(_write(tmp_path, [record]))
    assert "record 1 (governance.person Someone New): field 'user'" in message


def test_a_changed_file_meeting_peoples_edits_names_what_it_did_not_apply(
    worcestershire, coordinator, tmp_path, capsys
):
    drive = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    action_update_details(
        action=drive,
        user=coordinator,
        description="Reworded by the coordinator",
        timescale=drive.timescale,
        leads=[lead.party for lead in drive.leads.all()],
        target=drive.target,
        theme=drive.theme,
        reason="Clearer",
        expected_version=drive.version,
    )
    with open(FILES[1], encoding="utf-8") as f:
        records = json.load(f)
    for record in records:
        fields = record["fields"]
        if record["model"] == "actions.action" and fields["reference"] in ("A1", "A2"):
            fields["description"] = "Reworded in the file"
    path = _write(tmp_path, records, name="2018-19.json")
    from django.core.management import CommandError

    with pytest.raises(CommandError) as partly:
        call_command("load_agreement", str(path))
    message = str(partly.value)
    assert "actions.action SCB 2018-04-01 A1" in message
    assert "field 'description': changed in the tracker since it was loaded" in message
    assert "A2" not in message
    assert Action.objects.get(pk=drive.pk).description == "Reworded by the coordinator"
    second = Action.objects.get(agreement__period_start="2018-04-01", reference="A2")
    assert second.description == "Reworded in the file"


# --- 2. Names scoped to the partnership -------------------------------------------------------


def _second_partnership(**overrides):
    records = [
        {
            "model": "governance.organisation",
            "fields": {"short_name": "WM Police", "name": "West Midlands Police", "kind": "police"},
        },
        {
            "model": "governance.body",
            "fields": {"short_name": "NCB", "name": "Northshire Community Board", "kind": "board"},
        },
        {
            "model": "governance.body",
            "fields": {
                "short_name": "NCB Panel",
                "name": "Northshire Channel Panel",
                "kind": "panel",
                "partnership": ["NCB"],
            },
        },
        {
            "model": "csa.theme",
            "fields": {"board": ["NCB"], "key": "violence", "name": "Violence"},
        },
        {
            "model": "csa.agreement",
            "fields": {
                "board": ["NCB"],
                "title": "Northshire 2019 to 2020",
                "period_start": "2019-04-01",
                "period_end": "2020-03-31",
                "status": "adopted",
            },
        },
        {
            "model": "actions.action",
            "fields": {
                "agreement": ["NCB", "2019-04-01"],
                "reference": "A1",
                "theme": ["NCB", "violence"],
                "description": "Reduce violence",
                "timescale": "March 2020",
            },
        },
        {
            "model": "actions.actionlead",
            "fields": {
                "action": ["NCB", "2019-04-01", "A1"],
                "position": 1,
                "organisation": ["WM Police"],
            },
        },
    ]
    return records


def test_a_second_partnership_may_not_rename_a_shared_organisation(worcestershire, tmp_path):
    message = _refused(_write(tmp_path, _second_partnership()))
    assert "record 1 (governance.organisation WM Police)" in message
    assert "shared with the SCB partnership" in message
    assert Organisation.objects.get(short_name="WM Police").name == "West Mercia Police"


def test_a_second_partnership_refers_to_a_shared_organisation_and_creates_its_own(
    worcestershire, tmp_path
):
    records = _second_partnership()
    records[0]["fields"]["name"] = Organisation.objects.get(short_name="WM Police").name
    records[0]["fields"]["kind"] = "police"
    before = _tables()
    report = load_agreement_file(_write(tmp_path, records))
    assert report.changed == 0 and report.created == 6
    after = _tables()
    for label, rows in before.items():
        assert set(rows) <= set(after[label]), f"{label}: a row of the first partnership changed"


def test_a_second_partnership_may_not_take_over_a_body_by_short_name(worcestershire, tmp_path):
    records = _second_partnership()[1:2] + [
        {
            "model": "governance.body",
            "fields": {
                "short_name": "Channel Panel",
                "name": "Our panel",
                "kind": "panel",
                "restricted": False,
                "partnership": ["NCB"],
            },
        }
    ]
    message = _refused(_write(tmp_path, records))
    assert "record 2 (governance.body Channel Panel)" in message
    assert "belongs to the SCB's partnership" in message


def test_a_file_is_for_one_partnership(worcestershire, tmp_path):
    records = _second_partnership()[1:2] + [
        {"model": "csa.theme", "fields": {"board": ["SCB"], "key": "new", "name": "New"}}
    ]
    message = _refused(_write(tmp_path, records))
    assert "record 2 (csa.theme SCB new)" in message
    assert "this file is for the NCB's (record 1" in message


# --- 3. The importer refuses what the pages refuse --------------------------------------------


def _scb_record(model, **fields):
    return {"model": model, "fields": fields}


@pytest.mark.parametrize(
    ("records", "where", "expected"),
    [
        (
            [_scb_record("governance.reportingline", from_body=["SCB"], to_body=["PSG"])],
            "record 1 (governance.reportingline SCB PSG)",
            "go round in a circle",
        ),
        (
            [
                _scb_record(
                    "governance.chair", body=["SCB"], person=["Paul Kinsella"], start="2018-01-01"
                )
            ],
            "record 1 (governance.chair SCB Paul Kinsella 2018-01-01)",
            "overlaps",
        ),
        (
            [
                _scb_record(
                    "governance.body",
                    short_name="New group",
                    name="New group",
                    kind="sub_group",
                    partnership=["PSG"],
                )
            ],
            "record 1 (governance.body New group)",
            "name the board at its head",
        ),
        (
            [
                _scb_record(
                    "csa.agreement",
                    board=["SCB"],
                    title="Forever",
                    period_start="0001-04-01",
                    period_end="9999-03-31",
                )
            ],
            "record 1 (csa.agreement SCB 0001-04-01)",
            "between 2000 and 2100",
        ),
        (
            [
                _scb_record(
                    "actions.action",
                    agreement=["SCB", "2018-04-01"],
                    reference="A1 ",
                    theme=["SCB", "prevent"],
                    description="A second A1",
                )
            ],
            "record 1 (actions.action SCB 2018-04-01 A1 )",
            "without spaces around it",
        ),
        (
            [_scb_record("governance.body", short_name="X", name="X", kind="committee")],
            "record 1 (governance.body X): field 'kind'",
            "allowed values: board, partnership, sub_group",
        ),
    ],
    ids=["cycle", "overlapping-chair", "sub-group-partnership", "year-1", "spaced-ref", "choice"],
)
def test_refused_like_the_pages(worcestershire, tmp_path, records, where, expected):
    message = _refused(_write(tmp_path, records))
    assert where in message
    assert expected in message


def test_references_across_partnerships_are_refused(worcestershire, tmp_path):
    records = _second_partnership()
    records[0]["fields"]["name"] = "West Mercia Police"
    load_agreement_file(_write(tmp_path, records, name="ncb.json"))
    cases = [
        ("theme", ["SCB", "prevent"], "Theme 'prevent' belongs to the SCB's partnership"),
        ("carries_forward", ["SCB", "2018-04-01", "A4"], "Action A4 belongs to the SCB's"),
    ]
    for field, value, expected in cases:
        changed = _second_partnership()[4:6]
        changed[1]["fields"]["reference"] = "A2"
        changed[1]["fields"][field] = value
        message = _refused(_write(tmp_path, changed))
        assert "record 2 (actions.action NCB 2019-04-01 A2)" in message
        assert f"field '{field}'" in message and expected in message
    lead = _second_partnership()[6]
    lead["fields"].pop("organisation")
    lead["fields"]["body"] = ["PSG"]
    message = _refused(_write(tmp_path, [lead]))
    assert "The PSG belongs to the SCB's partnership" in message


def test_deeply_nested_json_is_a_message(db, tmp_path):
    message = _refused(_write(tmp_path, "[" * 200_000 + "]" * 200_000))
    assert "nested too deeply" in message


def test_a_meeting_naming_a_person_by_an_id_is_a_message(worcestershire, tmp_path):
    record = _scb_record(
        "governance.meeting",
        body=["SCB"],
        date="2019-09-01",
        title="A meeting",
        attendee_people=[987654],
    )
    message = _refused(_write(tmp_path, [record]))
    assert "record 1 (governance.meeting SCB 2019-09-01 A meeting): field 'attendee_people'" in (
        message
    )
    assert "no person 987654" in message
