"""The 2021 layout (Markdown from Word): the short invented sample shipped in
imports/fixtures, small texts for what the sample lacks, and the real OPSG 49
minutes from ../shared/seeds, which the project may read but not ship."""

import datetime
from functools import partial
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layouts import OPSG
from imports.parse import is_markdown, parse
from tests.conftest import unshipped_seed

# The OPSG 2021 layout: the generic reader given the registry's OPSG entry.
read_2021 = partial(parse_generic_layout, markdown=True, layout=OPSG)

D = datetime.date
FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
SAMPLE = FIXTURES / "opsg_49_sample.md"
OPSG_25 = FIXTURES / "opsg_25_minutes.txt"  # the 2019 minutes, which may be shipped


@pytest.fixture(scope="module")
def sample():
    return read_2021(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_49():
    seed = unshipped_seed("001_12df44be4725d42b.txt")
    return read_2021(seed.read_text(encoding="utf-8"))


def item(minutes, number):
    return next(i for i in minutes.items if i.number == number)


def flags_of(minutes, kind):
    return [f for f in minutes.flags if f.kind == kind]


# --- the sample: header and attendance ------------------------------------------------


def test_the_sample_header(sample):
    assert (sample.committee, sample.number, sample.reference) == ("OPSG", 49, "OPSG_49_1705")
    assert sample.date == D(2021, 5, 17)
    assert (sample.start_time, sample.end_time) == (datetime.time(9, 30), datetime.time(12, 45))
    assert sample.teleconference and sample.location == ""
    assert not sample.final
    assert sample.kind == "main"
    assert sample.classification_label == "White"
    assert sample.classification_statement.startswith("Information can be shared with other")
    assert sample.classification_statement.endswith("(including publication online).")
    assert sample.next_meetings == [("main", D(2021, 6, 7)), ("reporting", D(2021, 6, 21))]


def test_the_sample_counts(sample):
    assert sample.counts() == {
        "members": 8,
        "participants": 5,
        "apologies": 2,
        "items": 3,
        "sub_items": 2,
        "decisions": 5,
        "actions_raised": 4,
        "actions_reviewed": 3,
        "closed": 1,
        "incidents": 2,
        "flags": 3,
    }


def test_members_by_category_with_their_marks(sample):
    members = {p.name: p for p in sample.attendance if p.section == "member"}
    assert members["Harriet Vale"].group == "Operations Group Chair"
    # A blank category cell continues the one above; plurals read as the categories.
    assert [n for n, p in members.items() if p.group == "Large Supplier"] == [
        "Bernard Quill",
        "Lena Ostrova",
        "Tomasz Wren",
    ]
    assert members["Sunita Rao"].remote and members["Sunita Rao"].group == "Network Party"
    lena = members["Lena Ostrova"]
    assert lena.alternate and lena.alternate_for == "Imogen Hart"
    assert members["Tomasz Wren"].alternate and members["Tomasz Wren"].alternate_for == ""
    assert members["Greta Fenn"].part and members["Greta Fenn"].items == ""
    assert members["Colin Marsh"].group == "Other SEC Party"
    assert members["Colin Marsh"].line == 26


def test_other_participants_by_body_across_a_continued_table(sample):
    participants = [p for p in sample.attendance if p.section == "participant"]
    assert [(p.group, p.name) for p in participants] == [
        ("DCC", "Priya Lomax"),
        ("DCC", "Declan Frost"),
        ("SECAS", "Ruth Alder"),
        ("SECAS", "Felix Orme"),
        ("Ofgem", "Nadia Brook"),
    ]
    by_name = {p.name: p for p in participants}
    assert by_name["Priya Lomax"].role == "DCC's nominated lead"
    assert by_name["Ruth Alder"].role == "Meeting Secretary"
    assert by_name["Declan Frost"].items == "3" and by_name["Declan Frost"].part
    assert by_name["Felix Orme"].items == "2 & 3"


def test_apologies(sample):
    apologies = [(p.group, p.name) for p in sample.attendance if p.section == "apology"]
    assert apologies == [("Large Supplier", "Ian Cole"), ("Other SEC Party", "Mabel Dunn")]


def test_an_apologies_label_under_a_line_of_its_own_still_opens_the_apologies():
    # Its blank line lost, "Apologies:" ends a block that opens with a note;
    # the label is still read, the note kept and flagged.
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "\nApologies:\n", "\nThe meeting was held online.\nApologies:\n"
    )
    minutes = read_2021(text)
    apologies = [p.name for p in minutes.attendance if p.section == "apology"]
    assert apologies == ["Ian Cole", "Mabel Dunn"]
    unplaced = [f.message for f in flags_of(minutes, "unplaced-line")]
    assert any("The meeting was held online." in m for m in unplaced)
    assert not any("Apologies:" in m for m in unplaced)


