"""The minutes of a meeting as a member reads them: the page and its JSON
(what bench/run.py timed before, as the secretary, against a row-by-row
read and against the committee page).

Loads the demo (OPSG 25: 41 attendance lines, 20 agenda items, 20
decisions, 18 actions raised, 10 actions reviewed, incidents) and times, as
an ordinary member of OPSG (so the access rule is in every timing):

- minutes_json_opsg25: GET …/minutes.json, interleaved with its peer,
  Django's JSON serializer writing the rows the document shows (the
  meeting, its committee and classifications, its attendance and the
  people named, its items with their declarations, decisions and incident
  reviews, the incidents, the actions raised and reviewed with their owners
  and the organisations and people owning them, the reviews, the next
  meetings), one query per model (goal: p50 at most 2.0× the peer's: the
  access rule and the document's shape may cost as much again as reading
  the rows); and, for context, against the serializer on the minutes' own
  tables only (no names, labels, declarations, incidents or next meetings);
- minutes_page_opsg25: GET the minutes page (goal: p50 at most 100 ms, as
  for an action's page in bench/action_list.py);

then builds, in committees of their own, a meeting with 3 agenda items
(each with a decision and an action), 3 attendance lines and 3 reviews of
an earlier meeting's actions, and the same with 300 of each:

- minutes_page_queries: the page's queries at 300 against 3, which must be
  the same.

Run by `make bench`, or alone: .venv/bin/python bench/minutes_page.py (on
PostgreSQL with DATABASE_URL set).
"""

import datetime

import harness
from django.core import serializers
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, ActionReview
from actions.references import format_reference
from declarations.models import Declaration
from demo.loader import load_demo
from incidents.models import Incident, IncidentReview
from meetings.models import (
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    Decision,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
)

PAGE_P50_MS = 100
JSON_RATIO = 2.0
D = datetime.date


def getter(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.content

    return get


def serializer_peer(meeting: Meeting, *, names: bool = True):
    """The rows the document shows as JSON by Django's serializer, one
    query per model: each name, reference and label in the document read
    from its own row (a person's name from theirs, an owner's from its
    organisation or person, an incident's reference from the incident),
    as the minutes read them. `names=False`: the minutes' own tables only
    (the meeting, attendance, items, decisions, actions, owners, reviews),
    for context."""
    attendance = Attendance.objects.filter(meeting=meeting)
    items = AgendaItem.objects.filter(meeting=meeting)
    raised = Action.objects.filter(meeting=meeting)
    reviewed = Action.objects.filter(reviews__meeting=meeting)
    owners = ActionOwner.objects.filter(Q(action__in=raised) | Q(action__in=reviewed))
    incident_reviews = IncidentReview.objects.filter(item__meeting=meeting)
    rows = [
        Meeting.objects.filter(pk=meeting.pk),
        attendance,
        items,
        Decision.objects.filter(item__meeting=meeting),
        raised,
        ActionReview.objects.filter(meeting=meeting),
        reviewed,
        owners,
    ]
    if names:
        rows += [
            Committee.objects.filter(pk=meeting.committee_id),
            Classification.objects.filter(
                Q(pk=meeting.classification_id) | Q(pk__in=items.values("classification"))
            ),
            Person.objects.filter(
                Q(pk__in=attendance.values("person"))
                | Q(pk__in=attendance.values("alternate_for"))
                | Q(pk__in=owners.values("person"))
            ),
            Organisation.objects.filter(pk__in=owners.values("organisation")),
            Declaration.objects.filter(item__meeting=meeting),
            incident_reviews,
            Incident.objects.filter(pk__in=incident_reviews.values("incident")),
            NextMeeting.objects.filter(meeting=meeting),
        ]

    # Each row's own columns: not the many-to-many links of an incident or a
    # classification (a query per row), which the document does not show.
    columns = {
        queryset.model: [f.name for f in queryset.model._meta.concrete_fields if not f.primary_key]
        for queryset in rows
    }

    def dump():
        # .all(): read afresh each time, not from the result cache of the last.
        return [
            serializers.serialize("json", queryset.all(), fields=columns[queryset.model])
            for queryset in rows
        ]

    return dump


def build(code: str, size: int) -> Meeting:
    """<code> 1 raised `size` actions; <code> 2, circulated, has `size`
    attendance lines and `size` items (a decision and an action each), and
    reviewed every action of <code> 1."""
    opsg25 = Meeting.objects.get(committee__code="OPSG", number=25)
    committee = Committee.objects.create(code=code, name=f"{code} committee")
    dcc, _ = Organisation.objects.get_or_create(short_name="DCC")
    earlier, meeting = (
        Meeting.objects.create(
            committee=committee,
            number=n,
            date=D(2026, 9, 1) + datetime.timedelta(weeks=4 * n),
            classification=opsg25.classification,
            status=Meeting.Status.CIRCULATED,
            circulated_at=datetime.datetime(2026, 9, 2, tzinfo=datetime.UTC)
            + datetime.timedelta(weeks=4 * n),
        )
        for n in (1, 2)
    )
    people = Person.objects.bulk_create(
        Person(name=f"{code} Person {n}", organisation=dcc) for n in range(size)
    )
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting, person=p, section=Attendance.Section.MEMBER, category="DCC", order=n
        )
        for n, p in enumerate(people)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, number=str(n), title=f"Item {n}", narrative="Discussed.", order=n)
        for n in range(1, size + 1)
    )  # fmt: skip
    Decision.objects.bulk_create(
        Decision(item=item, verb="NOTED", text="the update") for item in items
    )
    old = _actions(committee, earlier, [None] * size, dcc)
    _actions(committee, meeting, items, dcc)
    ActionReview.objects.bulk_create(
        ActionReview(
            action=action,
            meeting=meeting,
            update="Progress reported.",
            last_target_date=action.target_date,
            status="open",
            order=n,
        )
        for n, action in enumerate(old)
    )
    return meeting


