"""The shipped meeting: the board meeting that received the annual community safety report."""

import datetime
import json
from pathlib import Path

import pytest
from django.urls import reverse

from actions.models import Action
from governance.models import Body, Meeting
from plans.importer import load_agreement_file

MEETINGS = Path(__file__).resolve().parents[2] / "fixtures" / "worcestershire" / "meetings.json"
TITLE = "Annual Worcestershire County Council Community Safety Report"


@pytest.fixture
def meeting(scb):
    load_agreement_file(MEETINGS)
    return Meeting.objects.get(body=scb, title=TITLE)


def test_the_fixture_loads_the_meeting_with_its_actions_arising(meeting):
    assert meeting.date == datetime.date(2019, 7, 31)
    assert "data set in partnership with Police analysts" in meeting.minutes
    assert "GET SAFE presentations" in meeting.papers
    arising = list(meeting.actions_arising.order_by("reference"))
    assert [a.reference for a in arising] == ["M190731-1", "M190731-2", "M190731-3"]
    first = arising[0]
    assert first.description.startswith("The Board would be updated on the progress of the data")
    # The meeting fell after the 2018-19 year and no later plan is loaded: no plan was in
    # force, so the actions are on the board's own list, not in 2018-19's plan.
    assert first.agreement is None
    assert [lead.party.short_name for lead in first.leads.order_by("position")] == [
        "WCC PH",
        "WM Police",
    ]
    assert arising[1].leads.filter(body__short_name="PCP").exists()
    # "TBC": no due date, so never overdue until the board sets one.
    assert first.due_date is None and first.timescale_kind == "tbc"


def test_loading_twice_changes_nothing(meeting):
    report = load_agreement_file(MEETINGS)
    assert report.created == 0 and report.changed == 0
    assert Meeting.objects.filter(title=TITLE).count() == 1
    assert Action.objects.filter(origin_meeting=meeting).count() == 3


def test_every_record_is_named_by_natural_keys():
    records = json.loads(MEETINGS.read_text(encoding="utf-8"))
    assert all("pk" not in r for r in records)
    assert {r["model"] for r in records} == {
        "governance.meeting",
        "actions.action",
        "actions.actionlead",
    }


def test_the_scb_page_shows_its_chair_and_meeting_with_actions_arising(client, meeting, chair):
    client.force_login(chair)
    scb = Body.objects.get(short_name="SCB")
    page = client.get(reverse("meetings:body_detail", args=[scb.pk])).content.decode()
    assert "Dr Frances Howie" in page
    assert "Director of Public Health" in page
    assert TITLE in page
    assert "M190731-1" in page  # the actions it leads include those arising from its meetings
    detail = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "Actions arising" in detail
    assert "The Board would be updated on the progress of the data set" in detail
    assert "Arising from" in detail


def test_actions_arising_outside_a_plan_are_not_counted_in_a_year(meeting, coordinator, client):
    from csa.models import Agreement

    year = Agreement.objects.get(board=meeting.body, period_start="2018-04-01")
    assert year.actions.count() == 12
    client.force_login(coordinator)
    compare = client.get(f"/agreements/{year.pk}/compare/").content.decode()
    assert "4 actions carried forward, 8 new" in compare
    dashboard = client.get(f"/dashboard/?agreement={year.pk}&as_of=2019-08-01").content.decode()
    assert "Actions arising outside a plan: 3" in dashboard
    assert "M190731-2" in dashboard
    assert "No theme" not in dashboard
    body = client.get(f"/governance/bodies/{meeting.body.pk}/").content.decode()
    assert "M190731-1" in body
