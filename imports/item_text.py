"""An item's text: its narrative, its decisions and its actions raised,
read the one way for every entry (`read_block`, a block at a time as the
reader meets them), by the entry's data in the layout registry
(imports.layouts). The generic reader (imports.layout_generic) hands it
each block of an item; where the entry's Markdown is read as written
(`text_as_written`), an item's blocks in turn (`read_item`). A line that
ends with a colon and the list under it are read the one way whichever
way the blocks come (imports.decision_points, `close_lead_in`). How the
text is read is the entry's data, whichever way its blocks come
(`whole_blocks`, `join_page_breaks`, `review_tables_in_items`, `recap`,
`post_meeting_note`, `next_meeting`, `minute_number`: the OPSG entry has
all but the last, the generic entries the last two). The 2019 PDF
text's reader (imports.layout_text) hands it its own tokenizer's blocks,
a block at a time too.

A block is the entry's `recap` ("Actions raised at this meeting") and the
table after it, passed over (`passed_over`); a table (`read_table`), first
tried as the outstanding actions' where the entry has
`review_tables_in_items`; a heading; or its pieces (`pieces`): the block
whole where the entry reads its Markdown's blocks whole (`whole_blocks`:
the OPSG's, Word saved as Markdown, a paragraph a block), else a sentence
at each decision or action line (`segments`). Each piece (`read_piece`) is:

- a post-meeting note, "[Post meeting note: …]" (the entry's
  `post_meeting_note`), kept apart;
- an action: the committee's reference where the entry's actions are
  `numbered_actions` ("ACTION OPSG 49/01: …", numbered and checked by
  imports.common.ActionNumbering; an ACTION line without one flagged and
  kept in the narrative), else by the entry's `actions` ("ACTION 212/01:
  …", "Action 7: …", "ACTION – JD: …", "ACTION: bogdan to …"), a printed
  reference of the form 14/03 kept, any other numbered under the meeting's
  own numbering (ActionNumbering.ours), an owner not picked out flagged;
  its owners stated by the entry's `owner_label` ("Owner: Ben Cole") on
  its line, or on the line under it (`read_owner_line`), are its owners,
  the doubt over owners read from its words held until that line is read
  or not; an entry with none (the OPSG's) flags such a label
  (`flag_owner_label`);
- the next meetings' line (the entry's `next_meeting`: the OPSG's "Next
  main meeting: 1 June 2021; …", a generic entry's "Date of next
  meeting: 14 July 2026" or "Next meeting: …"), read by
  imports.title_block and left out here where every date it states was
  read (`states_next_meetings`), else kept in the narrative;
- a line that ends with a colon, held until the list under it ends
  (imports.decision_points), then read with its points (`close_lead_in`):
  "The OPSG NOTED that:" and its list as one paragraph of the committee's
  where the entry has `committee_decisions`, else "The Group NOTED that:"
  given the points under it that are no decision or action of their own;
  one given no point kept in the narrative and flagged;
- a decision: the committee's where the entry has `committee_decisions`
  ("The OPSG **AGREED** that …", the words before one that begins inside
  a paragraph kept in the narrative), else by the entry's `decision` and
  `verb_as` ("The Panel AGREED …", "Trustees AGREED …" without "The",
  "RESOLVED that …" recorded as AGREED and flagged once, "RES-2026-07:
  …"; a subject other than the committee's code flagged once, as the
  minutes print the code);
- else narrative, a line opening with a minute number (the entry's
  `minute_number`) inside a minute-numbered item flagged as a missed heading.

The narrative is the text as written, for every Markdown entry: a piece's
source lines (links, bold, a list's own marks and line breaks, a heading's
marks, a table's rows as typed), a block a paragraph where the entry reads
`whole_blocks`; a paragraph cut by a page break ("The DCC noted" / "that
it will …") is joined again where the entry has `join_page_breaks`. Plain
and PDF text are not Markdown: their points are written with a Markdown
mark, a heading in bold, a table as pipe rows."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from imports.blocks import HEADING, ITEM, TABLE, Block, SourceLine, cells_as_written
from imports.common import (
    EVERYONE,
    ActionNumbering,
    first_date,
    is_action_line,
    owners_in,
    read_decisions,
    split_decision,
)
from imports.decision_points import (
    LIST_LINE,
    LeadIn,
    decision_text,
    empty_decision,
    is_empty,
    leads_in,
    points_of,
)
from imports.layouts import OWNER_LABEL, Layout
from imports.outstanding_table import OutstandingTables, read_review_table, review_reference
from imports.parsed import Flag, ParsedAction, ParsedDecision, ParsedItem, ParsedMinutes
from imports.title_block import states_next_meetings

ACTION_LINE = re.compile(r"^\W*ACTION\b")
WORDS = re.compile(r"[^\W\d_]")
# A word in capitals between Markdown's bold marks, typed in plain text
# (a PDF printed from Markdown): "The Panel **AGREED** …".
BOLD_CAPITALS = re.compile(r"(\*\*|__)([A-Z]{3,})\1")
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
    # The text is Markdown (else plain or PDF text, whose lines are not).
    markdown: bool = False
    # What the piece read last was ("text", "action", "decision"…): a
    # paragraph cut by a page break (the entry's `join_page_breaks`) is
    # joined only to text.
    narrated: str = ""
    # The block before was the entry's `recap`: a table right after it is passed over.
    in_recap: bool = False
    # A line that ends with a colon ("The Group NOTED that:"), held until the
    # list under it ends (imports.decision_points).
    lead_in: LeadIn | None = None
    # The decision whose points the list's points are, as they are read
    # (`close_lead_in`).
    filling: ParsedDecision | None = None
    # The doubt over the owner of the action read last (`owner_doubt`), held
    # until it is known whether the line under it states its owners
    # (`read_owner_line`), then raised (`raise_owner_doubt`): a flag once
    # raised is never taken back.
    owner_doubt: Flag | None = None

    @property
    def whole_blocks(self) -> bool:
        """The entry reads its Markdown's blocks whole (`whole_blocks`): plain
        and PDF text, whose lines break inside a paragraph, is read a
        sentence at a time all the same."""
        return self.markdown and self.layout.whole_blocks


def read_item(item: ParsedItem, blocks: list[Block], context: ItemContext) -> list[SourceLine]:
    """Fill the item from all its blocks (`read_block` each); return the
    lines it could not place (they are at the end of its narrative as
    well)."""
    unplaced: list[SourceLine] = []
    context.outstanding.columns = None
    context.narrated = ""
    context.in_recap = False
    for block in blocks:
        read_block(block, item, context, unplaced)
    close_lead_in(context)
    raise_owner_doubt(context)  # no line under the item's last action states its owners
    for _, text in unplaced:
        item.narrative = "\n\n".join(filter(None, [item.narrative, text]))
    return unplaced


def read_block(
    block: Block,
    item: ParsedItem,
    context: ItemContext,
    unplaced: list[SourceLine] | None = None,
) -> None:
    """One block of an item, every entry's the one way, by the entry's data:
    a point of the list under a line that ends with a colon taken for it
    (imports.decision_points), the recap and its table passed over
    (`passed_over`), a table (`read_table`), a heading, or its pieces
    (`pieces`: the whole block where the entry reads `whole_blocks`, else a
    sentence at each decision or action line), each an action, a decision
    or narrative as written (`read_piece`). `unplaced`, where the rows of
    an outstanding-actions table that hold no action go."""
    if context.lead_in is not None and context.lead_in.takes(block, item):
        return
    close_lead_in(context)
    if passed_over(block, context):
        return
    layout = context.layout
    if block.kind == TABLE:
        read_table(block, item, context, unplaced if unplaced is not None else [])
        return
    if layout.review_tables_in_items:
        context.outstanding.columns = None  # a table after this block is a new one
    if block.kind == HEADING and not context.whole_blocks:
        narrate_piece(item, context, written(block, context) or f"**{block.text}**", "heading")
        return
    for piece in pieces(block, context):
        read_piece(piece, block, item, context)


def passed_over(block: Block, context: ItemContext) -> bool:
    """The entry's `recap` (this app's own minutes close with the actions
    raised above, again, in a table) and the table right after it: passed
    over, as the text layout does. The generic reader asks it of every block
    it meets, so that the recap's table is not read as outstanding actions."""
    after_recap, context.in_recap = context.in_recap, False
    if context.layout.recap and context.layout.recap.match(block.text):
        context.in_recap = True
        return True
    return after_recap and block.kind == TABLE


