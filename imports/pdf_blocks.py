"""The text poppler's pdftotext prints for a PDF of minutes in the OPSG's
2019 layout, and for the PDFs this app renders (imports.layout_text reads
both), as a stream of neutral blocks (imports.blocks.Block).

What the text looks like:

- page furniture anywhere, even mid-paragraph: "OPSG_25_0110 – Draft Minutes
  Page 1 of 12", the banner "This document has a Classification / of White",
  the footer "This document is classified as White in accordance with …",
  link targets (a bare "https://…" or "mailto:…" line, often twice) and
  footnotes under a line of spaces ("1 Enable customers …"); in this app's
  PDFs, a running header "OPSG_25_0110 / This document has a Classification
  of White / Draft Minutes" on one line (pdftotext -layout) or as three lines
  in any order (plain), the footer's statement with "Page 1 of 10" run into
  it, and until the minutes are approved the diagonal DRAFT mark, printed as
  its letters on lines of their own ("D", "R", "A", "FT") wherever they fall;
- a line starting with one space where a new page began;
- wrapped lines sometimes separated by blank lines, sometimes not, so a
  blank line is no proof of a new paragraph; with -layout, paragraphs that
  no blank line sets apart, where only the length of a paragraph's last
  line shows where it ends (see _with_line_breaks);
- numbered items "1. Previous Meeting Minutes" whose numbered points ("1.
  Managed Service Providers …") look much the same;
- the Actions Outstanding table, its header repeated on each page (under a
  caption "Actions outstanding reviewed at OPSG 25" in this app's PDFs), a
  row's cells one after another ("OPSG" / "11/02" / the action's text /
  "28/08/2018 13/09/2019 N/A DCC"), or with -layout in columns (the action's
  text and a target in words, "To be" / "determined", running on below),
  then the update and "Action Status: Closed" (the OPSG entry's label,
  imports.layouts; the status as printed is the row's last cell, read by
  the reader with the entry's status words);
- "Post-meeting note:" on a line of its own, footnotes as a numbered list
  whose points end in "↩" with their marks printed "SIP4931[1]", and a line
  "Incident reviewed: INC… – …" for each incident reviewed under an item.

The furniture is read for what it says (the reference, draft or final, the
classification, the next meeting's date) and left out. The rest is gathered
into blocks, each keeping its source lines (`Block.lines`, of `Line`): a
numbered line that carries the next item's number and a short title is a
HEADING (level 1, or 2 for "4.2"), a numbered point or a bullet an ITEM, a
footnote a FOOTNOTE, a short line alone between paragraphs a HEADING of
level 3, the Actions Outstanding table a TABLE of rows of cells (_table),
and the rest PARAGRAPHs. A line goes on with the block above it unless it
opens one of its own (ACTION, a point, a bullet, a post-meeting note, a
footnote, "Incident reviewed:"), or the block above had finished its
sentence and the line starts with a capital after a gap or a line break.
This app's closing table of the actions raised at the meeting is a TABLE
of its own, its rows not cut: a recap of the actions read under each item.
No page furniture is found by repetition here: the 2019 PDFs' text has no
form feeds between pages, and what the furniture says has to be read."""

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from actions.references import canonical
from imports.blocks import FOOTNOTE, HEADING, ITEM, PARAGRAPH, TABLE, Block
from imports.common import RECAP, VERBS, is_action_line, parse_date
from imports.layouts import OPSG
from imports.parsed import Flag


@dataclass(frozen=True)
class Line:
    """A non-blank line of the source: its 1-based number, its text with
    spaces tidied, and whether a blank line or a page break came before it.
    `raw` keeps the spaces: with pdftotext -layout they place a table's cells
    in their columns, and show where a line ended short of the margin (see
    _with_line_breaks)."""

    number: int
    text: str
    gap_before: bool = False
    kind: str = "text"  # "text", "table-header", "footnote", "item" (a heading) or "recap"
    raw: str = ""
    break_before: bool = False  # the line above ended short: a line break, not a wrap


@dataclass
class PdfText:
    """The blocks of the text, what its page furniture said, and the doubts met."""

    blocks: list[Block] = field(default_factory=list)
    reference: str = ""
    final: bool = False
    classification_label: str = ""
    classification_statement: str = ""
    next_meetings: list = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def pdf_blocks(text: str) -> PdfText:
    """The blocks of a PDF's text, furniture read and left out."""
    page = PdfText()
    page.blocks = gather(_with_items(_content_lines(text, page)), page.flags)
    return page


def _at(lines: list[Line], index: int) -> Line | None:
    return lines[index] if index < len(lines) else None


# --- lines and page furniture ----------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PAGE_HEADER = re.compile(
    r"^(?P<reference>[A-Z][A-Za-z]*_\d+_\d{3,4})\s*[–—-]\s*(?P<status>Draft|Final)\s+Minutes"
    r"(?:\s+Page\s+\d+\s+of\s+\d+)?$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^Page\s+\d+\s+of\s+\d+$", re.I)
