"""Minutes in the OPSG 2019 layout, as plain text extracted from the PDF
(imports/fixtures/opsg_25_minutes.txt is one).

What the extracted text looks like:

- a title block: "Operations Group Meeting 25", "1 October 2019, 10:00 –
  17:00", the location (or "Teleconference"), "OPSG_25_0110 - Draft Minutes";
- page furniture anywhere, even mid-paragraph: "OPSG_25_0110 – Draft Minutes
  Page 1 of 12", the banner "This document has a Classification / of White",
  the footer "This document is classified as White in accordance with …",
  link targets (a bare "https://…" or "mailto:…" line, often twice) and
  footnotes under a line of spaces ("1 Enable customers …");
- a line starting with one space where a new page began;
- wrapped lines sometimes separated by blank lines, sometimes not, so a
  blank line is no proof of a new paragraph;
- attendance tables with their cells split over lines ("DCC" / "Mo Asif"),
  or merged ("Small Supplier Kate Barnes"), and the rest of a table that
  ran onto the next page printed after the text of an agenda item;
- numbered items "1. Previous Meeting Minutes" whose numbered points ("1.
  Managed Service Providers …") look much the same;
- the Actions Outstanding table, its header repeated on each page, a row's
  cells one after another ("OPSG" / "11/02" / the action's text /
  "28/08/2018 13/09/2019 N/A DCC"), then the update and "Action Status:
  Closed";
- "ACTION OPSG 25/03: …" paragraphs, and "Next Meeting: 5 November 2019".

The PDFs this app renders (templates/meetings/minutes.html with
static/css/print.css) read the same way, with furniture of their own:

- a running header on every page, "OPSG_25_0110 / This document has a
  Classification of White / Draft Minutes", on one line (pdftotext -layout)
  or as three lines in any order (plain), and the footer's statement with
  "Page 1 of 10" run into its first line;
- until the minutes are approved, the diagonal DRAFT mark, which pdftotext
  prints as its letters on lines of their own ("D", "R", "A", "FT") wherever
  they fall, mid-table and mid-paragraph;
- the captions of the tables ("Members", "Other participants", "Actions
  outstanding reviewed at OPSG 25");
- with -layout, the Actions Outstanding table in columns: a row's first line
  holds every cell, the action's text and a target written in words ("To be"
  / "determined") run on below in their own columns, and the update follows
  from the table's left edge;
- with -layout, paragraphs that no blank line sets apart: only the length
  of a paragraph's last line shows where it ends (see _mark_line_breaks);
- "Post-meeting note:" as a line of its own, footnotes as a numbered list
  whose points end in "↩" with their marks printed "SIP4931[1]", and a line
  "Incident reviewed: INC… – …" for each incident reviewed under an item.

parse_text_layout reads all of it into a ParsedMinutes and flags every line
it could not place or had to guess; it never raises and never invents an
action or a decision."""

import re
from collections import Counter
from dataclasses import dataclass, field

from actions.references import canonical
from imports.common import (
    QUORUM_STATEMENT,
    RECAP,
    VERBS,
    guess_committee,
    is_action_line,
    owners_in,
    parse_date,
    parse_time,
    read_action,
    read_decisions,
    read_incidents,
    read_outcome,
    split_decision,
)
from imports.layouts import OPSG, category_name, read_mark
from imports.parsed import (
    Flag,
    ParsedItem,
    ParsedMinutes,
    ParsedPerson,
    ParsedReview,
)


@dataclass
class _Line:
    """A non-blank line of the source: its 1-based number, its text with
    spaces tidied, and whether a blank line or a page break came before it.
    `raw` keeps the spaces: with pdftotext -layout they place a table's cells
    in their columns, and show where a line ended short of the margin (see
    _mark_line_breaks)."""

    number: int
    text: str
    gap_before: bool = False
    kind: str = "text"  # "text", "table-header" or "footnote"
    raw: str = ""
    break_before: bool = False  # the line above ended short: a line break, not a wrap


@dataclass
class _Block:
    """A paragraph, numbered point, bullet, ACTION, post-meeting note,
    sub-heading, footnote or stray line, gathered from one or more lines."""

    kind: str
    line: int
    parts: list[str] = field(default_factory=list)
    number: int | None = None

    @property
    def text(self) -> str:
        return _joined(self.parts)


_BROKEN_AT_HYPHEN = re.compile(r"[^\W\d_]-$")


def _joined(parts: list[str]) -> str:
    """Lines as one text; a word broken at its hyphen over two lines
    ("post-" / "Incident") is one word again."""
    joined = ""
    for part in parts:
        if joined and not _BROKEN_AT_HYPHEN.search(joined):
            joined += " "
        joined += part
    return joined


@dataclass
class _Document:
    """What the page furniture and the title block say, and the doubts met."""

    reference: str = ""
    final: bool = False
    classification_label: str = ""
    classification_statement: str = ""
    next_meetings: list = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def parse_text_layout(text: str) -> ParsedMinutes:
    """Read minutes in the 2019 PDF-text layout. Text in any other layout
    comes back with what could be read (perhaps only a header) and an
    "unknown-layout" flag."""
    try:
        return _parse(text)
    except Exception as error:  # an importer of users' files must not crash on one
        minutes = ParsedMinutes(committee="", number=None)
        message = f"The text could not be read ({type(error).__name__}: {error})."
        minutes.flags.append(Flag(1, "unreadable", message))
        return minutes


def _parse(text: str) -> ParsedMinutes:
    document = _Document()
    lines = _content_lines(text, document)
    attendance_at = _attendance_start(lines)
    first_item_at = _first_item(lines, attendance_at or 0)
    header_end = min(i for i in (attendance_at, first_item_at, len(lines)) if i is not None)
    minutes, unread = _read_header(lines[:header_end], document)
    minutes.flags = document.flags
    if first_item_at is not None or attendance_at is not None:
        for line in unread:
            message = f"Line {line.text!r} in the title block was not read."
            minutes.flags.append(Flag(line.number, "unplaced-line", message))
    if attendance_at is not None:
        end = first_item_at if first_item_at is not None else len(lines)
        minutes.attendance = _read_attendance(lines[attendance_at + 1 : end], minutes.flags)
    if first_item_at is None:
        _flag_unknown_layout(minutes, lines)
        return minutes
    guess_committee(minutes, (line.text for line in lines[first_item_at:]), minutes.line)
    _read_items(lines[first_item_at:], minutes)
    minutes.flags.extend(filter(None, map(read_outcome, minutes.reviews)))
    order = {"member": 0, "participant": 1, "apology": 2}
    minutes.attendance.sort(key=lambda person: order[person.section])
    minutes.flags.sort(key=lambda flag: flag.line)
    return minutes


