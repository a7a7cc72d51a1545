"""How an item's text is read is the entry's data (imports.layouts,
imports.item_text): a generic entry gets a behaviour of the OPSG's by
turning its field on, and the OPSG entry's behaviour is read from its
fields, not from its Markdown being read as written (`text_as_written`)."""

from dataclasses import replace
from pathlib import Path

import pytest

from imports.common import RECAP
from imports.layout_generic import parse_generic_layout
from imports.layouts import GENERIC, LAYOUTS, OPSG

SAMPLE = Path(__file__).resolve().parents[2] / "imports" / "fixtures" / "opsg_49_sample.md"

HEADER = """# Harbour Panel (HP) meeting 212

Date: 4 March 2026

Present: Ada Byrne, Tomasz Wren

"""

CUT_BY_A_PAGE_BREAK = (
    HEADER
    + """## 1. Moorings

The harbour master noted

that the pontoon reopens in May.

[Post meeting note: the pontoon reopened on 2 May.]
"""
)

WITH_A_RECAP = (
    HEADER
    + """## 1. Moorings

ACTION: Cara Lund to survey the pontoon by 30 April 2026.

Actions raised at this meeting

| Ref | Action | Owner | Due |
|-----|--------|-------|-----|
| HP 212/01 | Survey the pontoon | Cara Lund | 30 April 2026 |
"""
)


def _read(text: str, layout):
    return parse_generic_layout(text, markdown=True, layout=layout)


def test_the_generic_entries_have_none_of_the_opsgs_item_fields():
    for layout in (layout for layout in LAYOUTS if layout is not OPSG):
        assert not layout.whole_blocks and not layout.join_page_breaks
        assert not layout.review_tables_in_items
        assert layout.recap is layout.post_meeting_note is None
        # Their own next meeting's line ("Date of next meeting: …"), not the OPSG's.
        assert layout.next_meeting is not None and layout.next_meeting is not OPSG.next_meeting
    assert OPSG.whole_blocks and OPSG.join_page_breaks and OPSG.review_tables_in_items
    assert OPSG.recap is RECAP and OPSG.minute_number is None


def test_a_generic_entry_joins_a_paragraph_cut_by_a_page_break_when_its_field_says_so():
    apart = _read(CUT_BY_A_PAGE_BREAK, GENERIC).items[0]
    assert apart.narrative.startswith(
        "The harbour master noted\n\nthat the pontoon reopens in May."
    )
    joined = _read(CUT_BY_A_PAGE_BREAK, replace(GENERIC, join_page_breaks=True)).items[0]
    assert joined.narrative.startswith("The harbour master noted that the pontoon reopens in May.")


def test_a_generic_entry_keeps_a_post_meeting_note_apart_when_its_field_says_so():
    kept = _read(CUT_BY_A_PAGE_BREAK, GENERIC).items[0]
    assert "[Post meeting note:" in kept.narrative and not kept.post_meeting_note
    layout = replace(GENERIC, post_meeting_note=OPSG.post_meeting_note)
    apart = _read(CUT_BY_A_PAGE_BREAK, layout).items[0]
    assert apart.post_meeting_note == "the pontoon reopened on 2 May."
    assert "Post meeting" not in apart.narrative


def test_a_generic_entry_passes_over_the_recap_and_its_table_when_its_field_says_so():
    read = _read(WITH_A_RECAP, GENERIC)
    assert [review.reference for review in read.reviews] == ["HP 212/01"]
    passed = _read(WITH_A_RECAP, replace(GENERIC, recap=RECAP))
    assert not passed.reviews
    item = passed.items[0]
    assert [action.reference for action in item.actions] == ["HP 212/01"]
    assert "Actions raised" not in item.narrative and "|" not in item.narrative


def _sample_item(layout, number: str, more: str = ""):
    """The OPSG 49 sample, `more` added to its last item (3.2)."""
    minutes = _read(SAMPLE.read_text(encoding="utf-8") + more, layout)
    return minutes, next(item for item in minutes.items if item.number == number)


def test_the_opsg_entry_joins_and_keeps_apart_by_its_fields():
    _, item = _sample_item(OPSG, "3.2")
    assert "The DCC noted that returned hubs are counted" in item.narrative
    assert item.post_meeting_note.startswith("the DCC confirmed on 19 May")
    assert "Next main meeting" not in item.narrative

    layout = replace(OPSG, join_page_breaks=False, post_meeting_note=None)
    _, item = _sample_item(layout, "3.2")
    assert "The DCC noted\n\nthat returned hubs are counted" in item.narrative
    assert "[Post meeting note: the DCC confirmed" in item.narrative
    assert not item.post_meeting_note


def test_the_opsg_entry_reads_a_table_in_an_item_as_outstanding_actions_by_its_field():
    minutes, _ = _sample_item(OPSG, "2")
    assert len(minutes.reviews) == 3
    minutes, item = _sample_item(replace(OPSG, review_tables_in_items=False), "2")
    assert not minutes.reviews
    assert "| OPSG 46/03 |" in item.narrative


@pytest.mark.parametrize("recap", [RECAP, None])
def test_the_opsg_entry_passes_over_its_recap_by_its_field(recap):
    recap_table = (
        "\nActions raised at this meeting\n\n"
        "| Action | Owner | Target |\n|---|---|---|\n"
        "| OPSG 49/01 | SECAS | 28/05/2021 |\n"
    )
    minutes, item = _sample_item(replace(OPSG, recap=recap), "3.2", recap_table)
    assert ("Actions raised at this meeting" in item.narrative) is (recap is None)
    assert ("| OPSG 49/01 | SECAS |" in item.narrative) is (recap is None)
    assert len(minutes.reviews) == 3


def test_the_opsg_entry_reads_a_block_whole_by_its_field():
    """A list's points apart between blank lines: each block a paragraph of
    the narrative, read whole; else the next point under the one before."""
    loose_list = "\n- North\n\n- South\n"
    _, whole = _sample_item(OPSG, "3.2", loose_list)
    assert whole.narrative.endswith("retested.\n\n- North\n\n- South")
    _, by_sentence = _sample_item(replace(OPSG, whole_blocks=False), "3.2", loose_list)
    assert by_sentence.narrative.endswith("retested.\n\n- North\n- South")


def test_the_opsg_entrys_item_fields_hold_when_its_markdown_is_walked_a_block_at_a_time():
    """Not read as written (`text_as_written` off: the generic walk, a block
    at a time), the OPSG entry's item text is still read by its fields."""
    minutes = _read(SAMPLE.read_text(encoding="utf-8"), replace(OPSG, text_as_written=False))
    notes = [item for item in minutes.items if item.post_meeting_note]
    assert [item.post_meeting_note for item in notes] == [
        "the DCC confirmed on 19 May that 310 retested hubs were included."
    ]
    assert "The DCC noted that returned hubs are counted" in notes[0].narrative
    assert "Next main meeting" not in notes[0].narrative
