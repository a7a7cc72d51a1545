"""What comes before the first item: the title block and the attendance.

Which section a heading or a line opens, by the entry's `sections`
(`section_of`): "Present: A, B", "## Apologies", "In attendance",
"Agenda", "Outstanding actions", a label and the words after it
(`section_label`).

The attendance is read a block at a time (`read_attendance_block`), by
the entry's data, for every entry: the section and member category the
blocks are in kept on an imports.attendance.Roll. A table captioned by what
it lists (where the entry has `roll_captions`: the OPSG's) or whose header
names each column (imports.attendance); a member category's heading (where
`category_headings`); lines of names ("Present: A, B", "Panel Members:"
categories; `read_attendance_lines`), up to another section's label or an
item's heading, whose lines are handed back to the generic reader
(imports.layout_generic) as a `Leave`. Where the entry's attendance is
only in tables (not `names_in_lines`: the OPSG's 2021 Markdown), a line
that is only an attendance section's label opens it, and any other line is
kept as written for the reader to place and flag. A quorum statement this
app prints is passed over.

The title block (read by imports.title_block `read_title`) ends, for
every entry, at the first table or the first line that opens an attendance
section, a label and not a sentence ("Attendees:", "Present: A, B", not
"Apologies were received from Cllr Brennan."; `opens_attendance`), even
inside a block whose blank line was lost (`split_front`)."""

from dataclasses import dataclass, replace

from imports.attendance import (
    Roll,
    give_role,
    lines_of_names,
    listed_person,
    named_table_entries,
    names_in,
    read_roll_table,
)
from imports.blocks import HEADING, PARAGRAPH, TABLE, Block, SourceLine, cells_as_written
from imports.common import QUORUM_STATEMENT
from imports.item_sequence import ATTENDANCE, item_heading
from imports.layouts import APOLOGY, MEMBER, Layout
from imports.parsed import Flag, ParsedItem


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


def split_front(front: list[Block], layout: Layout) -> tuple[list[Block], list[Block]]:
    """The title block's blocks, then the attendance's: from the first
    table, or the first line that opens an attendance section ("Attendees:",
    "Present: A, B"), even inside a block whose blank line was lost."""
    for at, block in enumerate(front):
        if block.kind == TABLE:
            return front[:at], front[at:]
        for index, words in enumerate(line_words(block)):
            if opens_attendance(words, layout):
                head = [up_to_line(block, index)] if index else []
                return [*front[:at], *head], [from_line(block, index), *front[at + 1 :]]
    return front, []


def up_to_line(block: Block, index: int) -> Block:
    """The block's lines before its line `index`, as a block of its kind."""
    return replace(block, text="\n".join(block.text.split("\n")[:index]), lines=block.lines[:index])


def opens_attendance(words: str, layout: Layout) -> str | None:
    """The attendance section a line opens: a label ("Attendees:",
    "Present: A, B", "Apologies"), not a sentence that begins with one of
    its words ("Apologies were received from Cllr Brennan.")."""
    label = section_label(words)
    found = section_of(Block(PARAGRAPH, words, 0), layout)
    if not label or not found or found[0] not in ATTENDANCE:
        return None
    return found[0] if ":" in words or len(label[0].split()) <= _LABEL_WORDS else None


def section_label(line: str) -> tuple[str, str] | None:
    """("Present", "A, B") for "Present: A, B"; ("Apologies", "") for a
    line that is only a label. None for a sentence (long, or ended by a
    full stop without a colon)."""
    line = line.strip().strip("*").strip()
    head, colon, rest = line.partition(":")
    head = head.strip().strip("*").strip()
    if not head or len(head.split()) > 6:
        return None
    if not colon and (len(line.split()) > 6 or len(line.split()) > 1 and line.endswith(".")):
        return None  # a sentence: "Apologies were received and accepted."
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


# --- the attendance as lists of names and tables of named columns -----------


_LABEL_WORDS = 3  # "Also in attendance": a label without its colon is short


@dataclass(frozen=True)
class Leave:
    """Where an attendance block's lines stop being the attendance: a label
    of another section ("Agenda: …") or an item's heading (`heading`); the
    lines from there on (`rest`, None when only blank ones) are for the
    reader to read in that section or item."""

    rest: Block | None
    heading: tuple[str, str] | None = None


def read_attendance_block(
    block: Block,
    roll: Roll,
    flags: list[Flag],
    item: ParsedItem | None,
    unplaced: list[SourceLine],
) -> Leave | None:
    """A block of the attendance, by the entry's data: a table captioned by
    what it lists (where the entry has `roll_captions`; a row it cannot
    place kept in `unplaced`) or of named columns; a member category's
    heading (where the entry's `category_headings`); lines of names
    (`read_attendance_lines`), or where the entry's attendance is only in
    tables (not `names_in_lines`), the sections' labels, any other line
    kept in `unplaced` as written."""
    layout = roll.layout
    if block.kind == TABLE:
        if layout.roll_captions:
            read_roll_table(*cells_as_written(block), roll, unplaced)
        else:
            read_named_table(block, roll, flags)
        return None
    if block.kind == HEADING and layout.category_headings:
        roll.group = block.text.strip().rstrip(":")
        return None
    if not layout.names_in_lines:
        _labels(block, roll, unplaced)
        return None
    return read_attendance_lines(block.text.split("\n"), block.line, roll, flags, item)


