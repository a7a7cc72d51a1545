"""Readers shared by both layouts: dates, action targets, ACTION lines and
how a meeting's are numbered (ActionNumbering), the committee's decisions
and incident numbers.

Each reader takes the text of one paragraph as the minutes print it, whatever
the layout, and returns what it could read; anything it had to guess comes
back as a Flag, never silently resolved. Nothing here touches the database:
Decision.Verb is read for the verbs only."""

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from actions.references import format_reference, parse_reference
from imports.decision_points import decision_text
from imports.parsed import (
    Flag,
    ParsedAction,
    ParsedDecision,
    ParsedItem,
    ParsedMinutes,
    ParsedReview,
)
from meetings.markdown import heading_names_other_incidents, incidents_in
from meetings.models import Decision

VERBS = tuple(Decision.Verb.values)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

# --- dates and times -------------------------------------------------------

_WEEKDAY = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+", re.I)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([A-Za-z]+)\.?,?(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?$")

_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))

# A date as it appears inside a sentence: "8 October", "1st October 2019", "28/08/2018".
DATE_IN_TEXT = (
    r"\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?i:{_MONTH_NAME})\b\.?(?:,?\s+\d{{4}})?"
)


# A date anywhere in a line of another committee's minutes: "2026-05-14",
# "14/05/2026", "14th May 2026", "May 14, 2026".
ANY_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z][a-z]+\.?,?\s+\d{4}"
    r"|[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
)


def first_date(text: str) -> datetime.date | None:
    """The first date written in `text` (ANY_DATE), else `text` read as one."""
    for found in ANY_DATE.findall(text or ""):
        if date := parse_date(found):
            return date
    return parse_date(text or "")


def parse_date(text: str, *, year: int | None = None) -> datetime.date | None:
    """A date as the minutes write it: "1 October 2019", "1st October 2019",
    "01/10/2019" (day first, as in Great Britain), "2019-10-01", or "8 October"
    with `year` supplied. None for anything else, including impossible dates:
    the caller flags it."""
    cleaned = _WEEKDAY.sub("", " ".join(text.split()).strip().rstrip(".,;"))
    day = month = None
    found_year: int | None = None
    if match := _NUMERIC_DATE.match(cleaned):
        day, month, found_year = int(match[1]), int(match[2]), int(match[3])
        if found_year < 100:
            found_year += 2000
    elif match := _ISO_DATE.match(cleaned):
        found_year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_MONTH.match(cleaned):
        day, month = int(match[1]), MONTHS.get(match[2].lower())
        found_year = int(match[3]) if match[3] else None
    elif match := _MONTH_DAY.match(cleaned):
        month, day = MONTHS.get(match[1].lower()), int(match[2])
        found_year = int(match[3]) if match[3] else None
    if day is None or month is None:
        return None
    found_year = found_year if found_year is not None else year
    if found_year is None:
        return None
    try:
        return datetime.date(found_year, month, day)
    except ValueError:
        return None


_NO_DATE = re.compile(r"^(n/?a|-|–|none)?$", re.IGNORECASE)


def read_date_cell(
    text: str, reference: str, line: int, flags: list[Flag]
) -> tuple[datetime.date | None, str]:
    """A date cell of the Actions Outstanding table: (a date, no note);
    'N/A' or a dash (no date, no note); or words kept as the note ("To be
    determined"), flagged when they hold a number, as a date that could not
    be read ("31/06/2021")."""
    text = text.strip()
    if _NO_DATE.match(text):
        return None, ""
    if date := parse_date(text):
        return date, ""
    if re.search(r"\d", text):
        message = f"{reference}: could not read the date {text!r}."
        flags.append(Flag(line, "unreadable-date", message))
    return None, text


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


# A meeting's times: "12:20 – 16:50", "10.00 to 17.00".
TIMES = re.compile(r"\b(\d{1,2}[:.]\d{2})\s*(?:–|—|-|to)\s*(\d{1,2}[:.]\d{2})\b")


def parse_times(match: re.Match) -> tuple[datetime.time, datetime.time] | None:
    """The start and end a match of TIMES gives, or None when either is no
    time of day ("10:00 – 25:00"): never a start without its end."""
    start, end = (parse_time(text) for text in match.groups())
    if start is None or end is None:
        return None
    return start, end


