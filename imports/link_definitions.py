"""A link's reference definition where the link is read.

Markdown lets a link name its target elsewhere: "See the [survey][1]." with
`[1]: https://example.org/survey.pdf "Survey"` further down, often at the
end of the document. markdown-it-py keeps such definitions aside; the
tokenizers keep them as a paragraph as typed, where they stand
(imports.blocks), so they are read into the narrative of the item they are
typed in. But an item's narrative is Markdown of its own (the minutes render
it an item at a time): a link in item 3 whose definition was typed under
item 9 would show as "[survey][1]", its target gone from item 3. So the
definition, as typed, is added at the end of the narrative of each item
whose links name it and which does not define it itself; where it was typed
it stays too."""

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference

from imports.blocks import source_lines
from imports.parsed import ParsedMinutes

_MARKDOWN = MarkdownIt("commonmark")
# "[text][label]", "[label][]" or "[label]": the label a link may name
# (not "[text](https://…)", which names its target itself).
_LINK_LABEL = re.compile(r"\[(?P<text>[^\[\]]+)\](?:\[(?P<label>[^\[\]]*)\]|(?!\())")


def carry_link_definitions(minutes: ParsedMinutes, text: str) -> None:
    """Each item's narrative given the definitions its links name that are
    typed elsewhere in the Markdown `text` (see the module)."""
    typed = definitions(text)
    if not typed:
        return
    for item in minutes.items:
        own = _references(item.narrative)
        wanted = dict.fromkeys(
            label for label in labels(item.narrative) if label in typed and label not in own
        )
        if wanted:
            item.narrative = "\n\n".join([item.narrative, *(typed[label] for label in wanted)])


def definitions(text: str) -> dict[str, str]:
    """The text's link reference definitions by their label as Markdown
    matches it, each as typed (its lines)."""
    source = source_lines(text)
    found = _references("\n".join(raw for _, raw in source))
    return {
        label: "\n".join(raw for _, raw in source[start:end]).strip()
        for label, (start, end) in found.items()
    }


def labels(narrative: str) -> list[str]:
    """The labels the links of a narrative may name, as Markdown matches
    them (case and spacing aside), in order."""
    found = (
        normalizeReference(match["label"] or match["text"])
        for match in _LINK_LABEL.finditer(narrative)
    )
    return [label for label in found if label]


def _references(text: str) -> dict[str, tuple[int, int]]:
    """The reference definitions markdown-it-py reads in `text`: label ->
    the 0-based span of their lines."""
    env: dict = {}
    _MARKDOWN.parse(text, env)
    return {
        label: tuple(reference.get("map") or (0, 0))
        for label, reference in env.get("references", {}).items()
    }
