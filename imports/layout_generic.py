"""The generic reader: a stream of neutral blocks (imports.blocks) read as a
meeting, by the marks of its entry in the layout registry (imports.layouts).

It reads other committees' minutes: "Present / Apologies / In attendance"
blocks or lists, "Name (Organisation) [Role]" lines with their marks
(the people read by imports.attendance, the reader saying which section
each line is in),
numbered or minute-numbered items, decision lines ("The Panel AGREED …",
"RESOLVED that …", "RES-2026-07: …"), action lines ("ACTION: …", "Action 12:
…", "ACTION – JD …"), and an outstanding-actions list or table. Its
title block of labelled lines ("Date: …", "Time: …", "Location: …") is
read by imports.title_block, by the entry's patterns, as the OPSG's is.

An entry whose Markdown is read as written (`text_as_written`: the OPSG's
2021 minutes) is read from markdown-it-py's blocks cut at blank lines
(imports.blocks.markdown_source_blocks), by the entry's data: the title
block (imports.title_block) and the attendance tables
(imports.front_matter), items in sequence (imports.item_sequence), each
item's text as written (imports.item_text), with lines it cannot place
kept in the nearest item and flagged (imports.unplaced).

What it cannot place or had to decide is a Flag naming the line, never a
silent guess:
- no-meeting-number: the document gives none (the upload form takes one);
- verb-recorded-as: a verb the record does not have ("RESOLVED") is
  recorded as the nearest it has (AGREED), the words kept in the text;
- unread-line: attendance or text before the first item that is not read;
- unread-row: an outstanding-actions row with neither an action nor a
  reference (an owner, a date or a status alone);
- action-reference: a tracker's own reference ("A-12") that is not of the
  form 14/03, recorded under this meeting's numbering, kept in the text;
- action-owner: an action whose owner could not be picked out."""

import re

from actions.references import format_reference
from imports.attendance import (
    give_role,
    lines_of_names,
    listed_person,
    named_table_entries,
    names_in,
)
from imports.blocks import (
    HEADING,
    ITEM,
    PARAGRAPH,
    TABLE,
    Block,
    SourceLine,
    cells_as_written,
    markdown_blocks,
    markdown_source_blocks,
    numbered,
    text_blocks,
)
from imports.closing_blocks import flag_closing_blocks
from imports.common import (
    ANY_DATE,
    ActionNumbering,
    first_date,
    guess_committee,
    owners_in,
    read_incidents,
    read_outcome,
)
from imports.front_matter import read_attendance, split_front
from imports.item_sequence import split_items
from imports.item_text import ItemContext, read_item
from imports.layouts import (
    APOLOGY,
    ITEMS,
    MEMBER,
    PARTICIPANT,
    REVIEWS,
    SKIP,
    Layout,
    layout_of,
)
from imports.outstanding_table import (
    OutstandingTables,
    flag_unstated,
    last_status,
    read_review_row,
    read_review_table,
    review_columns,
    review_reference,
)
from imports.parsed import (
    Flag,
    ParsedAction,
    ParsedDecision,
    ParsedItem,
    ParsedMinutes,
)
from imports.title_block import (
    read_labelled_title_block,
    read_next_meetings,
    read_title_block,
)
from imports.unknown_layout import flag_unknown_layout
from imports.unplaced import place_unplaced

ATTENDANCE = (MEMBER, PARTICIPANT, APOLOGY)
_MAX_TITLE_WORDS = 14
_REVIEW_LINE = re.compile(
    r"^(?P<ref>(?:[A-Z]{1,6}[-\s]?)?\d{1,4}(?:[-/]\d{1,4})*)\s*"
    r"(?:\((?P<owner>[^)]+)\))?\s*[:–-]?\s*(?P<text>.+)$",
    re.S,
)
# An outstanding action's line read as a row of these fields.
_LINE_FIELDS = {"reference": 0, "text": 1, "owner": 2, "last": 3, "status": 4}
_DUE = re.compile(r"\b(?:due|target|by)\b\s*:?\s*(?P<date>" + ANY_DATE.pattern + ")", re.I)
_MINUTE_START = re.compile(r"^[A-Z]{0,3}\d{1,4}/\d{1,4}\s")
_NOTE_MARK = re.compile(r"^[A-Z]{3,}\s*:")
_NICKNAME_TO = re.compile(r"^([a-z][\w.|-]{1,30})\s+to\s")


