"""An item's text: its narrative, its decisions and its actions raised, by
the entry's data in the layout registry (imports.layouts), for both kinds
of entry.

An entry whose Markdown is read as written (`text_as_written`,
`committee`, `post_meeting_note`, `next_meeting`), from the blocks
markdown-it-py cuts at blank lines (imports.blocks.markdown_source_blocks;
`read_item`):

- the narrative keeps the Markdown as written (links, bold), a paragraph
  cut by a page break ("The DCC noted" / "that it will …") joined again;
- "ACTION OPSG 49/01: …" lines are actions raised, numbered and checked
  by imports.common.ActionNumbering (`read_action_line`, the entry's
  `numbered_actions`); an ACTION line without a reference is flagged and
  kept in the narrative;
- decisions are the committee's ("The OPSG **AGREED** that …", also "The
  OPSG NOTED that:" followed by its list of points; `read_decision_line`,
  the entry's `committee_decisions`), the words before one that begins
  inside a paragraph kept in the narrative;
- "[Post meeting note: …]" is the item's post-meeting note; the next
  meetings' line is read by imports.title_block and left out here;
- a table is the outstanding actions' (imports.outstanding_table), or else
  kept in the narrative; the recap "Actions raised at this meeting" with
  its table is passed over.

Any other entry, a block at a time as its reader (imports.layout_generic)
meets them (the blocks of imports.blocks.markdown_blocks or text_blocks;
`read_item_block`): a block's lines joined into sentences, a new one at
each decision or action line (`segments`); decisions by the entry's
`decision` and `verb_as` ("The Panel AGREED …", "RESOLVED that …" recorded
as AGREED and flagged once, "RES-2026-07: …"; a subject other than the
committee's code, "The Panel", flagged once, as the minutes print the
code); actions by its `actions`
("ACTION 212/01: …", "Action 7: …", "ACTION – JD: …", "ACTION: bogdan to
…"), a printed reference of the form 14/03 kept, any other numbered under
the meeting's own numbering (ActionNumbering.ours), an owner not picked
out flagged; a line opening with a minute number inside a minute-numbered
item flagged as a missed heading; the rest the narrative, a list item
with its mark, a heading in bold, a table as pipe rows."""

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from imports.blocks import HEADING, ITEM, TABLE, Block, SourceLine, cells_as_written, plain
from imports.common import (
    RECAP,
    ActionNumbering,
    first_date,
    is_action_line,
    owners_in,
    read_decisions,
    split_decision,
)
from imports.layouts import Layout
from imports.outstanding_table import OutstandingTables, read_review_table, review_reference
from imports.parsed import Flag, ParsedAction, ParsedDecision, ParsedItem, ParsedMinutes

LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|\(?[a-z]\))\s+\S")
ACTION_LINE = re.compile(r"^\W*ACTION\b")
WORDS = re.compile(r"[^\W\d_]")
SENTENCE_END = (".", ":", ";", "!", "?", ")", "]", '"', "'", "’", "”", "|")


def joined(block: Block) -> str:
    """The block as written."""
    return "\n".join(text for _, text in block.lines)


@dataclass
class ItemContext:
    """What reading an item needs from the rest of the document."""

    minutes: ParsedMinutes
    layout: Layout
    actions: ActionNumbering
    outstanding: OutstandingTables
    # The verbs recorded as another already flagged (`verb_as`): once a document.
    mapped_verbs: set[str] = field(default_factory=set)
    # The decisions' subjects ("The Panel") already flagged: once a document.
    named_subjects: set[str] = field(default_factory=set)


def read_item(item: ParsedItem, blocks: list[Block], context: ItemContext) -> list[SourceLine]:
    """Fill the item from its blocks; return the lines it could not place
    (they are in its narrative as well)."""
    narrative: list[tuple[str, str]] = []  # (kind, Markdown) a paragraph each
    unplaced: list[SourceLine] = []
    todo = deque(blocks)
    context.outstanding.columns = None
    while todo:
        block = todo.popleft()
        text = joined(block)
        if RECAP.match(block.text):
            # This app's own minutes close with the actions raised above,
            # again, in a table: passed over, as the text layout does.
            if todo and todo[0].kind == TABLE:
                todo.popleft()
            continue
        if block.kind == TABLE:
            header, rows = cells_as_written(block)
            if not read_review_table(header, rows, block.line, context.outstanding, unplaced):
                narrative.append(("table", text))
            continue
        context.outstanding.columns = None
        narrative.append(read_paragraph(block, todo, item, context))
    item.narrative = narrative_markdown(narrative)
    for _, text in unplaced:
        item.narrative = "\n\n".join(filter(None, [item.narrative, text]))
    return unplaced


