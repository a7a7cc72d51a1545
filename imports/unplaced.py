"""Lines a reader could not place: each is flagged, naming its line, and
kept in the nearest item's narrative, never dropped. Those from before the
first item (the title block, the attendance) join the first item's
narrative; the others are in their own item's narrative already."""

from imports.blocks import SourceLine
from imports.parsed import Flag, ParsedItem, ParsedMinutes


def place_unplaced(unplaced: list[SourceLine], minutes: ParsedMinutes) -> None:
    """Flag every line in `unplaced` and keep those before the first item
    in its narrative."""
    items = minutes.items
    first = items[0] if items else None
    early = [text for number, text in unplaced if first and number < first.line]
    if early:
        first.narrative = "\n\n".join(filter(None, ["\n".join(early), first.narrative]))
    for number, text in sorted(unplaced):
        where = f"kept in item {_nearest(number, items)}" if items else "no item to keep it in"
        minutes.flags.append(
            Flag(number, "unplaced-line", f"Line {number} not understood ({where}): {text.strip()}")
        )


def _nearest(line: int, items: list[ParsedItem]) -> str:
    before = [item.number for item in items if item.line <= line]
    return before[-1] if before else items[0].number