def parse_time(text: str) -> datetime.time | None:
    """ "10:00" or "10.00" (24-hour clock, as the minutes print times); None otherwise."""
    match = _TIME.match(text.strip())
    if not match:
        return None
    try:
        return datetime.time(int(match[1]), int(match[2]))
    except ValueError:
        return None


# --- the approval a document states ------------------------------------------

# A line that states the minutes' approval: "Approved at OPSG_26 on 5 November
# 2019", "Minutes approved at meeting 26", "Status: approved on 12/06/2026",
# "Confirmed as a true record at the meeting held on 14 April 2026". Only at the
# start of a line: "The OPSG AGREED the minutes of OPSG_24" is another meeting's.
_APPROVAL = re.compile(
    r"^\W{0,3}(?P<named>status\s*:\s*|final\s+minutes\W{1,3}|(?:these\s+)?minutes\s+)?"
    r"(?:approved|confirmed)\b(?P<rest>.{0,160})$",
    re.I | re.M,
)
# Without "Minutes" or "Status:" before it, a line this short at most: "Approved
# at OPSG_26 on 5 November 2019", never a sentence of the minutes.
_APPROVAL_WORDS = 14
_AT_MEETING = re.compile(
    r"\bat\s+(?:the\s+|its\s+)?(?:meeting\s+(?:no\.?\s*)?|[A-Z]{2,10}[_ ])(?P<number>\d{1,4})\b",
    re.I,
)
_ON_DATE = re.compile(
    r"\bon\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?P<date>\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?i:{_MONTH_NAME})\.?,?\s+\d{{4}})",
    re.I,
)


def read_approval(
    text: str, *, before_line: int | None = None
) -> tuple[int | None, datetime.date | None, int] | None:
    """The approval a document states of itself: (the meeting it was approved
    at, the day, the line), either part None when not stated; None when no
    line states a meeting or a day (a lone "Agreed" may be a table's cell)."""
    for match in _APPROVAL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if before_line is not None and line >= before_line:
            break  # the items' text speaks of other things
        if not match["named"] and len(match[0].split()) > _APPROVAL_WORDS:
            continue
        rest = match["rest"]
        at = _AT_MEETING.search(rest)
        on = _ON_DATE.search(rest)
        if at or on:
            return (
                int(at["number"]) if at else None,
                parse_date(on["date"]) if on else None,
                line,
            )
    return None


# --- action targets --------------------------------------------------------

_WITHIN = re.compile(
    r"\bwithin\s+(?:\d+|[a-z]+)\s+(?:working\s+|business\s+|calendar\s+)?"
    r"(?:days?|weeks?|months?)(?:\s+of\s+[^.;,)]+)?",
    re.I,
)
_BY_DATE = re.compile(
    r"\b(?i:by|before|no later than)\s+(?:the\s+)?(?i:(?:mon|tues|wednes|thurs|fri)day,?\s+)?"
    rf"(?P<date>{DATE_IN_TEXT})"
)
_NEXT_MEETING = re.compile(
    r"\b(?:at|by|before|for)\s+(?P<phrase>the\s+next\s+(?:[A-Z]{2,}\s+)?meeting\b"
    r"(?:\s*\(?[A-Z]{2,}_\d+\)?)?)"
)
_BY_MEETING = re.compile(
    r"\bby\s+(?P<phrase>the\s+(?:\S+\s+){0,2}meeting\b(?:,?\s*\(?[A-Z]{2,}_\d+\)?)?"
    r"|[A-Z]{2,}_\d+)"
)
_BY_END_OF = re.compile(r"\bby\s+(?P<phrase>(?:the\s+)?end\s+of\s+[^.;,)]+)", re.I)


