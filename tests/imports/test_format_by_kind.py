"""Whether a text is Markdown is its file's kind where the upload has one
(imports.parse.MARKDOWN_BY_SUFFIX): the text taken out of a PDF is never
Markdown, whatever it holds. It was decided by content alone, so a PDF
whose text holds "**AGREED**" (minutes typed in Markdown, printed as they
were typed) or a pipe table's rule was read as Markdown: a table row the
PDF wrapped onto a second line became a row of its own, an action reviewed
that is not in the minutes. Pasted text and .txt files, which are often
Markdown, are still decided by their content."""

import shutil
from dataclasses import asdict

import pytest
from weasyprint import HTML

from imports.blocks import text_blocks
from imports.extract import extract_text
from imports.parse import is_markdown, parse, read_upload
from tests.conftest import need

MINUTES = """Distribution Connection Code Panel (DCCP)
Panel Meeting No. 87
Held on Thursday 9 April 2026 at 14:00, online

Present:
Harriet Llewellyn (Chair)
Beatrix Holm (Valley Power Networks)

Item 1: Actions from meeting 86
| Ref | Action | Owner | Due | Status |
| --- | --- | --- | --- | --- |
| 86/01 | Circulate the revised connection guide | Valley Power Networks | 30/04/2026 | Open |
| 86/02 | Confirm the audit scope | Panel Secretary | 01/04/2026 | Closed |

Item 2: Connection offer timescales
The Panel discussed the backlog of offers (2*3*4 weeks each, on average).
The Panel **AGREED** that the interim timescales stay in place.
"""


def _pdf(text: str) -> bytes:
    """A line a paragraph, as tests/imports/test_generic_mutations makes them."""
    paragraphs = "".join(
        f"<p>{line.replace('&', '&amp;').replace('<', '&lt;')}</p>" if line.strip() else "<br>"
        for line in text.split("\n")
    )
    return HTML(string=f"<html><body>{paragraphs}</body></html>").write_pdf()


@pytest.fixture
def pdf() -> bytes:
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    return _pdf(MINUTES)


def test_the_pdfs_text_holds_markdown_marks(pdf):
    text = extract_text(pdf, "minutes.pdf")
    assert "**AGREED**" in text
    assert is_markdown(text)  # by its content alone, it would be read as Markdown


def test_a_pdf_is_read_as_text_and_reads_as_the_typed_minutes(pdf):
    read = read_upload(pdf, "minutes.pdf")[1]
    typed = parse(MINUTES, markdown=False)
    assert [(r.reference, r.status) for r in read.reviews] == [
        ("DCCP 86/01", "open"),
        ("DCCP 86/02", "closed"),
    ]
    assert [(r.reference, r.status) for r in read.reviews] == [
        (r.reference, r.status) for r in typed.reviews
    ]
    timescales = read.items[1]
    assert [(d.verb, d.text) for d in timescales.decisions] == [
        ("AGREED", "that the interim timescales stay in place.")
    ]
    # The words as printed: no asterisk is taken for Markdown's emphasis.
    assert "(2*3*4 weeks each, on average)" in timescales.narrative
    assert read.counts() == typed.counts()


def test_pasted_text_and_text_files_are_still_markdown_by_their_content():
    text = (
        "# Riverside Housing Co-operative — Board meeting\n\n"
        "**Date:** 4 March 2026\n\n## Attendees\n\n- Alex Moreno (chair)\n\n"
        "## Agenda\n\n### 1. Repairs\n\nThe *survey* was received.\n"
    )
    assert is_markdown(text)
    as_markdown = asdict(parse(text, markdown=True))
    assert asdict(parse(text)) == as_markdown
    assert asdict(read_upload(text.encode(), "minutes.txt")[1]) == as_markdown
    assert asdict(read_upload(text.encode(), "minutes.md")[1]) == as_markdown


def test_a_pipe_row_a_pdf_wrapped_onto_the_next_line_is_one_row():
    """The PDF's text, read as text (imports.blocks.text_blocks): a row with
    fewer cells than the header, its rest on the line under it, is joined."""
    text = (
        "| Ref | Action | Due |\n| --- | --- | --- |\n"
        "| 86/01 | Circulate the revised\nguide | 30/04/2026 |\n| 86/02 | Confirm | 01/04/2026 |\n"
    )
    [table] = text_blocks(text)
    assert table.rows == (
        ("Ref", "Action", "Due"),
        ("86/01", "Circulate the revised guide", "30/04/2026"),
        ("86/02", "Confirm", "01/04/2026"),
    )
    assert table.row_lines == (1, 3, 5)
    assert [number for number, _ in table.lines] == [1, 2, 3, 4, 5]