def _flag_unknown_layout(minutes: ParsedMinutes, lines: list[_Line]) -> None:
    if minutes.attendance:
        message = "No numbered agenda items were found after the attendance."
    elif not lines:
        message = "The text is empty: there was nothing to read."
    else:
        last = lines[-1].number if lines else 1
        message = (
            f"This text is not in the 2019 minutes layout: lines 1–{last} were not read as minutes."
        )
    minutes.flags.insert(0, Flag(1, "unknown-layout", message))


# --- lines and page furniture ----------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PAGE_HEADER = re.compile(
    r"^(?P<reference>[A-Z][A-Za-z]*_\d+_\d{3,4})\s*[–—-]\s*(?P<status>Draft|Final)\s+Minutes"
    r"(?:\s+Page\s+\d+\s+of\s+\d+)?$",
    re.I,
)
_PAGE_NUMBER = re.compile(r"^Page\s+\d+\s+of\s+\d+$", re.I)
_PAGE_NUMBER_RUN_IN = re.compile(r"\s+Page\s+\d+\s+of\s+\d+\b", re.I)
# This app's running header, its three boxes on one line (pdftotext -layout),
# and the boxes on lines of their own (plain pdftotext).
_RUNNING_HEADER = re.compile(
    r"^(?P<reference>[A-Z][A-Za-z]*_\d+_\d{3,4})\s+This document has a Classification\s+of\s+"
    r"(?P<label>\w+)\s+(?P<status>Draft|Final)\s+Minutes$",
    re.I,
)
_LONE_REFERENCE = re.compile(r"^[A-Z][A-Za-z]*_\d+_\d{3,4}$")
_LONE_STATUS = re.compile(r"^(?P<status>Draft|Final)\s+Minutes$", re.I)
_WATERMARK = "DRAFT"
_REVIEWS_CAPTION = re.compile(r"^Actions?\s+outstanding\s+reviewed\s+at\s+[A-Z]\S*\s+\d+$", re.I)
_BANNER = re.compile(r"^This document has a Classification(?:\s+of\s+(?P<label>\w+))?\.?$", re.I)
_BANNER_END = re.compile(r"^of\s+(?P<label>\w+)\.?$", re.I)
_STATEMENT = re.compile(r"^This document is classified as (?P<label>\w+)\b", re.I)
_LINK_TARGET = re.compile(r"^(?:https?://|mailto:)\S+$")
_TABLE_HEADER = re.compile(r"^Action\s+ID\b")
_TABLE_HEADER_WORDS = {"action", "id", "date", "raised", "last", "target", "revised", "owner"}
_NEXT_MEETING = re.compile(
    r"^Next\s+(?:(?P<kind>\w+)\s+)?meetings?\b(?:\s*[:–-]\s*|\s+(?=\d))(?P<rest>.*)$", re.I
)
_FOOTNOTE = re.compile(r"^(?P<number>\d{1,3})\s+(?P<text>\S.*)$")
_MEETING_KINDS = {"main", "reporting", "extraordinary", "confidential"}


def _content_lines(text: str, document: _Document) -> list[_Line]:
    """The lines that carry content, page furniture taken out (and read into
    `document`), each knowing whether a gap came before it."""
    raw_lines = text.split("\n")
    watermark = _watermark_lines(raw_lines)
    content: list[_Line] = []
    gap = True
    index = 0
    while index < len(raw_lines):
        number = index + 1
        raw = _CONTROL.sub("", raw_lines[index].rstrip("\r"))
        page_break = "\f" in raw or (raw.startswith(" ") and not raw.startswith("  "))
        raw = raw.replace("\f", "")
        tidy = " ".join(raw.split())
        index += 1
        if index - 1 in watermark:
            gap = True
            continue
        if not tidy:
            if len(raw) >= 20:
                # A line of spaces is the rule above the page's footnotes.
                index = _read_footnote(raw_lines, index, content)
            gap = True
            continue
        consumed = _furniture(tidy, raw_lines, index, number, document)
        if consumed is not None:
            index = consumed
            gap = True
            continue
        if _is_table_header(tidy) or (
            _REVIEWS_CAPTION.match(tidy) and _is_table_header(_next_nonblank(raw_lines, index)[0])
        ):
            # The caption above the table is read as part of its header.
            content.append(_Line(number, tidy, gap_before=True, kind="table-header", raw=raw))
            if not _REVIEWS_CAPTION.match(tidy):
                index = _skip_header_words(raw_lines, index)
            gap = True
            continue
        repaired = _repaired(tidy)
        if repaired != tidy:
            message = f"Read {tidy!r} as {repaired!r}: extraction split a reference."
            document.flags.append(Flag(number, "text-repaired", message))
        content.append(_Line(number, repaired, gap_before=gap or page_break, raw=raw))
        gap = False
    if any(_COLUMN_GAP.search(raw) for raw in raw_lines):
        _mark_line_breaks(content)
    for line in content:
        if _OWNER_LINE.match(line.text):
            # This app's "Owner: …; target: …." ends its ACTION paragraph.
            line.gap_before = line.break_before = False
    return content


_OWNER_LINE = re.compile(r"^Owner:\s*[^;]*;\s*target:\s*.*\.$")
_COLUMN_GAP = re.compile(r"\S {3,}\S")  # cells apart on one line: pdftotext -layout
_WIDTH_WINDOW = 8  # lines either side whose length shows the width of the text


def _mark_line_breaks(content: list[_Line]) -> None:
    """With pdftotext -layout, paragraphs are not set apart by blank lines,
    but their lines keep their lengths: a line is a paragraph's last (or a
    heading) when the next line's first word would have fitted after it.
    The width is that of the longest line nearby with the same indent, so
    table cells, the ACTION boxes and the body are measured apart. A last
    line that happens to be nearly full is missed; nothing is split that
    wrapped."""
    measured = [
        (len(line.raw) - len(line.raw.lstrip()), len(line.raw.rstrip()))
        if line.kind == "text" and line.raw and not _COLUMN_GAP.search(line.raw)
        else None
        for line in content
    ]
    for index in range(len(content) - 1):
        line, following = content[index], content[index + 1]
        if measured[index] is None or measured[index + 1] is None:
            continue
        if following.number != line.number + 1:
            continue  # a blank line or furniture between them: gap_before says it
        indent, length = measured[index]
        nearby = measured[max(0, index - _WIDTH_WINDOW) : index + _WIDTH_WINDOW + 1]
        width = max(found[1] for found in nearby if found and found[0] == indent)
        following.break_before = length + 1 + len(following.text.split()[0]) <= width


def _is_table_header(tidy: str | None) -> bool:
    return bool(tidy and _TABLE_HEADER.match(tidy) and _only_header_words(tidy))


