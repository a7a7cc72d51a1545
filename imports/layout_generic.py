"""The generic reader: a stream of neutral blocks (imports.blocks) read as a
meeting, by the marks of its entry in the layout registry (imports.layouts).

It reads other committees' minutes: "Present / Apologies / In attendance"
blocks or lists, "Name (Organisation) [Role]" lines with their marks,
numbered or minute-numbered items, decision lines ("The Panel AGREED …",
"RESOLVED that …", "RES-2026-07: …"), action lines ("ACTION: …", "Action
12: …", "ACTION – JD …", a list under an "Actions:" label), and an
outstanding-actions list or table.

Where the front matter ends is decided for both readings by
imports.item_sequence `front_end`: the first item, or, for the block
reader, the first section label or outstanding-actions table. What comes
before the first item is read one way for every entry, by the
entry's data (imports.front_matter): the title block ends at the first
table or the first line that opens an attendance section, even inside a
block whose blank line was lost (`split_front`), and is read by
imports.title_block `read_title`, one way by the entry's data (labelled
lines, "Date: …", "Location: …", and where the entry's `title_fact_lines`,
the OPSG's fact a line; a line none of it understands kept and flagged,
whichever the entry); the
attendance's blocks are read by `read_attendance_block` (captioned tables
where the entry has `roll_captions`, tables of named columns, lists of
names where `names_in_lines`), the section and member category kept on an
imports.attendance.Roll. Where an item begins is read by
imports.item_sequence, an item's text, decisions and actions by
imports.item_text `read_block`, both by the entry's data, a block at a
time as the reader meets them; the reader keeps which section it is in.

An entry whose Markdown is read as written (`text_as_written`: the OPSG's
2021 minutes) is read from the same Markdown walk's outermost blocks cut
at blank lines (imports.blocks.markdown_source_blocks): the blocks before
the first item (imports.item_sequence `split_items`) read as every
entry's front matter is, items in sequence (the same `item_heading` as
every entry's, by the entry's `items_in_order`), each item's blocks all
at once (imports.item_text `read_item`, the same `read_block` a block
each). How an item's text is read (a paragraph read whole, one cut by a
page break joined again, a table tried as the outstanding actions', the
recap "Actions raised at this meeting" passed over, the post-meeting note
kept apart) is the entry's data, either way the blocks come: the generic
walk asks `passed_over` of every block, so that an entry's `recap` table
is not read as outstanding actions. Every Markdown entry's narrative is
kept as written. Lines either reading cannot place
in the front matter, and the text as written's lines anywhere, are kept in
the nearest item and flagged (imports.unplaced).

What it cannot place or had to decide is a Flag naming the line, never a
silent guess:
- no-meeting-number: the document gives none (the upload form takes one);
- committee-guess: neither the document nor the upload form names the
  committee, read from the code its actions print ("ACTION PANEL 58/02":
  PANEL; imports.common.guess_committee, every entry and reading alike);
- verb-recorded-as: a verb the record does not have ("RESOLVED") is
  recorded as the nearest it has (AGREED), the words kept in the text;
- unread-line: attendance or text before the first item that is not read;
- unplaced-line: a line of the title block that no step of its reading
  understood, kept in the first item (imports.title_block, every entry's);
- unread-row: an outstanding-actions row with neither an action nor a
  reference (an owner, a date or a status alone);
- columns-lost: an outstanding-actions table whose columns could not be cut
  (its cells one space apart, as a PDF of a table typed with spaces prints
  them, or two rows on one line), its header over lines each read as an
  action reviewed, the owner and target left in the words;
- action-reference: a tracker's own reference ("A-12") that is not of the
  form 14/03, recorded under this meeting's numbering, kept in the text;
- action-owner: an action whose owner could not be picked out; owner-guess:
  one picked out as a guess ("All trustees to …": the committee's members);
- agenda-not-minuted: a title of the agenda's list, read before the
  attendance ("Agenda:", "1. Accounts", then "Present:"), that no item
  after the attendance takes up."""

import re
from functools import partial

