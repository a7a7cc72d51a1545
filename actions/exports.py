"""The action log as a spreadsheet: plain functions that turn the rows of
`selectors.log_export_rows` into CSV text or an XLSX file. The columns are
those of the minutes' Actions Outstanding table, then what the log adds."""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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


def row_values(row: ExportRow) -> list:
    """One action's cells, dates as dates, text neutralised. "Last target
    date" is the target coming into its latest review, as that meeting's
    minutes print it."""
    action, latest = row.action, row.latest
    cells = [
        action.reference,
        f"{action.topic}: {action.text}" if action.topic else action.text,
        ", ".join(row.owners),
        action.raised_on,
        row.last_target,
        row.current_target,
        action.get_status_display(),
        action.get_outcome_display() if action.outcome else "",
        action.times_slipped,
        action.days_slipped,
        action.days_overdue,
        latest.update if latest else "",
        f"{latest.meeting_label} ({latest.meeting_date:%d/%m/%Y})" if latest else "",
    ]
    return [neutralise(value) for value in cells]


def _text(value) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


class _Line:
    """csv.writer writes into this and hands back what it wrote."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """The CSV a line at a time, for a streamed response. It starts with a
    byte-order mark: without it Excel reads UTF-8 as Windows-1252 and mangles
    the dashes and quotes the minutes are full of."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([column.title for column in COLUMNS])
    for row in rows:
        yield writer.writerow([_text(value) for value in row_values(row)])


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