def _labels(block: Block, roll: Roll, unplaced: list[SourceLine]) -> None:
    """An attendance printed only in tables: a line that is only an
    attendance section's label ("Attendees:", "Apologies:") opens it; a
    quorum statement this app prints is passed over; any other line is kept
    as written."""
    for source, words in zip(block.lines, line_words(block), strict=True):
        if QUORUM_STATEMENT.match(words.strip()):
            continue
        if (section := opens_attendance(words, roll.layout)) and not section_label(words)[1]:
            roll.open(section)
            continue
        unplaced.append(source)


def read_named_table(block: Block, roll: Roll, flags: list[Flag]) -> None:
    """A table of people whose header names its columns, each row read as
    a line of the section it is in (imports.attendance); a row whose mark
    says apologies, as an apology."""
    for entry in named_table_entries(block, roll.layout, flags):
        section = roll.section
        if entry.absent:
            roll.section = APOLOGY
        read = len(roll.people)
        for name in names_in(entry.text):
            _listed(name, entry.line, roll, flags)
        if entry.role and len(roll.people) > read:
            give_role(roll.people[-1], entry.role)
        roll.section = section


def read_attendance_lines(
    lines: list[str], line: int, roll: Roll, flags: list[Flag], item: ParsedItem | None
) -> Leave | None:
    """Lines of a block that opens a section ("Present: A, B") or of an
    attendance block, `line` the first's number: names (a list wrapped
    across lines read as one), a category ("Panel Members:"), another
    section's label (`section_of`: the lines after it are read there), or,
    by the entry's data, an item's heading (imports.item_sequence
    `item_heading`, `item` the item read last), after which the lines are
    the item's. `roll.section` says which section the lines are in."""
    layout = roll.layout
    entries, doubts = lines_of_names(lines)
    for offset, message in doubts:
        flags.append(Flag(line + offset, "wrapped-name", message))
    for index, (offset, entry) in enumerate(entries):
        here = Block(PARAGRAPH, entry, line + offset)
        if QUORUM_STATEMENT.match(entry):
            continue  # this app's own statement of the quorum, not a person
        if found := section_of(here, layout):
            roll.open(found[0])
            _, inline = section_label(entry) or ("", "")
            after = lines[offset + 1 :]
            if roll.section not in ATTENDANCE:
                return _leave([inline, *after] if inline else after, line + offset + 1)
            if inline and (
                left := read_attendance_lines([inline], line + offset, roll, flags, item)
            ):
                # The label's words leave the attendance: so do the lines after.
                words = [left.rest.text, *after] if left.rest else after
                return Leave(
                    _leave(words, left.rest.line if left.rest else line + offset + 1).rest,
                    left.heading,
                )
            continue
        if heading := item_heading(here, layout, item, roll.section, True):
            return Leave(Block(PARAGRAPH, "\n".join(lines[offset:]), line + offset), heading)
        following = entries[index + 1][1] if index + 1 < len(entries) else ""
        if (layout.category_line and layout.category_line.match(entry)) or _category_over_roles(
            entry, following
        ):
            roll.group = entry.rstrip(":").strip().strip("*")
            continue
        for name in names_in(entry):
            _listed(name, line + offset, roll, flags)
    return None


# The last word of a category's heading in a panel's attendance ("Chair",
# "Code Administrator", "Observers") written without its colon.
_CATEGORY_NOUNS = frozenset(
    {"chair", "chairs", "member", "members", "administrator", "secretariat", "secretary"}
    | {"observer", "observers", "attendees", "representatives", "officers", "staff"}
    | {"guests", "advisers", "advisors", "presenters"}
)


def _category_over_roles(entry: str, following: str) -> bool:
    """ "Code Administrator" over "Rhea Dunn (Code Administrator) [Secretary]":
    a line without brackets whose last word names a category, over a person
    whose role is in square brackets, heads that category; it is no person."""
    words = entry.split()
    return (
        "(" not in entry
        and "[" not in entry
        and 0 < len(words) <= 3
        and words[-1].lower() in _CATEGORY_NOUNS
        and "[" in following
    )


def _leave(lines: list[str], line: int) -> Leave:
    if not any(text.strip() for text in lines):
        return Leave(None)
    return Leave(Block(PARAGRAPH, "\n".join(lines), line))


def _listed(text: str, line: int, roll: Roll, flags: list[Flag]) -> None:
    """A person of a list of names, of the section the roll is in and its
    member category (`roll.group`, as the heading above wrote it)."""
    if roll.section not in ATTENDANCE:
        return
    found = listed_person(text, roll.section or MEMBER, roll.group, line, roll.layout, flags)
    if found is not None:
        roll.people.append(found)
