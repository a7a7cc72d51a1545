"""The readers read a person's marks, a member category and the committee
the one way (imports.layouts.read_mark, category_name; imports.common
guess_committee): the same attendance line in the 2019 text, the 2021
Markdown and another committee's minutes gives the same person."""

from dataclasses import asdict
from functools import partial
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layout_text import parse_text_layout
from imports.layouts import OPSG

# The OPSG 2021 layout: the generic reader given the registry's OPSG entry.
read_2021 = partial(parse_generic_layout, markdown=True, layout=OPSG)

FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
MARKDOWN = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
TEXT = (FIXTURES / "opsg_25_minutes.txt").read_text(encoding="utf-8")
GENERIC = """Finance Panel – Meeting 12

Date: 4 March 2026

Present:

- {line}
- Ada Byrne (Chair)

Apologies:

- Colm Reid

1. Budget

The Panel AGREED the budget.
"""

MARKS = [
    ("Alternate", {"alternate": True}),
    ("alternate for Imogen Hart", {"alternate": True, "alternate_for": "Imogen Hart"}),
    ("Alternate for Imogen Hart.", {"alternate": True, "alternate_for": "Imogen Hart"}),
    ("Teleconference", {"remote": True}),
    ("by teleconference", {"remote": True}),
    ("dial-in", {"remote": True}),
    ("Video conference", {"remote": True}),
    ("Part", {"part": True}),
    ("part attendance", {"part": True}),
    ("agenda item 6 & 7", {"part": True, "items": "6 & 7"}),
    ("items 3-4", {"part": True, "items": "3-4"}),
    ("left at 11:30", {"part": True, "items": "left at 11:30"}),
]
PLAIN = {"alternate": False, "alternate_for": "", "remote": False, "part": False, "items": ""}


def _marks(person) -> dict:
    return {key: value for key, value in asdict(person).items() if key in PLAIN}


def _person(minutes, name):
    return next(p for p in minutes.attendance if p.name == name)


@pytest.mark.parametrize("mark,expected", MARKS, ids=[m for m, _ in MARKS])
def test_a_mark_reads_alike_in_every_layout(mark, expected):
    markdown = read_2021(MARKDOWN.replace("Tomasz Wren (Alternate)", f"Tomasz Wren ({mark})"))
    text = parse_text_layout(
        TEXT.replace("Yvonne Mackenzie (Alternate)", f"Yvonne Mackenzie ({mark})")
    )
    generic = parse_generic_layout(GENERIC.format(line=f"Tomasz Wren ({mark})"), markdown=True)
    want = PLAIN | expected
    assert _marks(_person(markdown, "Tomasz Wren")) == want
    assert _marks(_person(text, "Yvonne Mackenzie")) == want
    assert _marks(_person(generic, "Tomasz Wren")) == want


def test_a_bracket_that_is_no_mark_is_kept_never_dropped():
    """The OPSG's minutes bracket a role; others bracket the body. Two
    brackets keep both: nothing in a bracket is lost."""
    markdown = read_2021(
        MARKDOWN.replace("Tomasz Wren (Alternate)", "Tomasz Wren (Vice Chair) (Observer)")
    )
    assert _person(markdown, "Tomasz Wren").role == "Vice Chair; Observer"
    generic = parse_generic_layout(
        GENERIC.format(line="Tomasz Wren (Harbour Trust) (Vice Chair) (Observer)"), markdown=True
    )
    person = _person(generic, "Tomasz Wren")
    assert person.group == "Harbour Trust"
    assert person.role == "Vice Chair; Observer"


def test_a_category_is_spelled_the_one_way_whichever_way_it_is_printed():
    """The 2021 tables print "Large Suppliers", the 2019 ones "Large
    Supplier": one category either way."""
    plural = read_2021(MARKDOWN)
    assert _person(plural, "Bernard Quill").group == "Large Supplier"
    assert _person(plural, "Owen Pritchard").group == "Network Party"
    assert _person(plural, "Colin Marsh").group == "Other SEC Party"
    text = parse_text_layout(
        TEXT.replace("Small Supplier Kate Barnes", "Small Suppliers Kate Barnes")
    )
    assert _person(text, "Kate Barnes").group == "Small Supplier"
    generic = parse_generic_layout(
        GENERIC.replace("Present:\n", "Present:\n\nNetwork Parties:\n"), markdown=True
    )
    assert _person(generic, "Ada Byrne").group == "Network Party"