_PAGE_NUMBER_RUN_IN = re.compile(r"\s+Page\s+\d+\s+of\s+\d+\b", re.I)
# This app's running header, its three boxes on one line (pdftotext -layout),
# and the boxes on lines of their own (plain pdftotext).
_RUNNING_HEADER = re.compile(
    r"^(?P<reference>[A-Z][A-Za-z]*_\d+_\d{3,4})\s+This document has a Classification\s+of\s+"
    r"(?P<label>\w+)\s+(?P<status>Draft|Final)\s+Minutes$",
    re.I,
)
_LONE_REFERENCE = re.compile(r"^[A-Z][A-Za-z]*_\d+_\d{3,4}$")
_LONE_STATUS = re.compile(r"^(?P<status>Draft|Final)\s+Minutes$", re.I)
_WATERMARK = "DRAFT"
_REVIEWS_CAPTION = re.compile(r"^Actions?\s+outstanding\s+reviewed\s+at\s+[A-Z]\S*\s+\d+$", re.I)
_BANNER = re.compile(r"^This document has a Classification(?:\s+of\s+(?P<label>\w+))?\.?$", re.I)
_BANNER_END = re.compile(r"^of\s+(?P<label>\w+)\.?$", re.I)
_STATEMENT = re.compile(r"^This document is classified as (?P<label>\w+)\b", re.I)
_LINK_TARGET = re.compile(r"^(?:https?://|mailto:)\S+$")
_TABLE_HEADER = re.compile(r"^Action\s+ID\b")
_TABLE_HEADER_WORDS = {"action", "id", "date", "raised", "last", "target", "revised", "owner"}
_NEXT_MEETING = re.compile(
    r"^Next\s+(?:(?P<kind>\w+)\s+)?meetings?\b(?:\s*[:–-]\s*|\s+(?=\d))(?P<rest>.*)$", re.I
)
_FOOTNOTE = re.compile(r"^(?P<number>\d{1,3})\s+(?P<text>\S.*)$")
_MEETING_KINDS = {"main", "reporting", "extraordinary", "confidential"}


def _content_lines(text: str, page: PdfText) -> list[Line]:
    """The lines that carry content, page furniture taken out (and read into
    `page`), each knowing whether a gap came before it."""
    raw_lines = text.split("\n")
    watermark = _watermark_lines(raw_lines)
    content: list[Line] = []
    gap = True
    index = 0
    while index < len(raw_lines):
        number = index + 1
        raw = _CONTROL.sub("", raw_lines[index].rstrip("\r"))
        page_break = "\f" in raw or (raw.startswith(" ") and not raw.startswith("  "))
        raw = raw.replace("\f", "")
        tidy = " ".join(raw.split())
        index += 1
        if index - 1 in watermark:
            gap = True
            continue
        if not tidy:
            if len(raw) >= 20:
                # A line of spaces is the rule above the page's footnotes.
                index = _read_footnote(raw_lines, index, content)
            gap = True
            continue
        consumed = _furniture(tidy, raw_lines, index, number, page)
        if consumed is not None:
            index = consumed
            gap = True
            continue
        if _is_table_header(tidy) or (
            _REVIEWS_CAPTION.match(tidy) and _is_table_header(_next_nonblank(raw_lines, index)[0])
        ):
            # The caption above the table is read as part of its header.
            content.append(Line(number, tidy, gap_before=True, kind="table-header", raw=raw))
            if not _REVIEWS_CAPTION.match(tidy):
                index = _skip_header_words(raw_lines, index)
            gap = True
            continue
        repaired = _repaired(tidy)
        if repaired != tidy:
            message = f"Read {tidy!r} as {repaired!r}: extraction split a reference."
            page.flags.append(Flag(number, "text-repaired", message))
        content.append(Line(number, repaired, gap_before=gap or page_break, raw=raw))
        gap = False
    if any(_COLUMN_GAP.search(raw) for raw in raw_lines):
        content = _with_line_breaks(content)
    # This app's "Owner: …; target: …." ends its ACTION paragraph.
    return [
        replace(line, gap_before=False, break_before=False)
        if _OWNER_LINE.match(line.text)
        else line
        for line in content
    ]


_OWNER_LINE = re.compile(r"^Owner:\s*[^;]*;\s*target:\s*.*\.$")
_COLUMN_GAP = re.compile(r"\S {3,}\S")  # cells apart on one line: pdftotext -layout
_WIDTH_WINDOW = 8  # lines either side whose length shows the width of the text