def _watermark_lines(raw_lines: list[str]) -> set[int]:
    """The indexes of the lines that are letters of the diagonal DRAFT mark
    of this app's draft PDFs ("D", "R", "A", "FT", each on a line of its own
    wherever the slant put it). Page furniture, but only where it cannot be
    anything else: the whole mark must be on some page, one letter a place,
    and a page's lines are taken as the mark only when together they spell
    no more than it ("A" twice on a page is kept, and flagged if it cannot
    be placed)."""
    pages: list[list[tuple[int, str]]] = [[]]
    for index, raw in enumerate(raw_lines):
        if "\f" in raw:
            pages.append([])
        letters = "".join(raw.replace("\f", "").split())
        if letters and letters in _WATERMARK:
            pages[-1].append((index, letters))
    spelled = [Counter("".join(letters for _, letters in page)) for page in pages]
    whole = Counter(_WATERMARK)
    if whole not in spelled:
        return set()
    return {
        index
        for page, letters in zip(pages, spelled, strict=True)
        if letters <= whole
        for index, _ in page
    }


def _furniture(tidy: str, raw_lines: list[str], index: int, number: int, document) -> int | None:
    """If the line is page furniture, read it and return the index of the
    line after it (it may take the next lines too); None otherwise."""
    if match := _PAGE_HEADER.match(tidy) or _RUNNING_HEADER.match(tidy):
        document.reference = document.reference or match["reference"]
        document.final = match["status"].lower() == "final"
        if label := match.groupdict().get("label"):
            document.classification_label = document.classification_label or label
        return index
    if _LONE_REFERENCE.match(tidy):
        document.reference = document.reference or tidy
        return index
    if match := _LONE_STATUS.match(tidy):
        document.final = match["status"].lower() == "final"
        return index
    if _PAGE_NUMBER.match(tidy):
        return index
    if match := _BANNER.match(tidy):
        label = match["label"]
        following, after = _next_nonblank(raw_lines, index)
        if not label and following is not None and (end := _BANNER_END.match(following)):
            label, index = end["label"], after
        document.classification_label = document.classification_label or (label or "")
        return index
    if match := _STATEMENT.match(tidy):
        statement, index = _read_statement(tidy, raw_lines, index)
        document.classification_label = document.classification_label or match["label"]
        document.classification_statement = document.classification_statement or statement
        return index
    if _LINK_TARGET.match(tidy):
        previous = " ".join(raw_lines[index - 2].split()) if index >= 2 else ""
        if previous != tidy:
            message = (
                f"A link to {tidy} was on this page; the PDF text does not say which "
                "words carried it, so it is not in the narrative."
            )
            document.flags.append(Flag(number, "link-target", message))
        return index
    if match := _NEXT_MEETING.match(tidy):
        return _read_next_meetings(match, raw_lines, index, number, document)
    return None


def _next_nonblank(raw_lines: list[str], index: int) -> tuple[str | None, int]:
    while index < len(raw_lines):
        tidy = " ".join(raw_lines[index].split())
        index += 1
        if tidy:
            return tidy, index
    return None, index


def _read_statement(first: str, raw_lines: list[str], index: int) -> tuple[str, int]:
    """The classification footer, to the end of its sentence (at most four
    lines), without the page number that pdftotext -layout runs into it."""
    parts = [_PAGE_NUMBER_RUN_IN.sub("", first)]
    while not parts[-1].endswith(".") and len(parts) < 4:
        following, after = _next_nonblank(raw_lines, index)
        if following is None:
            break
        parts.append(_PAGE_NUMBER_RUN_IN.sub("", following))
        index = after
    return " ".join(parts), index


def _read_next_meetings(match, raw_lines, index: int, number: int, document) -> int | None:
    """ "Next Meeting: 5 November 2019", or "Next main meeting: 1 June 2021;
    Next reporting meeting: 28 June 2021"."""
    kind = (match["kind"] or "main").lower()
    if kind not in _MEETING_KINDS:
        return None
    rest = match["rest"]
    if not rest:
        following, after = _next_nonblank(raw_lines, index)
        if following is None or parse_date(following) is None:
            return None
        rest, index = following, after
    found = []
    for part in re.split(r";\s*", rest):
        part_match = _NEXT_MEETING.match(part)
        part_kind = (part_match["kind"] or "main").lower() if part_match else kind
        written = part_match["rest"] if part_match else part
        date = parse_date(written)
        if date is None:
            if written.strip():
                message = f"Next meeting date {written.strip()!r} could not be read."
                document.flags.append(Flag(number, "unreadable-date", message))
            continue
        found.append((part_kind if part_kind in _MEETING_KINDS else "main", date))
    if not found and not rest.strip():
        return None
    document.next_meetings += found
    return index


def _read_footnote(raw_lines: list[str], index: int, content: list[_Line]) -> int:
    following, after = _next_nonblank(raw_lines, index)
    if following is not None and _FOOTNOTE.match(following):
        content.append(_Line(after, following, gap_before=True, kind="footnote"))
        return after
    return index


def _only_header_words(tidy: str) -> bool:
    return all(word.lower().strip("()s") in _TABLE_HEADER_WORDS for word in tidy.split())


def _skip_header_words(raw_lines: list[str], index: int) -> int:
    """The header's other cells ("Date", "Raised", "Last Target", …), one a line."""
    while index < len(raw_lines):
        tidy = " ".join(raw_lines[index].split())
        if tidy and not _only_header_words(tidy):
            break
        index += 1
    return index


# --- the title block ---------------------------------------------------------

_TITLE = re.compile(
    r"^(?P<name>.+?)\s+(?:(?P<kind>Main|Reporting|Extraordinary)\s+)?Meeting"
    r"(?:\s+(?:No\.?\s*)?(?P<number>\d+))?$",
    re.I,
)
_DATE_LINE = re.compile(
    r"^(?:\w+day,?\s+)?(?P<date>\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]+\s+\d{4})"
    r"(?:\s*,\s*(?P<rest>.*))?$"
)
_TIMES = re.compile(r"(?P<start>\d{1,2}[:.]\d{2})\s*(?:[–—-]|to)\s*(?P<end>\d{1,2}[:.]\d{2})")
_REFERENCE = re.compile(r"\b(?P<code>[A-Z][A-Za-z]*)_(?P<number>\d+)_\d{3,4}\b")
_DRAFT = re.compile(r"^(?:Draft|Final)\s+Minutes$", re.I)


def _read_header(lines: list[_Line], document: _Document) -> tuple[ParsedMinutes, list[_Line]]:
    """The title, date and times, location and reference, from the lines
    before the attendance; returns the minutes and the lines not read."""
    minutes = ParsedMinutes(
        committee="",
        number=None,
        reference=document.reference,
        final=document.final,
        classification_label=document.classification_label,
        classification_statement=document.classification_statement,
        next_meetings=document.next_meetings,
    )
    seen: set[str] = set()
    unread = [line for line in lines if not _read_header_line(line, minutes, seen, document.flags)]
    _settle_committee(minutes)
    return minutes, unread


