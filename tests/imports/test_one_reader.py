"""The one reader in the making: the generic reader, given the OPSG entry
of the layout registry, reads the 2021 minutes as the OPSG's Markdown reader
does, part by part, as each part moves into a shared module both call. The
real OPSG 49 minutes are read from ../shared/seeds, never shipped."""

from dataclasses import asdict
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layout_markdown import parse_markdown_layout
from imports.layouts import OPSG
from tests.conftest import unshipped_seed

SAMPLE = Path(__file__).resolve().parents[2] / "imports" / "fixtures" / "opsg_49_sample.md"
PARTS = ("attendance", "items", "reviews", "flags")


def _text(name: str) -> str:
    if name == "sample":
        return SAMPLE.read_text(encoding="utf-8")
    return unshipped_seed("001_12df44be4725d42b.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["sample", "seed-001"])
def both(request):
    text = _text(request.param)
    markdown = asdict(parse_markdown_layout(text))
    generic = asdict(parse_generic_layout(text, markdown=True, layout=OPSG))
    return markdown, generic


def test_the_title_block_and_next_meetings_read_alike(both):
    """Reference, committee, number, date, times, place, teleconference,
    classification, draft or final, kind, next meetings."""
    markdown, generic = both
    title = [key for key in markdown if key not in PARTS]
    assert {key: generic[key] for key in title} == {key: markdown[key] for key in title}
    assert markdown["reference"] and markdown["next_meetings"]


def test_the_attendance_items_and_outstanding_actions_read_alike(both):
    markdown, generic = both
    numbered = [(item["number"], item["title"]) for item in markdown["items"]]
    assert [(item["number"], item["title"]) for item in generic["items"]] == numbered
    assert generic["attendance"] == markdown["attendance"]
    assert generic["reviews"] == markdown["reviews"]


def test_the_whole_reading_is_the_same(both):
    """Items, narrative as written, decisions, actions raised with their
    targets, post-meeting notes and every flag: the same meeting."""
    markdown, generic = both
    assert generic == markdown