def parse_generic_layout(
    text: str,
    *,
    markdown: bool,
    committee: str = "",
    number: int | None = None,
    layout: Layout | None = None,
) -> ParsedMinutes:
    """Read `text` (Markdown, or plain or PDF text) by its registry entry
    (`layout`, else the one that recognises it); `committee` and `number`
    stand in where the document gives none."""
    try:
        layout = layout or layout_of(text)
        reader = _Reader(layout, text, committee, number)
        if markdown and layout.text_as_written:
            return reader.read_as_written()
        return reader.read(markdown_blocks(text) if markdown else text_blocks(text))
    except Exception as error:  # an importer of users' files must not crash on one
        minutes = ParsedMinutes(committee=committee, number=number)
        message = f"The text could not be read ({type(error).__name__}: {error})."
        minutes.flags.append(Flag(1, "unreadable", message))
        return minutes


class _Reader:
    def __init__(self, layout: Layout, text: str, committee: str, number: int | None):
        self.layout = layout
        self.text = text
        self.minutes = ParsedMinutes(committee=committee.upper(), number=number)
        self.section: str | None = None
        self.category = ""
        self.item: ParsedItem | None = None
        self.header: list[Block] = []
        self.raised = 0
        self.mapped_verbs: set[str] = set()

    @property
    def flags(self) -> list[Flag]:
        return self.minutes.flags

    def read(self, blocks: list[Block]) -> ParsedMinutes:
        body = self._header_end(blocks)
        self._read_header(blocks[:body])
        for block in blocks[body:]:
            self._block(block)
        self._finish()
        return self.minutes

    def read_as_written(self) -> ParsedMinutes:
        """Minutes whose text is read as written (the layout's
        `text_as_written`): the blocks markdown-it-py cuts at blank lines,
        read as the title block and the attendance tables
        (imports.front_matter), items in sequence (imports.item_sequence),
        each item's text as written (imports.item_text)."""
        minutes, layout = self.minutes, self.layout
        blocks = markdown_source_blocks(self.text)
        unplaced: list[SourceLine] = []  # kept in the nearest item, flagged
        front, sections = split_items(blocks)
        header, attendance = split_front(front, layout)
        unplaced.extend(read_title_block(header, minutes, layout))
        if sections and layout.committee_from_actions:
            texts = (text for block in blocks for _, text in block.lines)
            guess_committee(minutes, texts, minutes.line)
        minutes.attendance = read_attendance(attendance, layout, unplaced)
        lines = (line for block in blocks for line in block.lines)
        year = minutes.date.year if minutes.date else None
        minutes.next_meetings = read_next_meetings(lines, layout, year)
        outstanding = OutstandingTables(minutes, layout)
        context = ItemContext(
            minutes=minutes,
            layout=layout,
            actions=ActionNumbering(minutes),
            outstanding=outstanding,
        )
        for section in sections:
            unplaced.extend(read_item(section.item, section.blocks, context))
            read_incidents(section.item, minutes.flags)
        minutes.items = [section.item for section in sections]
        flag_unstated(outstanding)
        place_unplaced(unplaced, minutes)
        flag_closing_blocks(minutes)
        self._doubts()
        return minutes

    # --- the title block -----------------------------------------------

    def _header_end(self, blocks: list[Block]) -> int:
        for position, block in enumerate(blocks):
            if self._section_of(block) or self._item_heading(block):
                return position
            if block.kind == TABLE and self._is_review_table(block):
                return position
        return len(blocks)

    def _read_header(self, blocks: list[Block]) -> None:
        lines = [(block.line, line.strip()) for block in blocks for line in block.text.split("\n")]
        read_labelled_title_block(lines, self.text, self.minutes, self.layout)
        self.minutes.line = blocks[0].line if blocks else 1

    # --- blocks -------------------------------------------------------

    def _block(self, block: Block) -> None:
        if block.kind == PARAGRAPH and self.section not in ATTENDANCE:
            pieces = self._split_at_headings(block)
            if len(pieces) > 1:
                for piece in pieces:
                    self._block(piece)
                return
        if self._section_of(block):
            # The label opens its section; what follows it is read there.
            self._attendance_lines(block.text.split("\n"), block.line)
            return
        if heading := self._item_heading(block):
            self._open_item(*heading, block)
            return
        if block.kind == TABLE and self._is_review_table(block):
            self._review_table(block)
            return
        if self.section in ATTENDANCE:
            self._attendance(block)
        elif self.section == REVIEWS:
            self._review_lines(block)
        elif self.section == SKIP:
            return
        elif self.item is not None:
            self._content(block)
        else:
            self._unread(block, "is not under any item")

    def _label(self, line: str) -> tuple[str, str] | None:
        """("Present", "A, B") for "Present: A, B"; ("Apologies", "") for a
        line that is only a label. None for a sentence."""
        line = line.strip().strip("*").strip()
        head, colon, rest = line.partition(":")
        head = head.strip().strip("*").strip()
        if not head or len(head.split()) > 6:
            return None
        if not colon and len(line.split()) > 6:
            return None
        return head, rest.strip().strip("*").strip()

    def _section_of(self, block: Block) -> tuple[str, str] | None:
        if block.kind not in (HEADING, PARAGRAPH):
            return None
        label = self._label(block.text.split("\n")[0])
        if label is None:
            return None
        head, _ = label
        for pattern, section in self.layout.sections:
            if pattern.match(head):
                return section, head
        return None

    # --- items --------------------------------------------------------

    def _item_heading(self, block: Block, in_attendance: bool = False) -> tuple[str, str] | None:
        """(number, title) when the block opens an item. In the attendance,
        only a line that reads as one: "Item 1: …", "26/031 …", "1. Welcome"."""
        layout, text = self.layout, block.text.split("\n")[0].strip()
        if layout.trailer is not None:
            text = layout.trailer.sub("", text)
        if block.kind == HEADING and block.number and _title_like(text):
            return block.number, text
        if in_attendance:
            number, rest = numbered(text)
            if number and _title_like(rest) and self._first_or_next(number):
                return number, rest
        if block.kind == ITEM and block.level == 0 and self.section != REVIEWS:
            if block.number and _title_like(text) and self._next_number(block.number):
                if self.section not in ATTENDANCE or self._first_or_next(block.number):
                    return block.number, text
            if layout.bullet_items and not block.number and self.section == ITEMS:
                if not _NOTE_MARK.match(text):  # "AGREED: …", "ACTION: …", "LINK: …"
                    return "", text
        if block.kind == HEADING and layout.unnumbered_headings and _title_like(text):
            if self.section in (ITEMS, *ATTENDANCE) or self.item is not None:
                return "", text
        if block.kind == PARAGRAPH:
            for pattern in layout.item_lines:
                if (match := pattern.match(text)) and not ANY_DATE.search(match["title"]):
                    groups = match.groupdict()
                    title = match["title"].strip()
                    if groups.get("minute"):
                        title = f"{groups['minute']} {title}"
                    return groups.get("number") or "", title
        return None

    def _next_number(self, number: str) -> bool:
        """Whether `number` may follow the items read so far: any to begin
        with, then the next item or a sub-item of the current one."""
        if self.item is None:
            return True
        current = self.item.number.split(".")
        main = int(current[0])
        parts = number.split(".")
        if len(parts) == 1:
            return int(parts[0]) in (main, main + 1)
        return int(parts[0]) == main

    def _split_at_headings(self, block: Block) -> list[Block]:
        """A paragraph cut where a line inside it reads as an item's heading
        (its blank line lost): "26/032 Declarations of interest", "2. Budget"."""
        lines = block.text.split("\n")
        starts = [0] + [
            offset for offset, line in enumerate(lines) if offset and self._inner_heading(line)
        ]
        return [
            Block(PARAGRAPH, "\n".join(lines[start:end]), block.line + start)
            for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
        ]

    def _inner_heading(self, line: str) -> bool:
        if any(pattern.match(line.strip()) for pattern in self.layout.item_lines):
            heading = self._item_heading(Block(PARAGRAPH, line, 0))
            return heading is not None and _title_like(heading[1])
        number, rest = numbered(line)
        return (
            bool(number) and "." not in number and _title_like(rest) and self._first_or_next(number)
        )

    def _first_or_next(self, number: str) -> bool:
        """In the attendance, a numbered line opens an item only as item 1,
        or as the one after the last read."""
        if self.item is None:
            return number == "1"
        return number == str(int(self.item.number.split(".")[0]) + 1)

    def _open_item(self, number: str, title: str, block: Block) -> None:
        if not number:
            number = str(sum("." not in item.number for item in self.minutes.items) + 1)
        self.section = ITEMS
        if not _title_like(title):
            words = len(title.split())
            message = (
                f"The heading of item {number} runs to {words} words: the text under it may "
                "have been joined to it."
            )
            self.flags.append(Flag(block.line, "long-heading", message))
        self.item = ParsedItem(number=number, title=title, line=block.line)
        self.minutes.items.append(self.item)
        rest = block.text.split("\n")[1:]
        if rest:
            self._content(Block(PARAGRAPH, "\n".join(rest), block.line + 1))

    def _content(self, block: Block) -> None:
        assert self.item is not None
        if block.kind == TABLE:
            self._narrate("\n".join("| " + " | ".join(row) + " |" for row in block.rows))
            return
        if block.kind == HEADING:
            self._narrate(f"**{block.text}**")
            return
        for line, segment in self._segments(block):
            if self._action(segment, line) or self._decision(segment, line):
                continue
            self._missed_minute(segment, line)
            if block.kind == ITEM:
                mark = f"{block.number}." if block.number else "-"
                self._narrate(f"{'  ' * block.level}{mark} {segment}", tight=True)
            else:
                self._narrate(segment)

    def _segments(self, block: Block) -> list[tuple[int, str]]:
        """The block's lines joined into sentences, a new one at each
        decision or action line."""
        segments: list[tuple[int, list[str]]] = []
        for offset, line in enumerate(block.text.split("\n")):
            line = line.strip()
            if self.layout.trailer is not None:
                line = self.layout.trailer.sub("", line)
            if not line:
                continue
            starts = not segments or self._opens_line(line)
            if starts:
                segments.append((block.line + offset, [line]))
            else:
                segments[-1][1].append(line)
        return [(line, " ".join(words)) for line, words in segments]

    def _opens_line(self, line: str) -> bool:
        return any(p.match(line) for p in self.layout.actions) or bool(
            self.layout.decision.match(line)
            and _verb_or_resolution(self.layout.decision.match(line))
        )

    def _missed_minute(self, text: str, line: int) -> None:
        """Text that opens with a minute number, where the items are
        minute-numbered, is a heading that was not read as one."""
        match = _MINUTE_START.match(text)
        if match and self.item is not None and _MINUTE_START.match(self.item.title):
            message = (
                f"Line {text[:60]!r} opens with a minute number but was not read as a heading "
                f"(it runs on, or names a date): it was read into item {self.item.number}."
            )
            self.flags.append(Flag(line, "missed-heading", message))

    def _narrate(self, text: str, tight: bool = False) -> None:
        item = self.item
        assert item is not None
        joiner = "\n" if tight and _last_is_list(item) else "\n\n"
        item.narrative = f"{item.narrative}{joiner}{text}" if item.narrative else text.lstrip()

    def _decision(self, text: str, line: int) -> bool:
        match = self.layout.decision.match(text)
        if not match or not _verb_or_resolution(match):
            return False
        assert self.item is not None
        if match["resolution"]:
            verb, words = "AGREED", f"{match['resolution']}: {match['text'].strip()}"
            printed = "RES"
        else:
            printed = match["verb"]
            verb = self.layout.verb_as.get(printed, printed)
            words = match["text"].strip()
        if verb != printed and printed not in self.mapped_verbs:
            self.mapped_verbs.add(printed)
            what = "Resolutions (RES-…) are" if printed == "RES" else f"{printed!r} is"
            message = f"{what} recorded as {verb}, the nearest verb the record has."
            self.flags.append(Flag(line, "verb-recorded-as", message))
        self.item.decisions.append(ParsedDecision(verb=verb, text=words, line=line))
        return True

    def _action(self, text: str, line: int) -> bool:
        for pattern in self.layout.actions:
            if match := pattern.match(text):
                break
        else:
            return False
        assert self.item is not None
        groups = match.groupdict()
        words = match["text"].strip()
        label = (groups.get("label") or "").strip()
        self.raised += 1
        reference = self._printed_reference(label) if "/" in label else ""
        if groups.get("owner"):
            owners, guessed = [groups["owner"]], False
        elif nickname := _NICKNAME_TO.match(words):
            owners, guessed = [nickname[1]], False  # "bogdan to write …"
        else:
            owners, guessed = owners_in(words, committee=self.minutes.committee)
        if label and not reference:
            words = f"(Action {label}) {words}"
        if not reference:
            reference = self._ours(self.raised)
        if guessed or not owners:
            message = f"The owner of action {reference} could not be picked out of {words!r}."
            self.flags.append(Flag(line, "action-owner", message))
        target = first_date(_DUE.search(words)["date"]) if _DUE.search(words) else None
        self.item.actions.append(
            ParsedAction(
                reference=reference, owners=owners, text=words, line=line, target_date=target
            )
        )
        return True

    def _printed_reference(self, label: str) -> str:
        """A printed "14/03" or "ABC 14/03" in the record's spelling, or ""."""
        return review_reference(label, self.layout, self.minutes.committee)

    def _ours(self, sequence: int) -> str:
        """This meeting's reference for its `sequence`th action; "…" where
        the committee or the number is not known yet (the upload form gives
        them, and the commit reads the document again with them)."""
        code, number = self.minutes.committee, self.minutes.number
        if code and number is not None:
            return format_reference(code, number, sequence, False)
        return f"{code or '…'} {'…' if number is None else number}/{sequence:02d}"

    # --- attendance ---------------------------------------------------

    def _attendance(self, block: Block) -> None:
        if block.kind == TABLE:
            self._attendance_table(block)
            return
        if block.kind == HEADING:
            self.category = block.text.strip().rstrip(":")
            return
        self._attendance_lines(block.text.split("\n"), block.line)

    def _attendance_table(self, block: Block) -> None:
        """A table of people whose header names its columns, each row read
        as a line of the section it is in (imports.attendance); a row whose
        mark says apologies, as an apology."""
        for entry in named_table_entries(block, self.layout, self.flags):
            section = self.section
            if entry.absent:
                self.section = APOLOGY
            read = len(self.minutes.attendance)
            self._attendance_lines([entry.text], entry.line)
            if entry.role and len(self.minutes.attendance) > read:
                give_role(self.minutes.attendance[-1], entry.role)
            self.section = section

    def _attendance_lines(self, lines: list[str], line: int) -> None:
        """Lines of a block that opens a section ("Present: A, B") or of an
        attendance block: names (a list wrapped across lines read as one), a
        category ("Panel Members:"), another section's label (the lines after
        it are read there), or an item's heading, after which the lines are
        the item's."""
        for offset, entry in lines_of_names(lines):
            here = Block(PARAGRAPH, entry, line + offset)
            if found := self._section_of(here):
                section, _ = found
                self.section, self.category = section, ""
                _, inline = self._label(entry) or ("", "")
                if section not in ATTENDANCE:
                    rest = [inline, *lines[offset + 1 :]] if inline else lines[offset + 1 :]
                    if any(r.strip() for r in rest):
                        self._block(Block(PARAGRAPH, "\n".join(rest), line + offset + 1))
                    return
                if inline:
                    self._attendance_lines([inline], line + offset)
                continue
            if heading := self._item_heading(here, in_attendance=True):
                rest = lines[offset:]
                self._open_item(*heading, Block(PARAGRAPH, "\n".join(rest), line + offset))
                return
            if entry.endswith(":") and len(entry.split()) <= 6:
                self.category = entry.rstrip(":").strip().strip("*")
                continue
            for name in names_in(entry):
                self._person(name, line + offset)

    def _person(self, text: str, line: int) -> None:
        if self.section not in ATTENDANCE:
            return
        layout, section = self.layout, self.section or MEMBER
        person = listed_person(text, section, self.category, line, layout, self.flags)
        if person is not None:
            self.minutes.attendance.append(person)

    # --- outstanding actions ------------------------------------------

    def _outstanding(self) -> OutstandingTables:
        """The outstanding actions, read by imports.outstanding_table; a row
        without a reference of the layout's form is under this meeting's
        numbering (`_own_reference`)."""
        return OutstandingTables(self.minutes, self.layout, own_reference=self._own_reference)

    def _is_review_table(self, block: Block) -> bool:
        return review_columns(list(block.rows[0]), self.layout) is not None

    def _review_table(self, block: Block) -> None:
        header, rows = cells_as_written(block)
        unread: list[SourceLine] = []
        read_review_table(header, rows, block.line, self._outstanding(), unread)
        self._unread_rows(unread)

    def _review_lines(self, block: Block) -> None:
        if block.kind not in (ITEM, PARAGRAPH):
            self._unread(block, "is not read as outstanding actions")
            return
        tables = self._outstanding()
        tables.columns = _LINE_FIELDS
        for line, segment in self._segments(block):
            match = _REVIEW_LINE.match(segment)
            if not match:
                self._unread(
                    Block(PARAGRAPH, segment, line), "is not read as an outstanding action"
                )
                continue
            words = match["text"].strip()
            due = _DUE.search(words)
            row = [match["ref"], words, match["owner"] or "", due["date"] if due else ""]
            unread: list[SourceLine] = []
            read_review_row(line, [*row, last_status(words, self.layout)], tables, unread)
            self._unread_rows(unread)

    def _unread_rows(self, rows: list[SourceLine]) -> None:
        """Rows of the outstanding actions that hold neither an action nor a
        reference (an owner, a date or a status alone): flagged, each naming
        its line and keeping its words."""
        for line, row in rows:
            message = (
                f"The row {' '.join(row.split())!r} of the outstanding actions holds neither "
                "an action nor a reference: it was not read as one."
            )
            self.flags.append(Flag(line, "unread-row", message))

    def _own_reference(self, line: int, printed: str, text: str) -> tuple[str, str]:
        """An outstanding action without a reference of the form 14/03:
        under this meeting's numbering, its own reference kept in its text."""
        self.raised += 1
        reference = self._ours(self.raised)
        if printed:
            text = f"({printed}) {text}"
            message = (
                f"{printed!r} is not an action reference of the form 14/03: the action is "
                f"recorded as {_as_ours(reference, self.raised)}, its own reference kept at "
                "the start of its text."
            )
        else:
            message = (
                "An outstanding action without a reference is recorded as "
                f"{_as_ours(reference, self.raised)}."
            )
        self.flags.append(Flag(line, "action-reference", message))
        return reference, text

    # --- the end ------------------------------------------------------

    def _unread(self, block: Block, why: str) -> None:
        if block.kind == TABLE:
            why = f"(a table of {len(block.rows)} rows) {why}"
        text = " ".join(block.text.split())
        if len(text) > 80:
            text = text[:77] + "…"
        self.flags.append(Flag(block.line, "unread-line", f"{text!r} {why}."))

    def _flag_no_number_or_date(self) -> None:
        minutes = self.minutes
        if minutes.number is None:
            message = (
                "The document gives no meeting number: give it on the upload form, "
                "and the actions are numbered under it."
            )
            self.flags.append(Flag(minutes.line, "no-meeting-number", message))
        if minutes.date is None:
            message = "The meeting's date was not found in the document's title block."
            self.flags.append(Flag(minutes.line, "unreadable-date", message))

    def _finish(self) -> None:
        minutes = self.minutes
        for item in minutes.items:
            read_incidents(item, self.flags)
        self._doubts()

    def _doubts(self) -> None:
        """The doubts over the whole reading, the flags in line order."""
        minutes = self.minutes
        self.flags.extend(filter(None, map(read_outcome, minutes.reviews)))
        if self.layout.title:
            flag_unknown_layout(minutes, self.layout)
        elif minutes.items or minutes.reviews or minutes.attendance:
            self._flag_no_number_or_date()
        minutes.flags.sort(key=lambda flag: flag.line)


def _as_ours(reference: str, sequence: int) -> str:
    """How a reference of this meeting's numbering reads in a doubt, before
    its committee or number is known ("this meeting's action 03")."""
    if "…" in reference:
        return f"this meeting's action {sequence:02d}, once its committee and number are given"
    return reference


def _verb_or_resolution(match: re.Match) -> bool:
    return bool(match["verb"] or match["resolution"])


def _title_like(text: str) -> bool:
    """A heading's words: short, capitalised, not a sentence."""
    words = text.split()
    return (
        0 < len(words) <= _MAX_TITLE_WORDS
        and (text[0].isupper() or text[0].isdigit() or text[0] in "‘“'\"")
        and not text.endswith((".", ";", ","))
    )


def _last_is_list(item: ParsedItem) -> bool:
    last = item.narrative.rsplit("\n", 1)[-1].lstrip()
    return last.startswith("- ") or bool(re.match(r"\d+\. ", last))
