"""What comes before the first item, for a layout whose text is read as
written (imports.layouts: `text_as_written`): the title block's lines
(read by imports.title_block), then the attendance from its label ("Attendees:",
`roll_label`) or the first table on. The attendance is its captioned tables
(imports.attendance); "Apologies:" (`apologies_label`) opens the
apologies; a quorum statement this app prints is passed over; any other
line there is an unplaced line.

For any other entry, which section a heading or a line opens, by the
entry's `sections` (`section_of`): "Present: A, B", "## Apologies", "In
attendance", "Agenda", "Outstanding actions", a label and the words after
it (`section_label`)."""

from imports.attendance import Roll, read_roll_table
from imports.blocks import HEADING, PARAGRAPH, TABLE, Block, SourceLine, cells_as_written
from imports.common import QUORUM_STATEMENT
from imports.layouts import Layout
from imports.parsed import ParsedPerson


def _opens_roll(words: str, layout: Layout) -> bool:
    return bool(layout.roll_label and layout.roll_label.match(words))


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


def read_attendance(
    blocks: list[Block], layout: Layout, unplaced: list[SourceLine]
) -> list[ParsedPerson]:
    """The Attendees and Apologies tables, in the order printed."""
    roll = Roll(layout)
    for block in blocks:
        first = block.text.split("\n")[0]
        if layout.apologies_label and layout.apologies_label.match(first):
            roll.open_apologies()
            unplaced.extend(block.lines[1:])
            continue
        if _opens_roll(first, layout):
            unplaced.extend(block.lines[1:])
            continue
        if QUORUM_STATEMENT.match(block.text):
            continue
        if block.kind != TABLE:
            unplaced.extend(block.lines)
            continue
        read_roll_table(*cells_as_written(block), roll, unplaced)
    return roll.people


def split_front(front: list[Block], layout: Layout) -> tuple[list[SourceLine], list[Block]]:
    """Header lines, then attendance blocks (from 'Attendees:' or the first table)."""
    header: list[SourceLine] = []
    for at, block in enumerate(front):
        for index, (line, words) in enumerate(zip(block.lines, line_words(block), strict=True)):
            if block.kind == TABLE or _opens_roll(words, layout):
                return header, [from_line(block, index), *front[at + 1 :]]
            header.append(line)
    return header, []


def section_label(line: str) -> tuple[str, str] | None:
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


def section_of(block: Block, layout: Layout) -> tuple[str, str] | None:
    """(the section, its label) when a heading or a paragraph opens one of
    the entry's `sections` ("Present:", "## Apologies", "Outstanding
    actions"), by its first line's label; None otherwise."""
    if block.kind not in (HEADING, PARAGRAPH):
        return None
    label = section_label(block.text.split("\n")[0])
    if label is None:
        return None
    head, _ = label
    for pattern, section in layout.sections:
        if pattern.match(head):
            return section, head
    return None
