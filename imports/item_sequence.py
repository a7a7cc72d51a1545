"""Where items begin: item headings, by the entry's data in the layout
registry (imports.layouts), one function for every entry (`item_heading`).

The OPSG's 2021 Markdown, read as written, is split into items from its
blocks cut at blank lines (imports.blocks.markdown_source_blocks;
`split_items`), each block with its neighbours; by the entry's
`items_in_order`, an item's heading is a numbered heading ("# 4. PMR
Report", "## 3.1 …", which may skip a number) or a numbered line standing
alone between blank lines, read as one only next in sequence (2 after 1,
3.2 after 3.1) and not as the next point of a list: "1. DCC Reflash
Service" inside item 6 is a point.

Where the front matter ends is decided here for both readings
(`front_end`): at the first item, or, for the reader that meets the blocks
one at a time, at the first block it says opens a section.

Any other entry's minutes are read a block at a time as its reader
(imports.layout_generic) meets them, by the same function and the entry's
other data: a numbered heading; a numbered list item of the outermost
level, next in sequence; where the entry says so, a top-level bullet under
the agenda (`bullet_items`) or an unnumbered heading
(`unnumbered_headings`); a paragraph by the entry's `item_lines` (minute
numbers, "Item 4: …"); a paragraph cut where a line inside it reads as a
heading, its blank line lost (`split_at_headings`). An item opened
(`open_item`) whose heading is too long to be one is flagged."""

import re
from collections.abc import Callable
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


def split_items(blocks: list[Block], layout: Layout) -> tuple[list[Block], list[Section]]:
    """The blocks before the first item (`front_end`), and each item with
    its blocks, the items' headings found by `item_heading`, each block
    with its neighbours (`heading_at`)."""
    end = front_end(blocks, layout)
    sections: list[Section] = []
    current: ParsedItem | None = None
    for index in range(end, len(blocks)):
        heading = heading_at(blocks, index, layout, current)
        if heading is None:
            sections[-1].blocks.append(blocks[index])
            continue
        number, title = heading
        current = ParsedItem(number=number, title=title, line=blocks[index].line)
        sections.append(Section(current))
    return blocks[:end], sections


def front_end(
    blocks: list[Block], layout: Layout, ends: Callable[[Block], object] | None = None
) -> int:
    """Where the front matter (the title block and the attendance) ends, for
    every reader: at the first block that opens an item. A reader that
    reads the items in sequence (`split_items`) knows each block's
    neighbours (`heading_at`); a reader that meets the blocks one at a time
    (imports.layout_generic) does not, reads headings by the rules after
    `items_in_order`'s, and reads each section as it meets it: the front
    matter ends, too, at the first block `ends` says opens one (a
    section's label, the outstanding actions' table)."""
    for index, block in enumerate(blocks):
        if ends is None:
            heading = heading_at(blocks, index, layout, None)
        else:
            heading = ends(block) or item_heading(block, layout, None)
        if heading:
            return index
    return len(blocks)


def heading_at(
    blocks: list[Block], index: int, layout: Layout, current: ParsedItem | None
) -> tuple[str, str] | None:
    """The item `blocks[index]` opens, read with its neighbours: whether it
    stands alone between blank lines, and the line above it."""
    above = blocks[index - 1].lines[-1][1] if index else ""
    alone = stands_alone(blocks, index)
    return item_heading(blocks[index], layout, current, alone=alone, above=above)


def stands_alone(blocks: list[Block], index: int) -> bool:
    """A heading paragraph: a line of its own, a blank line (or nothing)
    before and after it."""
    lines = blocks[index].lines
    number = lines[0][0]
    before = index == 0 or blocks[index - 1].lines[-1][0] < number - 1
    after = index + 1 >= len(blocks) or blocks[index + 1].lines[0][0] > number + 1
    return len(lines) == 1 and before and after


