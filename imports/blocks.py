"""A minutes document as a stream of neutral blocks, whatever its format,
for the generic reader (imports.layout_generic) and the OPSG's readers.

A Block is a heading, a paragraph, a list item, a table or a footnote,
with the 1-based line of the text it came from (the line the review page
points at) and the source lines it was read from (a table's: the line of
each row and cell too). Page furniture (running headers and footers, "Page
3 of 9") is left out. The tokenizers stand on libraries where the format
has one:

- Markdown, and Word (which imports.extract writes out as Markdown from its
  styles, numbering and tables with python-docx): markdown-it-py's tokens,
  walked once (`_read_markdown`) into a block a paragraph, heading, list
  item or table (`markdown_blocks`: pipe rows, and lines in columns typed
  with spaces, a paragraph a row, are a table too), and, from the same walk, the outermost
  blocks cut at blank lines, a table's cells as written
  (`markdown_source_blocks`), for the entries whose text is read as
  written, the OPSG's 2021 layout among them (imports.layout_generic).
- Plain text, and PDF (poppler's `pdftotext -layout`, pages split by form
  feeds): `text_blocks`, which reads indentation, bullets, numbers and
  columns (a table whose cells wrap over several lines by
  imports.column_table, its doubts kept on the block, `table_doubts`), and
  takes a line repeated at the top or foot of most pages as furniture.
- The text of a PDF in the OPSG's own layouts: imports.pdf_blocks, which
  knows their furniture, for the reader of that layout
  (imports.layout_text).

The generic reader's tokenizers (`markdown_blocks`, `text_blocks`) give the
same blocks for the same content: a numbered heading and a numbered list
item both carry `number`, and inline marks (bold, links) and HTML tags are
dropped from `text`. The 2021 Markdown's as-written view of the same walk
gives a list's run of items as one block and a table's cells with their
marks; the 2019 PDF text's tokenizer reads the Actions Outstanding table's
cells by what they hold."""

import re
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, table
from markdown_it.token import Token

from imports.column_table import CELL, column_table, past_blank
from imports.parsed import Flag

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
TABLE = "table"
FOOTNOTE = "footnote"


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, PARAGRAPH, ITEM (of a list), TABLE or FOOTNOTE
    text: str  # the words, lines kept apart by "\n"; a TABLE's header row, joined
    line: int
    level: int = 0  # a heading's level (1-6); a list item's depth (0 for the outermost)
    number: str = ""  # "3", "3.1": a numbered heading's, list item's or footnote's number
    rows: tuple[tuple[str, ...], ...] = ()  # a TABLE's rows, the header first
    # The source lines it was gathered from, furniture left out: a SourceLine
    # each (imports.pdf_blocks: its Line each).
    lines: tuple = field(default=(), compare=False, repr=False)
    # The line each of a TABLE's cells was read from, row by row.
    cell_lines: tuple[tuple[int, ...], ...] = field(default=(), compare=False, repr=False)
    # The line each of a TABLE's rows starts on, a row without cells too
    # (not kept by imports.pdf_blocks, whose cells run over several lines).
    row_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    # What the tokenizer doubts about a TABLE it cut out of columns of text
    # (imports.column_table): (line, the doubt), flagged by the reader.
    doubts: tuple[tuple[int, str], ...] = field(default=(), compare=False, repr=False)


SourceLine = tuple[int, str]  # (1-based line number, the line as written, less trailing spaces)


def one_newline(text: str) -> str:
    """Any newline convention (CRLF, CR, and the two mixed) as LF, so that
    every reader and check numbers the same lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_lines(text: str) -> list[SourceLine]:
    """The text's lines, numbered from 1, any newline convention."""
    text = one_newline(text)
    return [(number, line.rstrip()) for number, line in enumerate(text.split("\n"), start=1)]


HTML_TAG = re.compile(r"<[^>]+>")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")


def plain(text: str) -> str:
    """A line of Markdown as written without its wrapping: '# ', '**…**',
    HTML tags, spaces."""
    text = HTML_TAG.sub("", text)
    text = _HEADING_MARK.sub("", text.strip())
    return text.replace("**", "").strip()


# "3. Title", "3.1 Title", "3) Title", "Item 3: Title"
_NUMBERED = re.compile(
    r"^(?:(?i:item)\s+)?(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?[):]?\s+(?P<rest>\S.*)$"
)


def numbered(text: str) -> tuple[str, str]:
    """(number, the rest) of a line that opens with an item number, else ("", text)."""
    match = _NUMBERED.match(text.strip())
    if not match or not match["rest"]:
        return "", text.strip()
    return match["number"].rstrip("."), match["rest"].strip()


