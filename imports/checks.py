"""Structural checks over what any layout read, so that a document the
layouts misread is flagged rather than silently merged: each doubt a Flag
naming its source line. imports.parse runs them on every reading, whatever
its format; `refusal` says when nothing meeting-like was read at all.

- item-numbering: the items' numbers do not run 1, 2, 3 … (a gap or a repeat).
- missed-heading: an item's text holds a line that reads like the next
  item's heading (its blank line or indentation lost, say), so the items
  after it may have been read as one.
- attendance-missing: the text has an attendance heading, but no one was read.
- reviews-missing: an item is headed "Actions Outstanding", or a line reads
  as an actions table's header ("Ref  Action  Owner  Due"), but no row of
  the table was read.
- next-meeting-code: "the next meeting (OPSG_52)" names a meeting other
  than the next one, while a target read from it takes the next one's date.
- listed-twice: a person in the attendance, or an action in the Actions
  Outstanding table, appears twice; the first is written, the other not.
- own-actions-reviewed: minutes with items whose actions table holds
  actions numbered as this meeting's (77/01 in meeting 77) that no item
  raised: a table of the actions raised here, read as reviewed, under no item.
"""

import re

from imports.parsed import Flag, ParsedItem, ParsedMinutes

# "5. Change Requests", "  5 Change Requests", "# 5. Change Requests",
# "**5. Change Requests**": a number, then a short title.
_HEADING_LIKE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?(?P<number>\d{1,2})(?:\.(?P<sub>\d{1,2}))?\.?(?:\*\*)?\s+"
    r"(?:\*\*)?(?P<title>[A-Z‘“'\"0-9][^|]*?)(?:\*\*)?\s*$"
)
# The same, run on to the end of a sentence (two lines joined into one).
_JOINED_HEADING = re.compile(
    r"(?<=\S)\s+(?P<number>\d{1,2})(?:\.(?P<sub>\d{1,2}))?\.\s+(?P<title>[A-Z‘“'\"][^.|]*?)\s*$"
)
_POINT = re.compile(r"^\s*(?P<number>\d{1,3})[.)]\s")
_ATTENDANCE_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*)?(?:Attendees|Attendance|Present|In attendance|Apologies)"
    r"(?:\s+received)?(?:\*\*)?\s*:?\s*$",
    re.I,
)
_NEXT_MEETING = re.compile(r"\bNext\s+(?:\w+\s+)?meeting\b(?P<rest>.*)$", re.I)
# "OPSG_52", "OPSG_52_0603", "OPSG 52": a committee's code in capitals, then a number.
_MEETING_CODE = re.compile(r"\b[A-Z]{2,10}[_ ](?P<number>\d{1,3})(?:_\d{3,4})?\b")
_MAX_TITLE_WORDS = 12


def check(text: str, minutes: ParsedMinutes) -> None:
    """Add the structural doubts about `minutes`, read from `text`."""
    lines = text.split("\n")
    found = [
        *_numbering(minutes.items),
        *_missed_headings(lines, minutes.items),
        *_attendance_missing(lines, minutes),
        *_reviews_missing(lines, minutes),
        *_next_meeting_codes(lines, minutes),
        *_listed_twice(minutes),
        *_own_actions_reviewed(minutes),
    ]
    if found:
        minutes.flags.extend(found)
        minutes.flags.sort(key=lambda flag: flag.line)


# More actions raised and reviewed than any meeting's minutes hold: a
# generated or corrupted file, refused before anything is written.
MAX_ACTIONS = 1_000


def refusal(minutes: ParsedMinutes) -> str | None:
    """Why nothing can be imported from this reading, in one sentence, or
    None when something meeting-like, of a meeting's size, was read."""
    actions = sum(len(item.actions) for item in minutes.items) + len(minutes.reviews)
    if actions > MAX_ACTIONS:
        return (
            f"This document raises and reviews {actions:,} actions, more than the "
            f"{MAX_ACTIONS:,} one meeting's minutes may hold: it is not imported."
        )
    if minutes.items or minutes.attendance or minutes.reviews:
        return None
    return (
        "No meeting could be read from this document: it has no attendance, no numbered "
        "agenda items and no table of actions that this importer recognises."
    )


