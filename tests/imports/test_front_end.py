"""Where the front matter ends is decided in one place for both readings
(imports.item_sequence.front_end): the items read in sequence
(`split_items`) and the generic block reader (imports.layout_generic)."""

from imports import layout_generic
from imports.blocks import markdown_source_blocks, text_blocks
from imports.item_sequence import front_end, split_items
from imports.layouts import GENERIC, OPSG

MARKDOWN = """\
Operations Group Meeting 45

3 March 2026, OPSG_45_0303

Attendees:

| Category | Operations Group Members |
| --- | --- |
| DCC | Ann Other |

# 1. Minutes

The OPSG **AGREED** the minutes.

1. Not an item: a point.

# 2. Budget

The OPSG NOTED the budget.
"""

TEXT = """\
Harbour Trust meeting 31
Date: 12 March 2026

Agenda:
1. Accounts

Present:
Ana Silva (Chair)

1. Accounts

The Trustees AGREED the accounts.
"""


def test_split_items_front_is_the_blocks_before_front_end():
    blocks = markdown_source_blocks(MARKDOWN)
    front, sections = split_items(blocks, OPSG)
    end = front_end(blocks, OPSG)
    assert front == blocks[:end]
    assert (blocks[end].number, blocks[end].text) == ("1", "Minutes")
    assert [section.item.number for section in sections] == ["1", "2"]


def test_the_block_reader_ends_the_front_matter_at_a_section_label_too():
    blocks = text_blocks(TEXT)
    label = next(i for i, block in enumerate(blocks) if block.text.startswith("Agenda"))
    assert front_end(blocks, GENERIC, lambda block: block.text.startswith("Agenda")) == label
    assert front_end(blocks, GENERIC) > label


def test_the_generic_reader_asks_front_end(monkeypatch):
    asked = []

    def spy(blocks, layout, ends=None):
        asked.append(ends is not None)
        return front_end(blocks, layout, ends)

    monkeypatch.setattr(layout_generic, "front_end", spy)
    minutes = layout_generic.parse_generic_layout(TEXT, markdown=False)
    assert asked == [True]
    assert minutes.date is not None and minutes.items
    assert "Ana Silva" in [person.name for person in minutes.attendance]
