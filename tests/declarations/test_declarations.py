"""Declarations of interest: recorded under an item in the editor, shown
with the item in the minutes, their JSON, Word and the versions kept, found
by search, and read by the item's own rule."""

import io
import json

import docx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from declarations.models import Declaration
from declarations.services import declaration_delete, declaration_save
from meetings.models import Meeting
from opsg.concurrency import EditConflict
from tests.base import circulate, login, make_item, make_meeting

pytestmark = pytest.mark.django_db

M25 = "/committees/OPSG/meetings/25/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def item(world):
    return make_item(make_meeting(world), "3", "Modification SECMP0067")


def declare(item, **fields):
    fields = {
        "name": "Mia Member",
        "organisation": "Large Supplier Co",
        "interest": "Her company proposed the modification.",
        **fields,
    }
    return declaration_save(item=item, **fields)


class TestService:
    def test_a_declaration_is_recorded_in_order(self, item):
        first = declare(item)
        second = declare(item, name="Chris Chair", organisation="", interest="A client.")
        assert [d.pk for d in item.declarations.all()] == [first.pk, second.pk]
        assert str(second) == "Chris Chair: A client."

    @pytest.mark.parametrize(
        "fields, field",
        [({"name": "  "}, "name"), ({"interest": ""}, "interest"), ({"name": "x" * 201}, "name")],
    )
    def test_what_is_missing_or_too_long_is_refused_and_nothing_written(self, item, fields, field):
        with pytest.raises(ValidationError) as refused:
            declare(item, **fields)
        assert field in refused.value.message_dict
        assert not Declaration.objects.exists()

    def test_a_stale_edit_is_refused(self, item):
        declaration = declare(item)
        declaration_save(
            item=item,
            declaration=declaration,
            name="Mia Member",
            organisation="",
            interest="Changed.",
            expected_version=1,
        )
        with pytest.raises(EditConflict):
            declaration_save(
                item=item,
                declaration=declaration,
                name="Mia",
                organisation="",
                interest="Mine.",
                expected_version=1,
            )

    def test_approved_minutes_are_frozen(self, item):
        declaration = declare(item)
        circulate(item.meeting)
        Meeting.objects.filter(pk=item.meeting_id).update(
            status=Meeting.Status.APPROVED, approved_at=timezone.now()
        )
        item.meeting.refresh_from_db()
        with pytest.raises(ValidationError):
            declare(item)
        with pytest.raises(ValidationError):
            declaration_delete(declaration=declaration)


class TestEditor:
    def test_the_secretary_records_edits_and_deletes_over_htmx(self, client, item):
        login(client, "secretary")
        url = f"{M25}items/{item.pk}/declarations/"
        response = client.post(
            url,
            {"name": "Mia Member", "organisation": "", "interest": "A stake.", "version": 0},
            **HTMX,
        )
        assert response.status_code == 200
        declaration = item.declarations.get()
        assert "Mia Member declared an interest: A stake." in response.content.decode()
        response = client.post(
            f"{url}{declaration.pk}/",
            {
                "name": "Mia Member",
                "organisation": "LSC",
                "interest": "A larger stake.",
                "version": 1,
            },
            **HTMX,
        )
        assert "Declaration saved." in response.content.decode()
        declaration.refresh_from_db()
        assert (declaration.organisation, declaration.interest) == ("LSC", "A larger stake.")
        response = client.post(f"{url}{declaration.pk}/delete/", {}, **HTMX)
        assert response.status_code == 200 and not item.declarations.exists()

    def test_a_refused_declaration_says_why(self, client, item):
        login(client, "secretary")
        response = client.post(
            f"{M25}items/{item.pk}/declarations/",
            {"name": "Mia", "interest": "", "version": 0},
            **HTMX,
        )
        assert response.status_code == 422
        assert "required" in response.content.decode().lower()
        assert not item.declarations.exists()

    def test_the_editing_page_offers_it(self, client, item):
        body = login(client, "secretary").get(f"{M25}edit/").content.decode()
        assert "Record a declaration of interest" in body

    @pytest.mark.parametrize("username", ["member", "owner", "outsider"])
    def test_no_one_else_may_record_one(self, client, item, username):
        login(client, username)
        response = client.post(
            f"{M25}items/{item.pk}/declarations/", {"name": "X", "interest": "Y", "version": 0}
        )
        assert response.status_code in (403, 404)
        assert not Declaration.objects.exists()


class TestShown:
    def test_in_the_minutes_json_and_word(self, client, item):
        declare(item)
        circulate(item.meeting)
        login(client, "member")
        body = client.get(M25).content.decode()
        assert "Declarations of interest:" in body
        assert (
            "Mia Member (Large Supplier Co) declared an interest: Her company proposed the modification."
            in body
        )
        doc = json.loads(client.get(f"{M25}minutes.json").content)
        assert doc["items"][0]["declarations"] == [
            {
                "name": "Mia Member",
                "organisation": "Large Supplier Co",
                "interest": "Her company proposed the modification.",
            }
        ]
        word = docx.Document(io.BytesIO(client.get(f"{M25}minutes.docx").content))
        text = "\n".join(p.text for p in word.paragraphs)
        assert (
            "Mia Member (Large Supplier Co) declared an interest: Her company proposed the modification."
            in text
        )

    def test_not_under_an_item_taken_in_confidence_for_those_outside_it(self, client, world):
        meeting = make_meeting(world)
        secret = make_item(meeting, "4", "Security incident", confidential=True)
        declare(secret, interest="canarysecretinterest")
        circulate(meeting)
        now = timezone.now()
        Meeting.objects.filter(pk=meeting.pk).update(
            status=Meeting.Status.PUBLISHED, approved_at=now, published_at=now
        )
        assert "canarysecretinterest" in login(client, "member").get(M25).content.decode()
        for username in ("owner", "outsider"):
            login(client, username)
            assert "canarysecretinterest" not in client.get(M25).content.decode()
            assert "canarysecretinterest" not in client.get(f"{M25}minutes.json").content.decode()
            found = client.get("/search/?q=canarysecretinterest").content.decode()
            assert "declared an interest" not in found


class TestSearch:
    def test_found_by_who_and_what(self, client, item):
        declare(item, interest="A shareholding in the meter installer.")
        circulate(item.meeting)
        login(client, "member")
        body = client.get("/search/?q=shareholding").content.decode()
        assert "Mia Member (Large Supplier Co) declared an interest" in body
        assert "1 declaration of interest" in body.lower() or "Declarations of interest" in body

    def test_not_found_in_a_draft_by_a_member(self, client, item):
        declare(item, interest="A shareholding in the meter installer.")
        body = login(client, "member").get("/search/?q=shareholding").content.decode()
        assert "declared an interest" not in body
