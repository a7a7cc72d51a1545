"""A table printed in columns whose cells wrap over several lines, as
`pdftotext -layout` prints a PDF's table (or plain text laid out with
spaces), read a row of cells per row, for imports.blocks.text_blocks:

    Ref    Action                           Owner          Target     Status
    86/01 Circulate the revised             Valley Power   30/04/2026 Open
          connection guide to every         Networks
          distribution network operator
    86/02 Confirm the audit scope           Panel          01/04/2026 Closed
                                            Secretary

The header's cells, two spaces or more apart, name the columns (a title of
two words one space apart, "Status Update", is two columns where a cell
under it starts where its second word does). The lines under it are cut
into cells at the gaps that every line of the table leaves blank between
two of the header's cells: a cell may be one space from the next
("30/04/2026 Open"), but a line whose words run across such a gap (a
sentence after the table), or whose cell holds a wider gap (two rows run
together on one line), ends it. A row is the lines of one first cell (the
reference): a cell's words on the lines below it, the row's other cells
wrapped, go on with it; a line with words in the first column only, under
a first cell, is that cell wrapped where the two joined are longer than
any first cell printed on one line. A title that wraps ("Target" over
"Date") is one title.

Which lines a row takes depends on how the table sets its cells: at the top
of the row (Word's way: a row's cells all start on its first line) or in
its middle (HTML's: a short cell is printed level with the middle of the
tallest, so a long cell starts above its reference). The reading that
explains more of the table's cells is kept. A piece of a cell that neither
reading places (a cell that starts below its row's first line, which may be
a row of its own whose first cell is empty), a row that may be the row
above's first cell wrapped, and a line whose words run across two columns
the header prints one space apart are read with the nearest row and named
in `doubts`: never merged in silence.

A table that runs over a page break goes on after it (`_next_page`): the
next page's columns are its own (pdftotext -layout sets each page afresh,
a few places left or right), read from the header printed again or from
the page's first lines; a row split by the break (its cells run on at the
top of the next page) is one row, its lines there carried over where that
leaves fewer doubts than reading them as the upper half of the page's
first row. Where the next page begins with cells whose columns cannot be
told, its first line is named in `doubts`."""

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

# A cell of text in columns: words one space apart (imports.blocks reads by it too).
CELL = re.compile(r"\S+(?: \S+)*")
_WORD = re.compile(r"\S+")
_MAX_HEADER_WORDS = 4
_MAX_HEADER_CHARS = 30


@dataclass
class ColumnTable:
    """The header and rows (cells as printed, a cell's lines joined), the
    line of each row (its first cell's) and of each cell (its first line),
    how many lines the table takes from its header on, and its doubts:
    (line, what is doubted)."""

    rows: list[tuple[str, ...]]
    row_lines: list[int]
    cell_lines: list[tuple[int, ...]]
    used: int
    doubts: list[tuple[int, str]] = field(default_factory=list)


def column_table(lines: list[str], start: int, stop: Callable[[int], bool]) -> ColumnTable | None:
    """The table whose header is `lines[start]` (0-based), its lines up to
    the first blank line not followed by another row, a line that runs
    across its columns, or one `stop` says is not the table's (page
    furniture), and on over each page break after which it goes on
    (`_next_page`); None when there is no such table (a header of three
    cells or more, then at least one row with its first cell)."""
    header = _header(lines[start])
    if header is None:
        return None
    gaps = [
        {p for p in range(header[i][1], header[i + 1][0]) if _blank(lines[start], p)}
        for i in range(len(header) - 1)
    ]
    page = _read_page(lines, start + 1, gaps, stop)
    if not page.body:  # the header at a page's foot, its rows on the next page
        page = _next_page(lines, page.end, stop, [lines[start].split()], len(header))
        if not isinstance(page, _Page):
            return None
    texts = {at: _line(lines, at) for at in page.body}
    titles, split = _split_titles(header, texts)
    cuts = {at: sorted([*_cuts(page.gaps, page.shifted[at]), *split]) for at in page.body}
    cells = {at: _cut(text, cuts[at]) for at, text in texts.items()}
    if not any(cells[at][0] for at in page.body):
        return None
    read = _rows(page.body, cells, tuple(titles))
    printed = [text.split() for text in [lines[start], *(_line(lines, at) for at in read.header)]]
    while isinstance(found := _next_page(lines, page.end, stop, printed, len(titles)), _Page):
        page = found
        for at in page.body:
            texts[at] = _line(lines, at)
            cuts[at] = _cuts(page.gaps, page.shifted[at])
            cells[at] = _cut(texts[at], cuts[at])
        _carry_on(read, page.body, cells, tuple(titles))
    read.doubts += _wrapped_first_cells(read, tuple(titles))
    read.doubts += _across(texts, cuts, titles)
    if found is not None:
        read.doubts.append(found)
    for at in read.header:  # a header that wraps: "Target" over "Date"
        titles = [
            " ".join(filter(None, (title, more)))
            for title, more in zip(titles, cells[at], strict=True)
        ]
    return ColumnTable(
        rows=[tuple(titles), *read.rows],
        row_lines=[start + 1, *read.row_lines],
        cell_lines=[(start + 1,) * len(titles), *read.cell_lines],
        used=page.body[-1] - start + 1,
        doubts=sorted(read.doubts),
    )


