"""One reader: the OPSG's 2021 Markdown goes to the generic reader given the
registry's OPSG entry (imports.parse), which reads its parts by the entry's
data. The real OPSG 49 minutes are read from ../shared/seeds, never shipped."""

from dataclasses import asdict, replace
from pathlib import Path

import pytest

from imports.layout_generic import parse_generic_layout
from imports.layouts import GENERIC, OPSG
from imports.parse import parse
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