def test_the_committee_is_read_from_its_actions_alike_in_both_opsg_layouts():
    """Without a reference or a title naming it, both OPSG readers take the
    code most ACTION lines use, and say so."""
    unnamed = MARKDOWN.replace("17 May 2021, OPSG_49_1705", "17 May 2021")
    markdown = read_2021(unnamed.replace("Operations Group Meeting", "Meeting 49"))
    assert markdown.committee == "OPSG"
    assert any(flag.kind == "committee-guess" for flag in markdown.flags)
    named = read_2021(unnamed)
    assert named.committee == "OPSG"
    assert not any(flag.kind == "committee-guess" for flag in named.flags)


UNNAMED = """Minutes of meeting 58

Date: 4 March 2026

Present:

- Ada Byrne (Chair)
- Colm Reid

1. Moorings

ACTION PANEL 58/01: Ada Byrne to survey the moorings.

ACTION PANEL 58/02: Colm Reid to book the hall.
"""


def test_another_committees_minutes_take_their_committee_from_their_actions():
    """A generic entry's document that names no committee takes the code its
    ACTION lines print, and says so, as both OPSG readings do; one that
    names it (a code in its title, or the upload form's) keeps it."""
    guessed = parse_generic_layout(UNNAMED, markdown=False)
    assert guessed.committee == "PANEL"
    assert [flag.kind for flag in guessed.flags if flag.kind.startswith("committee")] == [
        "committee-guess"
    ]
    named = parse_generic_layout(UNNAMED, markdown=False, committee="HP")
    assert named.committee == "HP"
    assert not any(flag.kind.startswith("committee") for flag in named.flags)
    titled = parse_generic_layout(
        UNNAMED.replace("of meeting", "of the Panel (HP) meeting"), markdown=False
    )
    assert titled.committee == "HP"
    assert not any(flag.kind.startswith("committee") for flag in titled.flags)


def test_no_committee_unknown_doubt_where_the_entry_reads_no_committees_decisions():
    """Where no action prints a code, an entry whose decisions are not the
    committee's by its code (a generic one) is not told that none could be read."""
    plain = parse_generic_layout(UNNAMED.replace("PANEL 58/0", "58/0"), markdown=False)
    assert plain.committee == ""
    assert not any(flag.kind.startswith("committee") for flag in plain.flags)


TABLE = """Finance Panel – Meeting 12

Date: 4 March 2026

Present:

| Name | Organisation | Role | Attendance | Seat |
|---|---|---|---|---|
| Ada Byrne | Harbour Trust | Chair | Present | 4 |
| Tomasz Wren | Quay Energy | – | Remote | 7 |
| Lena Ostrova | Quay Energy | Deputy | Items 3-4 | 2 |
| Colm Reid | Mill Water | – | Apologies | 1 |

1. Budget

The Panel AGREED the budget.
"""


def test_an_attendance_table_reads_its_body_role_and_marks_and_flags_the_rest():
    minutes = parse_generic_layout(TABLE, markdown=True)
    ada = _person(minutes, "Ada Byrne")
    assert (ada.section, ada.group, ada.role) == ("member", "Harbour Trust", "Chair")
    assert _marks(ada) == PLAIN
    tomasz = _person(minutes, "Tomasz Wren")
    assert (tomasz.group, tomasz.role, tomasz.remote) == ("Quay Energy", "", True)
    lena = _person(minutes, "Lena Ostrova")
    assert (lena.part, lena.items, lena.role) == (True, "3-4", "Deputy")
    colm = _person(minutes, "Colm Reid")
    assert (colm.section, colm.group) == ("apology", "Mill Water")
    unread = [flag for flag in minutes.flags if flag.kind == "unread-column"]
    assert len(unread) == 1 and "'Seat'" in unread[0].message


def test_another_committees_item_names_its_incidents_as_the_opsgs_do():
    text = GENERIC.format(line="Tomasz Wren").replace(
        "The Panel AGREED the budget.",
        "2. INC000000123456\n\nThe outage of INC000000999999 was NOTED.",
    )
    minutes = parse_generic_layout(text, markdown=True)
    item = next(item for item in minutes.items if item.number == "2")
    assert item.incidents == ["INC000000123456", "INC000000999999"]
    assert [flag.kind for flag in minutes.flags if flag.kind == "incident-mismatch"] == [
        "incident-mismatch"
    ]
