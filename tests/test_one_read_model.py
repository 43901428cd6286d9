"""One plan, every surface: the same rows and flags everywhere, and one restricted rule.

The 2018-19 plan with actions in every state, and one action (A5) that the restricted Channel
Panel led for a while: a note and a rewording were written then, and the panel's lead was
later removed. Every page, export, report and command must show the same actions with the
same status and overdue flag to the same person on the same day, and nobody outside the
panel may see anything of A5 there, while its members, the coordinator and admins do.
"""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.editing.services import action_update_details
from actions.models import Action, ProgressUpdate, Status
from actions.services import progress_update_create
from csa.models import Agreement
from governance.clock import today
from governance.models import Body
from tests.served import served

SECRET = "case 4411"  # in the wording and the note written while the panel led A5
YEAR = datetime.date(2018, 4, 1)


def _action(reference):
    return Action.objects.select_related("agreement").get(
        agreement__period_start=YEAR, reference=reference
    )


def _update(reference, status, *, day, note="", outcome="", author=None):
    progress_update_create(
        action=_action(reference),
        author=author,
        status=status,
        note=note,
        outcome=outcome,
        date=day,
    )


def _leads(action):
    return [lead.party for lead in action.leads.order_by("position")]


@pytest.fixture
def plan(scb, coordinator):
    """The 2018-19 plan in every state, with A5's restricted era."""
    _update("A1", Status.ON_TRACK, day=datetime.date(2018, 6, 1), note="Procured.")
    _update("A2", Status.AT_RISK, day=datetime.date(2018, 9, 1), note="Funding unclear.")
    _update("A3", Status.COMPLETED, day=datetime.date(2018, 5, 20), outcome="Done.")
    _update("A4", Status.OFF_TRACK, day=datetime.date(2018, 10, 1), note="Redditch stalled.")
    _update("A6", Status.DEFERRED, day=datetime.date(2018, 8, 1), note="Next year.")
    _update("A9", Status.CANCELLED, day=datetime.date(2018, 7, 1), note="Withdrawn.")

    panel = Body.objects.get(short_name="Channel Panel")
    a5 = _action("A5")
    public_wording, public_leads = a5.description, _leads(a5)
    a5 = action_update_details(
        action=a5,
        user=coordinator,
        description=f"Refer {SECRET} to the panel",
        timescale=a5.timescale,
        leads=[*public_leads, panel],
        reason="The panel takes it on",
        expected_version=a5.version,
    )
    progress_update_create(
        action=a5,
        author=coordinator,
        status=Status.AT_RISK,
        note=f"The panel heard {SECRET}.",
        date=datetime.date(2018, 9, 15),
    )
    a5 = _action("A5")
    action_update_details(
        action=a5,
        user=coordinator,
        description=public_wording,
        timescale=a5.timescale,
        leads=public_leads,
        reason="Back with the partners",
        expected_version=a5.version,
    )
    return Agreement.objects.get(board=scb, period_start=YEAR)


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _csv_rows(client, agreement):
    response = client.get(
        reverse("actions:action_export", args=["csv"]), {"agreement": agreement.pk}
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(_text(response).lstrip("\ufeff"))))


