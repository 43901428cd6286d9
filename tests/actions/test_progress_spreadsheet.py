"""Progress by spreadsheet: the file out, the file back in, the preview, the confirmation."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, PendingUpload, ProgressUpdate, Status
from actions.services import progress_update_create
from actions.spreadsheet.workbook import HEADERS, LETTER

MY_ACTIONS = reverse("actions:my_actions")
DOWNLOAD = reverse("actions:progress_download")
UPLOAD = reverse("actions:progress_upload")


def year_action(reference, start="2018-04-01"):
    return Action.objects.get(agreement__period_start=start, reference=reference)


def download(client, **params):
    response = client.get(DOWNLOAD, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def row_of(sheet, action):
    for row in range(2, sheet.max_row + 1):
        if sheet[f"{LETTER['Action id']}{row}"].value == action.pk:
            return row
    raise AssertionError(f"{action} not in the file")


def fill(sheet, row, status="", note="", date=None):
    sheet[f"{LETTER['New status']}{row}"] = status or None
    sheet[f"{LETTER['New note']}{row}"] = note or None
    sheet[f"{LETTER['Date of update']}{row}"] = date


def as_upload(workbook, name="progress.xlsx"):
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, file, scope="my-actions"):
    return client.post(UPLOAD, {"scope": scope, "file": file})


def snapshot():
    return (
        ProgressUpdate.objects.count(),
        ProgressUpdate.history.count(),
        list(Action.objects.order_by("pk").values_list("version", "status")),
    )


def test_the_file_has_the_columns_validation_and_hidden_version(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    page = client.get(MY_ACTIONS).text
    assert "Download these actions as a spreadsheet (XLSX)" in page
    workbook = download(client)
    sheet = workbook["Progress"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.column_dimensions[LETTER["Version"]].hidden
    assert sheet.column_dimensions[LETTER["Action id"]].hidden
    drive = year_action("A1")
    row = row_of(sheet, drive)
    assert sheet[f"{LETTER['Version']}{row}"].value == drive.version
    assert sheet[f"{LETTER['Reference']}{row}"].value == "A1"
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    kinds = sorted(dv.type for dv in validations.values())
    assert kinds == ["date", "list"]
    status_list = next(dv for dv in validations.values() if dv.type == "list")
    assert "At risk" in status_list.formula1
    assert workbook["About this file"].sheet_state == "hidden"


def test_preview_names_problems_by_row_and_column_and_confirm_records(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    drive, second = year_action("A1"), year_action("A4")
    fill(sheet, row_of(sheet, drive), "On track", "Perpetrator places commissioned.")
    bad_row = row_of(sheet, second)
    fill(sheet, bad_row, "At risk")
    before = snapshot()

    response = upload(client, as_upload(workbook))
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.text
    assert "Error: Check the updates" in html
    assert (
        f"Row {bad_row}, New note: Enter a progress note saying why the action is at risk." in html
    )
    assert [p.action.reference for p in preview.context["preview"].updates] == ["A1"]
    assert snapshot() == before  # nothing written by the upload

    fill(sheet, bad_row, "At risk", "The provider withdrew.", datetime.date(2019, 3, 1))
    response = upload(client, as_upload(workbook))
    preview = client.get(response["Location"])
    assert preview.context["preview"].problems == []
    assert len(preview.context["preview"].updates) == 2
    pending = preview.context["preview"].pending
    confirmed = client.post(reverse("actions:progress_confirm", args=[pending.key]))
    assert confirmed.status_code == 302
    drive.refresh_from_db()
    second.refresh_from_db()
    assert drive.status == Status.ON_TRACK
    assert second.status == Status.AT_RISK
    update = second.updates.get()
    assert (update.note, update.date, update.author) == (
        "The provider withdrew.",
        datetime.date(2019, 3, 1),
        officer_wcc_ph,
    )
    assert update.history.first().history_change_reason == "Progress update recorded"
    assert not PendingUpload.objects.filter(key=pending.key).exists()


def test_an_action_changed_since_the_download_is_refused_with_their_update(
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
    preview = client.get(upload(client, as_upload(workbook))["Location"])
    problem = preview.context["preview"].problems[0]
    assert problem.column == "Reference"
    assert "updated by someone else after you downloaded" in problem.message
    assert "Theirs: the contract fell through." in preview.text
    assert preview.context["preview"].updates == []


def test_a_change_between_preview_and_confirm_records_nothing(
    client, officer_wcc_ph, officer_wcc_ph_colleague
):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    drive, second = year_action("A1"), year_action("A4")
    fill(sheet, row_of(sheet, drive), "On track", "Mine.")
    fill(sheet, row_of(sheet, second), "On track", "Mine too.")
    upload(client, as_upload(workbook))
    progress_update_create(
        action=second, author=officer_wcc_ph_colleague, status=Status.AT_RISK, note="Theirs."
    )
    before = snapshot()
    pending = PendingUpload.objects.get()
    # The preview at confirmation time refuses A2 and records A1 only; A1 changing as well
    # between the two would refuse everything.
    response = client.post(reverse("actions:progress_confirm", args=[pending.key]))
    assert response.status_code == 302
    after = snapshot()
    assert after[0] == before[0] + 1
    drive.refresh_from_db()
    assert drive.status == Status.ON_TRACK


def test_rows_of_actions_the_person_may_not_update_and_unknown_references(
    client, officer_police, officer_wcc_ph
):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    row = row_of(sheet, year_action("A1"))
    fill(sheet, row, "On track", "Fine.")
    unknown = sheet.max_row + 1
    sheet[f"{LETTER['Reference']}{unknown}"] = "Z99"
    sheet[f"{LETTER['New status']}{unknown}"] = "On track"
    # The police officer uploads the WCC PH officer's file: A1 is not theirs to update.
    client.force_login(officer_police)
    preview = client.get(upload(client, as_upload(workbook))["Location"])
    messages = [(p.row, p.column, p.message) for p in preview.context["preview"].problems]
    assert any(
        r == row and c == "Reference" and "You may not update A1" in m for r, c, m in messages
    )
    assert any(r == unknown and "no action “Z99”" in m for r, _c, m in messages)


def test_a_future_date_is_named(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    sheet = workbook["Progress"]
    row = row_of(sheet, year_action("A1"))
    fill(sheet, row, "On track", "Fine.", datetime.date(2099, 1, 1))
    preview = client.get(upload(client, as_upload(workbook))["Location"])
    assert (
        f"Row {row}, Date of update: The date of the update cannot be in the future."
        in preview.text
    )


def _message(response):
    assert response.status_code == 400
    return response.context["form"].errors["file"][0]


def test_whole_file_problems_get_a_clear_message(client, officer_wcc_ph, coordinator, scb):
    client.force_login(officer_wcc_ph)
    before = snapshot()
    csv_file = SimpleUploadedFile("progress.csv", b"Reference,New status\nA1,On track\n")
    assert "CSV" in _message(upload(client, csv_file))

    big = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * (10 * 1024 * 1024 + 1))
    assert "larger than 10 MB" in _message(upload(client, big))

    workbook = download(client)
    sheet = workbook["Progress"]
    sheet.insert_cols(12)
    sheet["L1"] = "My comments"
    assert "extra column “My comments”" in _message(upload(client, as_upload(workbook)))

    workbook = download(client)
    workbook["Progress"].delete_cols(2)
    assert "missing the column “Version”" in _message(upload(client, as_upload(workbook)))

    workbook = download(client)
    sheet = workbook["Progress"]
    row = row_of(sheet, year_action("A1"))
    fill(sheet, row, "On track", '=HYPERLINK("http://x")')
    preview = client.get(upload(client, as_upload(workbook))["Location"])
    assert f"Row {row}, New note: contains a formula" in preview.text

    # A coordinator's file of the whole plan, uploaded on My actions: another page's file.
    client.force_login(coordinator)
    agreement = year_action("A1").agreement
    plan_file = download(client, agreement=agreement.pk)
    message = _message(upload(client, as_upload(plan_file)))
    assert "was downloaded from the list of the SCB 2018-19 plan, not from My actions" in message
    assert snapshot() == before


def test_the_coordinator_uses_the_plans_list(client, coordinator, officer_wcc_ph):
    agreement = year_action("A1").agreement
    client.force_login(coordinator)
    listing = client.get(reverse("actions:action_list"), {"agreement": agreement.pk}).text
    assert "Update several actions with a spreadsheet" in listing
    workbook = download(client, agreement=agreement.pk)
    sheet = workbook["Progress"]
    assert sheet.max_row - 1 == Action.objects.filter(agreement=agreement).count()
    fill(sheet, row_of(sheet, year_action("A3")), "Deferred", "Board agreed to defer.")
    scope = f"agreement:{agreement.pk}"
    preview = client.get(upload(client, as_upload(workbook), scope=scope)["Location"])
    assert [p.action.reference for p in preview.context["preview"].updates] == ["A3"]
    # An officer cannot download or upload a whole plan.
    client.force_login(officer_wcc_ph)
    assert client.get(DOWNLOAD, {"agreement": agreement.pk}).status_code == 403
    assert (
        "Update several actions"
        not in client.get(reverse("actions:action_list"), {"agreement": agreement.pk}).text
    )


def test_someone_elses_pending_upload_is_not_found(client, officer_wcc_ph, officer_police):
    client.force_login(officer_wcc_ph)
    workbook = download(client)
    fill(workbook["Progress"], 2, "On track", "Fine.")
    upload(client, as_upload(workbook))
    key = PendingUpload.objects.get().key
    client.force_login(officer_police)
    assert client.get(reverse("actions:progress_preview", args=[key])).status_code == 404
    assert client.post(reverse("actions:progress_confirm", args=[key])).status_code == 404
