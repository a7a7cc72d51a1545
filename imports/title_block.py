"""Every entry's title block, read one way (`read_title`,
`read_title_block`): a line at a time, each step by the entry's data
(imports.layouts). First the labels and title words any entry may have
(`read_labels`: `date_patterns`, `place_label`, `place_in_words`,
`code_in_title`, `number_in_title`, `final_words`):

    Harbour Panel (HP) meeting 212           the committee's code, the number
    Date: 4 March 2026                       the date (else the first date)
    Time: 10:00 – 12:30                      the times (`start_patterns`, `end_patterns`)
    Location: Harbour Office                 the place ("… | Venue: Town Hall")
    Final minutes

(where no label gives the place, the one the words say the meeting was
held in, "held on 3 June 2026 at 18:30 in the Reading Room", or over the
next lines, "… at 7.30pm" / "in the Village Hall", flagged place-in-words:
words may name what is no place)

then, where the entry states a fact a line (`title_fact_lines`: the
OPSG's), what no label read, by `reference`, `classification`,
`minutes_state`, `meeting_kinds`, `committee_names`:

    This document is classified as **White**. Information can be shared …
    Operations Group Meeting             the title: the committee, the kind
    24 May 2021, OPSG_49_2405            date and reference (code_number_ddmm)
    12:20 – 16:50                        the times
    Teleconference                       or an address: the place
    Final Minutes                        or Draft Minutes

in any order; the place is the line after the date or the times (even
misread ones), what follows a date or times on their line, or a line that
says "Teleconference" outside brackets ("Tuesday, 1 October 2019, …": a
weekday before the date is allowed). The OPSG's 2021 Markdown
(imports.layout_generic) and its 2019 PDF text (imports.layout_text, whose
"Operations Group Meeting 25" / "1 October 2019, 10:00 – 17:00" / the
address is the same block) are read so. For such an entry a line that says
none of these, or a date that is no date ("31 September 2019"), is not
understood. For any other entry a line no label reads is the title's words
where it is the block's first line, names the meeting (`title_words`,
"Minutes of the meeting of the Planning Committee", or a code, a number or
the final words the entry reads in a title), or states the date or times
as read (`says_title`); else it is not understood either. Whichever the
entry, the reader keeps a line not understood as an unplaced line, flagged
(imports.unplaced): no entry passes one over. Last, where the entry dates
its block by label, the first date written in it where no label gave one
and the times, by the entry's patterns over the whole block; where the
entry's `date_further_down` (a meeting bot's log dates it below its title
block), the first date its patterns find anywhere in the text.
The next meetings ("Next main meeting: 1 June 2021; Next reporting
meeting: 28 June 2021.") are read wherever the text states them
(`next_meeting`)."""

import datetime
import re
from collections.abc import Iterable

from imports.blocks import Block, SourceLine, plain
from imports.common import DATE_IN_TEXT, MONTHS, TIMES, first_date, parse_date, parse_times
from imports.layouts import Layout
from imports.parsed import Flag, ParsedMinutes

_MEETING = re.compile(r"\bmeeting\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]")
# The place in words may follow its "held …" line on the next two (`read_place_across_lines`).
_PLACE_LINES = 3
# A time of day alone on its line, a PDF's wrap of "… at" / "10.00am".
_TIME_ALONE = re.compile(r"^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?$", re.IGNORECASE)
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
    """The title block's blocks (imports.front_matter.split_front), read
    by the entry's data (`read_title_block`; `text`, the whole text).
    Returns the lines not understood."""
    lines = [line for block in blocks for line in _lines_of(block)]
    return read_title_block(lines, minutes, layout, text=text)


def _lines_of(block: Block) -> list[SourceLine]:
    """A block's lines as written; a block that kept none, its words a line
    each (on the block's line)."""
    return list(block.lines) or [(block.line, line) for line in block.text.split("\n")]


