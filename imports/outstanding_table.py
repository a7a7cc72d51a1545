"""The outstanding actions, a table or a list of lines, read by the layout
registry's data for every entry (imports.layouts: `outstanding_columns`,
`review_key_columns`, `review_reference`, `unreferenced_reviews`,
`review_owner_split`, `review_dates_in_words`, `update_rows`,
`review_status`, `status_words`): by the generic reader (imports.layout_generic), for a
layout whose text is read as written by imports.item_text, and for the
OPSG's 2019 PDF text by imports.layout_text, from the rows
imports.pdf_blocks cuts out of its table (with the line of each cell, where
a doubt about the cell points: `cell_lines`).

    | Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner |
    | OPSG 46/03 | SECAS to circulate … | 12/04/2021 | 17/05/2021 | N/A | SECAS |
    | SECAS circulated the guidance on 4 May. Status: Closed. | | | | | |

    | Ref   | Action                       | Owner   | Due        | Status |
    | 86/01 | Circulate the revised guide  | VPN     | 30/04/2026 | Open   |

A row whose reference cell reads as a reference is one action's review;
where the layout says its updates sit on the row underneath (`update_rows`),
a row with only its first cell is the update of the review above, and its
"Status: Open" or "Closed" sets that review's status. Where a review's
status is stated twice and the statements disagree (its status cell, its
update, an update row), the last read says it and the conflict is flagged
status-conflict, naming both words and their lines. A status word ("Done",
"In progress") means the same for every entry, by the entry's
`status_words` (`read_status`); a status cell that holds none of them is
read as open and flagged review-status. A row that repeats the header, or
a rule of dashes written twice, is no action. A table cut by a page
break goes on, with its header again or without one. Where the layout says
so (`unreferenced_reviews`), a row with an action but no reference of the
layout's form is a review under the meeting's own numbering (the reader's);
otherwise a row that is neither is handed back to the reader as a line it
could not place.

The cells are read as written (links and bold kept in the text and the
update); the reference, owner and date cells without their marks."""

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from actions.references import canonical
from imports.blocks import SourceLine, plain
from imports.common import first_date, owners_in, read_date_cell
from imports.layouts import Layout
from imports.parsed import Flag, ParsedMinutes, ParsedReview


@dataclass(frozen=True)
class Statement:
    """A status stated in a row or an update: what it says ("open" or
    "closed"), its word as printed, its line."""

    status: str
    word: str
    line: int


@dataclass
class OutstandingTables:
    """Where the outstanding tables of one item have got to: the columns of
    the table last read (a table cut by a page break goes on with them), and
    the reviews whose status has not been read yet, each with its status
    cell as printed; the last statement of each review's status read so
    far (by the review's id: a review is kept in the minutes' reviews). `own_reference`, for an entry whose rows without a
    reference of its form are actions all the same (`unreferenced_reviews`):
    the reader's numbering, given the row's line, its printed reference and
    its text, gives back its reference and its text."""

    minutes: ParsedMinutes
    layout: Layout
    columns: dict[str, int] | None = None
    unstated: list[tuple[ParsedReview, str]] = field(default_factory=list)
    stated: dict[int, Statement] = field(default_factory=dict)
    own_reference: Callable[[int, str, str], tuple[str, str]] | None = None


def review_columns(header: list[str], layout: Layout) -> dict[str, int] | None:
    """Which column is which, from header words; None when this is not an
    Actions Outstanding table (an action column, and one of the layout's
    `review_key_columns` beside it)."""
    words = [plain(h).strip("*").strip().lower() for h in header]
    found: dict[str, int] = {}
    for index, word in enumerate(words):
        for name, pattern in layout.outstanding_columns.items():
            if name not in found and pattern.search(word):
                found[name] = index
                break
    if "text" not in found or not any(key in found for key in layout.review_key_columns):
        return None
    return found


# A header's titles: a few words ("Ref Action Owner Due Status").
_HEADER_WORDS = 8


