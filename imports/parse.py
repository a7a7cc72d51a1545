"""Which layout a minutes text is in, and reading an upload in one call.

The OPSG's 2021 layout, Markdown from Word (pipe tables, `#` headings,
`**bold**` decision verbs), is read by the generic reader given the OPSG
entry of the layout registry (imports.layout_generic, imports.layouts);
the 2019 one, text from a PDF, by its own reader (imports.layout_text, from
imports.pdf_blocks). Whether a text is Markdown is the file's kind where an
upload has one (MARKDOWN_BY_SUFFIX: a PDF's text never is, whatever marks
it holds), else, for a .txt file or pasted text, its marks (`is_markdown`);
anything else goes to the text layout, which flags what it cannot read.
Minutes in another committee's layout go to the generic reader by the
entry that recognises them. Which entries read a
text, and in which order, is the registry's data (imports.layouts
`layouts_of`: `read_first`, `recognise`, `pdf_text_reader`); see `parse`.
An uploaded Word document is always read as Markdown: imports.extract
writes it out that way."""

import re
from collections.abc import Callable
from pathlib import Path

from imports.blocks import one_newline
from imports.checks import check, refusal
from imports.common import VERBS, read_approval
from imports.extract import DOCX_SUFFIX, PDF_SUFFIX, extract_text, pdf_headings
from imports.layout_generic import parse_generic_layout
from imports.layout_text import parse_text_layout
from imports.layouts import Layout, layouts_of
from imports.link_definitions import carry_link_definitions
from imports.parsed import Flag, ParsedMinutes

PIPE_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-+:?\s*)+\|?\s*$", re.MULTILINE)
ATX_HEADING = re.compile(r"^#{1,6} \S", re.MULTILINE)
BOLD_VERB = re.compile(rf"\*\*({'|'.join(VERBS)})\*\*")


# The format a file's kind decides: Word is written out as Markdown
# (imports.extract), a PDF's text is no Markdown whatever it holds ("**" in
# a sentence, a "# " line). A .txt file's, and pasted text's, is decided by
# its content (`is_markdown`): Markdown is often saved or pasted as text.
MARKDOWN_BY_SUFFIX = {DOCX_SUFFIX: True, ".md": True, ".markdown": True, PDF_SUFFIX: False}


def is_markdown(text: str) -> bool:
    """A pipe table's header rule, a '# ' heading or a bold decision verb:
    for text whose format its file's kind does not say (MARKDOWN_BY_SUFFIX)."""
    return bool(PIPE_TABLE_RULE.search(text) or ATX_HEADING.search(text) or BOLD_VERB.search(text))


def parse(
    text: str,
    *,
    markdown: bool | None = None,
    committee: str = "",
    number: int | None = None,
    headings: dict[str, int] | None = None,
) -> ParsedMinutes:
    """Read minutes text in whichever layout it is in (or, with `markdown`,
    the format given), with the structural checks every reading gets
    (imports.checks).

    The entries of the layout registry read it in turn, as it says
    (imports.layouts `layouts_of`): the OPSG's first (`read_first`: its
    Markdown by the generic reader, its text by the 2019 reader,
    `pdf_text_reader`); where that reading gives no meeting number or date,
    the entry that recognises the text reads it again, and the reading that
    found more with fewer doubts is kept (one without a date never over one
    with). `committee` and `number`, chosen
    on the upload form, stand in where a document in another layout gives
    none (not for an entry read first, whose documents name their meeting).
    `headings`: a PDF's lines printed as headings (imports.extract
    `pdf_headings`), for the generic reader."""
    text = one_newline(text)  # the readers' line numbers and the checks' alike
    if markdown is None:
        markdown = is_markdown(text)
    minutes = None
    for layout in layouts_of(text):
        if minutes is not None and minutes.number is not None and minutes.date is not None:
            break
        hints = {} if layout.read_first else {"committee": committee, "number": number}
        reading = read_by(layout, text, markdown=markdown, headings=headings, **hints)
        if (
            minutes is None
            or (reading.date is not None or minutes.date is None)
            and score(reading) >= score(minutes)
        ):
            minutes = reading  # a dated reading is kept over one without a date
    if minutes.number is None and number is not None:
        minutes.number = number  # chosen on the upload form
    if not minutes.committee and committee:
        minutes.committee = committee.upper()
    first_item = minutes.items[0].line if minutes.items else None
    if approval := read_approval(text, before_line=first_item):
        minutes.approved_at_meeting, minutes.approved_on, line = approval
        minutes.final = True
        said = " ".join(
            part
            for part in (
                f"at meeting {minutes.approved_at_meeting}" if minutes.approved_at_meeting else "",
                f"on {minutes.approved_on:%d/%m/%Y}" if minutes.approved_on else "",
            )
            if part
        )
        message = f"Read as minutes approved {said}: they are imported as approved, then published."
        minutes.flags.append(Flag(line, "approval-read", message))
    if markdown:
        carry_link_definitions(minutes, text)
    check(text, minutes)
    return minutes


