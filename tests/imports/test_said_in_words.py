"""What another committee's minutes state in words, read by the generic
entries as the OPSG's are (imports.layouts GENERIC): the next meeting's
date, wherever its line is."""

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