def _with_line_breaks(content: list[Line]) -> list[Line]:
    """With pdftotext -layout, paragraphs are not set apart by blank lines,
    but their lines keep their lengths: a line is a paragraph's last (or a
    heading) when the next line's first word would have fitted after it.
    The width is that of the longest line nearby with the same indent, so
    table cells, the ACTION boxes and the body are measured apart. A last
    line that happens to be nearly full is missed; nothing is split that
    wrapped."""
    measured = [
        (len(line.raw) - len(line.raw.lstrip()), len(line.raw.rstrip()))
        if line.kind == "text" and line.raw and not _COLUMN_GAP.search(line.raw)
        else None
        for line in content
    ]
    marked = content[:1]
    for index in range(len(content) - 1):
        line, following = content[index], content[index + 1]
        marked.append(following)
        if measured[index] is None or measured[index + 1] is None:
            continue
        if following.number != line.number + 1:
            continue  # a blank line or furniture between them: gap_before says it
        indent, length = measured[index]
        nearby = measured[max(0, index - _WIDTH_WINDOW) : index + _WIDTH_WINDOW + 1]
        width = max(found[1] for found in nearby if found and found[0] == indent)
        ended = length + 1 + len(following.text.split()[0]) <= width
        marked[-1] = replace(following, break_before=ended)
    return marked


def _is_table_header(tidy: str | None) -> bool:
    return bool(tidy and _TABLE_HEADER.match(tidy) and _only_header_words(tidy))


def _watermark_lines(raw_lines: list[str]) -> set[int]:
    """The indexes of the lines that are letters of the diagonal DRAFT mark
    of this app's draft PDFs ("D", "R", "A", "FT", each on a line of its own
    wherever the slant put it). Page furniture, but only where it cannot be
    anything else: the whole mark must be on some page, one letter a place,
    and a page's lines are taken as the mark only when together they spell
    no more than it ("A" twice on a page is kept, and flagged if it cannot
    be placed)."""
    pages: list[list[tuple[int, str]]] = [[]]
    for index, raw in enumerate(raw_lines):
        if "\f" in raw:
            pages.append([])
        letters = "".join(raw.replace("\f", "").split())
        if letters and letters in _WATERMARK:
            pages[-1].append((index, letters))
    spelled = [Counter("".join(letters for _, letters in page)) for page in pages]
    whole = Counter(_WATERMARK)
    if whole not in spelled:
        return set()
    return {
        index
        for page, letters in zip(pages, spelled, strict=True)
        if letters <= whole
        for index, _ in page
    }


def _furniture(tidy: str, raw_lines: list[str], index: int, number: int, page) -> int | None:
    """If the line is page furniture, read it and return the index of the
    line after it (it may take the next lines too); None otherwise."""
    if match := _PAGE_HEADER.match(tidy) or _RUNNING_HEADER.match(tidy):
        page.reference = page.reference or match["reference"]
        page.final = match["status"].lower() == "final"
        if label := match.groupdict().get("label"):
            page.classification_label = page.classification_label or label
        return index
    if _LONE_REFERENCE.match(tidy):
        page.reference = page.reference or tidy
        return index
    if match := _LONE_STATUS.match(tidy):
        page.final = match["status"].lower() == "final"
        return index
    if _PAGE_NUMBER.match(tidy):
        return index
    if match := _BANNER.match(tidy):
        label = match["label"]
        following, after = _next_nonblank(raw_lines, index)
        if not label and following is not None and (end := _BANNER_END.match(following)):
            label, index = end["label"], after
        page.classification_label = page.classification_label or (label or "")
        return index
    if match := _STATEMENT.match(tidy):
        statement, index = _read_statement(tidy, raw_lines, index)
        page.classification_label = page.classification_label or match["label"]
        page.classification_statement = page.classification_statement or statement
        return index
    if _LINK_TARGET.match(tidy):
        previous = " ".join(raw_lines[index - 2].split()) if index >= 2 else ""
        if previous != tidy:
            message = (
                f"A link to {tidy} was on this page; the PDF text does not say which "
                "words carried it, so it is not in the narrative."
            )
            page.flags.append(Flag(number, "link-target", message))
        return index
    if match := _NEXT_MEETING.match(tidy):
        return _read_next_meetings(match, raw_lines, index, number, page)
    return None


def _next_nonblank(raw_lines: list[str], index: int) -> tuple[str | None, int]:
    while index < len(raw_lines):
        tidy = " ".join(raw_lines[index].split())
        index += 1
        if tidy:
            return tidy, index
    return None, index


def _read_statement(first: str, raw_lines: list[str], index: int) -> tuple[str, int]:
    """The classification footer, to the end of its sentence (at most four
    lines), without the page number that pdftotext -layout runs into it."""
    parts = [_PAGE_NUMBER_RUN_IN.sub("", first)]
    while not parts[-1].endswith(".") and len(parts) < 4:
        following, after = _next_nonblank(raw_lines, index)
        if following is None:
            break
        parts.append(_PAGE_NUMBER_RUN_IN.sub("", following))
        index = after
    return " ".join(parts), index


