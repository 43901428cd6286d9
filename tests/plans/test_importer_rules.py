"""A year's file meets the rules the pages meet (issue 23).

Each test here failed on 6e68be9: a valid file could lift a body's restriction, add members to
a restricted body, put back leads people changed, move an adopted plan's deadlines without the
ledger, set an agreement's status past the adoption checks, store control characters, and a
second partnership's file renaming a shared organisation raised a traceback. Each refusal is
tried by the command and by the upload page, with the same message, writing nothing.
"""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.editing.services import action_update_details
from actions.models import Action, ActionLead, DueDateMove
from csa.models import Agreement
from governance.models import Body, Membership, Organisation
from plans.importer import AgreementFileError, load_agreement_data, load_agreement_file
from tests.plans.test_importer_merge import (
    FILES,
    _changed_tables,
    _second_partnership,
    _tables,
    _write,
)

UPLOAD = reverse("plans:agreement_upload")


def _records(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _refused_everywhere(client, user, tmp_path, records, *expected):
    """The command and the upload page both refuse the file with the `expected` words,
    and neither writes anything. Returns the command's message."""
    path = _write(tmp_path, records)
    before = _tables()
    with pytest.raises(CommandError) as refused:
        call_command("load_agreement", str(path))
    message = str(refused.value)
    assert _changed_tables(before, _tables()) == [], "a refused file must write nothing"
    for words in expected:
        assert words in message, message

    client.force_login(user)
    response = client.post(UPLOAD, {"file": _upload_file(path.read_bytes())})
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert preview.status_code == 400
    assert "Load this file" not in page
    for words in expected:
        assert _html(words) in page, words
    confirm = client.post(
        reverse("plans:agreement_upload_confirm"),
        {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
    )
    assert confirm.status_code == 409
    changed = [t for t in _changed_tables(before, _tables()) if t != "plans.PendingLoad"]
    assert changed == []
    return message


def _html(text):
    return text.replace("'", "&#x27;").replace('"', "&quot;")


def _upload_file(data, name="2019-20.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/json")


# --- Restricted bodies ------------------------------------------------------------------------


def test_a_file_may_not_lift_a_bodys_restriction(worcestershire, client, admin_user, tmp_path):
    record = {
        "model": "governance.body",
        "fields": {"short_name": "Channel Panel", "restricted": False},
    }
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        [record],
        "governance.body Channel Panel",
        "restricted",
        "a year's file may not lift or set the restriction of a body that exists",
    )
    assert Body.objects.get(short_name="Channel Panel").restricted


def test_a_file_may_not_restrict_a_body_that_exists(worcestershire, client, admin_user, tmp_path):
    record = {"model": "governance.body", "fields": {"short_name": "PSG", "restricted": True}}
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        [record],
        "governance.body PSG",
        "a year's file may not lift or set the restriction of a body that exists",
    )
    assert not Body.objects.get(short_name="PSG").restricted


def test_a_file_may_create_a_body_as_restricted_with_its_members(worcestershire, tmp_path):
    records = [
        {
            "model": "governance.body",
            "fields": {
                "short_name": "SCB Hub",
                "name": "Worcestershire Multi-Agency Hub",
                "kind": "panel",
                "restricted": True,
                "partnership": ["SCB"],
            },
        },
        {"model": "governance.membership", "fields": {"person": ["Tim Rice"], "body": ["SCB Hub"]}},
    ]
    report = load_agreement_file(_write(tmp_path, records))
    assert report.created == 2
    assert Body.objects.get(short_name="SCB Hub").restricted
    assert Membership.objects.filter(body__short_name="SCB Hub", person__name="Tim Rice").exists()


def test_a_file_may_not_add_a_member_to_a_restricted_body(
    worcestershire, client, admin_user, tmp_path
):
    record = {
        "model": "governance.membership",
        "fields": {"person": ["Tim Rice"], "body": ["Channel Panel"]},
    }
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        [record],
        "governance.membership Tim Rice Channel Panel",
        "the Channel Panel is restricted",
    )
    assert not Membership.objects.filter(
        body__short_name="Channel Panel", person__name="Tim Rice"
    ).exists()


def test_reloading_the_file_that_made_a_restricted_body_changes_nothing(worcestershire):
    report = load_agreement_file(FILES[0])
    assert (report.created, report.changed) == (0, 0), report.summary()


