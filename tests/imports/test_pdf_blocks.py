"""The text pdftotext prints for minutes in the OPSG's layouts, as neutral
blocks (imports.pdf_blocks): page furniture read and left out, lines
gathered into headings, paragraphs, points, footnotes and the Actions
Outstanding table's header, each block keeping its source lines."""

import datetime

from imports.blocks import FOOTNOTE, HEADING, ITEM, PARAGRAPH, TABLE, Block
from imports.pdf_blocks import ACTIONS_HEADER, pdf_blocks


def kinds(blocks: list[Block]) -> list[tuple[str, str, str]]:
    return [(block.kind, block.number, block.text) for block in blocks]


def source_lines(blocks: list[Block]) -> list[int]:
    return [line.number for block in blocks for line in block.lines]


PAGES = """\
OPSG_25_0110 – Draft Minutes Page 1 of 2

This document has a Classification
of White

Operations Group Meeting 25

1 October 2019, 10:00 – 17:00

1. Previous Meeting Minutes

The Chair welcomed the Members to the meeting and the minutes of the

This document is classified as White in accordance with the Panel Information Policy.
\fOPSG_25_0110 – Draft Minutes Page 2 of 2

last meeting were approved.

https://smartenergycodecompany.co.uk/

2. Panel Feedback Report

SECAS gave the outcomes of the Panel meeting:

1. Managed Service Providers will support the process

2. The SEC strategic plan will be published

3. Actions Outstanding

Action ID Action
Date

Raised

Owner

OPSG 11/02 The DCC to report. 28/08/2018 13/09/2019 N/A DCC
"""


def test_the_furniture_is_read_and_left_out():
    page = pdf_blocks(PAGES)
    assert (page.reference, page.final, page.classification_label) == (
        "OPSG_25_0110",
        False,
        "White",
    )
    assert page.classification_statement.startswith("This document is classified as White")
    texts = [line.text for block in page.blocks for line in block.lines]
    assert not [text for text in texts if "Page" in text or "Classification" in text]
    assert not [text for text in texts if "classified" in text or text.startswith("https:")]
    assert [flag.kind for flag in page.flags] == ["link-target"]
    assert page.flags[0].line == 19


def test_a_paragraph_wrapped_over_a_page_break_is_one():
    blocks = pdf_blocks(PAGES).blocks
    paragraph = next(block for block in blocks if block.text.startswith("The Chair"))
    assert paragraph.kind == PARAGRAPH
    assert paragraph.text.endswith("and the minutes of the last meeting were approved.")
    assert [line.number for line in paragraph.lines] == [12, 17]


def test_an_items_heading_and_a_numbered_point():
    blocks = pdf_blocks(PAGES).blocks
    assert kinds(blocks[:2]) == [
        (HEADING, "", "Operations Group Meeting 25"),  # a short line alone: a sub-heading
        (PARAGRAPH, "", "1 October 2019, 10:00 – 17:00"),  # not numbered as item 1's heading
    ]
    body = blocks[2:]
    assert kinds(body)[:6] == [
        (HEADING, "1", "Previous Meeting Minutes"),
        (PARAGRAPH, "", body[1].text),
        (HEADING, "2", "Panel Feedback Report"),
        (PARAGRAPH, "", "SECAS gave the outcomes of the Panel meeting:"),
        (ITEM, "1", "Managed Service Providers will support the process"),
        (ITEM, "2", "The SEC strategic plan will be published"),
    ]
    assert kinds(body)[6] == (HEADING, "3", "Actions Outstanding")
    assert [block.level for block in blocks if block.kind == HEADING] == [3, 1, 1, 1]


def test_the_table_is_cut_into_rows_of_cells():
    page = pdf_blocks(PAGES)
    table = next(block for block in page.blocks if block.kind == TABLE)
    assert table.rows == (
        ACTIONS_HEADER,
        ("OPSG 11/02", "The DCC to report.", "28/08/2018", "13/09/2019", "N/A", "DCC", "", ""),
    )
    assert [line.number for line in table.lines] == [31, 38]  # the header's other words: furniture
    assert table.cell_lines[1][0] == 38


TABLE_OVER_LINES = """1. Actions Outstanding

Action ID Action
Date

Raised

Owner

OPSG

11/02

The DCC to update and

publish its process.

28/08/2018 13/09/2019 N/A DCC

The DCC explained it has reviewed its process.

Action Status: Closed
 Action ID Action
Date

OPSG 20/06 DCC to confirm the measures.

07/05/2019 01/10/2019 To be determined

SECAS

Action Status: Open

OPSG 20/07 DCC to say.

The DCC said.

2. Major Incidents
"""


def test_a_rows_cells_over_lines_and_pages():
    page = pdf_blocks(TABLE_OVER_LINES)
    table = page.blocks[1]
    assert table.rows[1:] == (
        (
            "OPSG 11/02",
            "The DCC to update and publish its process.",
            "28/08/2018",
            "13/09/2019",
            "N/A",
            "DCC",
            "The DCC explained it has reviewed its process.",
            "Closed",
        ),
        (
            "OPSG 20/06",
            "DCC to confirm the measures.",
            "07/05/2019",
            "01/10/2019",
            "To be determined",
            "SECAS",
            "",
            "Open",
        ),
        ("OPSG 20/07", "DCC to say. The DCC said.", "", "", "", "", "", ""),
    )
    # A row starts on its reference's line; its dates and owner are read from the date's.
    assert [(lines[0], lines[5]) for lines in table.cell_lines[1:]] == [
        (10, 18),
        (26, 28),
        (34, 34),
    ]
    assert [(flag.line, flag.kind) for flag in page.flags] == [(34, "table-row")]
    assert kinds(page.blocks[2:]) == [(HEADING, "2", "Major Incidents")]


