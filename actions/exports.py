"""The filtered list of actions as CSV (streamed) and as an Excel workbook.

Both take the rows of ActionFilter.qs, so a download holds exactly what the list shows, with
the same visibility. Text that a spreadsheet would run as a formula is neutralised: a CSV cell
starting with = + - @ (or a tab or carriage return) gets a leading apostrophe, as OWASP
advises; in the workbook such a cell is written as text, which Excel never evaluates.
Stored text is cleaned of control characters again on the way out (governance.text): a
workbook cannot hold them, and one stray character must not break the download for everyone.
"""

import csv
import datetime
import io

from django.contrib.staticfiles import finders
from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from governance.text import clean_text

from .rows import ActionRow

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width in characters for the workbook)
COLUMNS = [
    ("Agreement", 14),
    ("Reference", 10),
    ("Theme", 30),
    ("Action", 60),
    ("Timescale as written", 24),
    ("Due date", 12),
    ("Leads as written", 28),
    ("Status", 14),
    ("Overdue", 9),
    ("Last update", 12),
    ("Last update by", 22),
    ("Latest note", 60),
]


def headers(as_of: datetime.date) -> list[str]:
    names = [name for name, _ in COLUMNS]
    names[7] = f"Status on {as_of:%Y-%m-%d}"
    names[8] = f"Overdue on {as_of:%Y-%m-%d}"
    return names


def row_values(action: ActionRow) -> list:
    """One action of ActionFilter.qs as a row; dates stay dates for the workbook."""
    values = [
        action.plan_label,
        action.reference,
        str(action.theme) if action.theme else action.theme_as_written,
        action.description,
        action.timescale,
        action.due_on,
        action.leads_as_written,
        action.status_on_label,
        "Yes" if action.is_overdue else "No",
        action.last_update_on,
        action.latest_update_author,
        action.latest_note,
    ]
    return [clean_text(value) if isinstance(value, str) else value for value in values]


def csv_safe(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer to stream."""

    def write(self, value):
        return value


def _csv_lines(queryset, as_of):
    writer = csv.writer(_Echo())
    # A byte-order mark, so that Excel reads the file as UTF-8 (en dashes, curly quotes).
    yield "\ufeff"
    yield writer.writerow(headers(as_of))
    for action in queryset.iterator(chunk_size=500):
        yield writer.writerow([csv_safe(v) for v in row_values(ActionRow.of(action))])


def csv_response(queryset, *, as_of: datetime.date, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        _csv_lines(queryset, as_of), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would otherwise store it as a formula
    if isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def xlsx_response(queryset, *, as_of: datetime.date, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Actions")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in headers(as_of):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for action in queryset.iterator(chunk_size=500):
        sheet.append([_xlsx_cell(sheet, value) for value in row_values(ActionRow.of(action))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# The stylesheets the PDF is laid out with, found on disk: WeasyPrint fetches nothing.
PDF_STYLESHEETS = ["vendor/govuk-frontend/govuk-frontend.min.css", "css/app.css", "css/report.css"]


def html_to_pdf(html: str) -> bytes:
    """The board report as an A4 PDF, with WeasyPrint (needs Debian's Pango libraries)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # data: URIs only. Every stylesheet is handed over from disk and the report has no
    # images, so there is nothing to fetch, and a link in a note must not make a request.
    fetcher = URLFetcher(allowed_protocols=["data"])
    stylesheets = [
        CSS(filename=finders.find(path), url_fetcher=fetcher) for path in PDF_STYLESHEETS
    ]
    return HTML(string=html, url_fetcher=fetcher, media_type="print").write_pdf(
        stylesheets=stylesheets
    )