# --- Markdown --------------------------------------------------------------


def _table_of_pipe_lines(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it-py's table rule, ending the table at its first line
    without a pipe: GitHub's Markdown reads "Item 3: Offers" right under a
    table's last row as a row of one cell; minutes mean the next paragraph."""
    last = start + 2
    while last < end and "|" in state.getLines(last, last + 1, state.blkIndent, False):
        last += 1
    return table(state, start, last, silent)


_MARKDOWN = MarkdownIt("commonmark").enable("table")
_MARKDOWN.block.ruler.at("table", _table_of_pipe_lines, {"alt": ["paragraph", "reference"]})


@dataclass(frozen=True)
class _Read:
    """A Markdown text read once by markdown-it-py, for both views of it:
    its blocks (a paragraph, heading, list item, table each), the outermost
    blocks' spans of lines (0-based start, end; the kind of block), each
    source line's words, and the heading or top-level list item each line
    opens."""

    source: list[SourceLine]
    blocks: list[Block]
    spans: list[tuple[int, int, str]]
    words: dict[int, str]
    opened: dict[int, Token]


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text, by markdown-it-py's token stream, each
    with its source lines (a list item's: its first paragraph's); inline
    marks and HTML tags dropped from their words. A link's reference
    definitions, which markdown-it-py keeps aside, are a PARAGRAPH as typed
    where they stand (`_unspanned`): a link that names one keeps its target.
    Pipe rows and lines in columns, a paragraph a row or all in one, are
    tables (`_pipe_rows_as_tables`, `_columns_as_tables`)."""
    read = _read_markdown(text)
    return _columns_as_tables(_pipe_rows_as_tables(read.blocks), read.source)


def _read_markdown(text: str) -> _Read:
    """The one walk of markdown-it-py's tokens behind `markdown_blocks` and
    `markdown_source_blocks`."""
    blocks: list[Block] = []
    source = source_lines(text)
    tokens = _MARKDOWN.parse("\n".join(raw for _, raw in source))
    words_by_line: dict[int, str] = {}
    opened: dict[int, Token] = {}
    spans: list[tuple[int, int, str]] = []
    depth = -1  # list nesting
    ordinals: list[str] = []
    heading_level, heading_lines = 0, ()
    row: list[str] = []
    rows: list[tuple[str, ...]] = []
    row_lines: list[int] = []
    table: Token | None = None
    in_item_paragraph = False
    for position, token in enumerate(tokens):
        kind = token.type
        lines = tuple(source[token.map[0] : token.map[1]]) if token.map else ()
        if token.level == 0 and token.nesting != -1 and token.map:
            spans.append((token.map[0], token.map[1], _SPAN_KINDS.get(kind, PARAGRAPH)))
        if token.map and (kind, token.level) in (("heading_open", 0), ("list_item_open", 1)):
            opened[token.map[0] + 1] = token
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            ordinals.append(token.info)
            in_item_paragraph = False
        elif kind == "list_item_close":
            ordinals.pop()
        elif kind == "heading_open":
            heading_level, heading_lines = int(token.tag[1]), lines  # an underline too
        elif kind == "table_open":
            rows, row_lines, table = [], [], token
        elif kind == "tr_open":
            row = []
            row_lines.append(lines[0][0] if lines else 0)
        elif kind == "tr_close":
            rows.append(tuple(row))
        elif kind == "table_close" and table is not None:
            blocks.append(_table(rows, row_lines, tuple(source[table.map[0] : table.map[1]])))
        elif kind == "inline":
            words = _plain(token)
            _add_line_words(words_by_line, token, words)
            line = token.map[0] + 1 if token.map else 0
            previous = tokens[position - 1].type
            if previous in ("th_open", "td_open"):
                row.append(" ".join(words.split()))
            elif previous == "heading_open":
                number, rest = numbered(words)
                blocks.append(
                    Block(
                        HEADING, rest, line, level=heading_level, number=number, lines=heading_lines
                    )
                )
            elif ordinals and not in_item_paragraph:
                in_item_paragraph = True  # the item's first paragraph; later ones are paragraphs
                number = ordinals[-1]
                blocks.append(
                    Block(ITEM, words.strip(), line, level=depth, number=number, lines=lines)
                )
            else:
                blocks.append(Block(PARAGRAPH, words.strip(), line, lines=lines))
        elif kind == "fence" or kind == "code_block":
            line = token.map[0] + 1 if token.map else 0
            blocks.append(Block(PARAGRAPH, token.content.rstrip("\n"), line, lines=lines))
        elif kind == "html_block" and (words := _unmarked(token.content).strip()):
            # "<TBC>" alone on a line is a block of HTML to markdown-it.
            line = token.map[0] + 1 if token.map else 0
            blocks.append(Block(PARAGRAPH, words, line, lines=lines))
    unspanned = _unspanned(source, spans)
    blocks = _in_line_order(blocks, [_as_typed(source[start:end]) for start, end, _ in unspanned])
    return _Read(source, blocks, spans + unspanned, words_by_line, opened)


def _unspanned(source: list[SourceLine], spans: list[tuple[int, int, str]]) -> list:
    """The runs of lines with words that markdown-it-py gives no token: a
    link's reference definitions ("[1]: https://example.org/paper.pdf
    'Title'", its title perhaps on the next line), which it keeps aside for
    the links that name them. Each run is a PARAGRAPH span, so that no line
    is lost."""
    covered = {i for start, end, _ in spans for i in range(start, end)}
    runs: list[tuple[int, int, str]] = []
    for i, (_, raw) in enumerate(source):
        if not raw.strip() or i in covered:
            continue
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1, PARAGRAPH)
        else:
            runs.append((i, i + 1, PARAGRAPH))
    return runs


def _as_typed(lines: list[SourceLine]) -> Block:
    """A PARAGRAPH of lines that are their own words (a reference definition)."""
    return Block(
        PARAGRAPH, "\n".join(raw.strip() for _, raw in lines), lines[0][0], lines=tuple(lines)
    )


def _in_line_order(blocks: list[Block], more: list[Block]) -> list[Block]:
    """`more` put among `blocks` (in the order of their lines) by their lines."""
    merged: list[Block] = []
    pending = deque(more)
    for block in blocks:
        while pending and pending[0].line < block.line:
            merged.append(pending.popleft())
        merged.append(block)
    return [*merged, *pending]


def _add_line_words(words: dict[int, str], token: Token, text: str) -> None:
    """The words of each source line with inline content, by its number:
    those of a paragraph a line each, a table row's cells a space apart. A
    paragraph whose line breaks markdown-it does not keep (a code span over
    two lines) is left out: its lines are their own words."""
    if not token.map:
        return
    start, end = token.map
    parts = text.split("\n")
    if len(parts) != end - start:
        return
    for number, part in enumerate(parts, start=start + 1):
        words[number] = f"{words[number]} {part}" if number in words else part


def _table(rows: list[tuple[str, ...]], row_lines: list[int], lines: tuple) -> Block:
    """A TABLE block of its rows, the header first, each with its line."""
    cell_lines = tuple((number,) * len(row) for number, row in zip(row_lines, rows, strict=True))
    return Block(
        TABLE,
        " | ".join(rows[0]) if rows else "",
        lines[0][0] if lines else 0,
        rows=tuple(rows),
        lines=lines,
        cell_lines=cell_lines,
        row_lines=tuple(row_lines),
    )


def _pipe_rows_as_tables(blocks: list[Block]) -> list[Block]:
    """Pipe rows set apart by blank lines (a Word table typed as one
    paragraph a row) are one table, as they would be without the gaps."""
    result: list[Block] = []
    run: list[Block] = []
    for block in [*blocks, None]:
        if block is not None and _is_pipe_row(block):
            run.append(block)
            continue
        if len(run) >= 2:
            lines = tuple(line for b in run for line in b.lines)
            result.append(_table_block(pipe_rows([(b.line, b.text) for b in run]), lines))
        else:
            result.extend(run)
        run = []
        if block is not None:
            result.append(block)
    return result


# A line of words in three columns or more, two spaces or more apart.
_IN_COLUMNS = re.compile(r"\S {2,}\S.*\S {2,}\S")


def _columns_as_tables(blocks: list[Block], source: list[SourceLine]) -> list[Block]:
    """Paragraphs of lines in columns two spaces apart under a header (a
    Word table typed with spaces, a paragraph a row, as one paragraph a line
    gives it): one table, read as plain text's is (imports.column_table),
    where it takes whole paragraphs and nothing else; Markdown has no such
    table, and its words run together in a paragraph."""
    lines = [raw for _, raw in source]
    result: list[Block] = []
    end = 0  # the last line of the table read last
    for block in blocks:
        if block.line <= end:
            continue
        found = None
        if block.kind == PARAGRAPH and block.lines and _IN_COLUMNS.search(block.lines[0][1]):
            found = column_table(lines, block.line - 1, lambda position: False)
        last = block.line - 1 + found.used if found else 0
        if not found or not _whole_paragraphs(blocks, block.line, last):
            result.append(block)
            continue
        table = _table(found.rows, found.row_lines, tuple(source[block.line - 1 : last]))
        result.append(
            replace(table, cell_lines=tuple(found.cell_lines), doubts=tuple(found.doubts))
        )
        end = last
    return result


def _whole_paragraphs(blocks: list[Block], first: int, last: int) -> bool:
    """The blocks from line `first` to `last` are paragraphs, each whole."""
    inside = (b for b in blocks if first <= b.line <= last)
    return all(b.kind == PARAGRAPH and b.lines[-1][0] <= last for b in inside)


def _is_pipe_row(block: Block) -> bool:
    return block.kind == PARAGRAPH and "\n" not in block.text and bool(_PIPE_ROW.match(block.text))


def _table_block(table: "PipeRows", lines: tuple) -> Block:
    """A TABLE block of a run of pipe rows; rows without a word are left out."""
    rows = [table.header] if table.header else []
    row_lines = [lines[0][0]] if table.header else []
    for number, cells in table.rows:
        if any(cell.strip() for cell in cells):
            rows.append(cells)
            row_lines.append(number)
    return _table(rows, row_lines, lines)


# --- Markdown, with each block's source lines ------------------------------

# What a top-level token of markdown-it-py opens; any other block (a code or
# HTML block, a quote, a rule, a link's reference definition) is a paragraph.
_SPAN_KINDS = {
    "heading_open": HEADING,
    "bullet_list_open": ITEM,
    "ordered_list_open": ITEM,
    "table_open": TABLE,
}


def markdown_source_blocks(text: str) -> list[Block]:
    """The blocks of a Markdown text as markdown-it-py cuts it, each with
    its source lines (`lines`, SourceLine each), for a reader that reads what
    is written as well as the words (imports.layouts: `text_as_written`): a paragraph,
    a heading (with its number and level), a list as its runs of items
    between blank lines (ITEM, with the first item's number), a code or HTML
    block, and a run of pipe rows as a TABLE, even where Markdown reads the
    rows into a paragraph (a Word table typed a paragraph a row, or the rest
    of a table after a page break, without its header).

    A block never spans a blank line, and ends where markdown-it ends one (a
    heading or a list right under a paragraph is a block of its own). Lines
    markdown-it gives no block (a link's reference definitions) are a block
    of their own: every line with words is in one block, none is lost.

    `text` has a line of words for each source line, marks and HTML tags
    dropped (a heading's: its title without its number). A TABLE's `rows`
    are its cells as written, marks kept, read by `pipe_rows`: the header
    first, or () when the run has none; `row_lines` the line of each row
    (the first line for a missing header), `cell_lines` of each cell."""
    read = _read_markdown(text)
    lines, words, opened = read.source, read.words, read.opened
    blocks: list[Block] = []
    for start, end, kind in sorted(read.spans):
        for run in _between_blank_lines(lines[start:end]):
            for piece in _pipe_rows_apart(run):
                blocks.append(_source_block(piece, kind, words, opened.get(piece[0][0])))
    return blocks


def _between_blank_lines(lines: list[SourceLine]) -> list[list[SourceLine]]:
    runs: list[list[SourceLine]] = [[]]
    for line in lines:
        if line[1].strip():
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _pipe_rows_apart(run: list[SourceLine]) -> list[list[SourceLine]]:
    """A run cut where pipe rows start and stop: they are a table of their own."""
    pieces: list[list[SourceLine]] = []
    for line in run:
        if pieces and _is_pipe_line(line[1]) == _is_pipe_line(pieces[-1][-1][1]):
            pieces[-1].append(line)
        else:
            pieces.append([line])
    return pieces


def _is_pipe_line(text: str) -> bool:
    return text.lstrip().startswith("|")


def _source_block(
    lines: list[SourceLine], kind: str, words: dict[int, str], opened: Token | None
) -> Block:
    """One block of `markdown_source_blocks`; `opened`, the token of the
    heading or list item its first line opens, if any."""
    first = lines[0][0]
    if _is_pipe_line(lines[0][1]):
        table = pipe_rows(lines)
        rows = (table.header or (), *(cells for _, cells in table.rows))
        row_lines = (first, *(number for number, _ in table.rows))
        return Block(
            TABLE,
            " | ".join(rows[0]),
            first,
            rows=rows,
            lines=tuple(lines),
            cell_lines=tuple(
                (number,) * len(cells) for number, cells in zip(row_lines, rows, strict=True)
            ),
            row_lines=row_lines,
        )
    # A line with no inline words (code, HTML, a reference definition) is its words.
    text = "\n".join(words.get(number, raw).strip() for number, raw in lines)
    if kind == HEADING and opened is not None and opened.type == "heading_open":
        number, title = numbered(words.get(first, ""))
        level = int(opened.tag[1])
        return Block(HEADING, title, first, level=level, number=number, lines=tuple(lines))
    if kind == ITEM:
        number = opened.info if opened is not None else ""
        return Block(ITEM, text, first, number=number, lines=tuple(lines))
    return Block(PARAGRAPH, text, first, lines=tuple(lines))


# --- Pipe tables -----------------------------------------------------------


@dataclass(frozen=True)
class PipeRows:
    """A run of pipe-table rows as markdown-it-py reads them: the header when
    the run opens with one and its rule, then each row with its line. A row
    keeps the cells it has, no more and no fewer (markdown-it pads a short
    row and drops a long row's extra cells: neither happens here)."""

    header: tuple[str, ...] | None
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line, cells), rules left out


def pipe_rows(lines: Sequence[tuple[int, str]]) -> PipeRows:
    """The rows of consecutive pipe-table lines, (line number, text) each,
    with or without a header: a table cut by a page break goes on without
    its header. markdown-it-py reads the cells ('\\|' is a pipe inside one),
    under a header row of the run's full width put before it, so that every
    line is read as a row of the same table."""
    texts = [text.strip() for _, text in lines]
    widths = [_width(text) for text in texts]
    if not texts or not max(widths):
        return PipeRows(None, ())
    own = _MARKDOWN.parse("\n".join(texts))
    has_header = bool(own) and own[0].type == "table_open" and own[0].map[0] == 0
    width = max(widths)
    scaffold = ["|" + " h |" * width, "|" + "---|" * width]
    rows: list[tuple[int, tuple[str, ...]]] = []
    cells: list[str] = []
    index, read_to = -1, len(texts)
    for token in _MARKDOWN.parse("\n".join([*scaffold, *texts])):
        if token.type == "table_open" and token.map:
            read_to = token.map[1] - len(scaffold)  # where markdown-it ended the table
        elif token.type == "tr_open":
            index = token.map[0] - len(scaffold) if token.map else -1
            cells = []
        elif token.type == "inline" and index >= 0:
            cells.append(token.content.replace("<br>", " ").strip())
        elif token.type == "tr_close" and index >= 0:
            row = tuple(cells[: widths[index]])
            if not _is_rule(row, index):
                rows.append((lines[index][0], row))
    if 0 < read_to < len(texts):  # the rest, read as a table of its own
        rest = pipe_rows(lines[read_to:])
        rows += [(lines[read_to][0], rest.header)] if rest.header else []
        rows += rest.rows
    if has_header and rows:
        return PipeRows(rows[0][1], tuple(rows[1:]))
    return PipeRows(None, tuple(rows))


def cells_as_written(block: Block) -> tuple[tuple[str, ...], list[tuple[int, tuple[str, ...]]]]:
    """A TABLE of `markdown_source_blocks` (its cells as written, by
    `pipe_rows`): its header (() where it has none) and rows, each row with
    its line."""
    return block.rows[0], list(zip(block.row_lines[1:], block.rows[1:], strict=True))


def _trimmed(columns: list[str]) -> list[str]:
    """A row's cells without the empty ones outside its first and last pipe."""
    if columns and not columns[0].strip():
        columns = columns[1:]
    if columns and not columns[-1].strip():
        columns = columns[:-1]
    return columns


def _is_rule(row: tuple[str, ...], index: int) -> bool:
    """A header's underline, |---|:--:|: under the first row, any dashes;
    further down (a header repeated after a page break), three or more in
    every cell, so that a row of "-" placeholders stays a row."""
    dashes = [cell.strip(" :") for cell in row]
    if not row or not all(dash and set(dash) == {"-"} for dash in dashes):
        return False
    return index == 1 or all(len(dash) >= 3 for dash in dashes)


def _plain(token) -> str:
    """An inline token's words, without marks or HTML formatting tags; soft
    and hard breaks as "\n". Angle brackets that are no HTML element's tag
    ("<TBC>", "<Name Surname>") are words someone typed, kept as written."""
    parts = []
    kept = ("text", "code_inline")
    for child in token.children or []:
        if child.type in kept or (child.type == "html_inline" and not _is_markup(child.content)):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


_TAG_NAME = re.compile(r"^</?([A-Za-z][A-Za-z0-9]*)")
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^<>]*>", re.S)


def _unmarked(html: str) -> str:
    """A block of HTML's words: its formatting tags and comments dropped,
    anything else in angle brackets kept as typed."""
    return _TAG_OR_COMMENT.sub(lambda tag: "" if _is_markup(tag[0]) else tag[0], html)


def _is_markup(html: str) -> bool:
    """A tag of an HTML element that formats text (those a sanitiser lets
    through: <i>, <br/>, </span>), or a comment: how the words look, not
    words."""
    if html.startswith("<!--"):
        return True
    name = _TAG_NAME.match(html)
    return bool(name) and name[1].lower() in nh3.ALLOWED_TAGS


# --- Plain text and PDF text -----------------------------------------------

_BULLET = re.compile(r"^(?P<indent>\s*)[-*•·‣◦▪]\s+(?P<rest>\S.*)$")
_ORDINAL = re.compile(r"^(?P<indent>\s*)(?P<number>\d{1,2}(?:\.\d{1,2})*)[.)]\s+(?P<rest>\S.*)$")
_UNDERLINE = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:Page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?\s*$", re.I)
_FURNITURE_SHARE = 0.5


def text_blocks(text: str, headings: dict[str, int] | None = None) -> list[Block]:
    """The blocks of plain text: paragraphs between blank lines; bullets and
    numbered lines as list items (their depth by indentation, a line
    indented under one continuing it); an underlined line as a heading, as
    is a line a PDF printed larger than its body (`headings`, its words and
    level, imports.extract.pdf_headings; lines of one level one under the
    other, a heading that wraps, one heading); runs
    of pipe rows, of lines in aligned columns two spaces apart, or a header
    over rows whose cells wrap (`_table_at`), as tables. Running headers and footers are dropped (`furniture`). Each
    block keeps its source lines."""
    lines = text.split("\n")
    dropped = furniture(text)
    blocks: list[Block] = []
    open_block: dict | None = None  # the block being gathered

    def close():
        nonlocal open_block
        if open_block is not None:
            blocks.append(_finished(open_block))
        open_block = None

    position = 0
    while position < len(lines):
        raw = lines[position].replace("\f", "")
        number = position + 1
        if position in dropped or not raw.strip():
            close()
            position += 1
            continue
        if level := (headings or {}).get(" ".join(raw.split())):
            close()
            taken = _heading_lines(lines, position, dropped, headings, level)
            heading_number, rest = numbered(" ".join(" ".join(lines[at].split()) for at in taken))
            source = tuple(_source(lines, at) for at in taken)
            blocks.append(
                Block(HEADING, rest, number, level=level, number=heading_number, lines=source)
            )
            position = taken[-1] + 1
            continue
        following = lines[position + 1] if position + 1 < len(lines) else ""
        table = _table_at(lines, position, dropped)
        if table:
            close()
            block, used = table
            blocks.append(block)
            position += used
            continue
        if _UNDERLINE.match(following) and not _UNDERLINE.match(raw):
            close()
            level = 1 if following.strip().startswith("=") else 2
            heading_number, rest = numbered(raw)
            source = (_source(lines, position), _source(lines, position + 1))
            blocks.append(
                Block(HEADING, rest, number, level=level, number=heading_number, lines=source)
            )
            position += 2
            continue
        if _UNDERLINE.match(raw):
            close()
            position += 1
            continue
        indent = len(raw) - len(raw.lstrip())
        source = [_source(lines, position)]
        if match := _BULLET.match(raw):
            close()
            open_block = dict(kind=ITEM, lines=[match["rest"]], line=number, indent=indent)
        elif match := _ORDINAL.match(raw):
            close()
            open_block = dict(
                kind=ITEM, lines=[match["rest"]], line=number, indent=indent, number=match["number"]
            )
        elif open_block is not None and (
            open_block["kind"] == PARAGRAPH or indent > open_block["indent"]
        ):
            open_block["lines"].append(raw.strip())
            source = open_block["source"] + source
        else:
            close()
            open_block = dict(kind=PARAGRAPH, lines=[raw.strip()], line=number, indent=indent)
        open_block["source"] = source
        position += 1
    close()
    return _with_depths(blocks)


def _heading_lines(
    lines: list[str], position: int, dropped: set[int], headings: dict[str, int], level: int
) -> list[int]:
    """The lines of the heading at `position`: it and the lines right under
    it printed at its level."""
    taken = [position]
    while taken[-1] + 1 < len(lines) and taken[-1] + 1 not in dropped:
        if headings.get(" ".join(lines[taken[-1] + 1].split())) != level:
            break
        taken.append(taken[-1] + 1)
    return taken


def _source(lines: list[str], position: int) -> SourceLine:
    return position + 1, lines[position].replace("\f", "").rstrip()


def _finished(gathered: dict) -> Block:
    return Block(
        gathered["kind"],
        "\n".join(gathered["lines"]),
        gathered["line"],
        level=gathered["indent"],  # indentation for now: _with_depths makes it a depth
        number=gathered.get("number", ""),
        lines=tuple(gathered["source"]),
    )


def _with_depths(blocks: list[Block]) -> list[Block]:
    """List items' indentations as depths: 0 for the shallowest of a run."""
    result: list[Block] = []
    indents: list[int] = []
    for block in blocks:
        if block.kind != ITEM:
            indents = []
            result.append(block if block.kind != PARAGRAPH else replace(block, level=0))
            continue
        while indents and indents[-1] > block.level:
            indents.pop()
        if not indents or indents[-1] < block.level:
            indents.append(block.level)
        result.append(replace(block, level=len(indents) - 1))
    return result


def _table_at(lines: list[str], start: int, dropped: set[int]) -> tuple[Block, int] | None:
    """The table starting at `start` and how many lines it takes: pipe
    rows; two or more lines cut into the same number (two or more) of
    columns by runs of spaces; or, where that reads fewer of its lines (a
    cell wraps onto the next line, a PDF's table by pdftotext -layout), a
    header over rows whose cells wrap (imports.column_table)."""
    if _PIPE_ROW.match(lines[start]):
        rows_read = _pipe_lines(lines, start, dropped)
        used = rows_read[-1][2] - start if rows_read else 0
        table = pipe_rows([(number, text) for number, text, _ in rows_read])
        rows = ([table.header] if table.header else []) + [cells for _, cells in table.rows]
        row_lines = ([start + 1] if table.header else []) + [number for number, _ in table.rows]
        return (
            (_table(rows, row_lines, _sources(lines, start, used, dropped)), used) if rows else None
        )
    aligned = _aligned_table(lines, start, dropped)
    wrapped = column_table(lines, start, lambda position: position in dropped)
    if wrapped is not None and (aligned is None or wrapped.used > aligned[2]):
        block = replace(
            _table(wrapped.rows, wrapped.row_lines, _sources(lines, start, wrapped.used, dropped)),
            cell_lines=tuple(wrapped.cell_lines),
            doubts=tuple(wrapped.doubts),
        )
        return block, wrapped.used
    if aligned is None:
        return None
    rows, row_lines, used = aligned
    return _table(rows, row_lines, _sources(lines, start, used)), used


def _sources(
    lines: list[str], start: int, used: int, dropped: set[int] = frozenset()
) -> tuple[SourceLine, ...]:
    """The source lines of a block that takes `used` lines from `start`,
    but for the furniture between them (a table over a page break)."""
    return tuple(_source(lines, at) for at in range(start, start + used) if at not in dropped)


def _aligned_table(
    lines: list[str], start: int, dropped: set[int]
) -> tuple[list, list, int] | None:
    """Two or more lines cut into the same number of columns, each cell
    starting in its column: the rows, the line of each, how many lines."""
    header = _cells(lines[start])
    if len(header) < 3:
        return None
    rows, used = [tuple(cell for _, cell in header)], 1
    while start + used < len(lines) and start + used not in dropped:
        cells = _cells(lines[start + used])
        if not _aligned(cells, header):
            break
        rows.append(tuple(cell for _, cell in cells))
        used += 1
    return (rows, list(range(start + 1, start + used + 1)), used) if len(rows) >= 2 else None


def table_doubts(blocks: list[Block]) -> list[Flag]:
    """The tokenizer's doubts about the tables it cut out of columns of
    text, a flag each, naming the line."""
    return [Flag(line, "table-row", message) for block in blocks for line, message in block.doubts]


def _pipe_lines(lines: list[str], start: int, dropped: set[int]) -> list[tuple[int, str, int]]:
    """The pipe rows from `start` on, (line number, text, last line) each: a
    row with fewer cells than the first row's, which a PDF wrapped onto the
    next line ("| 86/01 | Circulate the guide | Valley Power |" then
    "30/04/2026 | Open |", or inside a cell), is joined to that line, as is
    a line under a row wrapped before its last pipe ("| Open |"); rows
    go on past blank lines and page furniture (a PDF's paragraphs spaced
    apart, a page break), up to another table's header over its rule (the
    table's own header printed again is left out)."""
    width = _width(lines[start])
    rows: list[tuple[int, str, int]] = []
    position = start
    while position < len(lines):
        position = _next_pipe_row(lines, position, dropped, rows[0][1]) if rows else position
        raw = lines[position]
        if rows and not rows[-1][1].rstrip().endswith("|") and raw.lstrip().startswith("|"):
            # The row above was wrapped before its last pipe: this line goes on with it.
            number, text, _ = rows[-1]
            rows[-1] = (number, f"{text.rstrip()} {raw.strip()}", position + 1)
        elif _PIPE_ROW.match(raw) or (rows and raw.lstrip().startswith("|")):
            rows.append((position + 1, raw, position + 1))
        elif rows and "|" in raw and raw.strip() and _width(rows[-1][1]) < width:
            number, text, _ = rows[-1]
            rows[-1] = (number, f"{text.rstrip()} {raw.strip()}", position + 1)
        else:
            break
        position += 1
    return rows


def _next_pipe_row(lines: list[str], position: int, dropped: set[int], first: str) -> int:
    """Where the table's rows go on from `position`: past blank lines and
    furniture to a pipe row, or past the table's `first` row printed again
    and its rule; `position` itself where a line of words, the end, or
    another table's header over its rule comes first."""
    at = past_blank(lines, position, dropped.__contains__)
    if at == position or at >= len(lines) or not lines[at].lstrip().startswith("|"):
        return position
    rule = past_blank(lines, at + 1, dropped.__contains__)
    if _is_rule_line(lines[at]) or rule >= len(lines) or not _is_rule_line(lines[rule]):
        return at
    if _cells_of(lines[at]) != _cells_of(first):
        return position  # another table's header
    after = past_blank(lines, rule + 1, dropped.__contains__)
    return after if after < len(lines) and lines[after].lstrip().startswith("|") else position


def _cells_of(text: str) -> list[str]:
    return [cell.strip() for cell in _trimmed(escapedSplit(text.replace("\f", "").strip()))]


def _is_rule_line(text: str) -> bool:
    return _is_rule(tuple(_cells_of(text)), 1)


def _width(row: str) -> int:
    """How many cells a pipe row holds."""
    return len(_cells_of(row))


def _cells(line: str) -> tuple[tuple[int, str], ...]:
    """A line's cells with the columns they start at; none for a line with
    no gap of two spaces."""
    if "  " not in line.strip():
        return ()
    return tuple((match.start(), match[0]) for match in CELL.finditer(line))


def _aligned(row: tuple[tuple[int, str], ...], header: tuple[tuple[int, str], ...]) -> bool:
    """The same number of cells as the header, each starting in its column."""
    return len(row) == len(header) and all(
        abs(start - column) <= 2 for (start, _), (column, _) in zip(row, header, strict=True)
    )


def furniture(text: str) -> set[int]:
    """Positions of the lines that are page furniture: in a text of pages
    (split by form feeds), a line met in the first or last three lines of
    at least half the pages (a running header or footer) and nowhere else
    (not a table's rows, alike but for their figures, that run over the
    pages), and page numbers there."""
    pages: list[list[int]] = [[]]
    lines = text.split("\n")
    for position, line in enumerate(lines):
        if "\f" in line and pages[-1]:
            pages.append([])
        if line.replace("\f", "").strip():
            pages[-1].append(position)
    if len(pages) < 2:
        return set()
    edges = [page[:3] + page[-3:] for page in pages]
    counts: Counter = Counter()
    for edge in edges:
        counts.update({_normal(lines[p]) for p in edge})
    inside = {_normal(lines[p]) for page in pages for p in page[3:-3]}
    needed = max(2, int(len(pages) * _FURNITURE_SHARE))
    return {
        p
        for edge in edges
        for p in edge
        if (counts[_normal(lines[p])] >= needed and _normal(lines[p]) not in inside)
        or _PAGE_NUMBER.match(lines[p].replace("\f", ""))
    }


def _normal(line: str) -> str:
    """A line with its digits blanked, so "Page 3 of 9" and "Page 4 of 9" match."""
    return re.sub(r"\d+", "#", " ".join(line.replace("\f", "").split()))