def _read_next_meetings(match, raw_lines, index: int, number: int, page) -> int | None:
    """ "Next Meeting: 5 November 2019", or "Next main meeting: 1 June 2021;
    Next reporting meeting: 28 June 2021"."""
    kind = (match["kind"] or "main").lower()
    if kind not in _MEETING_KINDS:
        return None
    rest = match["rest"]
    if not rest:
        following, after = _next_nonblank(raw_lines, index)
        if following is None or parse_date(following) is None:
            return None
        rest, index = following, after
    found = []
    for part in re.split(r";\s*", rest):
        part_match = _NEXT_MEETING.match(part)
        part_kind = (part_match["kind"] or "main").lower() if part_match else kind
        written = part_match["rest"] if part_match else part
        date = parse_date(written)
        if date is None:
            if written.strip():
                message = f"Next meeting date {written.strip()!r} could not be read."
                page.flags.append(Flag(number, "unreadable-date", message))
            continue
        found.append((part_kind if part_kind in _MEETING_KINDS else "main", date))
    if not found and not rest.strip():
        return None
    page.next_meetings += found
    return index


def _read_footnote(raw_lines: list[str], index: int, content: list[Line]) -> int:
    following, after = _next_nonblank(raw_lines, index)
    if following is not None and _FOOTNOTE.match(following):
        content.append(Line(after, following, gap_before=True, kind="footnote"))
        return after
    return index


def _only_header_words(tidy: str) -> bool:
    return all(word.lower().strip("()s") in _TABLE_HEADER_WORDS for word in tidy.split())


def _skip_header_words(raw_lines: list[str], index: int) -> int:
    """The header's other cells ("Date", "Raised", "Last Target", …), one a line."""
    while index < len(raw_lines):
        tidy = " ".join(raw_lines[index].split())
        if tidy and not _only_header_words(tidy):
            break
        index += 1
    return index


# --- agenda items ------------------------------------------------------------

_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})?)\.?\s+(?P<title>\S.*)$")


def _heading(line: Line, following: Line | None, current: str) -> tuple[str, str] | None:
    """(number, title) when the line is the next item's heading after item
    `current` ("4" or "4.2"): the next number, a short title without a full
    stop, after a gap, and not a point whose text runs on to the next line."""
    match = _HEADING.match(line.text)
    if not match or line.kind != "text" or not line.gap_before:
        return None
    number, title = match["number"], match["title"].strip()
    if number not in _next_numbers(current):
        return None
    if "." not in number and not re.match(rf"^{number}\.\s", line.text):
        return None
    if len(title) > 70 or len(title.split()) > 10 or title[-1] in ".,;:":
        return None
    if not (title[0].isupper() or title[0].isdigit() or title[0] in "‘“'\""):
        return None
    if following is not None and following.text[:1].islower():
        return None
    return number, title


def _next_numbers(current: str) -> set[str]:
    main, _, sub = current.partition(".")
    following_main = str(int(main) + 1)
    return {following_main, f"{main}.{int(sub or 0) + 1}"}


def _with_items(lines: list[Line]) -> list[Line]:
    """The lines with the items' headings marked ("item"), from the first
    line that reads as item 1's, and this app's closing table of the actions
    raised at the meeting ("recap", from its caption to the next meeting's
    line), where no heading is looked for."""
    first = next((i for i in range(len(lines)) if _heading(lines[i], _at(lines, i + 1), "0")), None)
    if first is None:
        return lines
    lines = list(lines)
    recap = next((i for i in range(first, len(lines)) if RECAP.match(lines[i].text)), None)
    if recap is not None:
        end = next(
            (i for i in range(recap + 1, len(lines)) if _NEXT_MEETING.match(lines[i].text)),
            len(lines),
        )
        lines[recap:end] = [replace(line, kind="recap") for line in lines[recap:end]]
    body = [i for i in range(first, len(lines)) if lines[i].kind != "recap"]
    current = "0"
    for position, index in enumerate(body):
        following = lines[body[position + 1]] if position + 1 < len(body) else None
        if heading := _heading(lines[index], following, current):
            lines[index] = replace(lines[index], kind="item")
            current = heading[0]
    return lines


# --- paragraphs ----------------------------------------------------------------

_POINT_START = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_BULLET_START = re.compile(r"^[–—•▪*-]\s+(?P<text>\S.*)$")
NOTE_START = re.compile(r"^\[\s*Post[- ]meeting\s+note\b|^Post[- ]meeting\s+note\s*:$", re.I)
# This app's PDFs print footnotes as a numbered list, each ending in a link back,
# and each incident reviewed under an item on a line of its own.
INCIDENT_REVIEW = re.compile(r"^Incident reviewed:\s*(?P<reference>INC\d{12})\b(?P<rest>.*)$", re.S)
_BACKREF = "↩"
_MARKED_NOTE = re.compile(r"^\[(?P<number>\d{1,3})\]\s+(?P<text>\S.*)$")
_SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*$")
_MOD_SPLIT = re.compile(r"(?P<glued>[a-z])?SECMP(?P<first>\d{1,3}) (?P<second>\d{1,3})\b")
_MOD_GLUED = re.compile(r"(?<=[a-z])(?=SECMP\d{4}\b)")


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