def item_heading(
    block: Block,
    layout: Layout,
    current: ParsedItem | None,
    section: str | None = None,
    in_attendance: bool = False,
    *,
    alone: bool | None = None,
    above: str = "",
) -> tuple[str, str] | None:
    """(number, title) when `block` opens an item, `current` the item read
    last and `section` the part of the minutes the reader is in; `alone`,
    whether the block stands alone between blank lines, and `above`, the
    line above it, where the reader knows them (`split_items` does; the
    block reader of imports.layout_generic does not, and reads every entry
    by the rules after `items_in_order`'s). By the entry's data:

    - a numbered heading: where the entry's `items_in_order`, on a line of
      its own and forward of the last item (a number may be skipped: an
      unnumbered heading, or one numbered back, stays in the text), else
      any whose title reads as one;
    - a numbered line: where the entry's `items_in_order`, standing alone
      and next in sequence (2 after 1, 3.2 after 3.1), not a sentence and
      not the next point of a list ("1. DCC Reflash Service" inside item 6
      is a point); else a numbered list item of the outermost level, next
      in sequence (`next_number`), and in the attendance only a line that
      reads as one ("Item 1: …", "26/031 …", "1. Welcome", as item 1 or the
      next: `first_or_next`);
    - where the entry says so, a top-level bullet under the agenda
      (`bullet_items`) or an unnumbered heading (`unnumbered_headings`);
    - a paragraph by the entry's `item_lines` ("26/031 Footpath repairs",
      "Item 4: Budget"), a minute number only of the last item's series."""
    text = block.text.split("\n")[0].strip()
    if layout.trailer is not None:
        text = layout.trailer.sub("", text)
    one_line_heading = block.kind == HEADING and len(block.lines) == 1
    if layout.items_in_order and alone is not None:
        if one_line_heading:
            return _forward(block, current)
        return _next_line(block, current, alone, above)
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
                if groups.get("minute") and not _same_series(groups["minute"], current):
                    continue
                title = match["title"].strip()
                if groups.get("minute"):
                    title = f"{groups['minute']} {title}"
                return groups.get("number") or "", title
    return None


def _same_series(minute: str, current: ParsedItem | None) -> bool:
    """A minute number of the last item's series (26/042 after 26/041), or
    the first: "77/02 Write to …" after 26/047 is a row of a table, not an item."""
    last = current.title.split(" ", 1)[0] if current is not None else ""
    if "/" not in last:
        return True
    return minute.split("/")[0] == last.split("/")[0]


def _last_numbers(current: ParsedItem | None) -> tuple[int, int]:
    """The last item's number and sub-number, (0, 0) before the first."""
    if current is None:
        return 0, 0
    main, _, sub = current.number.partition(".")
    return int(main), int(sub or 0)


def _forward(block: Block, current: ParsedItem | None) -> tuple[str, str] | None:
    """'# 4. PMR Report', '## 3.1 Registration Data Provider …': numbered
    headings may skip a number; unnumbered ones stay in the narrative."""
    match = ITEM_NUMBER.match(block.number)
    if not match:
        return None
    main, sub = _last_numbers(current)
    first, second, title = match.group(1), match.group(2), block.text
    if second is None and int(first) > main:
        return first, title
    if second is not None and int(first) == main and int(second) > sub:
        return f"{first}.{int(second)}", title
    return None


def _next_line(
    block: Block, current: ParsedItem | None, alone: bool, above: str
) -> tuple[str, str] | None:
    """A numbered line as written, standing alone, next in sequence: 2
    after 1 (not a sentence, and not the next point of a list), 3.2 after
    3.1."""
    match = PLAIN_HEADING.match(block.lines[0][1].strip().replace("**", ""))
    if not match or not alone:
        return None
    main, sub = _last_numbers(current)
    first, second, title = int(match.group(1)), match.group(2), match.group(3).strip()
    if len(title) > 150:
        return None
    if second is None:
        if first != main + 1 or title.endswith((".", ";", ",", ":")):
            return None
        point = NUMBERED_POINT.match(above)
        if point and int(point.group(1)) == first - 1:
            return None
        return str(first), title
    if first == main and int(second) == sub + 1:
        return f"{first}.{int(second)}", title
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
    (its blank line lost): "26/032 Declarations of interest", "2. Budget";
    each piece with its source lines, where the block's are its words' lines."""
    lines = block.text.split("\n")
    starts = [0] + [
        offset
        for offset, line in enumerate(lines)
        if offset and _inner_heading(line, layout, current)
    ]
    source = block.lines if len(block.lines) == len(lines) else ()
    return [
        Block(PARAGRAPH, "\n".join(lines[start:end]), block.line + start, lines=source[start:end])
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]


def _inner_heading(line: str, layout: Layout, current: ParsedItem | None) -> bool:
    if any(pattern.match(line.strip()) for pattern in layout.item_lines):
        heading = item_heading(Block(PARAGRAPH, line, 0), layout, current, None)
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
