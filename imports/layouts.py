"""The layout registry: what differs between committees' minutes, as data
for the one generic reader (imports.layout_generic).

Each Layout says how its minutes mark the attendance sections, a person's
marks, decisions, actions raised, item headings and the outstanding-actions
table. `recognise` picks the entry: the first whose pattern the text
matches, else GENERIC, which knows every entry's marks but no
entry-specific sections.

The OPSG's own minutes (the 2019 PDF text and the 2021 Markdown) keep their
two readers, imports.layout_text and imports.layout_markdown: imports.parse
tries them first, and turns to this registry when they cannot read a
meeting's number and date.

A new committee's layout is a new entry here, built from GENERIC with
`dataclasses.replace`, and a fixture under tests/imports/minutes/."""

import re
from dataclasses import dataclass, field, replace

from meetings.models import Decision

MEMBER, PARTICIPANT, APOLOGY = "member", "participant", "apology"
ITEMS, REVIEWS, SKIP = "items", "reviews", "skip"


def _words(*alternatives: str) -> str:
    return "|".join(alternatives)


@dataclass(frozen=True)
class Layout:
    name: str
    # The text is in this layout when it matches (GENERIC: None, the fallback).
    recognise: re.Pattern | None
    # A heading or label ("Present:", "## Apologies") and the section it opens:
    # MEMBER, PARTICIPANT, APOLOGY, ITEMS (the agenda starts), REVIEWS (the
    # outstanding actions) or SKIP (a recap to pass over).
    sections: tuple[tuple[re.Pattern, str], ...]
    # Words in brackets after a name: (pattern, mark), mark one of remote,
    # alternate, part, role. Any other bracket names the person's body.
    marks: tuple[tuple[re.Pattern, str], ...]
    # A decision line: groups `verb` and `text`.
    decision: re.Pattern
    # Verbs written as another of the record's (Decision.Verb) verbs.
    verb_as: dict[str, str]
    # Action-raised lines: groups `text`, and where printed `label` (the
    # document's own number for it) and `owner`.
    actions: tuple[re.Pattern, ...]
    # An item heading in a paragraph's first line (headings and numbered
    # list items are item headings already): groups `number` (optional) and `title`.
    item_lines: tuple[re.Pattern, ...] = ()
    # Unnumbered headings under the agenda are items, numbered in order.
    unnumbered_headings: bool = False
    # Top-level bullets under the agenda are items (a meeting bot's topics).
    bullet_items: bool = False
    # Said after a title or a line and dropped: "(kerstin, 15:03:40)".
    trailer: re.Pattern | None = None
    # Names in the attendance that are not people (bots).
    not_people: frozenset[str] = frozenset()
    # "alice (58)": a count after a name that is no mark.
    count_after_name: bool = False
    # The outstanding table's columns: field -> header words.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Where the date, times and place are written in the title block.
    date_patterns: tuple[re.Pattern, ...] = ()
    start_patterns: tuple[re.Pattern, ...] = ()
    end_patterns: tuple[re.Pattern, ...] = ()


_SECTIONS = (
    (
        re.compile(
            r"^(?:Attendees|Attendance|Present|Members present|Panel members|"
            r"Members in attendance|Those present)\b",
            re.I,
        ),
        MEMBER,
    ),
    (
        re.compile(
            r"^(?:In attendance|Also present|Also in attendance|Observers|Attending|Officers|"
            r"Other participants|Guests)\b",
            re.I,
        ),
        PARTICIPANT,
    ),
    (re.compile(r"^(?:Apologies|Absent|Regrets|Not present)\b", re.I), APOLOGY),
    (re.compile(r"^(?:Agenda|Minutes|Meeting summary|Discussion|Proceedings)\s*:?$", re.I), ITEMS),
    (
        re.compile(
            r"^(?:Outstanding actions|Actions outstanding|Open actions|Action log|"
            r"Action tracker|Actions? (?:log|register|list)|Review of actions)\s*:?$",
            re.I,
        ),
        REVIEWS,
    ),
)

_MARKS = (
    (
        re.compile(
            r"^(?:dial(?:led)?[- ]in|by phone|phone|telephone|teleconference|remote(?:ly)?|"
            r"online|video|virtual|via \w+|by video)$",
            re.I,
        ),
        "remote",
    ),
    (re.compile(r"^(?:alternate|substitute|deputy)(?:\s+for\s+.+)?$", re.I), "alternate"),
    (
        re.compile(
            r"^(?:part|partial|left at .+|arrived at .+|from item .+|for items? .+|items? .+)$",
            re.I,
        ),
        "part",
    ),
    (
        re.compile(
            r"^(?:chair(?:man|person)?|vice[- ]chair|deputy chair|co-chair|secretary|clerk|"
            r"minutes|minute taker|treasurer|observer|facilitator|note taker|"
            r"[\w -]*\bmember)$",
            re.I,
        ),
        "role",
    ),
)

