"""A title block's times and title, in both readers: times that are no
times of day are flagged and leave no half (never a start without its end),
and a meeting kind the layout names is no part of the committee's name."""

import datetime
from dataclasses import replace
from pathlib import Path

from imports.layout_generic import parse_generic_layout
from imports.layout_text import parse_text_layout
from imports.layouts import GENERIC, MEETING_BOT, OPSG
from imports.parse import parse
from imports.parsed import ParsedMinutes
from imports.title_block import read_title_block

FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"


def _markdown(**replacements: str) -> str:
    text = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_the_markdown_reads_the_sample_times():
    minutes = parse(_markdown())
    assert (minutes.start_time, minutes.end_time) == (datetime.time(9, 30), datetime.time(12, 45))


def test_markdown_times_past_midnight_are_flagged_and_neither_is_kept():
    minutes = parse(_markdown(**{"09:30 – 12:45": "09:30 – 25:00"}))
    assert (minutes.start_time, minutes.end_time) == (None, None)
    flagged = [f for f in minutes.flags if "25:00" in f.message]
    assert [f.kind for f in flagged] == ["unplaced-line"]
    # The place after the times is still read as the place.
    assert minutes.teleconference


def test_a_date_line_with_bad_times_keeps_its_date_and_is_flagged():
    minutes = parse(
        _markdown(**{"17 May 2021, OPSG_49_1705": "17 May 2021, 09:30 – 09:75, OPSG_49_1705"})
    )
    assert minutes.date == datetime.date(2021, 5, 17)
    # The sample's own times line follows and is read; the bad pair is flagged.
    assert (minutes.start_time, minutes.end_time) == (datetime.time(9, 30), datetime.time(12, 45))
    assert [f.kind for f in minutes.flags if "09:75" in f.message] == ["unplaced-line"]


def test_a_confidential_meeting_title_names_the_committee():
    minutes = parse(
        _markdown(**{"Operations Group Meeting": "Operations Group Confidential Meeting 49"})
    )
    assert minutes.committee == "OPSG"
    assert minutes.kind == "confidential"
    assert minutes.number == 49


def test_words_beside_the_committee_s_name_in_the_title_are_flagged_not_dropped():
    """The title's words beyond the committee's name the reader knows
    ("(Chair)") are not dropped: the line is flagged, quoted, and kept in
    item 1's narrative, in both layouts."""
    markdown = parse(_markdown(**{"Operations Group Meeting": "Operations Group Meeting (Chair)"}))
    text = (FIXTURES / "opsg_25_minutes.txt").read_text(encoding="utf-8")
    assert "Operations Group Meeting 25 \n" in text
    pdf_text = parse(
        text.replace("Operations Group Meeting 25 \n", "Operations Group Meeting 25 (Chair)\n")
    )
    for minutes, number, line in [
        (markdown, 5, "Operations Group Meeting (Chair)"),
        (pdf_text, 18, "Operations Group Meeting 25 (Chair)"),
    ]:
        kept = f"Line {number} not understood (kept in item 1): {line}"
        assert ("unplaced-line", kept) in [(f.kind, f.message) for f in minutes.flags]
        assert line in minutes.items[0].narrative
        assert minutes.committee == "OPSG"


def test_the_2019_text_flags_times_past_midnight_and_keeps_neither():
    text = (FIXTURES / "opsg_25_minutes.txt").read_text(encoding="utf-8")
    assert "10:00 – 17:00" in text
    minutes = parse(text.replace("10:00 – 17:00", "10:00 – 25:00"))
    assert minutes.date == datetime.date(2019, 10, 1)
    assert (minutes.start_time, minutes.end_time) == (None, None)
    # The line is flagged and kept in item 1's narrative, as the Markdown's is.
    [flag] = [f for f in minutes.flags if "25:00" in f.message]
    assert flag.kind == "unplaced-line"
    assert flag.message.endswith("(kept in item 1): 1 October 2019, 10:00 – 25:00")
    # Then the attendance's stray "0)", kept too.
    assert minutes.items[0].narrative.startswith("1 October 2019, 10:00 – 25:00\n0)\n\n")


HARBOUR_TITLE = (
    "HP",
    212,
    datetime.date(2026, 3, 4),
    datetime.time(10, 0),
    datetime.time(12, 30),
    "Harbour Office",
)


def _harbour_title(minutes: ParsedMinutes) -> tuple:
    return (
        minutes.committee,
        minutes.number,
        minutes.date,
        minutes.start_time,
        minutes.end_time,
        minutes.location,
    )


