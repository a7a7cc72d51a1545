"""An uploaded minutes document as text for the layout parsers.

- `.txt`, `.md`: decoded as UTF-8 (with or without a byte-order mark), else
  Windows-1252 (Word's "smart quotes"), else Latin-1; binary junk is refused.
- `.docx`: its paragraphs in order, as the Markdown the 2021 layout parser
  reads: headings as `#`, Word's list numbering written out ("1.", "3.1."),
  bullets as "- ", bold as `**…**`, links as `[text](url)`, tables as pipe
  tables (a cell merged across the row is written once, in its first cell).
- `.pdf`: poppler's `pdftotext`. Plain mode (each table cell on lines of its
  own) is what the 2019 minutes' text looks like; `-layout` (a table row on
  one line) reads this app's own PDFs better. `pdf_layout` picks the mode;
  imports.parse.parse_upload tries both and keeps the better reading. The
  text says nothing of its fonts, so `pdf_headings` names the lines printed
  larger than the body (pdftotext -bbox-layout: each line's height), a
  Word or HTML document's headings, for imports.blocks.text_blocks.

Every refusal is a ValueError whose message is one sentence for the person
who uploaded the file.

Size: `extract_text` takes bytes and refuses more than MAX_UPLOAD_BYTES, but
by then they are in memory. Callers holding a file (an upload, a path) read
it with `read_limited`, which stops one byte past the limit. Before a file
is opened, what it would unpack to is checked too: a Word document's parts
(their count, total size and compression ratio, so a small zip bomb is
refused before it fills the memory) and a PDF's page count."""

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import docx  # python-docx: reads .docx uploads (paragraphs, tables, numbering)
from docx.oxml.ns import qn
from docx.table import _Cell

from imports.blocks import one_newline

# Minutes run to tens of pages; 20 MB leaves room for a Word file's images.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PDF_TIMEOUT_SECONDS = 60  # pdftotext reads a 100-page PDF in well under a second
# Minutes of a long meeting run to about 100 pages.
MAX_PDF_PAGES = 500
# A Word document's parts as they unpack: text and a few images. Real parts
# compress 2:1 to 20:1; a zip bomb, thousands to one.
MAX_DOCX_PARTS = 2_000
MAX_DOCX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
PDF_SUFFIX = ".pdf"
DOCX_SUFFIX = ".docx"
CONTROL_SHARE_LIMIT = 0.01  # more control characters than this is not text
# C0 and C1 control characters other than tab, newlines and form feed.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def read_limited(file: BinaryIO, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """At most `limit` bytes of an open file; a longer file is refused after
    reading limit + 1 bytes, not all of it."""
    data = file.read(limit + 1)
    if len(data) > limit:
        raise ValueError(too_large_message(limit))
    return data


def too_large_message(limit: int) -> str:
    return f"The file is larger than {limit // (1024 * 1024)} MB, the most that can be imported."


def extract_text(data: bytes, filename: str, *, pdf_layout: bool = False) -> str:
    """The text of an uploaded document, chosen by the file name's suffix.
    Raises ValueError with a user-facing message when it cannot be read."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(too_large_message(MAX_UPLOAD_BYTES))
    if not data.strip():
        raise ValueError("The file is empty.")
    suffix = Path(filename or "").suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = decode_text(data)
    elif suffix == DOCX_SUFFIX:
        text = docx_text(data)
    elif suffix == PDF_SUFFIX:
        text = pdf_text(data, layout=pdf_layout)
    else:
        raise ValueError(
            f"{filename or 'This file'} is not a file that can be imported: "
            "use .docx, .pdf, .md or .txt."
        )
    # PostgreSQL keeps no NUL in text. The binary sniff sees only a text
    # file's start (and no UTF-16), and a PDF's unmapped glyph can come out as
    # one: a stray NUL says nothing the minutes say.
    text = text.replace("\x00", "")
    if not text.strip():
        raise ValueError("The document has no text in it.")
    return text


# --- plain text -----------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 (a byte-order mark is dropped), then Windows-1252, then Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = decode_or_none(data, "utf-16")
    else:
        refuse_binary(data)
        text = None
        for encoding in ("utf-8-sig", "cp1252", "latin-1"):
            text = decode_or_none(data, encoding)
            if text is not None:
                break
    if text is None or too_many_controls(text):
        raise ValueError(
            "The file is not text in an encoding the importer reads (UTF-8, UTF-16 with a "
            "byte-order mark, Windows-1252 or Latin-1): save it as UTF-8 and upload it again."
        )
    return one_newline(text)


