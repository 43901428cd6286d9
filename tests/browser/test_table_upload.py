"""The plan from the council's own table, in a real Chromium (issue 26, item 1): the coordinator
uploads the Worcestershire 2017-18 plan as a Word document, corrects one column's mapping,
says who two leads are, reads the preview and loads it; then the same plan as an Excel
workbook, which reads as the Word file said and changes nothing. The plan equals the shipped
fixture's each time. axe checks every page on the way, and none scrolls sideways at 320 px."""

import re

import pytest
from playwright.sync_api import expect

from csa.models import Agreement
from tests.plans.test_tables import (  # noqa: F401 (fixtures)
    excel_file,
    fixture_plan,
    loaded_plan,
    scb_coordinator,
    scb_governance,
    word_file,
)

pytestmark = pytest.mark.django_db(transaction=True)

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _upload(page, live_server, path, assert_accessible):
    page.goto(f"{live_server.url}/p/scb/agreements/")
    page.get_by_role("link", name="Upload your plan from Word or Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload your plan from Word or Excel")
    assert_accessible(page)
    page.get_by_label("Upload the plan").set_input_files(str(path))
    page.get_by_role("button", name="Upload and continue").click()
    page.wait_for_load_state()
    expect(page).to_have_title(re.compile(r"^How your plan's table reads"))


def _at_320_px(page):
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.url
    page.set_viewport_size(size)


def _load(page, assert_accessible):
    expect(page).to_have_title(re.compile(r"^Check what loading the plan will do"))
    assert_accessible(page)
    _at_320_px(page)
    page.get_by_role("button", name="Load this plan").click()
    page.wait_for_load_state()


def test_coordinator_loads_the_plan_from_word_then_from_excel(
    live_server,
    page,
    sign_in,
    scb_governance,  # noqa: F811 (the fixture imported above)
    scb_coordinator,  # noqa: F811
    assert_accessible,
    tmp_path,  # noqa: F811
):
    word = tmp_path / "csa-2017-18.docx"
    word.write_bytes(word_file())
    excel = tmp_path / "csa-2017-18.xlsx"
    excel.write_bytes(excel_file())
    sign_in(scb_coordinator)

    _upload(page, live_server, word, assert_accessible)

    # Proposed: the year from the file's name, the columns from their words, the themes by
    # name; "Milestone" says nothing, and two leads are nobody's name.
    expect(page.get_by_label("The year the plan starts")).to_have_value("2017")
    expect(page.get_by_label("“Action”")).to_have_value("action")
    expect(page.get_by_label("“Harm Reduction – Hate Crime”")).to_have_value("hate-crime")
    expect(page.get_by_label("“Milestone”")).to_have_value("ignore")
    assert_accessible(page)
    _at_320_px(page)
    page.get_by_label("“Milestone”").select_option("outcome")
    csps = page.get_by_role("group", name="Who is “CSP's”?")
    csps.get_by_label(re.compile(r"^NWCSP")).check()
    csps.get_by_label(re.compile(r"^SWCSP")).check()
    group = page.get_by_role("group", name="Who is “Reducing Offending Strategy Group”?")
    group.get_by_label(re.compile(r"^RROSG")).check()
    page.get_by_role("button", name="Check what loading will do").click()
    page.wait_for_load_state()

    expect(page.locator('[data-count="created"]')).to_have_text("37")
    expect(page.locator('[data-table="created"]')).to_contain_text("Table 1, row 9")
    assert not Agreement.objects.filter(board=scb_governance).exists()
    _load(page, assert_accessible)

    expect(page.get_by_role("heading", level=1)).to_contain_text("2017 to 2018")
    expect(page.locator("main")).to_contain_text("csa-2017-18.docx loaded: 37 created")
    expect(page.locator("main")).to_contain_text("12 events by June 2017")
    assert loaded_plan() == fixture_plan()

    _upload(page, live_server, excel, assert_accessible)

    # As the Word file said: nothing to correct.
    expect(page.get_by_label("“Milestone”")).to_have_value("outcome")
    remembered = page.get_by_role("group", name="Who is “CSP's”?")
    expect(remembered.get_by_label(re.compile(r"^NWCSP"))).to_be_checked()
    page.get_by_role("button", name="Check what loading will do").click()
    page.wait_for_load_state()
    expect(page.locator('[data-count="created"]')).to_have_text("0")
    expect(page.locator('[data-count="changed"]')).to_have_text("0")
    _load(page, assert_accessible)

    expect(page.locator("main")).to_contain_text("csa-2017-18.xlsx loaded: 0 created, 0 changed")
    assert loaded_plan() == fixture_plan()
