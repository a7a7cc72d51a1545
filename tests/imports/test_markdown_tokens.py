"""Markdown is cut into blocks by markdown-it-py, each with its source lines
(imports.blocks.markdown_source_blocks), and its pipe tables read by it
(imports.blocks.pipe_rows), the one way every reader takes them: the 2021
layout's attendance and Actions Outstanding tables, and the generic
reader's tables in Markdown, Word and text. A cell is never dropped or
invented, a row is never merged, a line is never lost."""

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from imports.blocks import (
    HEADING,
    ITEM,
    PARAGRAPH,
    TABLE,
    PipeRows,
    markdown_blocks,
    markdown_source_blocks,
    pipe_rows,
    text_blocks,
)
from imports.layout_generic import parse_generic_layout
from imports.layouts import OPSG

# The OPSG 2021 layout: the generic reader given the registry's OPSG entry.
read_2021 = partial(parse_generic_layout, markdown=True, layout=OPSG)


def lines(text):
    return list(enumerate(text.split("\n"), start=1))


def test_a_header_its_rule_and_rows_each_with_its_line():
    table = pipe_rows(lines("| Category | Name |\n|---|:--:|\n| Large Supplier | Ann Ash |"))
    assert table == PipeRows(("Category", "Name"), ((3, ("Large Supplier", "Ann Ash")),))


def test_an_escaped_pipe_stays_in_its_cell_and_a_line_break_is_a_space():
    table = pipe_rows(lines("| a \\| b | c<br>d |"))
    assert table.rows == ((1, ("a | b", "c d")),)


def test_rows_keep_the_cells_they_have_no_more_and_no_fewer():
    table = pipe_rows(lines("| A | B |\n|---|---|\n| 1 | 2 | 3 |\n| only |"))
    assert table.header == ("A", "B")
    assert table.rows == ((3, ("1", "2", "3")), (4, ("only",)))


def test_a_table_cut_by_a_page_break_goes_on_without_a_header():
    table = pipe_rows(lines("| The DCC reported. | | |\n| OPSG 43/07 | text | 1 June |"))
    assert table.header is None
    assert [cells for _, cells in table.rows] == [
        ("The DCC reported.", "", ""),
        ("OPSG 43/07", "text", "1 June"),
    ]


def test_nothing_but_rules_is_no_row():
    assert pipe_rows(lines("|---|---|")) == PipeRows(None, ())
    assert pipe_rows([]) == PipeRows(None, ())


def test_markdown_and_text_give_the_same_table():
    text = "| Name | Organisation |\n|---|---|\n| Ann Ash | DCC |\n| Bo Birch | Ofgem |"
    (from_markdown,) = markdown_blocks(text)
    (from_text,) = text_blocks(text)
    assert (
        from_markdown.rows
        == from_text.rows
        == (
            ("Name", "Organisation"),
            ("Ann Ash", "DCC"),
            ("Bo Birch", "Ofgem"),
        )
    )


MINUTES = """Operations Group Meeting
24 May 2021, OPSG_49_2405
Attendees:

| Category | Operations Group Members |
|---|---|
| Large Suppliers | Ann Ash |
| Bo Birch |

# 1. Previous Meeting Minutes

The OPSG **AGREED** the minutes.
"""


def test_an_attendance_row_short_of_its_name_column_is_flagged_not_dropped():
    minutes = read_2021(MINUTES)
    assert [p.name for p in minutes.attendance] == ["Ann Ash"]
    (flag,) = [f for f in minutes.flags if f.kind == "unplaced-line"]
    assert flag.line == 8
    assert "Bo Birch" in flag.message


def test_blocks_end_where_markdown_ends_a_block_and_at_blank_lines():
    text = "The OPSG NOTED:\n- the report\n- the plan\n\n# 2. Next\nA paragraph\n\n1. one\n\n2. two"
    blocks = markdown_source_blocks(text)
    assert [[number for number, _ in block.lines] for block in blocks] == [
        [1],
        [2, 3],
        [5],
        [6],
        [8],
        [10],
    ]
    assert [block.kind for block in blocks] == [PARAGRAPH, ITEM, HEADING, PARAGRAPH, ITEM, ITEM]