def read_table(
    block: Block, item: ParsedItem, context: ItemContext, unplaced: list[SourceLine]
) -> None:
    """A table in an item: where the entry has `review_tables_in_items`, the
    outstanding actions' (imports.outstanding_table) or the rest of one;
    else, and any other table, kept in the narrative as written (a
    text's, as pipe rows)."""
    if context.layout.review_tables_in_items:
        header, rows = cells_as_written(block)
        if read_review_table(header, rows, block.line, context.outstanding, unplaced):
            return
    pipe_rows = "\n".join("| " + " | ".join(row) + " |" for row in block.rows)
    narrate_piece(item, context, written(block, context) or pipe_rows, "table")


@dataclass(frozen=True)
class Piece:
    """A piece of a block read as one: its line, its words as read (marks
    dropped, but where the block is read whole), and as written."""

    line: int
    text: str
    written: str


def pieces(block: Block, context: ItemContext) -> list[Piece]:
    """The block whole, as written, where the entry reads `whole_blocks`;
    else its sentences (`segments`), each with its source lines as written (a
    Markdown block whose lines are its words' lines, or the block whole when it is
    one piece), or for text, which has no Markdown, with a list item's mark."""
    if context.whole_blocks:
        text = joined(block)
        return [Piece(block.line, text, text)]
    found = typed_segments(block, context.layout)
    offsets = [line - block.line for line, _, _ in found] + [len(block.text.split("\n"))]
    whole = written(block, context)
    lines = [text for _, text in block.lines]
    by_line = whole and len(lines) == offsets[-1]
    result = []
    for (line, segment, typed), start, end in zip(found, offsets, offsets[1:], strict=False):
        if by_line:
            as_written = "\n".join(lines[start:end]).rstrip()
        elif whole and len(found) == 1:
            as_written = whole
        elif block.kind == ITEM:
            mark = f"{block.number}." if block.number else "-"
            as_written = f"{'  ' * block.level}{mark} {typed}"
        else:
            as_written = typed
        result.append(Piece(line, segment, as_written))
    return result