def _read_header_line(line: _Line, minutes: ParsedMinutes, seen: set[str], flags) -> bool:
    """Read one title-block line into `minutes`; `seen` names the parts
    already read (title, date), so each is read once."""
    text = line.text
    if "title" not in seen and (match := _TITLE.match(text)):
        seen.add("title")
        minutes.line = line.number
        minutes.number = int(match["number"]) if match["number"] else None
        minutes.kind = (match["kind"] or "main").lower()
        return True
    if "date" not in seen and (match := _DATE_LINE.match(text)):
        seen.add("date")
        minutes.date = parse_date(match["date"])
        if minutes.date is None:
            flags.append(Flag(line.number, "unreadable-date", f"Meeting date {text!r}."))
        _read_times(match["rest"] or "", minutes)
        return True
    if _TIMES.fullmatch(text):
        _read_times(text, minutes)
        return True
    if match := _REFERENCE.search(text):
        minutes.reference = minutes.reference or match.group(0)
        minutes.final = minutes.final or bool(re.search(r"\bFinal\b", text))
        return True
    if _DRAFT.match(text):
        minutes.final = text.lower().startswith("final")
        return True
    if "date" in seen and "location" not in seen:
        seen.add("location")
        minutes.location = text
        minutes.teleconference = "teleconference" in text.lower()
        return True
    return False


def _read_times(text: str, minutes: ParsedMinutes) -> None:
    if match := _TIMES.search(text):
        minutes.start_time = parse_time(match["start"])
        minutes.end_time = parse_time(match["end"])


def _settle_committee(minutes: ParsedMinutes) -> None:
    """The committee's code and the meeting's number come from the
    reference ("OPSG_25_0110") where the title does not give them."""
    match = _REFERENCE.search(minutes.reference)
    if not match:
        return
    minutes.committee = match["code"]
    if minutes.number is None:
        minutes.number = int(match["number"])


# --- attendance --------------------------------------------------------------

_ATTENDANCE_START = re.compile(r"^(?:Attendees|Attendance|Present|In attendance)\s*:?$", re.I)
_APOLOGIES = re.compile(r"^Apologies\s*:?$", re.I)
_TABLE_CAPTION = re.compile(r"^(?:Category|Representing|Name)\b(?P<rest>.*)$", re.I)
# The captions over this app's attendance tables ("Apologies" is read above).
_SECTION_CAPTION = re.compile(r"^(?P<section>Members|Other\s+participants)\s*:?$", re.I)
_MARK = re.compile(r"\s*\((?P<mark>[^()]*)\)\s*$")
_TAG = re.compile(r"</?\w+>")
_NAME_WORD = r"(?:[A-Z][\w’'\-]*\.?|(?:de|van|von|der|den|da|di|du|le|la|bin|al))"
_PERSON = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}")
_GROUP_NOUNS = {
    "party",
    "parties",
    "supplier",
    "suppliers",
    "chair",
    "operator",
    "operators",
    "provider",
    "providers",
    "representative",
    "representatives",
    "consumer",
}
# Member categories and bodies as the OPSG's tables print them; an unknown
# body is still recognised when it is written in capitals ("DSP", "DNOs").
_KNOWN_GROUPS = sorted(
    [
        "Operations Group Chair",
        "Network Party",
        "Network Parties",
        "Large Supplier",
        "Large Suppliers",
        "Small Supplier",
        "Small Suppliers",
        "Other SEC Party",
        "Other SEC Parties",
        "DCC",
        "DSP",
        "SECAS",
        "TABASC",
        "Ofgem",
        "BEIS",
        "CSP N",
        "CSP C&S",
        "DCO",
        "Citizens Advice",
    ],
    key=len,
    reverse=True,
)
_MEMBER_CATEGORIES = {group for group in _KNOWN_GROUPS if group.split()[-1].lower() in _GROUP_NOUNS}


def _attendance_start(lines: list[_Line]) -> int | None:
    """Where "Attendees:" is, provided it comes before the first item."""
    for index, line in enumerate(lines):
        if _ATTENDANCE_START.match(line.text):
            return index
        if _heading(line, lines[index + 1] if index + 1 < len(lines) else None, "0"):
            return None
    return None


@dataclass
class _Entry:
    """One attendance line: a group label, a person (perhaps with the group
    before the name), or marks that belong to the person above."""

    group: str = ""
    name: str = ""
    marks: list[str] = field(default_factory=list)


def _attendance_entry(text: str) -> _Entry | None:
    """Read "Small Supplier Kate Barnes", "DCC", "Liam Cowe (Alternate)
    (Teleconference)" or "(Part)"; None for a line that is none of these."""
    rest = _TAG.sub("", text).strip()
    marks: list[str] = []
    while match := _MARK.search(rest):
        marks.insert(0, " ".join(match["mark"].split()))
        rest = rest[: match.start()].strip()
    if not rest:
        return _Entry(marks=marks) if marks else None
    for group in _KNOWN_GROUPS:
        if rest == group:
            return _Entry(group=group, marks=marks) if not marks else None
        if rest.startswith(group + " ") and _PERSON.fullmatch(rest[len(group) + 1 :]):
            return _Entry(group=group, name=rest[len(group) + 1 :], marks=marks)
    if _looks_like_group(rest) and not marks:
        return _Entry(group=rest)
    first, _, after = rest.partition(" ")
    if _looks_like_group(first) and _PERSON.fullmatch(after):
        return _Entry(group=first, name=after, marks=marks)
    if _PERSON.fullmatch(rest):
        return _Entry(name=rest, marks=marks)
    return None


def _looks_like_group(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 4 or not words[0][:1].isupper():
        return False
    if len(words) == 1:
        return bool(re.fullmatch(r"[A-Z][A-Z&]+s?", text))
    return words[-1].lower() in _GROUP_NOUNS and all(w[:1].isupper() for w in words)


def _read_attendance(lines: list[_Line], flags: list[Flag]) -> list[ParsedPerson]:
    """The three tables: members by category, other participants by the
    body they represent, apologies."""
    people: list[ParsedPerson] = []
    section, group = "member", ""
    for line in lines:
        if _APOLOGIES.match(line.text):
            section, group = "apology", ""
            continue
        if caption := _SECTION_CAPTION.match(line.text):
            section = "member" if caption["section"].lower() == "members" else "participant"
            group = ""
            continue
        if caption := _TABLE_CAPTION.match(line.text):
            if "participant" in caption["rest"].lower():
                section, group = "participant", ""
            elif "member" in caption["rest"].lower():
                section, group = "member", ""
            continue
        if QUORUM_STATEMENT.match(line.text):
            continue
        entry = _attendance_entry(line.text)
        if entry is None:
            message = f"Line {line.text!r} in the attendance could not be placed; it is left out."
            flags.append(Flag(line.number, "unplaced-line", message))
            continue
        group = _add_entry(entry, line, section, group, people, flags)
    return people


def _add_entry(entry: _Entry, line: _Line, section: str, group: str, people, flags) -> str:
    """Record one attendance line; returns the group now in force."""
    group = category_name(entry.group) if entry.group else group
    if entry.name:
        person = ParsedPerson(name=entry.name, section=section, group=group, line=line.number)
        _apply_marks(person, entry.marks)
        people.append(person)
    elif entry.marks and people:
        _apply_marks(people[-1], entry.marks)
    elif entry.marks:
        message = f"Marks {line.text!r} belong to no one; left out."
        flags.append(Flag(line.number, "unplaced-line", message))
    return group


def _apply_marks(person: ParsedPerson, marks: list[str]) -> None:
    for mark in marks:
        read_mark(person, mark, OPSG)


# --- agenda items --------------------------------------------------------------

_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})?)\.?\s+(?P<title>\S.*)$")