@dataclass
class _Page:
    """The table's lines on one page: the positions in `lines` of those
    with words, the gaps between its columns there (pdftotext -layout sets
    each page's columns afresh), where each line is cut off them
    (`_fitted`), and where the reading stopped."""

    body: list[int]
    gaps: list[set[int]]
    shifted: dict[int, dict[int, int]]
    end: int


def _read_page(
    lines: list[str],
    position: int,
    gaps: list[set[int]],
    stop: Callable[[int], bool],
    *,
    page_start: bool = False,
) -> _Page:
    """The table's lines from `position` to the end of its page or of the
    table, whichever comes first; `page_start`: `position` is a page's
    first line (else a form feed there ends the page at once)."""
    body: list[int] = []
    shifted: dict[int, dict[int, int]] = {}
    first = position
    while position < len(lines) and not stop(position):
        if (position > first or not page_start) and "\f" in lines[position]:
            break  # a new page: its columns are its own
        text = _line(lines, position)
        if not text.strip():
            following = position + 1
            if following >= len(lines) or stop(following) or not _line(lines, following).strip():
                break
            if "\f" in lines[following] or not _row_after_gap(gaps, _line(lines, following)):
                break
            position = following
            continue
        fitted = _fitted(gaps, text)
        if fitted is None:
            break
        gaps, shifted[position] = fitted
        body.append(position)
        position += 1
    return _Page(body, gaps, shifted, position)


_LOOK_FOR_COLUMNS = 12  # lines of a new page that may show its columns


def _next_page(
    lines: list[str],
    position: int,
    stop: Callable[[int], bool],
    printed: list[list[str]],
    columns: int,
) -> "_Page | tuple[int, str] | None":
    """Where the table ended at a page break (nothing but blank lines and
    furniture between its last line and the next page's first): the
    table's lines on the next page, cut into columns at that page's own
    gaps, taken from its header printed again (`printed`: the words of the
    header's lines) or from its first lines, whose cells together fill as
    many columns. None where the table did not end at a page break, or the
    next page begins with another table's header or with no line of cells;
    a doubt (line, what is doubted) where the next page begins with cells
    but its lines do not show the columns: they are not read as the
    table's, and may be."""
    at = past_blank(lines, position, stop)
    if at >= len(lines) or not any("\f" in lines[p] for p in range(position, at + 1)):
        return None
    position = at
    again = _header(_line(lines, position))
    if again is not None and _line(lines, position).split() == printed[0]:
        for words in printed[1:]:  # its titles wrapped, printed again too
            if position + 1 < len(lines) and _line(lines, position + 1).split() == words:
                position += 1
        position += 1
        if len(again) == columns:
            gaps = [set(range(again[i][1], again[i + 1][0])) for i in range(columns - 1)]
            page = _read_page(lines, position, gaps, stop, page_start=True)
            return page if page.body else None
    elif again is not None and _titles([words for _, _, words in again]):
        return None  # another table's header
    window: list[str] = []  # the page's first lines, up to a blank line
    for at in range(position, min(position + _LOOK_FOR_COLUMNS, len(lines))):
        if stop(at) or not _line(lines, at).strip() or (at > position and "\f" in lines[at]):
            break
        window.append(_line(lines, at))
    for taken in range(len(window), 0, -1):
        cells = _spans(window[:taken])
        if len(cells) == columns:
            gaps = [set(range(cells[i][1], cells[i + 1][0])) for i in range(columns - 1)]
            page = _read_page(lines, position, gaps, stop, page_start=True)
            if page.body and page.body[0] == position:
                return page
    printed = CELL.findall(_line(lines, position)) if position < len(lines) else []
    if len(printed) < 2:
        return None
    message = (
        f"The table ends at a page break, and the next page begins with cells (line "
        f"{position + 1}, {' | '.join(printed)!r}) whose columns could not be told: they "
        "may be more of its rows, and were not read as rows. Check them."
    )
    return position + 1, message