def parse_target(
    text: str, *, meeting_date: datetime.date, next_meeting: datetime.date | None
) -> tuple[datetime.date | None, str]:
    """The target of an ACTION line: (date, note).

    "by 8 October" is that day in the meeting's year, or the next year when it
    would fall before the meeting; "at the next meeting" and no phrase at all
    are the next meeting; "by the June meeting, OPSG_50", "within 10 working
    days" and "by the end of the year" are kept as words (None, phrase) for
    the secretary to settle."""
    candidates = []
    for pattern in (_WITHIN, _BY_DATE, _NEXT_MEETING, _BY_MEETING, _BY_END_OF):
        match = pattern.search(text)
        if match:
            candidates.append((match.start(), pattern, match))
    if not candidates:
        return next_meeting, ""
    _, pattern, match = min(candidates, key=lambda found: found[0])
    if pattern is _WITHIN:
        return None, _phrase(match[0])
    if pattern is _NEXT_MEETING:
        return (next_meeting, "") if next_meeting else (None, _phrase(match["phrase"]))
    if pattern is _BY_DATE:
        return _target_date(match["date"], meeting_date)
    return None, _phrase(match["phrase"])


def _target_date(
    written: str, meeting_date: datetime.date | None
) -> tuple[datetime.date | None, str]:
    year = meeting_date.year if meeting_date else None
    date = parse_date(written, year=year)
    if date is None:
        return None, _phrase(written)
    has_year = re.search(r"\d{4}$", written.strip()) or "/" in written
    if meeting_date and not has_year and date < meeting_date:
        date = parse_date(written, year=meeting_date.year + 1)
    return date, ""


def _phrase(text: str) -> str:
    """The words of a target as a note: spaces tidied, sentence punctuation
    and an unmatched bracket (the phrase was cut out of "(by …)") dropped."""
    phrase = " ".join(text.split()).strip(" .,;:")
    if phrase.count(")") > phrase.count("("):
        phrase = phrase.rstrip(")").strip(" .,;:")
    if phrase.count("(") > phrase.count(")"):
        phrase = phrase.lstrip("(").strip(" .,;:")
    return phrase


# --- owners ----------------------------------------------------------------

_OWNER_WORD = r"[A-Z][\w’'&.\-]*"
_OWNER_NAME = re.compile(rf"{_OWNER_WORD}(?:\s+(?:{_OWNER_WORD}|members))*")
_OWNER_SPLIT = re.compile(r"\s*/\s*|\s*,\s*(?:and\s+)?|\s+and\s+|\s+&\s+")


# "All members to …", "all to …", "Everyone to …", "All trustees to …": every
# one of a body (group `who`, the body's word where written).
EVERYONE = re.compile(
    r"^(?:all|every(?:one|body)|each)(?:\s+(?:of\s+)?(?:the\s+)?(?P<who>(?:[\w&'’-]+\s+){0,2}[\w&'’-]+))?$",
    re.I,
)
# The words that name the committee's members as a body ("All Panel members").
_MEMBERS_OF = ("", "member", "members", "committee members", "panel members", "board members")
_MEMBERS_OF += ("group members", "council members")


def owners_in(text: str, *, committee: str) -> tuple[list[str], bool]:
    """The owners named at the start of an action: "DCC to …" → ["DCC"],
    "SECAS and the DCC to …" → ["SECAS", "DCC"], "DNOs/DCC" → ["DNOs", "DCC"],
    "The OPSG to …" → ["OPSG members"]. A topic before the owner ("CH &
    Network Programme: The DCC to …") is skipped. Returns (owners, guessed):
    guessed is True when the owner had to be picked out of a phrase that is
    not a plain list of names ("SECAS asked members to …" → ["SECAS"]), and
    for "All trustees to …" (`everyone`)."""
    text = " ".join(text.split())
    head = _owner_phrase(text)
    if found := everyone(head, committee):
        return found
    parts = [_owner_name(part, committee) for part in _OWNER_SPLIT.split(head) if part.strip()]
    if parts and all(_OWNER_NAME.fullmatch(part) and len(part.split()) <= 5 for part in parts):
        return _unique(parts), False
    leading = re.match(rf"(?:[Tt]he\s+)?({_OWNER_WORD}(?:\s+{_OWNER_WORD}){{0,3}})", head)
    if leading:
        return [_owner_name(leading[1], committee)], True
    return [], True


