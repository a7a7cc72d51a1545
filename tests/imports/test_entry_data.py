"""What differs between committees is the registry entry's data
(imports.layouts), each behaviour a datum of its own: reading a title block
a fact a line (`title_fact_lines`) is not what decides whether its unread
lines are flagged, which every entry's reading does; a bot's log dated
further down (`date_further_down`) is not read so for having a
`recognise` pattern; and only the bot's own nicks (`not_people`) are left
out of the attendance."""

import datetime
import re
from dataclasses import replace
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layouts import GENERIC, MEETING_BOT
from imports.parse import parse, read_upload
from imports.parsed import ParsedMinutes
from imports.title_block import read_title_block

MINUTES = Path(__file__).resolve().parent / "minutes"

HEADER = (
    "Harbour Trust (HT) trustees meeting 31\n"
    "Date: 12 March 2026\n"
    "Chair: Ana Silva\n"
    "\n"
    "Present: Ana Silva, Ben Cole\n"
    "\n"
    "1. Accounts\n"
    "The Trustees AGREED the accounts.\n"
)


def _read(name: str) -> ParsedMinutes:
    return read_upload((MINUTES / name).read_bytes(), name)[1]


# --- a title block's unread lines, every entry's ----------------------------


def test_a_generic_header_line_nothing_reads_is_kept_and_flagged():
    """ "Chair: Ana Silva" is no label the entry reads and names no
    meeting: kept in item 1 and flagged, as the OPSG entry's are."""
    minutes = parse(HEADER)
    [flag] = [f for f in minutes.flags if f.kind == "unplaced-line"]
    assert flag.line == 3 and "Chair: Ana Silva" in flag.message
    assert minutes.items[0].narrative == "Chair: Ana Silva"


def test_flagging_is_no_part_of_reading_facts_a_line():
    """The same lines read by an entry that states no fact a line
    (GENERIC) and by one that does: each keeps the line neither reads."""
    lines = [
        (1, "Harbour Trust (HT) trustees meeting 31"),
        (2, "Coffee will be served"),
        (3, "Date: 12 March 2026"),
    ]
    text = "\n".join(words for _, words in lines)
    for layout in (GENERIC, replace(GENERIC, title_fact_lines=True)):
        minutes = ParsedMinutes(committee="", number=None)
        assert read_title_block(lines, minutes, layout, text=text) == [lines[1]]
        assert (minutes.committee, minutes.number) == ("HT", 31)
        assert minutes.date == datetime.date(2026, 3, 12)


@pytest.mark.parametrize("name", sorted(p.name for p in MINUTES.iterdir()))
def test_a_title_and_the_lines_read_from_are_not_flagged(name):
    """The title (the block's first line), lines naming the meeting, the
    labelled lines and a title's underline: none of the fixtures' header
    lines is flagged."""
    assert "unplaced-line" not in {flag.kind for flag in _read(name).flags}


@pytest.mark.parametrize(
    ("name", "place", "line"),
    [
        ("parish_2026_03.txt", "the Village Hall", 4),
        ("mixed_2026_07.txt", "the Board Offices, Mill Street", 4),
    ],
)
def test_a_place_in_words_on_the_line_after_held_is_read_and_flagged(name, place, line):
    """ "… held on Tuesday 10 March 2026 at 7.30pm" over "in the Village
    Hall": the place, flagged as a place in words, not a line passed over."""
    minutes = _read(name)
    assert minutes.location == place
    [flag] = [f for f in minutes.flags if f.kind == "place-in-words"]
    assert flag.line == line and repr(place) in flag.message


# --- a bot's log dated further down ------------------------------------------


def _undated_bot_log() -> str:
    """A bot's summary whose title block gives no date: its log's address,
    further down, does."""
    text = (MINUTES / "bot_2026_02_11.txt").read_text()
    text = text.replace(
        "at https://meetings.example.org/lumen-dev/2026/lumen-dev.2026-02-11-15.00.log.html .",
        "at the project's log server.",
    )
    return text + "\nMinutes: https://meetings.example.org/lumen-dev/2026-02-11.txt\n"


def test_the_date_further_down_is_the_entrys_datum():
    text = _undated_bot_log()
    assert parse(text).date == datetime.date(2026, 2, 11)
    # Not its `recognise` pattern: an entry without one reads it so too …
    unrecognised = replace(MEETING_BOT, recognise=None)
    minutes = parse_generic_layout(text, markdown=False, layout=unrecognised)
    assert minutes.date == datetime.date(2026, 2, 11)
    # … and an entry without the datum does not.
    minutes = parse_generic_layout(
        text, markdown=False, layout=replace(MEETING_BOT, date_further_down=False)
    )
    assert minutes.date is None
    assert "unreadable-date" in {flag.kind for flag in minutes.flags}


def test_an_entry_with_a_recognise_pattern_reads_no_date_further_down():
    iso = (re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})"),)
    entry = replace(GENERIC, recognise=re.compile("Harbour"), date_patterns=iso)
    text = "Harbour Trust (HT) meeting 31\n\nPresent: Ana Silva\n\n1. Accounts\nSee 2026-03-12.\n"
    minutes = parse_generic_layout(text, markdown=False, layout=entry)
    assert minutes.date is None


# --- the bot's own nicks -----------------------------------------------------


def test_only_the_bots_own_nicks_are_left_out():
    """ "meetbot" is the entry's bot; "abbot" and "robot" are people whose
    nicks read as a bot's: kept, each flagged, never dropped."""
    text = (MINUTES / "bot_2026_02_11.txt").read_text()
    text = text.replace("* ana (12)\n", "* ana (12)\n* abbot (7)\n* robot (2)\n* robot_jane (1)\n")
    minutes = parse(text)
    names = [person.name for person in minutes.attendance]
    assert names == ["kerstin", "bogdan", "ana", "abbot", "robot", "robot_jane"]
    flagged = [f for f in minutes.flags if f.kind == "bot-like-nick"]
    assert [f.message.split("'")[1] for f in flagged] == ["abbot", "robot"]
    assert "meetbot" not in str(minutes.flags)
