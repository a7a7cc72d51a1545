"""The readers both layouts share (imports/common.py): one behaviour a test,
each on the words the minutes actually print."""

import datetime

import pytest

from imports.common import (
    ActionNumbering,
    incident_mismatch,
    is_action_line,
    owners_in,
    parse_date,
    parse_target,
    parse_time,
    read_action,
    read_date_cell,
    read_decisions,
    read_outcome,
    split_decision,
)
from imports.parsed import ParsedAction, ParsedDecision, ParsedItem, ParsedMinutes, ParsedReview
from meetings.markdown import incidents_in

D = datetime.date
MEETING = D(2019, 10, 1)
NEXT = D(2019, 11, 5)


# --- parse_date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 October 2019", D(2019, 10, 1)),
        ("01/10/2019", D(2019, 10, 1)),
        ("28/08/2018", D(2018, 8, 28)),
        ("1st October 2019", D(2019, 10, 1)),
        ("22nd May 2021", D(2021, 5, 22)),
        ("24 May 2021.", D(2021, 5, 24)),
        ("Tuesday 1 October 2019", D(2019, 10, 1)),
        ("5 Nov 2019", D(2019, 11, 5)),
        ("2019-10-01", D(2019, 10, 1)),
        ("  1   October   2019 ", D(2019, 10, 1)),
    ],
)
def test_parse_date_reads_the_ways_minutes_write_dates(text, expected):
    assert parse_date(text) == expected


def test_parse_date_takes_the_year_it_is_given_when_none_is_written():
    assert parse_date("8 October", year=2019) == D(2019, 10, 8)
    assert parse_date("8 October 2020", year=2019) == D(2020, 10, 8)


@pytest.mark.parametrize(
    "text",
    ["8 October", "31/02/2019", "32 October 2019", "N/A", "To be determined", "", "Octember 1"],
)
def test_parse_date_returns_none_for_what_it_cannot_read(text):
    assert parse_date(text) is None


def test_parse_time_reads_both_separators_and_refuses_nonsense():
    assert parse_time("10:00") == datetime.time(10, 0)
    assert parse_time("17.30") == datetime.time(17, 30)
    assert parse_time("25:00") is None
    assert parse_time("ten") is None


# --- parse_target ----------------------------------------------------------


def target(text, next_meeting=NEXT):
    return parse_target(text, meeting_date=MEETING, next_meeting=next_meeting)


def test_a_day_and_month_is_in_the_meetings_year():
    assert target("The DCC to resubmit its proposal by 8 October.") == (D(2019, 10, 8), "")


def test_a_day_and_month_before_the_meeting_is_next_year():
    assert target("SECAS to report by 15 September.") == (D(2020, 9, 15), "")


def test_a_written_year_is_kept():
    assert target("DCC to report by 1st June 2020") == (D(2020, 6, 1), "")
    assert target("DCC to report by 15/09/2019") == (D(2019, 9, 15), "")


def test_a_named_meeting_is_kept_as_words():
    text = "The DCC to set out the data used (by the June meeting, OPSG_50)."
    assert target(text) == (None, "the June meeting, OPSG_50")
    assert target("by the June meeting, OPSG_50") == (None, "the June meeting, OPSG_50")


def test_working_days_are_kept_as_words():
    assert target("share with OPSG within 10 working days") == (None, "within 10 working days")


def test_the_next_meeting_is_its_date():
    assert target("The DCC to provide an update at the next meeting (OPSG_52).") == (NEXT, "")
    assert target("at the next meeting", next_meeting=None) == (None, "the next meeting")


def test_no_phrase_means_the_next_meeting():
    assert target("DCC to canvas Users for their views.") == (NEXT, "")
    assert target("OPSG to submit comments as soon as possible") == (NEXT, "")


def test_by_followed_by_something_else_is_not_a_target():
    assert target("DCC to analyse the traffic caused by the power disruption.") == (NEXT, "")
    assert target("DCC to report the figures submitted by the DNOs") == (NEXT, "")


def test_the_first_phrase_in_the_text_wins():
    assert target("DCC to report by 8 October and again by the June meeting") == (
        D(2019, 10, 8),
        "",
    )


# --- owners ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("DCC to track the progress", ["DCC"]),
        ("The DCC to add a metric", ["DCC"]),
        ("SECAS and the DCC to extend the Acceptance Criteria", ["SECAS", "DCC"]),
        ("OPSG members to provide comments", ["OPSG members"]),
        ("OPSG to submit any further comments", ["OPSG members"]),
        ("The OPSG to provide any comments", ["OPSG members"]),
        ("DNOs to confirm", ["DNOs"]),
        ("DNOs/DCC", ["DNOs", "DCC"]),
        ("DCC/SECAS", ["DCC", "SECAS"]),
        ("CH & Network Programme – Transition Questions: The DCC to provide", ["DCC"]),
        ("SECAS to work with the DCC to ensure", ["SECAS"]),
    ],
)
def test_owners_are_the_names_before_to(text, owners):
    assert owners_in(text, committee="OPSG") == (owners, False)