def written(block: Block, context: ItemContext) -> str:
    """A Markdown block's source lines as written; "" for text (a text's
    lines are not Markdown)."""
    return joined(block) if context.markdown else ""


def _cut(text: str, match: re.Match) -> str:
    """`text` without what `match` found, the words either side joined as
    a sentence would be: "the DCC [note]." is "the DCC.", a list's mark kept."""
    before, after = text[: match.start()].rstrip(), text[match.end() :].strip()
    if not before.strip():
        return after
    if not after or after[0] in ".,;:)":
        return before + after
    return f"{before} {after}"


def read_piece(piece: Piece, block: Block, item: ParsedItem, context: ItemContext) -> None:
    """The owners of the action above (`read_owner_line`), a post-meeting
    note (the entry's `post_meeting_note`), an action
    (`read_action_piece`), the next meetings' line (the entry's
    `next_meeting`, read by imports.title_block), a line that ends with a
    colon held for the list under it (imports.decision_points, read by
    `close_lead_in`), a decision (`read_decision_piece`), else narrative as
    written (`read_text_piece`)."""
    close_lead_in(context)  # a piece after a held line, in its block, ends its list
    if read_owner_line(piece, item, context):
        return
    raise_owner_doubt(context)  # the piece after an action states no owners of it
    layout, text, line = context.layout, piece.text, piece.line
    if layout.post_meeting_note:
        if match := layout.post_meeting_note.search(text):
            note = match.group(1).strip()
            item.post_meeting_note = "\n\n".join(filter(None, [item.post_meeting_note, note]))
            text = _cut(text, match)
            written = layout.post_meeting_note.search(piece.written)
            piece = Piece(line, text, _cut(piece.written, written) if written else text)
            if not text:
                _read_as(context, "note")
                return
    read = read_action_piece(piece, item, context)
    if read is not None:
        if read:
            _read_as(context, "action")
        else:
            narrate_piece(item, context, piece.written, "text")
        return
    year = context.minutes.date.year if context.minutes.date else None
    if states_next_meetings(text, layout, year):
        _read_as(context, "next-meeting")
        return
    if leads_in(text):
        context.lead_in = LeadIn(line, text, piece.written, block, item)
        return
    if not read_decision_piece(piece, block, item, context):
        read_text_piece(piece, block, item, context)


def read_decision_piece(
    piece: Piece, block: Block, item: ParsedItem, context: ItemContext, points: Sequence[str] = ()
) -> bool:
    """A decision (`read_decision_line`), with `points`, the list under it as
    written where the entry reads the two as one paragraph; the words
    before a decision inside the piece narrated, a point keeping its mark."""
    narrated: list[str] = []

    def before(words: str) -> None:
        narrated.append(words)
        if block.kind == ITEM and piece.written.endswith(piece.text):  # a point keeps its mark
            words = piece.written.removesuffix(piece.text) + words
        narrate_piece(item, context, words, "text", point=block.kind == ITEM)

    if not read_decision_line(piece.text, piece.line, item, context, points, before):
        return False
    if not narrated:
        _read_as(context, "decision")
    return True


