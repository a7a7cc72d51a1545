"""The attendance, read by the layout registry's data (imports.layouts) for
every entry: the one module that turns what a document prints about its
people into ParsedPerson records.

Lists of names, for imports.front_matter, which decides which section
("Present", "Apologies", "In attendance") a line is in and hands it here: "Present: Ada Byrne (Harbour Trust) [Chair], Tomasz
Wren (dial in)", a list wrapped across lines, "*" for a teleconference; the
brackets read by the layout's marks (imports.layouts.read_mark), a member's
category from the heading above. Tables whose header names each column
(`attendance_columns`: the name, the body, the role, the mark; a mark cell
among `present_marks` or `absent_marks` says present or sent apologies) are
read a row at a time as "Name (Body) (Mark)" lines, a column the header
does not name flagged.

Attendance tables captioned by what they list, for a layout whose text is
read as written (imports.front_matter), by the layout's data
(`roll_captions`, `roll_name_column`, `category_carries_down`,
`empty_header_continues`):

    | Category               | Operations Group Members |
    | Network Parties        | Owen Pritchard           |
    |                        | Sunita Rao (Teleconference) |     the category carries down
    | Representing | Other Participants |
    | DCC          | Priya Lomax (DCC's nominated lead) |
    | | |                                                        an empty header: the
    | SECAS        | Ruth Alder (Meeting Secretary) |              table above goes on

The caption (the header's words) says which list the rows are in (members,
other participants, apologies; once the apologies begin, every table after
is apologies), which column holds the names, and that the other column
holds the category or the body represented. A person's brackets are read by
the layout's marks (imports.layouts.read_mark); a row too short to hold a
name is handed back to the reader as a line it could not place.

The same captioned tables as the 2019 PDF's text prints them, a cell a line
or two cells run together (`read_roll_lines`, for imports.layout_text, by
the layout's `roll_caption_line`, `roll_captions`, `apologies_label`,
`roll_groups` and `group_nouns`):

    Category Operations Group Members              a caption: the members
    Operations Group Chair Dave Warner             a category and a name
    DCC                                            a body: the group below
    Mo Asif                                        a name in it
    Liam Cowe (Alternate) (Teleconference)         a name and its marks
    (Part)                                         marks of the name above
    Apologies:                                     the apologies begin"""

import re
from dataclasses import dataclass, field

from imports.blocks import HTML_TAG, Block, SourceLine, plain
from imports.common import QUORUM_STATEMENT
from imports.layouts import (
    APOLOGY,
    BODY,
    MARK,
    MEMBER,
    NAME,
    PERSON_TITLE,
    ROLE,
    Layout,
    category_name,
    read_mark,
)
from imports.parsed import Flag, ParsedPerson

_MARK = re.compile(r"\(([^()]*)\)")


@dataclass
class Roll:
    """Where the attendance has got to, for every reader of it: the section
    the lines are in (the generic reader keeps its every section here, None
    before the first), the member category or body of the lines under it
    (`group`), a captioned table's columns, whether the apologies have
    begun, and the people read."""

    layout: Layout
    section: str | None = MEMBER
    group: str = ""
    name_column: int = 1
    group_column: int = 0
    apologies: bool = False
    people: list[ParsedPerson] = field(default_factory=list)

    def open(self, section: str) -> None:
        """A section's label ("Present:", "Apologies:", "Agenda"): what
        follows is in it; once the apologies begin, every captioned table
        after is apologies (`read_roll_header`)."""
        self.section, self.group = section, ""
        self.apologies = self.apologies or section == APOLOGY


def read_roll_table(
    header: tuple[str, ...],
    rows: list[tuple[int, tuple[str, ...]]],
    roll: Roll,
    unplaced: list[SourceLine],
) -> None:
    """One attendance table: its caption, then a person a row."""
    if header:
        read_roll_header(list(header), roll)
    for number, row in rows:
        if max(roll.name_column, roll.group_column) >= len(row):
            unplaced.append((number, "| " + " | ".join(row) + " |"))
            continue
        group = plain(row[roll.group_column])
        if group:
            roll.group = category_name(group)
        elif not roll.layout.category_carries_down:
            roll.group = ""
        name = row[roll.name_column]
        if plain(name):
            roll.people.append(person(name, roll.section, roll.group, number, roll.layout))


