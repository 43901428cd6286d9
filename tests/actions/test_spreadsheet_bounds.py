"""Progress by spreadsheet, bounded (issue 23): a file is refused by what it holds once
unpacked, before it is read into memory, with a message naming the place; and stored text that
an XLSX cannot hold never stops the download."""

import io
import re
import tracemalloc
import zipfile

import pytest
from django.db import connection
from openpyxl import load_workbook

from actions.models import Action, PendingUpload, ProgressUpdate, Status, today
from actions.spreadsheet.workbook import LETTER
from tests.actions.test_progress_spreadsheet import DOWNLOAD, UPLOAD, row_of, year_action

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"  # the "Progress" sheet of the downloaded file
STRINGS = "xl/sharedStrings.xml"
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The most Python memory a refusal may take: a fraction of the texts refused (30 MB and more
# unpacked), which were read whole before they were bounded (651 MB for a 200 MB cell).
PEAK = 5 * MB


def snapshot():
    return (
        ProgressUpdate.objects.count(),
        ProgressUpdate.history.count(),
        PendingUpload.objects.count(),
        list(Action.objects.order_by("pk").values_list("version", "status")),
    )


def downloaded(client, **params) -> bytes:
    response = client.get(DOWNLOAD, params)
    assert response.status_code == 200
    return response.content


def filled(client, note="@@NOTE@@") -> tuple[bytes, int]:
    """The officer's file with a note for A1 (`note` is a marker the tests swap for a text the
    size they need), and the row of A1."""
    workbook = load_workbook(io.BytesIO(downloaded(client)))
    sheet = workbook["Progress"]
    row = row_of(sheet, year_action("A1"))
    sheet[f"{LETTER['New status']}{row}"] = "On track"
    sheet[f"{LETTER['New note']}{row}"] = note
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), row


def rezip(data: bytes, parts: dict) -> bytes:
    """The workbook `data` with some parts replaced or added: each value is the new content, a
    function of the old one, or a list of chunks (written one by one, so that a test can make a
    part of tens of MB without holding it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        for name in names + [name for name in parts if name not in names]:
            content = source.read(name) if name in names else b""
            new = parts.get(name, content)
            if callable(new):
                new = new(content)
            with target.open(name, "w") as member:
                for chunk in [new] if isinstance(new, bytes) else new:
                    member.write(chunk)
    return out.getvalue()


def text_of(length: int, letter: bytes = b"x"):
    """`length` bytes of text, in chunks of 1 MB."""
    whole, rest = divmod(length, MB)
    return [letter * MB] * whole + [letter * rest]


def as_inline_text(data: bytes, length: int) -> bytes:
    """The note of `filled` as a text of `length` characters typed in the cell itself."""
    head, tail = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).split(b"@@NOTE@@")
    return rezip(data, {SHEET: [head, *text_of(length), tail]})


def as_shared_text(data: bytes, length: int) -> bytes:
    """The note of `filled` as Excel saves text: in the shared strings, which openpyxl reads
    whole when it opens a workbook, before any sheet."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    sheet, found = re.subn(
        rb'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is><t>@@NOTE@@</t></is></c>',
        rb'<c r="\1"\2 t="s"><v>0</v></c>',
        sheet,
    )
    assert found == 1
    return rezip(
        data,
        {
            SHEET: sheet,
            STRINGS: [b'<sst xmlns="' + MAIN + b'"><si><t>', *text_of(length), b"</t></si></sst>"],
            "[Content_Types].xml": lambda old: old.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            ),
            "xl/_rels/workbook.xml.rels": lambda old: old.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                b"</Relationships>",
            ),
        },
    )


def with_rows(data: bytes, rows: bytes) -> bytes:
    """`rows` (XML) added at the end of the Progress sheet."""
    return rezip(data, {SHEET: lambda old: old.replace(b"</sheetData>", rows + b"</sheetData>")})


def _named(data):
    upload = io.BytesIO(data)
    upload.name = "progress.xlsx"
    return upload


