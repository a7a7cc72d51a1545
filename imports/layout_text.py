"""Minutes in the OPSG 2019 layout, as the text pdftotext prints for their
PDF (imports/fixtures/opsg_25_minutes.txt is one), and the PDFs this app
renders (templates/meetings/minutes.html with static/css/print.css), which
read the same way.

imports.pdf_blocks reads the page furniture and gathers the rest into
blocks: the items' headings, paragraphs, numbered points, footnotes, and
the Actions Outstanding table cut into rows. What the blocks say is read by
the shared modules, by the OPSG entry of the layout registry
(imports.layouts), as the OPSG's 2021 Markdown is:

- the title block ("Operations Group Meeting 25", "1 October 2019, 10:00 –
  17:00", the place or "Teleconference") by imports.title_block; the page
  reference names the committee; a line it could not read is kept in item
  1's narrative and flagged (imports.unplaced), as the Markdown's is;
- the attendance tables before item 1, their cells split over lines ("DCC"
  / "Mo Asif") or merged ("Small Supplier Kate Barnes"), by
  imports.attendance (`read_roll_lines`), a line the roll cannot place (a
  stray "0)", marks before anyone) kept in item 1's narrative and flagged
  (imports.unplaced), as the title block's are;
- the table's rows, as reviews of the actions outstanding, by
  imports.outstanding_table (their dates, owners and "Action Status:"
  words).

- each item's paragraphs and points a block at a time by
  imports.item_text `read_block`, as every entry's item text is: the
  "ACTION OPSG 25/03: …" paragraphs (the entry's `numbered_actions`), the
  decisions ("The OPSG NOTED that:" and the points under it, which this
  tokenizer prints a block each, read as every reader's are,
  imports.decision_points; the entry's `committee_decisions`), the rest
  the narrative.

What is left here is what this tokenizer's blocks need: where the rest of
an attendance table that ran onto the next page is printed, after the text
of an agenda item; a row whose owner the tokenizer could not find; the
blocks that say what they are (post-meeting notes, "Incident reviewed:"
lines, lines of no words, sub-headings as they render); footnotes, kept at the end of the narrative. It
flags every line it could not place or had to guess; it never raises and
never invents an action or a decision."""

import re
from dataclasses import replace
from itertools import pairwise

from imports.attendance import Roll, add_roll_line, is_member_category, read_roll_lines, roll_line
from imports.blocks import FOOTNOTE, HEADING, PARAGRAPH, TABLE, Block, SourceLine
from imports.common import ActionNumbering, guess_committee, read_incidents, read_outcome
from imports.item_text import ItemContext, close_lead_in, narrate, read_block
from imports.layouts import MEMBER, OPSG, PARTICIPANT
from imports.outstanding_table import OutstandingTables, flag_unstated, read_review_table
from imports.parsed import Flag, ParsedItem, ParsedMinutes, ParsedPerson
from imports.pdf_blocks import (
    INCIDENT_REVIEW,
    NOTE_START,
    Line,
    PdfText,
    ends_sentence,
    gather,
    joined,
    pdf_blocks,
    rendered,
)
from imports.title_block import read_title_block
from imports.unplaced import place_unplaced


def parse_text_layout(text: str) -> ParsedMinutes:
    """Read minutes in the 2019 PDF-text layout. Text in any other layout
    comes back with what could be read (perhaps only a header) and an
    "unknown-layout" flag."""
    try:
        return _parse(text)
    except Exception as error:  # an importer of users' files must not crash on one
        minutes = ParsedMinutes(committee="", number=None)
        message = f"The text could not be read ({type(error).__name__}: {error})."
        minutes.flags.append(Flag(1, "unreadable", message))
        return minutes


def _parse(text: str) -> ParsedMinutes:
    page = pdf_blocks(text)
    first = next((i for i, block in enumerate(page.blocks) if _is_item(block)), None)
    head = _lines(page.blocks[:first])
    attendance_at = next(
        (i for i, line in enumerate(head) if OPSG.roll_label.match(line.text)), None
    )
    minutes, unread = _read_header(head[:attendance_at], page)
    minutes.flags = [*page.flags, *minutes.flags]  # the title block's doubts kept
    if attendance_at is not None:
        minutes.attendance = _read_attendance(head[attendance_at + 1 :], unread)
    if first is None and attendance_at is not None:
        place_unplaced(unread, minutes)  # flagged, with no item to keep them in
    if first is None:
        _flag_unknown_layout(minutes, head)
        return minutes
    body = page.blocks[first:]
    guess_committee(minutes, (line.text for line in _lines(body)), minutes.line)
    _read_items(body, minutes, unread)
    minutes.flags.extend(filter(None, map(read_outcome, minutes.reviews)))
    order = {"member": 0, "participant": 1, "apology": 2}
    minutes.attendance.sort(key=lambda person: order[person.section])
    minutes.flags.sort(key=lambda flag: flag.line)
    return minutes


