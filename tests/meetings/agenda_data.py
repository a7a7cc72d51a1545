"""Small files for the agenda's papers: real PDFs (WeasyPrint), Word and
Excel files (python-docx, openpyxl), and the files an upload must refuse."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text: str = "A paper", pages: int = 1, landscape: bool = False) -> bytes:
    import weasyprint

    size = "A4 landscape" if landscape else "A4"
    body = "".join(f'<p style="break-after: page">{text} page {n}</p>' for n in range(1, pages + 1))
    html = f"<style>@page {{ size: {size} }}</style>{body}"
    return weasyprint.HTML(string=html).write_pdf()


def docx_bytes(text: str = "A Word paper") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "Costs"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A zip that says it is a Word file and would unpack to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