def everyone(head: str, committee: str) -> tuple[list[str], bool] | None:
    """An action for every one of a body: "All members", "All Panel
    members", "all", "Everyone" are the committee's members, as the record
    names them ("HT members"); "All trustees", "All councillors" are read so
    too, as a guess (the words may name others than the committee's
    members). Without the committee known, the words as written, a guess.
    None where the words do not say every one."""
    match = EVERYONE.match(head.strip(" .,;:"))
    if not match:
        return None
    if not committee:
        return [head.strip(" .,;:")], True
    who = " ".join((match["who"] or "").lower().split())
    return [f"{committee} members"], who not in {*_MEMBERS_OF, f"{committee.lower()} members"}


def _owner_phrase(text: str) -> str:
    """The words before the first " to ", after any "Topic: " prefix."""
    to_at = text.find(" to ")
    colon_at = text.find(": ")
    if 0 <= colon_at < to_at:
        text, to_at = text[colon_at + 2 :], to_at - colon_at - 2
    return text[:to_at] if to_at >= 0 else text


def _owner_name(part: str, committee: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", part.strip(" .;:"))
    if name in {committee, "members", "Members", f"{committee} Members"}:
        return f"{committee} members" if committee else "members"
    return name


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# This app's own minutes close with the actions raised above, again, under
# this caption: both OPSG readers pass it over.
RECAP = re.compile(r"^Actions raised at this meeting$", re.I)

# This app's own minutes say under the attendance whether the meeting was
# quorate (meetings.quorum): worked out again from the attendance and the
# committee's quorum, so the readers pass it over. Only this app's wording:
# a quorum said any other way is flagged as ever.
QUORUM_STATEMENT = re.compile(
    r"^The meeting was (?:quorate: \d+ members? present(?:, including the chair)?"
    r"|not quorate: \d+ members? present, (?:fewer than the \d+ its quorum needs"
    r"(?: and the chair or an alternate chair not among them)?"
    r"|the chair or an alternate chair not among them))\.$"
)


# --- ACTION lines ----------------------------------------------------------

ACTION_LINE = re.compile(
    r"^\s*ACTION\s*:?\s*(?P<code>[A-Za-z]{2,10})\s*(?P<meeting>\d{1,4})\s*/\s*"
    r"(?P<conf>CONF\s*)?(?P<sequence>\d{1,5})\b\s*[:–—\-]?\s*(?P<text>.*)$",
    re.S,
)


def guess_committee(
    minutes: ParsedMinutes, texts: Iterable[str], line: int, *, decisions_by_code: bool = True
) -> None:
    """Where no reference, title or upload form names the committee, the
    code most ACTION lines use is the committee's ("ACTION PANEL 58/02":
    PANEL), flagged as a guess; every reading asks it. Without such a line
    the committee stays unknown, flagged only where the entry reads
    decisions by the committee's code (`decisions_by_code`: no decision of
    "the OPSG" can be read)."""
    if minutes.committee:
        return
    found = (ACTION_LINE.match(_without_emphasis(text).lstrip("*_ ")) for text in texts)
    codes = Counter(match["code"] for match in found if match)
    if not codes and not decisions_by_code:
        return
    if not codes:
        message = "The document does not name its committee; no decisions could be read."
        minutes.flags.append(Flag(line, "committee-unknown", message))
        return
    minutes.committee = codes.most_common(1)[0][0]
    message = f"No reference names the committee; read as {minutes.committee} from its actions."
    minutes.flags.append(Flag(line, "committee-guess", message))


def is_action_line(text: str) -> bool:
    """True for "ACTION OPSG 25/03: …", "ACTION: OPSG 25/03 – …", "ACTION OPSG 45/CONF 02: …"."""
    return bool(ACTION_LINE.match(_without_emphasis(text)))


# This app's own minutes print each action raised with "Owner: DCC; target:
# 05/11/2019." (or "target: none set."): read as its owners and target, not text.
_AS_RAISED = re.compile(r"\s*Owner:\s*(?P<owners>[^;]*);\s*target:\s*(?P<target>.*?)\.?\s*$")


def read_action(
    text: str,
    line: int,
    *,
    committee: str,
    meeting_number: int,
    previous_sequence: int,
    meeting_date,
    next_meeting,
) -> tuple[ParsedAction, list[Flag]]:
    """One ACTION paragraph, raised at this meeting.

    `previous_sequence` is the sequence of the action read before it in the
    same numbering (0 for the first). Printed numbers are checked, not
    trusted: "OPSF 49/04" in an OPSG document reads as OPSG 49/04
    (committee-typo); "25/110" after 25/10 reads as 25/11 (renumbered: a
    number left over from renumbering, where the printed number starts with
    the expected one); another meeting's number or a gap in the sequence is
    kept as printed and flagged. Raises ValueError when the text is not an
    ACTION line (see is_action_line)."""
    match = ACTION_LINE.match(_without_emphasis(text))
    if not match:
        raise ValueError(f"not an ACTION line: {text[:60]!r}")
    flags: list[Flag] = []
    conf = bool(match["conf"])
    meeting = int(match["meeting"])
    printed = _as_printed(match["code"], meeting, match["sequence"], conf)
    code = _checked_code(match["code"], committee, printed, line, flags)
    if meeting_number is not None and meeting != meeting_number:
        sequence = int(match["sequence"])
        message = f"{printed} names meeting {meeting}, not this meeting ({meeting_number}); kept as printed."
        flags.append(Flag(line, "meeting-number", message))
    else:
        sequence, doubt = _checked_sequence(match["sequence"], previous_sequence)
        reference = format_reference(code, meeting, sequence, conf)
        if doubt == "renumbered":
            message = (
                f"Printed as {printed}, read as {reference}: a number left over from renumbering."
            )
            flags.append(Flag(line, "renumbered", message))
        elif doubt == "sequence":
            message = f"{printed} does not follow number {previous_sequence:02d}; kept as printed."
            flags.append(Flag(line, "sequence", message))
    reference = format_reference(code, meeting, sequence, conf)
    body = " ".join(match["text"].split()).strip("*_ ")
    stated = _AS_RAISED.search(body)
    if stated:
        body = body[: stated.start()].rstrip()
    owners, guessed = owners_in(body, committee=committee)
    if stated and (named := [o.strip() for o in stated["owners"].split("/") if o.strip()]):
        # The owners the record holds; a doubt about the words stays a doubt.
        owners = [o for o in named if o not in ("–", "-")] or owners
    if guessed:
        shown = ", ".join(owners) if owners else "no one"
        flags.append(Flag(line, "owner-guess", f"{reference}: owner read as {shown}; check it."))
    target_date, target_note = parse_target(
        body, meeting_date=meeting_date, next_meeting=next_meeting
    )
    if stated and (day := parse_date(stated["target"])):
        target_date, target_note = day, ""
    action = ParsedAction(
        reference=reference,
        owners=owners,
        text=body,
        line=line,
        target_date=target_date,
        target_note=target_note,
    )
    return action, flags


@dataclass
class ActionNumbering:
    """The ACTION lines of one meeting's minutes, read in order (read_action),
    each checked against the number read before it in the same numbering:
    apart for a confidential session's (OPSG 45/CONF 02). An action that
    names another meeting is not in this meeting's numbering and leaves it
    where it was. Its target defaults to the next main meeting the minutes
    name (or the first named)."""

    minutes: ParsedMinutes
    last: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})
    # Another committee's actions, numbered in the order read under this
    # meeting's own numbering (`ours`), reviews without a reference among them.
    raised: int = 0

    def read(self, text: str, line: int) -> tuple[ParsedAction, list[Flag]]:
        minutes = self.minutes
        match = ACTION_LINE.match(_without_emphasis(text))
        conf = bool(match and match["conf"])
        action, flags = read_action(
            text,
            line,
            committee=minutes.committee,
            meeting_number=minutes.number,
            previous_sequence=self.last[conf],
            meeting_date=minutes.date,
            next_meeting=next_main_meeting(minutes.next_meetings),
        )
        if not any(flag.kind == "meeting-number" for flag in flags):
            self.last[conf] = parse_reference(action.reference)[3]
        return action, flags

    def ours(self, sequence: int) -> str:
        """This meeting's reference for its `sequence`th action under its own
        numbering; "…" where the committee or the number is not known yet
        (the upload form gives them, and the commit reads the document again
        with them)."""
        code, number = self.minutes.committee, self.minutes.number
        if code and number is not None:
            return format_reference(code, number, sequence, False)
        return f"{code or '…'} {'…' if number is None else number}/{sequence:02d}"


