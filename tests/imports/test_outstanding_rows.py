"""Rows of an outstanding-actions table that are easy to lose or misread
(imports.outstanding_table): a row with words but neither an action nor a
reference is flagged naming its line, never skipped."""

from imports.layout_generic import parse_generic_layout

GENERIC_TABLE = """\
Harbour Panel (HP) meeting 212, 4 March 2026

Outstanding actions

| Ref | Action | Owner | Due | Status |
|---|---|---|---|---|
| 211/01 | Circulate the revised guide | Ada Byrne | 30/04/2026 | Open |
|  |  | Tomasz Wren |  |  |
|  |  |  |  | Closed |
|  |  |  |  |  |
| 211/02 | Repair the slipway | Colm Reid | 31/05/2026 | Closed |
"""


def test_a_generic_row_without_action_or_reference_is_flagged_naming_its_line():
    minutes = parse_generic_layout(GENERIC_TABLE, markdown=True)
    assert [r.reference for r in minutes.reviews] == ["HP 211/01", "HP 211/02"]
    unread = [f for f in minutes.flags if f.kind == "unread-row"]
    assert [f.line for f in unread] == [8, 9]  # the empty row (line 10) holds nothing to lose
    assert "Tomasz Wren" in unread[0].message and "Closed" in unread[1].message
    lines = GENERIC_TABLE.split("\n")
    assert "Tomasz Wren" in lines[unread[0].line - 1]


def test_the_same_rows_as_plain_text_are_flagged_too():
    minutes = parse_generic_layout(GENERIC_TABLE, markdown=False)
    assert [f.line for f in minutes.flags if f.kind == "unread-row"] == [8, 9]


def test_a_row_that_is_an_action_is_still_read_as_one():
    text = GENERIC_TABLE.replace("|  |  | Tomasz Wren |", "|  | Paint the buoys | Tomasz Wren |")
    minutes = parse_generic_layout(text, markdown=True)
    assert [r.text for r in minutes.reviews][1].endswith("Paint the buoys")
    assert [f.line for f in minutes.flags if f.kind == "unread-row"] == [9]