def past_blank(lines: list[str], position: int, stop: Callable[[int], bool]) -> int:
    """The first line from `position` on with words that `stop` does not
    leave out (page furniture): where a table may go on after a gap."""
    while position < len(lines) and (stop(position) or not _line(lines, position).strip()):
        position += 1
    return position


def _spans(texts: list[str]) -> list[tuple[int, int]]:
    """The runs of places where some line has a cell (words one space
    apart), left to right: the columns of lines whose cells, taken
    together, fill every column (a row set in its middle prints its first
    cell on one line and its long cells on others)."""
    filled = sorted(
        {p for text in texts for cell in CELL.finditer(text) for p in range(*cell.span())}
    )
    spans: list[tuple[int, int]] = []
    for place in filled:
        if spans and spans[-1][1] >= place - 1:
            spans[-1] = (spans[-1][0], place + 1)
        else:
            spans.append((place, place + 1))
    return spans


def _split_titles(
    header: list[tuple[int, int, str]], texts: dict[int, str]
) -> tuple[list[str], list[int]]:
    """The columns' titles, and where lines are cut between columns: a
    title of several words one space apart ("Status Update") is two
    columns where a cell's words under it start where its later word does
    (pdftotext -layout may print two cells one space apart, header and
    rows alike). `_across` names the lines whose words then run across."""
    titles: list[str] = []
    cuts: list[int] = []
    for start, _, words in header:
        titles.append("")
        for word in _WORD.finditer(words):
            at = start + word.start()
            if titles[-1] and _starts_at(at, start, texts):
                titles.append("")
                cuts.append(at - 2)
            titles[-1] = " ".join(filter(None, (titles[-1], word[0])))
    return titles, cuts


def _starts_at(position: int, column: int, texts: dict[int, str]) -> bool:
    """A line under the header whose words in the column (starting at
    `column`) start where the title's later word does (a character either
    way), not at the column's start: a cell of another column."""
    for text in texts.values():
        first = next((w for w in _WORD.finditer(text) if w.start() >= column - 1), None)
        if first is not None and abs(first.start() - position) <= 1:
            return True
    return False


def _across(
    texts: dict[int, str], cuts: dict[int, list[int]], titles: list[str]
) -> list[tuple[int, str]]:
    """Lines with a word that runs across a cut between two columns the
    header prints one space apart: cut where the header's words are, and
    named."""
    doubts = []
    for at, text in texts.items():
        for index, cut in enumerate(cuts[at]):
            if not _blank(text, cut + 1) and not _blank(text, cut):
                message = (
                    f"Line {at + 1} of the table ({' '.join(text.split())!r}) runs across the "
                    f"columns {titles[index]!r} and {titles[index + 1]!r}: its words were cut "
                    "where the header's are. Check that row."
                )
                doubts.append((at + 1, message))
                break
    return doubts


def _line(lines: list[str], position: int) -> str:
    return lines[position].replace("\f", "").rstrip()


def _header(text: str) -> list[tuple[int, int, str]] | None:
    """The header's cells (start, end, words), two spaces or more apart:
    three or more, each a few words, none a sentence's."""
    text = text.replace("\f", "").rstrip()
    if "  " not in text.strip():
        return None
    cells = [(match.start(), match.end(), match[0]) for match in CELL.finditer(text)]
    if len(cells) < 3:
        return None
    for _, _, words in cells:
        if len(words.split()) > _MAX_HEADER_WORDS or len(words) > _MAX_HEADER_CHARS:
            return None
        if words[-1] in ".,;:" or not any(c.isalpha() for c in words):
            return None
    return cells


