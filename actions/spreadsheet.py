"""Progress by spreadsheet: the workbook that goes out and what comes back in it.

Only files here: writing the workbook of the actions shown, and reading an edited one into
plain rows or a message a person can act on. What the rows mean (may this person update that
action, has it changed since) is decided in actions.upload_services, against the database.

The workbook has one sheet of actions, with the columns below; the "Action id" and "Version"
columns are hidden, and a hidden sheet says which page the file came from (its scope), so
that a file of another plan is recognised.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .models import Status

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
SHEET_TITLE = "Progress"
ABOUT_TITLE = "About this file"
MARK = "csa-progress-file"
FILE_FORMAT = "1"
DATE_FORMAT = "DD/MM/YYYY"

# (header, width); the order of the sheet.
COLUMNS = [
    ("Action id", 8),
    ("Version", 8),
    ("Plan", 14),
    ("Reference", 10),
    ("Action", 60),
    ("Due date", 12),
    ("Current status", 14),
    ("Latest note", 50),
    ("New status", 14),
    ("New note", 50),
    ("Date of update", 14),
]
HEADERS = [name for name, _ in COLUMNS]
HIDDEN = ("Action id", "Version")
EDITABLE = ("New status", "New note", "Date of update")
LETTER = {name: get_column_letter(i) for i, name in enumerate(HEADERS, 1)}


class SpreadsheetError(Exception):
    """The file as a whole cannot be read: the message says why and what to do."""


@dataclass
class Row:
    """One row of an uploaded file, as typed. `problems` are (column, message) of the row's
    cells that could not be read at all (a formula, a date that is not a date)."""

    number: int
    action_id: int | None
    version: int | None
    reference: str
    status: str  # a Status value, "" when empty, or the text typed when not a status
    note: str
    date: datetime.date | None
    problems: list = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not (self.status or self.note or self.date or self.problems)

    def as_dict(self) -> dict:
        return {
            "number": self.number,
            "action_id": self.action_id,
            "version": self.version,
            "reference": self.reference,
            "status": self.status,
            "note": self.note,
            "date": self.date.isoformat() if self.date else None,
            "problems": [list(p) for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Row":
        return cls(
            number=data["number"],
            action_id=data["action_id"],
            version=data["version"],
            reference=data["reference"],
            status=data["status"],
            note=data["note"],
            date=datetime.date.fromisoformat(data["date"]) if data["date"] else None,
            problems=[tuple(p) for p in data["problems"]],
        )


# --- Out ------------------------------------------------------------------------------------


def write_workbook(actions, *, scope: str, scope_label: str) -> bytes:
    """The workbook of `actions` (rows of ActionQuerySet.rows), for the page `scope` names."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(HEADERS)
    bold = Font(bold=True)
    editable_fill = PatternFill("solid", fgColor="FFF7BF")
    for i, (name, width) in enumerate(COLUMNS, 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].hidden = name in HIDDEN
        sheet.cell(row=1, column=i).font = bold
    count = 0
    for action in actions:
        count += 1
        agreement = action.agreement
        sheet.append(
            [
                action.pk,
                action.version,
                f"{agreement.board.short_name} {agreement.year_label}",
                action.reference,
                action.description,
                action.due_on,
                action.status_on_label,
                action.latest_note,
                None,
                None,
                None,
            ]
        )
        row = count + 1
        sheet[f"{LETTER['Due date']}{row}"].number_format = DATE_FORMAT
        sheet[f"{LETTER['Date of update']}{row}"].number_format = DATE_FORMAT
        for name in ("Action", "Latest note", "New note"):
            sheet[f"{LETTER[name]}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
        for name in EDITABLE:
            sheet[f"{LETTER[name]}{row}"].fill = editable_fill
    last = max(count + 1, 2)
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(Status.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a status",
        error="Choose a status from the list.",
    )
    statuses.add(f"{LETTER['New status']}2:{LETTER['New status']}{last}")
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 1 January 2000
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a date",
        error="Enter the date the update is about, for example 27/03/2019.",
    )
    dates.add(f"{LETTER['Date of update']}2:{LETTER['Date of update']}{last}")
    sheet.add_data_validation(statuses)
    sheet.add_data_validation(dates)
    sheet.freeze_panes = "E2"

    about = workbook.create_sheet(ABOUT_TITLE)
    about.append([MARK, FILE_FORMAT])
    about.append(["scope", scope])
    about.append(["downloaded from", scope_label])
    about.sheet_state = "hidden"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- In -------------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    scope: str
    scope_label: str
    rows: list[Row]