def read_paragraph(
    block: Block, todo: deque[Block], item: ParsedItem, context: ItemContext
) -> tuple[str, str]:
    """An ACTION, the next meetings, a post-meeting note, a decision, or
    narrative: (which one, the Markdown left for the narrative)."""
    text = joined(block)
    line = block.line
    if match := context.layout.post_meeting_note.search(text):
        note = match.group(1).strip()
        item.post_meeting_note = "\n\n".join(filter(None, [item.post_meeting_note, note]))
        text = (text[: match.start()] + text[match.end() :]).strip()
        if not text:
            return "note", ""
    if ACTION_LINE.match(text):
        if is_action_line(text):
            read_action_block(text, line, item, context)
            return "action", ""
        flag_unread_action(text, line, item, context)
        return "text", text
    if context.layout.next_meeting.match(plain(text)):
        return "next-meeting", ""
    before: list[str] = []  # the words before a decision inside the paragraph
    if read_decision_block(text, line, todo, item, context, before.append):
        return ("text", before[0]) if before else ("decision", "")
    return "text", text


def flag_unread_action(text: str, line: int, item: ParsedItem, context: ItemContext) -> bool:
    """Flag a line that opens with ACTION but names no reference of the
    committee's (an entry whose actions are `numbered_actions`), which the
    reader keeps in the narrative; True when flagged."""
    if not ACTION_LINE.match(text) or is_action_line(text):
        return False
    context.minutes.flags.append(
        Flag(
            line,
            "unread-action",
            f"Line {line} starts with ACTION but names no reference such as "
            f"{context.minutes.committee or context.layout.committee} 25/03: kept in the narrative of item "
            f"{item.number}, no action created.",
        )
    )
    return True


def read_action_block(text: str, line: int, item: ParsedItem, context: ItemContext) -> None:
    read_action_line(" ".join(text.replace("**", "").split()), line, item, context)


def read_decision_block(
    text: str,
    line: int,
    todo: deque[Block],
    item: ParsedItem,
    context: ItemContext,
    narrate_before: Callable[[str], None] | None = None,
) -> bool:
    """'The OPSG **AGREED** that …', or 'The OPSG:' / 'The OPSG NOTED that:'
    followed by its list of points in the next block (read_decision_line).
    The verbs are read from the text as written: a bold verb is the
    committee's decision."""
    with_list = text.rstrip().endswith(":") and todo and is_list(todo[0])
    points = [joined(todo[0])] if with_list else []
    if not read_decision_line(text, line, item, context, points, narrate_before):
        return False
    if with_list:
        todo.popleft()
    return True


def is_list(block: Block) -> bool:
    return all(LIST_LINE.match(text) or text.startswith("  ") for _, text in block.lines)


def narrative_markdown(paragraphs: list[tuple[str, str]]) -> str:
    """Paragraphs as Markdown, a blank line apart; a paragraph cut by a page
    break ('The DCC noted' / 'that it will …') is joined again."""
    out: list[str] = []
    previous = ""
    for kind, text in paragraphs:
        if out and kind == previous == "text" and cut_by_page_break(out[-1], text):
            out[-1] = f"{out[-1]} {text.lstrip()}"
        elif text:
            out.append(text)
        previous = kind
    return "\n\n".join(out)


def cut_by_page_break(before: str, after: str) -> bool:
    last = before.rstrip()
    if not last or last.endswith(SENTENCE_END) or LIST_LINE.match(last.split("\n")[-1]):
        return False
    return after.lstrip()[:1].islower()


# --- another committee's item, by its entry's patterns ----------------------


def read_item_block(block: Block, item: ParsedItem, context: ItemContext) -> None:
    """One block of an item of an entry not read as written (a block of
    imports.blocks.markdown_blocks or text_blocks): its decision and action
    lines, by the entry's patterns (`decision`, `actions`), the rest its
    narrative, a list item with its mark, a heading in bold, a table as
    pipe rows."""
    if block.kind == TABLE:
        narrate(item, "\n".join("| " + " | ".join(row) + " |" for row in block.rows))
        return
    if block.kind == HEADING:
        narrate(item, f"**{block.text}**")
        return
    for line, segment in segments(block, context.layout):
        if read_action_line(segment, line, item, context):
            continue
        if read_decision_line(segment, line, item, context):
            continue
        flag_missed_minute(segment, line, item, context)
        if block.kind == ITEM:
            mark = f"{block.number}." if block.number else "-"
            narrate(item, f"{'  ' * block.level}{mark} {segment}", tight=True)
        else:
            narrate(item, segment)