@dataclass
class _Gathering:
    """A block being gathered: its kind as the gathering sees it (an item's
    heading "item", "para", "point", "bullet", a sub-heading "heading",
    "footnote", "table", "recap", or a line of no words, "junk"), its lines'
    texts (the first without its number), its lines, and its number."""

    kind: str
    parts: list[str]
    lines: list[Line]
    number: str = ""
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table's
    cell_lines: list[tuple[int, ...]] = field(default_factory=list)

    def block(self) -> Block:
        kind = _KINDS.get(self.kind, PARAGRAPH)
        text = self.parts[0] if kind == TABLE else joined(self.parts)
        if self.rows:
            text = " | ".join(self.rows[0])
        level = {"item": 2 if "." in self.number else 1, "heading": 3}.get(self.kind, 0)
        return Block(
            kind,
            text,
            self.lines[0].number,
            level,
            self.number,
            tuple(self.rows),
            lines=tuple(self.lines),
            cell_lines=tuple(self.cell_lines),
        )


_KINDS = {
    "item": HEADING,
    "heading": HEADING,
    "point": ITEM,
    "bullet": ITEM,
    "footnote": FOOTNOTE,
    "table": TABLE,
    "recap": TABLE,
}


def gather(lines: list[Line], flags: list[Flag] | None = None) -> list[Block]:
    """Gather lines into blocks. A line continues the block before it unless
    it opens a block of its own (an ACTION, a numbered point, a bullet, a
    post-meeting note, a footnote) or, after a gap, the block before it had
    finished its sentence and the line starts with a capital. Given `flags`,
    the Actions Outstanding table under an item is cut into rows (_table),
    its doubts flagged there; a table's header is otherwise a block alone."""
    gathered: list[_Gathering] = []
    current: _Gathering | None = None
    in_items = False
    index = 0
    while index < len(lines):
        line = lines[index]
        in_items = in_items or line.kind == "item"
        if line.kind == "table-header" and in_items and flags is not None:
            current, index = _table(lines, index, flags)
            gathered.append(current)
            continue
        opened = _opened(line, current, _at(lines, index + 1))
        index += 1
        if opened is None and current is not None:
            current.parts.append(line.text)
            current.lines.append(line)
            continue
        current = opened or _Gathering("para", [line.text], [line])
        gathered.append(current)
    return [gathering.block() for gathering in gathered]


def _opened(line: Line, current: _Gathering | None, following: Line | None) -> _Gathering | None:
    """The block the line opens, or None when it goes on with `current`."""
    text = line.text

    def opened(kind: str, text: str = text, number: str = "") -> _Gathering:
        return _Gathering(kind, [text], [line], number)

    if line.kind == "recap":
        return None if current is not None and current.kind == "recap" else opened("recap")
    if line.kind == "item":
        match = _HEADING.match(text)
        return opened("item", match["title"].strip(), match["number"])
    if line.kind == "footnote":
        match = _FOOTNOTE.match(text)
        return opened("footnote", match["text"], str(int(match["number"])))
    if line.kind == "table-header":
        return opened("table")
    if is_action_line(text) or INCIDENT_REVIEW.match(text):
        return opened("para")
    if match := _MARKED_NOTE.match(text):  # this app's PDF: "[1] The note."
        return opened("footnote", match["text"], str(int(match["number"])))
    if (match := _POINT_START.match(text)) and text.endswith(_BACKREF):
        footnote = match["text"].removesuffix(_BACKREF).strip()
        return opened("footnote", footnote, str(int(match["number"])))
    if match := _POINT_START.match(text):
        return opened("point", match["text"], str(int(match["number"])))
    if match := _BULLET_START.match(text):
        return opened("bullet", match["text"])
    if NOTE_START.match(text):
        return opened("para")
    if not re.search(r"[^\W\d_]", text):
        return opened("junk")
    after_heading = current is None or current.kind in {
        "item",
        "heading",
        "footnote",
        "junk",
        "table",
        "recap",
    }
    if not after_heading:
        finished = (line.gap_before or line.break_before) and ends_sentence(current.parts[-1])
        if not finished or text[:1].islower():
            return None
    return opened("heading" if _is_subheading(line, following) else "para")


def rendered(block: Block) -> str:
    """A block as a Markdown paragraph, list item, sub-heading or footnote."""
    if block.kind == ITEM:
        return f"{block.number}. {block.text}" if block.number else f"- {block.text}"
    if block.kind == HEADING:
        return f"### {block.text}"
    if block.kind == FOOTNOTE:
        return f"[^{block.number}]: {block.text}"
    return block.text


def as_markdown(blocks: list[Block]) -> str:
    """Blocks as Markdown: paragraphs apart, the points of one list together."""
    out = ""
    previous = None
    for block in blocks:
        kind = (block.kind, bool(block.number))
        same_list = block.kind == ITEM and kind == previous
        out += ("\n" if same_list else "\n\n" if out else "") + rendered(block)
        previous = kind
    return out