def test_a_line_markdown_gives_no_block_is_kept_as_a_block():
    text = "Some words.\n\n[ref]: https://example.org/paper\n\nMore words."
    blocks = markdown_source_blocks(text)
    assert [[raw for _, raw in block.lines] for block in blocks] == [
        ["Some words."],
        ["[ref]: https://example.org/paper"],
        ["More words."],
    ]


def test_a_decision_over_a_list_reads_its_points():
    text = MINUTES.replace(
        "The OPSG **AGREED** the minutes.", "The OPSG **NOTED**:\n- the report\n- the plan"
    )
    (item,) = read_2021(text).items
    (decision,) = item.decisions
    assert decision.verb == "NOTED"
    assert "the report" in decision.text and "the plan" in decision.text


def test_a_row_of_dash_placeholders_is_a_row():
    table = pipe_rows(lines("| Ref | Owner |\n|---|---|\n| A-1 | DCC |\n| - | - |\n|---|---|"))
    assert table.header == ("Ref", "Owner")
    assert [cells for _, cells in table.rows] == [("A-1", "DCC"), ("-", "-")]


def test_a_block_keeps_its_lines_as_written_and_their_words():
    text = "# 3. Service **Reports**\n\nThe OPSG **NOTED** the [report](https://example.org)\nand <i>the plan</i>.\r\n\n2. two\n3. three"
    heading, paragraph, points = markdown_source_blocks(text)
    assert (heading.kind, heading.number, heading.level, heading.text) == (
        HEADING,
        "3",
        1,
        "Service Reports",
    )
    assert heading.lines == ((1, "# 3. Service **Reports**"),)
    assert paragraph.lines == (
        (3, "The OPSG **NOTED** the [report](https://example.org)"),
        (4, "and <i>the plan</i>."),
    )
    assert paragraph.text == "The OPSG NOTED the report\nand the plan."
    assert (points.kind, points.number, points.line, points.text) == (ITEM, "2", 6, "two\nthree")


def test_a_table_keeps_its_cells_as_written_and_the_line_of_each_row():
    text = "Attendees:\n| Category | Name |\n|---|---|\n| Large Supplier | **Ann** Ash |\n| Bo Birch |\n|"
    caption, table = markdown_source_blocks(text)
    assert (caption.kind, caption.lines) == (PARAGRAPH, ((1, "Attendees:"),))
    assert table.kind == TABLE and table.line == 2
    assert table.rows == (
        ("Category", "Name"),
        ("Large Supplier", "**Ann** Ash"),
        ("Bo Birch",),
        (),
    )
    assert table.row_lines == (2, 4, 5, 6)
    assert table.cell_lines == ((2, 2), (4, 4), (5,), ())
    assert [number for number, _ in table.lines] == [2, 3, 4, 5, 6]


def test_pipe_rows_without_a_header_are_a_table_with_an_empty_header():
    text = "| The DCC reported. | | |\n| OPSG 43/07 | text | 1 June |\nThe OPSG NOTED the update."
    table, after = markdown_source_blocks(text)
    assert table.kind == TABLE and table.rows[0] == ()
    assert table.rows[1:] == (("The DCC reported.", "", ""), ("OPSG 43/07", "text", "1 June"))
    assert table.row_lines == (1, 1, 2)
    assert (after.kind, after.line) == (PARAGRAPH, 3)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet="|#*-–:()[]<>`>0123456789 aAbB.\t", max_size=30), max_size=40))
