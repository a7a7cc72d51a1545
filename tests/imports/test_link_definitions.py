"""A link's reference definition (`[1]: https://… "Title"`) is what was
typed, and a reference-style link's target: markdown-it-py keeps it aside,
so the generic Markdown reader (imports.blocks.markdown_blocks) lost it, and
"[survey report][1]" reached the narrative without its target."""

from imports.blocks import PARAGRAPH, markdown_blocks
from imports.parse import parse

MINUTES = """# Riverside Housing Co-operative — Board meeting

**Date:** 4 March 2026
**Time:** 19:00 – 20:45

## Attendees

- Alex Moreno (chair)
- Kim Sato

## Agenda

### 1. Repairs

The [survey report][survey] was received, and [the Plan], with the
[paper](https://example.org/other.pdf).

RES-2026-08: The survey was accepted.

### 2. Any other business

Kim circulated the [paper][1].

[1]: https://example.org/paper.pdf "Damp paper"
[paper]: https://example.org/paper.pdf
[survey]: https://example.org/survey.pdf
[the plan]: <https://example.org/plan>
  'The plan'
"""


def _items():
    return {item.number: item for item in parse(MINUTES).items}


def test_the_definitions_are_a_block_as_typed_where_they_stand():
    blocks = markdown_blocks(MINUTES)
    [last] = blocks[-1:]
    assert last.kind == PARAGRAPH
    assert last.line == 24
    assert last.text.startswith('[1]: https://example.org/paper.pdf "Damp paper"')


def test_the_definitions_stay_in_the_narrative_of_the_item_they_are_typed_in():
    """Nothing typed is lost: the definitions, as typed (a title on its own
    line too), end the narrative of the item they are typed under."""
    item = _items()["2"]
    assert item.narrative == (
        "Kim circulated the [paper][1].\n\n"
        '[1]: https://example.org/paper.pdf "Damp paper"\n'
        "[paper]: https://example.org/paper.pdf\n"
        "[survey]: https://example.org/survey.pdf\n"
        "[the plan]: <https://example.org/plan>\n"
        "  'The plan'"
    )


def test_an_item_whose_links_name_a_definition_typed_elsewhere_is_given_it():
    """A secretary reads an item's narrative on its own (the minutes render
    it an item at a time, as Markdown): the link in item 1 must keep its
    target, so the definitions its links name, typed under item 2, are added
    as typed at the end of item 1's narrative, once each, matched as
    Markdown matches labels (case and spacing aside). Those it does not name
    are not, nor one a link with its own target names ("[paper](…)")."""
    item = _items()["1"]
    assert item.narrative == (
        "The [survey report][survey] was received, and [the Plan], with the\n"
        "[paper](https://example.org/other.pdf).\n\n"
        "[survey]: https://example.org/survey.pdf\n\n"
        "[the plan]: <https://example.org/plan>\n"
        "  'The plan'"
    )
    assert "paper.pdf" not in item.narrative
