"""What an acceptance check with six new documents found (the fixtures
panel_58, association_2026_05, tracker_22, bot_2026_06_02, generic_2026_06
and mixed_2026_07): each reading that was wrong without a word, read right
now or flagged."""

import html
import io
import shutil
from datetime import date

import docx
import pytest
from weasyprint import HTML

from imports.parse import read_upload
from tests.conftest import need
from tests.imports.test_generic_layouts import MINUTES


def read(text: str, name: str = "m.txt"):
    return read_upload(text.encode(), name)[1]


def test_an_agenda_listed_before_the_attendance_is_not_read_as_people():
    """ "Agenda:" and its numbered list, then "Present:", then the items:
    the items begin again after the attendance, at 1."""
    text = (
        "Harbour Trust (HT) trustees meeting 31\nDate: 12 March 2026\n\n"
        "Agenda:\n1. Accounts\n2. Moorings\n\n"
        "Present:\nAna Silva\n\n"
        "1. Accounts\nThe Trustees AGREED the accounts.\n\n"
        "2. Moorings\nNone.\n"
    )
    parsed = read(text)
    assert [p.name for p in parsed.attendance] == ["Ana Silva"]
    assert [(i.number, i.title) for i in parsed.items] == [("1", "Accounts"), ("2", "Moorings")]
    assert [d.text for d in parsed.items[0].decisions] == ["the accounts."]
    assert not {"unread-line", "item-numbering"} & {f.kind for f in parsed.flags}


def test_an_agenda_title_no_item_takes_up_is_flagged():
    text = (
        "Harbour Trust (HT) trustees meeting 31\nDate: 12 March 2026\n\n"
        "Agenda:\n1. Accounts\n2. Moorings\n\n"
        "Present:\nAna Silva\n\n"
        "1. Accounts\nThe Trustees AGREED the accounts.\n"
    )
    [flag] = [f for f in read(text).flags if f.kind == "agenda-not-minuted"]
    assert flag.line == 6 and "'Moorings'" in flag.message


def test_a_sentence_after_a_decision_is_not_the_decisions():
    """ "… as an accurate record." over "Action 57/03 was reported …": the
    text's own sentence, as the same lines in Word read."""
    text = (MINUTES / "panel_58.txt").read_text()
    item = read(text).items[1]
    assert [d.text for d in item.decisions] == ["the minutes of meeting 57 as an accurate record."]
    assert item.narrative == "Action 57/03 was reported complete and closed."
    # A decision wrapped across lines is still one.
    wrapped = text.replace("as an accurate record.", "as an accurate\nrecord.")
    assert read(wrapped).items[1].decisions[0].text.endswith("as an accurate record.")


def test_an_attendance_line_wrapped_inside_its_bracket_is_one_person():
    """A PDF wraps "… (alternate for Hilde" over "Marsh)": one alternate, no
    person named "Marsh)"."""
    text = (MINUTES / "panel_58.txt").read_text()
    wrapped = text.replace("(alternate for Hilde Marsh)", "(alternate for Hilde\nMarsh)")
    people = {p.name: p for p in read(wrapped).attendance}
    assert "Marsh)" not in people
    assert people["Gideon Thorsby"].alternate_for == "Hilde Marsh"


def test_a_nick_that_reads_as_a_bots_is_a_member_and_is_flagged():
    """Only the bot's own nicks (its entry's `not_people`) are left out: a
    person's nick may end in "bot" as well (tests/imports/test_entry_data.py)."""
    parsed = read_upload((MINUTES / "bot_2026_06_02.txt").read_bytes(), "bot.txt")[1]
    assert "tessbot" in [p.name for p in parsed.attendance]
    [flag] = [f for f in parsed.flags if f.kind == "bot-like-nick"]
    assert "'tessbot'" in flag.message


def test_a_table_of_this_meetings_actions_read_as_reviewed_is_flagged():
    parsed = read_upload((MINUTES / "mixed_2026_07.txt").read_bytes(), "mixed.txt")[1]
    assert [r.reference for r in parsed.reviews] == ["HVDB 77/01", "HVDB 77/02", "HVDB 77/03"]
    [flag] = [f for f in parsed.flags if f.kind == "own-actions-reviewed"]
    assert flag.message.startswith("HVDB 77/01, HVDB 77/02, HVDB 77/03: numbered as")
    # A tracker's own list of this meeting's actions is what it is.
    tracker = read_upload((MINUTES / "tracker_22.md").read_bytes(), "tracker.md")[1]
    assert "own-actions-reviewed" not in {f.kind for f in tracker.flags}


