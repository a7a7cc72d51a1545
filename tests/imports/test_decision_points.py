"""A decision's list of points is read one way by every reader
(imports.decision_points): a line that ends with a colon is held until the
list under it ends, whichever way the tokenizer cuts the list and whether
the reader has the item's blocks at hand or meets them one by one. Before,
three mechanisms did it (a look at the next block, a look at the
tokenizer's next points, and a decision opened for the points after it),
and each missed what another read."""

from pathlib import Path

import pytest

from imports.layout_text import parse_text_layout
from imports.parse import parse
from tests.imports.test_layout_text import SMALL

FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
MINUTES = Path(__file__).resolve().parent / "minutes"
HEAD = """Riverside Housing Co-operative — Board meeting

Date: 4 March 2026

Present: Alex Moreno (chair), Kim Sato

1. Repairs

"""
TAIL = "\n2. Any other business\n\nNone.\n"


def _decisions(item):
    return [(d.verb, d.text, d.points) for d in item.decisions]


def _empty_decisions(minutes):
    return [flag for flag in minutes.flags if flag.kind == "empty-decision"]


def test_the_2019_texts_last_line_ending_with_a_colon_is_no_empty_decision():
    """The 2019 reader opened the line's decision for the points after it
    but never closed it where the text ends: "The OPSG NOTED that:" was
    recorded as a decision of no words, without a flag."""
    text = SMALL.replace("###", "The DCC spoke.").replace(
        "Next Meeting: 7 April 2020\n", "The OPSG NOTED that:\n"
    )
    minutes = parse_text_layout(text)
    [item] = minutes.items
    assert not [d for d in item.decisions if d.verb == "NOTED"]
    assert item.narrative.endswith("The DCC spoke.\n\nThe OPSG NOTED that:")
    [flag] = _empty_decisions(minutes)
    assert text.split("\n")[flag.line - 1] == "The OPSG NOTED that:"


@pytest.mark.parametrize("markdown", [False, True])
def test_a_verb_with_a_colon_and_no_words_takes_the_list_under_it(markdown):
    """ "The Group AGREED:" over a list: the decision had no words and the
    list went to the narrative."""
    body = "The Group AGREED:\n\n- the survey is late;\n- the roof leaks.\n"
    [item, _] = parse(HEAD + body + TAIL, markdown=markdown).items
    assert _decisions(item) == [("AGREED", "", ["the survey is late;", "the roof leaks."])]
    assert item.narrative == ""


@pytest.mark.parametrize("markdown", [False, True])
def test_a_verb_with_a_colon_and_no_list_is_kept_in_the_narrative(markdown):
    minutes = parse(HEAD + "The Group AGREED:\n\nKim spoke.\n" + TAIL, markdown=markdown)
    assert minutes.items[0].decisions == []
    assert minutes.items[0].narrative == "The Group AGREED:\n\nKim spoke."
    assert len(_empty_decisions(minutes)) == 1


def test_the_committees_markdown_takes_every_run_of_points_under_the_line():
    """The OPSG's Markdown read as written cuts a list at its blank lines:
    the decision took the first run only, and "2. …" went to the narrative."""
    sample = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
    points = "The OPSG NOTED that:\n\n1. the survey is late;\n\n2. the roof leaks.\n\n"
    minutes = parse(sample.replace("The OPSG", points + "The OPSG", 1))
    item = minutes.items[0]
    assert _decisions(item)[0] == ("NOTED", "that:", ["the survey is late;", "the roof leaks."])
    assert "the roof leaks" not in item.narrative


@pytest.mark.parametrize(
    ("verb", "text"),
    [
        ("NOTED that:", "that:"),
        # The OPSG's readers recorded ":", printed "The OPSG AGREED :", the
        # generic entries "": the verb's colon is no word of the decision
        # (decision_points.decision_text), a colon after words is.
        ("AGREED:", ""),
    ],
)
def test_every_reader_gives_the_same_decision_for_the_same_list(verb, text):
    """The same lines read by the 2019 text's reader, the OPSG's Markdown
    reader and the generic reader: one decision with the same points."""
    lines = f"The OPSG {verb}\n\n1. the survey is late;\n\n2. the roof leaks.\n"
    [pdf_text] = parse_text_layout(SMALL.replace("###", lines)).items
    sample = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
    markdown = parse(sample.replace("The OPSG", lines + "\nThe OPSG", 1)).items[0]
    generic = parse(HEAD + lines.replace("OPSG", "Group") + TAIL, markdown=False).items[0]
    expected = (verb.split()[0].rstrip(":"), text, ["the survey is late;", "the roof leaks."])
    assert [d for d in _decisions(pdf_text) if d[0] == expected[0]] == [expected]
    assert _decisions(markdown)[0] == expected
    assert _decisions(generic) == [expected]


