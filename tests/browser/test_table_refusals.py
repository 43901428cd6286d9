"""A bad table is refused in a real Chromium (issue 26, "Done when"): the coordinator uploads,
through the page's file input, a Word table with no column of actions, an Excel sheet with a
lead nobody in the partnership is called, and a Word file of two tables that give the same
reference twice. Each time the GOV.UK error summary takes the focus at the top of the page and
names the table or sheet, the row and the column; no "Load this plan" button and no preview
of what would be created is shown; and nothing is written. axe checks every refusal page.

The files are tests/plans/test_tables.py's, which the Django client's tests of the same
refusals upload too."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Action
from csa.models import Agreement
from plans.models import TableMapping
from tests.browser.test_table_upload import _at_320_px, _upload
from tests.plans.test_agreement_upload import _ours
from tests.plans.test_importer_merge import _changed_tables, _tables
from tests.plans.test_tables import (  # noqa: F401 (fixtures)
    clashing_references,
    no_action_column,
    scb_coordinator,
    scb_governance,
    unknown_lead,
)

pytestmark = pytest.mark.django_db(transaction=True)

SUMMARY_BEFORE_HEADING = """() => {
    const summary = document.querySelector("main .govuk-error-summary");
    const heading = document.querySelector("main h1");
    return !!summary && !!heading
        && !!(summary.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""


def _written(board):
    return (
        Agreement.objects.filter(board=board).count(),
        Action.objects.filter(agreement__board=board).count(),
        TableMapping.objects.filter(board=board).count(),
    )


def _upload_bytes(page, live_server, tmp_path, name, content, assert_accessible):
    path = tmp_path / name
    path.write_bytes(content)
    _upload(page, live_server, path, assert_accessible)


def _nothing_written(board, nothing, before):
    assert _written(board) == nothing
    assert _changed_tables(before, _ours(_tables())) == [], "a refused table writes nothing"


def _refused(page, assert_accessible, title, message, count=1):
    """The refusal as the coordinator meets it: the summary focused at the top, each of its
    `count` items the `message` naming the place, and no way on to loading the plan."""
    expect(page).to_have_title(re.compile(r"^Error: " + re.escape(title)))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert page.evaluate(SUMMARY_BEFORE_HEADING), "the error summary is not above the heading"
    expect(summary.get_by_role("alert")).to_be_visible()
    expect(summary.locator("li")).to_have_text([message] * count)
    expect(page.get_by_role("button", name="Load this plan")).to_have_count(0)
    expect(page.locator("[data-count]")).to_have_count(0)
    expect(page.locator('[data-table="created"]')).to_have_count(0)
    assert_accessible(page)
    _at_320_px(page)
    return summary


def test_a_bad_table_is_refused_by_row_and_column_writing_nothing(
    live_server,
    page,
    sign_in,
    scb_governance,  # noqa: F811 (the fixture imported above)
    scb_coordinator,  # noqa: F811
    assert_accessible,
    tmp_path,
):
    sign_in(scb_coordinator)
    nothing = _written(scb_governance)
    assert nothing == (0, 0, 0)
    before = _ours(_tables())

    # 1. No column holds the actions: refused on the mapping page, before any preview.
    _upload_bytes(page, live_server, tmp_path, "plan.docx", no_action_column(), assert_accessible)
    expect(page.get_by_label("“What we will do”")).to_have_value("ignore")
    page.get_by_label("The year the plan starts").fill("2017")
    page.get_by_role("button", name="Check what loading will do").click()
    page.wait_for_load_state()

    _refused(
        page,
        assert_accessible,
        "How your plan's table reads",
        "Table 1, row 1 (the header row): no column holds the actions: choose “Action” for "
        "the column that says what will be done",
    )
    expect(page.get_by_label("The year the plan starts")).to_have_value("2017")
    _nothing_written(scb_governance, nothing, before)

    # 2. A lead nobody knows: asked who "Swanswel" is, the coordinator has no one to choose.
    _upload_bytes(page, live_server, tmp_path, "plan.xlsx", unknown_lead(), assert_accessible)
    page.get_by_label("The year the plan starts").fill("2017")
    swanswel = page.get_by_role("group", name="Who is “Swanswel”?")
    expect(swanswel.get_by_role("checkbox", checked=True)).to_have_count(0)
    page.get_by_role("button", name="Check what loading will do").click()
    page.wait_for_load_state()

    summary = _refused(
        page,
        assert_accessible,
        "Check what loading the plan will do",
        "Sheet “Action plan”, row 3, column D (“Lead”): nobody in the partnership is called "
        "“Swanswel”: say who “Swanswel” is under Leads, or have a new organisation made for it",
    )
    summary.get_by_role("link").first.click()
    problem = page.locator("#problem-1")
    expect(problem).to_contain_text("Sheet “Action plan”, row 3")
    expect(problem).to_contain_text("column D (“Lead”)")
    # The question is still there to answer, with what was chosen kept.
    expect(page.get_by_role("group", name="Who is “Swanswel”?")).to_be_visible()
    expect(page.get_by_label("The year the plan starts")).to_have_value("2017")
    _nothing_written(scb_governance, nothing, before)

    # 3. Two tables with clashing references: both give an A1.
    _upload_bytes(
        page, live_server, tmp_path, "plan-2017-18.docx", clashing_references(), assert_accessible
    )
    expect(page.get_by_label("The year the plan starts")).to_have_value("2017")
    expect(page.locator('[data-table="tables"] tbody tr')).to_have_count(2)
    page.get_by_role("button", name="Check what loading will do").click()
    page.wait_for_load_state()

    summary = _refused(
        page,
        assert_accessible,
        "Check what loading the plan will do",
        "Table 2, row 2, column “Ref”: duplicate of table 1, row 2",
        # Told once: the importer finds both the action A1 and its first lead given twice,
        # at the same row and column, in the same words (it was told twice).
        count=1,
    )
    summary.get_by_role("link").first.click()
    expect(page.locator("#problem-1")).to_contain_text("column “Ref”")
    _nothing_written(scb_governance, nothing, before)