def test_an_owner_picked_out_of_a_sentence_is_a_guess():
    found = owners_in("SECAS asked members to submit any feedback", committee="OPSG")
    assert found == (["SECAS"], True)


# --- read_action -----------------------------------------------------------


def action(text, previous=2, *, meeting_number=25, line=7):
    return read_action(
        text,
        line,
        committee="OPSG",
        meeting_number=meeting_number,
        previous_sequence=previous,
        meeting_date=MEETING,
        next_meeting=NEXT,
    )


def test_an_action_line_gives_reference_owners_text_and_target():
    parsed, flags = action("ACTION OPSG 25/03: SECAS to confirm the amendments by 8 October.")
    assert parsed == ParsedAction(
        reference="OPSG 25/03",
        owners=["SECAS"],
        text="SECAS to confirm the amendments by 8 October.",
        line=7,
        target_date=D(2019, 10, 8),
    )
    assert flags == []


@pytest.mark.parametrize(
    "text",
    [
        "ACTION: OPSG 25/03 – DCC to do it.",
        "ACTION OPSG 25/03 - DCC to do it.",
        "ACTION OPSG 25/03 DCC to do it.",
        "**ACTION OPSG 25/03:** DCC to do it.",
    ],
)
def test_other_ways_of_writing_the_reference(text):
    parsed, flags = action(text)
    assert (parsed.reference, parsed.owners, parsed.text, flags) == (
        "OPSG 25/03",
        ["DCC"],
        "DCC to do it.",
        [],
    )


def test_a_confidential_session_numbers_its_actions_apart():
    parsed, flags = action("ACTION OPSG 45/CONF 02: DCC to do it.", 1, meeting_number=45)
    assert parsed.reference == "OPSG 45/CONF 02"
    assert flags == []


def test_a_committee_typo_is_read_as_the_committee_and_flagged():
    parsed, flags = action("ACTION OPSF 49/04: The DCC to explain.", 3, meeting_number=49)
    assert parsed.reference == "OPSG 49/04"
    assert [(flag.line, flag.kind) for flag in flags] == [(7, "committee-typo")]
    assert "OPSF 49/04" in flags[0].message


def test_another_committees_code_is_kept_and_flagged():
    parsed, flags = action("ACTION TABASC 25/03: DCC to do it.")
    assert parsed.reference == "TABASC 25/03"
    assert [flag.kind for flag in flags] == ["other-committee"]


def test_a_number_left_over_from_renumbering_is_read_as_the_next():
    parsed, flags = action("ACTION OPSG 25/110: SECAS and the DCC to extend it", 10)
    assert parsed.reference == "OPSG 25/11"
    assert parsed.owners == ["SECAS", "DCC"]
    assert [(flag.line, flag.kind) for flag in flags] == [(7, "renumbered")]
    assert "OPSG 25/110" in flags[0].message


def test_a_gap_in_the_numbers_is_kept_and_flagged():
    parsed, flags = action("ACTION OPSG 25/05: DCC to do it.", 3)
    assert parsed.reference == "OPSG 25/05"
    assert [flag.kind for flag in flags] == ["sequence"]


def test_another_meetings_number_is_kept_and_flagged():
    parsed, flags = action("ACTION OPSG 24/03: DCC to do it.")
    assert parsed.reference == "OPSG 24/03"
    assert [flag.kind for flag in flags] == ["meeting-number"]


def test_an_owner_guess_is_flagged():
    parsed, flags = action("ACTION OPSG 25/03: SECAS asked members to send feedback.")
    assert parsed.owners == ["SECAS"]
    assert [flag.kind for flag in flags] == ["owner-guess"]


def test_a_topic_before_the_owner_stays_in_the_text():
    text = "ACTION OPSG 25/03: CH & Network Programme: The DCC to provide a roadmap"
    parsed, _ = action(text)
    assert parsed.owners == ["DCC"]
    assert parsed.text == "CH & Network Programme: The DCC to provide a roadmap"


def test_both_opsg_readers_number_a_meetings_actions_the_one_way():
    minutes = ParsedMinutes(committee="OPSG", number=25, date=MEETING)
    minutes.next_meetings = [("reporting", D(2019, 10, 20)), ("main", NEXT)]
    numbering = ActionNumbering(minutes)
    read = [
        numbering.read(text, line)
        for line, text in enumerate(
            [
                "ACTION OPSG 25/01: DCC to do it.",
                "ACTION OPSG 24/16: DCC to do the old one.",  # not this meeting's numbering
                "ACTION OPSG 25/CONF 01: DCC to do it in confidence.",  # numbered apart
                "ACTION OPSG 25/02: SECAS to do it.",
            ],
            start=1,
        )
    ]
    assert [action.reference for action, _ in read] == [
        "OPSG 25/01",
        "OPSG 24/16",
        "OPSG 25/CONF 01",
        "OPSG 25/02",
    ]
    assert [[flag.kind for flag in flags] for _, flags in read] == [[], ["meeting-number"], [], []]
    assert read[0][0].target_date == NEXT  # the next main meeting, not the first named