def test_a_table_in_columns():
    text = (
        "1. Actions Outstanding\n\n"
        " Action ID       Action                  Date            Last           Revised       Owner\n"
        "                                         Raised          Target         Target\n"
        " OPSG 44/01      DCC and SECAS to        04/02/2020      03/03/2020     To be         DCC/SECAS\n"
        "                 report.                                                determined\n"
        " The DCC gave an update.\n"
        " Action Status: Open\n"
    )
    table = pdf_blocks(text).blocks[1]
    assert table.rows[1] == (
        "OPSG 44/01",
        "DCC and SECAS to report.",
        "04/02/2020",
        "03/03/2020",
        "To be determined",
        "DCC/SECAS",
        "The DCC gave an update.",
        "Open",
    )


def test_a_tables_header_before_the_items_is_a_block_alone():
    blocks = pdf_blocks("Action ID Action\nOPSG 11/02 The DCC to report.\n").blocks
    assert kinds(blocks) == [(TABLE, "", "Action ID Action"), (PARAGRAPH, "", blocks[1].text)]
    assert blocks[0].rows == ()


def test_every_line_is_in_one_block_in_order():
    lines = source_lines(pdf_blocks(PAGES).blocks)
    assert lines == sorted(set(lines))


def test_the_draft_marks_letters_are_left_out_where_they_fall():
    text = (
        "1. Previous Meeting Minutes\n\n"
        "The Chair welcomed the Members to the meeting\n"
        "D\n"
        "R\n"
        "and the minutes were approved.\n"
        "A\n"
        "FT\n"
    )
    blocks = pdf_blocks(text).blocks
    assert kinds(blocks) == [
        (HEADING, "1", "Previous Meeting Minutes"),
        (
            PARAGRAPH,
            "",
            "The Chair welcomed the Members to the meeting and the minutes were approved.",
        ),
    ]


def test_letters_that_do_not_spell_the_mark_are_kept():
    text = "1. Previous Meeting Minutes\n\nThe Chair welcomed the Members.\n\nA\n\nA\n"
    blocks = pdf_blocks(text).blocks
    assert [block.text for block in blocks[1:]] == ["The Chair welcomed the Members.", "A", "A"]


def test_a_footnote_under_its_rule_of_spaces():
    text = (
        "1. Previous Meeting Minutes\n\n"
        "The Chair welcomed the Members.\n" + " " * 30 + "\n1 Enable customers to switch\n"
    )
    blocks = pdf_blocks(text).blocks
    assert kinds(blocks)[-1] == (FOOTNOTE, "1", "Enable customers to switch")
    assert blocks[-1].line == 5


def test_with_layout_a_short_line_ends_its_paragraph():
    text = (
        "Operations Group Meeting 25      1 October 2019\n\n"
        "1. Previous Meeting Minutes\n\n"
        "The OPSG heard that the service had been restored within the hour and that the\n"
        "Users were told.\n"
        "Members asked for the report, noting that no review took place at all this time\n"
        "round.\n"
        "The DCC will report again.\n"
    )
    blocks = pdf_blocks(text).blocks
    assert [block.text for block in blocks[2:]] == [
        "The OPSG heard that the service had been restored within the hour and that the "
        "Users were told.",
        "Members asked for the report, noting that no review took place at all this time round.",
        "The DCC will report again.",
    ]


def test_a_line_opening_a_block_of_its_own():
    text = (
        "1. Previous Meeting Minutes\n\n"
        "The OPSG discussed the report and\n"
        "ACTION OPSG 25/01: DCC to report on the outage.\n"
        "- a bullet\n"
        "Post-meeting note:\n"
        "The Chair asked for it.\n"
    )
    blocks = pdf_blocks(text).blocks
    assert kinds(blocks)[1:] == [
        (PARAGRAPH, "", "The OPSG discussed the report and"),
        (PARAGRAPH, "", "ACTION OPSG 25/01: DCC to report on the outage."),
        (ITEM, "", "a bullet"),
        (PARAGRAPH, "", "Post-meeting note: The Chair asked for it."),
    ]


def test_a_number_out_of_sequence_is_a_point_not_an_item():
    text = "1. Previous Meeting Minutes\n\nThe minutes:\n\n3. Were approved\n\n2. Next Item\n"
    blocks = pdf_blocks(text).blocks
    assert kinds(blocks) == [
        (HEADING, "1", "Previous Meeting Minutes"),
        (PARAGRAPH, "", "The minutes:"),
        (ITEM, "3", "Were approved"),
        (HEADING, "2", "Next Item"),
    ]


def test_the_recap_of_actions_raised_is_a_table_of_its_own():
    text = (
        "1. Previous Meeting Minutes\n\n"
        "The minutes were approved.\n\n"
        "Actions raised at this meeting\n\n"
        "2. OPSG 25/01 DCC to report\n\n"
        "Next meeting: 5 November 2019\n"
    )
    page = pdf_blocks(text)
    assert kinds(page.blocks) == [
        (HEADING, "1", "Previous Meeting Minutes"),
        (PARAGRAPH, "", "The minutes were approved."),
        (TABLE, "", "Actions raised at this meeting"),
    ]
    assert source_lines(page.blocks[2:]) == [5, 7]
    assert page.next_meetings == [("main", datetime.date(2019, 11, 5))]