def segments(block: Block, layout: Layout) -> list[tuple[int, str]]:
    """The block's lines joined into sentences, a new one at each decision
    or action line, each with its line."""
    found: list[tuple[int, list[str]]] = []
    for offset, line in enumerate(block.text.split("\n")):
        line = line.strip()
        if layout.trailer is not None:
            line = layout.trailer.sub("", line)
        if not line:
            continue
        if not found or opens_line(line, layout):
            found.append((block.line + offset, [line]))
        else:
            found[-1][1].append(line)
    return [(line, " ".join(words)) for line, words in found]


def opens_line(line: str, layout: Layout) -> bool:
    """A decision or an action line of the entry's."""
    if any(pattern.match(line) for pattern in layout.actions):
        return True
    match = layout.decision.match(line)
    return bool(match and (match["verb"] or match["resolution"]))


def flag_missed_minute(text: str, line: int, item: ParsedItem, context: ItemContext) -> None:
    """Text that opens with a minute number (the entry's `minute_number`),
    where the items are minute-numbered, is a heading that was not read as one."""
    minute, minutes = context.layout.minute_number, context.minutes
    if minute and minute.match(text) and minute.match(item.title):
        message = (
            f"Line {text[:60]!r} opens with a minute number but was not read as a heading "
            f"(it runs on, or names a date): it was read into item {item.number}."
        )
        minutes.flags.append(Flag(line, "missed-heading", message))


def narrate(item: ParsedItem, text: str, tight: bool = False) -> None:
    """A paragraph added to the item's narrative; a list's next point
    (`tight`) on the line under the one before."""
    joiner = "\n" if tight and _last_is_list(item) else "\n\n"
    item.narrative = f"{item.narrative}{joiner}{text}" if item.narrative else text.lstrip()


def _last_is_list(item: ParsedItem) -> bool:
    last = item.narrative.rsplit("\n", 1)[-1].lstrip()
    return last.startswith("- ") or bool(re.match(r"\d+\. ", last))


def read_decision_line(
    text: str,
    line: int,
    item: ParsedItem,
    context: ItemContext,
    points: Sequence[str] = (),
    narrate_before: Callable[[str], None] | None = None,
) -> bool:
    """A decision by the entry's pattern (`decision`): "The Panel AGREED
    …", "RESOLVED that …", "RES-2026-07: …"; a verb the record does not
    have is recorded as the one `verb_as` names, flagged once a document.
    An entry whose decisions are the committee's (`committee_decisions`)
    reads them as imports.common.read_decisions does, with `points`, the
    list items printed after the line, when the line ends with a colon
    ("The OPSG NOTED that:"), and the words before a decision that begins
    inside the line narrated (by `narrate_before`, where the reader keeps
    the line's own mark, else as a paragraph)."""
    if context.layout.committee_decisions:
        narrated = narrate_before or (lambda words: narrate(item, words))
        return _read_committee_decisions(text, line, item, context, points, narrated)
    match = context.layout.decision.match(text)
    if not match or not (match["verb"] or match["resolution"]):
        return False
    if match["resolution"]:
        verb, words = "AGREED", f"{match['resolution']}: {match['text'].strip()}"
        printed = "RES"
    else:
        printed = match["verb"]
        verb = context.layout.verb_as.get(printed, printed)
        words = match["text"].strip()
    if verb != printed and printed not in context.mapped_verbs:
        context.mapped_verbs.add(printed)
        what = "Resolutions (RES-…) are" if printed == "RES" else f"{printed!r} is"
        message = f"{what} recorded as {verb}, the nearest verb the record has."
        context.minutes.flags.append(Flag(line, "verb-recorded-as", message))
    _flag_subject(match["subject"], verb, line, context)
    item.decisions.append(ParsedDecision(verb=verb, text=words, line=line))
    return True