def read_roll_header(header: list[str], roll: Roll) -> None:
    """'Category | Operations Group Members', 'Representing | Other
    Participants', 'Representing | Name'; where the layout says so, an empty
    header continues the previous table."""
    words = [plain(h).lower() for h in header]
    if not any(words) and roll.layout.empty_header_continues:
        return
    roll.group = ""
    captioned = (
        section
        for pattern, section in roll.layout.roll_captions
        if any(pattern.search(w) for w in words)
    )
    section = APOLOGY if roll.apologies else next(captioned, None)
    if section == APOLOGY:
        roll.apologies = True
    roll.section = section or roll.section
    names = [i for i, w in enumerate(words) if roll.layout.roll_name_column.search(w)]
    roll.name_column = names[0] if names else len(words) - 1
    others = [i for i in range(len(words)) if i != roll.name_column]
    roll.group_column = others[0] if others else 0


def person(cell: str, section: str, group: str, line: int, layout: Layout) -> ParsedPerson:
    """'Andy Knowles (<i>alternate for Marta Kaminska</i>)', 'Ian Brown (Part)',
    'Veronica Asantewaa (Meeting Secretary)', 'Easton Brown (<i>agenda item 5</i>)'."""
    text = HTML_TAG.sub("", cell).replace("**", "").replace("*", "")
    marks = [m.strip() for m in _MARK.findall(text)]
    name = " ".join(_MARK.sub(" ", text).split())
    found = ParsedPerson(name=name, section=section, group=group, line=line)
    for mark in marks:
        read_mark(found, mark, layout)
    return found


# --- lists of names, and tables whose header names each column -------------

_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_LIST_SPLIT = re.compile(r"\s*[,;]\s*(?![^()\[\]]*[)\]])")
_EMPTY_CELLS = {"", "-", "–", "—"}
_MAX_NAME_WORDS = 6
_PARTICLES = {"de", "van", "von", "da", "der", "den", "del", "bin", "al", "la", "le", "du", "of"}


