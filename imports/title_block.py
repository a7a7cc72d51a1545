"""A title block that states a fact a line, read by its layout's data
(imports.layouts: `reference`, `classification`, `minutes_state`,
`meeting_kinds`, `committee_names`, `next_meeting`):

    This document is classified as **White**. Information can be shared …
    Operations Group Meeting             the title: the committee, the kind
    24 May 2021, OPSG_49_2405            date and reference (code_number_ddmm)
    12:20 – 16:50                        the times
    Teleconference                       or an address: the place
    Final Minutes                        or Draft Minutes

in any order; the place is the line after the date or the times (even
misread ones), what follows a date or times on their line, or a line that
says "Teleconference" outside brackets ("Tuesday, 1 October 2019, …": a
weekday before the date is allowed). The OPSG's 2021
Markdown (imports.layout_generic) and its 2019 PDF text
(imports.layout_text, whose "Operations Group Meeting 25" / "1 October
2019, 10:00 – 17:00" / the address is the same block) are read here. A line
that says none of these, or a date that is no date ("31 September 2019"),
is not understood: the reader keeps it as an unplaced line. The next meetings ("Next main meeting:
1 June 2021; Next reporting meeting: 28 June 2021.") are read wherever the
text states them.

Which of the two ways an entry's title block is read is its data
(`title_fact_lines`; `read_title`, for every entry's front matter,
imports.front_matter). Other entries' title blocks are labelled lines, read by the entry's
patterns (`date_patterns`, `start_patterns`, `end_patterns`, `place_label`,
`code_in_title`, `number_in_title`, `final_words`):

    Harbour Panel (HP) meeting 212           the committee's code, the number
    Date: 4 March 2026                       the date (else the first date)
    Time: 10:00 – 12:30                      the times
    Location: Harbour Office                 the place
    Final minutes"""

import datetime
import re
from collections.abc import Iterable

from imports.blocks import Block, SourceLine, plain
from imports.common import DATE_IN_TEXT, TIMES, first_date, parse_date, parse_times
from imports.layouts import Layout
from imports.parsed import ParsedMinutes

_MEETING = re.compile(r"\bmeeting\b", re.IGNORECASE)
_TELECONFERENCE = re.compile(r"\bteleconference\b", re.IGNORECASE)
_TITLE_NUMBER = re.compile(r"\bmeeting\s+(?:no\.?\s*)?(\d{1,3})\b", re.IGNORECASE)
# A label left when what it labels was read ("Time:"), and words in brackets
# ("John Noad (Teleconference)": a person's mark, not the meeting's place).
_LABEL_ONLY = re.compile(r"^[^\W\d_][\w ]{0,19}:$")
_BRACKETED = re.compile(r"\([^()]*\)")
# "Tuesday, 1 October 2019, 10:00 – 17:00": the weekday's comma is not the date's.
_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s*", re.IGNORECASE)
# What a title says besides the committee's name and its meeting kinds
# (Layout.meeting_kinds): "Operations Group Main Meeting 52".
_TITLE_WORDS = re.compile(r"\b(main|meeting|\d+)\b")


def read_title(
    blocks: list[Block], text: str, minutes: ParsedMinutes, layout: Layout
) -> list[SourceLine]:
    """The title block's blocks (imports.front_matter.split_front), by the
    entry's data: a fact a line as written (`title_fact_lines`:
    `read_title_block`), else labelled lines (`read_labelled_title_block`;
    `text`, the whole text). Returns the lines not understood."""
    if layout.title_fact_lines:
        return read_title_block([line for block in blocks for line in block.lines], minutes, layout)
    lines = [(block.line, line.strip()) for block in blocks for line in block.text.split("\n")]
    read_labelled_title_block(lines, text, minutes, layout)
    return []