def review_header(line: str, layout: Layout) -> bool:
    """A line of the titles of an outstanding-actions table's columns, its
    words taken one by one ("Ref Action Owner Due Status"): the header of a
    table whose columns were lost (one space apart, as a PDF of a table
    typed with spaces prints them) or whose rows run together."""
    words = line.split()
    return len(words) <= _HEADER_WORDS and review_columns(words, layout) is not None


def read_review_table(
    header: tuple[str, ...],
    rows: list[tuple[int, tuple[str, ...]]],
    line: int,
    tables: OutstandingTables,
    unplaced: list[SourceLine],
    cell_lines: Sequence[tuple[int, ...]] = (),
) -> bool:
    """One Actions Outstanding table, or the rest of one after a page break
    (with or without its header again). False when it is another table.
    `cell_lines`, where a tokenizer knows them (imports.pdf_blocks, whose
    cells run over several lines): the line of each row's cells, row by row,
    where a doubt about a cell points (0: the row's line)."""
    rows = list(rows)
    lines_of = list(cell_lines) or [()] * len(rows)
    named = header if header and (columns := review_columns(list(header), tables.layout)) else ()
    if named:
        tables.columns = columns
    elif tables.columns is None:
        return False
    elif header:  # a header this table does not name: read as a row, as it is
        rows.insert(0, (line, header))
        lines_of.insert(0, ())
    for (number, row), lines in zip(rows, lines_of, strict=True):
        if not header_again(row, named):
            read_review_row(number, list(row), tables, unplaced, lines)
    return True


def header_again(row: tuple[str, ...], header: tuple[str, ...]) -> bool:
    """A row that repeats the header that named the table's columns, or is
    a rule of three dashes or more in every cell (a header written twice,
    its rule written twice): no action, and nothing in it to keep."""
    cells = [plain(cell).strip(" *:").lower() for cell in row]
    if header and cells == [plain(cell).strip(" *:").lower() for cell in header]:
        return True
    return bool(cells) and all(len(cell) >= 3 and set(cell) == {"-"} for cell in cells)


def read_review_row(
    line: int,
    row: list[str],
    tables: OutstandingTables,
    unplaced: list[SourceLine],
    cell_lines: tuple[int, ...] = (),
) -> None:
    """A row with a reference is one action's review; a row with only its first
    cell is the update under the review above (`update_rows`); where the
    layout says so (`unreferenced_reviews`), a row with an action or a
    reference not of its form is a review under the reader's numbering. Any
    other row with words in it (an owner, a date, a status alone) goes to
    `unplaced`, for the reader to flag: never dropped in silence."""
    columns = tables.columns or {}
    reviews = tables.minutes.reviews
    first = row[0] if row else ""
    printed = cell_at(row, columns["reference"]) if "reference" in columns else ""
    reference = review_reference(plain(printed), tables.layout, tables.minutes.committee)
    text = cell_at(row, columns.get("text"))
    if reference:
        reviews.append(review(line, row, reference, text, tables, cell_lines))
    elif tables.layout.update_rows and first and not any(c.strip() for c in row[1:]) and reviews:
        add_update(reviews[-1], first, tables, line)
    elif tables.layout.unreferenced_reviews and (printed or text) and tables.own_reference:
        reference, text = tables.own_reference(line, printed, text)
        reviews.append(review(line, row, reference, text, tables))
    elif any(c.strip() for c in row):  # neither an action nor a reference: the reader's doubt
        unplaced.append((line, "| " + " | ".join(row) + " |"))


