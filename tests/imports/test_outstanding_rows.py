"""Rows of an outstanding-actions table that are easy to lose or misread
(imports.outstanding_table): a row with words but neither an action nor a
reference is flagged naming its line, never skipped; a status a review's own
cell states is read, and only a status really absent is flagged missing."""

from functools import partial

from imports.layout_generic import parse_generic_layout
from imports.layouts import OPSG

read_2021 = partial(parse_generic_layout, markdown=True, layout=OPSG)

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


OPSG_TABLE = """\
OPSG_49_1705

Final Minutes

1. Actions Outstanding

| Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner | Status |
|---|---|---|---|---|---|---|
| OPSG 44/01 | DCC to publish the plan. | 01/02/2021 | 01/03/2021 | N/A | DCC | Closed |
| OPSG 44/02 | SECAS to circulate it. | 01/02/2021 | 01/03/2021 | N/A | SECAS | Open |
| OPSG 44/03 | The DCC to report. | 01/02/2021 | 01/03/2021 | N/A | DCC | |
| OPSG 44/04 | SECAS to write. | 01/02/2021 | 01/03/2021 | N/A | SECAS | |
| SECAS wrote on 2 March. Status: Closed. | | | | | | |
| OPSG 44/05 | The DCC to test. | 01/02/2021 | 01/03/2021 | N/A | DCC | Done |
"""


def test_a_status_stated_in_its_own_cell_is_read_and_not_flagged_missing():
    minutes = read_2021(OPSG_TABLE)
    status = {r.reference: r.status for r in minutes.reviews}
    assert status == {
        "OPSG 44/01": "closed",
        "OPSG 44/02": "open",
        "OPSG 44/03": "open",
        "OPSG 44/04": "closed",
        "OPSG 44/05": "open",
    }
    missing = [f for f in minutes.flags if f.kind == "missing-status"]
    assert [(f.line, f.message.split(":")[0]) for f in missing] == [(11, "OPSG 44/03")]


def test_a_status_cell_that_is_not_open_or_closed_is_flagged_as_such():
    minutes = read_2021(OPSG_TABLE)
    [doubt] = [f for f in minutes.flags if f.kind == "review-status"]
    assert doubt.line == 14 and "'Done'" in doubt.message
    assert next(r for r in minutes.reviews if r.reference == "OPSG 44/05").update == "Status: Done"


def test_a_status_in_the_update_cell_is_read_and_not_flagged_missing():
    text = OPSG_TABLE.replace("| Owner | Status |", "| Owner | Update |").replace(
        "| DCC | Closed |", "| DCC | Published. Status: Closed |"
    )
    minutes = read_2021(text)
    first = minutes.reviews[0]
    assert (first.status, first.update) == ("closed", "Published.")
    assert [f.line for f in minutes.flags if f.kind == "missing-status"] == [10, 11, 14]


CONFLICTS = """\
OPSG_49_1705

Final Minutes

1. Actions Outstanding

| Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner | Update | Status |
|---|---|---|---|---|---|---|---|
| OPSG 44/01 | DCC to publish. | 01/02/2021 | 01/03/2021 | N/A | DCC | Published. Status: Closed | Open |
| OPSG 44/02 | SECAS to write. | 01/02/2021 | 01/03/2021 | N/A | SECAS | | Open |
| SECAS wrote on 2 March. Status: Closed. | | | | | | | |
| OPSG 44/03 | DCC to test. | 01/02/2021 | 01/03/2021 | N/A | DCC | Tested. Status: Closed | Closed |
| OPSG 44/04 | DCC to report. | 01/02/2021 | 01/03/2021 | N/A | DCC | Status: Open. Reported. Status: Closed. | |
"""


def test_two_statements_of_status_that_disagree_are_flagged_naming_both_lines_and_words():
    minutes = read_2021(CONFLICTS)
    # The last statement read says the status: a row's status cell after its
    # update cell, an update row after the row above, in a text the later one.
    assert [r.status for r in minutes.reviews] == ["open", "closed", "closed", "closed"]
    conflicts = [f for f in minutes.flags if f.kind == "status-conflict"]
    assert [(f.line, f.message.split(":")[0]) for f in conflicts] == [
        (9, "OPSG 44/01"),
        (11, "OPSG 44/02"),
        (13, "OPSG 44/04"),
    ]
    first, second, _ = conflicts
    assert "'Closed' (line 9)" in first.message and "'Open' (line 9)" in first.message
    assert "read as open" in first.message
    assert "'Open' (line 10)" in second.message and "'Closed' (line 11)" in second.message
    assert not [f for f in minutes.flags if f.kind in ("missing-status", "review-status")]


def test_statements_that_agree_are_not_flagged_and_leave_the_update_words():
    minutes = read_2021(CONFLICTS)
    assert [r.update for r in minutes.reviews] == [
        "Published.",
        "SECAS wrote on 2 March.",
        "Tested.",
        "Reported.",
    ]
    assert "OPSG 44/03" not in " ".join(f.message for f in minutes.flags)
