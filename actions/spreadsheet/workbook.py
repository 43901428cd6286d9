"""Progress by spreadsheet: the workbook that goes out and what comes back in it.

Only files here: writing the workbook of the actions shown, and reading an edited one into
plain rows or a message a person can act on. What the rows mean (may this person update that
action, has it changed since) is decided in actions.spreadsheet.services, against the database.

The workbook has one sheet of actions, with the columns below; the "Action id" and "Version"
columns are hidden, and a hidden sheet says which page the file came from (its scope), so
that a file of another plan is recognised.

An uploaded file is a zip of XML parts that may unpack to far more than it weighs, and openpyxl
reads some parts whole (the shared strings, the styles) and makes an object of every entry. So
before openpyxl opens a file, what it holds is measured against the bounds below: first the
sizes the zip's directory gives (zipfile never unpacks a part past them), then every XML part,
streamed through expat without building it, refusing at the first bound passed, by place.
"""

import csv
import datetime
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from governance.text import clean_text

from ..models import Status
from ..rows import action_rows
from ..services import NOTE_MAX_LENGTH

MB = 1024 * 1024
# What a file may hold. A real plan has tens of actions; the largest file the service writes
# (5,000 actions, 300 characters to each text, filled in) unpacks to 7 MB. A file at every
# bound below is read in a few seconds and a few tens of MB: openpyxl takes ~15 µs for each
# shared text, ~7 µs for each cell and ~50 µs for each style or rich-text run it reads.
MAX_UPLOAD_BYTES = 10 * MB  # as uploaded, compressed
MAX_UNPACKED_BYTES = 40 * MB  # every part of the zip, unpacked
MAX_PART_BYTES = 20 * MB  # any one part (a sheet, the shared strings), unpacked
MAX_PARTS = 1000  # Excel writes about a dozen
MAX_ROWS = 5000  # rows of actions, below the headings
MAX_COLUMNS = 50
MAX_CELLS = 60_000  # in one sheet, empty ones too: a sheet of MAX_ROWS actions has 55,011
MAX_SHARED_TEXTS = MAX_CELLS
MAX_CELL_CHARS = 5 * NOTE_MAX_LENGTH  # a longer note is refused by the row's own message
MAX_TEXT_CHARS = 32_767  # any other text or attribute: Excel's own limit for a cell
MAX_ELEMENTS = 500_000  # XML elements in all the parts
MAX_SETTINGS = 20_000  # elements other than rows, cells and plain texts: styles, runs...
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
    for action in action_rows(actions):
        count += 1
        agreement = action.agreement
        values = [
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
        # Text stored before input was cleaned may hold characters XML cannot: openpyxl
        # refuses them, and the whole download would fail.
        sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
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
    about.append(["downloaded from", clean_text(scope_label)])
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_bounds(archive)
        # Read-only: openpyxl streams a sheet row by row as it is read rather than building
        # every sheet when it opens the file, so a damaged cell is met while reading too.
        workbook = load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
        try:
            return _read_progress(workbook)
        finally:
            workbook.close()
    except SpreadsheetError:
        raise
    except Exception as error:  # zipfile and openpyxl raise many kinds on a damaged file
        raise SpreadsheetError(CANNOT_OPEN) from error


def _read_progress(workbook) -> ParsedFile:
    not_ours = SpreadsheetError(
        "The file is not a progress spreadsheet downloaded from this service: download "
        "the spreadsheet from this page, add your updates to it, and upload it."
    )
    if ABOUT_TITLE not in workbook.sheetnames or SHEET_TITLE not in workbook.sheetnames:
        raise not_ours
    about = list(workbook[ABOUT_TITLE].iter_rows(max_row=3, max_col=2, values_only=True))
    about += [(None, None)] * (3 - len(about))
    if about[0][0] != MARK or about[1][0] != "scope":
        raise not_ours
    scope, scope_label = str(about[1][1] or ""), str(about[2][1] or "")
    sheet = workbook[SHEET_TITLE]
    _check_headers(sheet)
    rows = []
    cells_by_row = sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 1, max_col=len(HEADERS))
    for number, cells in enumerate(cells_by_row, 2):
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
        for cell in next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS), [])
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