def _is_subheading(line: Line, following: Line | None) -> bool:
    """A short line on its own between paragraphs ("INC000000478818",
    "Aged Incidents"): a heading within the item."""
    text = line.text
    if following is None or following.kind in {"item", "recap"}:
        return False
    if not (line.gap_before or line.break_before):
        return False
    if not (following.gap_before or following.break_before):
        return False
    if len(text) > 60 or len(text.split()) > 6 or text[-1] in ".,;:!?":
        return False
    if any(word in VERBS for word in text.split()):
        return False  # "The OPSG NOTED the presentation", its full stop lost
    return text[0].isupper() or text[0].isdigit()


def _repaired(text: str) -> str:
    """Undo what extraction does to modification references:
    "ModificationSECMP00 67" → "Modification SECMP0067"."""

    def join(match: re.Match) -> str:
        digits = match["first"] + match["second"]
        if len(digits) != 4:
            return match.group(0)
        return f"{match['glued'] or ''}SECMP{digits}"

    return _MOD_GLUED.sub(" ", _MOD_SPLIT.sub(join, text))


_BROKEN_AT_HYPHEN = re.compile(r"[^\W\d_]-$")


def joined(parts: list[str]) -> str:
    """Lines as one text; a word broken at its hyphen over two lines
    ("post-" / "Incident") is one word again."""
    joined = ""
    for part in parts:
        if joined and not _BROKEN_AT_HYPHEN.search(joined):
            joined += " "
        joined += part
    return joined


# --- the Actions Outstanding table ---------------------------------------------

# The table as a TABLE block: this header, then a row for each action.
ACTIONS_HEADER = (
    "Action ID",
    "Action",
    "Date Raised",
    "Last Target Date",
    "Revised Target Date",
    "Owner",
    "Update",
    "Action Status",
)
_ROW_REFERENCE = re.compile(
    r"^(?P<code>[A-Z][A-Za-z]{1,9})(?:\s+(?P<reference>\d{1,4}\s*/\s*(?:CONF\s*)?\d{1,4}))?"
    r"(?:\s+(?P<rest>.*))?$"
)
_REFERENCE_ONLY = re.compile(
    r"^(?P<reference>\d{1,4}\s*/\s*(?:CONF\s*)?\d{1,4})(?:\s+(?P<rest>.*))?$"
)
_DATE_CELL = r"\d{1,2}/\d{1,2}/\d{2,4}"
_RAISED = re.compile(rf"(?:^|\s)(?P<raised>{_DATE_CELL})(?=\s+(?:{_DATE_CELL}|N/A|[A-Z])|\s*$)")
_OWNER = r"(?:[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*|[A-Z][a-z]+\s+[Mm]embers|[A-Z][a-z]+)"
_OWNERS_AT_END = re.compile(rf"(?:^|\s)(?P<owners>{_OWNER}(?:\s*/\s*{_OWNER})*)$")
_OWNERS_ONLY = re.compile(
    rf"(?:[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*|[A-Z][a-z]+\s+[Mm]embers)(?:\s*/\s*{_OWNER})*"
)
# "Action Status: Closed", and in this app's own PDF "Action Status: Closed
# (Superseded by OPSG 25/01)": how it ended, which the update's words say too.
# The label is the OPSG entry's (imports.layouts), the words after it (three
# at most) the status cell as printed, read by the reader with the entry's
# status words: "Superseded" or "Not done" end the update as "Closed" does.
_STATUS = re.compile(
    rf"(?:^|\s){OPSG.review_status.pattern}(?P<status>[^\W\d_][\w-]*(?:\s+[^\W\d_][\w-]*){{0,2}})"
    r"\.?(?:\s*\([^()]*\))?\.?\s*$",
    re.I,
)
# A cell the table prints instead of a target date, kept whole: a date,
# "N/A", or the abbreviations secretaries use for "not yet known".
_CELL_TOKEN = re.compile(rf"{_DATE_CELL}|N/A|\bTB[CD]\b")


