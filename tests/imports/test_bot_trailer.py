"""A meeting bot's trailer, "(ana, 15:12:00)" after a line, in plain text:
the MEETING_BOT entry's `trailer` leaves it out of the words a decision or
an action is read from (who typed the bot's command and when is no part of
what was agreed), but a line read as narrative is what was typed, trailer
and all, as the same line in Markdown already was. The text reader dropped
it from the narrative."""

from pathlib import Path

from imports.blocks import ITEM, PARAGRAPH, Block
from imports.item_text import segments, typed_segments
from imports.layouts import MEETING_BOT
from imports.parse import read_upload

MINUTES = Path(__file__).resolve().parent / "minutes"


def _items(name: str):
    return read_upload((MINUTES / name).read_bytes(), name)[1].items


def test_a_narrative_line_keeps_its_trailer_in_plain_text():
    release = _items("bot_2026_02_11.txt")[1]
    assert release.narrative == "- LINK: https://example.org/lumen/milestone/42  (ana, 15:12:00)"


def test_decisions_and_actions_are_read_without_it_as_before():
    release = _items("bot_2026_02_11.txt")[1]
    assert [decision.text for decision in release.decisions] == [
        "the 4.2 release is cut on 18 February"
    ]
    assert [action.text for action in release.actions] == ["bogdan to write the release notes"]


def test_the_markdown_narrative_keeps_it_too():
    text = (
        (MINUTES / "bot_2026_02_25.md")
        .read_text()
        .replace(
            "  * ACTION: bogdan to draft",
            "  * LINK: https://example.org/call (ana, 15:27:00)\n  * ACTION: bogdan to draft",
        )
    )
    mentoring = read_upload(text.encode(), "bot.md")[1].items[1]
    assert mentoring.narrative == "* LINK: https://example.org/call (ana, 15:27:00)"


def test_segments_read_without_the_trailer_and_keep_it_typed():
    block = Block(PARAGRAPH, "kerstin said hello  (kerstin, 15:00:10)\n(ana, 15:00:20)", 4)
    assert segments(block, MEETING_BOT) == [(4, "kerstin said hello")]
    assert typed_segments(block, MEETING_BOT) == [
        (4, "kerstin said hello", "kerstin said hello  (kerstin, 15:00:10) (ana, 15:00:20)")
    ]
    point = Block(ITEM, "AGREED: yes  (ana, 15:01:00)", 7)
    assert typed_segments(point, MEETING_BOT) == [
        (7, "AGREED: yes", "AGREED: yes  (ana, 15:01:00)")
    ]