def test_a_line_that_is_not_an_action_is_refused():
    assert not is_action_line("SECAS to transfer Action OPSG 24/06 to the TABASC")
    with pytest.raises(ValueError):
        action("The OPSG NOTED the update.")


@pytest.mark.parametrize(
    ("cell", "read", "flagged"),
    [
        ("24/05/2021", (D(2021, 5, 24), ""), False),
        ("N/A", (None, ""), False),
        ("–", (None, ""), False),
        ("", (None, ""), False),
        (
            "Revised date to be determined by DCC",
            (None, "Revised date to be determined by DCC"),
            False,
        ),
        ("31/06/2021", (None, "31/06/2021"), True),
    ],
)
def test_both_opsg_readers_read_a_date_cell_the_one_way(cell, read, flagged):
    flags = []
    assert read_date_cell(cell, "OPSG 43/07", 12, flags) == read
    assert [(flag.line, flag.kind) for flag in flags] == (
        [(12, "unreadable-date")] if flagged else []
    )


# --- decisions -------------------------------------------------------------


def decisions(text):
    return read_decisions(text, 4, committee="OPSG")


def test_a_plain_decision():
    assert decisions("The OPSG NOTED the update.") == [
        ParsedDecision(verb="NOTED", text="the update.", line=4)
    ]


def test_a_decision_with_numbered_points():
    text = (
        "The OPSG NOTED that:\n1. SECAS should ensure the report is right.\n"
        "2. Any impact to business should be included in the report."
    )
    assert decisions(text) == [
        ParsedDecision(
            verb="NOTED",
            text="that:",
            line=4,
            points=[
                "SECAS should ensure the report is right.",
                "Any impact to business should be included in the report.",
            ],
        )
    ]


def test_points_continuing_an_earlier_list_keep_their_first_number():
    [decision] = decisions("The OPSG NOTED that: 3. The first. 4. The second. 5. The third.")
    assert decision.points == ["The first.", "The second.", "The third."]
    assert decision.first_point_number == 3


def test_a_list_of_verbs_is_one_decision_a_point():
    text = (
        "The OPSG:\n1. AGREED to close Issues ‘A’ and ‘B’;\n"
        "2. NOTED that the work was almost complete; and\n3. AGREED the rest should move."
    )
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("AGREED", "to close Issues ‘A’ and ‘B’."),
        ("NOTED", "that the work was almost complete."),
        ("AGREED", "the rest should move."),
    ]


def test_a_dashed_list_of_verbs():
    text = "The OPSG: – NOTED the PMR; and – AGREED the report reflected the service."
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("NOTED", "the PMR."),
        ("AGREED", "the report reflected the service."),
    ]


def test_markdown_emphasis_around_the_verbs():
    text = "The OPSG:\n\n- **NOTED** the Major Incident Review; and\n- **AGREED** that it be published."
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("NOTED", "the Major Incident Review."),
        ("AGREED", "that it be published."),
    ]
    assert [d.verb for d in decisions("The OPSG **NOTED** the update.")] == ["NOTED"]


def test_two_verbs_in_one_sentence_are_two_decisions():
    text = "The OPSG DISCUSSED the provisional scope and AGREED to submit any further comments."
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("DISCUSSED", "the provisional scope."),
        ("AGREED", "to submit any further comments."),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The OPSG NOTED the update. 2. The OPSG AGREED the plan.",  # "1." is the point's mark
        "The OPSG NOTED the update.\n2. The OPSG AGREED the plan.",
        "The OPSG NOTED the update. – The OPSG AGREED the plan.",
    ],
)
def test_numbered_points_that_each_hold_a_decision_are_a_decision_each(text):
    """Issue 16: the next point's mark is neither decision's text ("the
    update. 2." was read)."""
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("NOTED", "the update."),
        ("AGREED", "the plan."),
    ]


def test_a_number_after_a_word_is_the_decision_s_own():
    assert [
        (d.verb, d.text) for d in decisions("The OPSG NOTED version 2. The OPSG AGREED it.")
    ] == [
        ("NOTED", "version 2."),
        ("AGREED", "it."),
    ]


def test_a_decision_s_last_point_does_not_take_the_next_point_s_mark():
    text = "The OPSG NOTED that:\n1. SECAS reported the figures.\n2. The OPSG AGREED the plan."
    assert [(d.verb, d.text, d.points) for d in decisions(text)] == [
        ("NOTED", "that:", ["SECAS reported the figures."]),
        ("AGREED", "the plan.", []),
    ]


