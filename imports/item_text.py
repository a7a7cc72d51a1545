"""An item's text kept as written, for an entry of the layout registry
whose Markdown is read as written (imports.layouts: `text_as_written`,
`committee`, `post_meeting_note`, `next_meeting`), from the blocks
markdown-it-py cuts at blank lines (imports.blocks.markdown_source_blocks):

- the narrative keeps the Markdown as written (links, bold), a paragraph
  cut by a page break ("The DCC noted" / "that it will …") joined again;
- "ACTION OPSG 49/01: …" lines are actions raised, numbered and checked
  by imports.common.ActionNumbering; an ACTION line without a reference is
  flagged and kept in the narrative;
- decisions are the committee's ("The OPSG **AGREED** that …", also "The
  OPSG NOTED that:" followed by its list of points; imports.common.read_decisions);
- "[Post meeting note: …]" is the item's post-meeting note; the next
  meetings' line is read by imports.title_block and left out here;
- a table is the outstanding actions' (imports.outstanding_table), or else
  kept in the narrative; the recap "Actions raised at this meeting" with
  its table is passed over."""

import re
from collections import deque
from dataclasses import dataclass

from imports.blocks import TABLE, Block, SourceLine, cells_as_written, plain
from imports.common import RECAP, ActionNumbering, is_action_line, read_decisions
from imports.layouts import Layout
from imports.outstanding_table import OutstandingTables, read_review_table
from imports.parsed import Flag, ParsedItem, ParsedMinutes

LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)]|\(?[a-z]\))\s+\S")
ACTION_LINE = re.compile(r"^\W*ACTION\b")
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
        context.minutes.flags.append(
            Flag(
                line,
                "unread-action",
                f"Line {line} starts with ACTION but names no reference such as "
                f"{context.minutes.committee or context.layout.committee} 25/03: kept in the narrative of item "
                f"{item.number}, no action created.",
            )
        )
        return "text", text
    if context.layout.next_meeting.match(plain(text)):
        return "next-meeting", ""
    if read_decision_block(text, line, todo, item, context):
        return "decision", ""
    return "text", text


def read_action_block(text: str, line: int, item: ParsedItem, context: ItemContext) -> None:
    action, flags = context.actions.read(" ".join(text.replace("**", "").split()), line)
    item.actions.append(action)
    context.minutes.flags.extend(flags)


def read_decision_block(
    text: str, line: int, todo: deque[Block], item: ParsedItem, context: ItemContext
) -> bool:
    """'The OPSG **AGREED** that …', or 'The OPSG:' / 'The OPSG NOTED that:'
    followed by its list of points in the next block. The verbs are read
    from the text as written: a bold verb is the committee's decision."""
    with_list = text.rstrip().endswith(":") and todo and is_list(todo[0])
    if with_list:
        text = text + "\n" + joined(todo[0])
    decisions = read_decisions(text, line, committee=context.minutes.committee)
    if not decisions:
        return False
    if with_list:
        todo.popleft()
    item.decisions.extend(decisions)
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