@pytest.mark.parametrize("markdown", [False, True])
def test_lettered_lines_under_a_decision_are_its_points_a_line(markdown):
    """ "a) …" lines are a paragraph to every tokenizer, not a list: the
    decision's line was flagged empty and the lines narrated. A point a line."""
    body = "It was AGREED the following:\n\na) the survey is late;\nb) the roof leaks\n   and costly.\n"
    minutes = parse(HEAD + body + TAIL, markdown=markdown)
    item = minutes.items[0]
    assert _decisions(item) == [
        ("AGREED", "the following:", ["the survey is late;", "the roof leaks and costly."])
    ]
    assert item.narrative == ""
    assert not _empty_decisions(minutes)


def test_lettered_lines_under_a_line_that_is_no_decision_stay_as_written():
    sample = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
    lines = "Members noted that:\n\na) the survey is late;\nb) the roof leaks.\n\n"
    item = parse(sample.replace("The OPSG", lines + "The OPSG", 1)).items[0]
    assert "Members noted that:\n\na) the survey is late;\nb) the roof leaks." in item.narrative


@pytest.mark.parametrize("reader", ["markdown", "pdf-text"])
def test_a_committee_line_over_its_own_decisions_is_no_empty_decision(reader):
    """ "The OPSG AGREED the following:" over a list of the committee's own
    decisions: the decisions are read, and the line, given no point, was a
    silent decision of no words. Now it is narrative, flagged."""
    lines = (
        "The OPSG AGREED the following:\n\n- The OPSG AGREED to wait.\n- The OPSG NOTED the plan.\n"
    )
    if reader == "markdown":
        sample = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")
        minutes = parse(sample.replace("The OPSG", lines + "\nThe OPSG", 1))
    else:
        minutes = parse_text_layout(SMALL.replace("###", lines))
    item = minutes.items[0]
    assert ("AGREED", "to wait.", []) in _decisions(item)
    assert not [d for d in item.decisions if d.text == "the following:"]
    assert "The OPSG AGREED the following:" in item.narrative
    assert len(_empty_decisions(minutes)) == 1


@pytest.mark.parametrize("subject", ["Cllr Patel", "Councillor Rajiv Patel", "Dr Lindqvist"])
def test_one_councillors_noting_is_narrative_not_the_councils_decision(subject):
    """ "Cllr Patel NOTED …" was recorded as the Council's decision, printed
    "The EPC NOTED …": one member's words are the narrative's (the entry's
    `person_subject`); the Council's own decision after it is still one."""
    text = (MINUTES / "parish_2026_03.txt").read_text(encoding="utf-8")
    reported = "The Clerk reported two complaints about the path by the school.\n"
    said = f"{subject} NOTED that the path floods in winter.\n"
    minutes = parse(text.replace(reported, reported + said + "The Council NOTED the complaints.\n"))
    [item] = [item for item in minutes.items if "Footpath repairs" in item.title]
    assert _decisions(item) == [("NOTED", "the complaints.", [])]
    assert item.narrative.endswith(f"by the school. {said.strip()}")
    assert not [f for f in minutes.flags if subject in f.message]


@pytest.mark.parametrize("committee", ["OPSG", "Group"])
def test_a_verbs_colon_before_its_words_is_no_word_of_them(committee):
    body = f"The {committee} AGREED: to hire a surveyor.\n"
    if committee == "OPSG":
        [item] = parse_text_layout(SMALL.replace("###", body)).items
    else:
        item = parse(HEAD + body + TAIL, markdown=False).items[0]
    assert ("AGREED", "to hire a surveyor.", []) in _decisions(item)
