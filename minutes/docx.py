"""The minutes as a Word document, for committees that circulate Word: the
same structure as the PDF (banner, title block, attendance tables, numbered
items with their decisions and actions, the outstanding actions reviewed,
the actions raised), written with python-docx from the minutes' JSON
document (selectors.minutes_document, or the version kept during a
correction), as the reader it is made for may read it.

Narratives are Markdown: markdown-it-py's tokens become Word paragraphs,
list items and tables, with bold, italic and links kept as text."""

import datetime
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt, RGBColor
from markdown_it import MarkdownIt

from declarations.models import declared_by
from meetings.models import Meeting, stored_marks

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_STATUS = {"draft": "Draft Minutes", "circulated": "Draft Minutes"}
_KIND = {
    "extraordinary": "Extraordinary ",
    "reporting": "Reporting ",
    "confidential": "Confidential ",
}


def file_name(meeting: Meeting, doc: dict) -> str:
    """OPSG_25_Minutes_v1.0.docx, as the PDF is named (MinutesDocument.download_name)."""
    final = doc["status"] in Meeting.FINAL
    corrections = meeting.revisions.count() - (1 if doc.get("correction_in_progress") else 0)
    return meeting.minutes_file_name(final=final, corrections=corrections, suffix="docx")


def minutes_docx(meeting: Meeting, doc: dict) -> bytes:
    """The Word file of `doc`, the minutes of `meeting` as their reader may read them."""
    word = Document()
    style = word.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10.5)
    _banner(word, doc)
    _title(word, meeting, doc)
    _attendance(word, doc)
    raised = {action["reference"]: action for action in doc["actions_raised"]}
    for item in doc["items"]:
        _item(word, doc, item, raised)
    if doc["actions_reviewed"]:
        _reviews(word, doc)
    if doc["actions_raised"]:
        _raised(word, doc)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _banner(word, doc: dict) -> None:
    classification = doc["classification"]
    paragraph = word.add_paragraph()
    run = paragraph.add_run(f"This document is classified as {classification['label']}.")
    run.bold = True
    colour = (classification.get("colour") or "").lstrip("#")
    if len(colour) == 6:
        run.font.color.rgb = RGBColor.from_string(colour.upper())
    if classification.get("statement"):
        paragraph.add_run(" " + classification["statement"])


def _title(word, meeting: Meeting, doc: dict) -> None:
    kind = _KIND.get(doc["kind"], "")
    word.add_heading(f"{meeting.committee.name} {kind}Meeting {doc['number']}", level=0)
    day = datetime.date.fromisoformat(doc["date"])
    when = f"{day.day} {day:%B %Y}"
    if doc.get("start") and doc.get("end"):
        when += f", {doc['start']} – {doc['end']}"
    word.add_paragraph(when)
    if doc.get("location"):
        word.add_paragraph(doc["location"])
    word.add_paragraph(doc["reference"])
    word.add_paragraph(_STATUS.get(doc["status"], "Final Minutes"))
    if doc.get("correction_in_progress"):
        word.add_paragraph("The version published; a correction is in progress.")


def _marks(person: dict) -> str:
    return "".join(f" ({mark})" for mark in stored_marks(person))


def _attendance(word, doc: dict) -> None:
    word.add_paragraph("Attendees:")
    lists = doc["attendance"]
    for people, header, key in (
        (lists["members"], ("Category", f"{doc['committee']} Members"), "category"),
        (lists["participants"], ("Representing", "Other Participants"), "represents"),
    ):
        _people(word, people, header, key)
    word.add_paragraph("Apologies:")
    _people(word, lists["apologies"], ("Representing", "Name"), "represents")
    if quorum := doc.get("quorum"):
        word.add_paragraph(quorum["statement"])


def _people(word, people: list[dict], header: tuple[str, str], key: str) -> None:
    rows, group = [], None
    for person in people:
        shown = person.get(key) or ""
        rows.append(("" if shown == group else shown, person["name"] + _marks(person)))
        group = shown
    _table(word, header, rows or [("", "None recorded.")])


