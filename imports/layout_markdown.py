"""The 2021 layout: minutes written in Word and saved as Markdown, tables as
pipe tables. Top to bottom (any part may be missing; nothing is invented):

    This document is classified as **White**. Information can be shared …
    Operations Group Meeting
    24 May 2021, OPSG_49_2405            date and reference (code_number_ddmm)
    12:20 – 16:50
    Teleconference                       or an address
    Final Minutes                        or Draft Minutes
    Attendees:
    | Category | Operations Group Members |      members by category; an empty
    |---|---|                                     first cell keeps the one above
    | Large Suppliers | Andy Knowles (<i>alternate for Marta Kaminska</i>) |
    | Representing | Other Participants |        other participants by body; a
    | | |                                         table with an empty header goes on
    Apologies:
    | Representing | Name |
    1. Previous Meeting Minutes          items "N. Title" (or "# N. Title")
    3.1. Registration Data Provider …    sub-items "N.M. Title"
    paragraphs, "1." points, "- " bullets, [links](#)      the narrative
    The OPSG **AGREED** that …           decisions, also "The OPSG:" + bullets
    ACTION OPSG 49/01: The OPSG to … by 11 June.
    | Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner |
    | The DCC reported … Status: Closed. | | | | | |     each action's update
    [Post meeting note: …]
    Next main meeting: 1 June 2021; Next reporting meeting: 28 June 2021.

The text is read as the blocks imports.blocks.markdown_source_blocks cuts it
into with markdown-it-py: a block keeps its source lines, so that what the
narrative, the decisions and the actions keep is the Markdown as written
(links, bold verbs), and a pipe table comes as a TABLE block of its cells
with the line of each row. An item heading is a numbered heading block, or a
numbered paragraph of one line standing alone between blank lines.

Word's page breaks survive as a table cut in two (its header repeated, or
the rest without a header) and as a paragraph cut mid-sentence ("The DCC
noted" / "that it will …"): both are joined again.

The title block and the next meetings, the attendance tables, the Actions
Outstanding table and the lines that cannot be placed are read as the
generic reader reads them, by the OPSG registry entry's data
(imports.title_block, imports.attendance_tables, imports.outstanding_table,
imports.unplaced)."""

import re
from dataclasses import dataclass, field

from imports.attendance_tables import Roll, read_roll_table
from imports.blocks import (
    HEADING,
    PARAGRAPH,
    TABLE,
    Block,
    SourceLine,
    cells_as_written,
    markdown_source_blocks,
)
from imports.closing_blocks import flag_closing_blocks
from imports.common import (
    QUORUM_STATEMENT,
    ActionNumbering,
    guess_committee,
    read_incidents,
    read_outcome,
)
from imports.item_text import ItemContext, read_item
from imports.layouts import OPSG
from imports.outstanding_table import (
    OutstandingTables,
    flag_unstated,
)
from imports.parsed import (
    ParsedItem,
    ParsedMinutes,
    ParsedPerson,
)
from imports.title_block import read_next_meetings, read_title_block
from imports.unknown_layout import flag_unknown_layout
from imports.unplaced import place_unplaced

Line = SourceLine  # (1-based line number, the line as written)

ATTENDEES = re.compile(r"^(attendees|attendance|present)\s*:?$", re.IGNORECASE)
APOLOGIES = re.compile(r"^apologies(\s+received)?\s*:?$", re.IGNORECASE)
PLAIN_HEADING = re.compile(r"^(\d{1,2})\.(?:(\d{1,2})\.?)?\s+(\S.*)$")
ITEM_NUMBER = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?$")
NUMBERED_POINT = re.compile(r"^\s*(\d{1,3})[.)]\s+\S")


# --- reading the blocks ------------------------------------------------------------


def line_words(block: Block) -> list[str]:
    """The words of each of the block's lines: a heading's title (its number
    left out) for its first; a table's lines as written."""
    if block.kind in (HEADING, TABLE):
        first = [block.text] if block.kind == HEADING else []
        return first + [text.strip() for _, text in block.lines[len(first) :]]
    return block.text.split("\n")


def from_line(block: Block, index: int) -> Block:
    """The block from its line `index` on, as a paragraph of those lines."""
    if index == 0:
        return block
    lines = block.lines[index:]
    words = "\n".join(line_words(block)[index:])
    return Block(PARAGRAPH, words, lines[0][0], lines=lines)


# --- attendance -----------------------------------------------------------------------


def read_attendance(blocks: list[Block], unplaced: list[Line]) -> list[ParsedPerson]:
    """The Attendees and Apologies tables, in the order printed."""
    roll = Roll(OPSG)
    for block in blocks:
        first = block.text.split("\n")[0]
        if APOLOGIES.match(first):
            roll.open_apologies()
            unplaced.extend(block.lines[1:])
            continue
        if ATTENDEES.match(first):
            unplaced.extend(block.lines[1:])
            continue
        if QUORUM_STATEMENT.match(block.text):
            continue
        if block.kind != TABLE:
            unplaced.extend(block.lines)
            continue
        read_roll_table(*cells_as_written(block), roll, unplaced)
    return roll.people