def _xlsx_rows(client, agreement):
    response = client.get(
        reverse("actions:action_export", args=["xlsx"]), {"agreement": agreement.pk}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def _listed(response) -> dict[str, tuple[str, bool]]:
    """{reference: (status as written, overdue)} as the list of actions served them: the
    status is a row's first tag, and an overdue action has an "Overdue by ..." tag."""
    rows = served(response).table(id="action-list").rows
    return {
        row.reference: (row.tags[0], any(t.startswith("Overdue") for t in row.tags[1:]))
        for row in rows
    }


def _surfaces(client, user, agreement):
    """{surface: {reference: (status label, overdue)}} as each surface shows them today."""
    client.force_login(user)
    scb = agreement.board
    found = {}

    page = client.get(reverse("actions:my_actions"))
    found["my actions"] = {
        a.reference: (a.status_on_label, a.is_overdue)
        for group in page.context["groups"]
        if group.agreement.pk == agreement.pk
        for theme in group.themes
        for a in theme.actions
    }
    query = {"agreement": agreement.pk, "as_of": today().isoformat()}
    dashboard = served(client.get(reverse("actions:dashboard"), query))
    found["dashboard overdue"] = set(dashboard.references("overdue"))
    found["list"] = _listed(client.get(reverse("actions:action_list"), query))
    found["csv"] = {
        r["Reference"]: (r[f"Status on {today():%Y-%m-%d}"], r[f"Overdue on {today():%Y-%m-%d}"])
        for r in _csv_rows(client, agreement)
    }
    found["xlsx"] = {
        r["Reference"]: (r[f"Status on {today():%Y-%m-%d}"], r[f"Overdue on {today():%Y-%m-%d}"])
        for r in _xlsx_rows(client, agreement)
    }
    report = served(client.get(reverse("actions:board_report"), query))
    found["report overdue"] = set(report.references("overdue"))
    agenda = client.get(
        reverse("meetings:agenda", args=[scb.pk]), {"date": today().isoformat()}
    ).context
    found["agenda overdue"] = {
        item.action.reference
        for item in agenda["items"]
        if item.action.agreement_id == agreement.pk and "Overdue" in item.reasons
    }
    return found


def _overdue_command(*extra) -> set[str]:
    out = io.StringIO()
    call_command("overdue", "--agreement", "SCB:2018-19", "--format", "json", *extra, stdout=out)
    return {row["reference"] for row in json.loads(out.getvalue())}


def test_every_surface_shows_the_same_rows_and_flags(client, plan, chair):
    found = _surfaces(client, chair, plan)
    rows = found["list"]
    yes_no = {ref: (status, "Yes" if overdue else "No") for ref, (status, overdue) in rows.items()}
    overdue = {ref for ref, (_, is_overdue) in rows.items() if is_overdue}

    assert found["my actions"] == rows
    assert found["csv"] == yes_no
    assert found["xlsx"] == yes_no
    for surface in ("dashboard overdue", "report overdue", "agenda overdue"):
        assert found[surface] == overdue, surface
    assert _overdue_command() == overdue
    # Every state is there: open and overdue, completed, deferred, cancelled.
    statuses = {status for status, _ in rows.values()}
    assert {"On track", "At risk", "Off track", "Completed", "Deferred", "Cancelled"} <= statuses
    assert {"A3", "A6", "A9"}.isdisjoint(overdue) and {"A1", "A2", "A4"} <= overdue


@pytest.mark.parametrize("who", ["officer_wcc_ph", "chair", "officer_police"])
def test_nothing_of_the_restricted_era_reaches_a_non_member(client, plan, who, request):
    """A5 is led by WCC PH today, yet its officer sees none of it: the panel led it once."""
    user = request.getfixturevalue(who)
    found = _surfaces(client, user, plan)
    for surface, rows in found.items():
        assert "A5" not in rows, surface
    assert "A5" not in _overdue_command()

    a5 = _action("A5")
    assert client.get(reverse("actions:action_detail", args=[a5.pk])).status_code == 404
    assert client.get(reverse("plans:action_as_of", args=[a5.pk])).status_code == 404
    pages = [
        client.get(reverse("actions:my_actions")),
        client.get(reverse("actions:action_list"), {"agreement": plan.pk, "search": "4411"}),
        client.get(reverse("actions:action_export", args=["csv"]), {"agreement": plan.pk}),
        client.get(reverse("actions:board_report"), {"agreement": plan.pk}),
        client.get(reverse("plans:agreement_detail", args=[plan.pk])),
        client.get(reverse("plans:agreement_detail", args=[plan.pk]), {"at": today().isoformat()}),
        client.get(reverse("plans:agreement_compare", args=[plan.pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert SECRET not in _text(response)
    sheet = _xlsx_rows(client, plan)
    assert SECRET not in json.dumps(sheet, default=str)


@pytest.mark.parametrize("who", ["officer_channel_member", "coordinator", "admin_user"])
def test_members_the_coordinator_and_admins_see_the_restricted_era(client, plan, who, request):
    client.force_login(request.getfixturevalue(who))
    a5 = _action("A5")
    page = client.get(reverse("actions:action_detail", args=[a5.pk]))
    assert page.status_code == 200
    assert SECRET in _text(page)  # the note and the old wording, in the timeline
    assert "A5" in _listed(client.get(reverse("actions:action_list"), {"agreement": plan.pk}))
    assert "A5" in _overdue_command("--include-restricted")


def test_the_stored_status_is_always_the_computed_one(plan):
    """Action.status is a copy kept for speed, written only by progress_update_create: after
    updates in and out of date order it equals the status computed from the updates."""
    a7 = _action("A7")
    for day, status in [
        (datetime.date(2018, 9, 1), Status.ON_TRACK),
        (datetime.date(2018, 6, 1), Status.AT_RISK),  # recorded later, about an earlier day
        (datetime.date(2018, 9, 1), Status.OFF_TRACK),  # the same day again
    ]:
        progress_update_create(action=a7, author=None, status=status, note="n", date=day)
    for action in Action.objects.rows(today()):
        assert action.status == action.status_on, action.reference
    assert ProgressUpdate.objects.filter(action__agreement=plan).exists()
