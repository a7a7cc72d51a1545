"""Items read in sequence, from the blocks markdown-it-py cuts at blank lines
(imports.blocks.markdown_source_blocks), for a layout whose text is read as
written (imports.layouts: `text_as_written`): an item's heading is a
numbered heading ("# 4. PMR Report", "## 3.1 …", which may skip a number)
or a numbered line standing alone between blank lines, read as one only
next in sequence (2 after 1, 3.2 after 3.1) and not as the next point of a
list: "1. DCC Reflash Service" inside item 6 is a point."""

import re
from dataclasses import dataclass, field

from imports.blocks import HEADING, Block
from imports.parsed import ParsedItem

PLAIN_HEADING = re.compile(r"^(\d{1,2})\.(?:(\d{1,2})\.?)?\s+(\S.*)$")
ITEM_NUMBER = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}))?$")
NUMBERED_POINT = re.compile(r"^\s*(\d{1,3})[.)]\s+\S")


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
