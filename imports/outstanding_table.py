"""An Actions Outstanding table whose rows each carry an action's reference,
read by its layout's data (imports.layouts: `outstanding_columns`,
`update_rows`, `review_reference`, `review_status`), for a layout whose
text is read as written (imports.item_text).

    | Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner |
    | OPSG 46/03 | SECAS to circulate … | 12/04/2021 | 17/05/2021 | N/A | SECAS |
    | SECAS circulated the guidance on 4 May. Status: Closed. | | | | | |

A row whose reference cell reads as a reference is one action's review;
where the layout says its updates sit on the row underneath (`update_rows`),
a row with only its first cell is the update of the review above, and its
"Status: Open" or "Closed" sets that review's status. A table cut by a page
break goes on, with its header again or without one. A row that is neither
is handed back to the reader as a line it could not place.

The cells are read as written (links and bold kept in the text and the
update); the reference, owner and date cells without their marks."""

import datetime
from dataclasses import dataclass, field

from actions.references import format_reference
from imports.blocks import SourceLine, plain
from imports.common import owners_in, read_date_cell
from imports.layouts import Layout
from imports.parsed import Flag, ParsedMinutes, ParsedReview


@dataclass
class OutstandingTables:
    """Where the outstanding tables of one item have got to: the columns of
    the table last read (a table cut by a page break goes on with them), and
    the reviews whose update has stated no status yet."""

    minutes: ParsedMinutes
    layout: Layout
    columns: dict[str, int] | None = None
    unstated: list[ParsedReview] = field(default_factory=list)


def review_columns(header: list[str], layout: Layout) -> dict[str, int] | None:
    """Which column is which, from header words; None when this is not an
    Actions Outstanding table (no reference and action column)."""
    words = [plain(h).lower() for h in header]
    found: dict[str, int] = {}
    for index, word in enumerate(words):
        for name, pattern in layout.outstanding_columns.items():
            if name not in found and pattern.search(word):
                found[name] = index
                break
    if "reference" not in found or "text" not in found:
        return None
    return found


def read_review_table(
    header: tuple[str, ...],
    rows: list[tuple[int, tuple[str, ...]]],
    line: int,
    tables: OutstandingTables,
    unplaced: list[SourceLine],
) -> bool:
    """One Actions Outstanding table, or the rest of one after a page break
    (with or without its header again). False when it is another table."""
    rows = list(rows)
    if header and (columns := review_columns(list(header), tables.layout)):
        tables.columns = columns
    elif tables.columns is None:
        return False
    elif header:  # a header this table does not name: read as a row, as it is
        rows.insert(0, (line, header))
    for number, row in rows:
        read_review_row(number, list(row), tables, unplaced)
    return True


def read_review_row(
    line: int, row: list[str], tables: OutstandingTables, unplaced: list[SourceLine]
) -> None:
    """A row with a reference is one action's review; a row with only its first
    cell is the update under the review above."""
    columns = tables.columns or {}
    reviews = tables.minutes.reviews
    first = row[0] if row else ""
    if tables.layout.review_reference.match(plain(cell_at(row, columns["reference"]))):
        tables.unstated.append(review(line, row, columns, tables))
        reviews.append(tables.unstated[-1])
    elif tables.layout.update_rows and first and not any(c.strip() for c in row[1:]) and reviews:
        add_update(reviews[-1], first, tables)
    elif any(c.strip() for c in row):
        unplaced.append((line, "| " + " | ".join(row) + " |"))


def cell_at(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def review(line: int, row: list[str], columns: dict[str, int], tables: OutstandingTables):
    minutes = tables.minutes
    flags = minutes.flags
    reference = review_reference(plain(cell_at(row, columns["reference"])), tables.layout)
    found = ParsedReview(
        reference=reference,
        text=cell_at(row, columns.get("text")),
        # Read as an ACTION line's owner is read ("The DCC", "OPSG Members").
        owners=owners_in(plain(cell_at(row, columns.get("owner"))), committee=minutes.committee)[0],
        line=line,
    )
    found.raised_on, _ = review_date(cell_at(row, columns.get("raised")), reference, line, flags)
    found.last_target_date, found.last_target_note = review_date(
        cell_at(row, columns.get("last")), reference, line, flags
    )
    found.revised_target_date, found.revised_target_note = review_date(
        cell_at(row, columns.get("revised")), reference, line, flags
    )
    for name in ("update", "status"):
        if extra := cell_at(row, columns.get(name)):
            add_update(found, extra if name == "update" else f"Status: {extra}", tables)
    return found


def review_reference(text: str, layout: Layout) -> str:
    """'OPSG 43/07', 'OPSG 45/CONF 02', spaced the one way."""
    match = layout.review_reference.match(text)
    if not match:
        return text
    code, meeting, conf, sequence = match.groups()
    return format_reference(code, int(meeting), int(sequence), bool(conf))


def review_date(
    text: str, reference: str, line: int, flags: list[Flag]
) -> tuple[datetime.date | None, str]:
    return read_date_cell(plain(text), reference, line, flags)


def add_update(found: ParsedReview, text: str, tables: OutstandingTables) -> None:
    """The update narrative; its 'Status: Open.' or 'Closed.' sets the status."""
    if match := tables.layout.review_status.search(text):
        found.status = match.group(1).lower()
        text = (text[: match.start()] + text[match.end() :]).strip()
        tables.unstated[:] = [other for other in tables.unstated if other is not found]
    found.update = "\n\n".join(filter(None, [found.update, text.strip()]))


def flag_unstated(tables: OutstandingTables) -> None:
    """A review whose update never said 'Status: Open' or 'Closed', flagged."""
    for found in tables.unstated:
        tables.minutes.flags.append(
            Flag(
                found.line,
                "missing-status",
                f"{found.reference}: no 'Status: Open' or 'Closed' in its update; read as open.",
            )
        )