# --- Bounds: what an uploaded file may hold, checked before openpyxl reads it ----------------

CANNOT_OPEN = (
    "The file could not be opened as an Excel workbook (.xlsx). Upload the spreadsheet "
    "downloaded from this page."
)
UPLOAD_OURS = "Upload the spreadsheet downloaded from this page, with only your updates added."
_RELATIONSHIP_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,9})")
_CHUNK = 64 * 1024
# The paths of the elements that hold a sheet's rows, cells and plain texts, and the shared
# texts. All others (styles, rich-text runs, relationships...) are settings, of each of which
# openpyxl makes an object.
_ROW = ("worksheet", "sheetData", "row")
_CELL = (*_ROW, "c")
_VALUE = (*_CELL, "v")
_SHARED_TEXT = ("sst", "si")
_PLAIN = frozenset(
    {
        ("worksheet",),
        ("worksheet", "sheetData"),
        _ROW,
        _CELL,
        _VALUE,
        (*_CELL, "f"),
        (*_CELL, "is"),
        (*_CELL, "is", "t"),
        ("sst",),
        _SHARED_TEXT,
        (*_SHARED_TEXT, "t"),
    }
)
# Whose children's paths are followed: the plain elements, and those that name the sheets.
_FOLLOWED = _PLAIN | {("workbook",), ("workbook", "sheets"), ("Relationships",)}
_LOCALS: dict[str, str] = {}  # a tag as expat gives it -> its local name, for the tags seen


def check_bounds(archive: zipfile.ZipFile) -> None:
    """Refuse with SpreadsheetError, naming the place, a file that holds more than a progress
    spreadsheet can: by the sizes in the zip's directory, then by streaming every XML part."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise SpreadsheetError(
            f"The file has {len(parts):,} parts, more than the {MAX_PARTS:,} an Excel workbook "
            f"of progress needs. {UPLOAD_OURS}"
        )
    for part in parts:
        if part.file_size > MAX_PART_BYTES:
            raise SpreadsheetError(
                f"The part “{part.filename}” of the file is {_mb(part.file_size)} once "
                f"unpacked, more than the {_mb(MAX_PART_BYTES)} a progress spreadsheet needs. "
                f"{UPLOAD_OURS}"
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            f"The file is {_mb(total)} once unpacked, more than the {_mb(MAX_UNPACKED_BYTES)} "
            f"a progress spreadsheet needs. {UPLOAD_OURS}"
        )
    _Scan(archive).run()


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


class _Root(Exception):
    def __init__(self, name):
        self.name = name


def _local(name: str) -> str:
    local = name.rpartition("}")[2]
    if len(_LOCALS) < 1000:
        _LOCALS[name] = local
    return local


def _refuse_dtd(*args):
    # Excel never writes one, and a DTD's entities can expand a small part into a huge one.
    raise SpreadsheetError(CANNOT_OPEN)


def _parse(archive, part, **handlers) -> None:
    """Stream `part` through expat (the parser ElementTree, hence openpyxl, uses) with
    `handlers`, a chunk at a time: nothing of it is kept but what the handlers keep."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    for handler, function in handlers.items():
        setattr(parser, handler, function)
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


