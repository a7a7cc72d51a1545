"""The incidents register (/incidents/) and an incident's page
(/incidents/<reference>/): who sees which incidents, every filter and sort,
bad input, the empty state, pagination, a fixed number of queries, and what
the page of one incident shows.

The register's data (`register` below):

| incident         | title                      | provider | category   | status   | occurred   | where the committee met it                              |
| INC000000000101  | Data service timeouts      | DSP      | Category 2 | open     | 10/09/2019 | reviewed at OPSG 25 item 4 (circulated); action 25/01 |
| INC000000000102  | Firmware roll-out failure  | CSP N    | Category 3 | resolved | 20/08/2019 | reviewed at OPSG 24 item 4 and OPSG 25 item 4 (circulated) |
| INC000000000103  | Drafted outage             | CSP S    | Category 1 | closed   | 20/10/2019 | reviewed at OPSG 26 item 4 (a draft)                   |
| INC000000000104  | Confidential outage        | CSP C&S  | Category 2 | open     | 01/07/2019 | reviewed at OPSG 23 item 5 (published; a confidential item) |
| INC000000000105  | Published outage           | DCO      | Category 3 | closed   | 15/07/2019 | reviewed at OPSG 23 item 4 (published)                 |
| INC000000000106  | Mentioned only             |          |            | open     |            | named in OPSG 25 item 6's narrative                     |
| INC000000000201  | Architecture fault         | DSP      | Category 4 | open     | 01/10/2019 | reviewed at TABASC 5 item 2 (circulated)               |
"""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model

from incidents.models import Incident, IncidentRelation, IncidentReview
from incidents.services import incident_get_or_create
from meetings.models import Decision, Meeting
from minutes.services import minutes_circulate, minutes_publish
from tests.actions.log_data import close, many_actions, page_text, tabasc_meeting, text
from tests.base import approve_minutes, login, make_action, make_item, make_meeting

pytestmark = pytest.mark.django_db

REGISTER = "/incidents/"
D = datetime.date

A, B, C = "INC000000000101", "INC000000000102", "INC000000000103"
CONF, PUB, MENTIONED = "INC000000000104", "INC000000000105", "INC000000000106"
TAB = "INC000000000201"
OPSG_ALL = [MENTIONED, PUB, CONF, C, B, A]  # newest number first


def incident(reference, item=None, **fields):
    found = Incident.objects.create(reference=reference, **fields)
    if item is not None:
        IncidentReview.objects.create(incident=found, item=item, outcome=f"Reviewed {reference}.")
    return found


@pytest.fixture
def register(world):
    w = world
    m23 = make_meeting(w, number=23, date=D(2019, 8, 6), classification=w.amber)
    m24 = make_meeting(w, number=24, date=D(2019, 9, 3))
    m25 = make_meeting(w, number=25, date=D(2019, 10, 1))
    m26 = make_meeting(w, number=26, date=D(2019, 11, 5))
    i23 = make_item(m23, "4", "Major Incidents")
    i23c = make_item(m23, "5", "Security incident", confidential=True)
    i24 = make_item(m24, "4", "Major Incidents")
    i25 = make_item(m25, "4", "Major Incidents")
    make_item(m25, "6", "Any Other Business", narrative=f"The DCC mentioned {MENTIONED}.")
    i26 = make_item(m26, "4", "Major Incidents")
    tabasc5 = tabasc_meeting(w, date=D(2019, 10, 15))
    t2 = make_item(tabasc5, "2", "Architecture incidents")

    a = incident(A, i25, title="Data service timeouts", service_provider="DSP",
                 category="Category 2", occurred_on=D(2019, 9, 10))  # fmt: skip
    b = incident(B, i24, title="Firmware roll-out failure", service_provider="CSP N",
                 category="Category 3", status="resolved", occurred_on=D(2019, 8, 20))  # fmt: skip
    IncidentReview.objects.create(incident=b, item=i25, outcome="Still unresolved.")
    incident(C, i26, title="Drafted outage", service_provider="CSP S", category="Category 1",
             status="closed", occurred_on=D(2019, 10, 20))  # fmt: skip
    incident(CONF, i23c, title="Confidential outage", service_provider="CSP C&S",
             category="Category 2", occurred_on=D(2019, 7, 1))  # fmt: skip
    incident(PUB, i23, title="Published outage", service_provider="DCO", category="Category 3",
             status="closed", occurred_on=D(2019, 7, 15))  # fmt: skip
    mentioned, _ = incident_get_or_create(reference=MENTIONED)  # finds item 6 naming it
    Incident.objects.filter(pk=mentioned.pk).update(title="Mentioned only")
    incident(TAB, t2, title="Architecture fault", service_provider="DSP", category="Category 4",
             occurred_on=D(2019, 10, 1))  # fmt: skip

    action = make_action(w, m25, item=i25, text="DCC to explain the timeouts.")  # OPSG 25/01
    a.actions.add(action)

    approve_minutes(w, m23, m24)
    minutes_publish(meeting=m23, by=w.chair.user)
    for meeting in (m24, m25, tabasc5):
        minutes_circulate(meeting=meeting, by=w.secretary.user)
    return {"m23": m23, "m24": m24, "m25": m25, "m26": m26, "a": a, "action": action}