def _as_word(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        if line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _as_pdf(lines: list[str]) -> bytes:
    body = "".join(f"<p>{html.escape(line)}</p>" if line.strip() else "<br>" for line in lines)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def _meeting(parsed) -> tuple:
    """What a secretary checks, without the source lines (which differ by format)."""
    people = [
        (p.name, p.section, p.group, p.role, p.alternate_for, p.remote, p.items)
        for p in parsed.attendance
    ]
    items = [
        (
            i.title,
            i.narrative,
            [(d.verb, d.text) for d in i.decisions],
            [(a.reference, a.owners, a.text, a.target_date) for a in i.actions],
        )
        for i in parsed.items
    ]
    return (
        parsed.committee,
        parsed.number,
        parsed.date,
        people,
        items,
        [f.kind for f in parsed.flags],
    )


@pytest.mark.parametrize("name", ["panel_58.txt", "generic_2026_06.txt"])
@pytest.mark.parametrize("make, suffix", [(_as_word, ".docx"), (_as_pdf, ".pdf")])
def test_a_new_document_reads_the_same_from_word_and_pdf(name, make, suffix):
    if suffix == ".pdf":
        need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    text = (MINUTES / name).read_text()
    converted = read_upload(make(text.split("\n")), name.replace(".txt", suffix))[1]
    assert _meeting(converted) == _meeting(read(text, name))


def test_a_sentence_that_begins_with_a_sections_word_opens_no_section():
    """ "Apologies were received and accepted." a paragraph of its own (Word,
    a paragraph a line) is item 1's text, not the apologies' label."""
    text = (MINUTES / "mixed_2026_07.txt").read_text()
    converted = read_upload(_as_word(text.split("\n")), "mixed.docx")[1]
    assert converted.items[0].narrative == "Apologies were received and accepted."
    assert _meeting(converted) == _meeting(read(text))


def test_a_title_that_ends_a_wrapped_line_stays_with_its_name():
    text = (MINUTES / "mixed_2026_07.txt").read_text()
    wrapped = text.replace("Ms Delphine Ashe,\n", "Ms\nDelphine Ashe,\n")
    names = [p.name for p in read(wrapped).attendance]
    assert "Ms Delphine Ashe" in names and "Ms" not in names


def test_an_actions_table_a_pdf_gives_no_row_of_is_flagged():
    """A PDF table of "Ref  Action  Owner  Due  Status" whose rows are not
    read: the actions are not in the import, and a flag says so."""
    need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    lines = (MINUTES / "mixed_2026_07.txt").read_text().split("\n")
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lines
        if line.startswith("|") and "---" not in line
    ]
    table = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if not line.startswith("|"))
    page = f"<html><body>{body}<table>{table}</table></body></html>"
    parsed = read_upload(HTML(string=page).write_pdf(), "mixed.pdf")[1]
    kinds = {flag.kind for flag in parsed.flags}
    assert len(parsed.reviews) == 3 or "reviews-missing" in kinds
    assert len(parsed.items) == 7  # no row read as an item


def test_a_minute_number_of_another_series_opens_no_item():
    """ "77/02 Write to landowners …", a row of the actions after item
    26/047, is no item 26/048."""
    text = (MINUTES / "mixed_2026_07.txt").read_text().split("\nActions\n")[0]
    text += "\nActions\n77/02 Write to landowners on the Marsh Dyke Clerk\n20/07/2026 Open\n"
    parsed = read(text)
    assert [i.title for i in parsed.items][-1] == "26/047 Any other business"
    assert len(parsed.items) == 7


TRUSTEES = (
    "Riverbank Trust (RBT)\nMinutes of Trustees meeting 12\nDate: 5 May 2026\n\n"
    "Present:\nAmy Chen (Chair)\nBen Ross\n\n"
)


def test_a_decision_said_with_also_or_it_was_is_a_decision():
    text = TRUSTEES + (
        "1. Finance\nThe Trustees reviewed the accounts.\n"
        "It was AGREED that the reserves policy stays as it is.\n"
        "The Trustees also AGREED\nto renew the insurance.\n"
    )
    item = read(text).items[0]
    assert [d.text for d in item.decisions] == [
        "that the reserves policy stays as it is.",
        "to renew the insurance.",
    ]
    assert item.narrative == "The Trustees reviewed the accounts."


def test_a_list_under_an_actions_label_is_the_items_actions():
    text = TRUSTEES + (
        "1. Premises\nThe lock on the shed is broken.\n\nActions:\n"
        "- Amy Chen to book the hall\n- Ben Ross to fix the lock by 20 May 2026\n\n"
        "2. Reviewed\nActions:\n- 11/02 done\n"
    )
    for name in ("m.txt", "m.md"):
        premises, reviewed = read(text, name).items
        assert [(a.owners, a.text, a.target_date) for a in premises.actions] == [
            (["Amy Chen"], "Amy Chen to book the hall", None),
            (["Ben Ross"], "Ben Ross to fix the lock by 20 May 2026", date(2026, 5, 20)),
        ]
        assert premises.narrative == "The lock on the shed is broken."
        assert not reviewed.actions  # a reference first: no action raised here


def test_a_panels_category_headings_without_colons_are_no_people():
    text = (MINUTES / "panel_58.txt").read_text()
    text = text.replace("Panel Members:\n", "Chair\n", 1).replace(
        "Declan Whitcombe", "Panel Members\nDeclan Whitcombe", 1
    )
    text = text.replace("In attendance\n", "In attendance\nCode Administrator\n", 1)
    people = {p.name: p for p in read(text).attendance}
    assert not {"Chair", "Panel Members", "Code Administrator"} & people.keys()
    assert len(people) == 10
    assert people["Marguerite Oyelaran"].group == "Independent"  # its bracket, not the heading
    # A person listed without brackets over a panel member stays a person.
    plain = text.replace("Marguerite Oyelaran (Independent) [Chair]", "Marguerite Oyelaran")
    assert "Marguerite Oyelaran" in {p.name for p in read(plain).attendance}


def test_an_action_whose_owner_is_in_brackets_before_its_colon_is_an_action():
    text = TRUSTEES + (
        "1. Finance\nACTION 12/05 (Treasurer): file the return by 31 May 2026.\n"
        "Action 046 (Amy Chen): call the bank.\n"
    )
    [item] = read(text).items
    assert [(a.reference, a.owners, a.text, a.target_date) for a in item.actions] == [
        ("RBT 12/05", ["Treasurer"], "file the return by 31 May 2026.", date(2026, 5, 31)),
        ("RBT 12/02", ["Amy Chen"], "(Action 046) call the bank.", None),
    ]
    assert item.narrative == ""
