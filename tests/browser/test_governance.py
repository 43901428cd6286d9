"""The governance pages in a real browser: the map, the body page, the meeting page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from governance.models import Body, Meeting
from plans.importer import load_agreement_file
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting(scb):
    load_agreement_file(FIXTURES / "meetings.json")
    return Meeting.objects.get(body=scb)


def test_the_map_links_each_body_to_its_page_and_is_accessible(
    live_server, sign_in, assert_accessible, officer_wcc_ph, meeting
):
    page = sign_in(officer_wcc_ph)
    page.goto(f"{live_server.url}{reverse('meetings:partnership_map')}")
    assert page.locator("svg .app-map__body").count() == 14
    assert page.locator("svg .app-map__line").count() == 13
    assert_accessible(page)
    page.get_by_role(
        "link", name="Substance Misuse Strategic Oversight Group (SMSOG)"
    ).first.click()
    page.wait_for_load_state()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Substance Misuse Strategic Oversight Group")
    )


def test_the_scb_page_and_its_meeting_are_accessible(
    live_server, sign_in, assert_accessible, coordinator, meeting
):
    scb = Body.objects.get(short_name="SCB")
    page = sign_in(coordinator)
    page.goto(f"{live_server.url}{reverse('meetings:body_detail', args=[scb.pk])}")
    assert "Dr Frances Howie" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="31 July 2019: Annual Worcestershire County Council").click()
    page.wait_for_load_state()
    assert "The Board would be updated on the progress of the data set" in page.inner_text("main")
    assert_accessible(page)


def test_recording_an_action_arising_with_errors_then_without(
    live_server, sign_in, assert_accessible, coordinator, meeting
):
    page = sign_in(coordinator)
    page.goto(f"{live_server.url}{reverse('meetings:meeting_detail', args=[meeting.pk])}")
    page.get_by_role("link", name="Record an action arising").click()
    page.get_by_label("What was agreed").fill("Share the GET SAFE website with schools")
    page.get_by_role("button", name="Save the action").click()
    # Waits for the answer to the POST: read at once, the title may be the page in between's.
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert "Choose at least one lead" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("WCC PH", exact=True).check()
    page.get_by_label("Or the timescale as agreed").fill("March 2020")
    page.get_by_role("button", name="Save the action").click()
    assert "Action arising M190731-4 recorded." in page.inner_text("main")
    assert_accessible(page)