def read_by(
    layout: Layout, text: str, *, markdown: bool, headings: dict[str, int] | None = None, **hints
) -> ParsedMinutes:
    """`text` read by one entry of the registry: by the generic reader, or
    for an entry whose plain text is the 2019 PDF's (`pdf_text_reader`),
    that text by its own reader (imports.layout_text)."""
    if layout.pdf_text_reader and not markdown:
        return parse_text_layout(text)
    return parse_generic_layout(text, markdown=markdown, layout=layout, headings=headings, **hints)


def parse_upload(data: bytes, filename: str, **hints) -> ParsedMinutes:
    """An uploaded .docx, .pdf, .md or .txt file, read (see read_upload)."""
    return read_upload(data, filename, **hints)[1]


def read_upload(
    data: bytes,
    filename: str,
    *,
    committee: str = "",
    number: int | None = None,
    progress: Callable[[str], None] = lambda stage: None,
) -> tuple[str, ParsedMinutes]:
    """An uploaded .docx, .pdf, .md or .txt file: the text it was read from
    (which the flags' line numbers count in) and what was read. Raises
    ValueError (a message for the person uploading) when the file cannot be
    read as text; once it can, parsing never raises.

    A PDF is read both ways pdftotext offers (see imports.extract) and the
    reading that found more with fewer doubts is kept: the 2019 minutes'
    text looks like plain pdftotext output, while the PDFs this app renders
    read far better with -layout (their attendance table stays in rows).

    A document from which nothing meeting-like was read is refused too
    (imports.checks.refusal): nothing is offered for import. `committee`
    and `number`: see parse. `progress` is told each stage, in words, as
    the reading reaches it."""
    text, parsed = _read(data, filename, progress, committee=committee, number=number)
    progress("Checking what was read")
    if reason := refusal(parsed):
        raise ValueError(reason)
    return text, parsed


def _read(data: bytes, filename: str, progress, **hints) -> tuple[str, ParsedMinutes]:
    suffix = Path(filename or "").suffix.lower()
    markdown = MARKDOWN_BY_SUFFIX.get(suffix)  # None: by the text's content
    progress("Taking the text out of the file")
    text = extract_text(data, filename)
    headings = pdf_headings(data) if suffix == PDF_SUFFIX else None
    progress("Reading the meeting")
    parsed = parse(text, markdown=markdown, headings=headings, **hints)
    if suffix != PDF_SUFFIX:
        return text, parsed
    progress("Reading the PDF a second way, by its layout")
    other_text = extract_text(data, filename, pdf_layout=True)
    other = parse(other_text, markdown=markdown, headings=headings, **hints)
    return (other_text, other) if score(other) > score(parsed) else (text, parsed)


def score(minutes: ParsedMinutes) -> int:
    """What was read, less twice what was doubted."""
    counts = minutes.counts()
    read = sum(counts[k] for k in ("members", "participants", "apologies", "items"))
    read += sum(counts[k] for k in ("decisions", "actions_raised", "actions_reviewed"))
    return read - 2 * counts["flags"]