def decode_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def refuse_binary(data: bytes) -> None:
    head = data[:65536]
    if b"\x00" not in head:
        return
    if _wide_text(head):
        raise ValueError(
            "The file looks like UTF-16 or UTF-32 text without a byte-order mark: "
            "save it as UTF-8 and upload it again."
        )
    raise ValueError("The file is not text: it contains binary data.")


def _wide_text(head: bytes) -> bool:
    """Text written two or four bytes a letter: ASCII letters with NUL
    bytes between them, at least nine in ten of one byte position in two."""
    pairs = len(head) // 2
    if pairs < 8:
        return False
    for offset in (0, 1):
        letters = [b for b in head[1 - offset :: 2] if b]
        if head[offset::2].count(0) >= 0.9 * pairs and len(letters) >= pairs // 2:
            if all(32 <= b < 127 or b in (9, 10, 13) for b in letters):
                return True
    return False


def too_many_controls(text: str) -> bool:
    return len(CONTROL.findall(text)) > max(2, len(text) * CONTROL_SHARE_LIMIT)


# --- PDF ------------------------------------------------------------------------------


def pdf_text(data: bytes, *, layout: bool = False) -> str:
    """pdftotext's reading order, pages separated by form feeds."""
    text = _pdftotext(data, ["-layout"] if layout else [])
    if not text.replace("\f", "").strip():
        raise ValueError("The PDF has no text to read (a scanned image?): upload the Word file.")
    return text


# A line printed this much taller than the body's lines is a heading's.
HEADING_SCALE = 1.15  # HTML's h3 is 1.17 times the body's size
_MOST_HEADING_WORDS = 15


def pdf_headings(data: bytes) -> dict[str, int]:
    """The PDF's lines printed larger than its body text (the height most
    of its words are printed at), each line's words one space apart, with
    its level: 1 for the largest size, 2 for the next, and so on. A
    heading that wraps is two lines of the same level."""
    page = ElementTree.fromstring(_pdftotext(data, ["-bbox-layout"]))
    lines = []
    for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [word.text or "" for word in line]
        height = round(float(line.get("yMax", 0)) - float(line.get("yMin", 0)), 1)
        lines.append((height, " ".join(" ".join(words).split())))
    sizes: Counter = Counter()
    for height, words in lines:
        sizes[height] += len(words.split())
    if not sizes:
        return {}
    body = sizes.most_common(1)[0][0]
    headings = {
        (height, words)
        for height, words in lines
        if height >= body * HEADING_SCALE and 0 < len(words.split()) <= _MOST_HEADING_WORDS
    }
    levels = {
        height: rank + 1
        for rank, height in enumerate(sorted({h for h, _ in headings}, reverse=True))
    }
    return {words: levels[height] for height, words in sorted(headings, reverse=True)}


