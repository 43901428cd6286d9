"""The spreadsheet's preview says who changed an action since the file was downloaded, and
when (issue 27, item 5): the uploader's own earlier update is theirs ("you"), not "someone
else's"; another person is named. Asserted on the preview as served."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from actions.editing.services import action_update_details
from actions.models import Action, Status
from actions.services import progress_update_create
from tests.actions.test_action_update import form_data
from tests.actions.test_progress_spreadsheet import (
    as_upload,
    download,
    fill,
    row_of,
    upload,
    year_action,
)
from tests.served import served

pytestmark = pytest.mark.django_db


def _when(action) -> str:
    """The day and time of the action's last recorded change, as a Worcestershire reader."""
    moment = timezone.localtime(
        Action.history.filter(id=action.pk).latest("history_date").history_date
    )
    return f"{date_format(moment, 'j F Y')} at {date_format(moment, 'H:i')}"


def _preview_after(client, workbook):
    response = upload(client, as_upload(workbook))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page


def _problem_text(page, reference) -> str:
    [row] = [r for r in served(page).table(data_table="problems").rows if r.reference == reference]
    return re.sub(r"\s+", " ", " ".join(row.cells))


def test_the_uploaders_own_update_since_the_download_is_theirs_with_its_time(
    client, officer_wcc_ph
):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    drive = year_action("A1")
    fill(sheet, row_of(sheet, drive), "On track", "From the spreadsheet.")
    # The same person records an update on the action's page before uploading the file.
    response = client.post(
        reverse("actions:action_update", args=[drive.pk]),
        form_data(drive, status="at_risk", note="Recorded on the page first."),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    page = _preview_after(client, workbook)

    text = _problem_text(page, "A1")
    assert "someone else" not in text
    assert f"A1 was updated by you after you downloaded the file, on {_when(drive)}" in text
    assert "Your update: At risk about" in text
    assert "Recorded on the page first." in text
    assert "Their update" not in text


def test_another_persons_update_names_them_and_when(
    client, officer_wcc_ph, officer_wcc_ph_colleague
):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    drive = year_action("A1")
    fill(sheet, row_of(sheet, drive), "On track", "Mine.")
    progress_update_create(
        action=drive,
        author=officer_wcc_ph_colleague,
        status=Status.OFF_TRACK,
        note="Theirs: the contract fell through.",
    )

    text = _problem_text(_preview_after(client, workbook), "A1")

    assert (
        "A1 was updated by someone else after you downloaded the file: "
        f"officer-wcc-ph-2 person, on {_when(drive)}"
    ) in text
    assert "Their update, by officer-wcc-ph-2 person: Off track about" in text
    assert "Theirs: the contract fell through." in text


def test_a_change_that_is_not_an_update_is_named_without_an_older_update(
    client, officer_wcc_ph, coordinator
):
    client.force_login(officer_wcc_ph)
    drive = year_action("A1")
    progress_update_create(
        action=drive, author=officer_wcc_ph, status=Status.ON_TRACK, note="Before the download."
    )
    workbook = download(client)
    sheet = workbook["Progress"]
    fill(sheet, row_of(sheet, drive), "At risk", "Mine.")
    drive.refresh_from_db()
    action_update_details(
        action=drive,
        user=coordinator,
        description=drive.description + " (reworded)",
        timescale=drive.timescale,
        leads=[lead.organisation or lead.body for lead in drive.leads.order_by("position")],
        target=drive.target,
        reason="Reworded at the board",
        expected_version=drive.version,
    )

    text = _problem_text(_preview_after(client, workbook), "A1")

    assert (
        "A1 was changed by someone else after you downloaded the file: coordinator person, "
        f"on {_when(drive)} (Reworded at the board)"
    ) in text
    # The update shown before the download is not offered as what changed since.
    assert "Before the download." not in text