# --- reading the page back ------------------------------------------------------

_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def rows(content: bytes) -> list[list[str]]:
    match = re.search(r'<table class="data">.*?<tbody>(.*?)</tbody>', content.decode(), re.S)
    if not match:
        return []
    return [[text(cell) for cell in _CELL.findall(row)] for row in _ROW.findall(match.group(1))]


def refs(client, query="") -> list[str]:
    response = client.get(REGISTER + query)
    assert response.status_code == 200
    return [row[0] for row in rows(response.content)]


# --- who sees what ----------------------------------------------------------------


@pytest.mark.parametrize("url", [REGISTER, REGISTER + "?status=open", f"/incidents/{A}/"])
def test_login_required(client, register, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_refused(client, register):
    assert login(client, "member").post(REGISTER).status_code == 405


def test_member_sees_incidents_of_minutes_they_may_read(client, register):
    login(client, "member")
    # Not C, reviewed only in draft minutes; not TABASC's.
    assert refs(client) == [MENTIONED, PUB, CONF, B, A]


def test_secretary_sees_the_drafts_too(client, register):
    login(client, "secretary")
    assert refs(client) == OPSG_ALL


def test_staff_see_everything(client, register, staff):
    client.force_login(staff)
    assert refs(client) == [TAB, *OPSG_ALL]


def test_outsider_sees_none_of_another_committees_unpublished_incidents(client, register):
    login(client, "outsider")  # a member of TABASC only
    assert refs(client) == [TAB]
    body = client.get(REGISTER).content.decode()
    for reference in OPSG_ALL:
        assert reference not in body
    # Nor do their titles or providers reach the filter's choices.
    assert "CSP S" not in body and "Drafted outage" not in body and "Firmware" not in body


def test_observer_does_not_see_a_confidential_items_incident(client, register, observer):
    client.force_login(observer)
    # An observer reads published minutes (PUB), not a confidential item of
    # them (CONF), nor circulated ones (B); A they see through its action.
    assert refs(client) == [PUB, A]
    assert "Confidential outage" not in client.get(REGISTER).content.decode()


def test_owner_without_a_role_sees_incidents_of_actions_they_own(client, register):
    login(client, "owner")  # works for the DCC, which owns OPSG 25/01
    assert refs(client) == [A]


def test_a_login_without_a_person_sees_no_incidents(client, register):
    client.force_login(
        get_user_model().objects.create_user(username="nobody", password="x-Passw0rd-x")
    )
    response = client.get(REGISTER)
    assert response.status_code == 200
    assert rows(response.content) == []
    assert "No incidents yet." in page_text(response)


def test_circulating_the_draft_shows_its_incidents_to_members(client, world, register):
    login(client, "member")
    assert C not in refs(client)
    minutes_circulate(meeting=register["m26"], by=world.secretary.user)
    assert C in refs(client)


# --- the rows ---------------------------------------------------------------------


def test_row_shows_the_incident_its_reviews_and_open_actions(client, register):
    login(client, "member")
    by_ref = {row[0]: row for row in rows(client.get(REGISTER).content)}
    assert by_ref[A] == [
        A,
        "Data service timeouts",
        "10 Sep 2019",
        "DSP",
        "Category 2",
        "Open",
        "OPSG 25 item 4",
        "OPSG 25/01",
    ]
    assert by_ref[B][5:] == ["Resolved", "OPSG 24 item 4, OPSG 25 item 4", "None"]
    assert by_ref[MENTIONED] == [MENTIONED, "Mentioned only", "—", "—", "—", "Open", "—", "None"]


def test_links_to_the_incident_the_minutes_and_the_action(client, register):
    login(client, "member")
    body = client.get(REGISTER).content.decode()
    assert f'<a href="/incidents/{A}/">{A}</a>' in body
    assert '<a href="/committees/OPSG/meetings/25/#item-4">OPSG 25 item 4</a>' in body
    assert '<a href="/actions/opsg-25-01/">OPSG 25/01</a>' in body


def test_closed_actions_are_not_listed_as_open(client, register):
    close(register["action"], D(2019, 10, 20))
    login(client, "member")
    by_ref = {row[0]: row for row in rows(client.get(REGISTER).content)}
    assert by_ref[A][7] == "None"


def test_reviews_in_minutes_the_user_may_not_read_are_left_out_of_the_row(client, register):
    # A reviewed again in the draft OPSG 26: the secretary sees it, a member not.
    IncidentReview.objects.create(
        incident=register["a"], item=register["m26"].items.get(number="4")
    )
    login(client, "member")
    by_ref = {row[0]: row for row in rows(client.get(REGISTER).content)}
    assert by_ref[A][6] == "OPSG 25 item 4"
    login(client, "secretary")
    by_ref = {row[0]: row for row in rows(client.get(REGISTER).content)}
    assert by_ref[A][6] == "OPSG 25 item 4, OPSG 26 item 4"


def test_summary_counts_the_incidents(client, register):
    login(client, "member")
    assert "5 incidents." in page_text(client.get(REGISTER))
    assert "1 incident." in page_text(client.get(REGISTER + "?q=firmware"))


# --- filters ---------------------------------------------------------------------


def test_provider_filter(client, register):
    login(client, "member")
    assert refs(client, "?provider=DSP") == [A]
    assert refs(client, "?provider=CSP+C%26S") == [CONF]


def test_provider_and_category_choices_are_of_incidents_the_user_may_see(client, register):
    login(client, "member")
    body = client.get(REGISTER).content.decode()
    providers = re.search(r'<select name="provider".*?</select>', body, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", providers) == [
        "Any provider",
        "CSP C&amp;S",
        "CSP N",
        "DCO",
        "DSP",
    ]
    categories = re.search(r'<select name="category".*?</select>', body, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", categories) == [
        "Any category",
        "Category 2",
        "Category 3",
    ]
    # CSP S is the provider of a draft's incident only: not a choice.
    response = client.get(REGISTER + "?provider=CSP+S")
    assert "Service provider: Select a valid choice." in page_text(response)
    assert C not in response.content.decode()


def test_category_filter(client, register):
    login(client, "member")
    assert refs(client, "?category=Category+2") == [CONF, A]
    assert refs(client, "?category=Category+3") == [PUB, B]


def test_status_filter(client, register):
    login(client, "member")
    assert refs(client, "?status=open") == [MENTIONED, CONF, A]
    assert refs(client, "?status=resolved") == [B]
    assert refs(client, "?status=closed") == [PUB]
    login(client, "secretary")
    assert refs(client, "?status=closed") == [PUB, C]


def test_occurred_between_dates(client, register):
    login(client, "member")
    assert refs(client, "?occurred_from=2019-08-01&occurred_to=2019-09-30") == [B, A]
    assert refs(client, "?occurred_from=2019-09-10") == [A]  # the day itself counts
    assert refs(client, "?occurred_to=2019-07-15") == [PUB, CONF]
    # The British way of writing dates is read too.
    assert refs(client, "?occurred_to=15/07/2019") == [PUB, CONF]
    # An incident with no date recorded is left out of any range.
    assert MENTIONED not in refs(client, "?occurred_from=2000-01-01")


def test_reviewed_at_meeting(client, register):
    login(client, "member")
    assert refs(client, "?meeting=OPSG+25") == [B, A]
    assert refs(client, "?meeting=opsg-24") == [B]
    assert refs(client, "?meeting=OPSG_23") == [PUB, CONF]
    assert refs(client, "?meeting=OPSG+99") == []
    # Named in OPSG 25, not reviewed there: not listed.
    assert MENTIONED not in refs(client, "?meeting=OPSG+25")
    # OPSG 26 is a draft: a member finds nothing reviewed there, the secretary C.
    assert refs(client, "?meeting=OPSG+26") == []
    login(client, "secretary")
    assert refs(client, "?meeting=OPSG+26") == [C]


def test_reviewed_at_meeting_counts_only_reviews_the_user_may_read(client, register, observer):
    # A is visible to the observer (through its action), but its review at
    # the circulated OPSG 25 is not: "reviewed at OPSG 25" does not find it.
    client.force_login(observer)
    assert A in refs(client)
    assert refs(client, "?meeting=OPSG+25") == []


def test_free_text_over_number_and_title(client, register):
    login(client, "member")
    assert refs(client, "?q=firmware") == [B]
    assert refs(client, "?q=FIRMWARE") == [B]
    assert refs(client, f"?q={A}") == [A]
    assert refs(client, "?q=0102") == [B]
    assert refs(client, "?q=outage") == [PUB, CONF]
    assert refs(client, "?q=drafted") == []  # C's title, a draft's incident
    assert refs(client, "?q=+++") == refs(client)


def test_filters_combine(client, register):
    login(client, "member")
    assert refs(client, "?q=outage&status=closed") == [PUB]
    assert refs(client, "?meeting=OPSG+25&status=resolved&provider=CSP+N") == [B]
    assert refs(client, "?meeting=OPSG+25&provider=DCO") == []


# --- sorting -----------------------------------------------------------------------


def test_default_sort_is_newest_number_first(client, register):
    login(client, "member")
    assert refs(client) == refs(client, "?sort=-reference") == [MENTIONED, PUB, CONF, B, A]
    assert refs(client, "?sort=reference") == [A, B, CONF, PUB, MENTIONED]


def test_sort_by_occurred(client, register):
    login(client, "member")
    dated = [CONF, PUB, B, A]
    ascending = refs(client, "?sort=occurred")
    descending = refs(client, "?sort=-occurred")
    assert [r for r in ascending if r != MENTIONED] == dated
    assert [r for r in descending if r != MENTIONED] == dated[::-1]
    # The incident with no date recorded comes at one end or the other. Which
    # end depends on the database (SQLite puts NULL first going up, PostgreSQL
    # last): incidents/filters.py does not say where undated incidents go.
    assert MENTIONED in (ascending[0], ascending[-1])
    assert MENTIONED in (descending[0], descending[-1])


def test_sort_by_provider(client, register):
    login(client, "member")
    # The blank provider (MENTIONED) sorts first; ties by number.
    assert refs(client, "?sort=provider") == [MENTIONED, CONF, B, PUB, A]


def test_sort_by_status(client, register):
    login(client, "member")
    # By the stored value: closed, open, resolved; ties by number, oldest first.
    assert refs(client, "?sort=status") == [PUB, A, CONF, MENTIONED, B]


@pytest.mark.parametrize("sort", ["-provider", "-status", "title", "-"])
def test_sorts_not_offered_are_refused(client, register, sort):
    login(client, "member")
    response = client.get(REGISTER + f"?sort={sort}")
    assert "Sort by: Select a valid choice." in page_text(response)
    assert [row[0] for row in rows(response.content)] == [MENTIONED, PUB, CONF, B, A]


def test_sort_choices_are_offered(client, register):
    login(client, "member")
    body = client.get(REGISTER + "?sort=-occurred").content.decode()
    select = re.search(r'<select name="sort".*?</select>', body, re.S).group(0)
    assert '<option value="-occurred" selected>Occurred, latest first</option>' in select
    assert len(re.findall(r"<option ", select)) == 6


# --- bad input, empty state, pagination -------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("occurred_from=notadate", "Occurred from: Enter a valid date."),
        ("occurred_to=2019-02-30", "Occurred until: Enter a valid date."),
        ("meeting=garbage", "Reviewed at meeting: Give the meeting as its committee and number"),
        ("meeting=OPSG+25/01", "Reviewed at meeting: Give the meeting as its committee and number"),
        ("sort=colour", "Sort by: Select a valid choice."),
        ("status=maybe", "Status: Select a valid choice."),
        ("provider=Nobody", "Service provider: Select a valid choice."),
        ("category=x'); drop table--", "Category: Select a valid choice."),
    ],
)
def test_bad_filter_input_is_reported_and_left_out(client, register, query, message):
    login(client, "member")
    response = client.get(REGISTER + "?" + query)
    assert response.status_code == 200
    content = page_text(response)
    assert "Some filters could not be read and were left out" in content
    assert message in content
    assert "Traceback" not in content
    # The rest of the register still shows, as if that filter were absent.
    assert [row[0] for row in rows(response.content)] == [MENTIONED, PUB, CONF, B, A]