def _table(word, header: tuple[str, ...], rows: list[tuple[str, ...]]):
    table = word.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _item(word, doc: dict, item: dict, raised: dict) -> None:
    if item.get("withheld"):
        word.add_heading(f"{item['number']}. Taken in confidence", level=1)
        word.add_paragraph("This item was taken in confidence.")
        return
    level = 2 if "." in item["number"] else 1
    word.add_heading(f"{item['number']}. {item['title']}", level=level)
    if item.get("confidential"):
        word.add_paragraph("This item was taken in confidence.")
    if item.get("declarations"):
        word.add_paragraph().add_run("Declarations of interest:").bold = True
        for d in item["declarations"]:
            who = declared_by(d["name"], d["organisation"])
            word.add_paragraph(f"{who} declared an interest: {d['interest']}", style="List Bullet")
    _markdown(word, item.get("narrative") or "")
    for decision in item["decisions"]:
        paragraph = word.add_paragraph(f"The {doc['committee']} ")
        paragraph.add_run(decision["verb"]).bold = True
        paragraph.add_run(f" {decision['text']}" if decision["text"] else "")
        for point in decision.get("points") or []:
            word.add_paragraph(point, style="List Number")
    if item.get("corrections_agreed"):
        word.add_paragraph().add_run("Corrections agreed:").bold = True
        for c in item["corrections_agreed"]:
            word.add_paragraph(
                f"{c['minutes']}, item {c['item']}: ‘{c['passage']}’ → ‘{c['replacement']}’ "
                f"(suggested by {c['suggested_by']})",
                style="List Bullet",
            )
    if item.get("post_meeting_note"):
        word.add_paragraph().add_run("Post-meeting note:").bold = True
        _markdown(word, item["post_meeting_note"])
    for reference in item["actions"]:
        action = raised.get(reference, {})
        paragraph = word.add_paragraph()
        paragraph.add_run(f"ACTION {reference}:").bold = True
        paragraph.add_run(f" {action.get('text', '')} {_owner_line(action)}")


def _target(action: dict) -> str:
    if action.get("target_date"):
        return f"{datetime.date.fromisoformat(action['target_date']):%d/%m/%Y}"
    return action.get("target_note") or "none set"


def _owner_line(action: dict) -> str:
    """As the PDF prints it, and as the importer reads it back."""
    owners = "/".join(action.get("owners") or []) or "none named"
    return f"Owner: {owners}; target: {_target(action)}."


def _date_cell(value) -> str:
    if not value:
        return "N/A"
    try:
        return f"{datetime.date.fromisoformat(value):%d/%m/%Y}"
    except ValueError:
        return value  # a note ("TBC")


def _reviews(word, doc: dict) -> None:
    word.add_paragraph(f"Actions outstanding reviewed at {doc['committee']} {doc['number']}")
    header = (
        "Action ID",
        "Action",
        "Date Raised",
        "Last Target Date",
        "Revised Target Date",
        "Owner",
    )
    table = _table(word, header, [])
    for review in doc["actions_reviewed"]:
        cells = table.add_row().cells
        values = (
            review["reference"],
            review["text"],
            _date_cell(review.get("raised_on")),
            _date_cell(review.get("last_target")),
            _date_cell(review.get("revised_target")),
            "/".join(review["owners"]),
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
        update = table.add_row().cells
        merged = update[0].merge(update[-1])
        status = (review.get("status") or "").capitalize()
        merged.text = f"{review.get('update') or ''}\nAction Status: {status}.".strip()


def _raised(word, doc: dict) -> None:
    word.add_paragraph("Actions raised at this meeting")
    rows = [
        (a["reference"], a["text"], "/".join(a["owners"]), _target(a))
        for a in doc["actions_raised"]
    ]
    _table(word, ("Action ID", "Action", "Owner", "Target"), rows)


# --- Markdown narratives ------------------------------------------------------------


def _markdown(word, text: str) -> None:
    """A narrative's paragraphs, lists and tables as Word's own."""
    tokens = _MARKDOWN.parse(text)
    lists: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append("List Bullet" if token.type == "bullet_list_open" else "List Number")
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "inline" and tokens[index - 1].type in (
            "paragraph_open",
            "heading_open",
        ):
            style = lists[-1] if lists else None
            _inline(word.add_paragraph(style=style), token)
        elif token.type == "table_open":
            index = _markdown_table(word, tokens, index)
        elif token.type in ("fence", "code_block"):
            word.add_paragraph(token.content.rstrip("\n"))
        index += 1


def _inline(paragraph, token) -> None:
    bold = italic = False
    for child in token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline", "html_inline"):
            run = paragraph.add_run(child.content)
            run.bold, run.italic = bold or None, italic or None
        elif child.type in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break()


def _markdown_table(word, tokens, index: int) -> int:
    rows: list[list[str]] = []
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token.content)
        index += 1
    if rows:
        width = max(len(row) for row in rows)
        padded = [tuple(row + [""] * (width - len(row))) for row in rows]
        _table(word, padded[0], padded[1:])
    return index