def _table(lines: list[Line], index: int, flags: list[Flag]) -> tuple[_Gathering, int]:
    """The table from its header at `index`, row after row until a line
    that starts none, and the index of that line. A row's cells are those
    of ACTIONS_HEADER: its reference as the record spells it, the action,
    the date raised, the last and revised targets and the owner as printed,
    its update (Markdown) and its status as printed ("Closed", or "" when
    the row says none), each with the line it starts on (`cell_lines`). Where a header line shows the columns (pdftotext
    -layout), rows are cut by column."""
    table = _Gathering("table", [lines[index].text], [], rows=[ACTIONS_HEADER])
    table.cell_lines.append((lines[index].number,) * len(ACTIONS_HEADER))
    columns = None
    start = index
    while index < len(lines):
        if lines[index].kind == "table-header":
            columns = _columns(lines[index].raw) or columns
            index += 1
            continue
        row = _row_start(lines, index)
        if row is None and (lost := _row_without_reference(lines, index, columns, flags)):
            row_cells, row_lines, index = lost
            table.rows.append(row_cells)
            table.cell_lines.append(row_lines)
            continue
        if row is None:
            break
        found = _row_in_columns(lines, index, row, columns)
        (text, cells), index = found or _row(lines, row)
        reference, _, line_number, _ = row
        if cells is None:
            message = f"{reference}: the row's dates and owner could not be found."
            flags.append(Flag(line_number, "table-row", message))
            cells = {"raised": "", "targets": ["", ""], "owners": "", "line": line_number}
        elif len(cells["targets"]) != 2:
            message = (
                f"{reference}: expected a last and a revised target date, read "
                f"{cells['targets']!r}; check them."
            )
            flags.append(Flag(cells["line"], "table-row", message))
        last, revised = (cells["targets"] + ["", ""])[:2]
        (update, update_line), (status, status_line), index = _update(lines, index)
        table.rows.append(
            (reference, text, cells["raised"], last, revised, cells["owners"], update, status)
        )
        table.cell_lines.append(
            (line_number, line_number) + (cells["line"],) * 4 + (update_line, status_line)
        )
    table.lines = lines[start:index]
    return table, index


def _row_without_reference(lines: list[Line], index: int, columns, flags: list[Flag]):
    """A row whose reference could not be read (its number lost, "OPSG"
    alone above its action; or its code lost, "24/08" alone): lines that
    read as a row all the same, the action's text, a date raised with the
    other cells after it, and an update ending in "Action Status: …". Its
    cells with "" for the reference, their lines, and the index after it,
    flagged: the reader keeps its lines in the item's narrative, and the
    rows after it are read as reviews. None when the lines are no such row
    (the table has ended)."""
    line = lines[index]
    match = _ROW_REFERENCE.match(line.text)
    if line.kind != "text" or is_action_line(line.text):
        return None
    if match and not match["reference"] and not match["rest"]:  # the code alone
        start = ("", "", line.number, index + 1)
    elif second := _REFERENCE_ONLY.match(line.text):  # the number without its code
        start = ("", second["rest"] or "", line.number, index + 1)
    else:
        start = ("", "", line.number, index)
    in_columns = _row_in_columns(lines, index, (*start[:3], index + 1), columns)
    (text, cells), after = in_columns or _row(lines, start)
    if cells is None or len(cells["targets"]) != 2:
        return None
    (update, update_line), (status, status_line), after = _update(lines, after)
    if not status:
        return None
    last, revised = cells["targets"]
    message = (
        f"Lines {line.number}–{status_line} look like a row of the Actions Outstanding table "
        f"(dates, owner {cells['owners'] or 'not found'}, 'Action Status: {status}') whose "
        f"reference could not be read (its first line reads {line.text!r}); not read as a "
        "review: its text is kept in the item's narrative."
    )
    flags.append(Flag(line.number, "table-row", message))
    row = ("", text, cells["raised"], last, revised, cells["owners"], update, status)
    cell_lines = (line.number, line.number) + (cells["line"],) * 4 + (update_line, status_line)
    return row, cell_lines, after


_CELL_RUN = re.compile(r"\S+(?: \S+)*")  # words one space apart: a cell's line, with -layout
_HEADER_CELLS = ["action", "action", "date", "last", "revised", "owner"]
_COLUMN_SLACK = 2  # characters a cell may start left of its header


def _columns(raw: str) -> list[int] | None:
    """Where the six columns start, from a header line printed in columns
    ("Action ID   Action   Date   Last   Revised   Owner"); None when the
    header's cells are not apart (plain pdftotext gives one a line)."""
    runs = list(_CELL_RUN.finditer(raw))
    if [run.group().split()[0].lower() for run in runs] != _HEADER_CELLS:
        return None
    return [run.start() for run in runs]


def _in_columns(raw: str, columns: list[int]) -> list[list[str]]:
    """A line's words, cell by cell."""
    cells: list[list[str]] = [[] for _ in columns]
    for run in _CELL_RUN.finditer(raw):
        at = 0
        for column, start in enumerate(columns):
            if start <= run.start() + _COLUMN_SLACK:
                at = column
        cells[at].append(run.group())
    return cells


