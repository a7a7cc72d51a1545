"""What a correction changed: two versions of the minutes, each a stored
minutes document (selectors.minutes_document's shape), compared section by
section: the meeting's particulars, attendance, each agenda item, the
actions raised, the Actions Outstanding table and the next meetings.

Each section is written out as lines of plain text and compared with
difflib, so a change reads as lines taken out and lines put in, in the
order of the minutes. Both versions are read as the same reader may read
them (selectors.stored_document), so nothing withheld from the reader
shows through as a change."""

import difflib
import re
from dataclasses import dataclass, field

from declarations.models import declared_by

# Lines kept around a change, so it can be placed.
CONTEXT = 1


@dataclass(frozen=True)
class Line:
    op: str  # "=" unchanged, "-" taken out, "+" put in, "…" unchanged lines skipped
    text: str
    # A line changed in place (taken out and put in as a pair): its words,
    # each with whether it is what changed, so the page can mark them.
    words: tuple[tuple[str, bool], ...] = ()


WORD = re.compile(r"(\s+)")


def _pair(old: str, new: str) -> tuple[Line, Line]:
    """A line changed in place, its changed words marked on both sides."""
    a, b = WORD.split(old), WORD.split(new)
    out: list[tuple[str, bool]] = []
    put: list[tuple[str, bool]] = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        out.append(("".join(a[a0:a1]), tag != "equal"))
        put.append(("".join(b[b0:b1]), tag != "equal"))
    return Line("-", old, _spoken(out)), Line("+", new, _spoken(put))


def _spoken(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    return tuple(part for part in parts if part[0])


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(line.op in "-+" for line in self.lines)


def _person(entry: dict) -> str:
    where = entry.get("category") or entry.get("represents") or ""
    marks = []
    if entry.get("alternate_for"):
        marks.append(f"alternate for {entry['alternate_for']}")
    elif entry.get("alternate"):
        marks.append("alternate")
    for key in ("part", "remote", "role"):
        if entry.get(key):
            marks.append(key if entry[key] is True else f"{key}: {entry[key]}")
    if entry.get("items"):
        marks.append(f"items {entry['items']}")
    suffix = f" ({'; '.join(marks)})" if marks else ""
    return (
        f"{where} – {entry.get('name', '')}{suffix}"
        if where
        else f"{entry.get('name', '')}{suffix}"
    )


def _particulars(doc: dict) -> list[str]:
    classification = doc.get("classification") or {}
    times = " – ".join(t for t in (doc.get("start"), doc.get("end")) if t)
    return [
        f"Date: {doc.get('date') or ''}{', ' + times if times else ''}",
        f"Place: {'Teleconference; ' if doc.get('teleconference') else ''}"
        f"{doc.get('location') or ''}",
        f"Classification: {classification.get('label', '')}",
    ]


def _attendance(doc: dict) -> list[str]:
    attendance = doc.get("attendance") or {}
    return [
        f"{heading}: {_person(entry)}"
        for key, heading in (
            ("members", "Member"),
            ("participants", "Other participant"),
            ("apologies", "Apology"),
        )
        for entry in attendance.get(key, [])
    ]


def _item(item: dict, committee: str) -> list[str]:
    if item.get("withheld"):
        return ["Taken in confidence."]
    lines = [f"Title: {item.get('title', '')}"]
    if item.get("confidential"):
        lines.append("Taken in confidence.")
    for d in item.get("declarations", []):
        who = declared_by(d["name"], d["organisation"])
        lines.append(f"Declaration of interest: {who}: {d['interest']}")
    lines += [line for line in (item.get("narrative") or "").splitlines() if line.strip()]
    for decision in item.get("decisions", []):
        lines.append(f"The {committee} {decision['verb']} {decision['text']}")
        lines += [f"  {n}. {point}" for n, point in enumerate(decision.get("points", []), 1)]
    if item.get("post_meeting_note"):
        lines.append(f"Post-meeting note: {item['post_meeting_note']}")
    lines += [f"ACTION {reference}" for reference in item.get("actions", [])]
    return lines


def _raised(doc: dict) -> list[str]:
    return [
        f"{a['reference']}: {a['text']} – {'/'.join(a.get('owners', []))} – target "
        f"{a.get('target_date') or a.get('target_note') or 'none'}"
        for a in doc.get("actions_raised", [])
    ]


def _reviewed(review: dict) -> list[str]:
    lines = [
        f"Last target {review.get('last_target') or 'N/A'}, "
        f"revised target {review.get('revised_target') or 'N/A'}, "
        f"status {review.get('status', '')}, owners {'/'.join(review.get('owners', []))}"
    ]
    return lines + [line for line in (review.get("update") or "").splitlines() if line.strip()]


def _sections(doc: dict) -> dict[str, tuple[str, list[str]]]:
    """Each section's key (an item's is its number), heading and lines."""
    committee = doc.get("committee", "")
    sections = {
        "meeting": ("The meeting", _particulars(doc)),
        "attendance": ("Attendance", _attendance(doc)),
    }
    for item in doc.get("items", []):
        title = "" if item.get("withheld") else f" {item.get('title', '')}"
        sections[f"item {item['number']}"] = (
            f"Item {item['number']}.{title}",
            _item(item, committee),
        )
    sections["raised"] = ("Actions raised", _raised(doc))
    for review in doc.get("actions_reviewed", []):
        reference = review["reference"]
        sections[f"review {reference}"] = (
            f"Actions outstanding: {reference}",
            _reviewed(review),
        )
    sections["next"] = (
        "Next meetings",
        [f"{n['kind']}: {n['date']}" for n in doc.get("next_meetings", [])],
    )
    return sections


def _compare(before: list[str], after: list[str]) -> list[Line]:
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if lines or group[0][1] > 0:
            lines.append(Line("…", ""))
        for tag, a0, a1, b0, b1 in group:
            if tag == "equal":
                lines += [Line("=", text) for text in before[a0:a1]]
                continue
            if a1 - a0 == b1 - b0:
                pairs = [
                    _pair(old, new) for old, new in zip(before[a0:a1], after[b0:b1], strict=True)
                ]
                lines += [line for pair in pairs for line in pair]
                continue
            lines += [Line("-", text) for text in before[a0:a1]]
            lines += [Line("+", text) for text in after[b0:b1]]
    return lines


def compare(before: dict, after: dict) -> list[Section]:
    """The sections of the minutes that differ between two documents, in the
    order of the later one (an item only the earlier had comes last)."""
    old, new = _sections(before), _sections(after)
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        title, old_lines = old.get(key, ("", []))
        title, new_lines = new.get(key, (title, []))
        section = Section(title, _compare(old_lines, new_lines))
        if section.changed:
            changes.append(section)
    return changes