def test_empty_state_when_filters_match_nothing(client, register):
    login(client, "member")
    response = client.get(REGISTER + "?q=nothing-like-this")
    content = response.content.decode()
    assert "No incidents match." in page_text(response)
    assert "No incidents match these filters." in content
    assert 'class="empty-state"' in content and '<a href="/incidents/">Clear filters</a>' in content
    assert "<table" not in content


def test_empty_state_with_no_incidents_at_all(client, world):
    login(client, "member")
    response = client.get(REGISTER)
    assert response.status_code == 200
    content = page_text(response)
    assert "No incidents yet. An incident appears here once an agenda item records" in content
    assert "Clear filters." not in content


def many_incidents(world, count, *, with_actions=False):
    """`count` incidents, each reviewed at OPSG 25 item 4 (circulated), with
    an open DCC action linked to each when asked."""
    m25 = make_meeting(world, number=25, date=D(2019, 10, 1))
    item = make_item(m25, "4", "Major Incidents")
    incidents = Incident.objects.bulk_create(
        Incident(
            reference=f"INC{i:012d}",
            title=f"Incident {i}",
            service_provider=["DSP", "CSP N", "CSP S"][i % 3],
            category=f"Category {i % 4 + 1}",
            occurred_on=D(2019, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(1, count + 1)
    )
    IncidentReview.objects.bulk_create(IncidentReview(incident=x, item=item) for x in incidents)
    if with_actions:
        actions = many_actions(world, m25, count)
        Incident.actions.through.objects.bulk_create(
            Incident.actions.through(incident_id=x.pk, action_id=a.pk)
            for x, a in zip(incidents, actions, strict=True)
        )
    m25.refresh_from_db()
    if m25.status == m25.Status.DRAFT:  # many_actions circulates what it raises at
        minutes_circulate(meeting=m25, by=world.secretary.user)
    return incidents


def test_pages_of_fifty_with_links_that_keep_the_filters(client, world):
    many_incidents(world, 120)
    login(client, "member")
    first = client.get(REGISTER + "?status=open&sort=occurred")
    assert len(rows(first.content)) == 50
    content = first.content.decode()
    assert "Page 1 of 3 (incidents 1–50 of 120)" in content
    assert 'href="?status=open&amp;sort=occurred&amp;page=2" rel="next"' in content
    second = client.get(REGISTER + "?status=open&sort=occurred&page=2")
    last = client.get(REGISTER + "?status=open&sort=occurred&page=3")
    assert "Page 3 of 3 (incidents 101–120 of 120)" in last.content.decode()
    seen = [r[0] for page in (first, second, last) for r in rows(page.content)]
    assert seen == [f"INC{i:012d}" for i in range(1, 121)]


@pytest.mark.parametrize("page, shown", [("999", 3), ("abc", 1), ("0", 3), ("", 1), ("2", 2)])
def test_out_of_range_page_gives_the_first_or_last_page(client, world, page, shown):
    many_incidents(world, 120)
    login(client, "member")
    response = client.get(REGISTER + f"?page={page}")
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


# --- a fixed number of queries ------------------------------------------------------------

# Queries the register makes for a member, however many incidents:
#  1 the session, 2 the user, 3 the user's roles in every committee and the
#  classifications naming them (read once: meetings.access.committees_where),
#  4 the providers and 5 the categories of the incidents they may see (the
#  choices), 6 the count, 7 the page of incidents, 8 their reviews the user
#  may read (with meeting and committee), 9 their open actions the user may
#  see (the actions they own asked inside: actions.filters.owned_by), 10
#  the agenda items withheld from the user, for the rule of actions (read
#  once: meetings.access.items_withheld).
REGISTER_QUERIES = 10

COMBOS = [
    "",
    "?status=open&sort=-occurred",
    "?provider=DSP&sort=provider",
    "?meeting=OPSG+25&q=incident&sort=status",
    "?occurred_from=2019-01-01&occurred_to=2030-12-31&category=Category+1&page=2",
]


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize("query", COMBOS)
def test_register_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count, query
):
    many_incidents(world, count, with_actions=True)
    login(client, "member")
    with django_assert_num_queries(REGISTER_QUERIES):
        response = client.get(REGISTER + query)
    assert response.status_code == 200
    found = rows(response.content)
    assert 0 < len(found) <= min(count, 50)
    # Each row carries its review and its open action.
    assert all(row[6] == "OPSG 25 item 4" and row[7].startswith("OPSG 25/") for row in found)


# --- one incident's page ----------------------------------------------------------------


@pytest.fixture
def detailed(register, world):
    """A, reviewed at OPSG 25 and in the draft OPSG 26, with decisions and
    actions linked in each, related to B and (the other way) to C, and
    changed once by the secretary."""
    a = register["a"]
    i25 = register["m25"].items.get(number="4")
    i26 = register["m26"].items.get(number="4")
    IncidentReview.objects.filter(incident=a, item=i25).update(
        outcome="Categorisation too low.", publish_report=True, amendments="Add the timeline."
    )
    IncidentReview.objects.create(incident=a, item=i26, outcome="Draft review text.")
    seen = Decision.objects.create(item=i25, verb="AGREED", text="to publish the review report.")
    hidden = Decision.objects.create(item=i26, verb="NOTED", text="the draft's secret finding.")
    a.decisions.add(seen, hidden)
    draft_action = make_action(world, register["m26"], item=i26, text="DCC to fix the cause.")
    a.actions.add(draft_action)  # OPSG 26/01: raised in a draft
    IncidentRelation.objects.create(incident=a, related=Incident.objects.get(reference=B),
                                    kind="same root cause as")  # fmt: skip
    a.root_cause = "A certificate expired."
    a.problem_records = "PRB0041234\nPRB0041235"
    a._history_user = world.secretary.user
    a.save()
    return register


def detail(client, reference=A):
    response = client.get(f"/incidents/{reference}/")
    assert response.status_code == 200
    return response


def facts(response) -> dict[str, str]:
    found = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", response.content.decode(), re.S)
    return {text(term): text(value) for term, value in found}


def test_detail_shows_the_facts(client, detailed):
    response = detail(login(client, "member"))
    assert f"<h1>{A}: Data service timeouts</h1>" in response.content.decode()
    assert facts(response) == {
        "Status": "Open",
        "Occurred": "10 September 2019",
        "Service provider": "DSP",
        "Category": "Category 2",
        "Root cause": "A certificate expired.",
        "Problem records": "PRB0041234 PRB0041235",
    }


def test_detail_says_what_was_not_recorded(client, register):
    assert facts(detail(login(client, "member"), MENTIONED)) == {
        "Status": "Open",
        "Occurred": "Not recorded",
        "Service provider": "Not recorded",
        "Category": "Not recorded",
        "Problem records": "None recorded",
    }


def test_detail_shows_the_reviews_the_user_may_read(client, detailed):
    response = detail(login(client, "member"))
    content = page_text(response)
    assert "OPSG 25 (1 October 2019) – item 4. Major Incidents" in content
    assert "Categorisation too low." in content
    assert "Major Incident Review Report to be published: yes" in content
    assert "Amendments asked for: Add the timeline." in content
    assert '<a href="/committees/OPSG/meetings/25/#item-4">' in response.content.decode()
    # The draft's review is the secretary's to read, not a member's.
    assert "Draft review text." not in content and "OPSG 26 (" not in content
    assert "Draft review text." in page_text(detail(login(client, "secretary")))


def test_detail_shows_linked_decisions_the_user_may_read(client, detailed):
    response = detail(login(client, "member"))
    content = page_text(response)
    assert "OPSG 25 item 4: the OPSG AGREED to publish the review report." in content
    pk = Decision.objects.get(text="to publish the review report.").pk
    assert f'href="/committees/OPSG/meetings/25/#decision-{pk}"' in response.content.decode()
    assert "secret finding" not in content
    assert "the OPSG NOTED the draft's secret finding." in page_text(
        detail(login(client, "secretary"))
    )


def test_detail_shows_linked_actions(client, detailed):
    response = detail(login(client, "member"))
    content = page_text(response)
    assert "OPSG 25/01 (open" in content and "DCC to explain the timeouts. — DCC" in content
    assert '<a href="/actions/opsg-25-01/">OPSG 25/01</a>' in response.content.decode()
    # Raised in the draft OPSG 26: the secretary's until it is circulated.
    assert "OPSG 26/01" not in content
    assert "OPSG 26/01 (open" in page_text(detail(login(client, "secretary")))


def test_detail_shows_where_it_was_mentioned(client, register):
    response = detail(login(client, "member"), MENTIONED)
    content = page_text(response)
    assert "Mentioned in OPSG 25 (1 October 2019) – item 6. Any Other Business" in content
    assert "No review recorded that you can see." in content
    assert "No decision linked to this incident." in content
    assert "No action linked to this incident." in content


def test_detail_shows_related_incidents_both_ways(client, detailed):
    content = page_text(detail(login(client, "member")))
    assert f"Same root cause as: {B} (Firmware roll-out failure)" in content
    # From B's side, the same relation said the other way round.
    content = page_text(detail(client, B))
    assert f"Same root cause as (from {A}): {A} (Data service timeouts)" in content


def test_related_incidents_the_user_may_not_see_stay_hidden(client, detailed):
    """C was reviewed only in draft minutes: a member may not open it, so
    A's page must not name it either (nor its title)."""
    IncidentRelation.objects.create(
        incident=Incident.objects.get(reference=C), related=detailed["a"], kind="reopened as"
    )
    login(client, "member")
    assert client.get(f"/incidents/{C}/").status_code == 404
    content = page_text(detail(client))
    assert C not in content
    assert "Drafted outage" not in content


def test_detail_shows_the_audit_trail(client, detailed):
    body = detail(login(client, "member")).content.decode()
    table = re.search(
        r"<caption[^>]*>Changes to INC000000000101.*?<tbody>(.*?)</tbody>", body, re.S
    )
    trail = [[text(c) for c in _CELL.findall(row)] for row in _ROW.findall(table.group(1))]
    # Newest first: the secretary's change, then the creation (by no user:
    # "System"). The title set in bulk left no entry.
    assert [row[1:] for row in trail] == [["secretary", "Changed"], ["System", "Recorded"]]
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4} \d\d:\d\d", row[0]) for row in trail)