def read_text_piece(piece: Piece, block: Block, item: ParsedItem, context: ItemContext) -> None:
    """A point of the decision whose list is being read (`filling`), else
    narrative as written; a line opening with a minute number flagged
    (`flag_missed_minute`)."""
    if context.filling is not None:
        context.filling.points.append(piece.text)
        _read_as(context, "decision")
        return
    flag_missed_minute(piece.text, piece.line, item, context)
    narrate_piece(item, context, piece.written, "text", point=block.kind == ITEM)


def read_action_piece(piece: Piece, item: ParsedItem, context: ItemContext) -> bool | None:
    """True for an action read; False for a line that opens with ACTION but
    names no reference of the committee's, where the entry's actions are
    `numbered_actions` (flagged, kept in the narrative); None for any other."""
    text = piece.text
    if not context.layout.numbered_actions:
        return True if read_action_line(text, piece.line, item, context) else None
    if not ACTION_LINE.match(text):
        return None
    if is_action_line(text):
        read_action_line(" ".join(text.replace("**", "").split()), piece.line, item, context)
        return True
    flag_unread_action(text, piece.line, item, context)
    return False


def narrate_piece(
    item: ParsedItem, context: ItemContext, text: str, kind: str, point: bool = False
) -> None:
    """Narrative as written: text cut by a page break ("The DCC noted" /
    "that it will …") joined again to the text before it, where the entry
    has `join_page_breaks`; else a paragraph each, where the entry reads
    `whole_blocks`, or a list's next `point` on the line under the one before."""
    layout = context.layout
    if (
        layout.join_page_breaks
        and item.narrative
        and kind == context.narrated == "text"
        and cut_by_page_break(item.narrative, text)
    ):
        item.narrative = f"{item.narrative} {text.lstrip()}"
    elif context.whole_blocks:
        if text:
            item.narrative = "\n\n".join(filter(None, [item.narrative, text]))
    else:
        narrate(item, text, tight=point)
    _read_as(context, kind)


def _read_as(context: ItemContext, kind: str) -> None:
    """What the piece read was (for `join_page_breaks`)."""
    context.narrated = kind


def close_lead_in(context: ItemContext) -> None:
    """The end of the list under a line that ends with a colon
    (imports.decision_points): the line read with its points. Where the
    entry's decisions are the committee's (`committee_decisions`), the line
    and the list as written are read as one paragraph; else the line's
    decision is given each point that is no decision or action of its own
    (`read_text_piece`). A line that is no decision is narrative, its points
    read as any block is (or points of the decision above, where the line
    is one). A decision left with no words and no points is none: its line
    is kept in the narrative as written, flagged."""
    lead_in, context.lead_in = context.lead_in, None
    if lead_in is None:
        return
    item, block = lead_in.item, lead_in.block
    piece = Piece(lead_in.line, lead_in.text, lead_in.written)
    listed = [lead_in.listed()] if context.layout.committee_decisions and lead_in.points else []
    count = len(item.decisions)
    if not read_decision_piece(piece, block, item, context, listed):
        read_text_piece(piece, block, item, context)
        _read_points(lead_in.points, item, context, context.filling)
        return
    decision = item.decisions[count]
    if not listed:
        _read_points(lead_in.points, item, context, decision)
    if is_empty(decision):
        item.decisions.remove(decision)
        narrate_piece(item, context, lead_in.written, "text")
        context.minutes.flags.append(empty_decision(lead_in, decision))


def _read_points(
    blocks: list[Block], item: ParsedItem, context: ItemContext, filling: ParsedDecision | None
) -> None:
    """The blocks of a list, each read as any block is, a piece that is no
    decision or action of its own a point of `filling`; a paragraph of list
    lines a point a line where they are a decision's points, else as it
    came."""
    outer, context.filling = context.filling, filling
    for block in blocks:
        for point in points_of(block) if filling is not None else [block]:
            read_block(point, item, context)
    close_lead_in(context)
    context.filling = outer


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


def cut_by_page_break(before: str, after: str) -> bool:
    last = before.rstrip()
    if not last or last.endswith(SENTENCE_END) or LIST_LINE.match(last.split("\n")[-1]):
        return False
    return after.lstrip()[:1].islower()


