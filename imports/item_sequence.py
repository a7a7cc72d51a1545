"""Where items begin: item headings, by the entry's data in the layout
registry (imports.layouts), for both kinds of entry.

For a layout whose text is read as written (`text_as_written`), from the
blocks markdown-it-py cuts at blank lines
(imports.blocks.markdown_source_blocks; `split_items`): an item's heading
is a numbered heading ("# 4. PMR Report", "## 3.1 …", which may skip a
number) or a numbered line standing alone between blank lines, read as one
only next in sequence (2 after 1, 3.2 after 3.1) and not as the next point
of a list: "1. DCC Reflash Service" inside item 6 is a point.

For any other entry, a block at a time as its reader
(imports.layout_generic) meets them (`layout_heading`): a numbered
heading; a numbered list item of the outermost level, next in sequence;
where the entry says so, a top-level bullet under the agenda
(`bullet_items`) or an unnumbered heading (`unnumbered_headings`); a
paragraph by the entry's `item_lines` (minute numbers, "Item 4: …"); a
paragraph cut where a line inside it reads as a heading, its blank line
lost (`split_at_headings`). An item opened (`open_item`) whose heading is
too long to be one is flagged."""

import re
from dataclasses import dataclass, field

from imports.blocks import HEADING, ITEM, PARAGRAPH, Block, numbered
from imports.common import ANY_DATE
from imports.layouts import APOLOGY, ITEMS, MEMBER, PARTICIPANT, REVIEWS, Layout
from imports.parsed import Flag, ParsedItem, ParsedMinutes

PLAIN_HEADING = re.compile(r"^(\d{1,2})\.(?:(\d{1,2})\.?)?\s+(\S.*)$")
ITEM_NUMBER = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?$")
NUMBERED_POINT = re.compile(r"^\s*(\d{1,3})[.)]\s+\S")
ATTENDANCE = (MEMBER, PARTICIPANT, APOLOGY)
_MAX_TITLE_WORDS = 14


@dataclass
class Section:
    item: ParsedItem
    blocks: list[Block] = field(default_factory=list)


def split_items(blocks: list[Block]) -> tuple[list[Block], list[Section]]:
    """The blocks before the first item, and each item with its blocks. A
    numbered paragraph is an item heading only in sequence (2 after 1, 3.2
    after 3.1) and standing alone: '1. DCC Reflash Service' inside item 6 is
    a point."""
    front: list[Block] = []
    sections: list[Section] = []
    main = sub = 0
    for index, block in enumerate(blocks):
        heading = item_heading(blocks, index, main, sub)
        if heading is None:
            (sections[-1].blocks if sections else front).append(block)
            continue
        item_number, title = heading
        main, _, subpart = item_number.partition(".")
        main, sub = int(main), int(subpart or 0)
        sections.append(Section(ParsedItem(number=item_number, title=title, line=block.line)))
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


# --- another committee's items, by its entry's marks -------------------------


def layout_heading(
    block: Block,
    layout: Layout,
    current: ParsedItem | None,
    section: str | None,
    in_attendance: bool = False,
) -> tuple[str, str] | None:
    """(number, title) when a block of an entry not read as written (the
    blocks of imports.blocks.markdown_blocks or text_blocks) opens an item,
    `current` the item read last and `section` the part of the minutes the
    reader is in: a numbered heading; a numbered list item of the outermost
    level, next in sequence (`next_number`); where the entry says so, a
    top-level bullet under the agenda (`bullet_items`) or an unnumbered
    heading (`unnumbered_headings`); a paragraph by the entry's
    `item_lines` ("26/031 Footpath repairs", "Item 4: Budget"). In the
    attendance, only a line that reads as one: "Item 1: …", "26/031 …",
    "1. Welcome", as item 1 or the next (`first_or_next`)."""
    text = block.text.split("\n")[0].strip()
    if layout.trailer is not None:
        text = layout.trailer.sub("", text)
    if block.kind == HEADING and block.number and title_like(text):
        return block.number, text
    if in_attendance:
        number, rest = numbered(text)
        if number and title_like(rest) and first_or_next(number, current):
            return number, rest
    if block.kind == ITEM and block.level == 0 and section != REVIEWS:
        if block.number and title_like(text) and next_number(block.number, current):
            if section not in ATTENDANCE or first_or_next(block.number, current):
                return block.number, text
        if layout.bullet_items and not block.number and section == ITEMS:
            if not (layout.bullet_notes and layout.bullet_notes.match(text)):
                return "", text
    if block.kind == HEADING and layout.unnumbered_headings and title_like(text):
        if section in (ITEMS, *ATTENDANCE) or current is not None:
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


def next_number(number: str, current: ParsedItem | None) -> bool:
    """Whether `number` may follow the item read last: any to begin with,
    then the next item or a sub-item of the current one."""
    if current is None:
        return True
    main = int(current.number.split(".")[0])
    parts = number.split(".")
    if len(parts) == 1:
        return int(parts[0]) in (main, main + 1)
    return int(parts[0]) == main


def first_or_next(number: str, current: ParsedItem | None) -> bool:
    """In the attendance, or inside a paragraph, a numbered line opens an
    item only as item 1, or as the one after the last read."""
    if current is None:
        return number == "1"
    return number == str(int(current.number.split(".")[0]) + 1)


def split_at_headings(block: Block, layout: Layout, current: ParsedItem | None) -> list[Block]:
    """A paragraph cut where a line inside it reads as an item's heading
    (its blank line lost): "26/032 Declarations of interest", "2. Budget"."""
    lines = block.text.split("\n")
    starts = [0] + [
        offset
        for offset, line in enumerate(lines)
        if offset and _inner_heading(line, layout, current)
    ]
    return [
        Block(PARAGRAPH, "\n".join(lines[start:end]), block.line + start)
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]


def _inner_heading(line: str, layout: Layout, current: ParsedItem | None) -> bool:
    if any(pattern.match(line.strip()) for pattern in layout.item_lines):
        heading = layout_heading(Block(PARAGRAPH, line, 0), layout, current, None)
        return heading is not None and title_like(heading[1])
    number, rest = numbered(line)
    return (
        bool(number) and "." not in number and title_like(rest) and first_or_next(number, current)
    )


def open_item(number: str, title: str, line: int, minutes: ParsedMinutes) -> ParsedItem:
    """The item a heading opens, added to the minutes; an unnumbered one
    numbered after the main items read before it. A heading too long to
    be one is flagged: the text under it may have been joined to it."""
    if not number:
        number = str(sum("." not in item.number for item in minutes.items) + 1)
    if not title_like(title):
        words = len(title.split())
        message = (
            f"The heading of item {number} runs to {words} words: the text under it may "
            "have been joined to it."
        )
        minutes.flags.append(Flag(line, "long-heading", message))
    item = ParsedItem(number=number, title=title, line=line)
    minutes.items.append(item)
    return item


def title_like(text: str) -> bool:
    """A heading's words: short, capitalised, not a sentence."""
    words = text.split()
    return (
        0 < len(words) <= _MAX_TITLE_WORDS
        and (text[0].isupper() or text[0].isdigit() or text[0] in "‘“'\"")
        and not text.endswith((".", ";", ","))
    )
