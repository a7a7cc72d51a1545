"""What another committee's minutes state in words, read by the generic
entries as the OPSG's are (imports.layouts GENERIC): the next meeting's
date, wherever its line is; the place, where the header says it; a decision whose subject has no "The"."""

import datetime

import pytest

from imports.layout_generic import parse_generic_layout

MINUTES = """Harbour Panel (HP) meeting 58

Date: 3 June 2026

Present:

- Ada Byrne (Chair)
- Colm Reid

1. Moorings

The Panel AGREED the survey.

2. Any other business

None was raised.

{last}
"""


def read(last: str, **replacements: str):
    text = MINUTES.format(last=last)
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return parse_generic_layout(text, markdown=False)


@pytest.mark.parametrize(
    "line",
    [
        "Date of next meeting: 14 July 2026",
        "Next meeting: 14 July 2026",
        "Date of the next meeting: Tuesday 14 July 2026.",
    ],
)
def test_the_next_meeting_is_read_from_the_last_item(line):
    minutes = read(line)
    assert minutes.next_meetings == [("main", datetime.date(2026, 7, 14))]
    # Read as the OPSG entry reads it: the date recorded, the line not the item's text.
    assert minutes.items[-1].narrative == "None was raised."


def test_a_next_meeting_without_a_date_stays_in_the_text():
    """A line the reader reads no date from is never dropped, in any entry."""
    minutes = read("Next meeting: to be arranged by the Clerk")
    assert minutes.next_meetings == []
    assert "Next meeting: to be arranged by the Clerk" in minutes.items[-1].narrative


def test_the_place_in_a_labelled_line_of_several_labels():
    minutes = read(
        "", **{"Date: 3 June 2026": "Date: 3 June 2026 | Time: 18:30 | Venue: Town Hall"}
    )
    assert minutes.location == "Town Hall"
    assert (minutes.date, minutes.start_time) == (datetime.date(2026, 6, 3), datetime.time(18, 30))
    assert not any(flag.kind == "place-in-words" for flag in minutes.flags)


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("held on 3 June 2026 at 18:30 in the Reading Room", "the Reading Room"),
        ("held at Harbour Office, 3 Quay Street on 3 June 2026", "Harbour Office, 3 Quay Street"),
    ],
)
def test_the_place_the_header_says_it_was_held_in_is_read_and_flagged(said, place):
    minutes = read("", **{"Date: 3 June 2026": f"Minutes of the meeting {said}"})
    assert minutes.location == place
    assert minutes.date == datetime.date(2026, 6, 3)
    [flag] = [flag for flag in minutes.flags if flag.kind == "place-in-words"]
    assert place in flag.message and flag.line == 3


def test_no_place_from_words_that_name_none():
    for said in ("held in person and online on 3 June 2026", "held on 3 June 2026 at 18:30"):
        minutes = read("", **{"Date: 3 June 2026": f"Minutes of the meeting {said}"})
        assert minutes.location == ""
        assert not any(flag.kind == "place-in-words" for flag in minutes.flags)


@pytest.mark.parametrize(
    ("said", "verb", "words", "subject"),
    [
        ("Members NOTED the report.", "NOTED", "the report.", "Members"),
        ("Trustees AGREED the survey.", "AGREED", "the survey.", "Trustees"),
        ("Panel Members also AGREED the survey.", "AGREED", "the survey.", "Panel Members"),
    ],
)
def test_a_decision_whose_subject_has_no_the_is_read_as_the_panels(said, verb, words, subject):
    """Read as "The Panel AGREED" is: a decision, its subject flagged."""
    minutes = read("", **{"The Panel AGREED the survey.": said})
    [decision] = minutes.items[0].decisions
    assert (decision.verb, decision.text) == (verb, words)
    assert minutes.items[0].narrative == ""
    [flag] = [flag for flag in minutes.flags if flag.kind == "decision-subject"]
    assert f"'{subject} {verb} …'" in flag.message


@pytest.mark.parametrize(
    "said", ["Members noted the report.", "Nothing was AGREED.", "ACTION NOTED by the Clerk."]
)
def test_words_that_are_no_subject_before_a_verb_stay_in_the_narrative(said):
    minutes = read("", **{"The Panel AGREED the survey.": said})
    assert minutes.items[0].decisions == []
    assert said in minutes.items[0].narrative