def lines_of_names(text_lines: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The lines of an attendance block, each with its offset in the block,
    a line ending with a comma (a list wrapped across lines), inside a
    bracket ("(alternate for Hilde" over "Marsh)", a PDF's wrapped line) or
    with a title ("…, Ms" over "Delphine Ashe, …") joined to the next; and
    the doubts, (offset, what is doubted): a line of a list by commas that
    ends without one, over a line whose first name is one word ("…, Ms
    Delphine" over "Ashe, …"), was wrapped inside a name (a list printed
    narrower than it was written), or the one word is a name of its own:
    joined, and named."""
    lines: list[tuple[int, str]] = []
    doubts: list[tuple[int, str]] = []
    for offset, line in enumerate(text_lines):
        line = line.strip()
        if not line:
            continue
        if lines and (
            lines[-1][1].endswith((",", ";"))
            or _wrapped_bracket(lines[-1][1], line)
            or _TITLE_AT_END.search(lines[-1][1])
        ):
            lines[-1] = (lines[-1][0], f"{lines[-1][1]} {line}")
        elif lines and _wrapped_name(lines[-1][1], line):
            before, after = names_in(lines[-1][1])[-1], names_in(line)[0]
            message = (
                f"The list's line ends with {before!r} and the next begins with {after!r}: read "
                f"as one name, {before + ' ' + after!r} (a name wrapped onto the next line). "
                "If they are two people, correct the attendance."
            )
            doubts.append((offset, message))
            lines[-1] = (lines[-1][0], f"{lines[-1][1]} {line}")
        else:
            lines.append((offset, line))
    return lines, doubts


def _wrapped_name(text: str, after: str) -> bool:
    """A line of names by commas that ends without one, over a line (no
    label, heading or point) whose first name is one word: a name wrapped."""
    if not _LIST_SPLIT.search(text) or ":" in after or not after[:1].isupper():
        return False
    first = re.sub(r"[(\[].*", "", names_in(after)[0]).split()
    return len(first) == 1


# A person's title ending a line: the name is on the next ("…, Ms" over "Delphine Ashe").
_TITLE_AT_END = re.compile(rf"(?:^|[\s,;]){PERSON_TITLE}\.?$")


def _wrapped_bracket(text: str, after: str) -> bool:
    """A bracket left open that the next line closes."""
    return any(
        text.count(opening) > text.count(closing) and closing in after.split(opening)[0]
        for opening, closing in ("()", "[]")
    )


def names_in(entry: str) -> list[str]:
    """The entries a line lists, cut at commas and semicolons outside brackets."""
    return [part.strip() for part in _LIST_SPLIT.split(entry) if part.strip()]


def listed_person(
    text: str, section: str, category: str, line: int, layout: Layout, flags: list[Flag]
) -> ParsedPerson | None:
    """'Ada Byrne (Harbour Trust) [Chair]', '*Tomasz Wren' (teleconference):
    a person of `section`, a member's category the heading above
    (`category`) where no bracket names the body; None for the meeting
    bot's own nick (the layout's `not_people`) and, flagged, for words that
    are not a name. Another nick that reads as a bot's ("tessbot", "abbot")
    is a person all the same, flagged."""
    person = ParsedPerson(name="", section=section, group="", line=line)
    starred = layout.star_mark is not None and (text.startswith("*") or text.endswith("*"))
    if starred:
        read_mark(person, layout.star_mark, layout)  # the entry's `star_mark`
        text = text.strip("*").strip()
    if (meaning := _legend(text, layout)) is not None:
        if meaning != _mark_kind(layout.star_mark, layout):
            message = (
                f"{text!r} reads as the legend of the '*' after some names, but the people "
                f"marked '*' were read as {layout.star_mark!r}: check them."
            )
            flags.append(Flag(line, "mark-legend", message))
        return None
    for inner in _BRACKETS.findall(text):
        read_mark(person, inner, layout)
    name = " ".join(_BRACKETS.sub(" ", text).split()).strip(" .-–")
    if layout.trailer is not None:
        name = layout.trailer.sub("", name)
    if name.lower() in layout.not_people:
        return None
    if layout.bot_name is not None and layout.bot_name.match(name):
        message = (
            f"{name!r} reads as a bot's nick, but is not the meeting bot's: it was read as "
            "a person. Leave it out at review if it is a bot."
        )
        flags.append(Flag(line, "bot-like-nick", message))
    if not name_like(name):
        flags.append(Flag(line, "unread-line", f"{text!r} was not read as a person."))
        return None
    if what := _no_name(name, layout):
        message = f"{text!r} is {what}, with no name: it was not read as a person."
        flags.append(Flag(line, "unread-line", message))
        return None
    person.name = name
    if not person.group and category and person.section == MEMBER:
        person.group = category_name(category)
    return person


def _mark_kind(mark: str | None, layout: Layout) -> str | None:
    """The kind of mark (imports.layouts `marks`: "remote", "role" …) words
    in a bracket say, by the layout's marks; None for none."""
    if mark is None:
        return None
    return next((kind for pattern, kind in layout.marks if pattern.match(mark)), None)


def _legend(text: str, layout: Layout) -> str | None:
    """The kind of mark (imports.layouts `marks`: "remote", "role" …) a
    legend line explains ("* attended by teleconference": "remote"; its
    "*" already taken as a bullet or a mark), by the layout's
    `mark_legend`; None for a line that is no legend (one without its
    lead-in words, "(dial in)" alone, stays a line to flag)."""
    if layout.mark_legend is None or not (found := layout.mark_legend.match(text)):
        return None
    if not found["lead"].strip():
        return None
    return _mark_kind(found["mark"], layout)


def _no_name(name: str, layout: Layout) -> str:
    """What words that read as a name are instead: a column's title of an
    attendance table ("Organisation"), or a mark alone ("Chair", "Online"),
    as a table printed a cell a line gives them (a PDF's plain text); ""
    for a name."""
    words = " ".join(name.lower().split())
    if any(pattern.match(name) for pattern, _ in layout.marks):
        return "a mark of a person's"
    if any(words in titles for titles in layout.attendance_columns.values()):
        return "an attendance table's column title"
    return ""


def name_like(name: str) -> bool:
    """A person's name: a few capitalised words (particles aside), or one
    word (a nickname)."""
    words = name.split()
    if not words or len(words) > _MAX_NAME_WORDS or ":" in name or not name[0].isalpha():
        return False
    return len(words) == 1 or all(w[0].isupper() or w in _PARTICLES for w in words)


@dataclass(frozen=True)
class TableEntry:
    """A row of an attendance table as the line it stands for: "Name (Body)
    (Mark)", its role (a role column is a role, never a mark), and whether
    its mark says the person sent apologies."""

    line: int
    text: str
    role: str
    absent: bool


def named_table_entries(block: Block, layout: Layout, flags: list[Flag]) -> list[TableEntry]:
    """A table of people, by the layout's `attendance_columns`: the name
    column, and where the header names them, the body, the role and the
    mark ("Remote", "Items 3-4") of each person; without a header row, the
    first column is the name. A column the header does not name is flagged,
    never dropped in silence; a row without a name holds no one."""
    header = [" ".join(cell.lower().split()).strip(" :*") for cell in block.rows[0]]
    kinds = [_column(word, layout) for word in header]
    rows = list(zip(block.row_lines, block.rows, strict=True))  # each with its line
    if NAME not in kinds:  # no header row: the first column is the name
        kinds = [NAME] + [""] * (len(header) - 1)
    else:
        rows = rows[1:]
    unread = [block.rows[0][i] for i, kind in enumerate(kinds) if not kind and header[i]]
    if unread:
        message = f"Column(s) {', '.join(map(repr, unread))} of the attendance table were not read."
        flags.append(Flag(block.line, "unread-column", message))
    entries = []
    for number, row in rows:
        cells = dict.fromkeys((NAME, BODY, ROLE, MARK), "")
        for cell, kind in zip(row, kinds, strict=False):
            if kind and cell.strip() not in _EMPTY_CELLS:
                cells[kind] = " ".join(filter(None, (cells[kind], cell.strip())))
        if not cells[NAME]:
            continue
        absent = cells[MARK].lower() in layout.absent_marks
        if absent or cells[MARK].lower() in layout.present_marks:
            cells[MARK] = ""
        brackets = [f"({cells[kind]})" for kind in (BODY, MARK) if cells[kind]]
        text = " ".join([cells[NAME], *brackets])
        entries.append(TableEntry(number, text, cells[ROLE], absent))
    return entries


def give_role(person: ParsedPerson, role: str) -> None:
    """A role column's words, before any role the brackets gave."""
    person.role = "; ".join(filter(None, (role, person.role)))


def _column(header: str, layout: Layout) -> str:
    """What a column of an attendance table holds, by its header; "" for
    a header that names none of them."""
    for kind, words in layout.attendance_columns.items():
        if header in words:
            return kind
    return ""


# --- captioned tables printed as lines (the 2019 PDF's text) ---------------

_TRAILING_MARK = re.compile(r"\s*\((?P<mark>[^()]*)\)\s*$")
_NAME_WORD = r"(?:[A-Z][\w’'\-]*\.?|(?:de|van|von|der|den|da|di|du|le|la|bin|al))"
_PRINTED_NAME = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}")