def _is_item(block: Block) -> bool:
    return block.kind == HEADING and bool(block.number)


def _lines(blocks: list[Block]) -> list[Line]:
    return [line for block in blocks for line in block.lines]


def _flag_unknown_layout(minutes: ParsedMinutes, lines: list[Line]) -> None:
    if minutes.attendance:
        message = "No numbered agenda items were found after the attendance."
    elif not lines:
        message = "The text is empty: there was nothing to read."
    else:
        last = lines[-1].number if lines else 1
        message = (
            f"This text is not in the 2019 minutes layout: lines 1–{last} were not read as minutes."
        )
    minutes.flags.insert(0, Flag(1, "unknown-layout", message))


# --- the title block ---------------------------------------------------------


def _read_header(lines: list[Line], page: PdfText) -> tuple[ParsedMinutes, list[SourceLine]]:
    """What the page furniture said, then the title block before the
    attendance ("Operations Group Meeting 25", "1 October 2019, 10:00 –
    17:00", the place), read a fact a line as the OPSG's Markdown is
    (imports.title_block, by the OPSG entry); returns the minutes and the
    lines not read. The committee is the page reference's where it names
    one, and the meeting's number too where the title does not say it."""
    minutes = ParsedMinutes(
        committee="",
        number=None,
        reference=page.reference,
        final=page.final,
        classification_label=page.classification_label,
        classification_statement=page.classification_statement,
        next_meetings=page.next_meetings,
    )
    furniture = OPSG.reference.search(page.reference)
    if furniture:
        minutes.committee = furniture[1].upper()
    read_on: dict[str, int] = {}
    unread = read_title_block([(line.number, line.text) for line in lines], minutes, OPSG, read_on)
    minutes.line = read_on.get("title", minutes.line)
    if furniture and minutes.number is None:
        minutes.number = int(furniture[2])
    return minutes, unread


# --- attendance --------------------------------------------------------------


def _read_attendance(lines: list[Line], unplaced: list[SourceLine]) -> list[ParsedPerson]:
    """The three tables, printed a cell a line (imports.attendance, by the
    OPSG entry): members by category, other participants by the body they
    represent, apologies. A line the roll could not place (a stray "0)",
    marks before anyone) goes to `unplaced`: kept in item 1's narrative and
    flagged (imports.unplaced), as the title block's are."""
    roll = Roll(OPSG)
    unplaced += read_roll_lines([(line.number, line.text) for line in lines], roll)
    return roll.people


# --- agenda items --------------------------------------------------------------


def _read_items(blocks: list[Block], minutes: ParsedMinutes, unplaced: list[SourceLine]) -> None:
    """Read each item: its heading and the blocks up to the next; then flag
    the reviews that never stated a status, and flag and keep the lines not
    placed (`unplaced`: the title block's to begin with) in the nearest
    item's narrative (imports.unplaced)."""
    context = ItemContext(
        minutes=minutes,
        layout=OPSG,
        actions=ActionNumbering(minutes),
        outstanding=OutstandingTables(minutes, OPSG),
    )
    starts = [i for i, block in enumerate(blocks) if _is_item(block)] + [len(blocks)]
    for start, end in pairwise(starts):
        heading = blocks[start]
        item = ParsedItem(number=heading.number, title=heading.text, line=heading.line)
        _read_item(item, blocks[start + 1 : end], context, unplaced)
        minutes.items.append(item)
    flag_unstated(context.outstanding)
    place_unplaced(unplaced, minutes)


def _read_item(
    item: ParsedItem, blocks: list[Block], context: ItemContext, unplaced: list[SourceLine]
) -> None:
    """The item's tables as the actions outstanding, the rest of an
    attendance table printed among its blocks, then its text a block at a
    time (`_read_text`); its incidents last."""
    left_out: list[SourceLine] = []  # rows of the table that hold no action
    unread: list[str] = []  # rows whose reference could not be read, flagged already
    for table in (block for block in blocks if block.kind == TABLE and block.rows):
        unread += _read_table(table, context.outstanding, left_out)
    stray: list[SourceLine] = []  # an attendance table's lines kept in the item's text
    blocks = _without_attendance(blocks, context.minutes, stray)
    reviewed = _read_text(item, blocks, context)
    for text in [*unread, *(text for _, text in left_out)]:
        narrate(item, text)
    unplaced += left_out + stray
    read_incidents(item, context.minutes.flags, reviewed)


