"""Mutations of the generic layouts' documents (tests/imports/minutes/):
each mutated document reads the same as the original, or with more doubts
than the original - never silently merged into fewer items, decisions or
actions. Word (one paragraph per line) and PDF copies are made here."""

import io
import shutil

import docx
import pytest
from weasyprint import HTML

from imports.parse import read_upload
from tests.conftest import need
from tests.imports.test_generic_layouts import EXPECTED, MINUTES

COUNTED = ("members", "participants", "apologies", "items", "decisions")
COUNTED += ("actions_raised", "actions_reviewed", "closed")


def _reading(data: bytes, name: str):
    try:
        parsed = read_upload(data, name)[1]
    except ValueError as refused:
        return None, str(refused)
    return {k: parsed.counts()[k] for k in COUNTED}, len(parsed.flags)


def _same_or_doubted(original: bytes, name: str, mutated: bytes, mutated_name: str) -> None:
    counts, flags = _reading(original, name)
    new_counts, new_flags = _reading(mutated, mutated_name)
    if new_counts is None:
        # Refused in a sentence: nothing written, nothing merged; but a
        # tracker, a table of actions however it is typed, is read.
        assert name not in NEVER_REFUSED, f"{mutated_name} was refused: {new_flags}"
        return
    if new_counts == counts:
        return
    assert new_flags > flags, (
        f"{mutated_name}: read {new_counts} instead of {counts} without a new doubt"
    )


def _without_blank_lines_before_items(text: str) -> str:
    lines = text.split("\n")
    kept = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else ""
        starts_item = following[:1].isdigit() or following.startswith(("#", "Item", "P4"))
        if not line.strip() and starts_item and kept:
            continue
        kept.append(line)
    return "\n".join(kept)


def _joined(text: str) -> str:
    """Each item heading joined to the line after it."""
    lines = text.split("\n")
    out = []
    skip = False
    for position, line in enumerate(lines):
        if skip:
            skip = False
            continue
        following = lines[position + 1] if position + 1 < len(lines) else ""
        if line[:1].isdigit() and following.strip():
            out.append(f"{line} {following.strip()}")
            skip = True
        else:
            out.append(line)
    return "\n".join(out)


def _word_one_paragraph_a_line(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(text: str, style: str = "") -> bytes:
    paragraphs = "".join(
        f"<p>{line.replace('&', '&amp;').replace('<', '&lt;')}</p>" if line.strip() else "<br>"
        for line in text.split("\n")
    )
    page = f"<html><head><style>{style}</style></head><body>{paragraphs}</body></html>"
    return HTML(string=page).write_pdf()


def small_pages(height_cm: int) -> str:
    """Pages `height_cm` centimetres high, a running header and "Page N of
    M" at each foot."""
    return (
        f"@page {{ size: 21cm {height_cm}cm; margin: 1.5cm 1cm; "
        "@top-center { content: 'Minutes (draft)'; font: 8pt sans-serif } "
        "@bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); "
        "font: 8pt sans-serif } } "
    )


def _pdf_on_small_pages(text: str) -> bytes:
    """The text as printed, in a fixed-width font on pages ten centimetres
    high, with a running header and "Page N of M" at each foot: its tables
    and lists run over page breaks, between furniture."""
    style = small_pages(10) + "pre { font: 8pt monospace; white-space: pre-wrap }"
    printed = text.replace("&", "&amp;").replace("<", "&lt;")
    page = f"<html><head><style>{style}</style></head><body><pre>{printed}</pre></body></html>"
    return HTML(string=page).write_pdf()


NAMES = sorted(EXPECTED)
# Read alike or with a new doubt whatever the mutation: tracker_15's table in
# columns typed with spaces was refused as Word (a paragraph a line: no
# table to Markdown), as a PDF (its spaces lost) and with two rows joined;
# parish_2026_03 as a PDF (its date wrapped onto the next line). Refused in a
# sentence is allowed only for a Markdown source printed as it is (its
# marks as text): any text, and a tracker in any form, is read.
NEVER_REFUSED = {name for name in NAMES if name.startswith("tracker_") or name.endswith(".txt")}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mutate", [_without_blank_lines_before_items, _joined])
def test_a_mutated_text_is_read_alike_or_doubted(name, mutate):
    text = (MINUTES / name).read_text()
    _same_or_doubted(text.encode(), name, mutate(text).encode(), name)


@pytest.mark.parametrize("name", NAMES)
def test_word_with_a_paragraph_a_line_is_read_alike_or_doubted(name):
    text = (MINUTES / name).read_text()
    word = _word_one_paragraph_a_line(text)
    _same_or_doubted(text.encode(), name, word, name.rsplit(".", 1)[0] + ".docx")


@pytest.mark.parametrize("name", NAMES)
def test_a_pdf_of_the_text_is_read_alike_or_doubted(name):
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    text = (MINUTES / name).read_text()
    _same_or_doubted(text.encode(), name, _pdf(text), name.rsplit(".", 1)[0] + ".pdf")


@pytest.mark.parametrize("name", NAMES)
def test_a_pdf_printed_over_small_pages_is_read_alike_or_doubted(name):
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    text = (MINUTES / name).read_text()
    pdf = _pdf_on_small_pages(text)
    _same_or_doubted(text.encode(), name, pdf, name.rsplit(".", 1)[0] + ".pdf")


@pytest.mark.parametrize("name", [name for name in NAMES if name.endswith(".txt")])
def test_a_pdf_of_the_text_over_small_pages_is_read_alike_or_doubted(name):
    """A paragraph a line, spaced apart, over pages that break its tables
    and wrap its long lines (a list of names wrapped inside a name: read as
    one, flagged)."""
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    text = (MINUTES / name).read_text()
    pdf = _pdf(text, small_pages(13))
    _same_or_doubted(text.encode(), name, pdf, name.rsplit(".", 1)[0] + ".pdf")


def test_a_tracker_in_columns_in_word_is_read_as_the_text_is():
    """Each line a paragraph: the lines in columns under the header are a
    table (imports.blocks `_columns_as_tables`), read row for row alike."""
    text = (MINUTES / "tracker_15.txt").read_text()
    as_text = read_upload(text.encode(), "tracker_15.txt")[1]
    as_word = read_upload(_word_one_paragraph_a_line(text), "tracker_15.docx")[1]

    def rows(minutes):
        return [(r.reference, r.owners, r.status, r.last_target_date) for r in minutes.reviews]

    assert rows(as_word) == rows(as_text) and len(rows(as_text)) == 3
    assert as_word.flags == as_text.flags == []


@pytest.mark.parametrize("mutate", [_joined, "pdf"])
def test_a_tracker_whose_columns_are_lost_is_read_a_line_a_row_and_flagged(mutate):
    """Its cells one space apart (a PDF of it, from HTML) or two rows on one
    line: each line under the header an action reviewed, flagged once."""
    text = (MINUTES / "tracker_15.txt").read_text()
    if mutate == "pdf":
        need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
        minutes = read_upload(_pdf(text), "tracker_15.pdf")[1]
    else:
        minutes = read_upload(mutate(text).encode(), "tracker_15.txt")[1]
    [flag] = minutes.flags
    assert (flag.kind, flag.line) == ("columns-lost", 4)
    assert [r.reference for r in minutes.reviews][-1] == "DSWG 15/01"
    assert minutes.reviews[-1].text.startswith("Test the validator on real files Harbour Data")
