"""Limits checked before a document is read (imports.extract) or written
(imports.checks): each breach is a one-sentence refusal, and nothing is
unpacked, parsed or written past it."""

import io
import zipfile

import pytest

from imports.checks import MAX_ACTIONS
from imports.extract import MAX_DOCX_PARTS, MAX_PDF_PAGES
from imports.parse import read_upload
from tests.imports.test_checks import MARKDOWN


def _docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _refused(data: bytes, name: str) -> str:
    with pytest.raises(ValueError) as refused:
        read_upload(data, name)
    message = str(refused.value)
    assert "\n" not in message
    return message


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # 64 MB of one byte packs into well under a megabyte: a small upload
    # that would fill the memory once unpacked.
    bomb = _docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * (64 << 20)})
    assert len(bomb) < 1 << 20
    assert "possible zip bomb" in _refused(bomb, "minutes.docx")


def test_a_word_document_of_too_many_parts_is_refused():
    parts = {f"word/media/image{n}.png": b"x" for n in range(MAX_DOCX_PARTS + 1)}
    assert "parts, more than" in _refused(_docx(parts), "minutes.docx")


def _pdf(pages: int) -> bytes:
    """A PDF of `pages` blank pages, written out by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{n} 0 R".encode() for n in range(3, 3 + pages))
        + f"] /Count {pages} >>".encode(),
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.writelines(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_of_too_many_pages_is_refused():
    message = _refused(_pdf(MAX_PDF_PAGES + 1), "minutes.pdf")
    assert f"{MAX_PDF_PAGES + 1:,} pages, more than the {MAX_PDF_PAGES}" in message


def test_a_pdf_within_the_page_limit_goes_on_to_be_read():
    # Blank pages pass the count and are refused for what they are.
    assert "no text to read" in _refused(_pdf(3), "minutes.pdf")


def test_more_actions_than_a_meeting_holds_are_refused():
    lines = MARKDOWN.split("\n")
    at = lines.index("3. Service Reports") + 1
    many = [f"\nACTION OPSG 49/{n:02d}: SECAS to check {n}." for n in range(1, MAX_ACTIONS + 2)]
    text = "\n".join([*lines[:at], *many, *lines[at:]])
    message = _refused(text.encode(), "minutes.md")
    assert f"more than the {MAX_ACTIONS:,} one meeting's minutes may hold" in message