def refused(client, data: bytes, *, measure=True) -> tuple[str, int]:
    """The page served for `data` uploaded on My actions, which must refuse it, and the most
    memory (bytes) Python held for it while the request ran (0 unless `measure`)."""
    peak = 0
    if measure:
        tracemalloc.start()
    try:
        response = client.post(UPLOAD, {"scope": "my-actions", "file": _named(data)})
        if measure:
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    html = response.text
    assert "Error: Upload a progress spreadsheet" in html
    return html, peak


# --- (a) one enormous text ------------------------------------------------------------------


@pytest.mark.parametrize("make", [as_shared_text, as_inline_text], ids=["shared", "inline"])
def test_a_cell_of_30_mb_is_refused_from_the_zip_directory(client, officer_wcc_ph, make):
    client.force_login(officer_wcc_ph)
    data = make(filled(client)[0], 30 * MB)
    assert len(data) < 200 * 1024  # a small upload...
    before = snapshot()
    html, peak = refused(client, data)
    part = STRINGS if make is as_shared_text else SHEET
    # ...refused by what the zip's directory says it unpacks to, before any of it is read.
    assert f"“{part}” of the file is 30 MB once unpacked" in html
    assert "more than the 20 MB a progress spreadsheet needs" in html
    assert peak < PEAK
    assert snapshot() == before


@pytest.mark.parametrize("make", [as_shared_text, as_inline_text], ids=["shared", "inline"])
def test_a_cell_longer_than_any_note_is_refused_naming_the_cell(client, officer_wcc_ph, make):
    client.force_login(officer_wcc_ph)
    data, row = filled(client)
    data = make(data, 60_000)
    before = snapshot()
    html, peak = refused(client, data)
    assert (
        f"Row {row} of the sheet “Progress”, column “New note”, holds more than 10,000 "
        "characters" in html
    )
    assert peak < PEAK
    assert snapshot() == before