def test_one_module_reads_a_labelled_title_block_by_each_entry_s_data():
    from_module = ParsedMinutes(committee="", number=None)
    lines = [
        (1, "Harbour Panel (HP) meeting 212"),
        (2, "Date: 4 March 2026"),
        (3, "Time: 10:00 – 12:30"),
        (4, "Location: Harbour Office"),
        (5, "Final minutes"),
    ]
    text = "\n".join(text for _, text in lines)
    assert read_title_block(lines, from_module, GENERIC, text=text) == []
    assert _harbour_title(from_module) == HARBOUR_TITLE
    assert from_module.final
    bot = ParsedMinutes(committee="", number=None)
    log = "Meeting started by kerstin at 15:03 UTC\n\n2026-03-04\n\nMeeting ended at 16:10 UTC"
    read_title_block([(1, "#harbour: weekly")], bot, MEETING_BOT, text=log)
    assert (bot.date, bot.start_time, bot.end_time) == (
        datetime.date(2026, 3, 4),
        datetime.time(15, 3),
        datetime.time(16, 10),
    )


def test_one_reading_of_a_title_block_by_whatever_data_the_entry_has():
    """A title block is read one way: its labels and its facts a line are
    steps of the one reading, each by the entry's data, so an entry may have
    both (labelled lines beside a classification statement and "Draft
    Minutes"), and what neither reads is kept."""
    both = replace(
        GENERIC,
        classification=OPSG.classification,
        minutes_state=OPSG.minutes_state,
        title_fact_lines=True,
    )
    lines = [
        (1, "This document is classified as **Amber**. Members only."),
        (2, "Harbour Panel (HP) meeting 212"),
        (3, "Date: 4 March 2026"),
        (4, "Time: 10:00 – 12:30"),
        (5, "Location: Harbour Office"),
        (6, "Draft Minutes"),
        (7, "Coffee will be served"),
    ]
    minutes = ParsedMinutes(committee="", number=None)
    text = "\n".join(text for _, text in lines)
    assert read_title_block(lines, minutes, both, text=text) == [(7, "Coffee will be served")]
    assert _harbour_title(minutes) == HARBOUR_TITLE
    assert minutes.classification_label == "Amber" and not minutes.final


def test_the_2019_text_reads_its_title_block_as_the_markdown_does():
    """One reader of the title block (imports.title_block): a weekday before
    the date, a date that is no date left unread and flagged (never taken
    for the place), and a teleconference that is no place."""
    text = (FIXTURES / "opsg_25_minutes.txt").read_text(encoding="utf-8")
    weekday = parse(text.replace("1 October 2019, 10:00", "Tuesday, 1 October 2019, 10:00"))
    assert weekday.date == datetime.date(2019, 10, 1)
    assert weekday.location == "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ"
    no_date = parse_text_layout(text.replace("1 October 2019, 10:00", "31 September 2019, 10:00"))
    assert no_date.date is None
    assert no_date.location == "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ"
    unread = [f.message for f in no_date.flags if f.kind == "unplaced-line" and f.line < 30]
    assert len(unread) == 1 and "31 September" in unread[0]
    # A person's mark in a stray line is no teleconference, nor a place.
    stray = parse_text_layout(
        text.replace(
            "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ",
            "Gemserv, London\n\nAnn Lee (Teleconference)",
        )
    )
    assert (stray.location, stray.teleconference) == ("Gemserv, London", False)
    assert any("Ann Lee" in f.message for f in stray.flags if f.kind == "unplaced-line")
    remote = parse(text.replace("Gemserv, 8 Fenchurch Place, London, EC3M 4AJ", "Teleconference"))
    assert (remote.location, remote.teleconference) == ("", True)
    both = parse_text_layout(text.replace("London, EC3M 4AJ", "London, EC3M 4AJ (Teleconference)"))
    assert (both.location, both.teleconference) == (
        "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ",
        True,
    )


def test_a_date_wrapped_onto_the_next_line_is_read_whole():
    """A title printed narrower than it was written (a PDF): "… held on
    Tuesday 10 March" over "2026 at 7.30pm". Before, no date was read, and
    the PDF of the parish's minutes was refused."""
    text = (
        "ELMSTEAD PARISH COUNCIL (EPC)\n\n"
        "Minutes of the 212th meeting of the Council, held on Tuesday 10 March\n"
        "2026 at 7.30pm\nin the Village Hall\n\n"
        "Present: Cllr Megan Hughes (Chair), Cllr Rajiv Patel\n\n"
        "26/031 Apologies for absence\nNone.\n"
    )
    parsed = parse_generic_layout(text, markdown=False)
    assert parsed.date == datetime.date(2026, 3, 10)
    assert parsed.location == "the Village Hall"