_VERB_WORDS = _words(*Decision.Verb.values, "RESOLVED", "DECIDED", "RESOLUTION")
_DECISION = re.compile(
    rf"^(?:(?P<resolution>RES(?:OLUTION)?[-\s]?[\w/-]*\d[\w/-]*)\s*[:–-]\s*"
    rf"|(?:(?:The|the)\s+(?:[A-Z][\w&'-]*\s+){{0,5}})?(?P<verb>{_VERB_WORDS})\b[\s:–-]*)"
    r"(?P<text>.*)$",
    re.S,
)

_ACTIONS = (
    # "ACTION 212/01: …", "ACTION: …", "Action: …", "* ACTION: bogdan to …"
    re.compile(
        r"^(?:ACTION|Action)\s*(?P<label>[A-Z]{0,6}\s?\d{1,4}/\d{1,3})?\s*:\s*(?P<text>.+)$", re.S
    ),
    # "Action 123: …", "Action no. 7 – …"
    re.compile(
        r"^(?:ACTION|Action)\s+(?:no\.?\s*)?(?P<label>\d{1,4})\s*[:–-]\s*(?P<text>.+)$", re.S
    ),
    # "ACTION – JD: …", "ACTION - JD to …": initials first
    re.compile(r"^ACTION\s*[–-]\s*(?P<owner>[A-Z]{2,4})\b[\s:]*(?P<text>.+)$", re.S),
)

_COLUMNS = {
    "reference": ("ref", "reference", "action id", "id", "no", "no.", "number", "action no", "#"),
    "text": ("action", "description", "action description", "task", "item"),
    "owners": ("owner", "owners", "assigned to", "who", "lead", "responsible", "by whom"),
    "target": ("due", "due date", "target", "target date", "deadline", "by when", "date due"),
    "status": ("status", "state", "rag"),
    "update": ("update", "updates", "notes", "comment", "comments", "progress", "latest update"),
    "raised": ("raised", "date raised", "opened", "meeting raised"),
}

_DATE_LABEL = re.compile(r"^(?:Date|Meeting date|Held on)\s*:?\s*(?P<date>.+)$", re.I)
_TIME_RANGE = re.compile(
    r"(?P<start>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)\s*(?:–|-|to|until)\s*"
    r"(?P<end>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)",
    re.I,
)
_AT_TIME = re.compile(r"\bat\s+(?P<start>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)", re.I)

GENERIC = Layout(
    name="generic",
    recognise=None,
    sections=_SECTIONS,
    marks=_MARKS,
    decision=_DECISION,
    verb_as={"RESOLVED": "AGREED", "DECIDED": "AGREED", "RESOLUTION": "AGREED"},
    actions=_ACTIONS,
    item_lines=(
        # "26/031 Footpath repairs", "Minute 26/31: Footpath repairs": a minute number.
        re.compile(
            r"^(?:Minute\s+)?(?P<minute>[A-Z]{0,3}\d{1,4}/\d{1,4})[.:]?\s+"
            r"(?P<title>[A-Z‘“'\"][^.]{1,90}?)\.?$"
        ),
        # "Item 4: Budget", "ITEM 4 – Budget"
        re.compile(
            r"^(?i:item)\s+(?P<number>\d{1,2}(?:\.\d{1,2})?)\s*[:.–-]\s*(?P<title>.{2,120})$"
        ),
    ),
    columns=_COLUMNS,
    date_patterns=(_DATE_LABEL,),
    start_patterns=(_TIME_RANGE, _AT_TIME),
    end_patterns=(_TIME_RANGE,),
)

# Minutes written by an IRC meeting bot: topics as bullets with who and when,
# "AGREED:" and "ACTION:" lines under them, the people by lines said.
MEETING_BOT = replace(
    GENERIC,
    name="meeting-bot",
    recognise=re.compile(r"^Meeting started by \S+ at \d", re.M),
    sections=(
        (re.compile(r"^Meeting summary$", re.I), ITEMS),
        (re.compile(r"^People present\b", re.I), MEMBER),
        (re.compile(r"^Action items(?:, by person)?$", re.I), SKIP),
        (re.compile(r"^Meeting ended\b", re.I), SKIP),
    ),
    bullet_items=True,
    trailer=re.compile(r"\s*\(\s*[\w.|-]+,\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)\s*$"),
    not_people=frozenset({"meetbot", "zodbot", "collabot", "openstack", "bot"}),
    count_after_name=True,
    date_patterns=(re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})"),),
    start_patterns=(re.compile(r"^Meeting started by \S+ at (?P<start>\d{1,2}:\d{2})", re.M),),
    end_patterns=(re.compile(r"^Meeting ended at (?P<end>\d{1,2}:\d{2})", re.M),),
)

# An association's Markdown minutes: "## Attendees" lists, agenda items as
# headings (numbered or not), "RES-…" resolutions and "ACTION – XX" lines.
ASSOCIATION = replace(
    GENERIC,
    name="association",
    recognise=re.compile(r"^\s*(?:[-*]\s*)?(?:\*\*)?RES[-\s]?\d", re.M),
    unnumbered_headings=True,
)

LAYOUTS = (MEETING_BOT, ASSOCIATION, GENERIC)


def layout_of(text: str) -> Layout:
    """The registry's entry for a text: the first that recognises it."""
    for layout in LAYOUTS:
        if layout.recognise is None or layout.recognise.search(text):
            return layout
    return GENERIC
