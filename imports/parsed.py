"""What the importer read from a minutes document, before anything is
written: the structure both layouts (PDF text as in the 2019 minutes,
Markdown/Word as in the 2021 ones) parse into, and the doubts (Flag) met on
the way. Every element carries `line`, the 1-based line of the source text it
came from, so the review page and the command can point at it.

Nothing here touches the database; imports.services commits a ParsedMinutes
in one transaction."""

import datetime
from dataclasses import asdict, dataclass, field


@dataclass
class Flag:
    """A doubt, never silently resolved: the line it came from, a short kind
    (renumbered, committee-typo, incident-mismatch, unreadable-date,
    unplaced-line, unknown-layout, …) and a sentence for the secretary."""

    line: int
    kind: str
    message: str


@dataclass
class ParsedPerson:
    """One line of attendance. `section`: "member", "participant" or
    "apology". `group`: the member category ("Large Supplier") or the body
    represented ("SECAS")."""

    name: str
    section: str
    group: str
    line: int
    alternate: bool = False
    alternate_for: str = ""  # "(alternate for Marta Kaminska)"
    remote: bool = False  # "(Teleconference)"
    part: bool = False  # "(Part)"
    items: str = ""  # "(agenda item 6 & 7)" -> "6 & 7"
    role: str = ""  # "(Meeting Secretary)"


@dataclass
class ParsedDecision:
    verb: str  # AGREED, NOTED, ENDORSED, … as Decision.Verb
    text: str
    line: int
    points: list[str] = field(default_factory=list)
    first_point_number: int = 1


@dataclass
class ParsedAction:
    """An `ACTION OPSG 25/03:` line: raised at this meeting."""

    reference: str  # as it should be, e.g. "OPSG 25/11" (see flags for what was printed)
    owners: list[str]  # organisation short names or people, as the text names them
    text: str
    line: int
    target_date: datetime.date | None = None  # None with no note: the next meeting
    target_note: str = ""


@dataclass
class ParsedItem:
    number: str  # "4", "9.1"
    title: str
    line: int
    narrative: str = ""  # Markdown, paragraphs and numbered points kept
    post_meeting_note: str = ""
    confidential: bool = False
    decisions: list[ParsedDecision] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)  # INC numbers named in it


@dataclass
class ParsedReview:
    """A row of the Actions Outstanding table."""

    reference: str
    text: str
    owners: list[str]
    line: int
    raised_on: datetime.date | None = None
    last_target_date: datetime.date | None = None
    last_target_note: str = ""  # words printed instead of a date ("To be determined"); "" for N/A
    revised_target_date: datetime.date | None = None
    revised_target_note: str = ""
    update: str = ""  # Markdown
    status: str = "open"  # "open" or "closed"
    # How a closed action ended, as its update says (imports.common.read_outcome):
    # "" (completed), "superseded" (by `superseded_by`), "transferred" (to the
    # committee `transferred_to`) or "absorbed" into other work.
    outcome: str = ""
    superseded_by: str = ""  # "OPSG 25/01"
    transferred_to: str = ""  # a committee's code, "TABASC"


@dataclass
class ParsedMinutes:
    committee: str  # "OPSG"
    number: int | None
    line: int = 1
    date: datetime.date | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    location: str = ""
    teleconference: bool = False
    reference: str = ""  # "OPSG_25_0110"
    final: bool = False  # "Final Minutes" rather than "Draft Minutes", or a stated approval
    # "Approved at OPSG_26 on 5 November 2019": the approval the document states.
    approved_at_meeting: int | None = None
    approved_on: datetime.date | None = None
    classification_label: str = ""  # "White"
    classification_statement: str = ""
    kind: str = "main"  # Meeting.Kind: main, reporting, extraordinary, confidential
    attendance: list[ParsedPerson] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    reviews: list[ParsedReview] = field(default_factory=list)
    next_meetings: list[tuple[str, datetime.date]] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def flag_groups(self) -> list[tuple[str, list[Flag]]]:
        """The doubts by kind, the kinds in the order first met: a long
        document's hundreds of doubts read as a few kinds, each counted."""
        groups: dict[str, list[Flag]] = {}
        for flag in self.flags:
            groups.setdefault(flag.kind, []).append(flag)
        return list(groups.items())

    def counts(self) -> dict[str, int]:
        """The figures the review page and the command print."""
        by_section = {"member": 0, "participant": 0, "apology": 0}
        for person in self.attendance:
            by_section[person.section] += 1
        main = [i for i in self.items if "." not in i.number]
        return {
            "members": by_section["member"],
            "participants": by_section["participant"],
            "apologies": by_section["apology"],
            "items": len(main),
            "sub_items": len(self.items) - len(main),
            "decisions": sum(len(i.decisions) for i in self.items),
            "actions_raised": sum(len(i.actions) for i in self.items),
            "actions_reviewed": len(self.reviews),
            "closed": sum(r.status == "closed" for r in self.reviews),
            "incidents": len({inc for i in self.items for inc in i.incidents}),
            "flags": len(self.flags),
        }


# --- kept between the worker's reading and the secretary's review -------------

_DATES = {"date", "approved_on", "target_date", "raised_on"}
_DATES |= {"last_target_date", "revised_target_date"}
_TIMES = {"start_time", "end_time"}


def as_json(minutes: ParsedMinutes) -> dict:
    """A reading as JSON (dates and times as ISO strings), for the database."""

    def plain(value):
        if isinstance(value, datetime.date | datetime.time):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return plain(asdict(minutes))


def from_json(data: dict) -> ParsedMinutes:
    """The reading `as_json` kept, as it was read."""

    def typed(record: dict) -> dict:
        out = dict(record)
        for key in _DATES & out.keys():
            out[key] = datetime.date.fromisoformat(out[key]) if out[key] else None
        for key in _TIMES & out.keys():
            out[key] = datetime.time.fromisoformat(out[key]) if out[key] else None
        return out

    fields = typed(data)
    items = []
    for item in fields.pop("items"):
        item = dict(item)
        decisions = [ParsedDecision(**d) for d in item.pop("decisions")]
        actions = [ParsedAction(**typed(a)) for a in item.pop("actions")]
        items.append(ParsedItem(**item, decisions=decisions, actions=actions))
    fields["attendance"] = [ParsedPerson(**p) for p in fields["attendance"]]
    fields["reviews"] = [ParsedReview(**typed(r)) for r in fields["reviews"]]
    fields["flags"] = [Flag(**f) for f in fields["flags"]]
    fields["next_meetings"] = [
        (kind, datetime.date.fromisoformat(day)) for kind, day in fields["next_meetings"]
    ]
    return ParsedMinutes(**fields, items=items)
