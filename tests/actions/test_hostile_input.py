"""Faults found by hostile testing (issue 16): text with control characters, absurd dates."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, ProgressUpdate, Status
from actions.services import progress_update_create
from tests.actions.test_action_update import form_data, page_text, snapshot, update_url
from tests.actions.test_dashboard import agreement_of

pytestmark = pytest.mark.django_db

XLSX = reverse("actions:action_export", args=["xlsx"])
CSV = reverse("actions:action_export", args=["csv"])


@pytest.fixture
def drive(worcestershire):
    return Action.objects.get(agreement=agreement_of(2018), reference="A1")


def test_a_note_pasted_from_word_keeps_its_line_break_and_loses_other_control_characters(
    drive, officer_wcc_ph
):
    update = progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.AT_RISK,
        note="Line one\x0bline two\x01\tindented\r\nend",
        date=datetime.date(2019, 3, 1),
    )
    update.refresh_from_db()
    assert update.note == "Line one\nline two\tindented\nend"


def test_the_update_form_strips_control_characters(client, drive, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    response = client.post(update_url(drive), form_data(drive, note="Bell\x07 and\x0bbreak"))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(action=drive).note == "Bell and\nbreak"


def test_xlsx_export_never_fails_on_stored_control_characters(client, chair, drive):
    # Text stored before input was cleaned (or loaded by other means) must still export.
    Action.objects.filter(pk=drive.pk).update(
        description="Drive\x01 project\x0bsecond line", leads_as_written="WCC\x1f PH"
    )
    client.force_login(chair)
    response = client.get(XLSX, {"agreement": agreement_of(2018).pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "A1")
    assert row[3] == "Drive project\nsecond line"
    assert row[6] == "WCC PH"

    text = b"".join(client.get(CSV, {"agreement": agreement_of(2018).pk}).streaming_content)
    assert b"\x01" not in text and b"\x1f" not in text


@pytest.mark.parametrize("year", ["99999999999", "9" * 40, "-1"])
def test_an_absurd_year_is_not_a_real_date(client, drive, officer_wcc_ph, year):
    client.force_login(officer_wcc_ph)
    before = snapshot(drive)
    response = client.post(update_url(drive), form_data(drive, date_2=year))
    assert response.status_code == 200
    assert "must be a real date" in page_text(response)
    assert snapshot(drive) == before


MARKUP = "<script>alert(\"x\")</script> & 'quoted'"
ESCAPED_TEXT = "&lt;script&gt;alert("


def test_markup_in_an_action_and_its_note_is_drawn_as_text_on_every_table(
    client, chair, drive, officer_wcc_ph
):
    """The long tables are drawn by Jinja2 (actions.jinja_env), the rest of the page by
    Django's templates: both escape what people typed."""
    Action.objects.filter(pk=drive.pk).update(
        description=f"Drive {MARKUP}",
        leads_as_written=f"WCC PH {MARKUP}",
        due_date=datetime.date(2018, 9, 30),
    )
    progress_update_create(
        action=drive,
        author=officer_wcc_ph,
        status=Status.ON_TRACK,
        note=f"Note {MARKUP}",
        date=datetime.date(2019, 3, 1),
    )
    client.force_login(chair)
    query = {"agreement": agreement_of(2018).pk, "as_of": "2019-04-01"}
    for url in (
        reverse("actions:dashboard"),
        reverse("actions:action_list"),
        reverse("actions:board_report"),
    ):
        html = client.get(url, query).content.decode()
        assert "<script>alert" not in html, url
        # The description, the leads as written and the note, each escaped where it is drawn.
        assert html.count(ESCAPED_TEXT) >= 2, url
        assert "Note &lt;script&gt;" in html, url