def _read_committee_decisions(
    text: str,
    line: int,
    item: ParsedItem,
    context: ItemContext,
    points: Sequence[str],
    narrate_before: Callable[[str], None],
) -> bool:
    committee = context.minutes.committee
    before, decision = split_decision(text, committee=committee)
    if not decision:
        return False
    if decision.endswith(":") and points:
        decision = "\n".join([decision, *points])
    decisions = read_decisions(decision, line, committee=committee)
    if not decisions:
        return False
    if WORDS.search(before):  # not a list's mark alone ("1. The OPSG AGREED …")
        narrate_before(before)
    item.decisions.extend(decisions)
    return True


def _flag_subject(subject: str | None, verb: str, line: int, context: ItemContext) -> None:
    """A decision whose words name someone other than the committee by its
    code ("The Panel AGREED", "The Trustees NOTED"): the record keeps the
    verb and the words after it, and the minutes print "The <code> AGREED".
    Flagged once a document for each subject, so the change is never silent."""
    said = " ".join((subject or "").split())
    code = context.minutes.committee
    if not said or said.lower() == f"the {code}".lower() or said in context.named_subjects:
        return
    context.named_subjects.add(said)
    printed = f"The {code}" if code else "The committee's code"
    message = (
        f"Decisions of {said!r} are recorded as the committee's: the minutes print "
        f"'{printed} {verb} …' where the document says '{said} {verb} …'."
    )
    context.minutes.flags.append(Flag(line, "decision-subject", message))


def read_action_line(text: str, line: int, item: ParsedItem, context: ItemContext) -> bool:
    """An action by the entry's patterns (`actions`): "ACTION 212/01: …",
    "Action 7: …", "ACTION – JD: …", "ACTION: bogdan to …". A printed
    reference of the form 14/03 is kept; any other action is numbered under
    this meeting's own numbering, its own label kept in its text. An owner
    that could not be picked out is flagged. An entry whose actions carry
    the committee's reference (`numbered_actions`: "ACTION OPSG 25/03: …")
    reads them in the meeting's numbering, each checked against the one
    before (imports.common.ActionNumbering)."""
    minutes, layout = context.minutes, context.layout
    if layout.numbered_actions:
        if not is_action_line(text):
            return False
        action, flags = context.actions.read(text, line)
        item.actions.append(action)
        minutes.flags.extend(flags)
        return True
    for pattern in layout.actions:
        if match := pattern.match(text):
            break
    else:
        return False
    groups = match.groupdict()
    words = match["text"].strip()
    label = (groups.get("label") or "").strip()
    context.actions.raised += 1
    reference = review_reference(label, layout, minutes.committee) if "/" in label else ""
    if groups.get("owner"):
        owners, guessed = [groups["owner"]], False
    elif layout.owner_nickname and (nickname := layout.owner_nickname.match(words)):
        owners, guessed = [nickname[1]], False  # "bogdan to write …"
    else:
        owners, guessed = owners_in(words, committee=minutes.committee)
    if label and not reference:
        words = f"(Action {label}) {words}"
    if not reference:
        reference = context.actions.ours(context.actions.raised)
    if guessed or not owners:
        message = f"The owner of action {reference} could not be picked out of {words!r}."
        minutes.flags.append(Flag(line, "action-owner", message))
    due = layout.action_target.search(words) if layout.action_target else None
    target = first_date(due["date"]) if due else None
    item.actions.append(
        ParsedAction(reference=reference, owners=owners, text=words, line=line, target_date=target)
    )
    return True


def own_reference(context: ItemContext, line: int, printed: str, text: str) -> tuple[str, str]:
    """An outstanding action without a reference of the form 14/03, for an
    entry whose rows without one are actions all the same
    (`unreferenced_reviews`): under this meeting's own numbering, its own
    reference kept at the start of its text, flagged."""
    numbering = context.actions
    numbering.raised += 1
    reference = numbering.ours(numbering.raised)
    if printed:
        text = f"({printed}) {text}"
        message = (
            f"{printed!r} is not an action reference of the form 14/03: the action is "
            f"recorded as {_as_ours(reference, numbering.raised)}, its own reference kept at "
            "the start of its text."
        )
    else:
        message = (
            "An outstanding action without a reference is recorded as "
            f"{_as_ours(reference, numbering.raised)}."
        )
    context.minutes.flags.append(Flag(line, "action-reference", message))
    return reference, text


def _as_ours(reference: str, sequence: int) -> str:
    """How a reference of this meeting's numbering reads in a doubt, before
    its committee or number is known ("this meeting's action 03")."""
    if "…" in reference:
        return f"this meeting's action {sequence:02d}, once its committee and number are given"
    return reference