def _first_item(lines: list[_Line], start: int) -> int | None:
    for index in range(start, len(lines)):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if _heading(lines[index], following, "0") is not None:
            return index
    return None


def _heading(line: _Line, following: _Line | None, current: str) -> tuple[str, str] | None:
    """(number, title) when the line is the next item's heading after item
    `current` ("4" or "4.2"): the next number, a short title without a full
    stop, after a gap, and not a point whose text runs on to the next line."""
    match = _HEADING.match(line.text)
    if not match or line.kind != "text" or not line.gap_before:
        return None
    number, title = match["number"], match["title"].strip()
    if number not in _next_numbers(current):
        return None
    if "." not in number and not re.match(rf"^{number}\.\s", line.text):
        return None
    if len(title) > 70 or len(title.split()) > 10 or title[-1] in ".,;:":
        return None
    if not (title[0].isupper() or title[0].isdigit() or title[0] in "‘“'\""):
        return None
    if following is not None and following.text[:1].islower():
        return None
    return number, title


def _next_numbers(current: str) -> set[str]:
    main, _, sub = current.partition(".")
    following_main = str(int(main) + 1)
    return {following_main, f"{main}.{int(sub or 0) + 1}"}


# This app's own PDF closes the items with a table of the actions they raised:
# a recap, already read under each item, so it is passed over.


def _without_recap(lines: list[_Line]) -> list[_Line]:
    start = next((i for i, line in enumerate(lines) if RECAP.match(line.text)), None)
    if start is None:
        return lines
    end = next(
        (i for i in range(start + 1, len(lines)) if _NEXT_MEETING.match(lines[i].text)),
        len(lines),
    )
    return lines[:start] + lines[end:]


def _read_items(lines: list[_Line], minutes: ParsedMinutes) -> None:
    """Split the body at the item headings and read each item."""
    lines = _without_recap(lines)
    spans: list[tuple[str, str, int]] = []
    current = "0"
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if heading := _heading(line, following, current):
            spans.append((*heading, index))
            current = heading[0]
    reader = _ItemReader(minutes)
    for position, (number, title, start) in enumerate(spans):
        end = spans[position + 1][2] if position + 1 < len(spans) else len(lines)
        item = ParsedItem(number=number, title=title, line=lines[start].number)
        reader.read(item, lines[start + 1 : end])
        minutes.items.append(item)


class _ItemReader:
    """Reads the lines of one item after another, keeping what runs across
    items: the last action number read, the header's dates for targets."""

    def __init__(self, minutes: ParsedMinutes):
        self.minutes = minutes
        self.flags = minutes.flags
        self.sequences = {False: 0, True: 0}  # last number read, plain and CONF
        self.next_meeting = next(
            (date for kind, date in minutes.next_meetings if kind == "main"),
            minutes.next_meetings[0][1] if minutes.next_meetings else None,
        )

    def read(self, item: ParsedItem, lines: list[_Line]) -> None:
        lines = self._take_table(lines)
        lines = self._take_attendance(lines)
        blocks = _blocks(lines)
        self.reviewed: list[str] = []
        self._read_blocks(item, blocks)
        read_incidents(item, self.flags, self.reviewed)

    # The rest of an attendance table printed inside an item.
    def _take_attendance(self, lines: list[_Line]) -> list[_Line]:
        kept: list[_Line] = []
        index = 0
        while index < len(lines):
            end = _attendance_run(lines, index)
            if end is None:
                kept.append(lines[index])
                index += 1
                continue
            run = lines[index:end]
            first = _attendance_entry(run[0].text)
            section = "member" if first.group in _MEMBER_CATEGORIES else "participant"
            self.minutes.attendance += _read_attendance_run(run, section, self.flags)
            message = (
                f"Lines {run[0].number}–{run[-1].number} read as the rest of the "
                f"{'members' if section == 'member' else 'other participants'} table, "
                "printed here by the PDF."
            )
            self.flags.append(Flag(run[0].number, "attendance-continued", message))
            index = end
        return kept

    # The Actions Outstanding table.
    def _take_table(self, lines: list[_Line]) -> list[_Line]:
        kept: list[_Line] = []
        index = 0
        while index < len(lines):
            if lines[index].kind != "table-header":
                kept.append(lines[index])
                index += 1
                continue
            reviews, index = _read_table(lines, index, self.minutes.committee, self.flags)
            self.minutes.reviews += reviews
        return kept

    def _read_blocks(self, item: ParsedItem, blocks: list[_Block]) -> None:
        narrative: list[_Block] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            index += 1
            if block.kind == "action":
                self._read_action(item, block)
            elif block.kind == "note":
                item.post_meeting_note = _join_notes(item.post_meeting_note, _note_text(block.text))
            elif block.kind == "incident-review":
                self._read_incident_review(item, block)
            elif block.kind in {"para", "point", "bullet"}:
                index = self._read_paragraph(item, blocks, index - 1, narrative)
            else:
                narrative.append(block)
                if block.kind == "junk":
                    message = f"Line {block.text!r} kept in item {item.number}'s narrative."
                    self.flags.append(Flag(block.line, "unplaced-line", message))
        footnotes = [block for block in narrative if block.kind == "footnote"]
        body = [block for block in narrative if block.kind != "footnote"]
        item.narrative = _markdown(body + footnotes)
        for footnote in footnotes:
            if _mark_footnote(item, footnote.number):
                where = f"its mark [{footnote.number}] is read as [^{footnote.number}]"
            else:
                where = "the PDF text does not show where its mark was"
            message = f"Footnote kept at the end of item {item.number}'s narrative: {where}."
            self.flags.append(Flag(footnote.line, "footnote", message))

    def _read_incident_review(self, item: ParsedItem, block: _Block) -> None:
        """ "Incident reviewed: INC… – title. Review report to be published:
        yes." is what this app prints for an incident reviewed under the
        item: the incident is the item's, the line is not narrative, and what
        it says of the report is left to the secretary."""
        match = _INCIDENT_REVIEW.match(block.text)
        self.reviewed.append(match["reference"])
        said = " ".join(match["rest"].split()).lstrip("–—- ").strip()
        message = (
            f"Item {item.number} records a review of {match['reference']}"
            f"{f' ({said})' if said else ''}; read as an incident of the item, not as narrative."
        )
        self.flags.append(Flag(block.line, "incident-review", message))

    def _read_paragraph(self, item, blocks, index: int, narrative: list[_Block]) -> int:
        """A paragraph, and the points after it when it opens a decision
        ("The OPSG NOTED that:"). Returns the index of the next block."""
        block = blocks[index]
        before, decision_text = split_decision(block.text, committee=self.minutes.committee)
        if not decision_text:
            narrative.append(block)
            return index + 1
        end = index + 1
        if decision_text.endswith(":"):
            while end < len(blocks) and blocks[end].kind in {"point", "bullet"}:
                decision_text += "\n" + _render(blocks[end])
                end += 1
        decisions = read_decisions(decision_text, block.line, committee=self.minutes.committee)
        if not decisions:
            narrative.append(block)
            return index + 1
        if before:
            narrative.append(_Block(block.kind, block.line, [before], block.number))
        item.decisions += decisions
        return end

    def _read_action(self, item: ParsedItem, block: _Block) -> None:
        conf = bool(re.search(r"/\s*CONF", block.text[:40]))
        action, flags = read_action(
            block.text,
            block.line,
            committee=self.minutes.committee,
            meeting_number=self.minutes.number,
            previous_sequence=self.sequences[conf],
            meeting_date=self.minutes.date,
            next_meeting=self.next_meeting,
        )
        if not any(flag.kind == "meeting-number" for flag in flags):
            self.sequences[conf] = int(re.split(r"[/ ]", action.reference)[-1])
        item.actions.append(action)
        self.flags += flags