def _actions(committee, meeting, items, owner) -> list[Action]:
    made = Action.objects.bulk_create(
        Action(
            committee=committee,
            meeting=meeting,
            item=item,
            meeting_number=meeting.number,
            sequence=n,
            reference=format_reference(committee.code, meeting.number, n, False),
            text=f"DCC to report on matter {n}.",
            raised_on=meeting.date,
            target_date=meeting.date + datetime.timedelta(days=28),
        )
        for n, item in enumerate(items, start=1)
    )
    ActionOwner.objects.bulk_create(ActionOwner(action=a, organisation=owner) for a in made)
    return made


def page_queries(size: int) -> int:
    meeting = build(f"Q{size}", size)
    client = harness.member_client([meeting.committee], username=f"bench-member-{size}")
    url = f"/committees/{meeting.committee.code}/meetings/{meeting.number}/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def main():
    with harness.scratch_database():
        load_demo(password=None, logins=False)
        meeting = Meeting.objects.select_related("committee").get(committee__code="OPSG", number=25)
        member = harness.member_client([meeting.committee])
        engine = harness.engine()
        base = f"/committees/OPSG/meetings/{meeting.number}/"

        json = getter(member, base + "minutes.json")
        harness.report(
            f"minutes_json_opsg25 ({engine}, member, vs Django's serializer on the rows it shows)",
            *harness.interleaved(json, serializer_peer(meeting)),
            goal=JSON_RATIO,
        )
        harness.report(
            f"minutes_json_own_tables ({engine}, member, vs the serializer on the minutes' tables)",
            *harness.interleaved(json, serializer_peer(meeting, names=False)),
            goal=None,
        )
        harness.report(
            f"minutes_page_opsg25 ({engine}, member, 20 items)",
            harness.timed(getter(member, base)),
            None,
            goal=PAGE_P50_MS,
            measure="p50_ms",
        )
        few, many = page_queries(3), page_queries(300)
        harness.report_count(
            f"minutes_page_queries ({engine}, member, 300 items vs 3)",
            many,
            goal=few,
            extra=f"at_3={few}",
        )
    harness.finish()


if __name__ == "__main__":
    main()