def cell_at(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def review(
    line: int,
    row: list[str],
    reference: str,
    text: str,
    tables: OutstandingTables,
    cell_lines: tuple[int, ...] = (),
) -> ParsedReview:
    """The review a row holds; a doubt about a cell names the cell's line
    where `cell_lines` gives it, else the row's."""
    columns = tables.columns or {}

    def at(name: str) -> int:
        index = columns.get(name)
        number = cell_lines[index] if index is not None and index < len(cell_lines) else 0
        return number or line

    found = ParsedReview(
        reference=reference,
        text=text,
        owners=review_owners(cell_at(row, columns.get("owner")), tables),
        line=line,
    )
    found.raised_on, _ = review_date(
        cell_at(row, columns.get("raised")), found, tables, at("raised")
    )
    found.last_target_date, found.last_target_note = review_date(
        cell_at(row, columns.get("last")), found, tables, at("last")
    )
    found.revised_target_date, found.revised_target_note = review_date(
        cell_at(row, columns.get("revised")), found, tables, at("revised")
    )
    update, status = cell_at(row, columns.get("update")), cell_at(row, columns.get("status"))
    stated, rest = read_status(status, tables.layout, at("status"))
    if tables.layout.review_status is None:
        found.update, found.status = update, stated.status if stated else "open"
        if status and not stated:
            tables.minutes.flags.append(status_not_understood(found, status))
        return found
    tables.unstated.append((found, status))  # until a status is read, its own or an update's
    if update:
        add_update(found, update, tables, at("update"))
    if stated:  # the status cell is read after the update cell; its other words kept
        state_status(found, stated, tables)
        if rest:
            add_update(found, rest, tables, at("status"))
    elif status:  # kept as printed, and flagged when no update states a status
        add_update(found, f"Status: {status}", tables, at("status"))
    return found


def review_reference(text: str, layout: Layout, committee: str) -> str:
    """'OPSG 43/07', 'OPSG 45/CONF 02', spaced the one way, by the layout's
    `review_reference` (groups: code, meeting, conf, sequence; a reference
    without its code is `committee`'s); "" when the text is not one. The
    generic reader reads an action line's printed label by it too."""
    match = layout.review_reference.match(" ".join(text.split()))
    if not match:
        return ""
    groups = match.groupdict()
    code = groups["code"] or committee or "?"
    meeting, conf, sequence = groups["meeting"], groups.get("conf"), groups["sequence"]
    return canonical(f"{code} {meeting}/{'CONF ' if conf else ''}{sequence}") or ""


def review_owners(text: str, tables: OutstandingTables) -> list[str]:
    """The owner cell's names: split by the layout's `review_owner_split`,
    or read as an ACTION line's owner is read ("The DCC", "OPSG Members")."""
    if tables.layout.review_owner_split is not None:
        return [name for name in tables.layout.review_owner_split.split(text) if name.strip()]
    return owners_in(plain(text), committee=tables.minutes.committee)[0]


def review_date(
    text: str, found: ParsedReview, tables: OutstandingTables, line: int = 0
) -> tuple[datetime.date | None, str]:
    """A date cell: the first date written in it where the layout reads dates
    in words (`review_dates_in_words`), the cell kept as the note otherwise;
    else as imports.common.read_date_cell reads it (flagged, on `line` or
    else the review's, when not a date but holding a number)."""
    if tables.layout.review_dates_in_words:
        date = first_date(text) if text else None
        return date, "" if date or not text else text
    return read_date_cell(plain(text), found.reference, line or found.line, tables.minutes.flags)


def status_words(layout: Layout) -> re.Pattern:
    """The layout's `status_words` as a pattern, the word in group `status`
    (a full stop after it taken with it), a "not" before it in group `not`:
    "Not done" says neither open nor closed."""
    return _words_pattern(tuple(layout.status_words), "")


def _statement(layout: Layout) -> re.Pattern:
    """A status an update states: the layout's `review_status` (the label,
    "Status:") before one of its `status_words`."""
    label = layout.review_status
    return _words_pattern(tuple(layout.status_words), label.pattern if label else "")


@functools.cache
def _words_pattern(words: tuple[str, ...], label: str) -> re.Pattern:
    longest_first = sorted(words, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in longest_first)
    negation = r"(?P<not>\b(?:not|no longer|never)\s+(?:yet\s+)?)?"
    return re.compile(rf"{label}{negation}\b(?P<status>{alternatives})\b\.?", re.I)


def read_status(text: str, layout: Layout, line: int) -> tuple[Statement | None, str]:
    """A status cell, "Closed", "CLOSED.", "Done (12/03)", "Closed –
    superseded", read the one way for every entry: its first word of the
    layout's `status_words` says whether the action is open or closed. The
    statement (on `line`) and the cell's other words; (None, the cell) when
    it holds none of them, or says "not" before the first ("Not done")."""
    match = status_words(layout).search(text or "")
    if not match or match["not"]:
        return None, text
    rest = (text[: match.start()] + text[match.end() :]).strip()
    return stated(match, layout, line), rest


def last_status(text: str, layout: Layout) -> str:
    """An outstanding action written as a line: its last status word, with
    a "not" before it ("… – Not done"), as its status cell."""
    found = list(status_words(layout).finditer(text))
    return found[-1][0].strip() if found else ""


def stated(match: re.Match, layout: Layout, line: int) -> Statement:
    word = match["status"]
    return Statement(layout.status_words[" ".join(word.lower().split())], word, line)


def status_not_understood(found: ParsedReview, status: str) -> Flag:
    message = (
        f"{found.reference}: its status {status!r} is not a status the layout reads as open "
        "or closed; read as open."
    )
    return Flag(found.line, "review-status", message)


def add_update(found: ParsedReview, text: str, tables: OutstandingTables, line: int) -> None:
    """The update narrative (on `line`); each 'Status: Open.' or 'Closed.'
    in it, in order, states the status, and is taken out of the text."""
    statement = _statement(tables.layout)
    for match in statement.finditer(text):
        if not match["not"]:  # "Status: not done" states none, and is kept
            state_status(found, stated(match, tables.layout, line), tables)
    text = statement.sub(lambda match: match[0] if match["not"] else "", text).strip()
    found.update = "\n\n".join(filter(None, [found.update, text.strip()]))


def state_status(found: ParsedReview, statement: Statement, tables: OutstandingTables) -> None:
    """A statement of a review's status, in its status cell, its update
    cell or an update row under it: the last read says the status (a row's
    status cell is read after its update cell, an update row after the row
    above). One that contradicts the statement before it is flagged
    status-conflict, naming both words and their lines: never settled in
    silence."""
    earlier = tables.stated.get(id(found))
    if earlier is None:
        tables.unstated[:] = [other for other in tables.unstated if other[0] is not found]
    elif earlier.status != statement.status:
        message = (
            f"{found.reference}: its status is stated as {earlier.word!r} (line {earlier.line}) "
            f"and as {statement.word!r} (line {statement.line}); read as {statement.status}, "
            "the later statement."
        )
        tables.minutes.flags.append(Flag(statement.line, "status-conflict", message))
    tables.stated[id(found)] = statement
    found.status = statement.status


def flag_unstated(tables: OutstandingTables) -> None:
    """A review whose status cell and update never said 'Open' or 'Closed',
    flagged: missing where neither states one, doubtful where its status
    cell says something the layout's `status_words` do not ("Superseded")."""
    for found, status in tables.unstated:
        if status:
            tables.minutes.flags.append(status_not_understood(found, status))
        else:
            message = (
                f"{found.reference}: no 'Status: Open' or 'Closed' in its update; read as open."
            )
            tables.minutes.flags.append(Flag(found.line, "missing-status", message))


# An outstanding action's line read as a row of these fields.
_LINE_FIELDS = {"reference": 0, "text": 1, "owner": 2, "last": 3, "status": 4}


def read_review_line(
    line: int, text: str, tables: OutstandingTables, unplaced: list[SourceLine]
) -> bool:
    """An outstanding action written as a line of a list (the layout's
    `review_line`: "2026-02 (JD): renew the insurance, due 1 April 2026,
    open"), read as a row of its reference, its words, its owner, its target
    (`action_target`) and its status (the last status word in it). False
    when the line is not one."""
    layout = tables.layout
    match = layout.review_line.match(text) if layout.review_line else None
    if not match:
        return False
    tables.columns = _LINE_FIELDS
    words = match["text"].strip()
    due = layout.action_target.search(words) if layout.action_target else None
    row = [match["ref"], words, match["owner"] or "", due["date"] if due else ""]
    read_review_row(line, [*row, last_status(words, layout)], tables, unplaced)
    return True