def read_title_block(
    lines: Iterable[SourceLine],
    minutes: ParsedMinutes,
    layout: Layout,
    read_on: dict[str, int] | None = None,
    text: str = "",
) -> list[SourceLine]:
    """Every entry's title block, one way, each step by the entry's data:
    a line at a time, its labels (`read_labels`: `date_patterns`,
    `place_label`, `code_in_title`, `number_in_title`, `final_words`) and,
    where the entry states a fact a line (`title_fact_lines`), its
    classification, reference, draft or final, times, date, title and place
    (`read_title_line`; the place is the line after the date or the times);
    then what the entry's labelled data reads over the whole block (the
    place in words over the next lines, `read_place_across_lines`; the
    first date where no label gives one, the times: `read_labelled_times`).
    Returns the lines not understood, for every entry (a labelled block's
    title, and lines naming the meeting, are its title's words: `says_title`);
    `read_on`, where given, is told the line each part ("title", "date",
    …) was first read on."""
    unplaced: list[SourceLine] = []
    unlabelled: list[tuple[SourceLine, str]] = []  # the title's words, or not understood
    place_expected = False
    words: list[tuple[int, str]] = []
    dated: list[str] = []  # the lines, a date wrapped onto the next read whole
    lines = list(lines)
    for index, (number, raw) in enumerate(lines):
        line = plain(raw)
        if not line:
            continue
        words.append((number, line))
        placed = minutes.location
        following = plain(lines[index + 1][1]) if index + 1 < len(lines) else ""
        dated.append(_year_carried(line, following))
        read = read_labels(dated[-1], number, minutes, layout)
        if read is None and layout.title_fact_lines:
            read = read_title_line(line, minutes, layout, place_expected)
            if read is None:
                unplaced.append((number, raw))
        elif read is None and (placed or not minutes.location):  # no place in words either
            unlabelled.append(((number, raw), line))
        if read is not None and read_on is not None:
            read_on.setdefault(read, number)
        # A line of a date and times, even one misread, is followed by the place.
        place_expected = read in {"date", "times"} or (read is None and bool(TIMES.search(line)))
    placed_on = read_place_across_lines(words, minutes, layout)
    read_labelled_times(dated, text, minutes, layout)
    title = next((number for number, line in words if _WORDS.search(line)), None)
    unplaced += [
        source
        for source, line in unlabelled
        if source[0] not in (title, placed_on) and not says_title(line, minutes, layout)
    ]
    return sorted(unplaced)


# A line that ends with a day and a month, and the next that begins with the year:
# "… held on Tuesday 10 March" over "2026 at 7.30pm" (a title printed narrower).
_DAY_MONTH_AT_END = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:" + "|".join(MONTHS) + r")\.?,?$", re.IGNORECASE
)
_YEAR_FIRST = re.compile(r"^(\d{4})\b")


def _year_carried(line: str, following: str) -> str:
    """`line`, with the year the next line begins with where the line
    ends with a day and a month: a date wrapped onto the next line, read
    whole."""
    if _DAY_MONTH_AT_END.search(line) and (year := _YEAR_FIRST.match(following)):
        return f"{line} {year[1]}"
    return line


def says_title(line: str, minutes: ParsedMinutes, layout: Layout) -> bool:
    """A line of a labelled title block (one whose entry does not state a
    fact a line) that no label read, but that the rest of the reading did:
    it names the meeting (the entry's `title_words`, `code_in_title`,
    `number_in_title`, `final_words`: "Minutes of Meeting 212"), states
    the meeting's date or times as read, or holds no words ("====", a
    title's underline). Any other is not understood: kept and flagged."""
    patterns = (layout.title_words, layout.code_in_title, layout.number_in_title)
    patterns += (layout.final_words, *layout.start_patterns, *layout.end_patterns)
    return (
        not _WORDS.search(line)
        or any(pattern and pattern.search(line) for pattern in patterns)
        or (minutes.date is not None and first_date(line) == minutes.date)
        or bool(_TIME_ALONE.match(line) and _clock(line) in (minutes.start_time, minutes.end_time))
    )