def _blank(text: str, position: int) -> bool:
    return position >= len(text) or text[position] == " "


def _fitted(gaps: list[set[int]], text: str) -> tuple[list[set[int]], dict[int, int]] | None:
    """The gaps between columns that `text` leaves blank too, and where
    the line is cut off them: a gap it fills but for the place right after
    it (pdftotext -layout pushes a cell one place right after a long one,
    "Secretariat 29/04/2026") is cut there for this line alone. None when
    the line runs across a gap (it is no line of the table), or a cell of
    it holds a wider gap than one space (two rows run together on one
    line, "Closed  14/01  Publish"): a cell's words are one space apart."""
    narrowed: list[set[int]] = []
    shifted: dict[int, int] = {}
    for index, gap in enumerate(gaps):
        blank = {p for p in gap if _blank(text, p)}
        if not blank and _blank(text, max(gap) + 1):
            blank, shifted[index] = gap, max(gap) + 1
        if not blank:
            return None
        narrowed.append(blank)
    edges = [0, *(cut + 1 for cut in _cuts(narrowed, shifted)), len(text)]
    if any("  " in text[a:b].strip() for a, b in zip(edges, edges[1:], strict=False)):
        return None
    return narrowed, shifted


def _cuts(gaps: list[set[int]], shifted: dict[int, int] | None = None) -> list[int]:
    """Where a line is cut between columns: the right edge of each gap, or
    where the line is cut off it."""
    shifted = shifted or {}
    return [shifted.get(index, max(gap)) for index, gap in enumerate(gaps)]


def _cut(text: str, cuts: list[int]) -> list[str]:
    """A line's words, a cell each column (the column a word starts in)."""
    cells: list[list[str]] = [[] for _ in range(len(cuts) + 1)]
    for match in _WORD.finditer(text):
        column = sum(1 for cut in cuts if match.start() > cut)
        cells[column].append(match[0])
    return [" ".join(words) for words in cells]


def _row_after_gap(gaps: list[set[int]], text: str) -> bool:
    """A line after a blank one goes on with the table only as a row of it:
    its words in its columns, in two cells or more two spaces apart (not
    the next item's heading, "Item 3: Connection offers")."""
    fitted = _fitted(gaps, text)
    if fitted is None or len(CELL.findall(text)) < 2:
        return False
    return sum(1 for cell in _cut(text, _cuts(*fitted)) if cell) >= 2


def _pieces(body: list[int], cells: dict[int, list[str]], column: int) -> list[list[int]]:
    """A column's runs of consecutive lines with words: a cell, or the
    cells of rows printed one under the other."""
    pieces: list[list[int]] = []
    for at in body:
        if not cells[at][column]:
            continue
        if pieces and pieces[-1][-1] == at - 1:
            pieces[-1].append(at)
        else:
            pieces.append([at])
    return pieces


@dataclass
class _Placing:
    """Which row each line of each column's cells is read with (column ->
    line -> the row's index), the header's lines above the first row (top
    setting only), and the pieces of cells placed by nearness alone."""

    anchors: list[int]  # the first line of each row's first cell
    first: list[list[int]]  # the lines of each row's first cell
    rows: dict[int, dict[int, int]] = field(default_factory=dict)
    header: list[int] = field(default_factory=list)
    unexplained: list[tuple[int, list[int], int]] = field(default_factory=list)
    offsets: float = 0  # how far the cells' middles are from their rows'

    @property
    def cost(self) -> tuple[int, float]:
        return len(self.unexplained), self.offsets