def read_title_block(
    lines: Iterable[SourceLine],
    minutes: ParsedMinutes,
    layout: Layout,
    read_on: dict[str, int] | None = None,
) -> list[SourceLine]:
    """Classification, title, date and reference, times, place, draft or
    final: a line each, in any order; the place is the line after the date
    or the times. Returns the lines not understood; `read_on`, where given,
    is told the line each part ("title", "date", …) was first read on."""
    unplaced: list[SourceLine] = []
    place_expected = False
    for number, raw in lines:
        text = plain(raw)
        if not text:
            continue
        read = read_title_line(text, minutes, layout, place_expected)
        if read is None:
            unplaced.append((number, raw))
        elif read_on is not None:
            read_on.setdefault(read, number)
        # A line of a date and times, even one misread, is followed by the place.
        place_expected = read in {"date", "times"} or (read is None and bool(TIMES.search(text)))
    return unplaced


def read_title_line(
    text: str, minutes: ParsedMinutes, layout: Layout, place_expected: bool
) -> str | None:
    """Fill in what this line says and name the last thing read; None when
    some of it was not understood."""
    if layout.classification and (match := layout.classification.search(text)):
        minutes.classification_label = match.group(1).capitalize()
        minutes.classification_statement = match.group(2).strip()
        return "classification"
    read = []
    text, match = _take(layout.reference, text)
    if match:
        minutes.reference = match.group(0)
        minutes.committee = minutes.committee or match.group(1).upper()
        minutes.number = minutes.number or int(match.group(2))
        read.append("reference")
    text, match = _take(layout.minutes_state, text)
    if match:
        minutes.final = match.group(1).lower() == "final"
        read.append("state")
    text, match = _take(TIMES, text)
    # Times that are no times of day ("10:00 – 25:00"): the rest of the line
    # is still read, and the line is kept as not understood.
    misread = match is not None and not _read_times(match, minutes)
    if match and not misread:
        read.append("times")
    first, _, rest = _WEEKDAY.sub("", text).partition(",")
    if date := parse_date(first):
        minutes.date = minutes.date or date
        text = rest.strip(" ,;–-")
        read.append("date")
    elif re.fullmatch(DATE_IN_TEXT, first.strip(" .")):
        return None  # a date that is no date ("31 September 2019"): never the place
    if _LABEL_ONLY.match(text):
        text = ""  # "Time: 10:00 – 12:00": the label of what was read
    dated = "date" in read or "times" in read
    if text and _MEETING.search(text):
        if not _read_title(text, minutes, layout):
            return None  # words beside the committee's name that were not read
        read.append("title")
    elif text and (place_expected or dated or _TELECONFERENCE.search(_BRACKETED.sub("", text))):
        _read_place(text, minutes)
        read.append("place")
    elif text and "state" in read:
        pass  # "Draft Minutes Circulated for comments" (this app's PDFs): the state, in words
    elif text:
        return None
    return read[-1] if read and not misread else None


def _take(pattern: re.Pattern | None, text: str) -> tuple[str, re.Match | None]:
    """The text without the first match of pattern, and the match."""
    match = pattern.search(text) if pattern else None
    if not match:
        return text, None
    return (text[: match.start()] + " " + text[match.end() :]).strip(" ,;–-"), match


def _read_times(match: re.Match, minutes: ParsedMinutes) -> bool:
    times = parse_times(match)
    if times is None:
        return False
    minutes.start_time, minutes.end_time = times
    return True


def _read_title(text: str, minutes: ParsedMinutes, layout: Layout) -> bool:
    """'Operations Group Meeting', 'Operations Group Extraordinary Meeting
    51': the kind by the layout's words, the committee by its name. False
    when words are left beside a committee's name the entry knows
    ("Operations Group Meeting 25 (Chair)"): read, but not all of it; a
    name the entry does not know may be any committee's."""
    lowered = text.lower()
    for word, kind in layout.meeting_kinds:
        if word in lowered:
            minutes.kind = kind
    if match := _TITLE_NUMBER.search(text):
        minutes.number = minutes.number or int(match.group(1))
    name = _TITLE_WORDS.sub("", lowered)
    for word, _kind in layout.meeting_kinds:
        name = re.sub(rf"\b{re.escape(word)}\b", "", name)
    name = " ".join(name.strip(" -–").split())
    if not minutes.committee and name in layout.committee_names:
        minutes.committee = layout.committee_names[name]
    return name in layout.committee_names or not any(
        re.search(rf"\b{re.escape(known)}\b", name) for known in layout.committee_names
    )


