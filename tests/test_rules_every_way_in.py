"""Each named rule, tried through every way in that can reach it (issue 23).

The page, a year's file by the command and by the upload page, and the admin each meet the
same rule with the same words, and write nothing when they refuse. A rule that held only on
the pages would fail here on the other ways in.
"""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from actions.models import Action
from governance.models import Body, Chair, Meeting, Organisation, ReportingLine
from governance.services import chair_change
from tests.governance.factories import PersonFactory
from tests.governance.test_admin_rules import _post, _url
from tests.plans.test_importer_merge import _changed_tables, _tables

WAYS = ["page", "command", "upload", "admin"]


def _unchanged(before):
    changed = _changed_tables(before, _tables())
    return [label for label in changed if label != "plans.PendingLoad"]


def _by_command(tmp_path, records):
    path = tmp_path / "rule.json"
    path.write_text(json.dumps(records))
    with pytest.raises(CommandError) as refused:
        call_command("load_agreement", str(path))
    return str(refused.value)


def _by_upload(client, user, records):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = json.dumps(records).encode()
    client.force_login(user)
    response = client.post(
        reverse("plans:agreement_upload"),
        {"file": SimpleUploadedFile("rule.json", data, content_type="application/json")},
    )
    preview = client.get(response["Location"])
    assert preview.status_code == 400
    confirm = client.post(
        reverse("plans:agreement_upload_confirm"), {"sha256": hashlib.sha256(data).hexdigest()}
    )
    assert confirm.status_code == 409
    return preview.content.decode()


def _shown(way, text, message):
    """The rule's words, as that way shows them: escaped in a page, plain in a command."""
    if way == "command":
        return message in text
    return escape(message) in text


# --- governance.services.meeting_check --------------------------------------------------------


@pytest.mark.parametrize("way", WAYS)
def test_a_meeting_before_its_body_existed(way, scb, client, coordinator, admin_user, tmp_path):
    Body.objects.filter(pk=scb.pk).update(established=datetime.date(2019, 4, 1))
    message = "The meeting cannot be before the SCB was established, on 1 April 2019."
    record = {"body": ["SCB"], "date": "2018-11-01", "title": "Board"}
    before = _tables()
    if way == "page":
        client.force_login(coordinator)
        url = reverse("meetings:meeting_create", args=[scb.pk])
        text = client.post(url, {"date": "1/11/2018", "title": "Board"}).content.decode()
    elif way == "command":
        text = _by_command(tmp_path, [{"model": "governance.meeting", "fields": record}])
    elif way == "upload":
        text = _by_upload(client, admin_user, [{"model": "governance.meeting", "fields": record}])
    else:
        client.force_login(admin_user)
        text = _post(
            client,
            _url(Meeting, "add"),
            body=str(scb.pk),
            date="2018-11-01",
            title="Board",
            reason="Minutes found",
        ).content.decode()
    assert _shown(way, text, message), text[-3000:]
    assert _unchanged(before) == []


# --- governance.services.check_reporting_line -------------------------------------------------


@pytest.mark.parametrize("way", ["command", "upload", "admin"])
def test_a_reporting_line_that_goes_round_in_a_circle(way, scb, client, admin_user, tmp_path):
    psg = Body.objects.get(short_name="PSG")
    assert ReportingLine.objects.filter(from_body=psg, to_body=scb).exists()
    message = (
        "The SCB cannot report to the PSG: PSG reports to SCB, so the lines would go round in a "
        "circle."
    )
    record = {"model": "governance.reportingline", "fields": {"from_body": ["SCB"]}}
    record["fields"]["to_body"] = ["PSG"]
    before = _tables()
    if way == "command":
        text = _by_command(tmp_path, [record])
    elif way == "upload":
        text = _by_upload(client, admin_user, [record])
    else:
        client.force_login(admin_user)
        text = _post(
            client,
            _url(ReportingLine, "add"),
            from_body=str(scb.pk),
            to_body=str(psg.pk),
            reason="Structure review",
        ).content.decode()
    assert _shown(way, text, message), text[-3000:]
    assert _unchanged(before) == []


# --- governance.services.chair_period_check ---------------------------------------------------


@pytest.fixture
def planned_handovers(scb):
    """The PSG's chair hands over on 1 January 2019 for a year, then to another from 2020."""
    psg = Body.objects.get(short_name="PSG")
    police = Organisation.objects.get(short_name="WM Police")
    first = PersonFactory(name="First Successor", organisation=police)
    chair_change(body=psg, person=first, start=datetime.date(2019, 1, 1))
    Chair.objects.filter(body=psg, person=first).update(end=datetime.date(2019, 12, 31))
    Chair.objects.create(
        body=psg, person=PersonFactory(organisation=police), start=datetime.date(2020, 1, 1)
    )
    return psg, PersonFactory(name="Pat Overlap", organisation=police)


@pytest.mark.parametrize("way", ["page", "command", "upload"])
def test_a_chairs_period_that_overlaps_another(
    way, planned_handovers, client, coordinator, admin_user, tmp_path
):
    psg, newcomer = planned_handovers
    message = (
        "This overlaps First Successor's period as chair of the PSG, from 1 January 2019 to "
        "31 December 2019."
    )
    record = {
        "model": "governance.chair",
        "fields": {
            "body": ["PSG"],
            "person": ["Pat Overlap"],
            "start": "2019-06-01",
            "end": "2019-08-31",
        },
    }
    before = _tables()
    if way == "page":
        client.force_login(coordinator)
        url = reverse("meetings:chair_change", args=[psg.pk])
        text = client.post(url, {"person": newcomer.pk, "start": "1/6/2019"}).content.decode()
    elif way == "command":
        text = _by_command(tmp_path, [record])
    else:
        text = _by_upload(client, admin_user, [record])
    assert _shown(way, text, message), text[-3000:]
    assert _unchanged(before) == []


# --- Text is cleaned of control characters ----------------------------------------------------


@pytest.mark.parametrize("way", ["page", "command"])
def test_control_characters_never_reach_an_actions_text(way, scb, client, coordinator, tmp_path):
    from csa.models import Agreement

    Agreement.objects.filter(period_start="2018-04-01").update(status=Agreement.Status.DRAFT)
    action = Action.objects.get(agreement__period_start="2018-04-01", reference="A1")
    # (A page's form refuses NUL itself, with "Null characters are not allowed.")
    typed = "Recommission the\x1b service\x07"
    if way == "page":
        client.force_login(coordinator)
        url = reverse("actions:action_edit", args=[action.pk])
        form = {
            "description": typed,
            "timescale": action.timescale,
            "theme": action.theme_id,
            "lead_organisations": [
                lead.organisation_id for lead in action.leads.all() if lead.organisation_id
            ],
            "lead_bodies": [lead.body_id for lead in action.leads.all() if lead.body_id],
            "target": "",
            "version": action.version,
        }
        response = client.post(url, form)
        page = response.content.decode()
        assert response.status_code == 302, page[page.find("error-summary") :][:1500]
    else:
        with open("fixtures/worcestershire/2018-19.json", encoding="utf-8") as f:
            (record,) = [
                r
                for r in json.load(f)
                if r["model"] == "actions.action" and r["fields"]["reference"] == "A1"
            ]
        record["fields"]["description"] = typed
        path = tmp_path / "2018-19.json"
        path.write_text(json.dumps([record]))
        call_command("load_agreement", str(path))
    assert Action.objects.get(pk=action.pk).description == "Recommission the service"