from imports.attendance import Roll
from imports.blocks import (
    ITEM,
    PARAGRAPH,
    TABLE,
    Block,
    SourceLine,
    cells_as_written,
    markdown_blocks,
    markdown_source_blocks,
    table_doubts,
    text_blocks,
)
from imports.closing_blocks import flag_closing_blocks
from imports.common import (
    ActionNumbering,
    guess_committee,
    read_incidents,
    read_outcome,
)
from imports.front_matter import (
    Leave,
    read_attendance_block,
    read_attendance_lines,
    section_of,
    split_front,
)
from imports.item_sequence import (
    ATTENDANCE,
    front_end,
    item_heading,
    open_item,
    split_at_headings,
    split_items,
)
from imports.item_text import (
    ItemContext,
    close_lead_in,
    own_reference,
    passed_over,
    raise_owner_doubt,
    read_block,
    read_item,
    segments,
)
from imports.layouts import (
    ITEMS,
    MEMBER,
    REVIEWS,
    SKIP,
    Layout,
    layout_of,
)
from imports.outstanding_table import (
    OutstandingTables,
    flag_unstated,
    read_review_line,
    read_review_table,
    review_columns,
    review_header,
)
from imports.parsed import (
    Flag,
    ParsedItem,
    ParsedMinutes,
)
from imports.title_block import read_next_meetings, read_title
from imports.unknown_layout import flag_unknown_layout
from imports.unplaced import place_unplaced

# "Actions:" over a list of actions, each "<owner> to <do something> …", not
# a reference ("86/01 …") of an action reviewed.
_ACTIONS_LABEL = re.compile(r"^\W*actions?\W*:?\W*$", re.I)
_ACTION_WORDS = re.compile(r"^(?!\S*\d+/\d)(?:\S+\s+){1,5}to\s+\w", re.S)


def parse_generic_layout(
    text: str,
    *,
    markdown: bool,
    committee: str = "",
    number: int | None = None,
    layout: Layout | None = None,
    headings: dict[str, int] | None = None,
) -> ParsedMinutes:
    """Read `text` (Markdown, or plain or PDF text) by its registry entry
    (`layout`, else the one that recognises it); `committee` and `number`
    stand in where the document gives none; `headings`, a PDF's lines
    printed as headings (imports.extract.pdf_headings)."""
    try:
        layout = layout or layout_of(text)
        reader = _Reader(layout, text, committee, number, markdown)
        if markdown and layout.text_as_written:
            return reader.read_as_written()
        return reader.read(markdown_blocks(text) if markdown else text_blocks(text, headings))
    except Exception as error:  # an importer of users' files must not crash on one
        minutes = ParsedMinutes(committee=committee, number=number)
        message = f"The text could not be read ({type(error).__name__}: {error})."
        minutes.flags.append(Flag(1, "unreadable", message))
        return minutes