def _numbering(items: list[ParsedItem]) -> list[Flag]:
    flags, seen, previous = [], {}, (0, 0)
    for item in items:
        if item.number in seen:
            message = (
                f"Item {item.number} appears twice (lines {seen[item.number]} and {item.line}): "
                "check the numbering."
            )
            flags.append(Flag(item.line, "item-numbering", message))
            continue
        seen[item.number] = item.line
        main, _, sub = item.number.partition(".")
        current = (int(main), int(sub or 0))
        expected = {(previous[0] + 1, 0), (previous[0], previous[1] + 1)}
        if current not in expected:
            before = f"{previous[0]}.{previous[1]}" if previous[1] else str(previous[0])
            message = (
                f"The items jump from {before if previous[0] else 'the start'} to {item.number} "
                f"(line {item.line}): an item may be missing or its heading unread."
            )
            flags.append(Flag(item.line, "item-numbering", message))
        previous = current
    return flags


def _missed_headings(lines: list[str], items: list[ParsedItem]) -> list[Flag]:
    """Per item, the first line of its text that reads like the heading of
    the item that should follow it."""
    flags = []
    for position, item in enumerate(items):
        end = items[position + 1].line - 1 if position + 1 < len(items) else len(lines)
        main, _, sub = item.number.partition(".")
        # The next item, its next sub-item, or the item after next (a
        # number skipped, which a layout may not take as a heading).
        following = {(int(main) + 1, None), (int(main), int(sub or 0) + 1), (int(main) + 2, None)}
        for number in range(item.line + 1, end + 1):
            text = lines[number - 1]
            match = _HEADING_LIKE.match(text) or _JOINED_HEADING.search(text)
            # A line opening with the next sub-item's number ("3.2.") is
            # taken as its heading however long it runs; other numbers
            # start list points as often as headings, so their titles must
            # read as one.
            numbered_as_sub = match and match["sub"] and match.re is _HEADING_LIKE
            if not match or not (numbered_as_sub or _reads_like_a_title(match["title"])):
                continue
            found = (int(match["number"]), int(match["sub"]) if match["sub"] else None)
            if found not in following or _continues_a_list(lines, item.line, number, found[0]):
                continue
            heading = match.group().strip(" .:!?")
            message = (
                f"Line {number} ({heading[:60]!r}) reads like the heading of the next item, but "
                f"it was read as text of item {item.number}: if it is a heading, the items "
                "after it were read as one. Check the document's layout there."
            )
            flags.append(Flag(number, "missed-heading", message))
            break
    return flags


def _reads_like_a_title(title: str) -> bool:
    title = title.strip().rstrip("*").strip()
    words = title.split()
    return bool(words) and len(words) <= _MAX_TITLE_WORDS and title[-1] not in ".,;:"


def _continues_a_list(lines: list[str], heading: int, number: int, value: int) -> bool:
    """Line `number` is the next point of a numbered list in the item whose
    heading is line `heading` (the point before it is numbered one less)."""
    for previous in range(number - 1, heading, -1):
        text = lines[previous - 1]
        if not text.strip():
            continue
        match = _POINT.match(text)
        if match and int(match["number"]) == value - 1:
            return True
        if match:
            return False
    return False


def _attendance_missing(lines: list[str], minutes: ParsedMinutes) -> list[Flag]:
    if minutes.attendance or not minutes.items:
        return []
    first_item = minutes.items[0].line
    for number, text in enumerate(lines[: first_item - 1], start=1):
        if _ATTENDANCE_HEADING.match(text):
            message = (
                f"Line {number} heads the attendance, but no one was read from it: "
                "add who attended by hand, or check the document's layout there."
            )
            return [Flag(number, "attendance-missing", message)]
    return []