def read_labels(line: str, number: int, minutes: ParsedMinutes, layout: Layout) -> str | None:
    """A line read by the entry's labels and title words ("Date: 4 March
    2026", "Location: Harbour Office", "Date: … | Venue: Town Hall",
    "Harbour Panel (HP) meeting 212", "Final minutes"): the committee's
    code and the meeting's number where none was read before, the date by
    its label, the last place labelled, final minutes; where no place was
    read yet, the one the line says the meeting was held in (`place_in_words`:
    "held on 3 June 2026 at 18:30 in the Reading Room"), flagged, as words
    may name what is no place. Names the last thing read where the line is
    a label's, else None (a title's code or number leaves the line to the
    other steps)."""
    if (
        not minutes.committee
        and layout.code_in_title
        and (code := layout.code_in_title.search(line))
    ):
        minutes.committee = code[1]
    if (
        minutes.number is None
        and layout.number_in_title
        and (number := layout.number_in_title.search(line))
    ):
        minutes.number = int(number["n"] or number["nth"])
    if layout.final_words and layout.final_words.search(line):
        minutes.final = True
    read = None
    for pattern in layout.date_patterns:
        if (match := pattern.search(line)) and (found := first_date(match["date"])):
            minutes.date = minutes.date or found
            read = "date"
            break
    if layout.place_label and (place := layout.place_label.search(line)):
        minutes.location = place["place"].strip()
        read = "place"
    elif layout.place_in_words and not minutes.location:
        said = layout.place_in_words.search(line)
        _place_in_words(said, line, number, minutes)
    return read


def read_place_across_lines(
    lines: list[tuple[int, str]], minutes: ParsedMinutes, layout: Layout
) -> int | None:
    """Where no line said the place, the words that say it over the next
    lines ("… held on Tuesday 10 March 2026 at 7.30pm" / "in the Village
    Hall"; a PDF may wrap the time to a line of its own), flagged as a place
    in words is. Returns the line the place begins on."""
    if not layout.place_in_words or minutes.location:
        return None
    for at, (held, line) in enumerate(lines):
        following = lines[at + 1 : at + _PLACE_LINES]
        said = layout.place_in_words.search(" ".join([line, *(words for _, words in following)]))
        if not said or said.start("place") <= len(line):
            continue
        # The line the place begins on: the last whose words begin before it.
        place_at, start, begun = said.start("place"), len(line), held
        for number, words in following:
            if start >= place_at:
                break
            begun, start = number, start + 1 + len(words)
        _place_in_words(said, said.string, begun, minutes)
        return begun
    return None


def _place_in_words(said: re.Match | None, line: str, number: int, minutes: ParsedMinutes) -> None:
    """The place the words say the meeting was held in, flagged, as words
    may name what is no place."""
    place = _before_date(said["place"]) if said else ""
    if place:
        minutes.location = place
        message = f"The place {place!r} was read from the words {line!r}: check it."
        minutes.flags.append(Flag(number, "place-in-words", message))


def _before_date(place: str) -> str:
    """A place's words before a date written after them ("the Reading Room,
    3 June 2026")."""
    if match := re.search(DATE_IN_TEXT, place):
        place = place[: match.start()]
    return place.strip(" ,;–-")


def read_labelled_times(
    words: list[str], text: str, minutes: ParsedMinutes, layout: Layout
) -> None:
    """Where the entry dates its title block by label (`date_patterns`):
    the first date written in it where no label gave one, else, where the
    entry's `date_further_down` (a bot's log), the first the patterns find
    in `text`; and the times by the entry's `start_patterns` and
    `end_patterns` (one with re.M searches `text`)."""
    if not layout.date_patterns:
        return
    joined = "\n".join(words)
    if minutes.date is None:
        minutes.date = next(filter(None, map(first_date, words)), None)
    if minutes.date is None and layout.date_further_down:
        for pattern in layout.date_patterns:
            if match := pattern.search(text):
                minutes.date = first_date(match["date"])
                break
    minutes.start_time = minutes.start_time or _labelled_time(
        joined, text, layout.start_patterns, "start"
    )
    minutes.end_time = minutes.end_time or _labelled_time(joined, text, layout.end_patterns, "end")


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
    for _, text in lines:
        found += [(kind, date) for kind, date in _next_meetings_in(text, layout, year) if date]
    return found


def states_next_meetings(text: str, layout: Layout, year: int | None) -> bool:
    """A line that opens with the next meetings (the entry's `next_meeting`)
    and whose every date was read: an item leaves it out of its text, as
    it is the meeting's next meetings; one with a date not read is kept."""
    if layout.next_meeting is None or not layout.next_meeting.match(plain(text)):
        return False
    return all(date for _, date in _next_meetings_in(text, layout, year))


def _next_meetings_in(
    text: str, layout: Layout, year: int | None
) -> list[tuple[str, datetime.date | None]]:
    if layout.next_meeting is None:
        return []
    return [
        ((match.group(1) or "main").lower(), parse_date(match.group(2), year=year))
        for match in layout.next_meeting.finditer(plain(text))
    ]


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
