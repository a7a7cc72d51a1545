"""The 2019 PDF text's items are read a block at a time by the one item-text
reader every entry's are (imports.item_text.read_block): the text layout
keeps only what its tokenizer's blocks say of themselves (post-meeting
notes, incident reviews, lines of no words, sub-headings, footnotes)."""

from imports import layout_text
from imports.item_text import read_block
from tests.imports.test_layout_text import SMALL

POINTS = """\
SECAS presented the plan.

The OPSG NOTED that:

1. SECAS reported the figures.

2. The survey ran late.

Members discussed the delay.

- The figures were late. The OPSG AGREED to wait for them.

- A bullet of its own.

ACTION OPSG 45/02: SECAS to circulate the figures.

[Post meeting note: the figures were circulated.]

0)
"""


def read():
    return layout_text.parse_text_layout(SMALL.replace("###", POINTS))


def test_every_block_of_an_item_but_the_tokenizers_own_goes_to_read_block(monkeypatch):
    seen = []

    def spy(block, item, context, unplaced=None):
        seen.append(block.text)
        read_block(block, item, context, unplaced)

    monkeypatch.setattr(layout_text, "read_block", spy)
    read()
    assert "SECAS presented the plan." in seen
    assert "The OPSG NOTED that:" in seen
    assert "ACTION OPSG 45/02: SECAS to circulate the figures." in seen
    assert "0)" in seen  # a line of no words: flagged, then read as every line is
    # The decision's points go to read_block as every reader's do, once each
    # (imports.decision_points); the note is the tokenizer's own.
    assert seen.count("SECAS reported the figures.") == 1
    assert not [text for text in seen if "Post meeting note" in text]


def test_a_decision_takes_the_points_after_its_colon_and_a_point_keeps_its_mark():
    [item] = read().items
    noted = [d for d in item.decisions if d.verb == "NOTED" and d.points]
    assert [d.points for d in noted] == [["SECAS reported the figures.", "The survey ran late."]]
    assert ("AGREED", "to wait for them.") in [(d.verb, d.text) for d in item.decisions]
    # The words before a decision inside a point keep the point's mark, on
    # the line under the point before it.
    assert "- The figures were late.\n- A bullet of its own." in item.narrative
    assert "SECAS reported the figures." not in item.narrative
    assert "OPSG 45/02" in [a.reference for a in item.actions]
    assert item.post_meeting_note == "the figures were circulated."


def test_a_line_of_no_words_is_kept_and_flagged():
    minutes = read()
    [item] = minutes.items
    assert item.narrative.rstrip().endswith("0)")
    assert [f for f in minutes.flags if f.kind == "unplaced-line" and "'0)'" in f.message]


def test_attendance_lines_the_roll_cannot_place_are_kept_in_item_1_and_flagged():
    """Nothing typed is lost: a stray cell ("0)") or marks before anyone in
    the 2019 attendance tables are kept at the head of item 1's narrative,
    as the title block's unread lines are, each flagged on its line."""
    text = SMALL.replace(
        "Category Operations Group Members\n",
        "Category Operations Group Members\n\n(Teleconference)\n",
    )
    text = text.replace(
        "(Teleconference)\n\nRepresenting", "(Teleconference)\n\n0)\n\nRepresenting"
    )
    text = text.replace("###", "The DCC gave a report.")
    lines = text.split("\n")
    minutes = layout_text.parse_text_layout(text)
    unplaced = [flag for flag in minutes.flags if flag.kind == "unplaced-line"]
    assert [(lines[f.line - 1], "kept in item 1" in f.message) for f in unplaced] == [
        ("(Teleconference)", True),
        ("0)", True),
    ]
    assert minutes.items[0].narrative.startswith("(Teleconference)\n0)\n\n")
    assert [person.name for person in minutes.attendance] == ["Ann Other", "Bea Smith", "Cal Jones"]


def test_a_post_meeting_note_inside_a_point_leaves_the_point_whole():
    """A note printed inside a paragraph or a point ("… [Post meeting note:
    …] …") is kept apart, and the point keeps its mark and its sentence: no
    stray " ." where the note was. Inside a decision's points it stays as
    printed, in the point."""
    text = SMALL.replace(
        "###",
        "The OPSG NOTED that:\n\n"
        "1. The survey ran late [Post meeting note: it closed on 3 May].\n\n"
        "2. SECAS reported the figures.\n\n"
        "Members discussed the delay [Post meeting note: agreed by email]. The DCC will report."
        "\n\n- A point [Post meeting note: sent] too.",
    )
    [item] = layout_text.parse_text_layout(text).items
    assert item.post_meeting_note == "agreed by email\n\nsent"
    assert item.narrative == "Members discussed the delay. The DCC will report.\n\n- A point too."
    [noted] = [d for d in item.decisions if d.verb == "NOTED"]
    assert noted.points == [
        "The survey ran late [Post meeting note: it closed on 3 May].",
        "SECAS reported the figures.",
    ]