def read_workbook(data: bytes, *, filename: str = "") -> ParsedFile:
    """The rows of an uploaded file, or SpreadsheetError with a message for the whole file."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            "The file is larger than 10 MB. Upload the spreadsheet downloaded from this page, "
            "with only your updates added."
        )
    if not data:
        raise SpreadsheetError("The file is empty. Choose the spreadsheet you filled in.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if _looks_like_text(data) or filename.lower().endswith((".csv", ".txt")):
            raise SpreadsheetError(
                "The file is a CSV (comma-separated values) file, which loses the hidden "
                "columns the upload needs. In Excel, choose Save As and “Excel Workbook "
                "(.xlsx)”, then upload that file."
            )
        raise SpreadsheetError(
            "The file is not an Excel workbook (.xlsx). Upload the spreadsheet downloaded "
            "from this page."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged or foreign file
        raise SpreadsheetError(
            "The file could not be opened as an Excel workbook (.xlsx). Upload the "
            "spreadsheet downloaded from this page."
        ) from error
    if ABOUT_TITLE not in workbook.sheetnames or SHEET_TITLE not in workbook.sheetnames:
        raise SpreadsheetError(
            "The file is not a progress spreadsheet downloaded from this service: download "
            "the spreadsheet from this page, add your updates to it, and upload it."
        )
    about = workbook[ABOUT_TITLE]
    if about["A1"].value != MARK or about["A2"].value != "scope":
        raise SpreadsheetError(
            "The file is not a progress spreadsheet downloaded from this service: download "
            "the spreadsheet from this page, add your updates to it, and upload it."
        )
    scope, scope_label = str(about["B2"].value or ""), str(about["B3"].value or "")
    sheet = workbook[SHEET_TITLE]
    _check_headers(sheet)
    rows = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(HEADERS)), 2):
        if number > MAX_ROWS + 1:
            raise SpreadsheetError(
                f"The file has more than {MAX_ROWS} rows. Upload the spreadsheet downloaded "
                "from this page."
            )
        values = dict(zip(HEADERS, cells, strict=False))
        row = _read_row(number, values)
        if row is not None:
            rows.append(row)
    return ParsedFile(scope=scope, scope_label=scope_label, rows=rows)


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    try:
        csv.Sniffer().sniff(text, delimiters=",;\t")
    except csv.Error:
        return "," in text
    return True


def _check_headers(sheet) -> None:
    found = [
        str(cell.value).strip() if cell.value is not None else ""
        for cell in next(sheet.iter_rows(min_row=1, max_row=1), [])
    ]
    while found and not found[-1]:
        found.pop()
    if found == HEADERS:
        return
    missing = [name for name in HEADERS if name not in found]
    extra = [name or "(no heading)" for name in found if name not in HEADERS]
    problems = []
    if missing:
        problems.append(f"missing the column{'s' if len(missing) > 1 else ''} {_names(missing)}")
    if extra:
        problems.append(f"has the extra column{'s' if len(extra) > 1 else ''} {_names(extra)}")
    if not problems:
        problems.append("has its columns in another order")
    raise SpreadsheetError(
        f"The spreadsheet {' and '.join(problems)}. Type your updates in the “New status”, "
        "“New note” and “Date of update” columns of the downloaded file without adding, "
        "removing or moving columns (two hidden ones included)."
    )


def _names(names) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _is_formula(cell) -> bool:
    value = cell.value
    return cell.data_type == "f" or (isinstance(value, str) and value.startswith("="))


def _read_row(number: int, cells: dict) -> Row | None:
    problems = []
    for name, cell in cells.items():
        if _is_formula(cell):
            problems.append((name, "contains a formula: type the value itself, not a formula."))
    if problems:
        return Row(number, _int(cells["Action id"]), _int(cells["Version"]),
                   _text(cells["Reference"]), "", "", None, problems)  # fmt: skip
    status_text = _text(cells["New status"])
    status = _status(status_text)
    if status_text and status is None:
        problems.append(("New status", "Choose a status from the list."))
    date, date_problem = _date(cells["Date of update"].value)
    if date_problem:
        problems.append(("Date of update", date_problem))
    row = Row(
        number=number,
        action_id=_int(cells["Action id"]),
        version=_int(cells["Version"]),
        reference=_text(cells["Reference"]),
        status=status or status_text,
        note=_text(cells["New note"], keep_lines=True),
        date=date,
        problems=problems,
    )
    if row.is_blank and not row.reference and row.action_id is None:
        return None  # an empty line at the end of the sheet
    return row


def _text(cell, *, keep_lines: bool = False) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip() if keep_lines else " ".join(str(value).split())


def _int(cell) -> int | None:
    value = cell.value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _status(text: str) -> str | None:
    wanted = text.strip().lower().replace("_", " ")
    for status in Status:
        if wanted in (status.label.lower(), status.value.replace("_", " ")):
            return status.value
    return None


def _date(value) -> tuple[datetime.date | None, str]:
    if value is None or value == "":
        return None, ""
    if isinstance(value, datetime.datetime):
        return value.date(), ""
    if isinstance(value, datetime.date):
        return value, ""
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date(), ""
            except ValueError:
                continue
    return None, "Enter a real date, for example 27/03/2019."
