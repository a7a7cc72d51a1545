"""One reader: the OPSG's 2021 Markdown goes to the generic reader given the
registry's OPSG entry (imports.parse), which reads its parts by the entry's
data. The real OPSG 49 minutes are read from ../shared/seeds, never shipped."""

import re
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layout_text import parse_text_layout
from imports.layouts import GENERIC, LAYOUTS, MEETING_BOT, OPSG, layouts_of
from imports.parse import parse, read_by
from tests.conftest import unshipped_seed

SAMPLE = Path(__file__).resolve().parents[2] / "imports" / "fixtures" / "opsg_49_sample.md"


def _text(name: str) -> str:
    if name == "sample":
        return SAMPLE.read_text(encoding="utf-8")
    return unshipped_seed("001_12df44be4725d42b.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["sample", "seed-001"])
def test_opsg_markdown_is_read_by_the_generic_reader_with_the_opsg_entry(name):
    text = _text(name)
    read = asdict(parse_generic_layout(text, markdown=True, layout=OPSG))
    parsed = asdict(parse(text))
    # parse adds only the structural checks' doubts (none for these).
    assert {**parsed, "flags": read["flags"]} == read
    assert parsed["reference"] and parsed["next_meetings"] and parsed["items"]


def test_the_title_block_is_the_entrys_data():
    """Another committee with the same layout: its reference and its kinds
    of meeting are the entry's data, not the reader's."""
    layout = replace(
        OPSG,
        name="tabasc",
        committee="TABASC",
        meeting_kinds=(("special", "extraordinary"),),
    )
    text = (
        "Technical Architecture and Business Architecture Sub-Committee Special Meeting\n"
        "3 March 2026, TABASC_12_0303\n\n# 1. Minutes\n\nThe TABASC **AGREED** the minutes.\n"
    )
    minutes = parse_generic_layout(text, markdown=True, layout=layout)
    assert (minutes.committee, minutes.number, minutes.kind) == ("TABASC", 12, "extraordinary")
    assert [(d.verb, d.text) for d in minutes.items[0].decisions] == [("AGREED", "the minutes.")]
    assert not GENERIC.text_as_written


MINUTE_BOOK = """Harbour Users' Forum
Meeting 31
Date: 2 June 2026

Present:
Members:
Ada Byrne
Tomasz Wren

Apologies: Lin Okafor

31.1 Moorings
The Forum went through the waiting list.
AGREED that the list is published monthly.
TASK: Harbour Office to publish the waiting list, due 30 June 2026.

31.2 Dredging
The survey is late.

Outstanding actions
30.4 (HO): renew the pontoon licence, due 1 July 2026, open
"""


def test_an_items_lines_are_the_entrys_data():
    """Another committee's minute book: its minute numbers ("31.2 …"), its
    action lines ("TASK: …"), its decision verbs and its tracker lines are
    the entry's data (imports.layouts), read by the shared modules
    (imports.item_sequence, imports.item_text, imports.outstanding_table),
    not by the reader."""
    forum = replace(
        GENERIC,
        name="forum",
        actions=(re.compile(r"^TASK\s*:\s*(?P<text>.+)$", re.S),),
        item_lines=(re.compile(r"^(?P<minute>\d{1,3}\.\d{1,2})\s+(?P<title>[A-Z].{1,60})$"),),
        minute_number=re.compile(r"^\d{1,3}\.\d{1,2}\s"),
        review_line=re.compile(
            r"^(?P<ref>\d{1,3}\.\d{1,2})\s*\((?P<owner>[^)]+)\)\s*:\s*(?P<text>.+)$"
        ),
    )
    minutes = parse_generic_layout(MINUTE_BOOK, markdown=False, layout=forum, committee="HUF")
    assert [(item.number, item.title) for item in minutes.items] == [
        ("1", "31.1 Moorings"),
        ("2", "31.2 Dredging"),
    ]
    moorings = minutes.items[0]
    assert [(d.verb, d.text) for d in moorings.decisions] == [
        ("AGREED", "that the list is published monthly.")
    ]
    assert [(a.reference, a.owners, str(a.target_date)) for a in moorings.actions] == [
        ("HUF 31/01", ["Harbour Office"], "2026-06-30")
    ]
    assert [(p.name, p.section, p.group) for p in minutes.attendance] == [
        ("Ada Byrne", "member", "Members"),
        ("Tomasz Wren", "member", "Members"),
        ("Lin Okafor", "apology", ""),
    ]
    assert [(r.text, r.owners, r.status) for r in minutes.reviews] == [
        ("(30.4) renew the pontoon licence, due 1 July 2026, open", ["HO"], "open")
    ]
    # The generic entry reads no "TASK:" line.
    generic = parse_generic_layout(MINUTE_BOOK, markdown=False, layout=GENERIC, committee="HUF")
    assert not any(item.actions for item in generic.items)


def test_a_heading_that_lost_its_blank_line_under_the_first_item_opens_its_item():
    """The next item's heading straight under the first item's text, the
    first read while the apologies were open: it opens its item, as it does
    anywhere else, rather than being read into the item above."""
    text = (
        "ELMSTEAD PARISH COUNCIL (EPC)\nMeeting 212\nDate: 10 March 2026\n\n"
        "Present: Cllr Megan Hughes (Chair), Cllr Rajiv Patel\n"
        "Apologies: Cllr Tom Brennan\n\n"
        "26/031 Apologies for absence\n"
        "RESOLVED that the apologies be accepted.\n"
        "26/032 Footpath repairs\n"
        "Action: Clerk to obtain three quotations.\n"
    )
    minutes = parse_generic_layout(text, markdown=False, layout=GENERIC)
    assert [(item.title, len(item.decisions), len(item.actions)) for item in minutes.items] == [
        ("26/031 Apologies for absence", 1, 0),
        ("26/032 Footpath repairs", 0, 1),
    ]


_FRONT = (
    "committee",
    "number",
    "reference",
    "date",
    "start_time",
    "end_time",
    "location",
    "teleconference",
    "final",
    "kind",
    "classification_label",
    "classification_statement",
    "next_meetings",
)


@pytest.mark.parametrize("name", ["sample", "seed-001"])
def test_the_front_matter_is_read_one_way_for_every_entry(name):
    """The OPSG's title block and attendance tables read a block at a time,
    as every other entry's are, give what the reading as written gives."""
    text = _text(name)
    as_written = asdict(parse_generic_layout(text, markdown=True, layout=OPSG))
    by_blocks = asdict(
        parse_generic_layout(text, markdown=True, layout=replace(OPSG, text_as_written=False))
    )
    assert {k: by_blocks[k] for k in _FRONT} == {k: as_written[k] for k in _FRONT}
    assert by_blocks["attendance"] == as_written["attendance"]


def test_attendance_under_the_title_block_with_its_blank_line_lost_is_read():
    text = (
        "Harbour Panel (HP) meeting 212\n"
        "Date: 4 March 2026\n"
        "Present: Ada Byrne, Tomasz Wren\n"
        "Apologies: Bo Li\n"
        "\n"
        "1. Welcome\n"
        "The Chair opened the meeting.\n"
    )
    for markdown in (False, True):
        minutes = parse_generic_layout(text, markdown=markdown, layout=GENERIC)
        assert (minutes.committee, minutes.number) == ("HP", 212)
        people = [(p.name, p.section) for p in minutes.attendance]
        assert people == [("Ada Byrne", "member"), ("Tomasz Wren", "member"), ("Bo Li", "apology")]


def test_the_entries_a_text_is_read_by_are_the_registrys_data():
    """Which entries read a text, and in which order, is decided in one
    place (imports.layouts `layouts_of`), by the entries' data: the OPSG's
    first (`read_first`), then the one that recognises the text."""
    bot = (Path(__file__).resolve().parent / "minutes" / "bot_2026_02_11.txt").read_text()
    assert [layout.name for layout in layouts_of(bot)] == ["opsg", "meeting-bot"]
    assert [layout.name for layout in layouts_of(MINUTE_BOOK)] == ["opsg", "generic"]
    assert [layout.name for layout in LAYOUTS if layout.read_first] == ["opsg"]
    # Without an entry read first, the one that recognises the text reads it alone.
    assert layouts_of(bot, registry=(MEETING_BOT, GENERIC)) == (MEETING_BOT,)


def test_an_entry_whose_text_is_the_2019_pdfs_reads_it_by_the_2019_reader():
    text = _text("sample")
    assert read_by(OPSG, text, markdown=True) == parse_generic_layout(
        text, markdown=True, layout=OPSG
    )
    plain = "Operations Group Meeting 25\n\n1 October 2019, 10:00 – 17:00\n"
    assert read_by(OPSG, plain, markdown=False) == parse_text_layout(plain)
    assert not GENERIC.pdf_text_reader