def _mark_footnote(item: ParsedItem, number: int) -> bool:
    """This app's PDFs print a footnote's mark as "SIP4931[1]": written back
    as the Markdown mark "[^1]" wherever the item has it. False when the
    text has no such mark (the 2019 PDFs print it as a bare superscript)."""
    mark = re.compile(rf"(?<=[^\s\[])\[{number}\](?![(:])")
    found = False

    def marked(text: str) -> str:
        nonlocal found
        text, count = mark.subn(f"[^{number}]", text)
        found = found or bool(count)
        return text

    item.narrative = marked(item.narrative)
    item.post_meeting_note = marked(item.post_meeting_note)
    for decision in item.decisions:
        decision.text = marked(decision.text)
        decision.points = [marked(point) for point in decision.points]
    return found


def _join_notes(existing: str, note: str) -> str:
    return f"{existing}\n\n{note}" if existing else note


def _note_text(text: str) -> str:
    """ "[Post meeting note: The Chair asked …]", or "Post-meeting note:" on a
    line of its own above the note (this app's PDFs) → "The Chair asked …"."""
    if not text.startswith("["):
        return re.sub(r"^Post[- ]meeting\s+note\s*:\s*", "", text, flags=re.I).strip()
    inner = re.sub(r"^\[\s*Post[- ]meeting\s+note\s*:?\s*", "", text, flags=re.I)
    return inner.strip().removesuffix("]").strip()


# --- attendance printed inside an item -----------------------------------------


def _attendance_run(lines: list[_Line], index: int) -> int | None:
    """The end of a run of attendance lines starting at `index`, or None.
    It must start after a finished sentence, with a group ("DSP Graham
    Spenceley (Part)", "SECAS"), and hold at least two lines, or one line
    naming a known group and a person."""
    line = lines[index]
    if not line.gap_before or line.kind != "text":
        return None
    if index > 0 and not _ends_sentence(lines[index - 1].text):
        return None
    first = _attendance_entry(line.text)
    if first is None or not first.group:
        return None
    end = index + 1
    while end < len(lines) and lines[end].kind == "text":
        if _attendance_entry(lines[end].text) is None:
            break
        end += 1
    if end < len(lines) and lines[end].kind == "text" and not _starts_new(lines[end]):
        return None  # the run is the start of a sentence after all
    if end - index >= 2 or (first.name and first.group in _KNOWN_GROUPS):
        return end
    return None


def _starts_new(line: _Line) -> bool:
    return line.gap_before and not line.text[:1].islower()


def _read_attendance_run(lines: list[_Line], section: str, flags) -> list[ParsedPerson]:
    people: list[ParsedPerson] = []
    group = ""
    for line in lines:
        group = _add_entry(_attendance_entry(line.text), line, section, group, people, flags)
    return people


# --- paragraphs ----------------------------------------------------------------

