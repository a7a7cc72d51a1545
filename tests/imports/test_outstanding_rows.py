"""Rows of an outstanding-actions table that are easy to lose or misread
(imports.outstanding_table): a row with words but neither an action nor a
reference is flagged naming its line, never skipped; a status a review's own
cell states is read, and only a status really absent is flagged missing."""

from functools import partial
from pathlib import Path

from imports.layout_generic import parse_generic_layout
from imports.layouts import OPSG

FIXTURES = Path(__file__).resolve().parent / "minutes"
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
| OPSG 44/05 | The DCC to test. | 01/02/2021 | 01/03/2021 | N/A | DCC | Superseded |
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
    assert doubt.line == 14 and "'Superseded'" in doubt.message
    superseded = next(r for r in minutes.reviews if r.reference == "OPSG 44/05")
    assert superseded.update == "Status: Superseded"


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


# The same status cells in a generic table and in the OPSG's.
STATUS_CELLS = ("Done", "Completed 12/03", "In progress", "Closed – superseded", "Superseded")


def status_table(header: str, ruler: str, row: str) -> str:
    rows = "\n".join(row.format(n=n, status=cell) for n, cell in enumerate(STATUS_CELLS, 1))
    return f"OPSG_49_1705\n\nFinal Minutes\n\n1. Actions Outstanding\n\n{header}\n{ruler}\n{rows}\n"


OPSG_STATUS = status_table(
    "| Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner | Status |",
    "|---|---|---|---|---|---|---|",
    "| OPSG 44/0{n} | DCC to act. | 01/02/2021 | 01/03/2021 | N/A | DCC | {status} |",
)
GENERIC_STATUS = status_table(
    "| Ref | Action | Owner | Due | Status |",
    "|---|---|---|---|---|",
    "| 44/0{n} | Act | Ada Byrne | 30/04/2026 | {status} |",
)


def test_a_status_word_is_read_the_same_way_by_every_entry():
    opsg, generic = read_2021(OPSG_STATUS), parse_generic_layout(GENERIC_STATUS, markdown=True)
    expected = ["closed", "closed", "open", "closed", "open"]
    assert [r.status for r in opsg.reviews] == expected
    assert [r.status for r in generic.reviews] == expected
    for minutes in (opsg, generic):  # only the word no entry reads is flagged, naming its row
        [doubt] = [f for f in minutes.flags if f.kind in ("review-status", "missing-status")]
        assert (doubt.kind, doubt.line) == ("review-status", 13)
        assert "'Superseded'" in doubt.message


def test_the_opsg_keeps_a_status_cell_s_other_words_in_the_update():
    minutes = read_2021(OPSG_STATUS)
    updates = [r.update for r in minutes.reviews]
    assert updates == ["", "12/03", "", "– superseded", "Status: Superseded"]


def test_an_update_s_status_is_read_by_the_same_words():
    text = CONFLICTS.replace("Status: Closed.", "Status: Done.")
    minutes = read_2021(text)
    assert minutes.reviews[1].status == "closed"
    assert minutes.reviews[1].update == "SECAS wrote on 2 March."
    [conflict] = [f for f in minutes.flags if f.kind == "status-conflict" and f.line == 11]
    assert "'Open' (line 10)" in conflict.message and "'Done' (line 11)" in conflict.message


def test_a_header_or_rule_written_twice_is_no_action():
    header, rule = GENERIC_TABLE.split("\n")[4:6]
    texts = (
        GENERIC_TABLE.replace(header, f"{header}\n{header}"),
        GENERIC_TABLE.replace(rule, f"{rule}\n| --- | --- | --- | --- | --- |"),
    )
    for text in texts:
        for markdown in (True, False):
            minutes = parse_generic_layout(text, markdown=markdown)
            assert [r.reference for r in minutes.reviews] == ["HP 211/01", "HP 211/02"]
            assert not [f for f in minutes.flags if f.kind in ("action-reference", "listed-twice")]


def test_a_status_word_after_not_is_not_read_as_that_status():
    opsg = read_2021(OPSG_STATUS.replace("| Done |", "| Not done |"))
    generic = parse_generic_layout(
        GENERIC_STATUS.replace("| Done |", "| Not done |"), markdown=True
    )
    for minutes in (opsg, generic):
        assert minutes.reviews[0].status == "open"
        doubts = [f for f in minutes.flags if f.kind == "review-status"]
        assert [f.line for f in doubts] == [9, 13] and "'Not done'" in doubts[0].message
    update = read_2021(CONFLICTS.replace("Status: Closed.", "Status: not done."))
    assert update.reviews[1].update == "SECAS wrote on 2 March. Status: not done."
    assert update.reviews[1].status == "open"


def test_an_action_line_s_last_status_word_is_read_with_its_not():
    text = (FIXTURES / "association_2026_03.md").read_text(encoding="utf-8")
    text = text.replace("due 1 April 2026, open", "due 1 April 2026, not done")
    minutes = parse_generic_layout(text, markdown=True)
    lines = {r.line: r.status for r in minutes.reviews}
    assert (lines[52], lines[53]) == ("open", "closed")
    [doubt] = [f for f in minutes.flags if f.kind == "review-status"]
    assert doubt.line == 52 and "'not done'" in doubt.message
