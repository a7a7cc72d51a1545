"""A decision's list of points, the one way for every entry and every
reader: a line that ends with a colon ("The Group NOTED that:", "The
OPSG:") is held (`LeadIn`) until the list under it has been met, a point
or a run of points at a time, whichever way a tokenizer cuts the list (a
list's run of points a block, as the Markdown read as written; a point a
block, as the generic reader's and the 2019 PDF text's), and whether the
reader has the item's blocks at hand or meets them one by one. The points
are the blocks right under the line, in the same item, that are a list's
(`is_point`) of one kind, numbered or not; the first block that is not
ends the list, and so do the item's end and the text's.

What the points then are is read by imports.item_text (`close_lead_in`),
by the entry's data: where the entry's decisions are the committee's
(`committee_decisions`), the line and the list as written are one
paragraph of the committee's (imports.common.read_decisions: the points
numbered as printed, "The OPSG: 1. AGREED …; 2. NOTED …" a decision a
point); else each point that is no decision or action of its own is a
point of the line's decision. A decision so left with no words and no
points ("The Group NOTED that:" over no list, or over a list of decisions
and actions of their own) is no decision: its line is kept in the
narrative as written, and flagged (`empty_decision`).

A decision's text is its words after the verb, for every entry and reader
(`decision_text`): the colon right after the verb is none of them, so "The
Panel AGREED:" and "The OPSG AGREED:" over a list are the text "" with the
list's points, never an empty-looking ":"; a colon after words ("NOTED
that:") is kept, as the record and the minutes it prints have it."""

import re
from dataclasses import dataclass, field

from imports.blocks import ITEM, Block
from imports.parsed import Flag, ParsedDecision, ParsedItem

# The colon a decision's verb is followed by ("AGREED: …", "AGREED:").
_VERB_COLON = re.compile(r"^\s*:\s*")
# A list point's mark ("- ", "2. ", "b) "), and a line that opens with one.
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|\(?[a-z]\))\s+")
LIST_LINE = re.compile(LIST_MARK.pattern + r"\S")


def is_list(block: Block) -> bool:
    """Every line of the block a list's point, or under one."""
    return all(LIST_LINE.match(text) or text.startswith("  ") for _, text in block.lines)


def is_point(block: Block) -> bool:
    """A list's point, or a run of them: a point of a decision's list where
    it comes right under the line."""
    return block.kind == ITEM or bool(block.lines) and is_list(block)


def points_of(block: Block) -> list[Block]:
    """A point block as a point a block, for a reader that reads a point at
    a time: a list's point (ITEM) as it is; a paragraph of list lines ("a)
    …", "b) …", which no tokenizer takes for a list) a point a line, its
    mark dropped as a list item's is, the lines under it its own."""
    if block.kind == ITEM:
        return [block]
    runs: list[list[tuple[int, str]]] = []
    for line, text in block.lines:
        if LIST_LINE.match(text) or not runs:
            runs.append([])
        runs[-1].append((line, text))
    return [
        Block(
            ITEM,
            "\n".join([LIST_MARK.sub("", run[0][1], count=1), *(t.strip() for _, t in run[1:])]),
            run[0][0],
            lines=tuple(run),
        )
        for run in runs
    ]


def decision_text(words: str) -> str:
    """A decision's text from its words after the verb, as every reader
    records it: "to renew the policy." from ": to renew the policy.", ""
    from ":" (the line over a list, whose points are the decision's); the
    words' own colon ("that:") kept."""
    return _VERB_COLON.sub("", words).strip()


def leads_in(text: str) -> bool:
    """A line whose words run on in the list under it."""
    return text.rstrip().endswith(":")


@dataclass
class LeadIn:
    """A line that ends with a colon, held with the points met under it
    (`points`, the blocks) until the list ends: `line` and `text` as read,
    `written` as written, the `block` and the `item` it is in."""

    line: int
    text: str
    written: str
    block: Block
    item: ParsedItem
    points: list[Block] = field(default_factory=list)

    def takes(self, block: Block, item: ParsedItem) -> bool:
        """The block is a point (or a run of points) of the list under the
        line: taken, to be read when the list ends. A list of the other kind
        (numbered after bullets, or bullets after numbers) is another list,
        not the line's: Word's numbered headings under a list of bullets."""
        if item is not self.item or not is_point(block):
            return False
        if self.points and bool(block.number) != bool(self.points[0].number):
            return False
        self.points.append(block)
        return True

    def listed(self) -> str:
        """The list as written, a point a line (with its mark), for an entry
        whose decisions read the line and its list as one paragraph."""
        return "\n".join(text for block in self.points for _, text in block.lines)


def is_empty(decision: ParsedDecision) -> bool:
    """A decision of a line that ended with a colon and was given no point:
    no words but the colon's."""
    return not decision.points and (not decision.text or decision.text.endswith(":"))


def empty_decision(lead_in: LeadIn, decision: ParsedDecision) -> Flag:
    """The doubt over a line kept in the narrative rather than recorded as
    a decision with no words."""
    message = (
        f"{' '.join(lead_in.written.split())!r} has no points of its own under it (each is a "
        "decision or an action of its own, or there is no list): it is kept in the narrative "
        f"of item {lead_in.item.number}, not recorded as a decision with no words."
    )
    return Flag(decision.line, "empty-decision", message)