def test_detail_without_a_trail(client, register):
    Incident.history.model.objects.filter(reference=MENTIONED).delete()
    assert "No changes recorded." in page_text(detail(login(client, "member"), MENTIONED))


def test_detail_for_a_lower_case_reference(client, register):
    login(client, "member")
    assert client.get(f"/incidents/{A.lower()}/").status_code == 200


@pytest.mark.parametrize(
    "username, reference",
    [
        ("outsider", A),  # OPSG's, reviewed in circulated minutes
        ("outsider", PUB),  # published, but not publishable to all
        ("member", C),  # reviewed only in draft minutes
        ("member", TAB),  # TABASC's
        ("member", "INC000000999999"),  # unknown
        ("member", "INC123"),  # malformed
        ("member", "not-an-incident"),
        ("member", "INC0000000001011"),  # a digit too many
    ],
)
def test_detail_is_404_for_what_the_user_may_not_see(client, register, username, reference):
    login(client, username)
    assert client.get(f"/incidents/{reference}/").status_code == 404


def test_detail_is_404_for_an_observer_on_a_confidential_items_incident(client, register, observer):
    client.force_login(observer)
    assert client.get(f"/incidents/{CONF}/").status_code == 404
    assert client.get(f"/incidents/{PUB}/").status_code == 200


def test_detail_post_is_refused(client, register):
    assert login(client, "member").post(f"/incidents/{A}/").status_code == 405


def test_meeting_statuses_are_as_described(register):
    """Guards the data the tests above stand on."""
    statuses = dict(Meeting.objects.filter(committee__code="OPSG").values_list("number", "status"))
    assert statuses == {23: "published", 24: "circulated", 25: "circulated", 26: "draft"}
