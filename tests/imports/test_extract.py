"""Turning an upload into text: Word documents written here with python-docx
in the 2021 layout, text in the encodings people's machines save, PDFs this
app renders, and every refusal as one sentence for the uploader."""

import copy
import io
import shutil
import zipfile

import docx
import pytest
from django.core.management import call_command
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from imports.extract import MAX_UPLOAD_BYTES, extract_text, read_limited
from imports.parse import parse, parse_upload
from tests.base import PASSWORD
from tests.conftest import need

CLASSIFIED = (
    "Information can be shared with other SEC Parties and SMIP stakeholders at large, "
    "but not published (including publication online)."
)


# --- a Word document in the 2021 layout -----------------------------------------------


def paragraph(document, *parts, style=None):
    """A paragraph of runs; a part in ** is bold, as the decision verbs are."""
    found = document.add_paragraph(style=style)
    for part in parts:
        bold = part.startswith("**")
        found.add_run(part.strip("*") if bold else part).bold = bold or None
    return found


def word_table(document, header, rows):
    """A Word table; a row of one string is an update row: one cell merged
    across the whole row, as the Actions Outstanding table has them."""
    table = document.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            merged.text = row
            continue
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def minutes_docx() -> bytes:
    document = docx.Document()
    banner = document.sections[0].header
    banner.is_linked_to_previous = False
    run = banner.paragraphs[0]
    run.add_run("This document is classified as ")
    run.add_run("White").bold = True
    run.add_run(". " + CLASSIFIED)
    for line in (
        "Operations Group Meeting",
        "17 May 2021, OPSG_49_1705",
        "09:30 – 12:45",
        "Teleconference",
        "Draft Minutes",
        "Attendees:",
    ):
        paragraph(document, line)
    word_table(
        document,
        ["Category", "Operations Group Members"],
        [
            ["Operations Group Chair", "Harriet Vale"],
            ["Large Suppliers", "Bernard Quill"],
            ["", "Lena Ostrova (alternate for Imogen Hart)"],
            ["Small Suppliers", "Greta Fenn (Part)"],
        ],
    )
    word_table(
        document,
        ["Representing", "Other Participants"],
        [
            ["DCC", "Priya Lomax (DCC's nominated lead)"],
            ["SECAS", "Ruth Alder (Meeting Secretary)"],
        ],
    )
    paragraph(document, "Apologies:")
    word_table(document, ["Representing", "Name"], [["Large Suppliers", "Ian Cole"]])

    document.add_heading("1. Previous Meeting Minutes", level=1)
    paragraph(document, "The Chair invited comments on the Draft Minutes from OPSG_48.")
    paragraph(document, "The OPSG ", "**AGREED**", " that the minutes will be published as final.")

    document.add_heading("2. Actions Outstanding", level=1)
    paragraph(document, "SECAS presented the updates.")
    word_table(
        document,
        ["Action ID", "Action", "Date Raised", "Last Target Date", "Revised Target Date", "Owner"],
        [
            ["OPSG 46/03", "SECAS to circulate the guidance.", "12/04/2021", "17/05/2021", "N/A", "SECAS"],
            "SECAS circulated it on 4 May. Status: Closed.",
            ["OPSG 44/CONF 01", "The DCC to share the test plan.", "15/03/2021", "17/05/2021", "To be determined", "DCC"],
            "The DCC noted the plan is under review. Status: Open.",
        ],
    )  # fmt: skip
    paragraph(document, "The OPSG ", "**NOTED**", " the update.")

    document.add_heading("3. Service Reports", level=1)
    document.add_heading("3.1. INC000000512345", level=2)
    paragraph(document, "SECAS reviewed Major Incident INC000000498765.")
    document.add_heading("3.2. Stock Report", level=2)
    paragraph(document, "The report covered three regions:")
    for region in ("North", "Central", "South"):
        paragraph(document, region, style="List Number")
    paragraph(document, "ACTION OPSG 49/01: SECAS to add the regional split by 28 May.")
    paragraph(document, "ACTION OPSF 49/02: The DCC to explain the fall in North stock.")
    paragraph(document, "The OPSG:")
    paragraph(document, "**NOTED**", " the reports; and", style="List Bullet")
    paragraph(document, "**AGREED**", " that the review be published.", style="List Bullet")
    paragraph(document, "Next main meeting: 7 June 2021.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_word_document_becomes_the_markdown_layout():
    text = extract_text(minutes_docx(), "OPSG_49_1705 Draft Minutes.docx")
    assert text.startswith(f"This document is classified as **White**. {CLASSIFIED}\n\n")
    assert "# 1. Previous Meeting Minutes\n" in text
    assert "## 3.1. INC000000512345\n" in text
    assert "| Category | Operations Group Members |\n|---|---|\n" in text
    assert "| | Lena Ostrova (alternate for Imogen Hart) |" in text.replace("|  |", "| |")
    # Word's own list numbering, written out; list lines follow one another.
    assert "1. North\n2. Central\n3. South" in text
    assert "- **NOTED** the reports; and\n- **AGREED** that" in text
    # A merged update cell is written once, in the first column.
    assert "| SECAS circulated it on 4 May. Status: Closed. |  |  |  |  |  |" in text


def test_a_word_document_parses_to_the_expected_counts():
    minutes = parse_upload(minutes_docx(), "minutes.docx")
    assert (minutes.committee, minutes.number, minutes.classification_label) == (
        "OPSG",
        49,
        "White",
    )
    assert minutes.counts() == {
        "members": 4,
        "participants": 2,
        "apologies": 1,
        "items": 3,
        "sub_items": 2,
        "decisions": 4,
        "actions_raised": 2,
        "actions_reviewed": 2,
        "closed": 1,
        "incidents": 2,
        "flags": 2,  # the OPSF typo and 3.1's heading naming another incident
    }
    closed, conf = minutes.reviews
    assert (closed.reference, closed.status, closed.update) == (
        "OPSG 46/03",
        "closed",
        "SECAS circulated it on 4 May.",
    )
    assert (conf.reference, conf.revised_target_note) == ("OPSG 44/CONF 01", "To be determined")
    stock = minutes.items[-1]
    assert stock.narrative == "The report covered three regions:\n\n1. North\n2. Central\n3. South"
    assert [d.verb for d in stock.decisions] == ["NOTED", "AGREED"]


def numbered_headings_docx() -> bytes:
    """Headings numbered by Word itself ("%1." and "%1.%2."), the text
    holding no number, as in documents made from the SECAS template."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum", {qn("w:abstractNumId"): "90"})
    for level, pattern in ((0, "%1."), (1, "%1.%2.")):
        lvl = OxmlElement("w:lvl", {qn("w:ilvl"): str(level)})
        for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", pattern)):
            lvl.append(OxmlElement(tag, {qn("w:val"): value}))
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num", {qn("w:numId"): "90"})
    num.append(OxmlElement("w:abstractNumId", {qn("w:val"): "90"}))
    numbering.append(num)
    for title, level in (("Welcome", 0), ("Minutes", 0), ("Stock", 1), ("Returns", 1), ("AOB", 0)):
        heading = document.add_heading(title, level=level + 1)
        properties = heading._p.get_or_add_pPr()
        numbered = OxmlElement("w:numPr")
        numbered.append(OxmlElement("w:ilvl", {qn("w:val"): str(level)}))
        numbered.append(OxmlElement("w:numId", {qn("w:val"): "90"}))
        properties.insert(0, copy.deepcopy(numbered))
        paragraph(document, f"About {title.lower()}.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_numbered_headings_keep_their_numbers():
    text = extract_text(numbered_headings_docx(), "minutes.docx")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# 1. Welcome",
        "# 2. Minutes",
        "## 2.1. Stock",
        "## 2.2. Returns",
        "# 3. AOB",
    ]
    items = parse(text).items
    assert [(i.number, i.title, i.narrative) for i in items][2] == ("2.1", "Stock", "About stock.")


def test_a_docx_that_is_not_a_word_document():
    with pytest.raises(ValueError, match=r"^The file is not a Word document"):
        extract_text(b"plain words", "minutes.docx")
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "not a document")
    with pytest.raises(ValueError, match=r"^The Word document could not be opened"):
        extract_text(other_zip.getvalue(), "minutes.docx")


# --- text files -----------------------------------------------------------------------


def test_utf8_with_and_without_a_byte_order_mark():
    assert extract_text("Zoë – “NOTED”".encode(), "a.md") == "Zoë – “NOTED”"
    assert extract_text(b"\xef\xbb\xbf# 1. Welcome\r\n", "a.md") == "# 1. Welcome\n"


def test_windows_1252_smart_quotes():
    data = "The OPSG “NOTED” the DCC’s update – in full.".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert extract_text(data, "minutes.txt") == "The OPSG “NOTED” the DCC’s update – in full."


def test_latin_1():
    assert extract_text("Zoë Marklew, café".encode("latin-1"), "minutes.txt") == "Zoë Marklew, café"
    # 0x81 means nothing in Windows-1252: only Latin-1 reads this one.
    data = ("Résumé of the meeting, " * 10).encode("latin-1") + b"\x81"
    assert extract_text(data, "minutes.txt").endswith("meeting, \x81")


@pytest.mark.parametrize("data", [b"", b"   \n\n\t"])
def test_an_empty_file(data):
    with pytest.raises(ValueError, match=r"^The file is empty\.$"):
        extract_text(data, "minutes.md")


def test_binary_junk():
    with pytest.raises(ValueError, match=r"^The file is not text: it contains binary data\.$"):
        extract_text(bytes(range(256)) * 8, "minutes.txt")
    no_nul = bytes((n * 37 + 11) % 255 + 1 for n in range(4096))
    with pytest.raises(ValueError, match=r"^The file is not text"):
        extract_text(no_nul, "minutes.md")


def test_an_unknown_kind_of_file():
    with pytest.raises(ValueError, match=r"use \.docx, \.pdf, \.md or \.txt\.$"):
        extract_text(b"MZ\x90\x00", "setup.exe")


def test_too_large_is_refused_without_reading_it_all():
    with pytest.raises(ValueError, match=r"^The file is larger than 20 MB"):
        extract_text(b"x" * (MAX_UPLOAD_BYTES + 1), "minutes.txt")

    class Endless(io.RawIOBase):
        """50 MB that are never all in memory: it counts what is asked for."""

        asked = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            size = min(len(buffer), 50 * 1024 * 1024 - self.asked)
            buffer[:size] = b"x" * size
            self.asked += size
            return size

    upload = Endless()
    with pytest.raises(ValueError, match=r"^The file is larger than 20 MB"):
        read_limited(upload)
    assert upload.asked == MAX_UPLOAD_BYTES + 1
    assert read_limited(io.BytesIO(b"small")) == b"small"


def test_five_thousand_action_lines():
    lines = ["OPSG_60_0101", "", "# 1. Actions", ""]
    lines += [f"ACTION OPSG 60/{n:02d}: The DCC to report on point {n}.\n" for n in range(1, 5001)]
    minutes = parse("\n".join(lines))
    actions = minutes.items[0].actions
    assert len(actions) == 5000
    assert (actions[0].reference, actions[-1].reference) == ("OPSG 60/01", "OPSG 60/5000")
    assert minutes.flags == []
    # Read whole, but more than one meeting holds: not offered for import.
    with pytest.raises(ValueError, match="raises and reviews 5,000 actions"):
        parse_upload("\n".join(lines).encode(), "big.md")


# --- PDF ------------------------------------------------------------------------------


def test_a_pdf_that_is_not_a_pdf():
    with pytest.raises(ValueError, match=r"^The file is not a PDF"):
        extract_text(b"Operations Group Meeting 25", "minutes.pdf")


def test_a_damaged_pdf():
    need(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed (apt-get install poppler-utils)",
    )
    with pytest.raises(ValueError, match=r"^The PDF could not be read: it may be damaged\.$"):
        extract_text(b"%PDF-1.4\n1 0 obj garbage", "minutes.pdf")


@pytest.mark.django_db
def test_a_pdf_rendered_by_this_app_reads_back(settings, tmp_path):
    """The demo's OPSG 25 minutes, rendered as Export PDF renders them."""
    need(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed (apt-get install poppler-utils)",
    )
    settings.DEMO_MODE = True
    settings.DEMO_PASSWORD = PASSWORD
    call_command("load_demo", verbosity=0)
    path = tmp_path / "OPSG_25.pdf"
    call_command("render_minutes", "OPSG", "25", "-o", str(path), stdout=io.StringIO())
    data = path.read_bytes()
    assert "Operations Group Meeting 25" in extract_text(data, "OPSG_25.pdf")
    minutes = parse_upload(data, "OPSG_25.pdf")
    assert (minutes.committee, minutes.number) == ("OPSG", 25)
    counts = minutes.counts()
    assert (counts["members"], counts["participants"], counts["apologies"]) == (15, 22, 4)
    assert (counts["items"], counts["actions_raised"]) == (20, 18)