def _top(body, cells, anchors: list[int], columns: int) -> _Placing:
    """Cells set at the top of their row: a row is the lines from its
    first cell's to the next row's; a piece of a cell that starts below
    its row's first line is unexplained. Lines above the first row whose
    words read as titles ("Date" under "Target") are the header's. A line
    with words in the first column only, right under a row, is that row's
    first cell wrapped ("Harriet" over "Llewellyn") where the cell joined
    is longer than any first cell the table prints on one line: it did
    not fit."""
    longest = max(len(cells[at][0]) for at in body)
    first: list[list[int]] = []
    for at in anchors:
        if first and at == first[-1][-1] + 1 and not any(cells[at][1:]):
            joined = " ".join(cells[line][0] for line in [*first[-1], at])
            if len(joined) > longest:
                first[-1].append(at)
                continue
        first.append([at])
    anchors = [lines[0] for lines in first]
    placing = _Placing(anchors, first)
    above = [at for at in body if at < anchors[0]]
    if above and all(_titles(cells[at]) for at in above):
        placing.header = above
    for column in range(1, columns):
        placing.rows[column] = {}
        for piece in _pieces(body, cells, column):
            piece = [at for at in piece if at not in placing.header]
            runs: dict[int, list[int]] = {}
            for at in piece:
                row = max((i for i, anchor in enumerate(anchors) if anchor <= at), default=0)
                runs.setdefault(row, []).append(at)
            for row, run in runs.items():
                placing.rows[column].update(dict.fromkeys(run, row))
                if run[0] != anchors[row]:
                    placing.unexplained.append((column, run, row))
    return placing


def _middle(body, cells, anchors: list[int], columns: int) -> _Placing:
    """Cells set in the middle of their row, level with its first cell's
    middle: the first cells' lines as rows, joined two by two where one
    line or none lies between them and the join leaves fewer pieces of the
    other cells unexplained ("Harriet", then "Independent  Chair", then
    "Llewellyn": one row)."""
    longest = max(len(cells[at][0]) for at in body)
    groups = [[at] for at in anchors]
    best = _centred(cells, groups, columns)
    while True:
        trials = [
            [*groups[:index], [*upper, *lower], *groups[index + 2 :]]
            for index, (upper, lower) in enumerate(zip(groups, groups[1:], strict=False))
            if lower[0] - upper[-1] <= 2
            and len(" ".join(cells[at][0] for at in [*upper, *lower])) > longest
        ]
        placings = [(_centred(cells, trial, columns), trial) for trial in trials]
        if not placings:
            return best
        placing, trial = min(placings, key=lambda found: found[0].cost)
        if placing.cost >= best.cost:
            return best
        groups, best = trial, placing


def _centred(cells, groups: list[list[int]], columns: int) -> _Placing:
    """A column's lines with words taken in order, each row the lines
    centred on its first cell's middle (pdftotext may print a cell's lines
    between another's, so they need not be consecutive); lines no row is
    centred on are read with the nearest row, unexplained."""
    placing = _Placing([group[0] for group in groups], groups)
    middles = [(group[0] + group[-1]) / 2 for group in groups]
    lines = sorted(cells)
    for column in range(1, columns):
        placing.rows[column] = {}
        pending = [at for at in lines if cells[at][column]]
        waiting = set(pending)
        for row, middle in enumerate(middles):
            if not pending or pending[0] > middle:
                continue  # the row's cell in this column is empty
            below = groups[row + 1][0] if row + 1 < len(groups) else float("inf")
            # The cell's last line: as far below the middle as its first is
            # above (half a line either way where its lines are even).
            ends = [2 * middle - pending[0] + shift for shift in (0, 1, -1)]
            end = next((e for e in ends if e in waiting and e < below), pending[0])
            run = pending[: bisect_right(pending, end)]
            placing.rows[column].update(dict.fromkeys(run, row))
            pending = pending[len(run) :]
            offset = abs((run[0] + run[-1]) / 2 - middle)
            placing.offsets += offset
            if offset > 0.5:
                placing.unexplained.append((column, run, row))
        if pending:  # below the last row's reach
            row = len(groups) - 1
            placing.rows[column].update(dict.fromkeys(pending, row))
            placing.unexplained.append((column, pending, row))
    return placing


def _titles(cells: list[str]) -> bool:
    """A line of a header's titles: capitalised words, no figures."""
    words = " ".join(cells).split()
    return bool(words) and all(w[0].isupper() and not any(c.isdigit() for c in w) for w in words)


