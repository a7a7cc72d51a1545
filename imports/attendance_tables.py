"""Attendance tables captioned by what they list, read by the layout's data
(imports.layouts: `roll_captions`, `roll_name_column`,
`category_carries_down`, `empty_header_continues`), for a layout whose
text is read as written (imports.front_matter).

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
name is handed back to the reader as a line it could not place."""

import re
from dataclasses import dataclass, field

from imports.blocks import HTML_TAG, SourceLine, plain
from imports.layouts import APOLOGY, MEMBER, Layout, category_name, read_mark
from imports.parsed import ParsedPerson

_MARK = re.compile(r"\(([^()]*)\)")


@dataclass
class Roll:
    """Where the attendance tables have got to."""

    layout: Layout
    section: str = MEMBER
    group: str = ""
    name_column: int = 1
    group_column: int = 0
    apologies: bool = False
    people: list[ParsedPerson] = field(default_factory=list)

    def open_apologies(self) -> None:
        """An 'Apologies:' label: what follows is apologies."""
        self.apologies, self.section, self.group = True, APOLOGY, ""


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
