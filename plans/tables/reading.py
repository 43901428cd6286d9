"""The tables of a Word document or an Excel workbook, as the texts a person sees in them.

Nothing here knows what a column means: a table is its heading (the text above it), its header
row and its rows, each row numbered as the person counts it in their file (Excel's row numbers;
in Word, the rows of the table from its header, 1). A row that holds one text only (a theme
written across the table) is a heading row: it heads the rows under it.

Both formats are zips of XML parts that may unpack to far more than they weigh. A file is
measured against the bounds of the progress spreadsheet (actions.spreadsheet.workbook) before
it is parsed: an .xlsx streamed through every one of them, a .docx by its zip's directory
(python-docx parses with lxml, entities off and no huge trees; Word's styles alone pass the
progress sheet's bound on settings, which is for a workbook).
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from actions.spreadsheet.workbook import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    UPLOAD_OURS,
    SpreadsheetError,
    check_bounds,
)
from governance.text import clean_text

WORD = "docx"
EXCEL = "xlsx"
MB = 1024 * 1024
MAX_TABLES = 200  # a plan has one, or one per theme
# A heading above a table is a short line; a longer paragraph there is body text.
MAX_HEADING_CHARS = 200


class TableFileError(Exception):
    """The file as a whole cannot be read: the message says why and what to do."""


@dataclass
class TableRow:
    number: int  # as the person counts it in their file
    cells: list[str]
    heading: str = ""  # the heading over it: a heading row of its table, or the table's own


@dataclass
class Table:
    number: int
    kind: str  # WORD or EXCEL
    sheet: str  # an Excel sheet's name
    heading: str
    header: list[str]
    header_row: int
    rows: list[TableRow] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.kind == EXCEL:
            return f"Sheet “{self.sheet}”, table {self.number}"
        return f"Table {self.number}"

    def column_name(self, index: int) -> str:
        header = self.header[index] if index < len(self.header) else ""
        if self.kind == EXCEL:
            letter = get_column_letter(index + 1)
            return f"column {letter} (“{header}”)" if header else f"column {letter}"
        return f"column “{header}”" if header else f"column {index + 1}"

    def place(self, row: int, column: int | None = None) -> str:
        where = (
            f"Sheet “{self.sheet}”, row {row}"
            if self.kind == EXCEL
            else f"Table {self.number}, row {row}"
        )
        return f"{where}, {self.column_name(column)}" if column is not None else where


def kind_of(filename: str) -> str:
    name = (filename or "").lower()
    if name.endswith(".docx"):
        return WORD
    if name.endswith((".xlsx", ".xlsm")):
        return EXCEL
    raise TableFileError(
        "The file must be a Word document (.docx) or an Excel workbook (.xlsx). A .doc or "
        ".xls from an older Office: open it and save it as .docx or .xlsx. A PDF: upload the "
        "Word or Excel file it was made from."
    )


def read_tables(data: bytes, *, filename: str) -> list[Table]:
    """The tables of the file, or TableFileError with a message for the whole file."""
    kind = kind_of(filename)
    if not data:
        raise TableFileError("The file is empty. Choose the Word or Excel file of the plan.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableFileError(
            f"The file is {data_size(len(data))}, larger than the limit of "
            f"{data_size(MAX_UPLOAD_BYTES)} for a plan. Remove pictures from it, or save the "
            "plan's table alone as a new file, and upload that."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableFileError(_cannot_open(kind))
    try:
        tables = _read_word(data) if kind == WORD else _read_excel(data)
    except TableFileError:
        raise
    except SpreadsheetError as error:
        raise TableFileError(_as_plan_message(str(error))) from error
    except Exception as error:  # zipfile, lxml and openpyxl raise many kinds on a damaged file
        raise TableFileError(_cannot_open(kind)) from error
    if not tables:
        raise TableFileError(
            "The file holds no table. The plan must be a table, with a header row naming "
            "its columns (action, lead, timescale...) and a row for each action."
        )
    return tables


def data_size(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0") + " MB"


def _cannot_open(kind: str) -> str:
    what = "a Word document (.docx)" if kind == WORD else "an Excel workbook (.xlsx)"
    return (
        f"The file could not be opened as {what}: it is damaged, or another kind of file "
        "renamed. Open it in Word or Excel, save it again, and upload that."
    )


def _as_plan_message(message: str) -> str:
    """The progress spreadsheet's bounds, said of a plan: the same bounds, other words."""
    message = message.replace(UPLOAD_OURS, "Upload the plan's table alone, as a new file.")
    message = message.replace("a progress spreadsheet of", "a plan of")
    message = message.replace("an Excel workbook of progress", "an Excel plan")
    message = message.replace("a progress spreadsheet", "a plan")
    message = re.sub(r": a note can have at most [\d,]+\.", ".", message)
    message = message.replace("Delete it, or upload the spreadsheet downloaded from this page.", "")
    return message.strip()


