"""The layout registry: what differs between committees' minutes, as data
for the one generic reader (imports.layout_generic).

Each Layout says how its minutes mark the attendance sections, a person's
marks, decisions, actions raised, item headings and the outstanding-actions
table. Which entries read a text is decided here, by the entries' data
(`layouts_of`): every text first by those `read_first` (the OPSG's, the
home committee's), then by the one that recognises it (`layout_of`: the
first whose `recognise` pattern the text matches, else GENERIC, which
knows every entry's marks but no entry-specific sections), where the
readings before give no meeting number or date (imports.parse).

The OPSG's 2021 Markdown is read by the generic reader with the OPSG entry
(`read_first`; its plain text by the 2019 reader, `pdf_text_reader`), its
parts by the modules that read every entry's, by the entry's data:
`title_fact_lines` (imports.title_block),
`names_in_lines` and `roll_captions` (front_matter, attendance),
`items_in_order` (item_sequence), `whole_blocks`, `join_page_breaks`,
`review_tables_in_items`, `recap` and `post_meeting_note` (item_text), the
outstanding table's columns (outstanding_table). `text_as_written` says
only how its Markdown is walked: by blocks cut at blank lines, an item's
blocks at once (imports.layout_generic `read_as_written`). Any entry may
have any of these: none is the OPSG's alone.

The 2019 PDF text keeps its own reader (imports.layout_text, for its own
tokenizer's blocks), which reads its title block (imports.title_block), its
attendance (imports.attendance `read_roll_lines`: `roll_caption_line`,
`roll_groups`, `group_nouns`), its Actions Outstanding rows
(imports.outstanding_table) and its items' action lines, decisions and
narrative (imports.item_text: `numbered_actions`, `committee_decisions`)
the one way, by the OPSG entry; imports.common holds what
all share (dates, targets, owners, decisions, incidents, how a closed
action ended, the committee guessed from its actions).

A new committee's layout is a new entry here, built from GENERIC with
`dataclasses.replace`, and a fixture under tests/imports/minutes/."""

import re
from dataclasses import dataclass, field, replace

from imports.common import ANY_DATE, RECAP
from imports.parsed import ParsedPerson
from meetings.models import Decision

