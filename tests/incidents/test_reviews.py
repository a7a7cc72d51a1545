"""The secretary records, from an agenda item, that it reviews an incident;
links the item's decisions and actions to it; and is warned when a heading
and its text name different incidents. Incident numbers in narratives are
kept as mentions, so the incident lists every meeting that spoke of it."""

import pytest

from incidents.models import Incident, IncidentMention, IncidentReview
from meetings.models import Decision
from minutes.pdf import minutes_source
from minutes.services import decision_delete, decision_save, item_update
from tests.base import login, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db

REF = "INC000000478818"
OTHER = "INC000000479406"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(world):
    return make_meeting(world)


@pytest.fixture
def item(meeting):
    return make_item(meeting, "4", "Major Incidents", narrative=f"SECAS presented {REF}.")


def review_url(item, pk=None):
    tail = f"{pk}/" if pk else ""
    return f"/committees/OPSG/meetings/25/items/{item.pk}/incidents/{tail}"


def test_recording_a_review_creates_the_incident_and_links_decisions_and_actions(
    client, world, item
):
    decision = Decision.objects.create(item=item, verb="AGREED", text=f"to publish {REF}.")
    unrelated = Decision.objects.create(item=item, verb="NOTED", text="the audit.", order=1)
    action = make_action(world, item.meeting, item=item, text="SECAS to confirm amendments.")
    response = login(client, "secretary").post(
        review_url(item),
        {
            "reference": " inc000000478818 ",
            "outcome": "Categorisation too low.",
            "publish_report": "yes",
            "amendments": "Mention the resubmissions.",
            "decisions": [decision.pk],
            "actions": [action.pk],
        },
        **HTMX,
    )
    assert response.status_code == 200
    incident = Incident.objects.get(reference=REF)
    review = IncidentReview.objects.get(incident=incident, item=item)
    assert (review.outcome, review.publish_report) == ("Categorisation too low.", True)
    assert list(incident.decisions.all()) == [decision]
    assert list(incident.actions.all()) == [action]
    assert unrelated not in incident.decisions.all()
    # The new incident finds the item that already named it.
    assert IncidentMention.objects.filter(incident=incident, item=item).exists()
    body = response.content.decode()
    assert f'This item reviews <a href="/incidents/{REF}/">{REF}</a>' in body


@pytest.mark.parametrize(
    "typed, message",
    [
        ("INC123", "INC followed by 12 digits"),
        ("", "This field is required"),
        ("INC0000004788189", "INC followed by 12 digits"),
    ],
)
def test_a_malformed_number_is_refused_and_nothing_is_written(client, item, typed, message):
    response = login(client, "secretary").post(
        review_url(item), {"reference": typed, "outcome": "Kept as typed"}, **HTMX
    )
    # The message goes above the add form, which keeps what was typed.
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#nr{item.pk}-errors"
    assert message in response.content.decode()
    assert not Incident.objects.exists() and not IncidentReview.objects.exists()


def test_the_same_incident_twice_under_one_item_is_refused(client, item):
    login(client, "secretary").post(review_url(item), {"reference": REF}, **HTMX)
    response = client.post(review_url(item), {"reference": REF}, **HTMX)
    assert response.status_code == 422
    assert f"already records a review of {REF}" in response.content.decode()
    assert IncidentReview.objects.count() == 1


def test_editing_and_removing_a_review(client, world, item):
    decision = Decision.objects.create(item=item, verb="AGREED", text="to publish.")
    login(client, "secretary").post(
        review_url(item), {"reference": REF, "decisions": [decision.pk]}, **HTMX
    )
    review = IncidentReview.objects.get()
    client.post(review_url(item, review.pk), {"reference": REF, "publish_report": "no"}, **HTMX)
    review.refresh_from_db()
    assert review.publish_report is False
    # Unticked: the decision is no longer linked.
    assert not Incident.objects.get(reference=REF).decisions.exists()
    client.post(review_url(item, review.pk) + "delete/", {}, **HTMX)
    assert not IncidentReview.objects.exists()
    assert Incident.objects.filter(reference=REF).exists()  # the incident stays