_OUTSTANDING = re.compile(r"\bactions?\s+outstanding\b|\boutstanding\s+actions?\b", re.I)


def _reviews_missing(lines: list[str], minutes: ParsedMinutes) -> list[Flag]:
    if minutes.reviews:
        return []
    for item in minutes.items:
        if _OUTSTANDING.search(item.title):
            message = (
                f"Item {item.number} is headed “{item.title}”, but no row of its table was "
                "read: the actions it reviewed are not in this import. Check the table's layout."
            )
            return [Flag(item.line, "reviews-missing", message)]
    for number in range(1, len(lines) + 1):
        # A PDF's header may come out a cell or two a line: up to three lines read as one.
        text = " ".join(lines[number - 1 : number + 2]).replace("|", " ").lower()
        words = {word.strip(".:*#") for word in text.split()}
        if {"action", "owner"} <= words and words & _COLUMN_WORDS and len(words) <= 8:
            message = (
                f"Line {number} reads as the header of a table of actions, but no row of it "
                "was read: its actions are not in this import. Check the table's layout."
            )
            return [Flag(number, "reviews-missing", message)]
    return []


# Beside "Action" and "Owner", a word of an actions table's header line.
_COLUMN_WORDS = frozenset({"ref", "reference", "no", "id", "due", "target", "status", "date"})


def _next_meeting_codes(lines: list[str], minutes: ParsedMinutes) -> list[Flag]:
    """ "The next meeting (OPSG_52)" in minutes of OPSG 49: the words read as
    the next meeting's date, the code names a later one."""
    if minutes.number is None:
        return []
    flags = []
    for number, text in enumerate(lines, start=1):
        match = _NEXT_MEETING.search(text.replace("**", ""))
        code = _MEETING_CODE.search(match["rest"]) if match else None
        if code is None or int(code["number"]) == minutes.number + 1:
            continue
        message = (
            f"Line {number} says “the next meeting” but names {code.group()}, and the next "
            f"meeting after {minutes.committee or 'this'} {minutes.number} is "
            f"{minutes.number + 1}: a target read from it is the next meeting's date. "
            "Check the date."
        )
        flags.append(Flag(number, "next-meeting-code", message))
    return flags


def _listed_twice(minutes: ParsedMinutes) -> list[Flag]:
    """The second line of a person or of an action under review that was
    read already: the import keeps the first (imports.services)."""
    flags = []
    rows = [
        *(("attendance", person.name.strip(), person.line) for person in minutes.attendance),
        *(
            ("Actions Outstanding table", " ".join(row.reference.upper().split()), row.line)
            for row in minutes.reviews
        ),
    ]
    first: dict[tuple[str, str], int] = {}
    for where, name, line in rows:
        if (where, name) not in first:
            first[where, name] = line
            continue
        message = (
            f"{name} is listed twice in the {where} (lines {first[where, name]} and {line}): "
            "only the first is imported. Remove the repeat, or correct it after the import."
        )
        flags.append(Flag(line, "listed-twice", message))
    return flags


_NUMBERED_AS = re.compile(r"(?P<number>\d{1,4})\s*/\s*\d{1,3}\s*$")


def _own_actions_reviewed(minutes: ParsedMinutes) -> list[Flag]:
    raised = {" ".join(a.reference.split()) for item in minutes.items for a in item.actions}
    own = [
        row
        for row in minutes.reviews
        if (match := _NUMBERED_AS.search(row.reference))
        and int(match["number"]) == minutes.number
        and " ".join(row.reference.split()) not in raised
    ]
    if not minutes.items or not own:
        return []
    references = ", ".join(row.reference for row in own)
    message = (
        f"{references}: numbered as this meeting's actions, but read from a table of actions, "
        "not raised under any item: they are recorded as reviewed at this meeting, "
        "and no item lists them. Check them after the import."
    )
    return [Flag(own[0].line, "own-actions-reviewed", message)]