def _without_attendance(
    blocks: list[Block], minutes: ParsedMinutes, unplaced: list[SourceLine]
) -> list[Block]:
    """The item's blocks but its tables, once the rest of an attendance
    table printed among them is read from their lines; the lines after it,
    up to the next table, are gathered into blocks again, with the run's
    lines the roll could not place (kept in the item's text, and in
    `unplaced` to be flagged)."""
    kept: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        previous = kept[-1].lines[-1].text if kept else None
        if block.kind != TABLE and _may_open_run(block.lines[0], previous):
            upto = next(
                (i for i in range(index, len(blocks)) if blocks[i].kind == TABLE), len(blocks)
            )
            lines = _lines(blocks[index:upto])
            left: list[Line] = []
            if end := _take_attendance(lines, minutes, left):
                unplaced += [(line.number, line.text) for line in left]
                blocks, index = gather(left + lines[end:]) + blocks[upto:], 0
                continue
        if block.kind != TABLE:
            kept.append(block)
        index += 1
    return kept


def _take_attendance(lines: list[Line], minutes: ParsedMinutes, left: list[Line]) -> int | None:
    """The end of the rest of an attendance table at the start of `lines`,
    read into the attendance, its lines the roll could not place in `left`;
    None when none starts there."""
    end = _attendance_run(lines)
    if end is None:
        return None
    run = lines[:end]
    first = roll_line(run[0].text, OPSG)
    roll = Roll(OPSG, section=MEMBER if is_member_category(first.group, OPSG) else PARTICIPANT)
    left += [
        line for line in run if not add_roll_line(roll_line(line.text, OPSG), line.number, roll)
    ]
    minutes.attendance += roll.people
    section = roll.section
    message = (
        f"Lines {run[0].number}–{run[-1].number} read as the rest of the "
        f"{'members' if section == 'member' else 'other participants'} table, "
        "printed here by the PDF."
    )
    minutes.flags.append(Flag(run[0].number, "attendance-continued", message))
    return end


def _read_text(item: ParsedItem, blocks: list[Block], context: ItemContext) -> list[str]:
    """The item's paragraphs and points, a block at a time as every entry's
    are (imports.item_text `read_block`: an action line, a decision line
    with the points after it, the narrative), but for what this tokenizer's
    blocks say of themselves: a post-meeting note, an incident reviewed, a
    line of no words (flagged, kept), a sub-heading (kept as it renders);
    footnotes at the narrative's end. Returns the incidents reviewed."""
    flags = context.minutes.flags
    reviewed: list[str] = []
    footnotes: list[Block] = []
    for block in blocks:
        opening = _opening(block)
        if block.kind == FOOTNOTE:
            footnotes.append(block)
        elif opening == "note":
            item.post_meeting_note = _join_notes(item.post_meeting_note, _note_text(block.text))
        elif opening == "incident-review":
            reviewed.append(_read_incident_review(item, block, flags))
        elif block.kind == HEADING:
            close_lead_in(context)  # a sub-heading ends a decision's list, as any heading
            narrate(item, rendered(block))
        else:
            if opening == "junk":
                message = f"Line {block.text!r} kept in item {item.number}'s narrative."
                flags.append(Flag(block.line, "unplaced-line", message))
            read_block(_neutral(block), item, context)
    close_lead_in(context)  # the item's end ends a decision's list
    for footnote in footnotes:
        narrate(item, rendered(footnote))
    for footnote in footnotes:
        if _mark_footnote(item, footnote.number):
            where = f"its mark [{footnote.number}] is read as [^{footnote.number}]"
        else:
            where = "the PDF text does not show where its mark was"
        message = f"Footnote kept at the end of item {item.number}'s narrative: {where}."
        flags.append(Flag(footnote.line, "footnote", message))
    return reviewed


def _neutral(block: Block) -> Block:
    """The block with its lines as every tokenizer's are, (number, text)."""
    return replace(block, lines=tuple((line.number, line.text) for line in block.lines))


def _read_incident_review(item: ParsedItem, block: Block, flags: list[Flag]) -> str:
    """ "Incident reviewed: INC… – title. Review report to be published:
    yes." is what this app prints for an incident reviewed under the item:
    the incident is the item's, the line is not narrative, and what it says
    of the report is left to the secretary. Returns the incident."""
    match = INCIDENT_REVIEW.match(block.text)
    said = " ".join(match["rest"].split()).lstrip("–—- ").strip()
    message = (
        f"Item {item.number} records a review of {match['reference']}"
        f"{f' ({said})' if said else ''}; read as an incident of the item, not as narrative."
    )
    flags.append(Flag(block.line, "incident-review", message))
    return match["reference"]


