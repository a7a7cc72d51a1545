from django import template
from django.utils.dateparse import parse_datetime

from incidents.forms import publish_value
from incidents.models import Incident
from incidents.selectors import incident_mismatch
from meetings.markdown import link_references, render_markdown
from meetings.models import Modification, stored_marks

register = template.Library()


def _known_incidents(context) -> set[str]:
    """Incident numbers that have a page, read once per rendering."""
    cache = context.render_context
    if "known_incidents" not in cache:
        cache["known_incidents"] = set(Incident.objects.values_list("reference", flat=True))
    return cache["known_incidents"]


def _known_modifications(context) -> dict[str, str]:
    """Modification references with a known page, read once per rendering."""
    cache = context.render_context
    if "known_modifications" not in cache:
        cache["known_modifications"] = dict(Modification.objects.values_list("reference", "url"))
    return cache["known_modifications"]


@register.filter
def person_marks(entry: dict) -> list[str]:
    """A person of a stored minutes document, marked as the live page marks them."""
    return stored_marks(entry)


@register.filter
def moment(value):
    """An ISO date-time kept as text (in a JSON field) as a date-time, for
    the `date` filter; "" when it is none."""
    return parse_datetime(value) if isinstance(value, str) else value or ""


@register.filter
def narrative(text, doc_id=""):
    """Markdown → sanitised HTML; doc_id keeps footnote anchors unique on the page."""
    return render_markdown(text, doc_id=str(doc_id))


@register.simple_tag(takes_context=True)
def narrative_html(context, text, doc_id=""):
    """As `narrative`, with known incident numbers and modification
    references linked to their pages."""
    html = render_markdown(text, doc_id=str(doc_id))
    return link_references(html, _known_incidents(context), _known_modifications(context))


@register.simple_tag
def decision_html(decision, committee_code):
    """ "The OPSG **AGREED** …", rendered as Markdown so footnotes and links in
    the decision's text work like the narrative's."""
    text = f"The {committee_code} **{decision.verb}** {decision.text}"
    return render_markdown(text, doc_id=f"d{decision.pk}")


@register.simple_tag
def incident_flag(item):
    """The doubt to show the secretary when an item's heading and text name
    different incidents (incidents.selectors.incident_mismatch), or ""."""
    return incident_mismatch(item) or ""


@register.simple_tag
def linked_to_incident(review):
    """For the review form: the item's decisions and actions linked to the
    reviewed incident, and the publication choice as the form spells it."""
    if review is None:
        return {"decisions": set(), "actions": set(), "publish": ""}
    # Known to the review (minutes.selectors.with_incident_links): no query here.
    return {
        "decisions": review.linked_decisions,
        "actions": review.linked_actions,
        "publish": publish_value(review),
    }