def _read_place(text: str, minutes: ParsedMinutes) -> None:
    """An address, or 'Teleconference' with or without one ("Gemserv,
    London (Teleconference)": the address, and a teleconference)."""
    if _TELECONFERENCE.search(text):
        minutes.teleconference = True
        text = re.sub(r"\(\s*teleconference\s*\)|\bteleconference\b[;,]?", "", text, flags=re.I)
        text = " ".join(text.split()).strip(" ;,")
    if text and not minutes.location:
        minutes.location = text


def read_next_meetings(
    lines: Iterable[SourceLine], layout: Layout, year: int | None
) -> list[tuple[str, datetime.date]]:
    """'Next main meeting: 1 June 2021; Next reporting meeting: 28 June 2021.'"""
    found: list[tuple[str, datetime.date]] = []
    if layout.next_meeting is None:
        return found
    for _, text in lines:
        for match in layout.next_meeting.finditer(plain(text)):
            date = parse_date(match.group(2), year=year)
            if date:
                found.append(((match.group(1) or "main").lower(), date))
    return found


def read_labelled_title_block(
    lines: list[SourceLine], text: str, minutes: ParsedMinutes, layout: Layout
) -> None:
    """A title block of labelled lines ("Date: …", "Time: …", "Location:
    …"), read by the layout's patterns; `text`, the whole text, for the
    patterns that search it (a bot's log dates and times it further down)."""
    joined = "\n".join(line for _, line in lines)
    if (
        not minutes.committee
        and layout.code_in_title
        and (code := layout.code_in_title.search(joined))
    ):
        minutes.committee = code[1]
    if (
        minutes.number is None
        and layout.number_in_title
        and (number := layout.number_in_title.search(joined))
    ):
        minutes.number = int(number["n"] or number["nth"])
    minutes.date = _labelled_date(lines, text, layout)
    minutes.start_time = _labelled_time(joined, text, layout.start_patterns, "start")
    minutes.end_time = _labelled_time(joined, text, layout.end_patterns, "end")
    for _, line in lines:
        if layout.place_label and (place := layout.place_label.match(line)):
            minutes.location = place["place"].strip()
    minutes.final = bool(layout.final_words and layout.final_words.search(joined))


def _labelled_date(lines: list[SourceLine], text: str, layout: Layout) -> datetime.date | None:
    for pattern in layout.date_patterns:
        for _, line in lines:
            if match := pattern.search(line):
                if found := first_date(match["date"]):
                    return found
    for _, line in lines:
        if found := first_date(line):
            return found
    if layout.recognise is not None:  # a bot's minutes date their log, further down
        for pattern in layout.date_patterns:
            if match := pattern.search(text):
                return first_date(match["date"])
    return None


def _labelled_time(
    joined: str, text: str, patterns: tuple[re.Pattern, ...], group: str
) -> datetime.time | None:
    for pattern in patterns:
        source = text if pattern.flags & re.M else joined
        if match := pattern.search(source):
            return _clock(match[group])
    return None


def _clock(text: str) -> datetime.time | None:
    match = re.match(r"(\d{1,2})[:.](\d{2})\s*([ap])?", text.strip(), re.I)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if match[3] and match[3].lower() == "p" and hour < 12:
        hour += 12
    if match[3] and match[3].lower() == "a" and hour == 12:
        hour = 0
    try:
        return datetime.time(hour, minute)
    except ValueError:
        return None
