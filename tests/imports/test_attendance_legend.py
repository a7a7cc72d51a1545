"""The legend under a panel's attendance list ("* attended by
teleconference") says what the "*" after some names means: it is read as
that legend, not flagged as a line no one could read as a person, and the
people marked "*" keep their mark. A legend that gives the mark another
meaning than the reader gave it is flagged; a mark alone is no legend."""

import shutil
from dataclasses import replace

import pytest

from imports.attendance import listed_person
from imports.layouts import GENERIC
from imports.parse import read_upload
from tests.conftest import need
from tests.imports.test_generic_layouts import MINUTES
from tests.imports.test_generic_mutations import _pdf
from tests.imports.test_generic_mutations import _word_one_paragraph_a_line as _word

LEGEND = "* attended by teleconference"


def _panel(legend: str = LEGEND) -> str:
    text = (MINUTES / "panel_58.txt").read_text()
    assert LEGEND in text
    return text.replace(LEGEND, legend)


def _read(data: bytes, name: str):
    if name.endswith(".pdf"):
        need(bool(shutil.which("pdftotext")), "pdftotext (poppler-utils)")
    return read_upload(data, name)[1]


@pytest.mark.parametrize(
    "make, name",
    [(str.encode, "panel.txt"), (_word, "panel.docx"), (_pdf, "panel.pdf")],
    ids=["text", "word", "pdf"],
)
def test_the_legend_is_read_and_the_marked_keep_their_mark(make, name):
    parsed = _read(make(_panel()), name)
    assert not [flag for flag in parsed.flags if "teleconference" in flag.message]
    people = {person.name: person for person in parsed.attendance}
    assert people["Ivo Castellanos"].remote  # "… [Transporter Member] *"
    assert not people["Juno Ashcroft"].remote
    assert len(parsed.attendance) == 10  # the legend is no one


@pytest.mark.parametrize(
    "legend",
    [
        "* denotes attendance by phone",
        "* indicates remote attendance",
        "* = dialled in",
        "*attended remotely.",
        "* Attended via Teams",
    ],
)
def test_a_legend_in_other_words_is_read_alike(legend):
    parsed = _read(_panel(legend).encode(), "panel.txt")
    assert [flag.kind for flag in parsed.flags] == ["decision-subject"]
    assert {p.name for p in parsed.attendance if p.remote} == {"Farah Quereshi", "Ivo Castellanos"}


def test_a_legend_that_gives_the_mark_another_meaning_is_flagged():
    parsed = _read(_panel("* denotes a voting member").encode(), "panel.txt")
    [flag] = [flag for flag in parsed.flags if flag.kind == "mark-legend"]
    assert flag.line == 25 and "'denotes a voting member'" in flag.message


def test_a_mark_alone_on_a_line_is_no_legend_and_is_flagged():
    """ "(dial in)" or "by teleconference" on a line of its own may be the
    mark of the person above, wrapped: kept in a flag, never passed over."""
    for line in ("by teleconference", "(dial in)"):
        parsed = _read(_panel(line).encode(), "panel.txt")
        assert [f.line for f in parsed.flags if f.kind == "unread-line"] == [25], line


def _listed(text: str, layout):
    flags = []
    return listed_person(text, "member", "", 1, layout, flags), flags


def test_what_a_star_says_is_the_entrys_datum():
    """The "*" by a name is read as the entry's `star_mark` says, through the
    marks as a bracket is: an entry whose "*" marks a voting member reads
    a role, one whose "*" means nothing keeps it in the name."""
    person, _ = _listed("*Tomasz Wren", GENERIC)
    assert (person.name, person.remote, person.role) == ("Tomasz Wren", True, "")
    voting = replace(GENERIC, star_mark="voting member")
    person, _ = _listed("*Tomasz Wren", voting)
    assert (person.name, person.remote, person.role) == ("Tomasz Wren", False, "voting member")
    _, flags = _listed("* attended by teleconference", voting)
    assert [flag.kind for flag in flags] == ["mark-legend"]
    assert "'voting member'" in flags[0].message
    person, _ = _listed("Tomasz Wren*", replace(GENERIC, star_mark=None))
    assert (person.name, person.remote) == ("Tomasz Wren*", False)
