"""Narrative text: Markdown as the secretary typed it, rendered to HTML and
then passed through an allow-list sanitiser, so no script, event handler or
unexpected URL scheme survives into a page or a PDF."""

import re

import nh3
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from .models import MODIFICATION_REFERENCE

# CommonMark with pipe tables and footnotes; raw HTML is escaped, not passed through.
_md = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin).enable("table")


def _alignment_as_class(state) -> None:
    """A table column's alignment (`|:--|--:|`) as a class, align-left …
    (static/css/app.css), not markdown-it's inline style: the
    Content-Security-Policy's style-src refuses style="", so the sanitiser
    keeps no style attribute at all."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and token.attrs.get("style"):
            align = str(token.attrs.pop("style")).removeprefix("text-align:")
            token.attrSet("class", f"align-{align}")


_md.core.ruler.push("alignment_as_class", _alignment_as_class)

_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "a", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "section",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
}
# Classes are kept only from this list (nh3 drops any other, and the class
# attribute of any other element).
_ALIGNMENTS = {"align-left", "align-center", "align-right"}
_CLASSES = {"section": {"footnotes"}, "th": _ALIGNMENTS, "td": _ALIGNMENTS}


def render_markdown(text: str, *, doc_id: str = "") -> SafeString:
    """Render `text` safely. `doc_id` keeps footnote anchors unique when
    several narratives share one page."""
    html = _md.render(text or "", {"docId": doc_id} if doc_id else {})
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


INCIDENT_MENTION = re.compile(r"\bINC[0-9]{12}\b")


def incidents_in(text: str) -> list[str]:
    """Incident numbers (INC and 12 digits) in the order they first appear."""
    return list(dict.fromkeys(INCIDENT_MENTION.findall(text)))


def heading_names_other_incidents(heading: str, texts) -> tuple[list[str], list[str]] | None:
    """The one rule for an item headed with incidents its text never names,
    while the text names others (the 2021 minutes' "9.1. INC000000708834"
    over a paragraph about INC000000697994): which is meant is for the
    secretary to say. `texts`: the item's narrative, note, decisions and
    actions. (named in the heading, named in the text), or None."""
    named = incidents_in(heading)
    if not named:
        return None
    mentioned = incidents_in("\n".join(texts))
    if not mentioned or set(named) & set(mentioned):
        return None
    return named, mentioned


MODIFICATION_MENTION = re.compile(rf"\b(?:{MODIFICATION_REFERENCE})\b")
_ANCHOR = re.compile(r"(<a\b[^>]*>.*?</a>)", re.S)


def link_references(
    html: str, incidents: set[str], modifications: dict[str, str] | None = None
) -> SafeString:
    """Turn known incident numbers (to their page here) and known
    modification references (to their page on the code administrator's
    site) in rendered, sanitised HTML into links; text already inside a link
    is left alone, and unknown references stay plain text."""
    modifications = modifications or {}
    if not incidents and not modifications:
        return mark_safe(html)  # noqa: S308 - input is already sanitised HTML

    def incident(match: re.Match) -> str:
        reference = match.group(0)
        if reference not in incidents:
            return reference
        return f'<a href="{reverse("incident", args=[reference])}">{reference}</a>'

    def modification(match: re.Match) -> str:
        reference = match.group(0)
        url = modifications.get(reference)
        if not url:
            return reference
        return f'<a href="{escape(url)}" rel="noopener noreferrer">{reference}</a>'

    parts = _ANCHOR.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = INCIDENT_MENTION.sub(incident, parts[index])
        parts[index] = MODIFICATION_MENTION.sub(modification, parts[index])
    return mark_safe("".join(parts))  # noqa: S308 - only our own anchors were added
