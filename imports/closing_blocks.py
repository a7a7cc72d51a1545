"""The decisions and actions after an item's last sub-item, which the page
cannot tell apart from the whole item's closing block: read as the
sub-item's, with a doubt when a decision there names the parent item.
For every entry of the layout registry: a sub-item's heading (a numbered
line or heading, imports.item_sequence) says where it begins, never where
it ends."""

import re

from imports.parsed import Flag, ParsedMinutes


def flag_closing_blocks(minutes: ParsedMinutes) -> None:
    """The decisions and actions after an item's last sub-item are read as
    that sub-item's, which the page cannot tell apart from the whole item's
    closing block. When a decision there names the parent item ("The OPSG
    NOTED the SEC Panel Reports" closing 3.5, under "3. SEC Panel Reports"),
    the secretary is told that block may be item 3's."""
    for parent in minutes.items:
        child = re.compile(rf"^{re.escape(parent.number)}\.\d+$")
        subs = [item for item in minutes.items if child.match(item.number)]
        title = parent.title.strip(" .")
        if not subs or len(title) < 4:
            continue
        last = subs[-1]
        names = re.compile(rf"(?<!\w){re.escape(title)}(?!\w)", re.I)
        naming = [d for d in last.decisions if names.search(d.text)]
        if naming and last.title.strip(" .").lower() not in naming[0].text.lower():
            count = len(last.actions)
            what = f" and {last.number}'s {count} action{'s' * (count != 1)}" if count else ""
            decision = f"{naming[0].verb} {naming[0].text}".rstrip(".")
            minutes.flags.append(
                Flag(
                    naming[0].line,
                    "placement",
                    f"Item {last.number} closes with \u201c{decision}\u201d, which names item "
                    f"{parent.number} ({parent.title}): that decision{what} may belong to item "
                    f"{parent.number} as a whole; they are kept under {last.number}.",
                )
            )