def test_every_line_with_words_is_in_one_block(source):
    text = "\n".join(source)
    blocks = markdown_source_blocks(text)
    numbers = [number for block in blocks for number, _ in block.lines]
    assert numbers == sorted(set(numbers))
    expected = [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    assert numbers == expected
    for block in blocks:
        assert block.line == block.lines[0][0]
        if block.kind == TABLE:
            assert len(block.row_lines) == len(block.rows)
        elif block.kind != HEADING:
            assert len(block.text.split("\n")) == len(block.lines)


def test_an_item_heading_is_read_from_its_heading_block_number_and_words():
    text = MINUTES.replace(
        "The OPSG **AGREED** the minutes.",
        "The OPSG **AGREED** the minutes.\n\n## 2. The [PMR](https://example.org) **Report**\n\n"
        "Words.\n\n## 2.1.3 Not an item\n\nAn underlined heading\n---\n\nMore words.",
    )
    minutes = read_2021(text)
    assert [(item.number, item.title, item.line) for item in minutes.items] == [
        ("1", "Previous Meeting Minutes", 10),
        ("2", "The PMR Report", 14),
    ]
    narrative = minutes.items[1].narrative
    assert "## 2.1.3 Not an item" in narrative and "An underlined heading\n---" in narrative


def test_attendees_on_a_line_of_a_paragraph_start_the_attendance():
    text = MINUTES.replace("Attendees:\n", "Teleconference\nAttendees:\n")
    minutes = read_2021(text)
    assert minutes.teleconference
    assert [person.name for person in minutes.attendance] == ["Ann Ash"]


def test_every_tokenizer_keeps_each_blocks_source_lines():
    text = "Budget\n======\n\nThe Panel AGREED\nthe budget.\n\n- Ann Ash\n  (Chair)\n\n| Name | Org |\n|---|---|\n| Bo Birch | DCC |"
    for blocks in (markdown_blocks(text), text_blocks(text)):
        assert [[number for number, _ in block.lines] for block in blocks] == [
            [1, 2],
            [4, 5],
            [7, 8],
            [10, 11, 12],
        ]
        assert blocks[1].lines == ((4, "The Panel AGREED"), (5, "the budget."))
        table = blocks[-1]
        assert table.rows == (("Name", "Org"), ("Bo Birch", "DCC"))
        assert table.row_lines == (10, 12)
        assert table.cell_lines == ((10, 10), (12, 12))


def test_a_table_in_columns_keeps_the_line_of_each_row():
    text = "Ref    Action             Owner\n12/03  Draft the glossary  Harbour Data\n12/04  Agree the policy    Chair"
    (table,) = text_blocks(text)
    assert table.row_lines == (1, 2, 3)
    assert [number for number, _ in table.lines] == [1, 2, 3]


def test_angle_brackets_that_are_no_html_tag_are_words_kept_as_typed():
    """Formatting tags (<i>, <br>) are how words look, and go; "<TBC>" and
    "<Name Surname>" are what someone typed, on a line of their own too
    (where markdown-it takes them for a block of HTML)."""
    text = (
        "# 1. Item\n\nTarget <TBC>; <i>alternate</i> for <Ann Ash><br> <!-- draft -->\n\n"
        "<TBC>\n\n<div>\n</div>\n\nafter\n"
    )
    assert [(b.kind, b.text) for b in markdown_blocks(text)] == [
        (HEADING, "Item"),
        (PARAGRAPH, "Target <TBC>; alternate for <Ann Ash>"),
        (PARAGRAPH, "<TBC>"),
        (PARAGRAPH, "after"),
    ]
    as_written = [b.text for b in markdown_source_blocks(text)]
    assert "Target <TBC>; alternate for <Ann Ash>" in as_written
    assert "<TBC>" in as_written


def test_a_line_without_a_pipe_under_a_table_is_the_next_paragraph():
    """GitHub's Markdown would read "Item 3: Offers" right under a table's
    last row as a row of one cell, and every line after it to the next
    blank one: the items under it were read as rows of actions."""
    text = (
        "Item 2: Actions\n| Ref | Action |\n| --- | --- |\n| 86/01 | Circulate the guide |\n"
        "Item 3: Offers\nThe Panel discussed the offers."
    )
    blocks = markdown_blocks(text)
    assert [(block.kind, block.line) for block in blocks] == [
        (PARAGRAPH, 1),
        (TABLE, 2),
        (PARAGRAPH, 5),
    ]
    assert blocks[1].rows == (("Ref", "Action"), ("86/01", "Circulate the guide"))
    assert blocks[2].text.startswith("Item 3: Offers")
