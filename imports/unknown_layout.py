"""Minutes read in a layout that names itself (imports.layouts: `title`)
but show neither its reference nor its numbered items."""

from imports.layouts import Layout
from imports.parsed import Flag, ParsedMinutes


def flag_unknown_layout(minutes: ParsedMinutes, layout: Layout) -> None:
    """A text without the reference (or committee) and the numbered items
    of the layout it was read in is flagged as not in that layout: only
    what could be read is shown."""
    missing = [
        what
        for what, seen in (
            ("no meeting reference or committee", minutes.committee),
            ("no numbered agenda items", minutes.items),
        )
        if not seen
    ]
    if missing:
        minutes.flags.insert(
            0,
            Flag(
                1,
                "unknown-layout",
                f"Not minutes in {layout.title} as far as could be read ("
                + "; ".join(missing)
                + "): only what could be read is shown.",
            ),
        )
