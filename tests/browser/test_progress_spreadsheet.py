"""Progress by spreadsheet in a real Chromium: download My actions, fill rows with openpyxl,
upload, read the preview, fix, confirm, see the timeline; and a row refused because someone
else updated the action in the browser after the download. axe checks the preview."""

import datetime
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from actions.models import Action
from actions.spreadsheet.workbook import LETTER

pytestmark = pytest.mark.django_db(transaction=True)


def year_action(reference):
    return Action.objects.get(
        agreement__period_start=datetime.date(2018, 4, 1), reference=reference
    )


def _download(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/my-actions/")
    page.get_by_text("Update several actions with a spreadsheet").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download these actions as a spreadsheet (XLSX)").click()
    path = tmp_path / "progress.xlsx"
    info.value.save_as(path)
    return path


def _row_of(sheet, action):
    for row in range(2, sheet.max_row + 1):
        if sheet[f"{LETTER['Action id']}{row}"].value == action.pk:
            return row
    raise AssertionError(f"{action} not in the file")


def _fill(path, rows):
    workbook = load_workbook(path)
    sheet = workbook["Progress"]
    numbers = {}
    for action, status, note in rows:
        row = _row_of(sheet, action)
        numbers[action.reference] = row
        sheet[f"{LETTER['New status']}{row}"] = status
        sheet[f"{LETTER['New note']}{row}"] = note or None
    workbook.save(path)
    return numbers


def _upload(page, path):
    details = page.locator("#progress-by-spreadsheet")
    if details.count() and details.get_attribute("open") is None:
        details.get_by_text("Update several actions with a spreadsheet").click()
    page.get_by_label("Upload your spreadsheet").last.set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").last.click()
    page.wait_for_load_state()


def test_officer_updates_two_actions_from_the_spreadsheet(
    live_server, page, sign_in, officer_wcc_ph, assert_accessible, tmp_path
):
    drive, blue_light = year_action("A1"), year_action("A4")
    sign_in(officer_wcc_ph)
    path = _download(page, live_server, tmp_path)
    rows = _fill(
        path,
        [
            (drive, "On track", "Perpetrator places commissioned from April."),
            (blue_light, "At risk", ""),
        ],
    )

    _upload(page, path)
    expect(page).to_have_title(re.compile(r"^Error: Check the updates"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"Row {rows['A4']}, New note: Enter a progress note saying why the action is at risk."
    )
    expect(page.locator("[data-table=updates]")).to_contain_text("A1")
    assert_accessible(page)

    _fill(path, [(blue_light, "At risk", "The Redditch venue is not confirmed.")])
    _upload(page, path)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("heading", name="Updates to record (2)")).to_be_visible()
    page.get_by_role("button", name="Record 2 updates").click()
    expect(page.locator("body")).to_contain_text("2 progress updates recorded from the spreadsheet")

    page.goto(f"{live_server.url}/actions/{drive.pk}/")
    expect(page.locator("body")).to_contain_text("Perpetrator places commissioned from April.")
    page.goto(f"{live_server.url}/actions/{blue_light.pk}/")
    expect(page.locator("body")).to_contain_text("The Redditch venue is not confirmed.")


def test_a_row_changed_in_the_browser_after_the_download_is_refused(
    live_server, page, sign_in, officer_wcc_ph, tmp_path
):
    drive, blue_light = year_action("A1"), year_action("A4")
    sign_in(officer_wcc_ph)
    path = _download(page, live_server, tmp_path)
    rows = _fill(
        path,
        [
            (drive, "On track", "From the spreadsheet: on track."),
            (blue_light, "On track", "From the spreadsheet: Blue Light on track."),
        ],
    )

    # After the download, the action is updated in the browser.
    page.goto(f"{live_server.url}/actions/{drive.pk}/update/")
    page.get_by_role("radio", name="Off track").check()
    page.get_by_label("Progress note").fill("Changed in the browser: the contract fell through.")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/my-actions/")
    _upload(page, path)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"Row {rows['A1']}, Reference: A1 was updated by you after you downloaded"
    )
    refused = page.locator(f"#row-{rows['A1']}")
    expect(refused).to_contain_text("Changed in the browser: the contract fell through.")
    expect(page.locator("[data-table=updates]")).to_contain_text("A4")
    expect(page.locator("[data-table=updates]")).not_to_contain_text("A1 (")
    page.get_by_role("button", name="Record 1 update").click()
    expect(page.locator("body")).to_contain_text("1 progress update recorded from the spreadsheet")
    drive.refresh_from_db()
    assert drive.updates.get().note == "Changed in the browser: the contract fell through."