def _mark_footnote(item: ParsedItem, number: str) -> bool:
    """This app's PDFs print a footnote's mark as "SIP4931[1]": written back
    as the Markdown mark "[^1]" wherever the item has it. False when the
    text has no such mark (the 2019 PDFs print it as a bare superscript)."""
    mark = re.compile(rf"(?<=[^\s\[])\[{number}\](?![(:])")
    found = False

    def marked(text: str) -> str:
        nonlocal found
        text, count = mark.subn(f"[^{number}]", text)
        found = found or bool(count)
        return text

    item.narrative = marked(item.narrative)
    item.post_meeting_note = marked(item.post_meeting_note)
    for decision in item.decisions:
        decision.text = marked(decision.text)
        decision.points = [marked(point) for point in decision.points]
    return found


def _join_notes(existing: str, note: str) -> str:
    return f"{existing}\n\n{note}" if existing else note


def _note_text(text: str) -> str:
    """ "[Post meeting note: The Chair asked …]", or "Post-meeting note:" on a
    line of its own above the note (this app's PDFs) → "The Chair asked …"."""
    if not text.startswith("["):
        return re.sub(r"^Post[- ]meeting\s+note\s*:\s*", "", text, flags=re.I).strip()
    inner = re.sub(r"^\[\s*Post[- ]meeting\s+note\s*:?\s*", "", text, flags=re.I)
    return inner.strip().removesuffix("]").strip()


# --- attendance printed inside an item -----------------------------------------


def _may_open_run(line: Line, previous: str | None) -> bool:
    """Whether the rest of an attendance table may start at the line: after
    a gap and a finished sentence (`previous`, the line before it in the
    item, if any), with a group ("DSP Graham Spenceley (Part)", "SECAS")."""
    if not line.gap_before or line.kind != "text":
        return False
    if previous is not None and not ends_sentence(previous):
        return False
    first = roll_line(line.text, OPSG)
    return first is not None and bool(first.group)


def _attendance_run(lines: list[Line]) -> int | None:
    """The end of the run of attendance lines that opens `lines` (see
    _may_open_run), or None: it holds at least two lines, or one line
    naming a known group and a person."""
    first = roll_line(lines[0].text, OPSG)
    end = 1
    while end < len(lines) and lines[end].kind == "text":
        if roll_line(lines[end].text, OPSG) is None:
            break
        end += 1
    if end < len(lines) and lines[end].kind == "text" and not _starts_new(lines[end]):
        return None  # the run is the start of a sentence after all
    if end >= 2 or (first.name and first.group in OPSG.roll_groups):
        return end
    return None


def _starts_new(line: Line) -> bool:
    return line.gap_before and not line.text[:1].islower()


def _opening(block: Block) -> str:
    """What a paragraph opens with, where it says what it is:
    "incident-review", "note" (post-meeting), or "junk" (no words at all)."""
    first = block.lines[0].text if block.kind == PARAGRAPH and block.lines else ""
    if INCIDENT_REVIEW.match(first):
        return "incident-review"
    if NOTE_START.match(first):
        return "note"
    if first and not re.search(r"[^\W\d_]", first):
        return "junk"
    return ""


# --- the Actions Outstanding table --------------------------------------------


def _read_table(table: Block, tables: OutstandingTables, unplaced: list[SourceLine]) -> list[str]:
    """The rows imports.pdf_blocks cut out of the table, read as every
    entry's are (imports.outstanding_table), each doubt naming its cell's
    line. A row whose owner the tokenizer could not find is flagged here;
    a row whose dates it could not find it flagged already. (This app's
    closing table of the actions raised, a recap, has no rows cut.) Returns
    the text, as printed, of each row whose reference the tokenizer could
    not read (flagged there), for the item's narrative."""
    cut = list(zip(table.rows[1:], table.cell_lines[1:], strict=True))
    unread = [lines for cells, lines in cut if not cells[0]]
    cut = [(cells, lines) for cells, lines in cut if cells[0]]
    rows = [(lines[0], cells) for cells, lines in cut]
    reviews = tables.minutes.reviews
    read = len(reviews)
    read_review_table(table.rows[0], rows, table.line, tables, unplaced, [ln for _, ln in cut])
    owner_lines = {lines[0]: (cells[2], lines[5]) for cells, lines in cut}
    for review in reviews[read:]:
        raised, line = owner_lines[review.line]
        if raised and not review.owners:
            message = f"{review.reference}: no owner found."
            tables.minutes.flags.append(Flag(line, "table-row", message))
    return [_printed(table, lines[0], lines[-1]) for lines in unread]


def _printed(table: Block, first: int, last: int) -> str:
    """The table's lines `first` to `last`, as printed (a header repeated
    after a page break left out), as one text."""
    lines = [line for line in table.lines if first <= line.number <= last]
    return joined([line.text for line in lines if line.kind == "text"])