def next_main_meeting(found: list[tuple[str, datetime.date]]) -> datetime.date | None:
    """The next main meeting the minutes name, else the first they name."""
    mains = [date for kind, date in found if kind == "main"]
    return (mains or [date for _, date in found] or [None])[0]


def _without_emphasis(text: str) -> str:
    """Markdown bold around "ACTION OPSG 49/01:" is not part of the reference."""
    head, tail = text[:80], text[80:]
    return head.replace("**", "").replace("__", "") + tail


def _as_printed(code: str, meeting: int, sequence: str, conf: bool) -> str:
    """The reference as the document prints it (its number unpadded, say),
    for a flag that quotes it; the reference kept is format_reference's."""
    return f"{code} {meeting}/{'CONF ' if conf else ''}{sequence}"


def _checked_code(printed_code: str, committee: str, printed: str, line: int, flags) -> str:
    if not committee or printed_code == committee:
        return printed_code
    if _one_letter_apart(printed_code.upper(), committee.upper()):
        flags.append(Flag(line, "committee-typo", f"{printed} read as an action of {committee}."))
        return committee
    flags.append(
        Flag(
            line,
            "other-committee",
            f"{printed} names committee {printed_code}, not {committee}; kept as printed.",
        )
    )
    return printed_code


def _one_letter_apart(first: str, second: str) -> bool:
    if len(first) != len(second):
        return False
    return sum(a != b for a, b in zip(first, second, strict=True)) <= 1