def test_a_decision_at_the_end_of_a_sentence_leaves_the_start_as_narrative():
    text = "No comments were made and the OPSG AGREED that the minutes would be published as final."
    assert split_decision(text, committee="OPSG") == (
        "No comments were made.",
        "the OPSG AGREED that the minutes would be published as final.",
    )
    assert [(d.verb, d.text) for d in decisions(text)] == [
        ("AGREED", "that the minutes would be published as final.")
    ]


def test_every_verb_of_the_model_is_read():
    for verb in ["AGREED", "NOTED", "ENDORSED", "RECOMMENDED", "DISCUSSED", "CONSIDERED"]:
        assert [d.verb for d in decisions(f"The OPSG {verb} the paper.")] == [verb]


@pytest.mark.parametrize(
    "text",
    [
        "The OPSG noted that 29% of SMETS1 migrations had been unsuccessful.",
        "OPSG members agreed that it was important to clarify this.",
        "The OPSG was informed that the audit had been completed.",
        "These will lead to the OPSG making its recommendation.",
        "",
    ],
)
def test_text_that_is_not_a_decision_gives_none(text):
    assert decisions(text) == []
    assert split_decision(text, committee="OPSG") == (text, "")


# --- incidents -------------------------------------------------------------


def test_incidents_in_order_once_each():
    text = "INC000000478818 and INC000000479406; again INC000000478818, not INC00000047881."
    assert incidents_in(text) == ["INC000000478818", "INC000000479406"]


def test_a_heading_naming_one_incident_over_text_about_another_is_flagged():
    item = ParsedItem(
        number="9.1",
        title="INC000000708834",
        line=12,
        narrative="SECAS provided a review of Major Incident INC000000697994.",
    )
    flag = incident_mismatch(item)
    assert (flag.line, flag.kind) == (12, "incident-mismatch")
    assert "INC000000697994" in flag.message


def test_no_mismatch_when_the_text_names_the_headings_incident_or_none():
    matching = ParsedItem(
        number="4", title="INC000000478818", line=3, narrative="About INC000000478818."
    )
    silent = ParsedItem(number="4", title="INC000000478818", line=3, narrative="No numbers.")
    untitled = ParsedItem(number="4", title="Major Incidents", line=3, narrative="INC000000478818")
    assert incident_mismatch(matching) is None
    assert incident_mismatch(silent) is None
    assert incident_mismatch(untitled) is None


# --- how a closed action ended ----------------------------------------------


def closed(update: str, status: str = "closed") -> ParsedReview:
    return ParsedReview(
        reference="OPSG 30/04", text="", owners=[], line=9, update=update, status=status
    )


@pytest.mark.parametrize(
    ("update", "outcome", "superseded_by", "transferred_to"),
    [
        ("Closed and superseded by a new action (OPSG 31/02).", "superseded", "OPSG 31/02", ""),
        (
            "Superseded by OPSG 45/CONF 03 at the extraordinary meeting.",
            "superseded",
            "OPSG 45/CONF 03",
            "",
        ),
        ("To be transferred to the TABASC to action.", "transferred", "", "TABASC"),
        ("Transferred to the Technical Sub-Committee (TSC) for action.", "transferred", "", "TSC"),
        ("Will be taken forward as part of the Operational Metrics Project.", "absorbed", "", ""),
    ],
)
def test_a_closed_rows_update_says_how_the_action_ended(
    update, outcome, superseded_by, transferred_to
):
    review = closed(update)
    flag = read_outcome(review)
    assert (review.outcome, review.superseded_by, review.transferred_to) == (
        outcome,
        superseded_by,
        transferred_to,
    )
    assert (flag.line, flag.kind) == (9, "outcome-read")
    assert flag.message.startswith("OPSG 30/04: read as closed, ")


def test_a_committee_in_brackets_is_preferred_to_other_capitals():
    review = closed("To be transferred to SECAS to take to the Panel Sub-Committee (PSC).")
    read_outcome(review)
    assert (review.outcome, review.transferred_to) == ("transferred", "PSC")


def test_an_open_row_a_plain_closure_or_a_denial_reads_no_outcome():
    for review in (
        closed("Superseded by OPSG 31/02.", status="open"),
        closed("The DCC presented the report. Status: Closed."),
        closed("The DCC presented the figures as part of its November operational update."),
        closed(
            "The papers were circulated as part of the Panel pack; it formed a part of the talk."
        ),
        closed("This action is not superseded by OPSG 31/02: it is complete."),
        closed("It will not be transferred to the TABASC."),
        closed(""),
    ):
        assert read_outcome(review) is None
        assert (review.outcome, review.superseded_by, review.transferred_to) == ("", "", "")
