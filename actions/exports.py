"""The action log as a spreadsheet: plain functions that turn the rows of
`selectors.log_export_rows` into CSV text or an XLSX file. The columns are
those of the minutes' Actions Outstanding table, then what the log adds."""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .models import Action
from .selectors import ExportRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # in characters, for the XLSX
    wrap: bool = False


COLUMNS = [
    Column("Reference", 17),
    Column("Action", 60, wrap=True),
    Column("Owners", 18, wrap=True),
    Column("Date raised", 12),
    Column("Last target date", 16),
    Column("Current target date", 19),
    Column("Status", 9),
    Column("Outcome", 30),
    Column("Times slipped", 14),
    Column("Days slipped", 13),
    Column("Days overdue", 13),
    Column("Latest update", 60, wrap=True),
    Column("Latest update at", 24),
]


# What a spreadsheet takes for the start of a formula (OWASP, "CSV
# Injection"): =, +, -, @, and a tab or carriage return, which Excel skips
# before reading one of those.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula, made plain text by a
    leading apostrophe, as OWASP advises. An action's text or an owner's
    update is typed by people outside the secretariat, and a cell such as
    =HYPERLINK(…) or -2+3+cmd|… would act when the secretary opened the file.
    Numbers and dates are not text and pass as they are: -3 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# The labels the export prints, looked up once (get_status_display, per
# row, was a tenth of an export).
STATUSES = dict(Action.Status.choices)
OUTCOMES = dict(Action.Outcome.choices)


@lru_cache(maxsize=1024)
def _meeting_at(label: str, date: datetime.date) -> str:
    """ "OPSG 25 (06/10/2026)": a few hundred meetings name thousands of rows."""
    return f"{label} ({date:%d/%m/%Y})"


def cells(row: ExportRow) -> list:
    """One action's cells as they are, dates as dates. "Last target date" is
    the target coming into its latest review, as that meeting's minutes
    print it."""
    latest = row.latest
    return [
        row.reference,
        f"{row.topic}: {row.text}" if row.topic else row.text,
        ", ".join(row.owners),
        row.raised_on,
        row.last_target,
        row.current_target,
        STATUSES.get(row.status, row.status),
        OUTCOMES.get(row.outcome, row.outcome) if row.outcome else "",
        row.times_slipped,
        row.days_slipped,
        row.days_overdue,
        latest.update if latest else "",
        _meeting_at(latest.meeting_label, latest.meeting_date) if latest else "",
    ]


def row_values(row: ExportRow) -> list:
    """One action's cells, dates as dates, text neutralised."""
    return [neutralise(value) for value in cells(row)]


class _Texts(dict):
    """A cell as CSV text, text neutralised, a date dd/mm/yyyy worked out
    once per date (an export of thousands of rows holds a few hundred)."""

    def __missing__(self, value):
        text = f"{value:%d/%m/%Y}" if isinstance(value, datetime.date) else str(value)
        self[value] = text
        return text

    def of(self, value) -> str:
        return neutralise(value) if type(value) is str else self[value]


class _Line:
    """csv.writer writes into this and hands back what it wrote."""

    def write(self, value):
        return value


# Lines sent at a time: a streamed response writes each piece it is given to
# the socket on its own, and a piece a line was thousands of writes.
LINES_A_PIECE = 200


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """The CSV a few hundred lines at a time, for a streamed response. It
    starts with a byte-order mark: without it Excel reads UTF-8 as
    Windows-1252 and mangles the dashes and quotes the minutes are full of."""
    writer = csv.writer(_Line())
    text = _Texts().of
    yield "\ufeff" + writer.writerow([column.title for column in COLUMNS])
    piece = []
    for row in rows:
        piece.append(writer.writerow([text(value) for value in cells(row)]))
        if len(piece) == LINES_A_PIECE:
            yield "".join(piece)
            piece = []
    if piece:
        yield "".join(piece)


def xlsx_bytes(rows: Iterable[ExportRow], *, title: str = "Actions") -> bytes:
    """An XLSX workbook of one sheet: a bold header row that stays in view,
    dates as real date cells shown dd/mm/yyyy, widths that fit the columns.
    Written row by row (openpyxl's write-only mode), so a long log does not
    hold a sheet of cell objects in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)

    def header(title):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        return cell

    sheet.append([header(column.title) for column in COLUMNS])
    count = 0
    for row in rows:
        cells = []
        for column, value in zip(COLUMNS, row_values(row), strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = DATE_FORMAT
            cell.alignment = wrapped if column.wrap else top
            cells.append(cell)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
