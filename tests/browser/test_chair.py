"""The chair in a real Chromium: the dashboard as of a past meeting, the list, the CSV."""

import csv
import io
from pathlib import Path

import pytest

from csa.models import Agreement

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_reviews_2018_19_as_of_april_2019(
    live_server, page, sign_in, chair, assert_accessible
):
    agreement = Agreement.objects.get(board__short_name="SCB", period_start__year=2018)
    sign_in(chair)

    # The dashboard, chosen with its own form as the chair would.
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_label("Agreement").select_option(str(agreement.pk))
    as_of = page.get_by_role("group", name="As of")
    as_of.get_by_label("Day").fill("1")
    as_of.get_by_label("Month").fill("4")
    as_of.get_by_label("Year").fill("2019")
    page.get_by_role("button", name="Show the dashboard").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard as of 1 April 2019"
    assert page.get_by_role("heading", name="Overdue: 11 of 12").is_visible()
    overdue_rows = page.locator("table.app-actions-table tbody tr")
    assert overdue_rows.count() == 11
    assert "Dovetail" not in page.locator("table.app-actions-table").inner_text()
    assert page.get_by_role("img", name="Status of actions by theme").is_visible()
    # The year month by month: its figures behind a "details", opened by keyboard; the plan
    # ended on 31 March 2019, its last point (A2, due that day, was not yet overdue).
    year = page.get_by_role("img", name="Open, overdue and at-risk actions month by month")
    assert year.is_visible()
    page.locator("summary", has_text="The figures month by month").focus()
    page.keyboard.press("Enter")
    last_point = page.locator("#year-table tbody tr").last
    assert last_point.is_visible()
    assert " ".join(last_point.inner_text().split()) == "31 March 2019 12 10 0"
    assert_accessible(page)

    # The list, filtered by theme.
    page.get_by_role("link", name="All 12 actions of this plan, with filters").click()
    page.wait_for_load_state()
    page.get_by_label("Theme").select_option(label="Modern Slavery")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    # The day stays in the address (as the date input's day, month and year), to share.
    assert "theme=" in page.url and "as_of_0=1&as_of_1=4&as_of_2=2019" in page.url
    assert page.get_by_role("heading", name="2 actions").is_visible()
    list_rows = page.locator("#action-list tbody tr")
    assert list_rows.count() == 2
    assert "Modern Slavery" in list_rows.nth(0).inner_text()
    assert_accessible(page)

    # The CSV of what is on the screen.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file").click()
    download = download_info.value
    assert download.suggested_filename == "actions-SCB-2018-19-as-of-2019-04-01.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["Reference"] for r in rows) == ["A10", "A11"]
    assert {r["Theme"] for r in rows} == {"Modern Slavery"}

    # The board report.
    page.goto(f"{live_server.url}/report/?agreement={agreement.pk}&as_of=2019-04-01")
    assert page.get_by_role("heading", name="Overdue (11)").is_visible()
    assert_accessible(page)