# --- the sample: items ----------------------------------------------------------------


def test_items_and_sub_items_in_order(sample):
    assert [(i.number, i.title) for i in sample.items] == [
        ("1", "Previous Meeting Minutes"),
        ("2", "Actions Outstanding"),
        ("3", "Service Reports"),
        ("3.1", "INC000000512345"),
        ("3.2", "Communications Hub Stock Report"),
    ]
    assert [i.line for i in sample.items] == [46, 52, 70, 74, 78]


def test_the_narrative_is_markdown_without_decisions_actions_or_the_table(sample):
    stock = item(sample, "3.2")
    assert stock.narrative == (
        "The OPSG considered the stock report for April 2021, which covered three regions:\n\n"
        "1. North, where stock fell by 4%;\n"
        "2. Central, where stock was flat; and\n"
        "3. South, where stock rose by 2%.\n\n"
        # Cut in two by a page break in Word, joined again.
        "A member asked whether the North figures included returned hubs. The DCC noted "
        "that returned hubs are counted once they are retested."
    )
    assert stock.post_meeting_note == (
        "the DCC confirmed on 19 May that 310 retested hubs were included."
    )
    assert "[SECAS website](https://example.org/opsg-reports)" in item(sample, "3").narrative
    outstanding = item(sample, "2").narrative
    assert outstanding == "SECAS took the group through the open actions."
    assert not any("ACTION" in i.narrative or "**" in i.narrative for i in sample.items)


def test_decisions_single_numbered_and_bulleted(sample):
    assert [(d.verb, d.text) for d in item(sample, "1").decisions] == [
        ("AGREED", "to publish the OPSG_48 minutes as final.")
    ]
    numbered, noted, agreed = item(sample, "3.2").decisions
    assert (numbered.verb, numbered.text) == ("NOTED", "that:")
    assert len(numbered.points) == 2 and numbered.points[1].startswith("the North region")
    assert (noted.verb, noted.text) == ("NOTED", "the Service Reports.")
    assert agreed.verb == "AGREED" and agreed.text.startswith("that the gateway incident's")