@dataclass
class _Read:
    rows: list[tuple[str, ...]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    cell_lines: list[tuple[int, ...]] = field(default_factory=list)
    doubts: list[tuple[int, str]] = field(default_factory=list)
    header: list[int] = field(default_factory=list)
    spans: list[set[int]] = field(default_factory=list)


def _rows(body: list[int], cells: dict[int, list[str]], header: tuple[str, ...]) -> _Read:
    """The rows, by whichever setting of cells (top or middle of the row)
    leaves fewer pieces unexplained (top where both explain as much), each
    unexplained piece a doubt."""
    columns = len(header)
    cells = {at: cells[at] for at in body}  # the lines of this page's read
    top = _top(body, cells, [at for at in body if cells[at][0]], columns)
    middle = _middle(body, cells, [at for at in body if cells[at][0]], columns)
    placing = top if len(top.unexplained) <= len(middle.unexplained) else middle
    anchors = placing.anchors
    read = _Read(header=placing.header)
    for index, anchor in enumerate(anchors):
        first = placing.first[index]
        row, lines, span = [" ".join(cells[at][0] for at in first)], [anchor + 1], set(first)
        for column in range(1, columns):
            mine = sorted(at for at, r in placing.rows[column].items() if r == index)
            span.update(mine)
            row.append(" ".join(cells[at][column] for at in mine))
            lines.append(mine[0] + 1 if mine else anchor + 1)
        read.rows.append(tuple(row))
        read.row_lines.append(anchor + 1)
        read.cell_lines.append(tuple(lines))
        read.spans.append(span)
    doubted: dict[int, int] = {}  # a line's doubt names all its cells, once
    for _, run, index in placing.unexplained:
        doubted.setdefault(run[0], index)
    for at, index in sorted(doubted.items()):
        printed = " | ".join(cell for cell in cells[at] if cell)
        message = (
            f"Line {at + 1} of the table ({printed!r}) may begin a row of its own whose "
            f"first cell is empty, or go on with another row: read with the row "
            f"{read.rows[index][0]!r} (line {anchors[index] + 1}). Check that row."
        )
        read.doubts.append((at + 1, message))
    return read


def _carry_on(read: _Read, body: list[int], cells: dict[int, list[str]], header) -> None:
    """The table's rows on a later page added to `read`: the lines at the
    top of the page above its first row's first cell may be the rest of
    the page before's last row, split by the break (a row's cells run on
    over it), or the upper half of the page's first row (cells set in the
    middle of their row). The page is read (`_rows`) with each count of
    its first lines carried over to that last row, and the count whose
    reading leaves fewest doubts is kept (the most lines carried where
    two leave as few)."""
    leading = next((index for index, at in enumerate(body) if cells[at][0]), None)
    readings = []
    for carried in range(leading + 1) if leading is not None else [len(body)]:
        rest = body[carried:]
        page = _rows(rest, cells, header) if rest else _Read()
        doubts = len(page.doubts) + len(_wrapped_first_cells(page, header))
        readings.append(((doubts, -carried), carried, page))
    _, carried, page = min(readings, key=lambda reading: reading[0])
    if carried and read.rows:
        last = list(read.rows[-1])
        lines = list(read.cell_lines[-1])
        for column in range(len(last)):
            more = " ".join(cells[at][column] for at in body[:carried] if cells[at][column])
            if more and not last[column]:
                lines[column] = next(at for at in body[:carried] if cells[at][column]) + 1
            last[column] = " ".join(filter(None, (last[column], more)))
        read.rows[-1], read.cell_lines[-1] = tuple(last), tuple(lines)
        read.spans[-1].update(body[:carried])
    read.rows += page.rows
    read.row_lines += page.row_lines
    read.cell_lines += page.cell_lines
    read.doubts += page.doubts
    read.spans += page.spans


def _wrapped_first_cells(read: _Read, header) -> list[tuple[int, str]]:
    """A row right under the row above, with a cell empty that the row
    above fills: it may be the row above's first cell wrapped ("OPSG" over
    "11/02"), read as a row of its own."""
    doubts = []
    anchors = [line - 1 for line in read.row_lines]
    for index in range(1, len(anchors)):
        above, row = read.rows[index - 1], read.rows[index]
        if anchors[index] - 1 not in read.spans[index - 1]:
            continue
        empty = [header[c] for c in range(1, len(row)) if not row[c] and above[c]]
        if empty:
            message = (
                f"The row {row[0]!r} (line {anchors[index] + 1}) has no {', '.join(map(repr, empty))} "
                f"where the row above has: it may be the row above's first cell "
                f"({above[0]!r}) wrapped onto a second line; read as a row of its own."
            )
            doubts.append((anchors[index] + 1, message))
    return doubts