# --- Word ---------------------------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """The zip's directory against the spreadsheet's bounds, before anything is unpacked."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise TableFileError(
                f"The file has {len(parts):,} parts, more than the {MAX_PARTS:,} a plan needs. "
                "Save the plan's table alone as a new file, and upload that."
            )
        for part in parts:
            if part.file_size > MAX_PART_BYTES:
                raise TableFileError(
                    f"The part “{part.filename}” of the file is {data_size(part.file_size)} "
                    f"once unpacked, more than the {data_size(MAX_PART_BYTES)} a plan needs."
                )
        total = sum(part.file_size for part in parts)
        if total > MAX_UNPACKED_BYTES:
            raise TableFileError(
                f"The file is {data_size(total)} once unpacked, more than the "
                f"{data_size(MAX_UNPACKED_BYTES)} a plan needs. Remove pictures from it, or "
                "save the plan's table alone as a new file, and upload that."
            )


def _read_word(data: bytes) -> list[Table]:
    import docx  # here: only a Word upload needs it
    from docx.table import Table as WordTable

    _check_archive(data)
    document = docx.Document(io.BytesIO(data))
    tables: list[Table] = []
    # A table's heading: the last paragraph in a heading style since the table before, else
    # the last short one (a theme typed in bold, say).
    styled = plain = ""
    rows_read = 0
    for item in document.iter_inner_content():
        if not isinstance(item, WordTable):
            text = _text(item.text)
            if text and len(text) <= MAX_HEADING_CHARS:
                style = (item.style.name if item.style is not None else "") or ""
                if style.startswith(("Heading", "Title")):
                    styled = text
                else:
                    plain = text
            continue
        heading = styled or plain
        if len(tables) >= MAX_TABLES:
            raise TableFileError(f"The document has more than {MAX_TABLES} tables.")
        grid = []
        for number, row in enumerate(item.rows, 1):
            rows_read += 1
            if rows_read > MAX_ROWS:
                raise TableFileError(
                    f"Table {len(tables) + 1} passes {MAX_ROWS:,} rows in all (row {number}): "
                    "more than a plan has."
                )
            cells, last = [], None
            for cell in row.cells:
                if last is not None and cell._tc is last:
                    continue  # a cell merged across columns comes once
                last = cell._tc
                text = _text(cell.text, keep_lines=True)
                if len(text) > MAX_CELL_CHARS:
                    raise TableFileError(
                        f"Table {len(tables) + 1}, row {number}, column {len(cells) + 1} holds "
                        f"more than {MAX_CELL_CHARS:,} characters, more than a plan's cell "
                        "needs. Shorten it, and upload the file again."
                    )
                cells.append(text)
            if len(cells) > MAX_COLUMNS:
                raise TableFileError(
                    f"Table {len(tables) + 1}, row {number} has {len(cells)} columns, more "
                    f"than the {MAX_COLUMNS} a plan can have."
                )
            grid.append((number, cells))
        table = _table_of(grid, number=len(tables) + 1, kind=WORD, sheet="", heading=heading)
        if table is not None:
            tables.append(table)
        styled = plain = ""
    return tables


