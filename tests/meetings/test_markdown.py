"""Narrative rendering: sanitised Markdown, and references that become links."""

import pytest

from meetings.markdown import link_references, render_markdown
from meetings.models import Modification

URL = "https://smartenergycodecompany.co.uk/modifications/service-request-traffic-management/"


def render(text, incidents=(), modifications=None):
    return link_references(render_markdown(text), set(incidents), modifications or {})


def test_known_modification_links_to_its_page():
    html = render("SECAS presented SECMP0067 to the group.", modifications={"SECMP0067": URL})
    assert f'<a href="{URL}" rel="noopener noreferrer">SECMP0067</a>' in html


def test_unknown_references_stay_plain_text():
    html = render("See SECMP0099, DP999 and INC000000000001.", modifications={"SECMP0067": URL})
    assert "<a" not in html and "SECMP0099" in html and "INC000000000001" in html


def test_reference_already_inside_a_link_is_left_alone():
    html = render(f"[SECMP0067 ‘Service Request’]({URL})", modifications={"SECMP0067": URL})
    assert html.count("<a ") == 1


def test_incidents_and_modifications_together():
    html = render(
        "INC000000478818 was discussed with DP083.",
        incidents={"INC000000478818"},
        modifications={"DP083": "https://example.org/dp083/"},
    )
    assert '<a href="/incidents/INC000000478818/">INC000000478818</a>' in html
    assert '<a href="https://example.org/dp083/" rel="noopener noreferrer">DP083</a>' in html


def test_script_and_handlers_do_not_survive():
    html = render(
        '<script>alert(1)</script> <img src=x onerror="alert(1)"> [x](javascript:alert(1))'
    )
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html


@pytest.mark.django_db
def test_modification_reference_is_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Modification(reference="SECMP67", title="x", url=URL).full_clean()
    Modification(reference="SECMP0067", title="x", url=URL).full_clean()
