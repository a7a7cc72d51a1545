"""The PDF-text layout (imports/layout_text.py) on the shipped OPSG 25
minutes, compared with the hand-built demo of the same meeting
(tests/opsg25_transcript.py), and on text that is not minutes at all."""

import datetime
import hashlib
import re
from pathlib import Path

import pytest

import imports
from imports.layout_text import parse_text_layout
from tests import opsg25_transcript as opsg25

D = datetime.date
FIXTURE = Path(imports.__file__).parent / "fixtures" / "opsg_25_minutes.txt"


@pytest.fixture(scope="module")
def source() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def minutes(source):
    return parse_text_layout(source)


def line_of(source: str, words: str) -> int:
    """The 1-based line of the fixture on which `words` first appear."""
    for number, line in enumerate(source.split("\n"), start=1):
        if words in line:
            return number
    raise AssertionError(f"{words!r} is not in the fixture")


def visible(markdown: str) -> list[str]:
    """Paragraphs as a reader sees them, whitespace tidied. The PDF text keeps
    a link's words but not its address, nor where a footnote's mark was, so
    links become their words and footnotes are left out on both sides."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)
    text = re.sub(r"^\[\^\d+\]:.*$", "", text, flags=re.M)
    text = re.sub(r"\[\^\d+\]", "", text)
    paragraphs = re.split(r"\n\s*\n", text)
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def by_number(minutes):
    return {item.number: item for item in minutes.items}


def actions_against_the_demo(minutes) -> list[tuple[list, list]]:
    """Per item of the demo: (the actions it raises, the actions read), as
    (reference, owners, text, target date); no date in the demo is the next meeting."""
    items = by_number(minutes)
    return [
        (
            [
                (
                    a["reference"],
                    a["owners"],
                    a["text"],
                    a["target_date"] or opsg25.NEXT_MAIN_MEETING,
                )
                for a in expected.get("actions", [])
            ],
            [
                (a.reference, a.owners, a.text, a.target_date)
                for a in items[expected["number"]].actions
            ],
        )
        for expected in opsg25.ITEMS
    ]


# --- what the shipped minutes hold ------------------------------------------


# OPSG 25's figures, as the issue gives them (the flags aside).
OPSG_25_COUNTS = {
    "members": 15,
    "participants": 22,
    "apologies": 4,
    "items": 20,
    "sub_items": 0,
    "decisions": 20,
    "actions_raised": 18,
    "actions_reviewed": 10,
    "closed": 3,
    "incidents": 2,
}


def test_the_counts(minutes):
    counts = minutes.counts()
    assert {key: counts[key] for key in counts if key != "flags"} == OPSG_25_COUNTS


def test_the_header(minutes):
    white_2019 = opsg25.CLASSIFICATIONS[0]
    assert (minutes.committee, minutes.number, minutes.kind) == ("OPSG", 25, "main")
    assert minutes.date == opsg25.MEETING["date"]
    assert (minutes.start_time, minutes.end_time) == (
        opsg25.MEETING["start_time"],
        opsg25.MEETING["end_time"],
    )
    assert (minutes.location, minutes.teleconference) == (opsg25.LOCATION, False)
    assert (minutes.reference, minutes.final) == ("OPSG_25_0110", False)
    assert minutes.classification_label == white_2019["label"]
    assert minutes.classification_statement == white_2019["statement"]
    assert minutes.next_meetings == [
        (meeting["kind"], meeting["date"]) for meeting in opsg25.NEXT_MEETINGS
    ]


def test_the_actions_raised_are_25_01_to_25_18(minutes):
    references = [action.reference for item in minutes.items for action in item.actions]
    assert references == [f"OPSG 25/{n:02d}" for n in range(1, 19)]


def test_exactly_the_eight_renumbered_actions_are_flagged_on_their_lines(minutes, source):
    renumbered = [flag for flag in minutes.flags if flag.kind == "renumbered"]
    printed = ["110", "121", "132", "143", "154", "165", "176", "187"]
    assert [flag.line for flag in renumbered] == [
        line_of(source, f"ACTION OPSG 25/{number}:") for number in printed
    ]
    for flag, number, meant in zip(renumbered, printed, range(11, 19), strict=True):
        assert f"OPSG 25/{number}" in flag.message
        assert f"OPSG 25/{meant}" in flag.message


def test_every_flag_points_at_a_line_of_the_source(minutes, source):
    last = len(source.split("\n"))
    assert all(1 <= flag.line <= last for flag in minutes.flags)
    lines = source.split("\n")
    unplaced = [flag for flag in minutes.flags if flag.kind == "unplaced-line"]
    # A stray "0)" between two member rows, left by the PDF's table.
    assert [lines[flag.line - 1].strip() for flag in unplaced] == ["0)"]
    [repaired] = [flag for flag in minutes.flags if flag.kind == "text-repaired"]
    assert repaired.line == line_of(source, "ModificationSECMP00 67")


def test_elements_carry_their_source_lines(minutes, source):
    items = by_number(minutes)
    assert items["4"].line == line_of(source, "4. Major Incidents")
    assert items["4"].actions[0].line == line_of(source, "ACTION OPSG 25/03:")
    assert items["6"].decisions[0].line == line_of(source, "The OPSG ENDORSED")
    assert minutes.reviews[0].line == line_of(source, "11/02") - 2  # "OPSG" above it
    assert minutes.attendance[0].line == line_of(source, "Dave Warner")


def test_the_incidents(minutes):
    items = by_number(minutes)
    assert items["4"].incidents == ["INC000000478818", "INC000000479406"]
    assert [item.number for item in minutes.items if item.incidents] == ["4"]
    assert [incident["reference"] for incident in opsg25.INCIDENTS] == items["4"].incidents
    assert not [flag for flag in minutes.flags if flag.kind == "incident-mismatch"]


def test_the_reviews_dates_as_printed(minutes):
    rows = [
        (
            review.reference,
            review.raised_on,
            review.last_target_date,
            review.revised_target_date,
            review.revised_target_note,
            review.status,
        )
        for review in minutes.reviews
    ]
    assert rows == [
        ("OPSG 11/02", D(2018, 8, 28), D(2019, 9, 13), None, "", "closed"),
        ("OPSG 20/06", D(2019, 5, 7), D(2019, 10, 1), None, "", "closed"),
        ("OPSG 23/05", D(2019, 8, 6), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
        ("OPSG 23/06", D(2019, 8, 6), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
        ("OPSG 23/08", D(2019, 8, 6), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
        ("OPSG 23/09", D(2019, 8, 6), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
        ("OPSG 24/02", D(2019, 9, 3), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
        ("OPSG 24/05", D(2019, 9, 3), D(2019, 10, 1), None, "To be determined", "open"),
        ("OPSG 24/06", D(2019, 9, 3), D(2019, 10, 1), None, "", "closed"),
        ("OPSG 24/08", D(2019, 9, 3), D(2019, 10, 1), D(2019, 11, 5), "", "open"),
    ]
    assert all(review.last_target_note == "" for review in minutes.reviews)


# --- the same meeting as the demo has it ------------------------------------


def people(groups):
    return [
        (group, p["name"], p["is_alternate"], p["remote"], p["part"], p["role"])
        for group, members in groups
        for p in members
    ]


def parsed_people(minutes, section):
    found = [p for p in minutes.attendance if p.section == section]
    assert all(p.alternate_for == "" and p.items == "" for p in found)
    return [(p.group, p.name, p.alternate, p.remote, p.part, p.role) for p in found]


def test_attendance_matches_the_demo(minutes):
    assert parsed_people(minutes, "member") == people(opsg25.MEMBERS)
    assert parsed_people(minutes, "participant") == people(opsg25.PARTICIPANTS)
    assert parsed_people(minutes, "apology") == people(opsg25.APOLOGIES)


def test_the_participants_printed_after_item_2_are_flagged(minutes, source):
    [flag] = [flag for flag in minutes.flags if flag.kind == "attendance-continued"]
    assert flag.line == line_of(source, "DSP Graham Spenceley")
    assert "Graham Spenceley" not in by_number(minutes)["2"].narrative


def test_item_numbers_and_titles_match_the_demo(minutes):
    assert [(item.number, item.title) for item in minutes.items] == [
        (item["number"], item["title"]) for item in opsg25.ITEMS
    ]


def test_narratives_match_the_demo(minutes):
    items = by_number(minutes)
    for expected in opsg25.ITEMS:
        parsed = items[expected["number"]]
        if expected["number"] == "11":
            continue  # below: one paragraph break the PDF text cannot show
        narrative = parsed.narrative
        if expected["number"] == "1":
            # The stray "0)" a cell of the attendance table left: kept, and
            # flagged (test_every_flag_points_at_a_line_of_the_source).
            assert narrative.startswith("0)\n\n")
            narrative = narrative.removeprefix("0)\n\n")
        assert visible(narrative) == visible(expected["narrative"]), expected["number"]
        assert parsed.post_meeting_note == expected.get("post_meeting_note", "")


def test_item_11_differs_only_by_one_paragraph_break(minutes):
    """The demo joins "…‘Service Request Traffic Management’." and "This also
    included …"; in the PDF text that sentence ends a line followed by a blank
    line and a capital, exactly like every real paragraph end, so the parse
    keeps them apart."""
    parsed = visible(by_number(minutes)["11"].narrative)
    expected = visible(opsg25.ITEMS[10]["narrative"])
    assert len(parsed) == len(expected) + 1
    assert parsed[0] + " " + parsed[1] == expected[0]
    assert parsed[2:] == expected[1:]


def test_the_footnote_is_kept_in_item_6_and_flagged(minutes, source):
    item = by_number(minutes)["6"]
    demo_decision = opsg25.ITEMS[5]["decisions"][0]["text"]
    footnote = "Enable customers to be able to put updates on Service Requests via SSI"
    assert f"[^1]: {footnote}" in demo_decision
    assert item.narrative.endswith(f"[^1]: {footnote}")
    [flag] = [flag for flag in minutes.flags if flag.kind == "footnote"]
    assert flag.line == line_of(source, f"1 {footnote}")


def test_link_targets_are_flagged_not_put_in_the_narrative(minutes, source):
    links = [flag for flag in minutes.flags if flag.kind == "link-target"]
    assert opsg25.DP083_URL in links[0].message
    assert links[0].line == line_of(source, opsg25.DP083_URL)
    for url in (opsg25.CODEWORKS_URL, opsg25.SECMP0067_URL, opsg25.SECMP0062_URL):
        assert any(url in flag.message for flag in links)
    assert all("https://" not in item.narrative for item in minutes.items)


def test_decisions_match_the_demo(minutes):
    items = by_number(minutes)
    for expected in opsg25.ITEMS:
        parsed = items[expected["number"]].decisions
        wanted = [
            (d["verb"], visible(d["text"])[0], d["points"], d["first_point_number"])
            for d in expected.get("decisions", [])
        ]
        found = [(d.verb, d.text, d.points, d.first_point_number) for d in parsed]
        assert found == wanted, expected["number"]


def test_actions_match_the_demo(minutes):
    for wanted, found in actions_against_the_demo(minutes):
        assert found == wanted
    assert all(a.target_note == "" for item in minutes.items for a in item.actions)


def test_the_action_owner_picked_out_of_a_sentence_is_flagged(minutes, source):
    [guess] = [flag for flag in minutes.flags if flag.kind == "owner-guess"]
    assert guess.line == line_of(source, "ACTION OPSG 25/08:")


def test_reviews_match_the_demo(minutes):
    found = [
        (
            r.reference,
            r.text,
            r.owners,
            r.raised_on,
            r.last_target_date,
            r.revised_target_date,
            r.revised_target_note,
            visible(r.update),
            r.status,
        )
        for r in minutes.reviews
    ]
    wanted = [
        (
            r["reference"],
            r["text"],
            r["owners"],
            r["raised_on"],
            r["last_target_date"],
            r["revised_target_date"],
            r["revised_target_note"],
            visible(r["update"]),
            r["status"],
        )
        for r in opsg25.ACTIONS_REVIEWED
    ]
    assert found == wanted


def outcomes(minutes) -> list[tuple[str, str, str, str]]:
    return [(r.reference, r.outcome, r.superseded_by, r.transferred_to) for r in minutes.reviews]


def outcomes_in_the_demo() -> list[tuple[str, str, str, str]]:
    return [
        (
            r["reference"],
            r.get("outcome", ""),
            r.get("superseded_by", ""),
            r.get("transferred_to", ""),
        )
        for r in opsg25.ACTIONS_REVIEWED
    ]


def test_how_the_closed_actions_ended_is_read_from_their_updates_and_flagged(minutes):
    """11/02 "will be superseded by a new action (OPSG 25/01)", 20/06 "will
    be investigated as part of the Operational Metrics Project", 24/06
    "should therefore be transferred to the … (TABASC)"."""
    assert outcomes(minutes) == outcomes_in_the_demo()
    flagged = [(f.line, f.message) for f in minutes.flags if f.kind == "outcome-read"]
    lines = {r.reference: r.line for r in minutes.reviews}
    assert flagged == [
        (
            lines["OPSG 11/02"],
            "OPSG 11/02: read as closed, superseded by OPSG 25/01 (completed, if OPSG 25/01 is "
            "not in the record), as its update says; check it.",
        ),
        (
            lines["OPSG 20/06"],
            "OPSG 20/06: read as closed, absorbed into Operational Metrics Project, as its "
            "update says; check it.",
        ),
        (
            lines["OPSG 24/06"],
            "OPSG 24/06: read as closed, transferred to TABASC (completed, if TABASC is not a "
            "committee in the record), as its update says; check it.",
        ),
    ]


def without_line(source: str, number: int) -> str:
    lines = source.split("\n")
    return "\n".join(lines[: number - 1] + lines[number:])


def test_a_row_whose_reference_number_is_lost_is_flagged_and_kept(minutes, source):
    """Issue 16: "OPSG" with the "24/08" under it gone, the row is no
    review, but it is never merged into item 3's narrative in silence: it is
    flagged as a row whose reference could not be read, naming its lines,
    and its text kept in the narrative; the rows before it read as before."""
    number = line_of(source, "24/08")
    parsed = parse_text_layout(without_line(source, number))
    references = [review.reference for review in minutes.reviews]
    assert [review.reference for review in parsed.reviews] == references[:-1]
    [flag] = [f for f in parsed.flags if "could not be read" in f.message]
    assert (flag.kind, flag.line) == ("table-row", number - 2)
    assert flag.message.startswith(
        f"Lines {number - 2}–{number + 21} look like a row of the Actions Outstanding table (dates, "
        "owner DCC/SECAS, 'Action Status: Open')"
    )
    narrative = by_number(parsed)["3"].narrative
    assert "forecast. 03/09/2019 01/10/2019 05/11/2019 DCC/SECAS It was noted" in narrative
    assert narrative.endswith("establish the SEC requirement. Action Status: Open")
    assert parsed.counts()["decisions"] == minutes.counts()["decisions"]


def test_a_lost_reference_does_not_lose_the_rows_after_it(minutes, source):
    """The first row's "11/02" gone: that row is flagged, and 20/06, 23/05
    and the rest are still read as reviews, with their dates and owners."""
    number = line_of(source, "11/02")
    parsed = parse_text_layout(without_line(source, number))
    assert [(r.reference, r.raised_on, r.owners, r.status) for r in parsed.reviews] == [
        (r.reference, r.raised_on, r.owners, r.status) for r in minutes.reviews[1:]
    ]
    flagged = [(f.kind, f.line) for f in parsed.flags if "could not be read" in f.message]
    assert flagged == [("table-row", number - 2)]


def test_a_reference_without_its_code_is_flagged_with_what_it_reads(source):
    number = line_of(source, "24/08")
    parsed = parse_text_layout(without_line(source, number - 2))
    [flag] = [f for f in parsed.flags if "could not be read" in f.message]
    assert flag.line == number - 1
    assert "(its first line reads '24/08')" in flag.message
    assert "OPSG 24/08" not in [review.reference for review in parsed.reviews]


# --- text in this layout with other troubles ----------------------------------

SMALL = """\
Operations Group Meeting 45

