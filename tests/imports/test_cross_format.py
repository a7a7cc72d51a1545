"""The cross-format contract: one meeting written as .txt, .md, .docx and
.pdf reads to the same meeting, whatever the format (imports.blocks gives
the generic reader the same blocks). The other formats are made here, from
one list of parts: python-docx for Word, WeasyPrint for the PDF."""

import dataclasses
import html
import io
import shutil

import docx
import pytest
from weasyprint import HTML

from imports.parse import read_upload
from tests.conftest import need

PARTS = [
    ("title", "Harbour Trust (HT) trustees' meeting 31"),
    ("field", "Date: 12 March 2026"),
    ("field", "Time: 18:00 – 19:30"),
    ("field", "Location: The boat house"),
    ("section", "Present"),
    ("person", "Ana Silva (Chair)"),
    ("person", "Ben Okoro (Treasurer)"),
    ("person", "Cara Lund (Moorings Ltd) (remote)"),
    ("section", "Apologies"),
    ("person", "Dmitri Volkov"),
    ("item", "1. Accounts"),
    ("para", "The treasurer presented the accounts for 2025."),
    ("para", "The Trustees AGREED the accounts for 2025."),
    ("para", "ACTION: Ben Okoro to file the accounts by 31 March 2026."),
    ("item", "2. Moorings"),
    ("para", "The Trustees NOTED the waiting list of twelve boats."),
    ("para", "ACTION: Cara Lund to survey the pontoon by 30 April 2026."),
    ("item", "3. Any other business"),
    ("para", "None was raised."),
]


def as_text() -> bytes:
    lines = []
    for kind, words in PARTS:
        if kind in ("section", "item") or kind == "para" and lines[-1]:
            lines.append("")
        lines.append(f"{words}:" if kind == "section" else words)
        if kind == "title":
            lines.append("")
    return "\n".join(lines).encode()


def as_markdown() -> bytes:
    marks = {"title": "# ", "section": "## ", "item": "## ", "person": "- "}
    blocks = [marks.get(kind, "") + words for kind, words in PARTS]
    lines = []
    for (kind, _), block in zip(PARTS, blocks, strict=True):
        tight = kind == "person" and lines and lines[-1].startswith("- ")
        lines.append(block if tight else f"\n{block}")
    return "\n".join(lines).encode()


def as_word() -> bytes:
    document = docx.Document()
    styles = {"title": "Heading 1", "section": "Heading 2", "item": "Heading 2"}
    for kind, words in PARTS:
        style = styles.get(kind, "List Bullet" if kind == "person" else None)
        document.add_paragraph(words, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf() -> bytes:
    tags = {"title": "h1", "section": "h2", "item": "h2", "field": "p", "para": "p"}
    body, in_list = [], False
    for kind, words in PARTS:
        if kind == "person" and not in_list:
            body.append("<ul>")
        if kind != "person" and in_list:
            body.append("</ul>")
        in_list = kind == "person"
        tag = tags.get(kind, "li")
        body.append(f"<{tag}>{html.escape(words)}</{tag}>")
    page = f"<html><body>{''.join(body)}</body></html>"
    return HTML(string=page).write_pdf()


def _without_lines(value):
    """A reading as plain data, without the source lines, which differ by format."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def reading(data: bytes, name: str) -> dict:
    parsed = read_upload(data, name)[1]
    return _without_lines(dataclasses.asdict(parsed))


def test_the_text_reads_as_the_meeting_it_is():
    meeting = reading(as_text(), "trust.txt")
    assert (meeting["committee"], meeting["number"], str(meeting["date"])) == (
        "HT",
        31,
        "2026-03-12",
    )
    assert [p["name"] for p in meeting["attendance"]] == [
        "Ana Silva",
        "Ben Okoro",
        "Cara Lund",
        "Dmitri Volkov",
    ]
    assert [i["title"] for i in meeting["items"]] == ["Accounts", "Moorings", "Any other business"]
    assert [a["reference"] for i in meeting["items"] for a in i["actions"]] == [
        "HT 31/01",
        "HT 31/02",
    ]
    # One doubt: the minutes print the trustees' decisions as the HT's.
    assert [flag["kind"] for flag in meeting["flags"]] == ["decision-subject"]


@pytest.mark.parametrize(
    "make, name",
    [(as_markdown, "trust.md"), (as_word, "trust.docx"), (as_pdf, "trust.pdf")],
)
def test_every_format_reads_to_the_same_meeting(make, name):
    if name.endswith(".pdf"):
        need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    assert reading(make(), name) == reading(as_text(), "trust.txt")