MEMBER, PARTICIPANT, APOLOGY = "member", "participant", "apology"
# What a column of an attendance table holds (`attendance_columns`).
NAME, BODY, ROLE, MARK = "name", "body", "role", "mark"
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
    # alternate, part, role. What `other_bracket` says becomes of any other
    # bracket: "group" (the person's body, "Name (Org)") or "role".
    marks: tuple[tuple[re.Pattern, str], ...]
    # A decision line: groups `verb` and `text`.
    decision: re.Pattern
    # Verbs written as another of the record's (Decision.Verb) verbs.
    verb_as: dict[str, str]
    # Action-raised lines: groups `text`, and where printed `label` (the
    # document's own number for it) and `owner`.
    actions: tuple[re.Pattern, ...]
    # A decision line's subject that is a person, not the committee ("Cllr
    # Patel NOTED …": one member's words, narrative; None: any subject).
    person_subject: re.Pattern | None = None
    # An action's target in its words, or an outstanding action's line's:
    # group `date` ("due 1 April 2026", "by 18 March 2026").
    action_target: re.Pattern | None = None
    # An action's owner named first in lower case, a nickname: "bogdan to …"
    # (group 1).
    owner_nickname: re.Pattern | None = None
    # The owners an action states by label, on its line or the line under it
    # ("Owner: Ben Cole", "Owners: Clerk, Treasurer"; group `owners`, split by
    # `review_owner_split`): the action's owners, the label left out of its words.
    owner_label: re.Pattern | None = None
    # An item heading in a paragraph's first line (headings and numbered
    # list items are item headings already): groups `number` (optional) and `title`.
    item_lines: tuple[re.Pattern, ...] = ()
    # A line opening with a minute number ("26/034 …"): inside a
    # minute-numbered item, a heading not read as one (flagged; None: the
    # entry's items are not minute-numbered, no such flag).
    minute_number: re.Pattern | None = None
    # Items only in order (imports.item_sequence.item_heading): a numbered
    # heading opens one only forward of the last (a number may be skipped),
    # and a numbered line only standing alone between blank lines, the very
    # next (2 after 1, 3.2 after 3.1), not a sentence nor a list's next
    # point; nothing else opens an item.
    items_in_order: bool = False
    # Unnumbered headings under the agenda are items, numbered in order.
    unnumbered_headings: bool = False
    # Top-level bullets under the agenda are items (a meeting bot's topics),
    # but for those that open with a note's mark ("AGREED: …", "LINK: …").
    bullet_items: bool = False
    bullet_notes: re.Pattern | None = None
    # Said after a title or a line, "(kerstin, 15:03:40)": left out of a
    # title, a name and a decision's or an action's words; a line read as
    # narrative keeps it as typed (imports.item_text.typed_segments).
    trailer: re.Pattern | None = None
    # A member category in the attendance: a line of its own, as short as a
    # label ("Panel Members:"), and where `category_headings`, a heading.
    category_line: re.Pattern | None = None
    category_headings: bool = False
    # The attendance may be written as lines of names ("Present: A, B"); else
    # (the OPSG's 2021 Markdown, whose attendance is its tables) a line there
    # that is no section's label is kept as written and flagged, unplaced.
    names_in_lines: bool = True
    # The meeting bot's own nicks: left out of the attendance, as no people.
    not_people: frozenset[str] = frozenset()
    # A nick that reads as a bot's ("tessbot"), not one of `not_people`: kept
    # as a person all the same, and flagged, as a person's nick may read so
    # ("abbot", "robot_jane"); the secretary leaves a bot out at review.
    bot_name: re.Pattern | None = None
    # "alice (58)": a count after a name that is no mark.
    count_after_name: bool = False
    # The legend under a list whose people carry "*" ("* attended by
    # teleconference", "* denotes attendance by phone"): its lead-in words
    # (group `lead`) and the mark it explains (group `mark`, read by `marks`).
    mark_legend: re.Pattern | None = None
    # What a "*" before or after a name says, as a bracket would say it
    # (read by `marks`): the panels' "*" for a teleconference; None where a
    # "*" by a name means nothing the reader knows (it is kept in the name).
    star_mark: str | None = "teleconference"
    # The title block's labels and title words (imports.title_block, every
    # entry's, a line at a time): where the date, the times (a pattern with
    # re.M searches the whole text, a bot's log) and the place are written
    # (with `date_patterns`, the first date in the block where no label
    # gives one, and where `date_further_down`, the first the patterns find
    # anywhere in the text, a bot's log dating it below its title block);
    # the committee's code in a title ("(HP)", group 1); the
    # meeting's number (group `n` or `nth`); the words that say the minutes
    # are final. Empty: none read so.
    date_patterns: tuple[re.Pattern, ...] = ()
    date_further_down: bool = False
    start_patterns: tuple[re.Pattern, ...] = ()
    end_patterns: tuple[re.Pattern, ...] = ()
    place_label: re.Pattern | None = None
    # The place in the title block's words (group `place`: "held … in the
    # Reading Room"), where no label gives one; flagged.
    place_in_words: re.Pattern | None = None
    code_in_title: re.Pattern | None = None
    number_in_title: re.Pattern | None = None
    final_words: re.Pattern | None = None
    # A line of the title block that names the meeting, its title's words
    # ("Minutes of the meeting of the Planning Committee"), besides the
    # block's first line, its title, and lines the patterns above read from:
    # any other line from which nothing is read is kept and flagged, for
    # every entry (imports.title_block).
    title_words: re.Pattern | None = None
    # The title block's lines no label reads state a fact a line, unlabelled,
    # in any order (the OPSG's: a date opening a line, times, the title, the
    # place after them; by `reference`, `classification`, `minutes_state`,
    # `meeting_kinds`, `committee_names`); else they are read by the labels
    # and title words above. Either way a line not understood is kept and
    # flagged.
    title_fact_lines: bool = False
    other_bracket: str = "group"
    # A committee named in a title, by its code, where no reference says it.
    committee_names: dict[str, str] = field(default_factory=dict)
    # The outstanding-actions table (imports.outstanding_table): its
    # columns, field -> a pattern of the header's words (reference, text,
    # raised, last, revised, owner, status, update); the columns one of which
    # must stand beside the action's for the table to be one; the reference
    # an action row holds (groups: code, optional where the committee's is
    # meant, meeting, conf, sequence); whether a row without one is an action
    # all the same, under the meeting's own numbering; how the owner cell is
    # split into names (None: read as an ACTION line's owner); whether a date
    # cell is read for the first date written in it (the cell the note
    # otherwise) or as a date, "N/A" or a note; where each action's update
    # sits on the row underneath (`update_rows`); the label before the
    # status an update states ("Status:"; None: only the status cell states
    # one, and a review whose cell states none is open); the words of a
    # status and what each says, "open" or "closed" (`status_words`: the
    # first of them in a status cell, or the one after the label, read by
    # imports.outstanding_table.read_status for every entry).
    outstanding_columns: dict[str, re.Pattern] = field(default_factory=dict)
    review_key_columns: tuple[str, ...] = ("reference",)
    review_reference: re.Pattern | None = None
    unreferenced_reviews: bool = False
    review_owner_split: re.Pattern | None = None
    review_dates_in_words: bool = False
    update_rows: bool = False
    review_status: re.Pattern | None = None
    status_words: dict[str, str] = field(default_factory=dict)
    # An outstanding action written as a line of a list (a tracker's): groups
    # `ref`, `owner` (optional) and `text` ("2026-02 (JD): renew the
    # insurance, due 1 April 2026, open"); its status the last status word
    # in it, its target by `action_target`.
    review_line: re.Pattern | None = None
    # Attendance tables whose header names each column (imports.attendance):
    # what a column holds (NAME, BODY, ROLE, MARK) -> its header's words; the
    # words of a mark cell that say the person was there (no mark) or sent
    # apologies (the row is an apology).
    attendance_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    present_marks: frozenset[str] = frozenset()
    absent_marks: frozenset[str] = frozenset()
    # Attendance tables captioned by what they list
    # (imports.attendance): a caption's words -> the list its rows
    # are in, in the order tried; the name column's header words; whether an
    # empty category cell keeps the category above, and a table with an
    # empty header goes on from the table above.
    roll_captions: tuple[tuple[re.Pattern, str], ...] = ()
    roll_name_column: re.Pattern | None = None
    category_carries_down: bool = False
    empty_header_continues: bool = False
    # The same tables printed as lines (the 2019 PDF's text; imports.attendance
    # `read_roll_lines`): a caption's line (group `rest`: the words read by
    # `roll_captions`); the member categories and bodies the tables print,
    # which may open a line before a name ("Small Supplier Kate Barnes");
    # the last words of a member category's name ("Supplier", "Party").
    roll_caption_line: re.Pattern | None = None
    roll_groups: tuple[str, ...] = ()
    group_nouns: frozenset[str] = frozenset()
    # Minutes whose Markdown is read as written (Word saved as Markdown), by
    # blocks cut at blank lines (imports.layout_generic `read_as_written`):
    # the front matter as every entry's (imports.front_matter), items in
    # sequence (imports.item_sequence), each item's blocks all at once
    # (imports.item_text `read_item`). How an item's text is read is the
    # entry's data below, whichever way the blocks come.
    text_as_written: bool = False
    # An item's block (a paragraph, a list's run of points, a heading) is read
    # whole, one piece, a paragraph of the narrative; else a piece a sentence,
    # cut at each decision or action line, a list's next point on the line under.
    whole_blocks: bool = False
    # A paragraph cut by a page break ("The DCC noted" / "that it will …") is
    # joined again to the narrative before it.
    join_page_breaks: bool = False
    # A table in an item is first read as the outstanding actions' (imports.outstanding_table).
    review_tables_in_items: bool = False
    # A recap of the actions raised, again, in an item ("Actions raised at this
    # meeting", this app's own minutes): passed over with the table after it.
    recap: re.Pattern | None = None
    # The title block's reference (groups: the committee's code, the
    # meeting's number), classification statement (groups: its label, the
    # audience statement), "Draft"/"Final" (group 1), the words in a title
    # that name the meeting's kind; the next meetings, wherever stated
    # (groups: the kind, the date; read by imports.title_block, and a line of
    # them left out of an item's text).
    reference: re.Pattern | None = None
    classification: re.Pattern | None = None
    minutes_state: re.Pattern | None = None
    meeting_kinds: tuple[tuple[str, str], ...] = ()
    next_meeting: re.Pattern | None = None
    # The labels that open the attendance and the apologies in the 2019 PDF's
    # text (imports.layout_text, imports.attendance `read_roll_lines`); the
    # generic reader knows them by `sections`.
    roll_label: re.Pattern | None = None
    apologies_label: re.Pattern | None = None
    # A post-meeting note in an item (group 1: its words), kept apart.
    post_meeting_note: re.Pattern | None = None
    # Decisions are the committee's, by its code (imports.common.read_decisions),
    # not by `decision`: "The OPSG NOTED that:" and the points after it, "The
    # OPSG: 1. AGREED …; 2. NOTED …", "The OPSG DISCUSSED … and AGREED …" as
    # two; one may begin inside a paragraph ("No comments were made and the
    # OPSG AGREED …"), the words before it the narrative's
    # (imports.item_text.read_decision_line).
    committee_decisions: bool = False
    # Actions raised carry the committee's reference ("ACTION OPSG 25/03: …"),
    # read and checked in the meeting's numbering (imports.common.ActionNumbering),
    # not by `actions` (imports.item_text.read_action_line).
    numbered_actions: bool = False
    # The committee whose minutes these are, by its code ("" for any).
    committee: str = ""
    # Every text is read first by this entry, whichever entry recognises it;
    # that one reads it again where this reading gives no meeting number or
    # date, and the better reading is kept (imports.parse, `layouts_of`).
    read_first: bool = False
    # Its plain and PDF text is read by the 2019 PDF text's own reader
    # (imports.layout_text, the OPSG's), its Markdown by the generic reader.
    pdf_text_reader: bool = False
    # The layout's name in a doubt ("the 2021 layout"): a layout with one is
    # known by its reference (or committee) and numbered items, and a text
    # without them is flagged unknown-layout (imports.unknown_layout) in place
    # of the generic doubts about a missing number and date.
    title: str = ""


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
            r"^(?:dial(?:led)?[- ]in|by phone|phone|telephone|(?:by )?tele ?conference|telecon|"
            r"remote(?:ly)?|online|video|video ?conference|virtual|via \w+|by video)$",
            re.I,
        ),
        "remote",
    ),
    (re.compile(r"^(?:alternate|substitute|deputy)(?:\s+for\s+.+)?$", re.I), "alternate"),
    (
        re.compile(
            r"^(?:part|partial|part attendance|left at .+|arrived at .+|from item .+|"
            r"(?:for )?(?:agenda )?items? .+)$",
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

# A person's title before their name ("Cllr Patel", "Dr Ade"): a decision's
# subject so titled is one person's (`person_subject`), and a line ending
# with one has the name on the next (imports.attendance).
PERSON_TITLE = r"(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd)"

_MARK_LEGEND = re.compile(
    r"^(?P<lead>(?:[=:–-]\s*)?"
    r"(?:(?:denotes|indicates|means|signifies|shows|marks)\s+(?:(?:an?|the)\s+)?"
    r"(?:(?:attendance|attendees?|participation|members?|those|people)\s+)?(?:who\s+)?)?"
    r"(?:(?:attended|attending|joined|joining|participated|participating|present)\s+)?)"
    r"(?P<mark>\S.*?)(?:\s+(?:attendance|participation))?\.?$",
    re.I,
)

_VERB_WORDS = _words(*Decision.Verb.values, "RESOLVED", "DECIDED", "RESOLUTION")
_DECISION = re.compile(
    rf"^(?:(?P<resolution>RES(?:OLUTION)?[-\s]?[\w/-]*\d[\w/-]*)\s*[:–-]\s*"
    rf"|(?P<subject>(?:The|the)\s+(?:[A-Z][\w&'-]*\s+){{0,5}}"
    # "Members NOTED …", "Trustees AGREED …": capitalised words, no "The"
    rf"|(?!(?:It|ACTION|Action|{_VERB_WORDS})\b)(?:[A-Z][\w&'-]*\s+){{1,3}})?"
    r"(?:It\s+was\s+)?"  # "It was AGREED that …"
    # "The Trustees also AGREED …", "The Panel further NOTED …"
    r"(?:(?<=\s)(?:also|further|then|unanimously)\s+)?"
    rf"(?P<verb>{_VERB_WORDS})\b[\s:–-]*)"
    r"(?P<text>.*)$",
    re.S,
)

_ACTIONS = (
    # "ACTION 212/01: …", "ACTION: …", "Action: …", "* ACTION: bogdan to …",
    # "ACTION 12/05 (Treasurer): …", the owner in brackets
    re.compile(
        r"^(?:ACTION|Action)\s*(?P<label>[A-Z]{0,6}\s?\d{1,4}/\d{1,3})?"
        r"\s*(?:\((?P<owner>[^()]{1,60})\))?\s*:\s*(?P<text>.+)$",
        re.S,
    ),
    # "Action 123: …", "Action no. 7 – …", "Action 123 (Clerk): …"
    re.compile(
        r"^(?:ACTION|Action)\s+(?:no\.?\s*)?(?P<label>\d{1,4})"
        r"\s*(?:\((?P<owner>[^()]{1,60})\))?\s*[:–-]\s*(?P<text>.+)$",
        re.S,
    ),
    # "ACTION – JD: …", "ACTION - JD to …": initials first
    re.compile(r"^ACTION\s*[–-]\s*(?P<owner>[A-Z]{2,4})\b[\s:]*(?P<text>.+)$", re.S),
)


def _header(*words: str) -> re.Pattern:
    """A column whose header is one of `words`."""
    return re.compile("^(?:" + "|".join(map(re.escape, words)) + ")$")


_COLUMNS = {
    "reference": _header(
        "ref", "reference", "action id", "id", "no", "no.", "number", "action no", "#"
    ),
    "text": _header("action", "description", "action description", "task", "item"),
    "owner": _header("owner", "owners", "assigned to", "who", "lead", "responsible", "by whom"),
    "last": _header("due", "due date", "target", "target date", "deadline", "by when", "date due"),
    "status": _header("status", "state", "rag"),
    "update": _header(
        "update", "updates", "notes", "comment", "comments", "progress", "latest update"
    ),
    "raised": _header("raised", "date raised", "opened", "meeting raised"),
}

_ATTENDANCE_COLUMNS = {
    NAME: ("name", "names", "member", "members", "attendee", "attendees", "person"),
    BODY: (
        "organisation",
        "organization",
        "representing",
        "company",
        "body",
        "org",
        "on behalf of",
    ),
    ROLE: ("role", "position", "capacity", "title"),
    MARK: ("attendance", "attended", "mode", "notes", "note", "how", "joined"),
}
_PRESENT = frozenset({"present", "yes", "y", "✓", "✔", "x", "attended", "in person", "in the room"})
_ABSENT = frozenset({"apologies", "apology", "absent", "sent apologies", "regrets", "no", "n"})

_STATUS_WORDS = {
    **dict.fromkeys(("open", "ongoing", "in progress", "overdue"), "open"),
    **dict.fromkeys(
        ("closed", "done", "complete", "completed", "cancelled", "withdrawn"), "closed"
    ),
}

_DATE_LABEL = re.compile(r"^(?:Date|Meeting date|Held on)\s*:?\s*(?P<date>.+)$", re.I)
_TIME_RANGE = re.compile(
    r"(?P<start>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)\s*(?:–|-|to|until)\s*"
    r"(?P<end>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)",
    re.I,
)
# "Time: 18:30", a start alone
_TIME_LABEL = re.compile(r"\bTime\s*:\s*(?P<start>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)", re.I)
_AT_TIME = re.compile(r"\bat\s+(?P<start>\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)", re.I)
# "Location: Harbour Office", "Date: 3 June 2026 | Venue: Town Hall"
_PLACE = re.compile(r"(?:^|[|;]\s*)(?:Location|Venue|Place|Where)\s*:\s*(?P<place>[^|;]+)", re.I)
# "… held on 3 June 2026 at 18:30 in the Reading Room", "held at Harbour
# Office, 3 Quay Street on 3 June": a name after "in" or "at", not a time.
_PLACE_IN_WORDS = re.compile(
    r"\b[Hh]eld\b[^|;]*?\b(?:in|at)\s+(?!\d)(?P<place>(?:the\s+)?[A-Z][^|;.()]*?)"
    r"(?=\s+(?:on|at|from|starting|commencing)\b|\s*[|;.(]|\s*$)"
)
_CODE = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# "Meeting 212", "Panel Meeting No. 87", "the 212th meeting"; never a date
# ("Committee 14 May 2024", "12th March 2024 meeting") nor a year ("meeting 2024").
_NUMBER = re.compile(
    r"\b(?:meeting|panel|board|committee|group)\s+(?:no\.?\s*|number\s+|#\s*)?"
    rf"(?P<n>(?!(?:19|20)\d\d\b)\d{{1,4}})\b(?!\s*{_MONTH}|[/.-]\d)"
    rf"|\b(?P<nth>\d{{1,4}})(?:st|nd|rd|th)\s+(?!{_MONTH})(?:\w+\s+){{0,3}}meeting\b",
    re.I,
)
_FINAL = re.compile(r"\b(?:final|approved|confirmed) minutes\b", re.I)
# "Owner: Ben Cole", "Owners – Clerk, Treasurer", "Action owner: JD", after an
# action's words or on the line under them, the label capitalised; the names
# end at the words' end, a semicolon, a bracket, a sentence after them, or the
# action's target ("Owner: Clerk, due 1 April 2026"); "A. Byrne" is one name.
# An entry that reads no such label (`owner_label` None) flags one all the same
# (imports.item_text `flag_owner_label`).
OWNER_LABEL = re.compile(
    r"(?:^|(?<=\s))(?:(?:Action|ACTION)\s+[Oo]wners?|Owners?|OWNERS?|Lead|Responsible|Assigned\s+to)"
    r"\s*[:–]\s*(?P<owners>[^;|()]+?)\s*"
    r"(?=[;|(]|\.?\s*$|(?<!\b[A-Z])\.\s+[A-Z]|,?\s+(?i:due|target|by)\b)"
)
# "Date of next meeting: 14 July 2026", "Next meeting – Tuesday 14 July 2026":
# a line of its own (the kind, the date), not "deferred to the next meeting".
_NEXT_MEETING = re.compile(
    r"^(?:(?:the\s+)?date\s+of\s+(?:the\s+)?)?next\s+(?:(main|reporting|extraordinary)\s+)?"
    r"meeting\s*(?::|–|-|\bis\b|\bwill\s+be\b)\s*(?:on\s+)?([^;]+)",
    re.I,
)

GENERIC = Layout(
    name="generic",
    recognise=None,
    sections=_SECTIONS,
    marks=_MARKS,
    mark_legend=_MARK_LEGEND,
    decision=_DECISION,
    verb_as={"RESOLVED": "AGREED", "DECIDED": "AGREED", "RESOLUTION": "AGREED"},
    actions=_ACTIONS,
    person_subject=re.compile(rf"^{PERSON_TITLE}\s"),
    action_target=re.compile(
        r"\b(?:due|target|by)\b\s*:?\s*(?P<date>" + ANY_DATE.pattern + ")", re.I
    ),
    owner_nickname=re.compile(r"^([a-z][\w.|-]{1,30})\s+to\s"),
    owner_label=OWNER_LABEL,
    minute_number=re.compile(r"^[A-Z]{0,3}\d{1,4}/\d{1,4}\s"),
    category_line=re.compile(r"^(?:\S+\s+){0,5}\S*:$"),
    category_headings=True,
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
    outstanding_columns=_COLUMNS,
    review_key_columns=("reference", "owner"),
    review_reference=re.compile(
        r"^(?:(?P<code>[A-Z]{2,10})\s+)?(?P<meeting>\d{1,4})/(?P<sequence>\d{1,3})$"
    ),
    unreferenced_reviews=True,
    review_owner_split=re.compile(r"\s*(?:,|/|&|\band\b)\s*"),
    review_dates_in_words=True,
    status_words=_STATUS_WORDS,
    review_line=re.compile(
        r"^(?P<ref>(?:[A-Z]{1,6}[-\s]?)?\d{1,4}(?:[-/]\d{1,4})*)\s*"
        r"(?:\((?P<owner>[^)]+)\))?\s*[:–-]?\s*(?P<text>.+)$",
        re.S,
    ),
    attendance_columns=_ATTENDANCE_COLUMNS,
    present_marks=_PRESENT,
    absent_marks=_ABSENT,
    date_patterns=(_DATE_LABEL,),
    start_patterns=(_TIME_RANGE, _TIME_LABEL, _AT_TIME),
    end_patterns=(_TIME_RANGE,),
    place_label=_PLACE,
    place_in_words=_PLACE_IN_WORDS,
    code_in_title=_CODE,
    number_in_title=_NUMBER,
    final_words=_FINAL,
    title_words=re.compile(r"\b(?:meeting|minutes)\b", re.I),
    next_meeting=_NEXT_MEETING,
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
    bullet_notes=re.compile(r"^[A-Z]{3,}\s*:"),
    trailer=re.compile(r"\s*\(\s*[\w.|-]+,\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)\s*$"),
    not_people=frozenset({"meetbot", "zodbot", "collabot", "openstack", "bot"}),
    bot_name=re.compile(r"^[\w.|-]*bot$", re.I),
    count_after_name=True,
    date_patterns=(re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})"),),
    date_further_down=True,
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

# The OPSG's own minutes (the 2021 Markdown read by the generic reader with
# this entry; the 2019 text by imports.layout_text): a bracket that is no mark is the person's role
# ("Meeting Secretary"); the category is in its own column or line. The
# Actions Outstanding table: "Action ID | Action | Date Raised | Last Target
# Date | Revised Target Date | Owner", each action's update and "Status:
# Closed" on the row underneath. The 2021 Markdown is read as written: the
# title block "24 May 2021, OPSG_49_2405", "Final Minutes", "This document
# is classified as White. …"; "Attendees:" over captioned tables; decisions
# of "the OPSG"; "ACTION OPSG 49/01:" lines; "[Post meeting note: …]".
OPSG = replace(
    GENERIC,
    name="opsg",
    other_bracket="role",
    committee_names={
        "operations group": "OPSG",
        "technical architecture and business architecture sub-committee": "TABASC",
    },
    outstanding_columns={
        "reference": re.compile(r"\bid\b|reference|ref\b"),
        "raised": re.compile(r"raised"),
        "last": re.compile(r"last|^target"),
        "revised": re.compile(r"revised|new target"),
        "owner": re.compile(r"owner"),
        "status": re.compile(r"status"),
        "update": re.compile(r"update"),
        "text": re.compile(r"^action"),
    },
    review_key_columns=("reference",),
    review_reference=re.compile(
        r"^(?P<code>[A-Z][A-Za-z]{1,9})\s*(?P<meeting>\d{1,4})\s*/\s*"
        r"(?P<conf>CONF\s*)?(?P<sequence>\d{1,4})$"
    ),
    unreferenced_reviews=False,
    review_owner_split=None,
    review_dates_in_words=False,
    roll_captions=(
        (re.compile("apolog"), APOLOGY),
        (re.compile("participant"), PARTICIPANT),
        (re.compile("member"), MEMBER),
    ),
    roll_name_column=re.compile(r"member|participant|name|attendee"),
    category_carries_down=True,
    empty_header_continues=True,
    update_rows=True,
    review_status=re.compile(r"(?:Action\s+)?Status\s*:\s*", re.IGNORECASE),
    reference=re.compile(r"\b([A-Z][A-Za-z]{1,9})_(\d{1,3})_(\d{4})\b"),
    classification=re.compile(
        r"classifi(?:ed as|cation of)\s+\**\s*([A-Za-z]+)\s*\**\.?\s*(.*)$", re.IGNORECASE
    ),
    minutes_state=re.compile(r"\b(Draft|Final)\s+Minutes\b", re.IGNORECASE),
    meeting_kinds=(
        ("extraordinary", "extraordinary"),
        ("reporting", "reporting"),
        ("confidential", "confidential"),
    ),
    next_meeting=re.compile(
        r"Next\s+(?:(main|reporting|extraordinary)\s+)?meeting\s*:?\s*([^;]+)", re.IGNORECASE
    ),
    committee="OPSG",
    title="the 2021 layout",
    text_as_written=True,
    whole_blocks=True,
    join_page_breaks=True,
    review_tables_in_items=True,
    recap=RECAP,
    minute_number=None,
    items_in_order=True,
    names_in_lines=False,
    category_headings=False,
    title_fact_lines=True,
    # Its title block is no labelled one: its facts are read a line each.
    date_patterns=(),
    start_patterns=(),
    end_patterns=(),
    place_label=None,
    code_in_title=None,
    number_in_title=None,
    final_words=None,
    roll_label=re.compile(r"^(attendees|attendance|present|in attendance)\s*:?$", re.IGNORECASE),
    roll_caption_line=re.compile(
        r"^(?:(?:Category|Representing|Name)\b(?P<rest>.*)|(?P<caption>Members|Other\s+participants)\s*:?)$",
        re.IGNORECASE,
    ),
    roll_groups=tuple(
        sorted(
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
    ),
    group_nouns=frozenset(
        {
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
    ),
    apologies_label=re.compile(r"^apologies(\s+received)?\s*:?$", re.IGNORECASE),
    post_meeting_note=re.compile(
        r"\[\s*post[\s-]meeting\s+note\s*:?\s*(.*?)\]", re.IGNORECASE | re.DOTALL
    ),
    committee_decisions=True,
    numbered_actions=True,
    # Its actions name their owners as their words' subject ("SECAS to …",
    # "The DCC to …"), and this app's own minutes print "Owner: DCC; target:
    # …" in the action's paragraph (imports.common.read_action): neither
    # minutes it holds writes an "Owner: …" line under an action, so such a
    # line is not read as its owners but flagged (imports.item_text
    # `flag_owner_label`).
    owner_label=None,
    read_first=True,
    pdf_text_reader=True,
)

# The registry, in the order its entries are tried (`layouts_of`).
LAYOUTS = (OPSG, MEETING_BOT, ASSOCIATION, GENERIC)


def layouts_of(text: str, registry: tuple[Layout, ...] = LAYOUTS) -> tuple[Layout, ...]:
    """The entries a text is read by, in turn (imports.parse): those read
    first (`read_first`: the OPSG's), then the one that recognises it
    (`layout_of`), which reads it again where the readings before give no
    meeting number or date."""
    first = tuple(layout for layout in registry if layout.read_first)
    return (*first, layout_of(text, registry))


def layout_of(text: str, registry: tuple[Layout, ...] = LAYOUTS) -> Layout:
    """The entry that recognises a text: the first of the registry's, but
    those read first (`read_first`), whose pattern it matches; else GENERIC."""
    for layout in registry:
        if layout.read_first:
            continue
        if layout.recognise is None or layout.recognise.search(text):
            return layout
    return GENERIC


_COUNT = re.compile(r"^\d{1,5}$")
_PART_ITEMS = re.compile(r"^(?:for\s+)?(?:agenda\s+)?items?\s+(?P<items>.+)$", re.I)
_BARE_PART = {"part", "partial", "part attendance"}
_STOOD_FOR = re.compile(r"\s+for\s+", re.I)


def read_mark(person: ParsedPerson, mark: str, layout: Layout) -> None:
    """One bracket after a person's name, read by the layout's marks: every
    reader of attendance reads marks here, the one way. "(alternate for
    Marta Kaminska)", "(Teleconference)", "(agenda item 6 & 7)", "(Part)";
    any other bracket is the person's body or role, as the layout says;
    nothing in a bracket is dropped."""
    inner = " ".join(mark.split()).strip(" .")
    if not inner or (layout.count_after_name and _COUNT.match(inner)):
        return
    kind = next((kind for pattern, kind in layout.marks if pattern.match(inner)), None)
    kind = kind or layout.other_bracket
    if kind == "remote":
        person.remote = True
    elif kind == "alternate":
        person.alternate = True
        parts = _STOOD_FOR.split(inner, maxsplit=1)
        person.alternate_for = parts[1].strip() if len(parts) > 1 else person.alternate_for
    elif kind == "part":
        person.part = True
        if match := _PART_ITEMS.match(inner):
            person.items = match["items"]
        elif inner.lower() not in _BARE_PART:
            person.items = inner
    elif kind == "group" and not person.group:
        person.group = inner
    else:
        person.role = "; ".join(role for role in (person.role, inner) if role)


_PLURAL = re.compile(r"(?P<stem>Part)ies$|(?P<noun>Supplier|Operator|Provider|Representative)s$")


def category_name(group: str) -> str:
    """A member category in the one spelling the record keeps, whichever
    way a table prints it: "Large Suppliers" and "Network Parties" are the
    categories "Large Supplier" and "Network Party"."""
    group = " ".join(group.split())
    return _PLURAL.sub(lambda m: f"{m['stem']}y" if m["stem"] else m["noun"], group)
