"""Major incidents: their numbers (INC and 12 digits), relations and reviews."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from incidents.models import Incident, IncidentRelation, IncidentReview
from tests.base import make_item, make_meeting, make_world

pytestmark = pytest.mark.django_db

INC = "INC000000478818"
OTHER = "INC000000708834"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # make_world creates five users: the default hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def item():
    return make_item(make_meeting(make_world()), "9", "Major Incidents")


class TestReference:
    def test_inc_and_twelve_digits(self):
        incident = Incident(reference=INC, occurred_on=datetime.date(2019, 9, 12))
        incident.full_clean()
        incident.save()
        assert str(incident) == INC

    @pytest.mark.parametrize(
        "reference",
        ["INC123", "INC0000004788180", "inc000000478818", "INC00000047881X", "IN0000000478818", ""],
    )
    def test_full_clean_rejects(self, reference):
        with pytest.raises(ValidationError) as caught:
            Incident(reference=reference).full_clean()
        assert "reference" in caught.value.message_dict

    @pytest.mark.parametrize(
        "reference", ["INC123", "inc000000478818", "INC00000047881X", "XINC00000047881"]
    )
    def test_the_database_rejects(self, reference):
        with pytest.raises(IntegrityError), transaction.atomic():
            Incident.objects.create(reference=reference)
        assert not Incident.objects.exists()

    def test_unique(self):
        Incident.objects.create(reference=INC)
        with pytest.raises(IntegrityError), transaction.atomic():
            Incident.objects.create(reference=INC, title="Again")

    def test_history_is_kept(self):
        incident = Incident.objects.create(reference=INC)
        incident.root_cause = "A certificate expired."
        incident.save()
        assert incident.history.count() == 2
        assert incident.history.first().root_cause == "A certificate expired."


class TestRelation:
    def test_between_two_incidents(self):
        first, second = (
            Incident.objects.create(reference=INC),
            Incident.objects.create(reference=OTHER),
        )
        relation = IncidentRelation.objects.create(
            incident=second, related=first, kind="should have been reopened as"
        )
        assert list(second.relations.all()) == [relation]
        assert str(relation) == f"{OTHER} should have been reopened as {INC}"

    def test_not_to_itself(self):
        incident = Incident.objects.create(reference=INC)
        with pytest.raises(IntegrityError), transaction.atomic():
            IncidentRelation.objects.create(incident=incident, related=incident, kind="same as")

    def test_once_per_kind(self):
        first, second = (
            Incident.objects.create(reference=INC),
            Incident.objects.create(reference=OTHER),
        )
        IncidentRelation.objects.create(incident=first, related=second, kind="same root cause")
        with pytest.raises(IntegrityError), transaction.atomic():
            IncidentRelation.objects.create(incident=first, related=second, kind="same root cause")


class TestReview:
    def test_once_per_item(self, item):
        incident = Incident.objects.create(reference=INC)
        IncidentReview.objects.create(incident=incident, item=item, publish_report=True)
        with pytest.raises(IntegrityError), transaction.atomic():
            IncidentReview.objects.create(incident=incident, item=item)

    def test_two_incidents_under_one_item(self, item):
        for reference in (INC, OTHER):
            IncidentReview.objects.create(
                incident=Incident.objects.create(reference=reference), item=item
            )
        assert item.incident_reviews.count() == 2

    def test_publication_may_be_undecided(self, item):
        review = IncidentReview.objects.create(
            incident=Incident.objects.create(reference=INC), item=item
        )
        review.refresh_from_db()
        assert review.publish_report is None
        assert str(review) == f"{INC} at OPSG 25"