def test_a_long_note_under_the_cell_bound_gets_the_notes_own_message(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    data, row = filled(client)
    response = client.post(
        UPLOAD,
        {"scope": "my-actions", "file": _named(as_shared_text(data, 2500))},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).text
    assert f"Row {row}, New note:" in preview


def test_a_long_shared_text_no_cell_shows_is_refused_all_the_same(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    data = as_shared_text(filled(client)[0], 10)
    unshown = b"<si><t>" + b"y" * 60_000 + b"</t></si>"
    data = rezip(data, {STRINGS: lambda old: old.replace(b"</sst>", unshown + b"</sst>")})
    before = snapshot()
    html, _peak = refused(client, data)
    assert "holds a text of 60,000 characters, more than the 10,000 a cell can have" in html
    assert snapshot() == before


def test_a_long_text_outside_the_cells_is_refused_naming_its_part(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    # The namespace declared on the element: openpyxl declares it on the root or on each
    # element, depending on whether lxml is installed (python-docx brings it).
    title = b'<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">' + b"t" * 40_000
    title += b"</dc:title>"
    data = rezip(
        filled(client, note="Fine.")[0],
        {
            "docProps/core.xml": lambda old: re.sub(
                rb"(<cp:coreProperties[^>]*>)", rb"\1" + title, old
            )
        },
    )
    before = snapshot()
    html, _peak = refused(client, data)
    assert "“docProps/core.xml” of the file holds a text of more than 32,767 characters" in html
    assert snapshot() == before


def test_a_part_with_a_dtd_is_refused(client, officer_wcc_ph):
    # Entities declared in a DTD expand a few bytes into as many as they like; Excel never
    # writes a DTD.
    client.force_login(officer_wcc_ph)
    data, _row = filled(client)
    doctype = b'<!DOCTYPE worksheet [<!ENTITY note "A note from an entity.">]>'
    data = rezip(data, {SHEET: lambda old: doctype + old.replace(b"@@NOTE@@", b"&note;")})
    before = snapshot()
    html, _peak = refused(client, data)
    assert "could not be opened as an Excel workbook" in html
    assert snapshot() == before


def test_a_cell_damaged_past_the_opening_is_refused_as_damaged(client, officer_wcc_ph):
    # openpyxl now reads the sheet as the rows are read, after it has opened the file: a cell
    # naming a shared text that is not there is met then, and must not give a 500.
    client.force_login(officer_wcc_ph)
    data = as_shared_text(filled(client)[0], 10)
    data = rezip(data, {SHEET: lambda old: old.replace(b't="s"><v>0</v>', b't="s"><v>7</v>')})
    before = snapshot()
    html, _peak = refused(client, data)
    assert "could not be opened as an Excel workbook" in html
    assert snapshot() == before


def test_more_parts_than_any_workbook_are_refused(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    parts = {f"customXml/item{n}.xml": b"<a/>" for n in range(1001)}
    data = rezip(filled(client, note="Fine.")[0], parts)
    before = snapshot()
    html, _peak = refused(client, data)
    assert "The file has 1,011 parts, more than the 1,000" in html
    assert snapshot() == before


def test_more_entries_than_any_plan_are_refused(client, officer_wcc_ph):
    # Rows without cells pass the sheet's own bounds; the count of every entry stops them.
    client.force_login(officer_wcc_ph)
    rows = b"".join(b'<row r="%d"/>' % n for n in range(100, 600_000))
    data = with_rows(filled(client, note="Fine.")[0], rows)
    before = snapshot()
    html, _peak = refused(client, data, measure=False)  # tracemalloc would make it slow
    assert "The file has more than 500,000 cells, texts and other entries" in html
    assert f"in “{SHEET}”" in html
    assert snapshot() == before


# --- (b) more rows or cells than any plan ----------------------------------------------------


def test_a_sheet_of_100_000_rows_is_refused_at_the_first_row_past_the_bound(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    rows = b"".join(
        b'<row r="%d"><c r="D%d" t="inlineStr"><is><t>Z%d</t></is></c></row>' % (n, n, n)
        for n in range(1000, 100_001)
    )
    data = with_rows(filled(client, note="Fine.")[0], rows)
    before = snapshot()
    html, peak = refused(client, data)
    assert "The sheet “Progress” has more than 5,000 rows of actions: row 5,002 holds a cell" in (
        html
    )
    assert peak < PEAK
    assert snapshot() == before


def test_a_cell_past_the_last_column_is_refused_naming_it(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    data = with_rows(
        filled(client, note="Fine.")[0],
        b'<row r="900"><c r="BA900" t="inlineStr"><is><t>My own notes</t></is></c></row>',
    )
    before = snapshot()
    html, _peak = refused(client, data)
    assert "The sheet “Progress” has a cell in column BA of row 900, past the 50 columns" in html
    assert snapshot() == before


def test_a_sheet_of_more_cells_than_a_full_plan_is_refused(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)

    # Empty cells, all in place: 14 to a row, in columns L to Y of rows 100 to 5,000.
    def cells(n):
        return b"".join(b'<c r="%s%d"/>' % (bytes([col]), n) for col in b"LMNOPQRSTUVWXY")

    rows = b"".join(b'<row r="%d">%s</row>' % (n, cells(n)) for n in range(100, 5001))
    data = with_rows(filled(client, note="Fine.")[0], rows)
    before = snapshot()
    html, peak = refused(client, data)
    assert "The sheet “Progress” has more than 60,000 cells" in html
    assert peak < PEAK
    assert snapshot() == before


def test_more_shared_texts_than_cells_are_refused(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    data = as_shared_text(filled(client)[0], 10)
    texts = b"".join(b"<si><t>%d</t></si>" % n for n in range(70_000))
    data = rezip(
        data, {STRINGS: lambda old: old.replace(b"</si></sst>", b"</si>" + texts + b"</sst>")}
    )
    before = snapshot()
    html, peak = refused(client, data)
    assert "The text of the cells (“xl/sharedStrings.xml”) has more than 60,000 texts" in html
    assert peak < PEAK
    assert snapshot() == before


def test_formatting_past_any_real_workbook_is_refused_before_it_is_read(client, officer_wcc_ph):
    # openpyxl makes an object of every style: 300,000 took 15 s to open.
    client.force_login(officer_wcc_ph)
    style = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    data = rezip(
        filled(client, note="Fine.")[0],
        {
            "xl/styles.xml": lambda old: re.sub(
                rb"<cellXfs count=\"\d+\">", b'<cellXfs count="30000">' + style * 30_000, old
            )
        },
    )
    before = snapshot()
    html, peak = refused(client, data)
    assert "more than 20,000 entries of formatting and other settings" in html
    assert "“xl/styles.xml”" in html
    assert peak < PEAK
    assert snapshot() == before


# --- (c) the zip's own sizes -----------------------------------------------------------------


def test_a_zip_bomb_part_is_refused_from_the_zip_directory(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    data = rezip(filled(client, note="Fine.")[0], {"xl/media/image1.png": text_of(200 * MB, b"\0")})
    assert len(data) < 1 * MB
    before = snapshot()
    html, peak = refused(client, data)
    assert "“xl/media/image1.png” of the file is 200 MB once unpacked" in html
    assert peak < PEAK
    assert snapshot() == before


def test_parts_that_add_up_past_the_bound_are_refused(client, officer_wcc_ph):
    client.force_login(officer_wcc_ph)
    parts = {f"xl/media/image{n}.png": text_of(15 * MB, b"\0") for n in range(1, 4)}
    data = rezip(filled(client, note="Fine.")[0], parts)
    before = snapshot()
    html, peak = refused(client, data)
    assert "The file is 45 MB once unpacked, more than the 40 MB" in html
    assert peak < PEAK
    assert snapshot() == before


def test_a_zip_directory_that_understates_a_part_is_not_believed_past_it(client, officer_wcc_ph):
    # The directory says the sheet is 2 KB; it inflates to 30 MB. zipfile stops at the size
    # the directory gives and then finds the checksum wrong: the file is damaged, and no more
    # than 2 KB of the sheet was ever unpacked.
    client.force_login(officer_wcc_ph)
    data = understated(as_inline_text(filled(client)[0], 30 * MB), SHEET, 2048)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size == 2048
    before = snapshot()
    html, peak = refused(client, data)
    assert "could not be opened as an Excel workbook" in html
    assert peak < PEAK
    assert snapshot() == before


def understated(data: bytes, name: str, size: int) -> bytes:
    """`data` with the zip's directory, and the part's own header, saying that the part `name`
    unpacks to `size` bytes."""
    data = bytearray(data)
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name).header_offset
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + length] == name.encode():
            data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
            return bytes(data)
        entry = data.find(b"PK\x01\x02", entry + 4)
    raise AssertionError(f"{name} is not in the zip's directory")


# --- (d) stored text an XLSX cannot hold -----------------------------------------------------


def test_the_spreadsheet_of_actions_with_control_characters_downloads(
    client, officer_wcc_ph, coordinator
):
    # As a year file could store them before text was cleaned on the way in. PostgreSQL
    # refuses NUL in text, so it is tried on SQLite only.
    nul = "\x00" if connection.vendor != "postgresql" else ""
    drive = year_action("A1")
    Action.objects.filter(pk=drive.pk).update(
        description=f"Drive{nul} project\x1b[31m and\x07 more",
        leads_as_written="WCC\x07 PH",
    )
    ProgressUpdate.objects.create(
        action=drive,
        date=today(),
        status=Status.ON_TRACK,
        note=f"Ring\x07 the{nul} bell\x1b",
    )
    for user, params in ((officer_wcc_ph, {}), (coordinator, {"agreement": drive.agreement_id})):
        client.force_login(user)
        sheet = load_workbook(io.BytesIO(downloaded(client, **params)))["Progress"]
        row = row_of(sheet, drive)
        assert sheet[f"{LETTER['Action']}{row}"].value == "Drive project[31m and more"
        assert sheet[f"{LETTER['Latest note']}{row}"].value == "Ring the bell"