3 March 2020, 10:00 – 12:00

Teleconference

OPSG_45_0303 - Final Minutes

Attendees:

Category Operations Group Members

Large Supplier Ann Other (alternate for Marta Kaminska)

Bea Smith (agenda item 2 & 3) (Teleconference)

Representing Other Participants

DCC Cal Jones (DCC's nominated lead)

1. Actions Outstanding

Action ID Action Date Raised Last Target Date Revised Target Date Owner

OPSG 44/01 DCC to report. 04/02/2020 TBC Revised date to be determined by DCC DCC

The DCC gave an update.

Action Status: Open

ACTION OPSF 45/01: DCC to report by the June meeting, OPSG_50.

###

ACTION OPSG 45/CONF 01: SECAS to hold the list within 10 working days.

Next Meeting: 7 April 2020
"""


@pytest.fixture(scope="module")
def small():
    return parse_text_layout(SMALL)


def test_a_small_document_header(small):
    assert (small.committee, small.number, small.date) == ("OPSG", 45, D(2020, 3, 3))
    # A teleconference is no place: the minutes print "Teleconference" for it
    # (templates/meetings/minutes.html), as the Markdown's reader reads it.
    assert (small.location, small.teleconference, small.final) == ("", True, True)
    assert small.next_meetings == [("main", D(2020, 4, 7))]


def test_attendance_marks(small):
    ann, bea, cal = small.attendance
    assert (ann.group, ann.alternate, ann.alternate_for) == (
        "Large Supplier",
        True,
        "Marta Kaminska",
    )
    assert (bea.group, bea.part, bea.items, bea.remote) == ("Large Supplier", True, "2 & 3", True)
    assert (cal.section, cal.group, cal.role) == ("participant", "DCC", "DCC's nominated lead")


def test_words_in_the_target_cells_are_kept_as_notes(small):
    [review] = small.reviews
    assert (review.reference, review.owners, review.raised_on) == (
        "OPSG 44/01",
        ["DCC"],
        D(2020, 2, 4),
    )
    assert (review.last_target_date, review.last_target_note) == (None, "TBC")
    assert review.revised_target_note == "Revised date to be determined by DCC"
    assert review.update == "The DCC gave an update."


def test_typo_targets_conf_numbering_and_an_unplaced_line(small):
    [item] = small.items
    assert [(a.reference, a.target_date, a.target_note) for a in item.actions] == [
        ("OPSG 45/01", None, "the June meeting, OPSG_50"),
        ("OPSG 45/CONF 01", None, "within 10 working days"),
    ]
    kinds = [(flag.line, flag.kind) for flag in small.flags]
    typo_line = SMALL.split("\n").index(
        "ACTION OPSF 45/01: DCC to report by the June meeting, OPSG_50."
    )
    assert (typo_line + 1, "committee-typo") in kinds
    assert (typo_line + 3, "unplaced-line") in kinds
    assert "###" in item.narrative  # kept where it was, not dropped


def test_an_action_without_a_reference_is_kept_and_flagged_as_the_markdown_s():
    text = SMALL.replace("###", "ACTION: SECAS to circulate the list.")
    minutes = parse_text_layout(text)
    [item] = minutes.items
    assert [a.reference for a in item.actions] == ["OPSG 45/01", "OPSG 45/CONF 01"]
    assert "ACTION: SECAS to circulate the list." in item.narrative
    line = text.split("\n").index("ACTION: SECAS to circulate the list.") + 1
    assert [f.kind for f in minutes.flags if f.line == line] == ["unread-action"]


def with_status(words: str) -> str:
    return SMALL.replace("Action Status: Open", f"Action Status: {words}")


def test_the_status_line_is_read_by_the_entry_s_status_words():
    """The 2019 text's "Action Status:" is read as the OPSG Markdown's and
    every entry's: "Done" closes the action, and a word no entry reads
    ("Superseded") is kept in the update and flagged, never read in silence."""
    [done] = parse_text_layout(with_status("Done")).reviews
    assert (done.status, done.update) == ("closed", "The DCC gave an update.")
    doubtful = parse_text_layout(with_status("Superseded"))
    [review] = doubtful.reviews
    assert review.status == "open"
    assert review.update == "The DCC gave an update.\n\nStatus: Superseded"
    review_line = SMALL.split("\n").index(
        "OPSG 44/01 DCC to report. 04/02/2020 TBC Revised date to be determined by DCC DCC"
    )
    assert [(f.kind, f.line) for f in doubtful.flags if "44/01" in f.message] == [
        ("review-status", review_line + 1)
    ]
    missing = parse_text_layout(SMALL.replace("Action Status: Open\n", ""))
    assert [f.kind for f in missing.flags if "44/01" in f.message] == ["missing-status"]


def test_a_four_digit_meeting_or_sequence_is_a_review_as_the_tokenizer_cuts_it():
    """The OPSG entry reads references of up to four digits a side, as the
    2019 text's tokenizer cuts its rows (imports.pdf_blocks)."""
    for reference in ("OPSG 1044/01", "OPSG 44/1001"):
        parsed = parse_text_layout(SMALL.replace("OPSG 44/01", reference))
        assert [review.reference for review in parsed.reviews] == [reference]
        assert not [flag for flag in parsed.flags if reference in flag.message]


@pytest.mark.parametrize(
    "points",
    [
        "1. The OPSG NOTED the update. 2. The OPSG AGREED the plan.",
        "SECAS presented the plan.\n\n1. The OPSG NOTED the update.\n2. The OPSG AGREED the plan.",
        "The OPSG NOTED that:\n\n1. SECAS reported the figures.\n2. The OPSG AGREED the plan.",
    ],
)
def test_numbered_points_that_each_hold_a_decision(points):
    """Issue 16: a point's decision does not end with the next point's mark
    ("the update. 2." was read)."""
    [item] = parse_text_layout(SMALL.replace("###", points)).items
    texts = [decision.text for decision in item.decisions]
    assert "the plan." in texts
    assert not [text for text in texts if text.endswith((" 2.", " 1."))]
    assert not [p for d in item.decisions for p in d.points if p.endswith(" 2.")]


# --- this app's own PDF, read with pdftotext -layout -----------------------------

# What the PDFs this app renders look like read back (tests/imports/
# test_round_trip.py reads the demo's whole OPSG 25): the running header on
# one line, the DRAFT mark's letters on lines of their own, the tables'
# captions, the Actions Outstanding table in columns, "Post-meeting note:" on
# its own line, a footnote ending in "↩", an incident review, and paragraphs
# that only the lengths of their lines tell apart.
OURS = """\
OPSG_45_0303                                  This document has a Classification of White                  Draft Minutes


Operations Group Meeting 45
3 March 2020, 10:00 – 12:00
Teleconference
OPSG_45_0303 – Draft Minutes                 Circulated for comments


Attendees
Members
 Category                                           Operations Group Members
 Large Supplier                                     Ann Other (Alternate)
                                                         FT
 DCC                                                Bea Smith (Teleconference)

Other participants
 Representing                                       Other Participants
                                         A
 SECAS                                              Cal Jones (Meeting Secretary)

Apologies
 Representing                                       Name
 Small Supplier                                     Dee Brown
                          R

1. Actions Outstanding
SECAS presented the actions outstanding table.
Actions outstanding reviewed at OPSG 45
 Action ID       Action                                       Date            Last           Revised       Owner
                                                              Raised          Target         Target
                                                                              Date           Date
 OPSG 44/01      DCC and SECAS to report on the               04/02/2020      03/03/2020     To be         DCC/SECAS
                 traffic seen since the                                                      determined
                 outage.
 The DCC gave an update.
         D

 Action Status: Open

This document is classified as White in accordance with the Panel Information Policy. Information can be     Page 1 of 2
shared with the public, and any members may publish the information, subject to copyright.
\fOPSG_45_0303                                  This document has a Classification of White                  Draft Minutes

2. Major Incidents
The OPSG heard that the service had been restored within the hour and that Users were told of it.
Members asked for the report, noting that no post-
Incident review took place.
The DCC will report again.

The OPSG NOTED the report on SIP4931[1].

    1. A proposal to improve the SSI ↩
  Incident reviewed: INC000000478818 – Service Requests timed out. Review report to be published: yes.

  Post-meeting note:

  The Chair asked for the report by 10 March.
                          R

  ACTION OPSG 45/01: DCC to report on the outage.

   Next meeting: 7 April 2020

This document is classified as White in accordance with the Panel Information Policy. Information can be     Page 2 of 2
shared with the public, and any members may publish the information, subject to copyright.
\f"""


@pytest.fixture(scope="module")
def ours():
    return parse_text_layout(OURS)


def test_our_header_and_footer_are_furniture(ours):
    assert (ours.committee, ours.number, ours.date) == ("OPSG", 45, D(2020, 3, 3))
    assert (ours.reference, ours.final, ours.classification_label) == (
        "OPSG_45_0303",
        False,
        "White",
    )
    # "Page 1 of 2" is run into the statement's first line, and taken out of it.
    assert ours.classification_statement == opsg25.CLASSIFICATIONS[0]["statement"]
    assert ours.next_meetings == [("main", D(2020, 4, 7))]


def test_our_pdf_raises_only_the_doubts_it_should(ours):
    assert [(flag.line, flag.kind) for flag in ours.flags] == [
        (line_of(OURS, "1. A proposal"), "footnote"),
        (line_of(OURS, "Incident reviewed:"), "incident-review"),
    ]
    assert "[1] is read as [^1]" in ours.flags[0].message


def test_the_draft_mark_and_the_captions_are_not_people(ours):
    assert [(p.section, p.group, p.name) for p in ours.attendance] == [
        ("member", "Large Supplier", "Ann Other"),
        ("member", "DCC", "Bea Smith"),
        ("participant", "SECAS", "Cal Jones"),
        ("apology", "Small Supplier", "Dee Brown"),
    ]
    assert [(p.alternate, p.remote, p.role) for p in ours.attendance[:3]] == [
        (True, False, ""),
        (False, True, ""),
        (False, False, "Meeting Secretary"),
    ]


def test_a_table_in_columns(ours):
    [review] = ours.reviews
    assert review.reference == "OPSG 44/01"
    assert review.text == "DCC and SECAS to report on the traffic seen since the outage."
    assert (review.raised_on, review.last_target_date) == (D(2020, 2, 4), D(2020, 3, 3))
    assert (review.revised_target_date, review.revised_target_note) == (None, "To be determined")
    assert (review.owners, review.update, review.status) == (
        ["DCC", "SECAS"],
        "The DCC gave an update.",
        "open",
    )
    assert "Actions outstanding reviewed" not in ours.items[0].narrative


def test_paragraphs_notes_footnotes_and_incident_reviews(ours):
    item = ours.items[1]
    assert visible(item.narrative) == [
        "The OPSG heard that the service had been restored within the hour and that Users were "
        "told of it. Members asked for the report, noting that no post-Incident review took place.",
        "The DCC will report again.",
    ]
    assert item.narrative.endswith("[^1]: A proposal to improve the SSI")
    assert [(d.verb, d.text) for d in item.decisions] == [("NOTED", "the report on SIP4931[^1].")]
    assert item.post_meeting_note == "The Chair asked for the report by 10 March."
    assert item.incidents == ["INC000000478818"]
    assert "Incident reviewed" not in item.narrative
    assert [a.reference for a in item.actions] == ["OPSG 45/01"]


def test_letters_that_do_not_spell_the_draft_mark_are_kept_and_flagged():
    """Without the whole mark on some page, a lone "A" may be anything: it is
    not thrown away as furniture."""
    text = OURS.replace("\n                                                         FT\n", "\n")
    minutes = parse_text_layout(text)
    unplaced = [flag for flag in minutes.flags if flag.kind == "unplaced-line"]
    lines = text.split("\n")
    assert [lines[flag.line - 1].strip() for flag in unplaced] == ["A", "R"]
    assert minutes.items[0].narrative.startswith("A\nR\n\n")  # kept, as the rest of item 1
    assert "D" in minutes.reviews[0].update.split()


# --- text that is not minutes in this layout ----------------------------------


def test_other_text_is_flagged_and_gives_no_actions_or_decisions():
    text = (
        "The quarterly newsletter. The OPSG AGREED to nothing here, and\n"
        "ACTION OPSG 25/01: DCC to ignore this line.\nThank you for reading."
    )
    minutes = parse_text_layout(text)
    assert [flag.kind for flag in minutes.flags] == ["unknown-layout"]
    assert minutes.items == [] and minutes.reviews == [] and minutes.attendance == []


def test_an_empty_text():
    minutes = parse_text_layout("")
    assert minutes.items == []
    assert [flag.kind for flag in minutes.flags] == ["unknown-layout"]


def test_binary_junk_is_read_without_error():
    junk = b"".join(hashlib.sha256(str(n).encode()).digest() for n in range(4000))
    minutes = parse_text_layout(junk.decode("utf-8", errors="replace"))
    assert minutes.counts()["decisions"] == 0
    assert minutes.counts()["actions_raised"] == 0
    assert "unknown-layout" in [flag.kind for flag in minutes.flags]


def test_the_header_alone_is_read_and_flagged():
    minutes = parse_text_layout("Operations Group Meeting 25\n\n1 October 2019, 10:00 – 17:00\n")
    assert (minutes.number, minutes.date) == (25, D(2019, 10, 1))
    assert [flag.kind for flag in minutes.flags] == ["unknown-layout"]


def test_five_thousand_actions():
    head = "Operations Group Meeting 25\n\n1 October 2019\n\nOPSG_25_0110 - Draft Minutes\n\n1. Actions\n\n"
    body = "\n\n".join(f"ACTION OPSG 25/{n:02d}: DCC to do thing {n}." for n in range(1, 5001))
    minutes = parse_text_layout(head + body)
    [item] = minutes.items
    assert len(item.actions) == 5000
    assert item.actions[-1].reference == "OPSG 25/5000"
    assert item.actions[-1].line == 9 + 2 * 4999  # the first ACTION is on line 9
    assert minutes.flags == []


def test_without_a_reference_the_committee_comes_from_the_title_or_the_actions():
    text = (
        "Operations Group Meeting 25\n\n1 October 2019\n\n1. Actions\n\n"
        "The OPSG NOTED the update.\n\nACTION OPSG 25/01: DCC to act.\n"
    )
    minutes = parse_text_layout(text)
    assert minutes.committee == "OPSG"  # the OPSG entry's name for it, as in the Markdown
    assert [d.verb for d in minutes.items[0].decisions] == ["NOTED"]
    assert minutes.flags == []
    unnamed = parse_text_layout(text.replace("Operations Group", "Joint Working Group"))
    assert unnamed.committee == "OPSG"
    assert [(flag.line, flag.kind) for flag in unnamed.flags] == [(1, "committee-guess")]