def _row_in_columns(lines, index: int, start, columns: list[int] | None):
    """A row whose first line holds every cell, in the header's columns; the
    lines below it indented to the Action column carry on its cells (the
    action's text, "To be" / "determined"); the update starts back at the
    table's left edge. ((the action, the other cells), index after them), or
    None when the row is not printed that way."""
    _, _, _, after = start
    first = lines[index]
    if columns is None or after != index + 1:
        return None
    cells = _in_columns(first.raw, columns)
    if not re.fullmatch(_DATE_CELL, " ".join(cells[2])) or not cells[5]:
        return None
    end = after
    while end < len(lines):
        line = lines[end]
        indent = len(line.raw) - len(line.raw.lstrip())
        if line.kind != "text" or indent < columns[1] - _COLUMN_SLACK:
            break
        for column, words in enumerate(_in_columns(line.raw, columns)):
            cells[column] += words
        end += 1
    found = {
        "raised": cells[2][0],
        # An empty target cell is not "N/A": leaving it out has the row flagged.
        "targets": [target for target in (" ".join(cells[3]), " ".join(cells[4])) if target],
        "owners": " ".join(cells[5]),
        "line": first.number,
    }
    return (joined(cells[1]), found), end


def _row_start(lines: list[Line], index: int) -> tuple[str, str, int, int] | None:
    """(reference, text after it, first line number, index after it) for
    "OPSG 11/02 …" on one line or "OPSG" / "11/02" on two."""
    match = _ROW_REFERENCE.match(lines[index].text)
    if not match or lines[index].kind != "text":
        return None
    if match["reference"]:
        reference = _tidy_reference(match["code"], match["reference"])
        return reference, match["rest"] or "", lines[index].number, index + 1
    if match["rest"] or index + 1 >= len(lines):
        return None
    second = _REFERENCE_ONLY.match(lines[index + 1].text)
    if not second:
        return None
    reference = _tidy_reference(match["code"], second["reference"])
    return reference, second["rest"] or "", lines[index].number, index + 2


def _tidy_reference(code: str, printed: str) -> str:
    """ "OPSG" and "25/ 01" or "45/CONF02": the record's one spelling."""
    return canonical(f"{code} {printed}") or f"{code} {printed}"


def _row(lines: list[Line], start) -> tuple[tuple[str, dict | None], int]:
    """One row: the action's text up to the date raised, and the other
    cells (None when no date raised was found); then the index after them."""
    _, first_text, line_number, index = start
    text_parts: list[str] = []
    cells = None
    pending = [(line_number, first_text)] if first_text else []
    while cells is None and (pending or index < len(lines)):
        if pending:
            number, text = pending.pop()
        else:
            line = lines[index]
            if line.kind != "text" or _STATUS.search(line.text) or _row_start(lines, index):
                break
            number, text = line.number, line.text
            index += 1
        match = _RAISED.search(text)
        if not match:
            text_parts.append(text)
            continue
        if before := text[: match.start()].strip():
            text_parts.append(before)
        cells, index = _read_cells(match["raised"], text[match.end() :], lines, index)
        cells["line"] = number
    return (" ".join(text_parts), cells), index


def _read_cells(raised: str, tail: str, lines: list[Line], index: int) -> tuple[dict, int]:
    """After the date raised: the last and revised target dates (a date,
    N/A or words such as "To be determined", which may run over several
    lines) and the owner."""
    tail = tail.strip()
    owners = _OWNERS_AT_END.search(tail)
    taken = 0
    while owners is None and index < len(lines) and taken < 4:
        line = lines[index]
        if line.kind != "text" or _STATUS.search(line.text):
            break
        index += 1
        taken += 1
        if _OWNERS_ONLY.fullmatch(line.text):
            tail = f"{tail} {line.text}".strip()
            owners = _OWNERS_AT_END.search(tail)
            break
        tail = f"{tail} {line.text}".strip()
    owner_text = owners["owners"] if owners else ""
    middle = tail[: owners.start("owners")].strip() if owners else tail
    return {"raised": raised, "targets": _split_targets(middle), "owners": owner_text}, index


def _split_targets(middle: str) -> list[str]:
    """ "13/09/2019 N/A" → two cells; "01/10/2019 To be determined" → the date
    and the words."""
    cells: list[str] = []
    position = 0
    for match in _CELL_TOKEN.finditer(middle):
        words = middle[position : match.start()].strip()
        if words:
            cells.append(words)
        cells.append(match.group(0))
        position = match.end()
    words = middle[position:].strip()
    if words:
        cells.append(words)
    return cells


def _update(lines: list[Line], index: int) -> tuple[tuple[str, int], tuple[str, int], int]:
    """The update under a row (Markdown), to "Action Status: Open" or
    "Closed"; the status as printed ("" when none is printed); each with its
    (first) line, 0 for none; and the index after."""
    update: list[Line] = []
    status, status_line = "", 0
    while index < len(lines):
        line = lines[index]
        if line.kind == "table-header":
            index += 1
            continue
        if line.kind != "text" or is_action_line(line.text) or _row_start(lines, index):
            break
        index += 1
        if match := _STATUS.search(line.text):
            status, status_line = " ".join(match["status"].split()), line.number
            rest = line.text[: match.start()].strip()
            if rest:
                update.append(Line(line.number, rest, gap_before=line.gap_before))
            break
        update.append(line)
    update_line = update[0].number if update else 0
    return (as_markdown(gather(update, [])), update_line), (status, status_line), index