def test_a_decision_of_another_item_cannot_be_linked(client, meeting, item):
    elsewhere = make_item(meeting, "5", "DCC Operational Update")
    foreign = Decision.objects.create(item=elsewhere, verb="NOTED", text="the update.")
    response = login(client, "secretary").post(
        review_url(item), {"reference": REF, "decisions": [foreign.pk]}, **HTMX
    )
    assert response.status_code == 422
    assert not IncidentReview.objects.exists()


def test_read_only_roles_and_outsiders(client, world, item):
    from minutes.services import minutes_circulate

    minutes_circulate(meeting=item.meeting, by=world.secretary.user)
    assert login(client, "member").post(review_url(item), {"reference": REF}).status_code == 403
    assert login(client, "outsider").post(review_url(item), {"reference": REF}).status_code == 404
    assert login(client, "secretary").get(review_url(item)).status_code == 405
    assert not Incident.objects.exists()


def test_review_of_unknown_pk_is_404(client, item):
    assert login(client, "secretary").post(review_url(item, 999) + "delete/").status_code == 404


def test_reviews_show_in_the_minutes_and_the_pdf_source(client, world, item):
    incident = Incident.objects.create(reference=REF, title="Timeouts")
    IncidentReview.objects.create(incident=incident, item=item, publish_report=True)
    body = login(client, "secretary").get("/committees/OPSG/meetings/25/").content.decode()
    assert f'<strong>Incident reviewed:</strong> <a href="/incidents/{REF}/">{REF}</a>' in body
    html = minutes_source(item.meeting).html
    assert "Incident reviewed:" in html and REF in html


class TestMismatchFlag:
    """The 2021 minutes' item 9.1 is headed INC000000708834 but reviews
    INC000000697994: the secretary is told, nothing is changed."""

    def test_heading_and_text_naming_different_incidents_is_flagged(self, client, meeting):
        make_item(
            meeting,
            "9.1",
            "INC000000708834",
            narrative="SECAS provided a review of Major Incident INC000000697994.",
        )
        body = login(client, "secretary").get("/committees/OPSG/meetings/25/edit/").content.decode()
        assert (
            "The heading names INC000000708834 but the text names INC000000697994. "
            "Check which incident this item reviews." in body
        )

    @pytest.mark.parametrize(
        "title, narrative",
        [
            ("INC000000707890", "A review of Major Incident INC000000707890."),
            ("Major Incidents", f"Reviews of {REF} and {OTHER}."),
            ("INC000000707890", "No incident number in the text."),
        ],
    )
    def test_agreeing_or_silent_items_are_not_flagged(self, client, meeting, title, narrative):
        make_item(meeting, "9.2", title, narrative=narrative)
        body = login(client, "secretary").get("/committees/OPSG/meetings/25/edit/").content.decode()
        assert "Check which incident this item reviews" not in body


class TestMentions:
    def test_kept_as_the_text_changes(self, item):
        known = Incident.objects.create(reference=OTHER)
        item_update(item=item, expected_version=item.version, narrative=f"Now about {OTHER}.")
        assert list(IncidentMention.objects.values_list("incident", flat=True)) == [known.pk]
        item.refresh_from_db()
        item_update(item=item, expected_version=item.version, narrative="No incident now.")
        assert not IncidentMention.objects.exists()

    def test_decisions_count_as_mentions(self, item):
        known = Incident.objects.create(reference=OTHER)
        item_update(item=item, expected_version=item.version, narrative="Nothing.")
        decision = decision_save(item=item, verb="AGREED", text=f"to publish {OTHER}.", points=[])
        assert IncidentMention.objects.filter(incident=known, item=item).exists()
        decision_delete(decision=decision)
        assert not IncidentMention.objects.filter(incident=known, item=item).exists()

    def test_the_incident_page_lists_every_meeting_that_mentions_it(self, client, world):
        incident = Incident.objects.create(reference=REF)
        for number in (24, 25):
            meeting = make_meeting(world, number=number)
            mentioned = make_item(meeting, "4", "Major Incidents")
            item_update(
                item=mentioned, expected_version=mentioned.version, narrative=f"About {REF}."
            )
        body = login(client, "secretary").get(f"/incidents/{REF}/").content.decode()
        assert "OPSG 24 (" in body and "OPSG 25 (" in body
        assert incident.mentions.count() == 2


def test_a_refused_field_is_named_in_the_message(client, item):
    response = login(client, "secretary").post(review_url(item), {"reference": ""}, **HTMX)
    assert "Incident number: This field is required." in response.content.decode()