def segments(block: Block, layout: Layout) -> list[tuple[int, str]]:
    """The block's lines joined into sentences, a new one at each decision
    or action line, each with its line."""
    return [(line, words) for line, words, _ in typed_segments(block, layout)]


def typed_segments(block: Block, layout: Layout) -> list[tuple[int, str, str]]:
    """`segments`, each with its words as typed as well: a meeting bot's
    "(kerstin, 15:11:30)" after a line (the entry's `trailer`) is left out
    of the words a decision or an action is read from, and so are bold
    marks around a word in capitals ("The Panel **AGREED** …" in a PDF's
    text), but both are kept in the typed words, which the narrative is
    written from."""
    found: list[tuple[int, list[str], list[str]]] = []
    for offset, typed in enumerate(block.text.split("\n")):
        typed = typed.strip()
        line = BOLD_CAPITALS.sub(r"\2", typed)  # the verb read, the marks kept as typed
        line = line if layout.trailer is None else layout.trailer.sub("", line)
        if not typed:
            continue
        words = [w for w in found[-1][1] if w] if found else []
        if not found or (
            line and (opens_line(line, layout) or (words and _says_more(words, line, layout)))
        ):
            found.append((block.line + offset, [], []))
        found[-1][1].append(line)
        found[-1][2].append(typed)
    return [(line, " ".join(filter(None, words)), " ".join(typed)) for line, words, typed in found]


def _says_more(before: list[str], line: str, layout: Layout) -> bool:
    """A sentence of its own after a decision or an action line ended one
    ("… as a true record." over "Action 57/03 was closed."), not its words."""
    ended = before[-1].endswith((".", "!", "?")) and line[:1].isupper()
    return ended and opens_line(before[0], layout)


def opens_line(line: str, layout: Layout) -> bool:
    """A decision or an action line of the entry's."""
    if any(pattern.match(line) for pattern in layout.actions):
        return True
    return decision_match(line, layout) is not None


def decision_match(line: str, layout: Layout) -> re.Match | None:
    """A decision by the entry's pattern (`decision`): a verb or a
    resolution, said by the committee or a body, not by one person (the
    entry's `person_subject`: "Cllr Patel NOTED …" is narrative)."""
    match = layout.decision.match(line)
    if not match or not (match["verb"] or match["resolution"]):
        return None
    person = layout.person_subject
    if person and match["subject"] and person.match(match["subject"]):
        return None
    return match


def flag_missed_minute(text: str, line: int, item: ParsedItem, context: ItemContext) -> None:
    """Text that opens with a minute number (the entry's `minute_number`;
    None, as the OPSG's, where its items never are), where the items are
    minute-numbered, is a heading that was not read as one."""
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
    """The narrative's last paragraph is a list's points, as written: its
    first line opens with a list's mark, each line a point or under one."""
    lines = item.narrative.rsplit("\n\n", 1)[-1].split("\n")
    return bool(LIST_LINE.match(lines[0])) and all(
        LIST_LINE.match(line) or line.startswith(" ") for line in lines
    )


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
    match = decision_match(text, context.layout)
    if match is None:
        return False
    if match["resolution"]:
        verb, words = "AGREED", f"{match['resolution']}: {match['text'].strip()}"
        printed = "RES"
    else:
        printed = match["verb"]
        verb = context.layout.verb_as.get(printed, printed)
        words = decision_text(match["text"])
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
        flag_owner_label(action.text, line, item, context)
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
    stated = layout.owner_label.search(words) if layout.owner_label else None
    if groups.get("owner"):
        owners, guessed = [groups["owner"]], False
    elif stated:  # "… Owner: Ben Cole", the label left out of the action's words
        owners, guessed = owners_in(stated["owners"], committee=minutes.committee)
        words = _without_owners(words, stated)
    elif (
        layout.owner_nickname
        and (nickname := layout.owner_nickname.match(words))
        and not EVERYONE.match(nickname[1])
    ):
        owners, guessed = [nickname[1]], False  # "bogdan to write …"
    else:
        owners, guessed = owners_in(words, committee=minutes.committee)
    if label and not reference:
        words = f"(Action {label}) {words}"
    if not reference:
        reference = context.actions.ours(context.actions.raised)
    context.owner_doubt = owner_doubt(reference, owners, guessed, words, line)
    due = layout.action_target.search(words) if layout.action_target else None
    target = first_date(due["date"]) if due else None
    item.actions.append(
        ParsedAction(reference=reference, owners=owners, text=words, line=line, target_date=target)
    )
    return True