class _Reader:
    def __init__(
        self, layout: Layout, text: str, committee: str, number: int | None, markdown: bool
    ):
        self.layout = layout
        self.text = text
        self.minutes = ParsedMinutes(committee=committee.upper(), number=number)
        # Which section the reader is in, and the attendance read so far
        # (imports.front_matter: the lines of names and named tables).
        self.roll = Roll(layout, section=None, people=self.minutes.attendance)
        self.unplaced: list[SourceLine] = []  # kept in the nearest item, flagged
        self.item: ParsedItem | None = None
        self.agenda: list[ParsedItem] = []  # an agenda's list read before the attendance
        self.actions_label = False  # the last block was an "Actions:" label or its list's
        self.context = ItemContext(
            minutes=self.minutes,
            layout=layout,
            actions=ActionNumbering(self.minutes),
            outstanding=OutstandingTables(self.minutes, layout),
            markdown=markdown,
        )
        # A row without a reference of the layout's form is an action under
        # this meeting's own numbering (imports.item_text.own_reference).
        self.context.outstanding.own_reference = partial(own_reference, self.context)

    @property
    def flags(self) -> list[Flag]:
        return self.minutes.flags

    @property
    def section(self) -> str | None:
        return self.roll.section

    @section.setter
    def section(self, section: str | None) -> None:
        self.roll.section = section

    def read(self, blocks: list[Block]) -> ParsedMinutes:
        """Minutes of another committee's, a block at a time (the blocks of
        imports.blocks.markdown_blocks or text_blocks): the front matter up
        to the first section or item (`_front`), then each block by the
        section it is in (`_block`)."""
        self.flags.extend(table_doubts(blocks))
        body = front_end(blocks, self.layout, self._opens_section)
        attendance = self._front(blocks[:body], blocks)
        self.minutes.line = blocks[0].line if body else 1
        self._guess_committee(blocks)
        for block in attendance + blocks[body:]:
            self._block(block)
        for item in self.minutes.items:
            read_incidents(item, self.flags)
        self._finish(self.unplaced)
        return self.minutes

    def read_as_written(self) -> ParsedMinutes:
        """Minutes whose text is read as written (the layout's
        `text_as_written`): the blocks markdown-it-py cuts at blank lines,
        the ones before the first item read as every entry's front matter
        (`_front`), then items in sequence (imports.item_sequence), each
        item's text as written (imports.item_text)."""
        minutes, layout = self.minutes, self.layout
        blocks = markdown_source_blocks(self.text)
        front, sections = split_items(blocks, layout)
        attendance = self._front(front, blocks)
        if sections:
            self._guess_committee(blocks)
        self.section = MEMBER
        for block in attendance:
            self._attendance(block)
        for section in sections:
            self.unplaced.extend(read_item(section.item, section.blocks, self.context))
            read_incidents(section.item, minutes.flags)
        minutes.items = [section.item for section in sections]
        self._finish(self.unplaced)
        return minutes

    def _front(self, front: list[Block], blocks: list[Block]) -> list[Block]:
        """The blocks before the first item: the title block
        (imports.front_matter.split_front, imports.title_block.read_title)
        and the next meetings wherever the text states them, by the entry's
        data; returns the blocks from the attendance on."""
        header, attendance = split_front(front, self.layout)
        minutes = self.minutes
        self.unplaced.extend(read_title(header, self.text, minutes, self.layout))
        lines = (line for block in blocks for line in block.lines)
        year = minutes.date.year if minutes.date else None
        minutes.next_meetings = read_next_meetings(lines, self.layout, year)
        return attendance

    def _guess_committee(self, blocks: list[Block]) -> None:
        """Where the document names no committee, the code its actions print
        (imports.common.guess_committee), flagged; every entry alike."""
        texts = (text for block in blocks for _, text in block.lines)
        decisions_by_code = self.layout.committee_decisions
        guess_committee(self.minutes, texts, self.minutes.line, decisions_by_code=decisions_by_code)

    # --- the title block -----------------------------------------------

    def _opens_section(self, block: Block) -> bool:
        """A section's label, or the outstanding actions' table: where the
        front matter ends (imports.item_sequence.front_end), as an item does."""
        if block.kind == TABLE:
            return self._is_review_table(block)
        return section_of(block, self.layout) is not None or self._columns_lost(block)

    # --- blocks -------------------------------------------------------

    def _block(self, block: Block) -> None:
        if passed_over(block, self.context):  # the entry's `recap` and its table
            return
        if block.kind == PARAGRAPH and self.section not in ATTENDANCE:
            pieces = split_at_headings(block, self.layout, self.item)
            if len(pieces) > 1:
                for piece in pieces:
                    self._block(piece)
                return
        if found := section_of(block, self.layout):
            if found[0] in ATTENDANCE:
                self._agenda_before_attendance()
            # The label opens its section; what follows it is read there.
            self._attendance_lines(block.text.split("\n"), block.line)
            return
        if heading := item_heading(block, self.layout, self.item, self.section):
            self._open_item(*heading, block)
            return
        if block.kind == TABLE and self._is_review_table(block):
            self._review_table(block)
            return
        if self._columns_lost(block):
            self._review_rows_as_lines(block)
            return
        if self.section in ATTENDANCE:
            self._attendance(block)
        elif self.section == REVIEWS:
            self._review_lines(block)
        elif self.section == SKIP:
            return
        elif self.item is not None:
            if (read := self._under_actions_label(block)) is not None:
                read_block(read, self.item, self.context)
        else:
            self._unread(block, "is not under any item")

    # --- items --------------------------------------------------------

    def _open_item(self, number: str, title: str, block: Block) -> None:
        """The item a heading opens, and the lines under the heading in its
        block: the item's, up to a line that reads as the next item's
        heading (its blank line lost), which opens that item."""
        self.section = ITEMS
        self.item = open_item(number, title, block.line, self.minutes)
        rest = block.text.split("\n")[1:]
        if not rest:
            return
        source = block.lines[1:] if len(block.lines) == len(rest) + 1 else ()
        pieces = split_at_headings(
            Block(PARAGRAPH, "\n".join(rest), block.line + 1, lines=source), self.layout, self.item
        )
        read_block(pieces[0], self.item, self.context)
        for piece in pieces[1:]:
            self._block(piece)

    def _agenda_before_attendance(self) -> None:
        """Items read before the first attendance section, none with a word
        under its heading ("Agenda:", then "1. Accounts", "2. Moorings", then
        "Present:"), were the agenda's list: the items begin again after
        the attendance, at item 1, not read as people. A title that none
        of the items read after it takes up is flagged at the end
        (`_flag_agenda_not_minuted`)."""
        items = self.minutes.items
        if not items or self.minutes.attendance:
            return  # the attendance was read before them: they are items
        if any(i.narrative or i.decisions or i.actions for i in items):
            return
        self.agenda.extend(items)
        items.clear()
        self.item = None

    def _flag_agenda_not_minuted(self) -> None:
        titles = {item.title.casefold() for item in self.minutes.items}
        for listed in self.agenda:
            if listed.title.casefold() not in titles:
                message = (
                    f"The agenda lists {listed.number}. {listed.title!r}, which no item "
                    "of the minutes takes up: it was not read as an item."
                )
                self.flags.append(Flag(listed.line, "agenda-not-minuted", message))

    def _under_actions_label(self, block: Block) -> Block | None:
        """A list under an "Actions:" label ("- Amy Chen to book the hall")
        is the item's actions, each read as its "ACTION: …" line; the label
        itself says nothing more."""
        after_label, self.actions_label = self.actions_label, False
        if block.kind == PARAGRAPH and _ACTIONS_LABEL.match(block.text):
            self.actions_label = True
            return None
        if after_label and block.kind == ITEM and _ACTION_WORDS.match(block.text):
            self.actions_label = True
            return Block(PARAGRAPH, f"ACTION: {block.text}", block.line, lines=block.lines)
        return block

    # --- attendance ---------------------------------------------------

    def _attendance(self, block: Block) -> None:
        left = read_attendance_block(block, self.roll, self.flags, self.item, self.unplaced)
        self._leave(left)

    def _attendance_lines(self, lines: list[str], line: int) -> None:
        self._leave(read_attendance_lines(lines, line, self.roll, self.flags, self.item))

    def _leave(self, left: Leave | None) -> None:
        """The lines after the attendance's: an item's, or another section's."""
        if left is None or left.rest is None:
            return
        if left.heading:
            self._open_item(*left.heading, left.rest)
        else:
            self._block(left.rest)

    # --- outstanding actions ------------------------------------------

    def _is_review_table(self, block: Block) -> bool:
        return review_columns(list(block.rows[0]), self.layout) is not None

    def _review_table(self, block: Block) -> None:
        header, rows = cells_as_written(block)
        unread: list[SourceLine] = []
        read_review_table(header, rows, block.line, self.context.outstanding, unread)
        self._unread_rows(unread)

    def _columns_lost(self, block: Block) -> bool:
        """A paragraph of an outstanding-actions table whose columns the
        tokenizer could not cut: its header's titles (`review_header`) over
        lines that read as actions reviewed, a line each."""
        first, *rest = block.text.split("\n")
        review_line = self.layout.review_line
        return (
            block.kind == PARAGRAPH
            and bool(rest and review_line and review_line.match(rest[0]))
            and review_header(first, self.layout)
        )

    def _review_rows_as_lines(self, block: Block) -> None:
        """The lines under the header of a table whose columns were lost,
        read as the outstanding actions' lines: a reference, words and a
        status word each (`read_review_line`); the owner and the date, which
        no column sets apart, stay in its words. Flagged once, at the header;
        the blocks after it are the outstanding actions' too."""
        self.section = REVIEWS
        message = (
            f"Line {block.line} heads a table of actions whose columns could not be cut "
            "(its cells one space apart, or its rows run together): each line under it is "
            "read as one action reviewed, its owner and target left in its words. Check them."
        )
        self.flags.append(Flag(block.line, "columns-lost", message))
        lines = [" ".join(text.split()) for text in block.text.split("\n")[1:]]
        self._read_review_lines(list(enumerate(lines, start=block.line + 1)))

    def _review_lines(self, block: Block) -> None:
        if block.kind not in (ITEM, PARAGRAPH):
            self._unread(block, "is not read as outstanding actions")
            return
        self._read_review_lines(segments(block, self.layout))

    def _read_review_lines(self, lines: list[tuple[int, str]]) -> None:
        tables = self.context.outstanding
        for line, segment in lines:
            unread: list[SourceLine] = []
            if not read_review_line(line, segment, tables, unread):
                self._unread(
                    Block(PARAGRAPH, segment, line), "is not read as an outstanding action"
                )
                continue
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

    def _finish(self, unplaced: list[SourceLine]) -> None:
        """What every reading ends with: the reviews whose status was never
        stated flagged (imports.outstanding_table), the lines not placed kept
        in the nearest item and flagged (imports.unplaced), the decisions
        closing an item's last sub-item that may be the item's flagged
        (imports.closing_blocks), and the doubts over the whole reading."""
        close_lead_in(self.context)  # the last item's list may end the text
        raise_owner_doubt(self.context)  # no line under the last action states its owners
        flag_unstated(self.context.outstanding)
        self._flag_agenda_not_minuted()
        place_unplaced(unplaced, self.minutes)
        flag_closing_blocks(self.minutes)
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