def _checked_sequence(printed: str, previous: int) -> tuple[int, str]:
    """(sequence, doubt): doubt "" when the printed number follows `previous`,
    "renumbered" when it starts with the expected number and has digits left
    over (25/110 for 25/11), "sequence" for any other gap or repeat."""
    expected = previous + 1
    if int(printed) == expected:
        return expected, ""
    padded = f"{expected:02d}"
    if len(printed) > len(padded) and printed.startswith(padded):
        return expected, "renumbered"
    return int(printed), "sequence"


# --- decisions -------------------------------------------------------------

_VERB = "|".join(VERBS)
_EMPHASISED_VERB = re.compile(rf"(\*\*|__)({_VERB})\1")
_POINT = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+")
_BULLET = re.compile(rf"(?:^|(?<=\s))[–—\-•*]\s+(?=(?:{_VERB})\b)")
# A point's mark at the end of the decision before it: a number or a bullet
# after a full stop or a colon ("NOTED that: 1.", "the update. 2."), not
# after a word ("version 2.").
_NEXT_MARK = re.compile(r"(?<=[.!?:;])\s+(?:\d{1,2}[.)]|[–—•*-])$")
_JOINED_VERB = re.compile(rf"(?:;|,)?\s+and\s+(?=(?:{_VERB})\b)")


def _subject(committee: str) -> re.Pattern:
    """ "The OPSG AGREED", "the OPSG NOTED", "The OPSG:" — the committee as a body."""
    return re.compile(rf"(?:\b[Tt]he\s+)?\b{re.escape(committee)}\b\s*(?::|(?=\s*(?:{_VERB})\b))")


def split_decision(text: str, *, committee: str) -> tuple[str, str]:
    """Split a paragraph where the committee's decision begins: "No comments
    were made and the OPSG AGREED that …" → ("No comments were made.", "the
    OPSG AGREED that …"). ("", text) when the paragraph is a decision; (text,
    "") when it holds none. Only an upper-case verb makes a decision: "the
    OPSG noted that …" is narrative."""
    text = _EMPHASISED_VERB.sub(r"\2", text)
    match = _subject(committee).search(text) if committee else None
    if not match:
        return text, ""
    before = text[: match.start()].rstrip()
    if before:
        before = re.sub(r"(?:,|;)?\s*\band$", "", before).rstrip(" ,;")
        if before and before[-1] not in ".!?:":
            before += "."
    return before, text[match.start() :].strip()