@dataclass
class RollLine:
    """One line of a table printed as text: a group label, a person (perhaps
    with the group before the name), or marks that belong to the person above."""

    group: str = ""
    name: str = ""
    marks: list[str] = field(default_factory=list)


def roll_line(text: str, layout: Layout) -> RollLine | None:
    """Read "Small Supplier Kate Barnes", "DCC", "Liam Cowe (Alternate)
    (Teleconference)" or "(Part)", by the layout's `roll_groups` and
    `group_nouns` (an unknown body is still a group when written in capitals,
    "DSP", "DNOs"); None for a line that is none of these."""
    rest = HTML_TAG.sub("", text).strip()
    marks: list[str] = []
    while match := _TRAILING_MARK.search(rest):
        marks.insert(0, " ".join(match["mark"].split()))
        rest = rest[: match.start()].strip()
    if not rest:
        return RollLine(marks=marks) if marks else None
    for group in layout.roll_groups:
        if rest == group:
            return RollLine(group=group, marks=marks) if not marks else None
        if rest.startswith(group + " ") and _PRINTED_NAME.fullmatch(rest[len(group) + 1 :]):
            return RollLine(group=group, name=rest[len(group) + 1 :], marks=marks)
    if _looks_like_group(rest, layout) and not marks:
        return RollLine(group=rest)
    first, _, after = rest.partition(" ")
    if _looks_like_group(first, layout) and _PRINTED_NAME.fullmatch(after):
        return RollLine(group=first, name=after, marks=marks)
    if _PRINTED_NAME.fullmatch(rest):
        return RollLine(name=rest, marks=marks)
    return None


