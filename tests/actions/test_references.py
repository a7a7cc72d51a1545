"""Action references are spelled, read and put in URLs in one module."""

import pytest
from django.core.exceptions import ValidationError

from actions import references


@pytest.mark.parametrize(
    "printed, spelled",
    [
        ("OPSG 25/01", "OPSG 25/01"),
        ("opsg 25/1", "OPSG 25/01"),
        ("OPSG  45 / CONF 2", "OPSG 45/CONF 02"),
        ("TABASC 7/CONF02", "TABASC 7/CONF 02"),
        ("OPSG 25/101", "OPSG 25/101"),
    ],
)
def test_every_spelling_reads_to_the_one_form(printed, spelled):
    assert references.canonical(printed) == spelled
    code, meeting, conf, sequence = references.parse_reference(printed)
    assert references.format_reference(code, meeting, sequence, conf) == spelled
    assert references.from_slug(references.slug(spelled)) == spelled


@pytest.mark.parametrize("text", ["OPSG", "OPSG 25", "25/01", "OPSG 25/CONF", "OPSG-25-01"])
def test_what_is_not_a_reference_says_so(text):
    assert references.canonical(text) is None
    with pytest.raises(ValidationError, match="is not an action reference"):
        references.parse_reference(text)