def test_the_words_before_a_decision_are_kept_in_the_narrative():
    """A decision inside a paragraph, or in the list after a caption: the
    words before it are narrative (they were dropped), a list's mark is not."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace(
        "The OPSG **AGREED** to publish", "No comments were made and the OPSG **AGREED** to publish"
    )
    text = text.replace(
        "The OPSG **NOTED** the update.",
        "Outcomes:\n\n- The OPSG **NOTED** the update.\n- The OPSG **AGREED** the plan.",
    )
    minutes = read_2021(text)
    first, second = item(minutes, "1"), item(minutes, "2")
    assert first.narrative.endswith("\n\nNo comments were made.")
    assert [d.text for d in first.decisions] == ["to publish the OPSG_48 minutes as final."]
    assert second.narrative == "SECAS took the group through the open actions.\n\nOutcomes:"
    assert [d.verb for d in second.decisions] == ["NOTED", "AGREED"]


def test_actions_with_targets_and_the_typo_flagged(sample):
    actions = item(sample, "3.2").actions
    assert [a.reference for a in actions] == [f"OPSG 49/0{n}" for n in range(1, 5)]
    by_date, typo, by_meeting, plain = actions
    assert (by_date.owners, by_date.target_date) == (["SECAS"], D(2021, 5, 28))
    assert typo.owners == ["DCC"] and typo.target_date == D(2021, 6, 7)  # the next meeting
    assert by_meeting.target_date is None and "June meeting" in by_meeting.target_note
    assert by_meeting.text.startswith("Certificate Management – Expiry Alerts: The DCC")
    assert plain.line == 98
    [flag] = flags_of(sample, "committee-typo")
    assert flag.line == 94 and "OPSF 49/02" in flag.message


def test_the_actions_outstanding_table(sample):
    closed, tbd, conf = sample.reviews
    assert (closed.reference, closed.status, closed.owners) == ("OPSG 46/03", "closed", ["SECAS"])
    assert closed.raised_on == D(2021, 4, 12) and closed.last_target_date == D(2021, 5, 17)
    assert (closed.revised_target_date, closed.revised_target_note) == (None, "")  # N/A
    assert closed.update == "SECAS circulated the guidance on 4 May."
    assert closed.line == 58
    # Its update row comes after a page break, under a repeated header.
    assert (tbd.reference, tbd.status) == ("OPSG 47/05", "open")
    assert (tbd.revised_target_date, tbd.revised_target_note) == (None, "To be determined")
    assert tbd.update.startswith("The DCC reported that the triage rules")
    assert (conf.reference, conf.status) == ("OPSG 44/CONF 01", "open")
    assert conf.revised_target_date == D(2021, 6, 21)


def test_the_heading_incident_that_the_text_does_not_review(sample):
    assert item(sample, "3.1").incidents == ["INC000000512345", "INC000000498765"]
    [flag] = flags_of(sample, "incident-mismatch")
    assert flag.line == 74 and "INC000000498765" in flag.message


# --- what the sample lacks ------------------------------------------------------------

MESSY = """\
Operations Group Extraordinary Meeting

1 March 2021, OPSG_45_0103

10:00 – 12:00

8 Fenchurch Place, London

Page 3 of 9

Final Minutes

1. Actions Outstanding

| Action ID | Action | Date Raised | Last Target Date | Revised Target Date | Owner |
|---|---|---|---|---|---|
| OPSG 44/01 | DCC to publish the plan. | 31/02/2021 | 01/03/2021 | N/A | DCC/SECAS |
| stray | cells | | | | |

ACTION: SECAS to circulate the plan.