def _looks_like_group(text: str, layout: Layout) -> bool:
    words = text.split()
    if not words or len(words) > 4 or not words[0][:1].isupper():
        return False
    if len(words) == 1:
        return bool(re.fullmatch(r"[A-Z][A-Z&]+s?", text))
    return words[-1].lower() in layout.group_nouns and all(w[:1].isupper() for w in words)


def is_member_category(group: str, layout: Layout) -> bool:
    """A group the layout knows whose name ends as a member category's."""
    return group in layout.roll_groups and group.split()[-1].lower() in layout.group_nouns


def read_roll_lines(lines: list[SourceLine], roll: Roll) -> list[SourceLine]:
    """The captioned tables printed a cell a line: a caption line
    (`roll_caption_line`, its words read by `roll_captions`) or the
    apologies' label opens a list; a group's line sets the group (a member's
    category, the body represented) for the names under it; marks on a line
    of their own are the person's above. Returns the lines that are none of
    these (marks on a line of their own before anyone, too), for the reader
    to keep and flag (imports.unplaced); a quorum statement this app prints
    is passed over."""
    layout = roll.layout
    unplaced: list[SourceLine] = []
    for number, text in lines:
        if layout.apologies_label and layout.apologies_label.match(text):
            roll.section, roll.group = APOLOGY, ""
            continue
        if layout.roll_caption_line and (caption := layout.roll_caption_line.match(text)):
            words = (caption["rest"] or caption["caption"] or "").lower()
            section = next(
                (s for pattern, s in layout.roll_captions if pattern.search(words)), None
            )
            if section is not None:
                roll.section, roll.group = section, ""
            continue
        if QUORUM_STATEMENT.match(text):
            continue
        entry = roll_line(text, layout)
        if entry is None or not add_roll_line(entry, number, roll):
            unplaced.append((number, text))
    return unplaced


def add_roll_line(entry: RollLine, number: int, roll: Roll) -> bool:
    """Record one line of a table printed as lines in `roll`; False for
    marks on a line of their own before anyone, which belong to no one."""
    roll.group = category_name(entry.group) if entry.group else roll.group
    if entry.name:
        found = ParsedPerson(name=entry.name, section=roll.section, group=roll.group, line=number)
        for mark in entry.marks:
            read_mark(found, mark, roll.layout)
        roll.people.append(found)
    elif entry.marks and roll.people:
        for mark in entry.marks:
            read_mark(roll.people[-1], mark, roll.layout)
    elif entry.marks:
        return False
    return True