def _pdftotext(data: bytes, options: list[str]) -> str:
    """pdftotext's output for the PDF `data`, with `options`; a refusal
    where it is no PDF, too long, protected or damaged."""
    if b"%PDF-" not in data[:1024]:
        raise ValueError("The file is not a PDF, although its name ends in .pdf.")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        raise ValueError("PDF files cannot be read here: poppler's pdftotext is not installed.")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "upload.pdf"
        source.write_bytes(data)
        refuse_long_pdf(source)
        try:
            done = subprocess.run(
                [pdftotext, *options, "-enc", "UTF-8", str(source), "-"],
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ValueError("The PDF took too long to read; it may be damaged.") from None
    if done.returncode != 0:
        raise ValueError(pdf_error_message(done.stderr.decode("utf-8", "replace")))
    return done.stdout.decode("utf-8", "replace")


def refuse_long_pdf(source: Path) -> None:
    """More than MAX_PDF_PAGES pages is not one meeting's minutes. pdfinfo,
    beside pdftotext in poppler, says how many there are; a PDF it cannot
    read is left for pdftotext to refuse with its own reason."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return
    try:
        done = subprocess.run(
            [pdfinfo, str(source)], capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ValueError("The PDF took too long to read; it may be damaged.") from None
    found = re.search(r"^Pages:\s+(\d+)", done.stdout.decode("utf-8", "replace"), re.MULTILINE)
    if found and int(found.group(1)) > MAX_PDF_PAGES:
        raise ValueError(
            f"The PDF has {int(found.group(1)):,} pages, more than the {MAX_PDF_PAGES} "
            "one meeting's minutes may have."
        )


def pdf_error_message(stderr: str) -> str:
    if re.search(r"password|encrypt", stderr, re.IGNORECASE):
        return "The PDF is protected by a password and cannot be read."
    return "The PDF could not be read: it may be damaged."


# --- Word -----------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    """A Word document as Markdown: the first page header (where the
    classification banner lives), then the body in order."""
    if not data.startswith(b"PK"):
        raise ValueError("The file is not a Word document, although its name ends in .docx.")
    refuse_zip_bomb(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises whatever the broken zip or XML gives
        raise ValueError("The Word document could not be opened: it may be damaged.") from None
    try:
        return docx_markdown(document)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        # A part python-docx cannot follow (a style or list that is not there).
        raise ValueError("The Word document could not be read: it may be damaged.") from None


def refuse_zip_bomb(data: bytes) -> None:
    """Refuse a Word document whose parts would unpack past the limits, from
    the sizes its zip directory declares (zipfile never unpacks a part past
    its declared size), before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValueError("The Word document could not be opened: it may be damaged.") from None
    if len(parts) > MAX_DOCX_PARTS:
        raise ValueError(
            f"The Word document holds {len(parts):,} parts, more than the {MAX_DOCX_PARTS:,} "
            "a document of minutes has."
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise ValueError(
            f"The Word document would unpack to {unpacked // (1024 * 1024):,} MB, more than "
            f"the {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB that can be read."
        )
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_DOCX_RATIO * max(
            part.compress_size, 1
        ):
            raise ValueError(
                f"The Word document's part {part.filename} is packed "
                f"{part.file_size // max(part.compress_size, 1):,} to 1, which no real "
                "document is: it is refused as a possible zip bomb."
            )


def docx_markdown(document) -> str:
    writer = _MarkdownWriter(Numbering(document))
    for section in document.sections[:1]:
        if not section.header.is_linked_to_previous:
            for paragraph in section.header.paragraphs:
                writer.paragraph(paragraph)
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            writer.table(block)
        else:
            writer.paragraph(block)
    return writer.text()


def roman(number: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while number >= value:
            out, number = out + letters, number - value
    return out


class Numbering:
    """Word's list numbers as printed: Word stores only "list 5, level 1" on
    a paragraph, and the format ("%1.%2.") and counters in numbering.xml."""

    FORMATS = {
        "decimal": str,
        "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
        "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
        "lowerRoman": lambda n: roman(n).lower(),
        "upperRoman": roman,
    }

    def __init__(self, document):
        try:
            self.root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            self.root = None
        self.counters: dict[str, list[int]] = {}

    def label(self, paragraph) -> str | None:
        """'1.', '3.1.', 'a)', '-' for a bullet, or None: not in a list."""
        num_id, level = list_of(paragraph)
        if num_id is None or self.root is None or num_id == "0":
            return None
        levels = self.levels(num_id)
        if not levels:
            return None
        level = min(level, max(levels))
        if levels.get(level, {}).get("format") == "bullet":
            return "-"
        counts = self.counters.setdefault(num_id, [0] * 9)
        start = levels.get(level, {}).get("start", 1)
        counts[level] = counts[level] + 1 if counts[level] else start
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        return self.render(levels, level, counts)

    def render(self, levels: dict, level: int, counts: list[int]) -> str:
        pattern = levels.get(level, {}).get("text", f"%{level + 1}.")

        def number(match: re.Match) -> str:
            at = int(match.group(1)) - 1
            fmt = self.FORMATS.get(levels.get(at, {}).get("format", "decimal"), str)
            return fmt(counts[at] or levels.get(at, {}).get("start", 1))

        return re.sub(r"%(\d)", number, pattern).strip() or "-"

    def levels(self, num_id: str) -> dict[int, dict]:
        """{level: {start, format, text}} of the list behind this num id;
        {} when numbering.xml does not say (or says it in a broken way)."""
        try:
            return self.read_levels(num_id)
        except (TypeError, ValueError):
            return {}

    def read_levels(self, num_id: str) -> dict[int, dict]:
        num = next(
            (n for n in self.root.iterchildren(W("num")) if n.get(W("numId")) == num_id), None
        )
        if num is None or num.find(W("abstractNumId")) is None:
            return {}
        abstract_id = num.find(W("abstractNumId")).get(W("val"))
        abstract = next(
            (
                a
                for a in self.root.iterchildren(W("abstractNum"))
                if a.get(W("abstractNumId")) == abstract_id
            ),
            None,
        )
        found: dict[int, dict] = {}
        for lvl in abstract.iterchildren(W("lvl")) if abstract is not None else []:
            found[int(lvl.get(W("ilvl")))] = {
                "start": int(child_value(lvl, "start", "1")),
                "format": child_value(lvl, "numFmt", "decimal"),
                "text": child_value(lvl, "lvlText", ""),
            }
        for override in num.iterchildren(W("lvlOverride")):
            if override.find(W("startOverride")) is not None:
                level = int(override.get(W("ilvl")))
                found.setdefault(level, {})["start"] = int(
                    child_value(override, "startOverride", "1")
                )
        return found


def W(tag: str) -> str:
    """A WordprocessingML tag or attribute name as lxml spells it."""
    return qn(f"w:{tag}")


def child_value(element, tag: str, default: str) -> str:
    child = element.find(W(tag))
    value = child.get(W("val")) if child is not None else None
    return default if value is None else value


def list_of(paragraph) -> tuple[str | None, int]:
    """(num id, level) from the paragraph, else from its style or the
    styles it is based on (numbered headings take theirs from the style)."""
    properties = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None and len(properties) < 10:
        properties.append(style.element.pPr)
        style = style.base_style
    num_id = level = None
    for found in properties:
        numbering = found.numPr if found is not None else None
        if numbering is None:
            continue
        if level is None and numbering.ilvl is not None:
            level = int(numbering.ilvl.val)
        if numbering.numId is not None:
            num_id = str(numbering.numId.val)
            break
    return num_id, level or 0


def style_name(paragraph) -> str:
    style = paragraph.style
    return (style.name or "") if style is not None else ""


def heading_level(paragraph) -> int:
    """1–6 for 'Title' and 'Heading 1' … 'Heading 9' (Markdown stops at 6)."""
    name = style_name(paragraph)
    if match := re.fullmatch(r"Heading (\d)", name):
        return min(int(match.group(1)), 6)
    return 1 if name == "Title" else 0


class _MarkdownWriter:
    """Collects Markdown a paragraph or table at a time; list lines follow
    one another, everything else is a blank line apart."""

    def __init__(self, numbering: Numbering):
        self.numbering = numbering
        self.parts: list[tuple[str, str]] = []  # (kind, text)

    def paragraph(self, paragraph) -> None:
        text = inline_markdown(paragraph)
        if not text.strip():
            return
        label = self.numbering.label(paragraph)
        text = text.strip()
        if level := heading_level(paragraph):
            numbered = label and label != "-" and not text.startswith(label)
            self.parts.append(
                ("block", "#" * level + " " + (f"{label} " if numbered else "") + text)
            )
        elif label or style_name(paragraph).startswith("List Bullet"):
            _, depth = list_of(paragraph)
            self.parts.append(("list", "   " * depth + f"{label or '-'} {text}"))
        else:
            self.parts.append(("block", text))

    def table(self, table) -> None:
        rows = [table_row(row, table) for row in table.rows]
        if not rows:
            return
        width = max(len(r) for r in rows)
        lines = []
        for index, row in enumerate(rows):
            row = row + [""] * (width - len(row))
            lines.append("| " + " | ".join(row) + " |")
            if index == 0:
                lines.append("|" + "---|" * width)
        self.parts.append(("block", "\n".join(lines)))

    def text(self) -> str:
        out: list[str] = []
        previous = ""
        for kind, text in self.parts:
            if out:
                out.append("\n" if kind == previous == "list" else "\n\n")
            out.append(text)
            previous = kind
        return "".join(out) + "\n"


def table_row(row, table) -> list[str]:
    """One row's cells as text; a cell spanning columns is written once
    and followed by empty cells, a vertically merged cell is empty below
    its first row."""
    out = []
    for tc in row._tr.tc_lst:
        text = ""
        if tc.vMerge != "continue":
            cell = _Cell(tc, table)
            text = " ".join(inline_markdown(p).strip() for p in cell.paragraphs)
            text = " ".join(text.split()).replace("|", "\\|")
        out.append(text)
        out.extend([""] * (tc.grid_span - 1))
    return out


def inline_markdown(paragraph) -> str:
    """Runs with bold, italic and links as Markdown; Word splits text into
    runs arbitrarily, so neighbours with the same formatting are merged."""
    pieces: list[tuple[str, bool, bool, str]] = []
    for content in paragraph.iter_inner_content():
        url = getattr(content, "url", None)
        runs = content.runs if url is not None else [content]
        for run in runs:
            pieces.append((run_text(run), bool(run.bold), bool(run.italic), url or ""))
    merged: list[list] = []
    for text, bold, italic, url in pieces:
        if merged and merged[-1][1:] == [bold, italic, url]:
            merged[-1][0] += text
        else:
            merged.append([text, bold, italic, url])
    return "".join(wrap(text, bold, italic, url) for text, bold, italic, url in merged)


def run_text(run) -> str:
    """A run's text; python-docx gives tabs and line breaks as \\t and \\n."""
    return run.text.replace("\n", " ").replace("\t", " ")


def wrap(text: str, bold: bool, italic: bool, url: str) -> str:
    core = text.strip()
    if not core:
        return text
    lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    if italic:
        core = f"*{core}*"
    if bold:
        core = f"**{core}**"
    if url:
        core = f"[{core}]({url})"
    return lead + core + tail
