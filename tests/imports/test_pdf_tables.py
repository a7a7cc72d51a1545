"""A PDF's tables whose cells wrap onto further lines (a long action, a
long organisation's name), as pdftotext -layout prints them, read a row
of cells per row (imports.column_table, by imports.blocks.text_blocks):
the same meeting as its text with pipe tables, whether the PDF sets its
cells at the top of each row (Word's way) or in the middle (HTML's);
where a line's row cannot be told, flagged, never merged in silence."""

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from weasyprint import HTML

from imports.blocks import TABLE, text_blocks
from imports.column_table import column_table
from imports.extract import extract_text
from imports.parse import read_upload
from tests.imports.test_generic_layouts import MINUTES

REVIEWS = [
    ("Ref", "Action", "Owner", "Target", "Status"),
    (
        "86/01",
        "Circulate the revised connection guide to every distribution network operator "
        "and to the independent connection providers",
        "Valley Power Networks",
        "30/04/2026",
        "Open",
    ),
    ("86/02", "Confirm the audit scope", "Panel Secretary", "01/04/2026", "Closed"),
    (
        "86/03",
        "Report to the Panel on the backlog of connection offers in the Eastmoor region, "
        "with the figures for each quarter",
        "Eastmoor Distribution",
        "14/05/2026",
        "Open",
    ),
    ("86/04", "Publish the minutes", "Panel Secretary", "17/04/2026", "Closed"),
]
PEOPLE = [
    ("Name", "Organisation", "Role"),
    ("Harriet Llewellyn", "Independent", "Chair"),
    ("Joaquim Reis", "Eastmoor Distribution and Transmission Services Limited", "Member"),
    ("Beatrix Holm", "Valley Power Networks Northern Region", "Member"),
    ("Anil Chaudhry", "Valley Power Networks", "Member"),
]
BEFORE = [
    "Distribution Connection Code Panel (DCCP)",
    "Panel Meeting No. 87",
    "Held on Thursday 9 April 2026 at 14:00, online",
    "",
    "Present:",
]
BETWEEN = [
    "",
    "Item 1: Welcome",
    "The Chair opened the meeting.",
    "",
    "Item 2: Actions from meeting 86",
]
AFTER = [
    "",
    "Item 3: Connection offer timescales",
    "The Panel discussed the backlog of offers.",
    "RESOLVED that the interim timescales stay in place until the July meeting.",
    "ACTION 87/01: Eastmoor Distribution to report the backlog figures by 14 May 2026.",
]


def as_text() -> bytes:
    def pipes(rows):
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        return [lines[0], "| " + " | ".join("---" for _ in rows[0]) + " |", *lines[1:]]

    return "\n".join([*BEFORE, *pipes(PEOPLE), *BETWEEN, *pipes(REVIEWS), *AFTER]).encode()


TOP = "td { vertical-align: top }"
MIDDLE = ""  # HTML's own: a cell level with the middle of its row


