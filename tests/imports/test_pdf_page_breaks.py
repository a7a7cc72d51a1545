"""A table that runs over a page break, as pdftotext -layout prints it:
each page's columns set afresh (a little further left or right), the
header printed again or not, a row split by the break (its cells run on at
the top of the next page), running headers, footers and page numbers in
between. The table goes on over the break as one table (imports.column_table,
`_next_page`); where the next page's columns cannot be told, its first lines
are flagged, never left in the item's text without a word."""

import html

import pytest
from weasyprint import HTML

from imports.blocks import TABLE, furniture, table_doubts, text_blocks
from imports.parse import read_upload
from tests.imports.test_pdf_tables import AFTER, BEFORE, BETWEEN, MIDDLE, PEOPLE, REVIEWS, TOP

HEADER = REVIEWS[0]
MANY = [
    (f"86/{n:02d}", f"Report item {n} to the Panel with the figures for the quarter")
    for n in range(1, 71)
]
ROWS = [(ref, action, "Panel Secretary", "30/04/2026", "Open") for ref, action in MANY]


def as_pdf(setting: str, *, header_again: bool = False) -> bytes:
    """The panel's minutes with 70 actions reviewed, over four pages; the
    header in a <thead> (printed again on each page) or as a first row
    (printed once)."""

    def row(cells, tag="td"):
        return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"

    def table(rows, width, head=False):
        top = f"<thead>{row(rows[0])}</thead>" if head else row(rows[0])
        return f"<table style='width: {width}'>{top}{''.join(map(row, rows[1:]))}</table>"

    def paragraphs(lines):
        return "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)

    style = (
        "body { font: 10pt sans-serif } table { border-collapse: collapse } "
        f"td {{ border: 1px solid #000; padding: 2pt 6pt }} {setting}"
    )
    body = (
        paragraphs(BEFORE)
        + table(PEOPLE, "11cm")
        + paragraphs(BETWEEN)
        + table([HEADER, *ROWS], "100%", head=header_again)
        + paragraphs(AFTER)
    )
    return HTML(
        string=f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    ).write_pdf()


def _reviews(parsed) -> list[tuple]:
    return [(r.reference, r.text, r.owners, r.status) for r in parsed.reviews]


WANT = [(f"DCCP {ref}", action, ["Panel Secretary"], "open") for ref, action in MANY]


@pytest.mark.usefixtures("pdftotext")
@pytest.mark.parametrize("header_again", [False, True], ids=["header-once", "header-again"])
@pytest.mark.parametrize("setting", [TOP, MIDDLE], ids=["top", "middle"])
def test_a_table_over_four_pages_reads_every_row(setting, header_again):
    """Before, only the first page's rows were read, and the rest went into
    item 2's text without a flag."""
    parsed = read_upload(as_pdf(setting, header_again=header_again), "dccp.pdf")[1]
    assert _reviews(parsed) == WANT
    assert not [flag for flag in parsed.flags if flag.kind == "table-row"]
    item = next(item for item in parsed.items if item.title.startswith("Actions from"))
    assert "Report item" not in item.narrative


def _tables(text: str) -> list:
    return [block for block in text_blocks(text) if block.kind == TABLE]


def _rows_over(*pages: list[str]) -> list[tuple]:
    """The rows of each table read from `pages` as pdftotext prints them."""
    return [table.rows for table in _tables(_printed(list(pages)))]


def _page(lines: list[str], number: int, pages: int) -> list[str]:
    return ["Panel Meeting No. 87 (draft)", "", *lines, "", f"Page {number} of {pages}"]


def _printed(pages: list[list[str]]) -> str:
    """Pages as pdftotext prints them: a form feed starts each after the first."""
    return "\n".join(
        ("\f" if index else "") + "\n".join(_page(page, index + 1, len(pages)))
        for index, page in enumerate(pages)
    )


TOP_OF_TABLE = [
    "Item 1: Welcome",
    "",
    "The Chair opened the meeting.",
    "",
    "Item 2: Actions from meeting 86",
    "",
    "Ref     Action                          Owner        Target       Status",
    "86/01   Circulate the revised guide     Valley       30/04/2026   Open",
    "        to every operator               Power",
    "86/02   Confirm the audit scope of      Panel        01/04/2026   Closed",
]


def test_the_next_pages_columns_are_its_own_and_a_split_row_is_one_row():
    """pdftotext sets the second page's columns further left, and the row
    86/02 runs on over the break: its cells' last lines are its own."""
    text = _printed(
        [
            TOP_OF_TABLE,
            [
                "       the register                Secretary",
                "86/03  Publish the minutes         Panel        17/04/2026   Closed",
                "                                   Secretary",
                "",
                "Item 3: Any other business",
            ],
        ]
    )
    tables = _tables(text)
    assert [table.rows for table in tables] == [
        (
            ("Ref", "Action", "Owner", "Target", "Status"),
            (
                "86/01",
                "Circulate the revised guide to every operator",
                "Valley Power",
                "30/04/2026",
                "Open",
            ),
            (
                "86/02",
                "Confirm the audit scope of the register",
                "Panel Secretary",
                "01/04/2026",
                "Closed",
            ),
            ("86/03", "Publish the minutes", "Panel Secretary", "17/04/2026", "Closed"),
        )
    ]
    assert tables[0].row_lines == (9, 10, 12, 18)
    assert not table_doubts(tables)
    # The page's furniture is no line of the table.
    assert all("Page" not in text and "draft" not in text for _, text in tables[0].lines)