# --- items ----------------------------------------------------------------------------


@dataclass
class _Section:
    item: ParsedItem
    blocks: list[Block] = field(default_factory=list)


def split_items(blocks: list[Block]) -> tuple[list[Block], list[_Section]]:
    """The blocks before the first item, and each item with its blocks. A
    numbered paragraph is an item heading only in sequence (2 after 1, 3.2
    after 3.1) and standing alone: '1. DCC Reflash Service' inside item 6 is
    a point."""
    front: list[Block] = []
    sections: list[_Section] = []
    main = sub = 0
    for index, block in enumerate(blocks):
        heading = item_heading(blocks, index, main, sub)
        if heading is None:
            (sections[-1].blocks if sections else front).append(block)
            continue
        item_number, title = heading
        main, _, subpart = item_number.partition(".")
        main, sub = int(main), int(subpart or 0)
        sections.append(_Section(ParsedItem(number=item_number, title=title, line=block.line)))
    return front, sections


def item_heading(blocks: list[Block], index: int, main: int, sub: int) -> tuple[str, str] | None:
    block = blocks[index]
    if block.kind == HEADING and len(block.lines) == 1:  # '# 4. Title', not one underlined
        return numbered_heading(block, main, sub)
    match = PLAIN_HEADING.match(block.lines[0][1].strip().replace("**", ""))
    if not match or not stands_alone(blocks, index):
        return None
    first, second, title = int(match.group(1)), match.group(2), match.group(3).strip()
    if len(title) > 150:
        return None
    if second is None:
        if first != main + 1 or title.endswith((".", ";", ",", ":")):
            return None
        if follows_point(blocks, index, first):
            return None
        return str(first), title
    if first == main and int(second) == sub + 1:
        return f"{first}.{int(second)}", title
    return None


def numbered_heading(block: Block, main: int, sub: int) -> tuple[str, str] | None:
    """'# 4. PMR Report', '## 3.1 Registration Data Provider …': numbered
    headings may skip a number; unnumbered ones stay in the narrative."""
    match = ITEM_NUMBER.match(block.number)
    if not match:
        return None
    first, second, title = match.group(1), match.group(2), block.text
    if second is None and int(first) > main:
        return first, title
    if second is not None and int(first) == main and int(second) > sub:
        return f"{first}.{int(second)}", title
    return None


def stands_alone(blocks: list[Block], index: int) -> bool:
    """A heading paragraph: a line of its own, a blank line (or nothing)
    before and after it."""
    lines = blocks[index].lines
    number = lines[0][0]
    before = index == 0 or blocks[index - 1].lines[-1][0] < number - 1
    after = index + 1 >= len(blocks) or blocks[index + 1].lines[0][0] > number + 1
    return len(lines) == 1 and before and after


def follows_point(blocks: list[Block], index: int, number: int) -> bool:
    """True when the nearest line above is point number-1 of a list."""
    if index == 0:
        return False
    match = NUMBERED_POINT.match(blocks[index - 1].lines[-1][1])
    return bool(match) and int(match.group(1)) == number - 1


# --- the whole document ---------------------------------------------------------------


def split_front(front: list[Block]) -> tuple[list[Line], list[Block]]:
    """Header lines, then attendance blocks (from 'Attendees:' or the first table)."""
    header: list[Line] = []
    for at, block in enumerate(front):
        for index, (line, words) in enumerate(zip(block.lines, line_words(block), strict=True)):
            if block.kind == TABLE or ATTENDEES.match(words):
                return header, [from_line(block, index), *front[at + 1 :]]
            header.append(line)
    return header, []


def parse_markdown_layout(text: str) -> ParsedMinutes:
    """Read minutes in the 2021 layout. Never raises: what cannot be read is
    flagged, and a document that is not in this layout gives what could be
    read with an 'unknown-layout' flag."""
    blocks = markdown_source_blocks(text)
    minutes = ParsedMinutes(committee="", number=None)
    unplaced: list[Line] = []
    front, sections = split_items(blocks)
    header, attendance = split_front(front)
    unplaced.extend(read_title_block(header, minutes, OPSG))
    if sections:
        texts = (text for block in blocks for _, text in block.lines)
        guess_committee(minutes, texts, minutes.line)
    minutes.attendance = read_attendance(attendance, unplaced)
    lines = (line for block in blocks for line in block.lines)
    minutes.next_meetings = read_next_meetings(
        lines, OPSG, minutes.date.year if minutes.date else None
    )
    outstanding = OutstandingTables(minutes, OPSG)
    context = ItemContext(
        minutes=minutes, layout=OPSG, actions=ActionNumbering(minutes), outstanding=outstanding
    )
    for section in sections:
        unplaced.extend(read_item(section.item, section.blocks, context))
        read_incidents(section.item, minutes.flags)
    minutes.items = [section.item for section in sections]
    flag_unstated(outstanding)
    place_unplaced(unplaced, minutes)
    flag_unknown_layout(minutes, OPSG)
    flag_closing_blocks(minutes)
    minutes.flags.extend(filter(None, map(read_outcome, minutes.reviews)))
    minutes.flags.sort(key=lambda flag: flag.line)
    return minutes
