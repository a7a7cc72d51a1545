"""A decision that ends with a colon, "The Group NOTED that:", over a list:
the generic entries read it as a decision of its own words ("that:") and
the list's points as narrative or decisions of their own, so the record
got a decision with no words. Now the points that are no decision or
action of their own are its points; where every point is its own decision
or action, the line is kept in the narrative as written and flagged, and no
empty decision is made. No point is lost either way."""

from pathlib import Path

import pytest

from imports.parse import parse

HEAD = """Riverside Housing Co-operative — Board meeting

Date: 4 March 2026

Present: Alex Moreno (chair), Kim Sato

1. Repairs

"""
FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
TAIL = "\n2. Any other business\n\nNone.\n"


def _item(body: str, markdown: bool):
    minutes = parse(HEAD + body + TAIL, markdown=markdown)
    return minutes, next(item for item in minutes.items if item.number == "1")


@pytest.mark.parametrize("markdown", [False, True])
def test_the_points_under_the_line_are_its_points(markdown):
    body = (
        "The Group NOTED that:\n\n"
        "- the survey is late;\n"
        "- AGREED to hire a surveyor.\n"
        "- the roof leaks.\n\n"
        "Kim will report back.\n"
    )
    _, item = _item(body, markdown)
    assert [(d.verb, d.text, d.points) for d in item.decisions] == [
        ("NOTED", "that:", ["the survey is late;", "the roof leaks."]),
        ("AGREED", "to hire a surveyor.", []),
    ]
    assert item.narrative == "Kim will report back."


@pytest.mark.parametrize("markdown", [False, True])
def test_a_line_whose_points_are_all_decisions_is_no_empty_decision(markdown):
    body = (
        "The Group NOTED that:\n\n"
        "- AGREED the survey is late.\n"
        "- AGREED to hire a surveyor.\n"
        "- ACTION: Kim to call the surveyor.\n"
    )
    minutes, item = _item(body, markdown)
    assert [(d.verb, d.text) for d in item.decisions] == [
        ("AGREED", "the survey is late."),
        ("AGREED", "to hire a surveyor."),
    ]
    assert [action.text for action in item.actions] == ["Kim to call the surveyor."]
    assert item.narrative == "The Group NOTED that:"
    [flag] = [flag for flag in minutes.flags if flag.kind == "empty-decision"]
    assert flag.line == 9


@pytest.mark.parametrize("markdown", [False, True])
def test_a_line_with_no_list_under_it_ends_the_last_item_in_its_narrative(markdown):
    minutes = parse(HEAD + "Kim spoke.\n\nThe Group NOTED that:\n", markdown=markdown)
    [item] = minutes.items
    assert item.decisions == []
    assert item.narrative == "Kim spoke.\n\nThe Group NOTED that:"
    assert [flag.line for flag in minutes.flags if flag.kind == "empty-decision"] == [11]


def test_the_committees_own_decision_ending_with_a_colon_and_no_list_is_no_empty_decision():
    """The OPSG's Markdown (`committee_decisions`): the list right under
    "The OPSG NOTED that:" is its points; with no list under it, the line is
    kept in the narrative and flagged, as the generic entries' is."""
    sample = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
    text = sample.replace(
        "The OPSG", "The OPSG NOTED that:\n\nThe figures were late.\n\nThe OPSG", 1
    )
    minutes = parse(text)
    assert not [
        d for item in minutes.items for d in item.decisions if d.text == "that:" and not d.points
    ]
    [flag] = [flag for flag in minutes.flags if flag.kind == "empty-decision"]
    [item] = [item for item in minutes.items if "The OPSG NOTED that:" in item.narrative]
    assert "The OPSG NOTED that:\n\nThe figures were late." in item.narrative
    assert flag.line == next(
        number for number, line in enumerate(text.split("\n"), 1) if line == "The OPSG NOTED that:"
    )