def test_a_header_printed_again_is_not_a_row():
    text = _printed(
        [
            TOP_OF_TABLE[:-1],
            [
                "Ref    Action                    Owner       Target       Status",
                "86/02  Confirm the audit scope   Panel       01/04/2026   Closed",
                "                                 Secretary",
            ],
        ]
    )
    [table] = _tables(text)
    assert [row[0] for row in table.rows] == ["Ref", "86/01", "86/02"]
    assert table.rows[2] == (
        "86/02",
        "Confirm the audit scope",
        "Panel Secretary",
        "01/04/2026",
        "Closed",
    )


def test_a_table_that_ends_at_the_foot_of_a_page_is_not_run_on_into_the_next():
    text = _printed(
        [
            TOP_OF_TABLE[:-1],
            ["Item 3: Any other business", "", "The Chair thanked the members."],
        ]
    )
    blocks = text_blocks(text)
    [table] = [block for block in blocks if block.kind == TABLE]
    assert [row[0] for row in table.rows] == ["Ref", "86/01"]
    assert "Item 3: Any other business" in [block.text for block in blocks]
    assert not table_doubts(blocks)


def test_another_tables_header_on_the_next_page_begins_that_table():
    people = [
        "Name              Organisation       Role",
        "Harriet Llewellyn Independent        Chair",
    ]
    assert [rows[0] for rows in _rows_over(TOP_OF_TABLE[:-1], people)] == [
        ("Ref", "Action", "Owner", "Target", "Status"),
        ("Name", "Organisation", "Role"),
    ]


def test_cells_on_the_next_page_whose_columns_cannot_be_told_are_flagged():
    """The next page's lines print two columns one space apart: which of
    its words are in which column cannot be told from them. They are not
    read as rows, and the first is flagged."""
    text = _printed(
        [
            TOP_OF_TABLE[:-1],
            [
                "86/02 Confirm the audit scope  Panel 01/04/2026 Closed",
                "86/03 Publish the minutes  Panel 17/04/2026 Closed",
            ],
        ]
    )
    blocks = text_blocks(text)
    [table] = [block for block in blocks if block.kind == TABLE]
    assert [row[0] for row in table.rows] == ["Ref", "86/01"]
    [flag] = table_doubts(blocks)
    assert flag.line == 16 and flag.kind == "table-row"
    assert flag.message.startswith("The table ends at a page break, and the next page begins with")


def test_rows_alike_at_the_edges_of_pages_are_no_furniture():
    """A table's rows, alike but for their figures, fall at the top and
    foot of every page: they are rows (met inside the pages too), while the
    running header and the page numbers are furniture."""
    rows = [f"86/{n:02d}   Report item {n} to the Panel   Open" for n in range(1, 31)]
    text = _printed([rows[:10], rows[10:20], rows[20:]])
    lines = text.split("\n")
    dropped = {lines[p].replace("\f", "") for p in furniture(text)}
    assert dropped == {"Panel Meeting No. 87 (draft)", "Page 1 of 3", "Page 2 of 3", "Page 3 of 3"}


def test_pipe_rows_go_on_over_a_page_break():
    """A text's pipe table printed as it is: the header at the foot of one
    page, its rule and rows on the next. Before, the rows were lost without
    a flag."""
    text = _printed(
        [
            [*TOP_OF_TABLE[:-4], "| Ref | Action | Owner | Due | Status |"],
            [
                "| --- | --- | --- | --- | --- |",
                "| 86/01 | Circulate the guide | Valley Power | 30/04/2026 | Open |",
                "| 86/02 | Confirm the audit scope | Panel Secretary | 01/04/2026 | Closed |",
            ],
        ]
    )
    [table] = _tables(text)
    assert [row[0] for row in table.rows] == ["Ref", "86/01", "86/02"]
    assert all("Page" not in text and "draft" not in text for _, text in table.lines)


def test_pipe_rows_spaced_apart_and_wrapped_are_one_table():
    """A PDF that set each line as a paragraph: blank lines between the
    rows, a row wrapped before its last pipe ("| Open |" under it), the
    header and its rule printed again after the break; then another
    table's header over its rule begins that table."""
    header = ["| Ref | Action | Owner | Due | Status |", "| --- | --- | --- | --- | --- |"]
    first = [*TOP_OF_TABLE[:-4], header[0], "", header[1], ""]
    first += ["| 86/01 | Circulate the guide | Valley Power | 30/04/2026", "| Open |"]
    second = [
        *header,
        "",
        "| 86/02 | Confirm the audit scope | Panel Secretary | 01/04/2026 | Closed |",
    ]
    second += ["", "| Name | Organisation | Role |", "", "| --- | --- | --- |"]
    second += ["| Harriet Llewellyn | Independent | Chair |"]
    assert _rows_over(first, second) == [
        (
            ("Ref", "Action", "Owner", "Due", "Status"),
            ("86/01", "Circulate the guide", "Valley Power", "30/04/2026", "Open"),
            ("86/02", "Confirm the audit scope", "Panel Secretary", "01/04/2026", "Closed"),
        ),
        (("Name", "Organisation", "Role"), ("Harriet Llewellyn", "Independent", "Chair")),
    ]


def test_a_page_that_holds_only_the_rest_of_a_row_carries_it_over():
    """The last row split by the break, the next page holding only its
    action's last words (under the header printed again). Before, the
    reading failed and the document was refused."""
    text = _printed(
        [
            TOP_OF_TABLE[:-1],
            [
                "Ref    Action                    Owner       Target       Status",
                "       and to the providers",
                "",
                "Item 3: Any other business",
            ],
        ]
    )
    [table] = _tables(text)
    assert table.rows[1:] == (
        (
            "86/01",
            "Circulate the revised guide to every operator and to the providers",
            "Valley Power",
            "30/04/2026",
            "Open",
        ),
    )