class _Scan:
    """Every XML part of an archive, against the bounds. The relationships and the workbook
    are read first, for the sheets' names, then the shared texts, for their lengths, then the
    sheets and the rest."""

    def __init__(self, archive):
        self.archive = archive
        self.elements = 0
        self.settings = 0
        self.relationships: dict[str, dict[str, str]] = {}  # rels part -> id -> target
        self.workbook_sheets: dict[str, list] = {}  # workbook part -> [(title, id)]
        self.titles: dict[str, str] = {}  # worksheet part -> its title
        self.strings_part = ""
        self.long_texts: dict[int, int] = {}  # index of a shared text too long -> its length

    def run(self) -> None:
        roots = {part.filename: self._root(part) for part in self.archive.infolist()}
        order = {"Relationships": 0, "workbook": 1, "sst": 2, "worksheet": 3}
        xml_parts = sorted(
            (name for name in roots if roots[name]), key=lambda name: order.get(roots[name], 4)
        )
        titled = False
        for name in xml_parts:
            if order.get(roots[name], 4) >= 2 and not titled:
                self.titles = self._sheet_titles()
                titled = True
            try:
                _PartScan(self, name).run()
            except expat.ExpatError as error:
                raise SpreadsheetError(CANNOT_OPEN) from error
        if self.long_texts:
            length = next(iter(self.long_texts.values()))
            raise SpreadsheetError(
                f"The text of the cells (“{self.strings_part}”) holds a text of {length:,} "
                f"characters, more than the {MAX_CELL_CHARS:,} a cell can have. {UPLOAD_OURS}"
            )

    def _root(self, part) -> str:
        """The name of the part's root element; "" if the part is not XML."""

        def found(name, attributes):
            raise _Root(_local(name))

        try:
            _parse(self.archive, part, StartElementHandler=found)
        except _Root as root:
            return root.name
        except expat.ExpatError:
            return ""  # an image, say: openpyxl cannot read it as XML either
        return ""

    def _sheet_titles(self) -> dict[str, str]:
        titles = {}
        for workbook, sheets in self.workbook_sheets.items():
            folder = posixpath.dirname(workbook)
            rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
            targets = self.relationships.get(rels, {})
            for title, relationship in sheets:
                target = targets.get(relationship)
                if target:
                    path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
                    titles[posixpath.normpath(path)] = title
        return titles