# --- Leads ------------------------------------------------------------------------------------


def _shipped_action(reference, **changes):
    """The 2018-19 file's record of an action, with `changes` to its fields."""
    (record,) = [
        r
        for r in _records(FILES[1])
        if r["model"] == "actions.action" and r["fields"]["reference"] == reference
    ]
    record["fields"].update(changes)
    return record


def _leads(action):
    return [lead.party.short_name for lead in action.leads.order_by("position")]


def _change_leads(action, user, parties):
    action_update_details(
        action=action,
        user=user,
        description=action.description,
        timescale=action.timescale,
        leads=parties,
        target=action.target,
        theme=action.theme,
        reason="The board gave it to another lead",
        expected_version=action.version,
    )
    action.refresh_from_db()


def test_reloading_keeps_the_leads_people_changed(worcestershire, coordinator):
    plan = Action.objects.filter(agreement__period_start="2018-04-01")
    first, second = plan.filter(leads__isnull=False).distinct().order_by("position")[:2]
    police = Organisation.objects.get(short_name="WM Police")
    psg = Body.objects.get(short_name="PSG")
    _change_leads(first, coordinator, [police])
    _change_leads(second, coordinator, [psg, *[lead.party for lead in second.leads.all()][:1]])
    leads_before = (_leads(first), _leads(second))
    before = _tables()

    for path in FILES[:2]:
        report = load_agreement_file(path)
        assert (report.created, report.changed, report.removed) == (0, 0, 0), report.summary()
        assert report.not_applied == []

    assert (_leads(first), _leads(second)) == leads_before
    assert _changed_tables(before, _tables()) == []


def test_a_file_changing_leads_people_changed_is_not_applied_and_says_so(
    worcestershire, coordinator, tmp_path
):
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    police = Organisation.objects.get(short_name="WM Police")
    _change_leads(action, coordinator, [police])
    records = [
        r
        for r in _records(FILES[1])
        if r["model"] == "actions.actionlead" and r["fields"]["action"][2] == "A1"
    ]
    records[0]["fields"].pop("body", None)
    records[0]["fields"]["organisation"] = ["WCC"]
    report = load_agreement_file(_write(tmp_path, records, name="2018-19.json"))
    assert _leads(action) == ["WM Police"]
    (line,) = report.not_applied
    assert "A1" in line and "leads" in line and "changed in the tracker" in line
    assert "WM Police" in line


def test_a_file_naming_fewer_leads_removes_the_others_and_names_them(
    worcestershire, client, admin_user
):
    records = _records(FILES[1])
    action = next(
        a
        for a in Action.objects.filter(agreement__period_start="2018-04-01")
        if a.leads.count() > 1
    )
    reference = action.reference
    kept, dropped = _leads(action)[0], _leads(action)[1:]
    records = [
        r
        for r in records
        if not (
            r["model"] == "actions.actionlead"
            and r["fields"]["action"][2] == reference
            and r["fields"]["position"] > 1
        )
    ]
    data = json.dumps(records).encode()
    client.force_login(admin_user)
    response = client.post(UPLOAD, {"file": _upload_file(data, "2018-19.json")})
    page = client.get(response["Location"]).content.decode()
    assert 'data-table="leads"' in page
    for name in dropped:
        assert f'data-lead-removed="{reference} {name}"' in page, name
    assert f'data-lead-kept="{reference} {kept}"' in page

    report = load_agreement_data(data, name="2018-19.json")
    assert _leads(Action.objects.get(pk=action.pk)) == [kept]
    assert report.removed == len(dropped)
    assert {(c.action, c.lead, c.change) for c in report.lead_changes} >= {
        (reference, name, "removed") for name in dropped
    }


def test_a_file_adds_a_lead_to_an_action_people_left_alone(worcestershire, tmp_path):
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    before = _leads(action)
    records = [
        r
        for r in _records(FILES[1])
        if r["model"] == "actions.actionlead" and r["fields"]["action"][2] == "A1"
    ]
    records.append(
        {
            "model": "actions.actionlead",
            "fields": {
                "action": ["SCB", "2018-04-01", "A1"],
                "position": len(records) + 1,
                "organisation": ["WM Police"],
            },
        }
    )
    report = load_agreement_file(_write(tmp_path, records, name="2018-19.json"))
    assert _leads(action) == [*before, "WM Police"]
    assert ("A1", "WM Police", "added") in {
        (c.action, c.lead, c.change) for c in report.lead_changes
    }