def read_decisions(text: str, line: int, *, committee: str) -> list[ParsedDecision]:
    """The decisions in one paragraph, which may carry its points on the lines
    after it:

    - "The OPSG NOTED the update." → NOTED "the update."
    - "The OPSG NOTED that: 1. … 2. …" → NOTED "that:" with points; a list
      continuing from an earlier one (3. 4. 5.) keeps its first number;
    - "The OPSG AGREED: 1. … 2. …" → AGREED "" with points, the verb's colon
      no word of it (imports.decision_points.decision_text);
    - "The OPSG: 1. AGREED …; 2. NOTED …; and 3. AGREED …" and "The OPSG: –
      NOTED …; and – AGREED …" → one decision a point, each ending as a
      sentence;
    - "The OPSG DISCUSSED … and AGREED to …" → two decisions;
    - "1. The OPSG NOTED the update. 2. The OPSG AGREED the plan." → one
      decision a point, the next point's mark ("2.") in neither.

    [] when the text holds no decision of the committee."""
    _, decision = split_decision(text, committee=committee)
    if not decision:
        return []
    decisions: list[ParsedDecision] = []
    subject = _subject(committee)
    starts = [match for match in subject.finditer(decision)]
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(decision)
        colon = match.group(0).rstrip().endswith(":")
        rest = decision[match.end() : end].strip()
        if index + 1 < len(starts):  # "the update. 2." before "The OPSG AGREED": 2. is its mark
            rest = _NEXT_MARK.sub("", rest)
        if colon and not re.match(rf"(?:{_VERB})\b", rest):
            decisions += _listed_decisions(rest, line)
        else:
            decisions += _verb_decisions(rest, line)
    return decisions


def _listed_decisions(text: str, line: int) -> list[ParsedDecision]:
    """ "1. AGREED …; 2. NOTED …; and 3. AGREED …" or "– NOTED …; and – AGREED …"."""
    items = _split_points(text)[1] or [part for part in _BULLET.split(text) if part.strip()]
    decisions = []
    for item in items:
        found = _verb_decisions(item, line)
        for decision in found:
            decision.text = _as_sentence(decision.text)
        decisions += found
    return decisions


def _verb_decisions(text: str, line: int) -> list[ParsedDecision]:
    """ "AGREED …", or "DISCUSSED … and AGREED …" as two decisions."""
    text = text.strip()
    if not re.match(rf"(?:{_VERB})\b", text):
        return []
    parts = _JOINED_VERB.split(text)
    decisions = []
    for number, part in enumerate(parts):
        verb, body = re.match(rf"({_VERB})\b\s*(.*)", part.strip(), re.S).groups()
        if number < len(parts) - 1:
            body = _as_sentence(body)
        decisions.append(_decision_with_points(verb, body, line))
    return decisions


def _decision_with_points(verb: str, body: str, line: int) -> ParsedDecision:
    colon_at = body.find(":")
    if colon_at >= 0:
        first, points = _split_points(body[colon_at + 1 :])
        if points:
            return ParsedDecision(
                verb=verb,
                text=decision_text(" ".join(body[: colon_at + 1].split())),
                line=line,
                points=points,
                first_point_number=first,
            )
    return ParsedDecision(verb=verb, text=decision_text(" ".join(body.split())), line=line)


def _split_points(text: str) -> tuple[int, list[str]]:
    """Numbered points in sequence ("3. … 4. … 5. …"): (first number, texts).
    A number out of sequence stays inside the point it is in."""
    cuts = []
    for match in _POINT.finditer(text):
        number = int(match[1])
        if not cuts:
            if text[: match.start()].strip():
                return 1, []
            cuts.append(match)
        elif number == int(cuts[-1][1]) + 1:
            cuts.append(match)
    if not cuts:
        return 1, []
    points = []
    for index, match in enumerate(cuts):
        end = cuts[index + 1].start() if index + 1 < len(cuts) else len(text)
        points.append(" ".join(text[match.end() : end].split()))
    return int(cuts[0][1]), points


def _as_sentence(text: str) -> str:
    """A point of a list read as a decision of its own: "…; and" → "….\""""
    text = re.sub(r"(?:[;,]\s*and|[;,])\s*$", "", text.strip()).rstrip()
    if text and text[-1] not in ".!?:":
        text += "."
    return text


