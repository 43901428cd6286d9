"""The spreadsheet's preview names who changed an action since the download, and when (issue
27, item 5), in a real Chromium: it blamed "someone else" for the uploader's own update.

The officer downloads My actions as a spreadsheet; a colleague of the same organisation then
records an update on A1; the officer's upload is refused for A1's row, naming the colleague
with the day and time, and showing the colleague's update.
"""

import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook
from playwright.sync_api import expect

from actions.models import Status
from actions.services import progress_update_create
from actions.spreadsheet.workbook import LETTER
from tests.browser.test_progress_spreadsheet import _download, _row_of, _upload, year_action

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_preview_names_the_colleague_who_updated_since_the_download_and_when(
    live_server, page, sign_in, officer_wcc_ph, officer_wcc_ph_colleague, tmp_path
):
    drive = year_action("A1")
    sign_in(officer_wcc_ph)
    path = _download(page, live_server, tmp_path)
    workbook = load_workbook(path)
    sheet = workbook["Progress"]
    row = _row_of(sheet, drive)
    sheet[f"{LETTER['New status']}{row}"] = "On track"
    sheet[f"{LETTER['New note']}{row}"] = "Mine, from the spreadsheet."
    workbook.save(path)

    theirs = progress_update_create(
        action=drive,
        author=officer_wcc_ph_colleague,
        status=Status.OFF_TRACK,
        note="The colleague's update: the contract fell through.",
    )

    _upload(page, path)
    moment = timezone.localtime(theirs.recorded_at)
    when = f"on {date_format(moment, 'j F Y')} at "
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        f"Row {row}, Reference: A1 was updated by someone else after you downloaded the file: "
        f"officer-wcc-ph-2 person, {when}"
    )
    expect(summary).to_contain_text(re.compile(re.escape(when) + r"\d\d:\d\d\."))
    expect(summary).not_to_contain_text("by you")
    expect(page.locator(f"#row-{row}")).to_contain_text(
        "The colleague's update: the contract fell through."
    )
