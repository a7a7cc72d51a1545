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
from collections import deque
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
    plain,
)
from imports.common import (
    QUORUM_STATEMENT,
    RECAP,
    ActionNumbering,
    guess_committee,
    is_action_line,
    read_decisions,
    read_incidents,
    read_outcome,
)
from imports.layouts import OPSG
from imports.outstanding_table import (
    OutstandingTables,
    flag_unstated,
    read_review_table,
)
from imports.parsed import (
    Flag,
    ParsedItem,
    ParsedMinutes,
    ParsedPerson,
)
from imports.title_block import read_next_meetings, read_title_block
from imports.unplaced import place_unplaced

Line = SourceLine  # (1-based line number, the line as written)

ATTENDEES = re.compile(r"^(attendees|attendance|present)\s*:?$", re.IGNORECASE)
APOLOGIES = re.compile(r"^apologies(\s+received)?\s*:?$", re.IGNORECASE)
PLAIN_HEADING = re.compile(r"^(\d{1,2})\.(?:(\d{1,2})\.?)?\s+(\S.*)$")
ITEM_NUMBER = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?$")
NUMBERED_POINT = re.compile(r"^\s*(\d{1,3})[.)]\s+\S")
LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|\(?[a-z]\))\s+\S")
ACTION_LINE = re.compile(r"^\W*ACTION\b")
POST_MEETING_NOTE = re.compile(r"\[\s*post[\s-]meeting\s+note\s*:?\s*(.*?)\]", re.I | re.S)
SENTENCE_END = (".", ":", ";", "!", "?", ")", "]", '"', "'", "’", "”", "|")


# --- reading the blocks ------------------------------------------------------------


def joined(block: Block) -> str:
    """The block as written."""
    return "\n".join(text for _, text in block.lines)


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


# --- inside an item -------------------------------------------------------------------


@dataclass
class _Context:
    """What reading an item needs from the rest of the document."""

    minutes: ParsedMinutes
    actions: ActionNumbering
    outstanding: OutstandingTables


def read_item(section: _Section, context: _Context) -> list[Line]:
    """Fill the item from its blocks; return the lines it could not place
    (they are in its narrative as well)."""
    item = section.item
    narrative: list[tuple[str, str]] = []  # (kind, Markdown) a paragraph each
    unplaced: list[Line] = []
    todo = deque(section.blocks)
    context.outstanding.columns = None
    while todo:
        block = todo.popleft()
        text = joined(block)
        if RECAP.match(block.text):
            # This app's own minutes close with the actions raised above,
            # again, in a table: passed over, as the text layout does.
            if todo and todo[0].kind == TABLE:
                todo.popleft()
            continue
        if block.kind == TABLE:
            header, rows = cells_as_written(block)
            if not read_review_table(header, rows, block.line, context.outstanding, unplaced):
                narrative.append(("table", text))
            continue
        context.outstanding.columns = None
        narrative.append(read_paragraph(block, todo, item, context))
    item.narrative = narrative_markdown(narrative)
    for _, text in unplaced:
        item.narrative = "\n\n".join(filter(None, [item.narrative, text]))
    return unplaced


def read_paragraph(
    block: Block, todo: deque[Block], item: ParsedItem, context: _Context
) -> tuple[str, str]:
    """An ACTION, the next meetings, a post-meeting note, a decision, or
    narrative: (which one, the Markdown left for the narrative)."""
    text = joined(block)
    line = block.line
    if match := POST_MEETING_NOTE.search(text):
        note = match.group(1).strip()
        item.post_meeting_note = "\n\n".join(filter(None, [item.post_meeting_note, note]))
        text = (text[: match.start()] + text[match.end() :]).strip()
        if not text:
            return "note", ""
    if ACTION_LINE.match(text):
        if is_action_line(text):
            read_action_block(text, line, item, context)
            return "action", ""
        context.minutes.flags.append(
            Flag(
                line,
                "unread-action",
                f"Line {line} starts with ACTION but names no reference such as "
                f"{context.minutes.committee or 'OPSG'} 25/03: kept in the narrative of item "
                f"{item.number}, no action created.",
            )
        )
        return "text", text
    if OPSG.next_meeting.match(plain(text)):
        return "next-meeting", ""
    if read_decision_block(text, line, todo, item, context):
        return "decision", ""
    return "text", text


