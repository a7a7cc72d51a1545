"""The attendance of every registry entry is read by one module
(imports.attendance) from the entry's data: the header words of a table's
columns and the words of a mark cell are the layout's, not the reader's."""

from dataclasses import replace

from imports.attendance import listed_person, named_table_entries
from imports.blocks import markdown_blocks
from imports.layout_generic import parse_generic_layout
from imports.layouts import BODY, GENERIC, MARK, NAME, ROLE

DELEGATES = """Harbour Panel – Meeting 14

Date: 6 May 2026

Present:

| Delegate | Body | Seat | Here |
|---|---|---|---|
| Ada Byrne | Harbour Trust | Chair | Oui |
| Tomasz Wren | Quay Energy | – | Excusé |
| Lena Ostrova | Quay Energy | – | Remote |

1. Budget

The Panel AGREED the budget.
"""

# A committee whose tables say "Delegate", "Seat" and "Here", and mark
# presence and apologies in French: a new entry's data, no new code.
FRENCH = replace(
    GENERIC,
    name="french-panel",
    attendance_columns={
        NAME: ("delegate",),
        BODY: ("body",),
        ROLE: ("seat",),
        MARK: ("here",),
    },
    present_marks=frozenset({"oui"}),
    absent_marks=frozenset({"excusé"}),
)


def test_a_table_is_read_by_its_entrys_column_words_and_marks():
    minutes = parse_generic_layout(DELEGATES, markdown=True, layout=FRENCH)
    people = {p.name: p for p in minutes.attendance}
    assert (people["Ada Byrne"].section, people["Ada Byrne"].group) == ("member", "Harbour Trust")
    assert people["Ada Byrne"].role == "Chair" and not people["Ada Byrne"].remote
    assert people["Tomasz Wren"].section == "apology"
    assert people["Lena Ostrova"].remote
    assert [p.line for p in minutes.attendance] == [9, 10, 11]
    assert not [f for f in minutes.flags if f.kind == "unread-column"]


def test_the_generic_entry_does_not_know_those_words_and_says_so():
    minutes = parse_generic_layout(DELEGATES, markdown=True)
    # No name column it knows: the first column is the name, the rest flagged.
    [unread] = [f for f in minutes.flags if f.kind == "unread-column"]
    assert unread.line == 7 and "'Seat'" in unread.message and "'Here'" in unread.message


def test_a_tables_rows_as_lines_with_their_role_and_apologies():
    [table] = [b for b in markdown_blocks(DELEGATES) if b.kind == "table"]
    flags = []
    entries = named_table_entries(table, FRENCH, flags)
    assert [(e.line, e.text, e.role, e.absent) for e in entries] == [
        (9, "Ada Byrne (Harbour Trust)", "Chair", False),
        (10, "Tomasz Wren (Quay Energy)", "", True),
        (11, "Lena Ostrova (Quay Energy) (Remote)", "", False),
    ]
    assert flags == []


def test_a_listed_name_with_its_marks_or_a_flag():
    flags = []
    person = listed_person("*Ada Byrne [Chair]", "member", "Harbour Panel", 3, GENERIC, flags)
    assert (person.name, person.remote, person.role, person.group) == (
        "Ada Byrne",
        True,
        "Chair",
        "Harbour Panel",
    )
    assert listed_person("the rest of the panel", "member", "", 4, GENERIC, flags) is None
    assert [(f.line, f.kind) for f in flags] == [(4, "unread-line")]


WRAPPED = """Holbrook Board – Meeting 77

Date: 9 July 2026

Present: Mr Ansel Pryor (Chair), Mrs Beatrix Corley, Ms Delphine
Ashe, Mr Evander Kolb, Mrs Fenella
Moorcroft
Apologies: Mr Isidore Lamb

1. Accounts

The Board AGREED the accounts.
"""


def test_a_list_wrapped_inside_a_name_reads_the_name_whole_and_says_so():
    """A list by commas printed narrower than it was written (a PDF): a
    line ending inside a name, over the name's last word. Before, "Ms
    Delphine" and "Ashe" were two members, without a flag."""
    parsed = parse_generic_layout(WRAPPED, markdown=False)
    assert [(p.name, p.section) for p in parsed.attendance] == [
        ("Mr Ansel Pryor", "member"),
        ("Mrs Beatrix Corley", "member"),
        ("Ms Delphine Ashe", "member"),
        ("Mr Evander Kolb", "member"),
        ("Mrs Fenella Moorcroft", "member"),
        ("Mr Isidore Lamb", "apology"),
    ]
    wrapped = [(f.line, f.message) for f in parsed.flags if f.kind == "wrapped-name"]
    assert [line for line, _ in wrapped] == [6, 7]
    assert "'Ms Delphine Ashe'" in wrapped[0][1] and "'Mrs Fenella Moorcroft'" in wrapped[1][1]
