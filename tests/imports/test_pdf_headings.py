"""A PDF's headings, which its text does not mark ("Budget for 2026" on a
line of its own, printed larger): read by their size (imports.extract
`pdf_headings`, pdftotext -bbox-layout), so that minutes whose items are
unnumbered headings read as a PDF as they do as Markdown."""

import pytest
from markdown_it import MarkdownIt
from weasyprint import HTML

from imports.blocks import HEADING, text_blocks
from imports.extract import pdf_headings
from imports.parse import read_upload
from tests.imports.test_generic_layouts import MINUTES
from tests.imports.test_generic_mutations import COUNTED

pytestmark = pytest.mark.usefixtures("pdftotext")
_MARKDOWN = MarkdownIt("commonmark").enable("table")
STYLE = (
    "body { font: 10pt sans-serif } table { border-collapse: collapse } "
    "td, th { border: 1px solid #000; padding: 2pt 6pt }"
)


def as_printed(markdown: str, page: str = "") -> bytes:
    """Markdown as a browser would print it: headings larger, no marks."""
    body = _MARKDOWN.render(markdown)
    return HTML(
        string=f"<html><head><style>{page}{STYLE}</style></head><body>{body}</body></html>"
    ).write_pdf()


def test_lines_printed_larger_are_headings_by_their_size():
    pdf = as_printed(
        "# Open Mapping Association — General meeting of the members\n\n"
        "## Budget for 2026\n\nThe budget was discussed line by line.\n\n"
        "### Reserves\n\nThe reserves were noted.\n"
    )
    assert pdf_headings(pdf) == {
        "Open Mapping Association — General": 1,
        "meeting of the members": 1,
        "Budget for 2026": 2,
        "Reserves": 3,
    }


def test_a_heading_that_wraps_is_one_heading_block():
    text = (
        "Open Mapping Association — General meeting of\nthe members\n\nBudget for 2026\nThe budget."
    )
    headings = {"Open Mapping Association — General meeting of": 1, "the members": 1}
    headings["Budget for 2026"] = 2
    blocks = text_blocks(text, headings)
    assert [(b.kind, b.text, b.level) for b in blocks if b.kind == HEADING] == [
        (HEADING, "Open Mapping Association — General meeting of the members", 1),
        (HEADING, "Budget for 2026", 2),
    ]


@pytest.mark.parametrize("page", ["", "@page { size: 21cm 12cm; margin: 1.5cm 1cm }"])
@pytest.mark.parametrize("name", ["association_2026_04.md", "association_2026_03.md"])
def test_unnumbered_items_read_from_a_printed_pdf_as_from_the_markdown(name, page):
    """Before, association_2026_04 printed read no item, decision or
    action: its headings were read as more names under "Apologies"."""
    markdown = (MINUTES / name).read_text()
    want = read_upload(markdown.encode(), name)[1]
    got = read_upload(as_printed(markdown, page), name.replace(".md", ".pdf"))[1]
    assert {k: got.counts()[k] for k in COUNTED} == {k: want.counts()[k] for k in COUNTED}
    assert [item.title for item in got.items] == [item.title for item in want.items]