_POINT_START = re.compile(r"^(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
_BULLET_START = re.compile(r"^[–—•▪*-]\s+(?P<text>\S.*)$")
_NOTE_START = re.compile(r"^\[\s*Post[- ]meeting\s+note\b|^Post[- ]meeting\s+note\s*:$", re.I)
# This app's PDFs print footnotes as a numbered list, each ending in a link back,
# and each incident reviewed under an item on a line of its own.
_INCIDENT_REVIEW = re.compile(
    r"^Incident reviewed:\s*(?P<reference>INC\d{12})\b(?P<rest>.*)$", re.S
)
_BACKREF = "↩"
_MARKED_NOTE = re.compile(r"^\[(?P<number>\d{1,3})\]\s+(?P<text>\S.*)$")
_SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*$")
_MOD_SPLIT = re.compile(r"(?P<glued>[a-z])?SECMP(?P<first>\d{1,3}) (?P<second>\d{1,3})\b")
_MOD_GLUED = re.compile(r"(?<=[a-z])(?=SECMP\d{4}\b)")


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Gather lines into blocks. A line continues the block before it unless
    it opens a block of its own (an ACTION, a numbered point, a bullet, a
    post-meeting note, a footnote) or, after a gap, the block before it had
    finished its sentence and the line starts with a capital."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        opened = _opened_block(line, current, following)
        if opened is None and current is not None:
            current.parts.append(line.text)
            continue
        current = opened or _Block("para", line.number, [line.text])
        blocks.append(current)
    return blocks


def _opened_block(line: _Line, current: _Block | None, following: _Line | None) -> _Block | None:
    text = line.text
    if line.kind == "footnote":
        match = _FOOTNOTE.match(text)
        return _Block("footnote", line.number, [match["text"]], int(match["number"]))
    if line.kind == "table-header":
        return _Block("junk", line.number, [text])
    if is_action_line(text):
        return _Block("action", line.number, [text])
    if _INCIDENT_REVIEW.match(text):
        return _Block("incident-review", line.number, [text])
    if match := _MARKED_NOTE.match(text):  # this app's PDF: "[1] The note."
        return _Block("footnote", line.number, [match["text"]], int(match["number"]))
    if (match := _POINT_START.match(text)) and text.endswith(_BACKREF):
        footnote = match["text"].removesuffix(_BACKREF).strip()
        return _Block("footnote", line.number, [footnote], int(match["number"]))
    if match := _POINT_START.match(text):
        return _Block("point", line.number, [match["text"]], int(match["number"]))
    if match := _BULLET_START.match(text):
        return _Block("bullet", line.number, [match["text"]])
    if _NOTE_START.match(text):
        return _Block("note", line.number, [text])
    if not re.search(r"[^\W\d_]", text):
        return _Block("junk", line.number, [text])
    after_heading = current is None or current.kind in {"heading", "footnote", "junk"}
    if not after_heading:
        finished = (line.gap_before or line.break_before) and _ends_sentence(current.parts[-1])
        if not finished or text[:1].islower():
            return None
    if _is_subheading(line, following):
        return _Block("heading", line.number, [text])
    return _Block("para", line.number, [text])


def _is_subheading(line: _Line, following: _Line | None) -> bool:
    """A short line on its own between paragraphs ("INC000000478818",
    "Aged Incidents"): a heading within the item."""
    text = line.text
    if following is None or not (line.gap_before or line.break_before):
        return False
    if not (following.gap_before or following.break_before):
        return False
    if len(text) > 60 or len(text.split()) > 6 or text[-1] in ".,;:!?":
        return False
    if any(word in VERBS for word in text.split()):
        return False  # "The OPSG NOTED the presentation", its full stop lost
    return text[0].isupper() or text[0].isdigit()


def _repaired(text: str) -> str:
    """Undo what extraction does to modification references:
    "ModificationSECMP00 67" → "Modification SECMP0067"."""

    def join(match: re.Match) -> str:
        digits = match["first"] + match["second"]
        if len(digits) != 4:
            return match.group(0)
        return f"{match['glued'] or ''}SECMP{digits}"

    return _MOD_GLUED.sub(" ", _MOD_SPLIT.sub(join, text))


def _render(block: _Block) -> str:
    if block.kind == "point":
        return f"{block.number}. {block.text}"
    if block.kind == "bullet":
        return f"- {block.text}"
    if block.kind == "heading":
        return f"### {block.text}"
    if block.kind == "footnote":
        return f"[^{block.number}]: {block.text}"
    return block.text


def _markdown(blocks: list[_Block]) -> str:
    """Blocks as Markdown: paragraphs apart, the points of one list together."""
    out = ""
    previous = None
    for block in blocks:
        same_list = previous in {"point", "bullet"} and block.kind == previous
        separator = "\n" if same_list else "\n\n"
        out += (separator if out else "") + _render(block)
        previous = block.kind
    return out


# --- the Actions Outstanding table --------------------------------------------

_ROW_REFERENCE = re.compile(
    r"^(?P<code>[A-Z][A-Za-z]{1,9})(?:\s+(?P<reference>\d{1,4}\s*/\s*(?:CONF\s*)?\d{1,4}))?"
    r"(?:\s+(?P<rest>.*))?$"
)
_REFERENCE_ONLY = re.compile(
    r"^(?P<reference>\d{1,4}\s*/\s*(?:CONF\s*)?\d{1,4})(?:\s+(?P<rest>.*))?$"
)
_DATE_CELL = r"\d{1,2}/\d{1,2}/\d{2,4}"
_RAISED = re.compile(rf"(?:^|\s)(?P<raised>{_DATE_CELL})(?=\s+(?:{_DATE_CELL}|N/A|[A-Z])|\s*$)")
_OWNER = r"(?:[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*|[A-Z][a-z]+\s+[Mm]embers|[A-Z][a-z]+)"
_OWNERS_AT_END = re.compile(rf"(?:^|\s)(?P<owners>{_OWNER}(?:\s*/\s*{_OWNER})*)$")
_OWNERS_ONLY = re.compile(
    rf"(?:[A-Z][A-Za-z&]*[A-Z][A-Za-z&]*|[A-Z][a-z]+\s+[Mm]embers)(?:\s*/\s*{_OWNER})*"
)
# "Action Status: Closed", and in this app's own PDF "Action Status: Closed
# (Superseded by OPSG 25/01)": how it ended, which the update's words say too.
_STATUS = re.compile(
    r"(?:^|\s)(?:Action\s+)?Status\s*:\s*(?P<status>Open|Closed)\b\.?(?:\s*\([^()]*\))?\.?\s*$",
    re.I,
)
# A cell the table prints instead of a target date, kept whole: a date,
# "N/A", or the abbreviations secretaries use for "not yet known".
_CELL_TOKEN = re.compile(rf"{_DATE_CELL}|N/A|\bTB[CD]\b")


def _read_table(
    lines: list[_Line], index: int, committee: str, flags: list[Flag]
) -> tuple[list[ParsedReview], int]:
    """Rows from `index` until a line that is not a row; returns the reviews
    and the index of that line. Where a header line shows the columns
    (pdftotext -layout), rows are read by column."""
    reviews: list[ParsedReview] = []
    columns = None
    while index < len(lines):
        if lines[index].kind == "table-header":
            columns = _columns(lines[index].raw) or columns
            index += 1
            continue
        start = _row_start(lines, index)
        if start is None:
            break
        found = _read_row_in_columns(lines, index, start, columns, committee, flags)
        review, index = found or _read_row(lines, start, committee, flags)
        reviews.append(review)
    return reviews, index


_CELL_RUN = re.compile(r"\S+(?: \S+)*")  # words one space apart: a cell's line, with -layout
_HEADER_CELLS = ["action", "action", "date", "last", "revised", "owner"]
_COLUMN_SLACK = 2  # characters a cell may start left of its header


def _columns(raw: str) -> list[int] | None:
    """Where the six columns start, from a header line printed in columns
    ("Action ID   Action   Date   Last   Revised   Owner"); None when the
    header's cells are not apart (plain pdftotext gives one a line)."""
    runs = list(_CELL_RUN.finditer(raw))
    if [run.group().split()[0].lower() for run in runs] != _HEADER_CELLS:
        return None
    return [run.start() for run in runs]


def _in_columns(raw: str, columns: list[int]) -> list[list[str]]:
    """A line's words, cell by cell."""
    cells: list[list[str]] = [[] for _ in columns]
    for run in _CELL_RUN.finditer(raw):
        at = 0
        for column, start in enumerate(columns):
            if start <= run.start() + _COLUMN_SLACK:
                at = column
        cells[at].append(run.group())
    return cells


def _read_row_in_columns(
    lines, index: int, start, columns: list[int] | None, committee: str, flags
) -> tuple[ParsedReview, int] | None:
    """A row whose first line holds every cell, in the header's columns; the
    lines below it indented to the Action column carry on its cells (the
    action's text, "To be" / "determined"); the update starts back at the
    table's left edge. None when the row is not printed that way."""
    reference, _, line_number, after = start
    first = lines[index]
    if columns is None or after != index + 1:
        return None
    cells = _in_columns(first.raw, columns)
    if not re.fullmatch(_DATE_CELL, " ".join(cells[2])) or not cells[5]:
        return None
    end = after
    while end < len(lines):
        line = lines[end]
        indent = len(line.raw) - len(line.raw.lstrip())
        if line.kind != "text" or indent < columns[1] - _COLUMN_SLACK:
            break
        for column, words in enumerate(_in_columns(line.raw, columns)):
            cells[column] += words
        end += 1
    review = ParsedReview(reference=reference, text=_joined(cells[1]), owners=[], line=line_number)
    found = {
        "raised": cells[2][0],
        # An empty target cell is not "N/A": leaving it out has _apply_cells flag the row.
        "targets": [target for target in (" ".join(cells[3]), " ".join(cells[4])) if target],
        "owners": " ".join(cells[5]),
        "line": first.number,
    }
    _apply_cells(review, found, committee, flags)
    return review, _read_update(review, lines, end, flags)


def _row_start(lines: list[_Line], index: int) -> tuple[str, str, int, int] | None:
    """(reference, text after it, first line number, index after it) for
    "OPSG 11/02 …" on one line or "OPSG" / "11/02" on two."""
    match = _ROW_REFERENCE.match(lines[index].text)
    if not match or lines[index].kind != "text":
        return None
    if match["reference"]:
        reference = _tidy_reference(match["code"], match["reference"])
        return reference, match["rest"] or "", lines[index].number, index + 1
    if match["rest"] or index + 1 >= len(lines):
        return None
    second = _REFERENCE_ONLY.match(lines[index + 1].text)
    if not second:
        return None
    reference = _tidy_reference(match["code"], second["reference"])
    return reference, second["rest"] or "", lines[index].number, index + 2


def _tidy_reference(code: str, printed: str) -> str:
    """ "OPSG" and "25/ 01" or "45/CONF02": the record's one spelling."""
    return canonical(f"{code} {printed}") or f"{code} {printed}"


def _read_row(lines, start, committee: str, flags) -> tuple[ParsedReview, int]:
    """One row: the action's text up to the date raised, the other cells,
    then the update."""
    reference, first_text, line_number, index = start
    text_parts: list[str] = []
    cells = None
    pending = [(line_number, first_text)] if first_text else []
    while cells is None and (pending or index < len(lines)):
        if pending:
            number, text = pending.pop()
        else:
            line = lines[index]
            if line.kind != "text" or _STATUS.search(line.text) or _row_start(lines, index):
                break
            number, text = line.number, line.text
            index += 1
        match = _RAISED.search(text)
        if not match:
            text_parts.append(text)
            continue
        if before := text[: match.start()].strip():
            text_parts.append(before)
        cells, index = _read_cells(match["raised"], text[match.end() :], lines, index)
        cells["line"] = number
    review = ParsedReview(
        reference=reference, text=" ".join(text_parts), owners=[], line=line_number
    )
    if cells is None:
        message = f"{reference}: the row's dates and owner could not be found."
        flags.append(Flag(line_number, "table-row", message))
    else:
        _apply_cells(review, cells, committee, flags)
    index = _read_update(review, lines, index, flags)
    return review, index


def _read_cells(raised: str, tail: str, lines: list[_Line], index: int) -> tuple[dict, int]:
    """After the date raised: the last and revised target dates (a date,
    N/A or words such as "To be determined", which may run over several
    lines) and the owner."""
    tail = tail.strip()
    owners = _OWNERS_AT_END.search(tail)
    taken = 0
    while owners is None and index < len(lines) and taken < 4:
        line = lines[index]
        if line.kind != "text" or _STATUS.search(line.text):
            break
        index += 1
        taken += 1
        if _OWNERS_ONLY.fullmatch(line.text):
            tail = f"{tail} {line.text}".strip()
            owners = _OWNERS_AT_END.search(tail)
            break
        tail = f"{tail} {line.text}".strip()
    owner_text = owners["owners"] if owners else ""
    middle = tail[: owners.start("owners")].strip() if owners else tail
    return {"raised": raised, "targets": _split_targets(middle), "owners": owner_text}, index


def _split_targets(middle: str) -> list[str]:
    """ "13/09/2019 N/A" → two cells; "01/10/2019 To be determined" → the date
    and the words."""
    cells: list[str] = []
    position = 0
    for match in _CELL_TOKEN.finditer(middle):
        words = middle[position : match.start()].strip()
        if words:
            cells.append(words)
        cells.append(match.group(0))
        position = match.end()
    words = middle[position:].strip()
    if words:
        cells.append(words)
    return cells


def _apply_cells(review: ParsedReview, cells: dict, committee: str, flags: list[Flag]) -> None:
    line = cells["line"]
    review.raised_on = parse_date(cells["raised"])
    targets = cells["targets"]
    if len(targets) != 2:
        message = (
            f"{review.reference}: expected a last and a revised target date, read "
            f"{targets!r}; check them."
        )
        flags.append(Flag(line, "table-row", message))
        targets = (targets + ["", ""])[:2]
    review.last_target_date, review.last_target_note = _target_cell(targets[0])
    review.revised_target_date, review.revised_target_note = _target_cell(targets[1])
    review.owners, _ = owners_in(cells["owners"], committee=committee)
    if not review.owners:
        flags.append(Flag(line, "table-row", f"{review.reference}: no owner found."))


def _target_cell(cell: str):
    """A date, N/A (no date, no words) or words kept as a note."""
    if not cell or cell.upper() == "N/A":
        return None, ""
    date = parse_date(cell)
    return (date, "") if date else (None, cell)


def _read_update(review: ParsedReview, lines, index: int, flags) -> int:
    """The update under the row, to "Action Status: Open" or "Closed"."""
    update: list[_Line] = []
    status = None
    while index < len(lines):
        line = lines[index]
        if line.kind == "table-header":
            index += 1
            continue
        if line.kind != "text" or is_action_line(line.text) or _row_start(lines, index):
            break
        index += 1
        if match := _STATUS.search(line.text):
            status = match["status"].lower()
            rest = line.text[: match.start()].strip()
            if rest:
                update.append(_Line(line.number, rest, line.gap_before))
            break
        update.append(line)
    review.update = _markdown(_blocks(update))
    if status is None:
        message = f"{review.reference}: no 'Action Status' line; read as open."
        flags.append(Flag(review.line, "review-status", message))
    review.status = status or "open"
    return index