def read_action_block(text: str, line: int, item: ParsedItem, context: _Context) -> None:
    action, flags = context.actions.read(" ".join(text.replace("**", "").split()), line)
    item.actions.append(action)
    context.minutes.flags.extend(flags)


def read_decision_block(
    text: str, line: int, todo: deque[Block], item: ParsedItem, context: _Context
) -> bool:
    """'The OPSG **AGREED** that …', or 'The OPSG:' / 'The OPSG NOTED that:'
    followed by its list of points in the next block. The verbs are read
    from the text as written: a bold verb is the committee's decision."""
    with_list = text.rstrip().endswith(":") and todo and is_list(todo[0])
    if with_list:
        text = text + "\n" + joined(todo[0])
    decisions = read_decisions(text, line, committee=context.minutes.committee)
    if not decisions:
        return False
    if with_list:
        todo.popleft()
    item.decisions.extend(decisions)
    return True


def is_list(block: Block) -> bool:
    return all(LIST_LINE.match(text) or text.startswith("  ") for _, text in block.lines)


def narrative_markdown(paragraphs: list[tuple[str, str]]) -> str:
    """Paragraphs as Markdown, a blank line apart; a paragraph cut by a page
    break ('The DCC noted' / 'that it will …') is joined again."""
    out: list[str] = []
    previous = ""
    for kind, text in paragraphs:
        if out and kind == previous == "text" and cut_by_page_break(out[-1], text):
            out[-1] = f"{out[-1]} {text.lstrip()}"
        elif text:
            out.append(text)
        previous = kind
    return "\n\n".join(out)


def cut_by_page_break(before: str, after: str) -> bool:
    last = before.rstrip()
    if not last or last.endswith(SENTENCE_END) or LIST_LINE.match(last.split("\n")[-1]):
        return False
    return after.lstrip()[:1].islower()


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
    context = _Context(minutes=minutes, actions=ActionNumbering(minutes), outstanding=outstanding)
    for section in sections:
        unplaced.extend(read_item(section, context))
        read_incidents(section.item, minutes.flags)
    minutes.items = [section.item for section in sections]
    flag_unstated(outstanding)
    place_unplaced(unplaced, minutes)
    check_layout(minutes)
    flag_closing_blocks(minutes)
    minutes.flags.extend(filter(None, map(read_outcome, minutes.reviews)))
    minutes.flags.sort(key=lambda flag: flag.line)
    return minutes


def flag_closing_blocks(minutes: ParsedMinutes) -> None:
    """The decisions and actions after an item's last sub-item are read as
    that sub-item's, which the page cannot tell apart from the whole item's
    closing block. When a decision there names the parent item ("The OPSG
    NOTED the SEC Panel Reports" closing 3.5, under "3. SEC Panel Reports"),
    the secretary is told that block may be item 3's."""
    for parent in minutes.items:
        child = re.compile(rf"^{re.escape(parent.number)}\.\d+$")
        subs = [item for item in minutes.items if child.match(item.number)]
        title = parent.title.strip(" .")
        if not subs or len(title) < 4:
            continue
        last = subs[-1]
        names = re.compile(rf"(?<!\w){re.escape(title)}(?!\w)", re.I)
        naming = [d for d in last.decisions if names.search(d.text)]
        if naming and last.title.strip(" .").lower() not in naming[0].text.lower():
            count = len(last.actions)
            what = f" and {last.number}'s {count} action{'s' * (count != 1)}" if count else ""
            decision = f"{naming[0].verb} {naming[0].text}".rstrip(".")
            minutes.flags.append(
                Flag(
                    naming[0].line,
                    "placement",
                    f"Item {last.number} closes with \u201c{decision}\u201d, which names item "
                    f"{parent.number} ({parent.title}): that decision{what} may belong to item "
                    f"{parent.number} as a whole; they are kept under {last.number}.",
                )
            )


def check_layout(minutes: ParsedMinutes) -> None:
    missing = [
        what
        for what, seen in (
            ("no meeting reference or committee", minutes.committee),
            ("no numbered agenda items", minutes.items),
        )
        if not seen
    ]
    if missing:
        minutes.flags.insert(
            0,
            Flag(
                1,
                "unknown-layout",
                "Not minutes in the 2021 layout as far as could be read ("
                + "; ".join(missing)
                + "): only what could be read is shown.",
            ),
        )