# --- Due dates and agreement status ----------------------------------------------------------


def test_a_file_may_not_move_a_due_date_of_an_adopted_plan(
    worcestershire, client, admin_user, tmp_path
):
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    assert action.agreement.status == Agreement.Status.ADOPTED
    record = _shipped_action("A1", timescale="December 2030", due_date="2030-12-31")
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        [record],
        "actions.action SCB 2018-04-01 A1",
        "moves the due date of an action of an adopted plan",
    )
    assert not DueDateMove.objects.filter(action=action).exists()
    assert Action.objects.get(pk=action.pk).due_date == action.due_date


def test_a_file_may_move_a_due_date_of_a_draft(worcestershire, tmp_path):
    Agreement.objects.filter(period_start="2018-04-01").update(status=Agreement.Status.DRAFT)
    record = _shipped_action("A1", timescale="December 2019", due_date="2019-12-31")
    load_agreement_file(_write(tmp_path, [record]))
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    assert action.due_date == datetime.date(2019, 12, 31)


def test_a_file_may_not_change_an_agreements_status(worcestershire, client, admin_user, tmp_path):
    record = {
        "model": "csa.agreement",
        "fields": {"board": ["SCB"], "period_start": "2018-04-01", "status": "draft"},
    }
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        [record],
        "csa.agreement SCB 2018-04-01",
        "status",
        "a year's file may not change the status of an agreement that exists",
    )
    assert Agreement.objects.get(period_start="2018-04-01").status == Agreement.Status.ADOPTED


def test_a_file_may_not_create_an_adopted_plan_that_fails_the_adoption_checks(
    worcestershire, client, admin_user, tmp_path
):
    records = [
        {
            "model": "csa.agreement",
            "fields": {
                "board": ["SCB"],
                "title": "Community Safety Agreement 2019 to 2020",
                "period_start": "2019-04-01",
                "period_end": "2020-03-31",
                "status": "adopted",
            },
        },
        {
            "model": "actions.action",
            "fields": {
                "agreement": ["SCB", "2019-04-01"],
                "reference": "A1",
                "theme": ["SCB", "domestic-abuse"],
                "description": "Recommission the domestic abuse service",
                "timescale": "March 2020",
            },
        },
    ]
    _refused_everywhere(
        client,
        admin_user,
        tmp_path,
        records,
        "csa.agreement SCB 2019-04-01",
        "has no lead: name at least one before adopting",
    )
    records[0]["fields"]["status"] = "draft"
    report = load_agreement_file(_write(tmp_path, records))
    assert report.created == 2


# --- Text and shared records -----------------------------------------------------------------


def test_control_characters_are_removed_from_a_files_text(worcestershire, tmp_path, client, scb):
    record = _shipped_action("A1", description="Recommission\x00 the\x1b service\x07\nnow")
    Agreement.objects.filter(period_start="2018-04-01").update(status=Agreement.Status.DRAFT)
    load_agreement_file(_write(tmp_path, [record]))
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    assert action.description == "Recommission the service\nnow"


def test_a_second_partnership_renaming_a_shared_organisation_is_a_message(worcestershire, tmp_path):
    load_agreement_file(FILES[2])  # actions arising outside any plan, led by shared partners
    leads = ActionLead.objects.filter(action__agreement__isnull=True, organisation__isnull=False)
    shared = leads.first().organisation
    records = _second_partnership()
    records[0]["fields"] = {"short_name": shared.short_name, "name": "Renamed", "kind": shared.kind}
    records[-1]["fields"]["organisation"] = [shared.short_name]
    path = _write(tmp_path, records)
    before = _tables()
    with pytest.raises(AgreementFileError) as refused:
        load_agreement_file(path)
    message = str(refused.value)
    assert f"record 1 (governance.organisation {shared.short_name})" in message
    assert "shared with the SCB partnership" in message
    assert _changed_tables(before, _tables()) == []
    with pytest.raises(CommandError):
        call_command("load_agreement", str(path))
    assert Organisation.objects.get(pk=shared.pk).name == shared.name