# --- incidents -------------------------------------------------------------


def read_incidents(item: ParsedItem, flags: list[Flag], reviewed: Iterable[str] = ()) -> None:
    """An item's incidents: the INC numbers its words name, in order, then
    those `reviewed` under it ("Incident reviewed: INC…"); and a flag
    where its heading names one incident over a text about another."""
    words = [item.title, item.narrative, item.post_meeting_note]
    words += [d.text + " " + " ".join(d.points) for d in item.decisions]
    words += [a.text for a in item.actions]
    item.incidents = list(dict.fromkeys([*incidents_in("\n".join(words)), *reviewed]))
    if flag := incident_mismatch(item):
        flags.append(flag)


def incident_mismatch(item: ParsedItem) -> Flag | None:
    """meetings.markdown's rule, over an item as read from the document."""
    found = heading_names_other_incidents(
        item.title,
        [item.narrative, item.post_meeting_note]
        + [decision.text + " " + " ".join(decision.points) for decision in item.decisions]
        + [action.text for action in item.actions],
    )
    if found is None:
        return None
    named, mentioned = found
    return Flag(
        item.line,
        "incident-mismatch",
        f"Item {item.number}'s heading names {', '.join(named)} but its text names only "
        f"{', '.join(mentioned)}.",
    )


# --- how a closed action ended ---------------------------------------------

_NEGATED = re.compile(r"\bnot\s+(?:be(?:en)?\s+)?(?:supersed|transferr)", re.I)
_SUPERSEDED = re.compile(
    r"\b[Ss]upersed\w*\s+by\b[^.;]*?\b(?P<code>[A-Z]{2,8})[\s_]+(?P<number>\d+/(?:CONF\s*)?\d+)"
)
# "transferred to the Technical and Business Architecture Sub-Committee (TABASC)":
# a code in brackets first, else the first word in capitals, before the sentence ends.
_TRANSFERRED = re.compile(r"\b[Tt]ransferr\w*\s+to\b(?P<where>[^.;]*)")
_BRACKETED_CODE = re.compile(r"\(([A-Z][A-Z0-9]{2,9})\)")
_CODE = re.compile(r"\b([A-Z][A-Z0-9]{2,9})\b")
# Work taken into other work: "will be investigated as part of the Operational
# Metrics Project"; a verb of doing the work, not "presented as part of".
_ABSORBED = re.compile(
    r"\b(?:investigated|taken\s+forward|progressed|addressed|covered|tracked|picked\s+up|"
    r"handled|dealt\s+with|managed|absorbed|incorporated|subsumed)\s+(?:as|a)\s+part\s+of\s+"
    r"(?:the\s+)?(?P<work>[^.;,]+)",
    re.I,
)


def read_outcome(review: ParsedReview) -> Flag | None:
    """A closed row's outcome when its update says how the action ended:
    superseded by a new action, transferred to another committee, or absorbed
    into other work ("investigated as part of the Operational Metrics
    Project"). What was read is flagged for the secretary to check; an
    update that says none of these (or denies it) leaves the action completed."""
    if review.status != "closed" or not review.update:
        return None
    text = " ".join(review.update.split())
    if _NEGATED.search(text):
        return None
    if match := _SUPERSEDED.search(text):
        review.outcome = "superseded"
        review.superseded_by = f"{match['code']} {' '.join(match['number'].split())}"
        said = f"superseded by {review.superseded_by}"
        otherwise = f" (completed, if {review.superseded_by} is not in the record)"
    elif (match := _TRANSFERRED.search(text)) and (
        code := _BRACKETED_CODE.search(match["where"]) or _CODE.search(match["where"])
    ):
        review.outcome, review.transferred_to = "transferred", code[1]
        said = f"transferred to {review.transferred_to}"
        otherwise = f" (completed, if {review.transferred_to} is not a committee in the record)"
    elif match := _ABSORBED.search(text):
        review.outcome = "absorbed"
        said, otherwise = f"absorbed into {match['work'].strip()}", ""
    else:
        return None
    return Flag(
        review.line,
        "outcome-read",
        f"{review.reference}: read as closed, {said}{otherwise}, as its update says; check it.",
    )