ACTION OPSG 45/01: SECAS to circulate it again. [Post meeting note: done on 2 March.]
"""


def test_what_cannot_be_placed_is_kept_in_the_nearest_item_and_flagged():
    minutes = read_2021(MESSY)
    assert minutes.kind == "extraordinary" and minutes.final
    assert minutes.location == "8 Fenchurch Place, London" and not minutes.teleconference
    unplaced = flags_of(minutes, "unplaced-line")
    assert [(f.line, f.message.split(": ", 1)[1]) for f in unplaced] == [
        (9, "Page 3 of 9"),
        (18, "| stray | cells |  |  |  |  |"),
    ]
    narrative = minutes.items[0].narrative
    assert narrative.startswith("Page 3 of 9")
    assert "ACTION: SECAS to circulate the plan." in narrative
    assert "| stray | cells |" in narrative


def test_doubtful_rows_and_action_lines_are_flagged_not_invented():
    minutes = read_2021(MESSY)
    [review] = minutes.reviews
    assert review.owners == ["DCC", "SECAS"] and review.raised_on is None
    assert [f.kind for f in minutes.flags if f.line == 17] == ["unreadable-date", "missing-status"]
    [action] = minutes.items[0].actions  # the ACTION without a reference is not one
    assert action.reference == "OPSG 45/01"
    assert action.text == "SECAS to circulate it again."
    assert minutes.items[0].post_meeting_note == "done on 2 March."
    assert flags_of(minutes, "unread-action")[0].line == 20


def test_actions_of_a_confidential_session_number_apart():
    text = "OPSG_45_0103\n\n1. Items\n\n" + "\n\n".join(
        f"ACTION OPSG 45/{ref}: The DCC to report." for ref in ("01", "CONF 01", "02", "CONF 02")
    )
    minutes = read_2021(text)
    assert [a.reference for a in minutes.items[0].actions] == [
        "OPSG 45/01",
        "OPSG 45/CONF 01",
        "OPSG 45/02",
        "OPSG 45/CONF 02",
    ]
    assert minutes.flags == []


def test_numbered_headings_written_as_markdown_headings():
    text = "# 1. Welcome\n\nHello.\n\n## 1.1 Intro\n\nText.\n\n# 2 Close\n\nBye.\n"
    minutes = read_2021(text)
    assert [(i.number, i.title, i.narrative) for i in minutes.items] == [
        ("1", "Welcome", "Hello."),
        ("1.1", "Intro", "Text."),
        ("2", "Close", "Bye."),
    ]


def test_a_numbered_list_inside_an_item_is_not_a_heading():
    text = "1. One\n\nIntro:\n\n1. first\n\n2. second\n\n3. third\n\n2. Two\n\nEnd.\n"
    minutes = read_2021(text)
    assert [i.number for i in minutes.items] == ["1", "2"]
    assert "3. third" in minutes.items[0].narrative


def test_an_unknown_layout_gives_what_was_read_and_says_so():
    minutes = read_2021("Shopping list\n\nACTION OPSG 1/01: buy milk.\n")
    assert minutes.flags[0].kind == "unknown-layout"
    assert minutes.items == [] and minutes.reviews == []
    assert [f.line for f in flags_of(minutes, "unplaced-line")] == [1, 3]


@pytest.mark.parametrize("text", ["", "\n\n", "|", "| a |\n|---|\n", "#", "1.", "\x00\x01"])
def test_it_never_raises(text):
    assert read_2021(text).flags[0].kind == "unknown-layout"


def test_the_layout_is_chosen_by_markdown_marks():
    assert is_markdown(SAMPLE.read_text(encoding="utf-8"))
    assert is_markdown("# 1. Welcome")
    assert is_markdown("The OPSG **NOTED** the update.")
    assert not is_markdown("OPSG_25_0110 – Draft Minutes Page 1 of 12\n\n1. Previous Meeting")
    # The 2019 minutes, as text from their PDF, go to the text layout.
    opsg_25 = parse(OPSG_25.read_text(encoding="utf-8"))
    assert (opsg_25.number, opsg_25.counts()["members"]) == (25, 15)
    assert parse(SAMPLE.read_text(encoding="utf-8")).counts()["members"] == 8


def test_review_owners_are_read_as_the_text_layout_reads_them():
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("| N/A | SECAS |", "| N/A | The DCC & OPSG Members |")
    [review] = [r for r in read_2021(text).reviews if r.reference == "OPSG 46/03"]
    assert review.owners == ["DCC", "OPSG members"]


def test_a_closing_block_naming_the_parent_item_is_flagged(sample):
    [flag] = flags_of(sample, "placement")
    assert flag.message == (
        "Item 3.2 closes with \u201cNOTED the Service Reports\u201d, which names item 3 "
        "(Service Reports): that decision and 3.2's 4 actions may belong to item 3 as a whole; "
        "they are kept under 3.2."
    )
    assert [a.reference for a in item(sample, "3.2").actions] == [
        f"OPSG 49/{n:02d}" for n in range(1, 5)
    ]


def test_a_sub_items_own_decision_is_not_flagged():
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "NOTED** the Service Reports", "NOTED** the report"
    )
    assert flags_of(read_2021(text), "placement") == []


# --- the real OPSG 49 minutes (read from ../shared, never shipped) ---------------------


def test_the_2021_minutes_counts(seed_49):
    counts = seed_49.counts()
    assert (counts["members"], counts["participants"], counts["apologies"]) == (13, 15, 3)
    assert (counts["items"], counts["sub_items"]) == (10, 11)
    assert counts["decisions"] == 13


def test_the_2021_minutes_header(seed_49):
    assert (seed_49.committee, seed_49.number, seed_49.reference) == ("OPSG", 49, "OPSG_49_2405")
    assert seed_49.date == D(2021, 5, 24) and seed_49.final and seed_49.teleconference
    assert seed_49.classification_label == "White"
    assert seed_49.next_meetings == [("main", D(2021, 6, 1)), ("reporting", D(2021, 6, 28))]


def test_the_2021_minutes_actions_raised(seed_49):
    actions = [a for i in seed_49.items for a in i.actions]
    assert [a.reference for a in actions] == [f"OPSG 49/{n:02d}" for n in range(1, 21)]
    [typo] = flags_of(seed_49, "committee-typo")
    assert "OPSF 49/04" in typo.message
    by_meeting = actions[15]
    assert by_meeting.target_date is None and "June meeting" in by_meeting.target_note


def test_the_2021_minutes_actions_reviewed(seed_49):
    assert [(r.reference, r.status) for r in seed_49.reviews] == [
        ("OPSG 43/07", "closed"),
        ("OPSG 45/CONF 02", "open"),
        ("OPSG 47/08", "open"),
        ("OPSG 45/CONF 03", "open"),
    ]
    assert seed_49.reviews[2].revised_target_note == "Revised date to be determined by DCC"


def test_the_2021_minutes_closing_blocks_are_flagged(seed_49):
    """49/01–06 and "The OPSG NOTED the SEC Panel Reports" follow 3.5's text
    but close item 3; 9.3 ends with item 9's decision on the Major Incident
    Review. Both are kept where they stand, and flagged at the decision."""
    flags = flags_of(seed_49, "placement")
    assert [(f.line, f.message.split(":")[0]) for f in flags] == [
        (
            154,
            "Item 3.5 closes with \u201cNOTED the SEC Panel Reports\u201d, which names item 3 (SEC Panel Reports)",
        ),
        (
            322,
            "Item 9.3 closes with \u201cNOTED the Major Incident Review\u201d, which names item 9 (Major Incident Review)",
        ),
    ]
    assert "3.5's 6 actions may belong to item 3 as a whole" in flags[0].message
    assert "9.3's 1 action may belong" in flags[1].message


def test_the_2021_minutes_incident_mismatch(seed_49):
    [flag] = flags_of(seed_49, "incident-mismatch")
    assert "9.1" in flag.message and "INC000000708834" in flag.message
    assert "INC000000697994" in flag.message


@pytest.mark.parametrize(
    "points",
    [
        "1. The OPSG **NOTED** the update. 2. The OPSG **AGREED** the plan.",
        "SECAS presented the plan.\n\n1. The OPSG **NOTED** the update.\n"
        "2. The OPSG **AGREED** the plan.",
    ],
)
def test_numbered_points_that_each_hold_a_decision(points):
    """Issue 16: each point is a decision; the next point's mark ("2.") is
    in neither."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count("The OPSG **NOTED** the update.") == 1
    minutes = parse(text.replace("The OPSG **NOTED** the update.", points))
    found = [(d.verb, d.text) for i in minutes.items for d in i.decisions]
    assert [d for d in found if d[1] in ("the update.", "the plan.")] == [
        ("NOTED", "the update."),
        ("AGREED", "the plan."),
    ]
    assert not [d for d in found if d[1].endswith(" 2.")]