def as_pdf(setting: str, reviews=REVIEWS, people=PEOPLE) -> bytes:
    def paragraphs(lines):
        return "".join(f"<p>{html.escape(line)}</p>" for line in lines if line)

    def table(rows, width):
        cells = (
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        return f"<table style='width: {width}'>{''.join(cells)}</table>"

    style = (
        "body { font: 10pt sans-serif } table { border-collapse: collapse } "
        f"td {{ border: 1px solid #000; padding: 2pt 6pt }} {setting}"
    )
    body = (
        paragraphs(BEFORE)
        + table(people, "11cm")
        + paragraphs(BETWEEN)
        + table(reviews, "100%")
        + paragraphs(AFTER)
    )
    page = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    return HTML(string=page).write_pdf()


def _reading(parsed) -> tuple:
    people = [(p.name, p.section, p.group, p.role) for p in parsed.attendance]
    reviews = [
        (r.reference, r.text, r.owners, r.last_target_date, r.status) for r in parsed.reviews
    ]
    items = [(i.title, i.narrative) for i in parsed.items]
    return parsed.number, parsed.date, people, reviews, items, [f.kind for f in parsed.flags]


@pytest.mark.usefixtures("pdftotext")
@pytest.mark.parametrize("setting", [TOP, MIDDLE], ids=["top", "middle"])
def test_a_pdf_table_whose_cells_wrap_reads_as_its_text_does(setting):
    text = read_upload(as_text(), "dccp.txt")[1]
    pdf = read_upload(as_pdf(setting), "dccp.pdf")[1]
    assert len(text.reviews) == 4
    assert text.reviews[0].text.endswith("independent connection providers")
    assert _reading(pdf) == _reading(text)


@pytest.mark.usefixtures("pdftotext")
@pytest.mark.parametrize("setting", [TOP, MIDDLE], ids=["top", "middle"])
def test_each_row_is_one_row_of_whole_cells(setting):
    """The tokenizer's table: a row per action, each cell's lines joined."""
    layout = extract_text(as_pdf(setting), "dccp.pdf", pdf_layout=True)
    tables = [block for block in text_blocks(layout) if block.kind == TABLE]
    assert [table.rows for table in tables] == [tuple(PEOPLE), tuple(REVIEWS)]
    assert not [doubt for table in tables for doubt in table.doubts]


@pytest.mark.usefixtures("pdftotext")
def test_a_row_whose_first_cell_is_empty_is_flagged_not_merged():
    """A row without its reference under a row whose cells wrap: the lines
    may be the row above's, or a row of their own; read with the row above,
    and flagged at the line."""
    reviews = [
        *REVIEWS[:2],
        ("", "Agree the new template", "Panel Secretary", "", ""),
        *REVIEWS[2:],
    ]
    parsed = read_upload(as_pdf(TOP, reviews=reviews), "dccp.pdf")[1]
    flags = [flag for flag in parsed.flags if flag.kind == "table-row"]
    assert [flag.message[:47] for flag in flags] == [
        "Line 29 of the table ('Agree the new template |"
    ]
    assert "read with the row '86/01'" in flags[0].message
    assert [r.reference for r in parsed.reviews] == [
        "DCCP 86/01",
        "DCCP 86/02",
        "DCCP 86/03",
        "DCCP 86/04",
    ]


def test_a_header_that_wraps_is_one_header():
    """ "Target" over "Date", above the first row: one title, not a row."""
    text = (
        "Ref     Action                     Owner      Target       Status\n"
        "                                              Date\n"
        "86/01   Circulate the guide to     Valley     30/04/2026   Open\n"
        "        every operator             Power\n"
        "86/02   Confirm the audit scope    Panel      01/04/2026   Closed\n"
    )
    [table] = text_blocks(text)
    assert table.rows == (
        ("Ref", "Action", "Owner", "Target Date", "Status"),
        ("86/01", "Circulate the guide to every operator", "Valley Power", "30/04/2026", "Open"),
        ("86/02", "Confirm the audit scope", "Panel", "01/04/2026", "Closed"),
    )
    assert table.row_lines == (1, 3, 5) and not table.doubts


_CELL_WORDS = st.lists(
    st.sampled_from(["86/01", "Open", "the", "Panel", "30/04/2026", "x"]), max_size=3
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 6), _CELL_WORDS), min_size=1, max_size=5),
        min_size=1,
        max_size=12,
    )
)
def test_every_word_of_the_table_s_lines_is_in_one_of_its_cells(rows):
    """Whatever lines follow a header, the table read from them keeps each
    of their words in a cell (or the header's titles): none is lost."""
    lines = ["Ref    Action         Owner       Target     Status"]
    for row in rows:
        lines.append("".join(" " * indent + " ".join(words) for indent, words in row))
    read = column_table(lines, 0, lambda position: False)
    if read is None:
        return
    taken = lines[: read.used]
    assert sorted(" ".join(taken).split()) == sorted(" ".join(map(" ".join, read.rows)).split())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "\f", "header", "blank"]),
            st.lists(st.tuples(st.integers(0, 6), _CELL_WORDS), min_size=1, max_size=5),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_over_page_breaks_every_word_is_in_one_of_its_cells(rows):
    """Lines over pages (a form feed starts a page; the header printed
    again, blank lines between): the table read never fails, and keeps
    each word of its lines in a cell, but for the header printed again."""
    header = "Ref    Action         Owner       Target     Status"
    lines = [header]
    for before, row in rows:
        line = "".join(" " * indent + " ".join(words) for indent, words in row)
        if before == "header":
            lines.append("\f" + header)
        elif before == "blank":
            lines.append("")
        line = ("\f" if before == "\f" else "") + line
        lines.append(line)
    read = column_table(lines, 0, lambda position: False)
    if read is None:
        return
    again = [line for line in lines[1 : read.used] if line.replace("\f", "") != header]
    taken = [header, *again]
    assert sorted(" ".join(taken).split()) == sorted(" ".join(map(" ".join, read.rows)).split())


def _with_html_tables(text: str) -> bytes:
    """A Markdown document as a PDF, its pipe tables as HTML's (cells
    tight, a cell pushed one place right after a long one by pdftotext)."""
    body, rows = [], []
    for line in [*text.split("\n"), ""]:
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not set("".join(cells)) <= set("-: "):
                rows.append(cells)
            continue
        if rows:
            body.append(
                "<table>"
                + "".join(
                    "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                    for row in rows
                )
                + "</table>"
            )
            rows = []
        body.append(f"<p>{html.escape(line.lstrip('# '))}</p>" if line.strip() else "")
    return HTML(string=f"<html><body>{''.join(body)}</body></html>").write_pdf()


@pytest.mark.usefixtures("pdftotext")
def test_a_trackers_table_as_a_pdf_reads_as_its_markdown_does():
    """tracker_14's table, as HTML prints it (narrow cells, each set in the
    middle of its row): refused before, as no table was read."""
    text = (MINUTES / "tracker_14.md").read_text()
    pdf = read_upload(_with_html_tables(text), "tracker.pdf")[1]
    assert _reading(pdf) == _reading(read_upload(text.encode(), "tracker.md")[1])
    assert len(pdf.reviews) == 4