class _PartScan:
    """One XML part, streamed: counts its elements, and measures a sheet's cells or the shared
    texts as they go by."""

    def __init__(self, scan: _Scan, name: str):
        self.scan, self.name = scan, name
        self.plain = _PLAIN
        self.stack: list = []  # of each open element, its path if followed, else None
        self.text = 0  # characters of the open element's text, outside cells and shared texts
        # A sheet: the row and column openpyxl would give the next cell, the cells so far.
        title = scan.titles.get(name)
        self.sheet = f"sheet “{title}”" if title else f"sheet in “{name}”"
        self.columns = HEADERS if title == SHEET_TITLE else []
        self.row = self.column = self.cells = 0
        self.cell = None  # the open cell: [row, column, type, characters, text of <v>]
        # The shared texts: how many so far, and the characters of the open one.
        self.strings = 0
        self.string_chars = None

    def run(self) -> None:
        _parse(
            self.scan.archive,
            self.name,
            StartElementHandler=self.start,
            EndElementHandler=self.end,
            CharacterDataHandler=self.data,
        )

    def start(self, name, attributes) -> None:
        # Called for every element of every part: kept to the few checks each needs.
        local = _LOCALS.get(name) or _local(name)
        stack = self.stack
        parent = stack[-1] if stack else ()
        at = parent + (local,) if parent in _FOLLOWED or not stack else None
        stack.append(at)
        self.text = 0
        scan = self.scan
        scan.elements += 1
        if scan.elements > MAX_ELEMENTS:
            raise SpreadsheetError(
                f"The file has more than {MAX_ELEMENTS:,} cells, texts and other entries (the "
                f"bound is passed in “{self.name}”), more than a progress spreadsheet of "
                f"{MAX_ROWS:,} actions needs. {UPLOAD_OURS}"
            )
        if at not in self.plain:
            scan.settings += 1
            if scan.settings > MAX_SETTINGS:
                raise SpreadsheetError(
                    f"The file has more than {MAX_SETTINGS:,} entries of formatting and other "
                    f"settings (the bound is passed in “{self.name}”), more than a progress "
                    f"spreadsheet needs. {UPLOAD_OURS}"
                )
            # openpyxl keeps the attributes of settings; it reads only r, s and t of a cell.
            if sum(map(len, attributes.values())) > MAX_TEXT_CHARS:
                self._too_long_text()
            if at == ("workbook", "sheets", "sheet"):
                sheets = scan.workbook_sheets.setdefault(self.name, [])
                sheets.append((attributes.get("name", ""), attributes.get(_RELATIONSHIP_ID)))
            elif at == ("Relationships", "Relationship"):
                targets = scan.relationships.setdefault(self.name, {})
                targets[attributes.get("Id", "")] = attributes.get("Target", "")
        elif at == _CELL:
            self._start_cell(attributes)
        elif at == _ROW:
            self.row = self._number(attributes.get("r"), self.row + 1)
            self.column = 0
        elif at == _SHARED_TEXT:
            self.strings += 1
            if self.strings > MAX_SHARED_TEXTS:
                raise SpreadsheetError(
                    f"The text of the cells (“{self.name}”) has more than "
                    f"{MAX_SHARED_TEXTS:,} texts, more than the cells of a progress "
                    f"spreadsheet of {MAX_ROWS:,} actions. {UPLOAD_OURS}"
                )
            self.string_chars = 0

    def end(self, name) -> None:
        at = self.stack.pop()
        self.text = 0
        if at == _CELL:
            self._end_cell()
        elif at == _SHARED_TEXT:
            if self.string_chars > MAX_CELL_CHARS and len(self.scan.long_texts) < 100:
                self.scan.long_texts[self.strings - 1] = self.string_chars
                self.scan.strings_part = self.name
            self.string_chars = None

    def data(self, text: str) -> None:
        if self.cell is not None:
            self.cell[3] += len(text)
            if self.cell[3] > MAX_CELL_CHARS:
                self._too_long_cell()
            if self.stack[-1] == _VALUE:
                self.cell[4] += text
        elif self.string_chars is not None:
            self.string_chars += len(text)
        else:
            self.text += len(text)
            if self.text > MAX_TEXT_CHARS:
                self._too_long_text()

    def _start_cell(self, attributes) -> None:
        self.cells += 1
        reference = attributes.get("r")
        if reference:
            match = _CELL_REFERENCE.fullmatch(reference)
            if match is None:
                raise SpreadsheetError(CANNOT_OPEN)
            row, column = int(match[2]), column_index_from_string(match[1].upper())
        else:
            row, column = self.row, self.column + 1
        self.column = column
        if self.cells > MAX_CELLS:
            raise SpreadsheetError(
                f"The {self.sheet} has more than {MAX_CELLS:,} cells (row {row:,} passes the "
                f"bound), more than a progress spreadsheet of {MAX_ROWS:,} actions. "
                f"{UPLOAD_OURS}"
            )
        if row > MAX_ROWS + 1:
            raise SpreadsheetError(
                f"The {self.sheet} has more than {MAX_ROWS:,} rows of actions: row {row:,} "
                f"holds a cell. {UPLOAD_OURS}"
            )
        if column > MAX_COLUMNS:
            raise SpreadsheetError(
                f"The {self.sheet} has a cell in column {get_column_letter(column)} of row "
                f"{row:,}, past the {MAX_COLUMNS} columns a progress spreadsheet can have. "
                "Delete it, or upload the spreadsheet downloaded from this page."
            )
        self.cell = [row, column, attributes.get("t", "n"), 0, ""]

    def _end_cell(self) -> None:
        row, column, kind, _chars, value = self.cell
        self.cell = None
        if kind == "s" and value.strip().isdigit() and int(value) in self.scan.long_texts:
            self._too_long_cell(row, column)

    def _too_long_cell(self, row=None, column=None):
        if row is None:
            row, column = self.cell[0], self.cell[1]
        named = (
            f"column “{self.columns[column - 1]}”"
            if column <= len(self.columns)
            else f"column {get_column_letter(column)}"
        )
        raise SpreadsheetError(
            f"Row {row:,} of the {self.sheet}, {named}, holds more than {MAX_CELL_CHARS:,} "
            f"characters: a note can have at most {NOTE_MAX_LENGTH:,}. Shorten it, and upload "
            "the file again."
        )

    def _too_long_text(self):
        raise SpreadsheetError(
            f"The part “{self.name}” of the file holds a text of more than "
            f"{MAX_TEXT_CHARS:,} characters, longer than Excel allows in a cell. {UPLOAD_OURS}"
        )

    @staticmethod
    def _number(value, default: int) -> int:
        if value is None:
            return default
        if not value.strip().isdigit():
            raise SpreadsheetError(CANNOT_OPEN)
        return int(value)