def owner_doubt(
    reference: str, owners: list[str], guessed: bool, words: str, line: int
) -> Flag | None:
    """The doubt over an action's owner not picked out of its words
    (action-owner), or picked out as a guess ("SECAS asked members to …",
    "All trustees to …": owner-guess), on the line they were read from;
    None where its owners were stated."""
    if not owners:
        message = f"The owner of action {reference} could not be picked out of {words!r}."
        return Flag(line, "action-owner", message)
    if guessed:
        shown = ", ".join(owners)
        message = f"The owner of action {reference} was read as {shown} from {words!r}: check it."
        return Flag(line, "owner-guess", message)
    return None


def raise_owner_doubt(context: ItemContext) -> None:
    """The doubt held over the owner of the action read last
    (`ItemContext.owner_doubt`), raised once no line under it states its
    owners: the next piece is another, or its item or the text ends."""
    doubt, context.owner_doubt = context.owner_doubt, None
    if doubt is not None:
        context.minutes.flags.append(doubt)


def _without_owners(words: str, stated: re.Match) -> str:
    """An action's words without the owners they state by label: "Mend the
    gate. Owner: A. Byrne. Before winter." is "Mend the gate. Before winter."."""
    before, after = words[: stated.start()].rstrip(), words[stated.end() :].strip()
    if before.endswith((".", ";", ",")):
        after = after.lstrip(".,; ")
    if not after or after[0] in ".,;:)":
        return before + after
    return f"{before} {after}".strip()


def read_owner_line(piece: Piece, item: ParsedItem, context: ItemContext) -> bool:
    """A line that only states owners by the entry's label ("Owner: Ben
    Cole", "Owner: Clerk, due 1 April 2026"), right under an action (the
    last piece read, in this item): the action's owners, in place of any
    read from its words, whose doubt, held until now (`owner_doubt`), goes
    with them and is never raised (where its line named others plainly,
    flagged as a guess), and its target where its words gave none; the
    line says nothing more."""
    layout, minutes = context.layout, context.minutes
    if context.narrated != "action" or not item.actions:
        return False
    if layout.owner_label is None:
        flag_owner_label(piece.text, piece.line, item, context, under=True)
        return False
    stated = layout.owner_label.match(piece.text)
    if not stated:
        return False
    rest = _without_owners(piece.text, stated).strip(" .,;")
    due = layout.action_target.fullmatch(rest) if layout.action_target and rest else None
    if rest and not due:
        return False  # more than the owners (and the target): the narrative's
    action = item.actions[-1]
    named = action.owners
    action.owners, guessed = owners_in(stated["owners"], committee=minutes.committee)
    action.target_date = action.target_date or (first_date(due["date"]) if due else None)
    doubted, context.owner_doubt = context.owner_doubt, None
    if named and doubted is None and set(named) != set(action.owners):
        # Its line named others, plainly: which is meant is the secretary's to say.
        guessed = True
    if doubt := owner_doubt(action.reference, action.owners, guessed, piece.text, piece.line):
        minutes.flags.append(doubt)
    _read_as(context, "action")
    return True


def flag_owner_label(
    text: str, line: int, item: ParsedItem, context: ItemContext, under: bool = False
) -> None:
    """Owners stated by a label ("Owner: SECAS", imports.layouts
    OWNER_LABEL) in the words of an action, or on the line `under` it, of
    an entry that reads no such label (`owner_label` None: the OPSG's
    minutes name an action's owner as its words' subject, "SECAS to …"):
    the label is not read, the action keeps the owners of its words and
    the line stays where it was read (the action's words, or the
    narrative), flagged, never merged in silence."""
    stated = OWNER_LABEL.match(text) if under else OWNER_LABEL.search(text)
    if context.layout.owner_label is not None or not stated:
        return
    action = item.actions[-1]
    where = "on the line under it" if under else "in its words"
    kept = f"kept in the narrative of item {item.number}" if under else "kept in its words"
    committee = context.minutes.committee or context.layout.committee
    shown = ", ".join(action.owners) or "no one"
    message = (
        f"Action {action.reference} states owners by a label {where}, "
        f"{' '.join(stated[0].split())!r}, which {committee} minutes do not use: the label is "
        f"not read ({kept}), and the action's owners are read from its words as {shown}: "
        "check them."
    )
    context.minutes.flags.append(Flag(line, "owner-label", message))


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
