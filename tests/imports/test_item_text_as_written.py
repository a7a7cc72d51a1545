"""An item's narrative keeps the Markdown as written for every entry of the
layout registry (imports.item_text: one reader, `read_block`), not only the
OPSG's: a link, bold text, a list's own marks and line breaks, a table's
rows as typed. Decisions and actions are read as before."""

from imports.parse import parse

MINUTES = """# Riverside Housing Co-operative — Board meeting

**Date:** 4 March 2026
**Time:** 19:00 – 20:45
**Location:** Community room, 12 Mill Lane

## Attendees

- Alex Moreno (chair)
- Kim Sato

## Agenda

### 1. Treasurer's report

Jordan presented the [accounts](https://example.org/accounts) to the end of
February. Arrears fell **for the third month** in a row.

* the rent roll
  * its arrears
* the repairs fund

Reserves:

| Fund | Balance |
|------|---------|
| **Repairs** | 1,200 |

RES-2026-08: The accounts were approved.

ACTION: Jordan to publish the accounts.

### 2. Any other business

None.
"""


def _item(number: str):
    minutes = parse(MINUTES)
    return minutes, next(item for item in minutes.items if item.number == number)


def test_a_link_and_bold_text_are_kept_as_written():
    _, item = _item("1")
    assert "the [accounts](https://example.org/accounts) to the end of\nFebruary." in item.narrative
    assert "**for the third month**" in item.narrative


def test_a_list_keeps_its_own_marks_and_depth():
    _, item = _item("1")
    assert "* the rent roll\n  * its arrears\n* the repairs fund" in item.narrative


def test_a_table_is_kept_as_written():
    _, item = _item("1")
    assert "| Fund | Balance |\n|------|---------|\n| **Repairs** | 1,200 |" in item.narrative


def test_decisions_and_actions_are_read_as_before_and_kept_out_of_the_narrative():
    minutes, item = _item("1")
    assert [decision.verb for decision in item.decisions] == ["AGREED"]
    assert item.decisions[0].text == "RES-2026-08: The accounts were approved."
    assert [action.text for action in item.actions] == ["Jordan to publish the accounts."]
    assert "RES-2026-08" not in item.narrative
    assert "ACTION" not in item.narrative


def test_the_lines_under_a_heading_in_its_own_paragraph_are_kept_as_written():
    """'3. Repairs' and its text with no blank line between: the lines after
    the heading keep their marks too."""
    text = MINUTES + "\n3. Repairs\nThe [survey](https://example.org/survey) is **late**.\n"
    item = next(item for item in parse(text).items if item.number == "3")
    assert item.title == "Repairs"
    assert item.narrative == "The [survey](https://example.org/survey) is **late**."
