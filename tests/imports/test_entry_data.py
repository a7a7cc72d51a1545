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

from imports.layout_generic import parse_generic_layout
from imports.layouts import GENERIC, MEETING_BOT
from imports.parse import parse, read_upload
from imports.parsed import ParsedMinutes

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
