"""A year's file uploaded in a real Chromium: the coordinator uploads it, reads the preview,
confirms and sees the plan; a file with a bad record shows the problem and loads nothing.
axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from csa.models import Agreement
from tests.plans.test_agreement_upload import year_2019

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(page, live_server, path, assert_accessible):
    page.goto(f"{live_server.url}/agreements/")
    page.get_by_role("link", name="Upload a year's agreement file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a year's agreement file")
    assert_accessible(page)
    page.get_by_label("Upload the year's agreement file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()


def test_coordinator_uploads_a_year_checks_the_preview_and_sees_the_plan(
    live_server, page, sign_in, coordinator, assert_accessible, tmp_path
):
    path = tmp_path / "2019-20.json"
    path.write_bytes(year_2019(theme_name="Domestic abuse and stalking"))
    sign_in(coordinator)

    _upload(page, live_server, path, assert_accessible)

    expect(page).to_have_title(re.compile(r"^Check what the file will do"))
    expect(page.locator('[data-count="created"]')).to_have_text("3")
    change = page.locator('[data-table="changed"] tr[data-field="name"]')
    expect(change).to_contain_text("Domestic Abuse")
    expect(change).to_contain_text("Domestic abuse and stalking")
    assert_accessible(page)
    assert not Agreement.objects.filter(period_start="2019-04-01").exists()

    page.get_by_role("button", name="Load this file").click()
    page.wait_for_load_state()

    expect(page.get_by_role("heading", level=1)).to_contain_text("2019 to 2020")
    expect(page.locator("main")).to_contain_text("Recommission the domestic abuse service")
    expect(page.locator("main")).to_contain_text("2019-20.json loaded: 3 created, 1 changed")
    assert_accessible(page)


def test_a_bad_record_is_shown_and_nothing_is_loaded(
    live_server, page, sign_in, coordinator, assert_accessible, tmp_path
):
    path = tmp_path / "2019-20.json"
    path.write_bytes(year_2019(lead="Nobody Such"))
    sign_in(coordinator)

    _upload(page, live_server, path, assert_accessible)

    expect(page).to_have_title(re.compile(r"^Error: Check what the file will do"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Record 3 (actions.actionlead SCB 2019-04-01 A1 1)")
    expect(summary).to_contain_text("no organisation 'Nobody Such'")
    summary.get_by_role("link").first.click()
    expect(page.locator("#problem-1")).to_contain_text("organisation")
    expect(page.get_by_role("button", name="Load this file")).to_have_count(0)
    assert_accessible(page)
    assert not Agreement.objects.filter(period_start="2019-04-01").exists()