# --- Excel --------------------------------------------------------------------------------


def _read_excel(data: bytes) -> list[Table]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_bounds(archive)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        tables: list[Table] = []
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            grid = []
            for number, values in enumerate(
                sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True), 1
            ):
                grid.append((number, [_cell_text(value) for value in values]))
            tables.extend(_tables_of_sheet(grid, sheet.title, first=len(tables) + 1))
        return tables
    finally:
        workbook.close()


def _tables_of_sheet(grid, sheet: str, *, first: int) -> list[Table]:
    """A sheet may hold several tables, one under another, each under its heading: a table
    starts at a row of two texts or more, and a row that repeats its header starts another."""
    tables, start = [], None
    heading = ""
    for index, (_number, cells) in enumerate(grid):
        texts = [cell for cell in cells if cell]
        if start is None:
            if len(texts) >= 2:
                start = index
            elif texts and len(texts[0]) <= MAX_HEADING_CHARS:
                heading = texts[0]
            continue
        if _norm_row(cells) == _norm_row(grid[start][1]):
            table = _table_of(
                grid[start:index], number=first + len(tables), kind=EXCEL, sheet=sheet,
                heading=heading,
            )  # fmt: skip
            if table is not None:
                tables.append(table)
            heading = _heading_above(grid, index) or heading
            start = index
    if start is not None:
        table = _table_of(
            grid[start:], number=first + len(tables), kind=EXCEL, sheet=sheet, heading=heading
        )
        if table is not None:
            tables.append(table)
    return tables


def _heading_above(grid, index) -> str:
    """The heading row nearest above the row `index`, past empty rows; "" when none."""
    for _, cells in reversed(grid[:index]):
        if not any(cells):
            continue
        return next(cell for cell in cells if cell) if _is_heading_row(cells) else ""
    return ""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        # A timescale typed as a date: Excel keeps "July 2017" as 1 July 2017.
        day = value.date() if isinstance(value, datetime.datetime) else value
        return f"{day:%B %Y}" if day.day == 1 else f"{day.day} {day:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(str(value), keep_lines=True)
    if len(text) > MAX_CELL_CHARS:
        raise TableFileError(
            f"A cell holds more than {MAX_CELL_CHARS:,} characters, more than a plan's cell "
            "needs. Shorten it, and upload the file again."
        )
    return text


# --- Both -----------------------------------------------------------------------------------


def _text(text: str, *, keep_lines: bool = False) -> str:
    text = clean_text(text or "")
    if not keep_lines:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _norm_row(cells) -> list[str]:
    texts = [" ".join(cell.split()).casefold() for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _is_heading_row(cells) -> bool:
    """One text across the row (a merged row, or one cell filled): a theme's heading."""
    texts = {cell for cell in cells if cell}
    return len(texts) == 1 and len(cells) >= 3


def _table_of(grid, *, number, kind, sheet, heading) -> Table | None:
    """The table of `grid` ([(row number, cells)]): heading rows above its header head it;
    None when it has no header of two columns or more (a box of text, not a table)."""
    rows = list(grid)
    while rows and (not any(rows[0][1]) or _is_heading_row(rows[0][1]) or
                    len([c for c in rows[0][1] if c]) < 2):  # fmt: skip
        texts = [cell for cell in rows[0][1] if cell]
        if texts and len(texts[0]) <= MAX_HEADING_CHARS:
            heading = texts[0]
        rows.pop(0)
    if not rows:
        return None
    header_row, header = rows[0]
    while header and not header[-1]:
        header = header[:-1]
    table = Table(
        number=number, kind=kind, sheet=sheet, heading=heading, header=header,
        header_row=header_row,
    )  # fmt: skip
    under = heading
    for row_number, cells in rows[1:]:
        if not any(cells):
            continue
        if _is_heading_row(cells) and len(header) >= 3:
            under = next(cell for cell in cells if cell)
            continue
        width = len(header)
        table.rows.append(TableRow(number=row_number, cells=(cells + [""] * width)[:width],
                                   heading=under))  # fmt: skip
    return table
