"""`manage.py load_demo`: OPSG meeting 25 loaded completely, once, however
often the command runs; demo logins only in demo mode."""

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actions.models import Action, ActionReview
from incidents.models import Incident, IncidentReview
from meetings.models import (
    AgendaItem,
    Attendance,
    Classification,
    CommitteeRole,
    Decision,
    Meeting,
    Person,
)

D = datetime.date


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(settings, *, demo=True, password=""):
    settings.DEMO_MODE = demo
    settings.DEMO_PASSWORD = password
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Every table of the project and of auth, history tables included, so a
    second run that rewrote a row (and so logged a history row) shows up."""
    labels = {"meetings", "actions", "incidents", "auth"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels
    }


def meeting25() -> Meeting:
    return Meeting.objects.get(committee__code="OPSG", number=25)


@pytest.mark.django_db
def test_loads_the_whole_meeting(settings):
    out = load(settings)

    meeting = meeting25()
    attendance = meeting.attendance
    assert attendance.filter(section=Attendance.Section.MEMBER).count() == 15
    assert attendance.filter(section=Attendance.Section.PARTICIPANT).count() == 22
    assert attendance.filter(section=Attendance.Section.APOLOGY).count() == 4
    assert [i.number for i in meeting.items.order_by("order")] == [str(n) for n in range(1, 21)]
    raised = Action.objects.filter(meeting=meeting).order_by("sequence")
    assert [a.reference for a in raised] == [f"OPSG 25/{n:02d}" for n in range(1, 19)]
    assert all(a.item is not None for a in raised)
    reviews = ActionReview.objects.filter(meeting=meeting)
    assert reviews.count() == 10
    assert reviews.filter(status="closed").count() == 3
    assert reviews.filter(status="open").count() == 7
    assert Incident.objects.count() == 2
    assert IncidentReview.objects.filter(item__meeting=meeting, publish_report=True).count() == 2
    assert out.splitlines()[0] == (
        "Loaded OPSG 25: 15 members, 22 participants, 4 apologies, 20 agenda items, "
        "20 decisions, 18 actions raised, 10 actions reviewed (3 closed), 2 incidents."
    )


@pytest.mark.django_db
def test_second_run_changes_nothing(settings):
    load(settings, password="demo-pass-1")
    before = row_counts()
    first = {
        "actions": list(Action.objects.values_list("reference", "status", "target_date")),
        "users": list(get_user_model().objects.values_list("username", "password")),
    }

    load(settings, password="demo-pass-1")

    assert row_counts() == before
    assert (
        list(Action.objects.values_list("reference", "status", "target_date")) == (first["actions"])
    )
    assert list(get_user_model().objects.values_list("username", "password")) == first["users"]


@pytest.mark.django_db
def test_meeting_header(settings):
    load(settings)

    meeting = meeting25()
    assert meeting.reference == "OPSG_25_0110"
    assert meeting.title == "Operations Group Meeting 25"
    assert meeting.date == D(2019, 10, 1)
    assert (meeting.start_time, meeting.end_time) == (datetime.time(10), datetime.time(17))
    assert meeting.location == "Gemserv, 8 Fenchurch Place, London, EC3M 4AJ"
    assert meeting.status == Meeting.Status.CIRCULATED
    assert meeting.circulated_at.isoformat() == "2019-10-08T08:00:00+00:00"
    assert meeting.classification.effective_from == D(2018, 1, 1)
    assert meeting.classification.audience == "public"
    assert meeting.classification.statement.startswith(
        "This document is classified as White in accordance with the Panel Information Policy."
    )
    assert [(n.kind, n.date) for n in meeting.next_meetings.all()] == [("main", D(2019, 11, 5))]
    white_2021 = Classification.objects.get(label="White", effective_from=D(2021, 1, 1))
    assert (white_2021.audience, white_2021.may_be_published) == ("parties", False)


@pytest.mark.django_db
def test_actions_reviewed(settings):
    load(settings)
    meeting = meeting25()

    def review(reference):
        return ActionReview.objects.select_related("action").get(
            meeting=meeting, action__reference=reference
        )

    r1102 = review("OPSG 11/02")
    assert r1102.action.raised_on == D(2018, 8, 28)
    assert r1102.last_target_date == D(2019, 9, 13)
    assert r1102.revised_target_date is None and r1102.revised_target_display == "N/A"
    assert r1102.status == "closed"
    assert r1102.action.outcome == "superseded"
    assert r1102.action.superseded_by.reference == "OPSG 25/01"
    assert r1102.action.meeting is None
    assert r1102.order == 1

    r2406 = review("OPSG 24/06")
    assert r2406.action.outcome == "transferred"
    assert r2406.action.transferred_to.code == "TABASC"

    assert review("OPSG 20/06").action.outcome == "absorbed"

    r2405 = review("OPSG 24/05")
    assert r2405.revised_target_note == "To be determined"
    assert r2405.status == "open"
    assert r2405.action.target_date is None
    assert r2405.action.target_note == "To be determined"

    r2305 = review("OPSG 23/05")
    assert r2305.action.raised_on == D(2019, 8, 6)
    assert r2305.last_target_date == D(2019, 10, 1)
    assert r2305.revised_target_date == D(2019, 11, 5)
    assert r2305.action.target_date == D(2019, 11, 5)

    assert review("OPSG 23/09").action.owner_names() == ["DNOs", "DCC"]
    assert review("OPSG 24/08").action.owner_names() == ["DCC", "SECAS"]
    assert review("OPSG 24/02").update.endswith("the full report should be provided to the OPSG.")


@pytest.mark.django_db
def test_actions_raised(settings):
    load(settings)

    def action(reference):
        return Action.objects.get(reference=reference)

    first = action("OPSG 25/01")
    assert first.text.startswith("DCC to track the progress of DNO members experience")
    assert first.item.number == "3"
    assert first.raised_on == D(2019, 10, 1)
    assert first.target_date == D(2019, 11, 5)
    assert action("OPSG 25/07").target_date == D(2019, 10, 8)
    assert action("OPSG 25/18").target_date == D(2019, 10, 15)
    assert action("OPSG 25/18").owner_names() == ["OPSG members"]
    assert action("OPSG 25/12").target_date == D(2019, 11, 5)
    assert action("OPSG 25/11").owner_names() == ["SECAS", "DCC"]
    assert action("OPSG 25/10").text.endswith(
        "Modification SECMP0067 to include further explanation of all variables."
    )
    assert action("OPSG 25/16").item.number == "16"


@pytest.mark.django_db
def test_attendance_marks(settings):
    load(settings)
    meeting = meeting25()

    def line(name):
        return meeting.attendance.select_related("person__organisation").get(person__name=name)

    liam = line("Liam Cowe")
    assert (liam.section, liam.category, liam.is_alternate, liam.remote) == (
        "member",
        "Network Party",
        True,
        True,
    )
    veronica = line("Veronica Asantewaa")
    assert (veronica.section, veronica.represents, veronica.role) == (
        "participant",
        "SECAS",
        "Meeting Secretary",
    )
    assert veronica.person.organisation.short_name == "SECAS"
    ian = line("Ian Brown")
    assert (ian.part, ian.remote, ian.represents) == (True, False, "DCC")
    assert line("Wendy Lamb").remote and line("Wendy Lamb").part
    assert line("Michael Walls").represents == "Ofgem"
    assert line("Dave Warner").category == "Operations Group Chair"
    heidi = line("Heidi Wilbor")
    assert (heidi.section, heidi.represents) == ("apology", "Small Supplier")
    assert CommitteeRole.objects.filter(committee__code="OPSG", role="member").count() == 14
    assert CommitteeRole.objects.get(committee__code="OPSG", role="chair").person.name == (
        "Dave Warner"
    )


@pytest.mark.django_db
def test_items_and_decisions(settings):
    load(settings)
    meeting = meeting25()

    def item(number):
        return AgendaItem.objects.get(meeting=meeting, number=number)

    assert [(d.verb, d.text) for d in item("1").decisions.all()] == [
        ("AGREED", "that the minutes would be published as final.")
    ]
    noted_1, noted_2, agreed = item("4").decisions.all()
    assert noted_1.first_point_number == 1 and len(noted_1.points) == 2
    assert "[Post meeting note: the need to resubmit" in noted_1.points[0]
    assert noted_2.first_point_number == 3 and len(noted_2.points) == 3
    assert agreed.text.startswith("to publish both Major Incident Review Reports")
    assert "### INC000000479406" in item("4").narrative
    assert "The OPSG NOTED" not in item("4").narrative

    endorsed = item("6").decisions.get()
    assert endorsed.verb == "ENDORSED"
    assert "SIP4931[^1]" in endorsed.text
    assert "[^1]: Enable customers to be able to put updates on Service Requests via SSI" in (
        endorsed.text
    )
    assert "(https://smartenergycodecompany.co.uk/modifications/change-coordination/)" in (
        item("6").narrative
    )
    assert "[secas@gemserv.com](mailto:secas@gemserv.com)" in item("8").narrative
    assert "[register here](https://" in item("8").narrative
    assert "The OPSG noted that 29% of SMETS1 migrations" in item("5").narrative
    assert item("16").post_meeting_note.startswith("The Chair asked that SECAS work with the DCC")
    assert "[Post meeting note" not in item("16").narrative
    assert [d.verb for d in item("18").decisions.all()] == ["AGREED", "NOTED", "AGREED"]
    assert [d.verb for d in item("12").decisions.all()] == ["DISCUSSED", "AGREED"]
    assert item("7").narrative == "None proposed."
    assert Decision.objects.filter(item__meeting=meeting).count() == 20


@pytest.mark.django_db
def test_demo_logins_with_password(settings):
    out = load(settings, password="demo-pass-1")

    assert "use DEMO_PASSWORD" in out
    User = get_user_model()
    expected = {
        "secretary": ("Veronica", "Asantewaa", "secretary"),
        "chair": ("Dave", "Warner", "chair"),
        "member": ("Tony", "Shanahan", "member"),
    }
    for username, (first, last, role) in expected.items():
        user = User.objects.get(username=username)
        assert (user.first_name, user.last_name) == (first, last)
        assert user.check_password("demo-pass-1")
        assert user.person.name == f"{first} {last}"
        assert user.person.email == f"{username}@demo.invalid"
        assert user.person.committee_roles.filter(committee__code="OPSG", role=role).exists()
    # The login is the same person who attended, not a second record.
    assert Person.objects.filter(name="Veronica Asantewaa").count() == 1
    assert User.objects.get(username="member").person.attendance.get().category == (
        "Large Supplier"
    )


@pytest.mark.django_db
def test_no_password_creates_no_logins(settings):
    out = load(settings, password="")

    assert "DEMO_PASSWORD is empty" in out
    assert not get_user_model().objects.exists()
    assert meeting25().attendance.count() == 41


@pytest.mark.django_db
def test_outside_demo_mode_without_a_password_loads_the_minutes_only(settings):
    out = load(settings, demo=False, password="")

    assert "loaded data only" in out
    assert not get_user_model().objects.exists()
    assert Action.objects.filter(meeting=meeting25()).count() == 18


@pytest.mark.django_db
def test_outside_demo_mode_a_password_is_refused_and_nothing_written(settings):
    before = row_counts()

    with pytest.raises(CommandError) as refused:
        load(settings, demo=False, password="demo-pass-1")

    assert str(refused.value) == (
        "DEMO_MODE is off: refusing to create the demo logins; unset DEMO_PASSWORD "
        "to load the demo minutes alone."
    )
    assert row_counts() == before
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_existing_login_keeps_its_password_unless_one_is_given(settings):
    User = get_user_model()
    User.objects.create_user(username="chair", password="chairs-own")

    load(settings, password="")

    chair = User.objects.get(username="chair")
    assert chair.check_password("chairs-own")
    assert chair.person.name == "Dave Warner"
    assert (chair.first_name, chair.last_name) == ("Dave", "Warner")
    assert chair.person.committee_roles.filter(role="chair").exists()
    assert not User.objects.filter(username="secretary").exists()

    load(settings, password="demo-pass-2")

    assert User.objects.get(username="chair").check_password("demo-pass-2")
    assert User.objects.count() == 3
