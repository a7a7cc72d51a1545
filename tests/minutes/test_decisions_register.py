"""The decisions register (/decisions/): every decision of the minutes the
user may read, newest first; its filters (committee, verb, meeting dates,
text), bad input, links into the minutes, who sees what, and a fixed number
of queries.

The data (`decisions` below):

| meeting        | date       | minutes                         | item                 | decisions                                   |
| OPSG 39        | 01/12/2020 | published, White (public)       | 2 Reports            | ENDORSED the 2020 report                      |
| OPSG 40        | 02/03/2021 | published, White (public)       | 3 Modifications      | ENDORSED the SECMP0067 business case; AGREED to publish the report |
| OPSG 41        | 01/06/2021 | published, White (parties only) | 3 Incidents          | ENDORSED the change to the incident categorisation |
|                |            |                                 | 5 Security (confidential) | ENDORSED the kiwifruit security findings |
| OPSG 42        | 07/09/2021 | circulated                      | 3 Performance        | NOTED that: 1. the throttling report, 2. …; ENDORSED the roll-out plan |
| OPSG 43        | 07/12/2021 | draft                           | 3 Draft business     | ENDORSED the pomegranate proposal             |
| OPSG 44        | 11/01/2022 | published, White (public)       | 2 Plans              | ENDORSED the 2022 plan                        |
| TABASC 5       | 18/05/2021 | circulated, White (parties)     | 2 Architecture       | AGREED the architecture principles            |
"""

import datetime
import re

import pytest

from meetings.models import Decision
from minutes.services import minutes_approve, minutes_circulate, minutes_publish
from tests.actions.log_data import page_text, tabasc_meeting, text
from tests.base import login, make_item, make_meeting

pytestmark = pytest.mark.django_db

REGISTER = "/decisions/"
D = datetime.date

# Each decision as the register's third column reads it.
R2020 = "The OPSG ENDORSED the 2020 report."
SECMP = "The OPSG ENDORSED the SECMP0067 business case."
PUBLISH = "The OPSG AGREED to publish the report."
CATEGORY = "The OPSG ENDORSED the change to the incident categorisation."
KIWI = "The OPSG ENDORSED the kiwifruit security findings."
THROTTLE = "The OPSG NOTED that: the throttling report was discussed. the DCC will report again."
ROLLOUT = "The OPSG ENDORSED the roll-out plan."
POMEGRANATE = "The OPSG ENDORSED the pomegranate proposal."
R2022 = "The OPSG ENDORSED the 2022 plan."
TABASC = "The TABASC AGREED the architecture principles."

MEMBER_SEES = [R2022, THROTTLE, ROLLOUT, CATEGORY, KIWI, SECMP, PUBLISH, R2020]


def decide(item, verb, text, points=(), order=0):
    return Decision.objects.create(
        item=item, verb=verb, text=text, points=list(points), order=order
    )


def publish(world, meeting, at):
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    minutes_approve(meeting=meeting, at_meeting=at, by=world.chair.user)
    minutes_publish(meeting=meeting, by=world.chair.user)


@pytest.fixture
def decisions(world):
    w = world
    m = {
        39: make_meeting(w, number=39, date=D(2020, 12, 1)),
        40: make_meeting(w, number=40, date=D(2021, 3, 2)),
        41: make_meeting(w, number=41, date=D(2021, 6, 1), classification=w.amber),
        42: make_meeting(w, number=42, date=D(2021, 9, 7)),
        43: make_meeting(w, number=43, date=D(2021, 12, 7)),
        44: make_meeting(w, number=44, date=D(2022, 1, 11)),
    }
    found = {
        "2020": decide(make_item(m[39], "2", "Reports"), "ENDORSED", "the 2020 report."),
    }
    i40 = make_item(m[40], "3", "Modifications")
    found["secmp"] = decide(i40, "ENDORSED", "the SECMP0067 business case.")
    found["publish"] = decide(i40, "AGREED", "to publish the report.", order=1)
    i41 = make_item(m[41], "3", "Incidents")
    found["category"] = decide(i41, "ENDORSED", "the change to the incident categorisation.")
    i41c = make_item(m[41], "5", "Security", confidential=True)
    found["kiwi"] = decide(i41c, "ENDORSED", "the kiwifruit security findings.")
    i42 = make_item(m[42], "3", "Performance")
    found["throttle"] = decide(
        i42,
        "NOTED",
        "that:",
        ["the throttling report was discussed.", "the DCC will report again."],
    )
    found["rollout"] = decide(i42, "ENDORSED", "the roll-out plan.", order=1)
    i43 = make_item(m[43], "3", "Draft business")
    found["pomegranate"] = decide(i43, "ENDORSED", "the pomegranate proposal.")
    found["2022"] = decide(make_item(m[44], "2", "Plans"), "ENDORSED", "the 2022 plan.")
    tabasc5 = tabasc_meeting(w, date=D(2021, 5, 18))
    found["tabasc"] = decide(
        make_item(tabasc5, "2", "Architecture"), "AGREED", "the architecture principles."
    )

    publish(w, m[39], m[40])
    publish(w, m[40], m[41])
    publish(w, m[41], m[42])
    publish(w, m[44], None)  # the chair's approval between meetings
    minutes_circulate(meeting=m[42], by=w.secretary.user)
    minutes_circulate(meeting=tabasc5, by=w.secretary.user)
    found["meetings"] = m
    return found


# --- reading the page back ------------------------------------------------------

_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def rows(content: bytes) -> list[list[str]]:
    match = re.search(
        r'<table class="data decisions">.*?<tbody>(.*?)</tbody>', content.decode(), re.S
    )
    if not match:
        return []
    return [
        # A point's end is a space, as a reader sees the list.
        [text(cell.replace("</li>", " </li>")) for cell in _CELL.findall(row)]
        for row in _ROW.findall(match.group(1))
    ]


def listed(client, query="") -> list[str]:
    response = client.get(REGISTER + query)
    assert response.status_code == 200
    return [row[2] for row in rows(response.content)]


# --- who sees what ----------------------------------------------------------------


@pytest.mark.parametrize("url", [REGISTER, REGISTER + "?verb=ENDORSED"])
def test_login_required(client, decisions, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_refused(client, decisions):
    assert login(client, "member").post(REGISTER).status_code == 405


def test_member_sees_every_decision_but_a_drafts_newest_first(client, decisions):
    login(client, "member")
    # Newest meeting first; within a meeting, in the order of the minutes.
    # Not OPSG 43's (a draft), not TABASC's.
    assert listed(client) == MEMBER_SEES
    body = client.get(REGISTER).content.decode()
    assert "pomegranate" not in body and "architecture principles" not in body


def test_secretary_sees_the_draft_too(client, decisions):
    login(client, "secretary")
    assert listed(client) == [R2022, POMEGRANATE, *MEMBER_SEES[1:]]


def test_observer_sees_published_minutes_without_their_confidential_items(
    client, decisions, observer
):
    client.force_login(observer)
    # Published minutes only (not the circulated OPSG 42), and not the
    # confidential item 5 of OPSG 41.
    assert listed(client) == [R2022, CATEGORY, SECMP, PUBLISH, R2020]
    assert "kiwifruit" not in client.get(REGISTER).content.decode()


def test_outsider_sees_only_the_publicly_published_minutes_of_another_committee(client, decisions):
    login(client, "outsider")  # a member of TABASC only
    # Their own committee's circulated minutes, and OPSG's published minutes
    # whose classification allows publication: not OPSG 41 (committee only),
    # nor the circulated 42 or the draft 43.
    assert listed(client) == [R2022, TABASC, SECMP, PUBLISH, R2020]
    body = client.get(REGISTER).content.decode()
    for secret in ("categorisation", "kiwifruit", "throttling", "roll-out", "pomegranate"):
        assert secret not in body


def test_a_login_with_no_role_sees_only_public_minutes(client, decisions):
    login(client, "owner")  # DCC, no committee role
    assert listed(client) == [R2022, SECMP, PUBLISH, R2020]


# --- the rows ---------------------------------------------------------------------


def test_row_shows_meeting_item_and_decision(client, decisions):
    login(client, "member")
    by_text = {row[2]: row for row in rows(client.get(REGISTER).content)}
    assert by_text[SECMP][:2] == ["OPSG 40 2 Mar 2021", "3. Modifications"]
    assert by_text[THROTTLE][:2] == ["OPSG 42 7 Sep 2021", "3. Performance"]


def test_links_go_to_the_decision_in_the_minutes(client, decisions):
    login(client, "member")
    body = client.get(REGISTER).content.decode()
    pk = decisions["secmp"].pk
    assert (
        f'<a href="/committees/OPSG/meetings/40/#decision-{pk}">The OPSG <strong>ENDORSED</strong></a>'
        in body
    )
    assert '<a href="/committees/OPSG/meetings/40/#item-3">3. Modifications</a>' in body
    assert '<a href="/committees/OPSG/meetings/40/">OPSG 40</a>' in body
    # Every row links to its own decision.
    anchors = re.findall(r'href="/committees/OPSG/meetings/(\d+)/#decision-(\d+)"', body)
    assert len(anchors) == len(MEMBER_SEES) == len(set(anchors))
    for number, decision_pk in anchors:
        assert Decision.objects.get(pk=decision_pk).item.meeting.number == int(number)


def test_the_anchor_exists_on_the_minutes_page(client, decisions):
    login(client, "member")
    pk = decisions["secmp"].pk
    minutes = client.get("/committees/OPSG/meetings/40/").content.decode()
    assert f'id="decision-{pk}"' in minutes


def test_points_are_listed_in_order(client, decisions):
    login(client, "member")
    body = client.get(REGISTER + "?q=throttling").content.decode()
    assert re.search(
        r'<ol start="1"><li>the throttling report was discussed.</li>'
        r"<li>the DCC will report again.</li></ol>",
        body,
    )


def test_summary_counts_the_decisions(client, decisions):
    login(client, "member")
    assert "8 decisions." in page_text(client.get(REGISTER))
    assert "1 decision." in page_text(client.get(REGISTER + "?q=kiwifruit"))


# --- filters ---------------------------------------------------------------------


def test_committee_filter(client, decisions):
    login(client, "outsider")
    assert listed(client, "?committee=TABASC") == [TABASC]
    assert listed(client, "?committee=OPSG") == [R2022, SECMP, PUBLISH, R2020]
    # The code as the committee writes it, as in the action log.
    assert "Select a valid choice." in page_text(client.get(REGISTER + "?committee=opsg"))


def test_committee_choices_are_those_with_minutes_the_user_may_read(client, decisions):
    login(client, "member")
    body = client.get(REGISTER).content.decode()
    select = re.search(r'<select name="committee".*?</select>', body, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", select) == ["All committees", "OPSG"]
    response = client.get(REGISTER + "?committee=TABASC")
    assert "Select a valid choice. That choice is not one of the available choices." in (
        page_text(response)
    )
    assert "architecture principles" not in response.content.decode()
    assert [row[2] for row in rows(response.content)] == MEMBER_SEES


def test_the_committee_filter_is_labelled_committee(client, decisions):
    login(client, "member")
    response = client.get(REGISTER + "?committee=NOPE")
    assert '<label for="id_committee">Committee</label>' in response.content.decode()
    assert "Committee: Select a valid choice." in page_text(response)


def test_verb_filter(client, decisions):
    login(client, "member")
    assert listed(client, "?verb=AGREED") == [PUBLISH]
    assert listed(client, "?verb=NOTED") == [THROTTLE]
    assert listed(client, "?verb=ENDORSED") == [R2022, ROLLOUT, CATEGORY, KIWI, SECMP, R2020]
    assert listed(client, "?verb=APPROVED") == []


def test_meeting_date_range(client, decisions):
    login(client, "member")
    assert listed(client, "?date_from=2021-06-01&date_to=2021-09-07") == [
        THROTTLE,
        ROLLOUT,
        CATEGORY,
        KIWI,
    ]
    assert listed(client, "?date_from=2022-01-01") == [R2022]
    assert listed(client, "?date_to=2020-12-31") == [R2020]
    # The British way of writing dates is read too.
    assert listed(client, "?date_to=31/12/2020") == [R2020]


def test_text_filter_over_text_and_points(client, decisions):
    login(client, "member")
    assert listed(client, "?q=SECMP0067") == [SECMP]
    assert listed(client, "?q=secmp0067") == [SECMP]
    assert listed(client, "?q=throttling") == [THROTTLE]  # in a point
    assert listed(client, "?q=report") == [THROTTLE, PUBLISH, R2020]
    assert listed(client, "?q=pomegranate") == []  # a draft's
    assert listed(client, "?q=+++") == MEMBER_SEES


def test_everything_the_opsg_endorsed_in_2021_as_one_query_string(client, decisions):
    query = "?committee=OPSG&verb=ENDORSED&date_from=2021-01-01&date_to=2021-12-31"
    login(client, "member")
    # Not the 2020 or 2022 ones, nor the draft OPSG 43's (December 2021).
    assert listed(client, query) == [ROLLOUT, CATEGORY, KIWI, SECMP]
    login(client, "secretary")
    assert listed(client, query) == [POMEGRANATE, ROLLOUT, CATEGORY, KIWI, SECMP]
    login(client, "outsider")
    assert listed(client, query) == [SECMP]


def test_filters_are_kept_in_the_form(client, decisions):
    login(client, "member")
    body = client.get(REGISTER + "?committee=OPSG&verb=NOTED&q=report&date_from=2021-01-01")
    content = body.content.decode()
    assert '<option value="OPSG" selected>OPSG</option>' in content
    assert '<option value="NOTED" selected>NOTED</option>' in content
    assert 'name="q" value="report"' in content
    assert 'name="date_from" value="2021-01-01"' in content


# --- bad input and empty states -------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=notadate", "Meetings from: Enter a valid date."),
        ("date_to=2021-02-30", "Meetings until: Enter a valid date."),
        ("date_from=2021-13-01&date_to=yesterday", "Meetings until: Enter a valid date."),
        ("verb=DECIDED", "Verb: Select a valid choice."),
        # (The field's label is "Item meeting committee": reported, see
        # test_the_committee_filter_is_labelled_committee.)
        ("committee=NOPE", "Select a valid choice. That choice is not one of the"),
        ("committee=x'); drop table--", "Select a valid choice. That choice is not one of the"),
    ],
)
def test_bad_filter_input_is_reported_and_left_out(client, decisions, query, message):
    login(client, "member")
    response = client.get(REGISTER + "?" + query)
    assert response.status_code == 200
    content = page_text(response)
    assert "Some filters could not be read and were left out" in content
    assert message in content
    assert [row[2] for row in rows(response.content)] == MEMBER_SEES


def test_empty_state_when_filters_match_nothing(client, decisions):
    login(client, "member")
    response = client.get(REGISTER + "?q=nothing-like-this")
    content = response.content.decode()
    assert "No decisions match." in page_text(response)
    assert "No decisions match these filters." in content
    assert '<a href="/decisions/">Clear filters</a>' in content
    assert "<table" not in content


def test_empty_state_with_no_decisions_at_all(client, world):
    login(client, "member")
    response = client.get(REGISTER)
    assert response.status_code == 200
    assert "No decisions recorded in any minutes you can read yet." in page_text(response)


# --- pagination and a fixed number of queries --------------------------------------------


def many_decisions(world, count):
    """`count` decisions, over items of OPSG 25 (circulated): 10 to an item."""
    meeting = make_meeting(world, number=25, date=D(2019, 10, 1))
    items = [make_item(meeting, str(n), f"Item {n}") for n in range(1, count // 10 + 2)]
    Decision.objects.bulk_create(
        Decision(
            item=items[i // 10],
            verb=["NOTED", "AGREED", "ENDORSED"][i % 3],
            text=f"decision {i:03d} on the report.",
            points=["a point"] if i % 2 else [],
            order=i % 10,
        )
        for i in range(count)
    )
    minutes_circulate(meeting=meeting, by=world.secretary.user)


def test_pages_of_fifty_with_links_that_keep_the_filters(client, world):
    many_decisions(world, 120)
    login(client, "member")
    first = client.get(REGISTER + "?committee=OPSG&q=report")
    assert len(rows(first.content)) == 50
    content = first.content.decode()
    assert "Page 1 of 3 (decisions 1–50 of 120)" in content
    assert 'href="?committee=OPSG&amp;q=report&amp;page=2" rel="next"' in content
    pages = [first] + [client.get(REGISTER + f"?committee=OPSG&q=report&page={n}") for n in (2, 3)]
    seen = [row[2] for page in pages for row in rows(page.content)]
    assert len(seen) == len(set(seen)) == 120
    assert client.get(REGISTER + "?page=zzz").status_code == 200


# Queries the register makes, however many decisions:
#  1 the session, 2 the user, 3 the user's roles in every committee and the
#  classifications naming them (read once: meetings.access.committees_where),
#  4 the count, 5 the page of decisions (with item, meeting and committee),
#  6 the committees the filter offers, 7 the minutes being corrected that the
#  user reads only as kept (none here).
REGISTER_QUERIES = 7

COMBOS = [
    ("", REGISTER_QUERIES),
    ("?verb=NOTED&q=report", REGISTER_QUERIES),
    ("?date_from=2019-01-01&date_to=2019-12-31&page=2", REGISTER_QUERIES),
    # + the committee asked for (validating the choice, before the count).
    ("?committee=OPSG", REGISTER_QUERIES + 1),
]


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize("query, expected", COMBOS)
def test_register_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count, query, expected
):
    many_decisions(world, count)
    login(client, "member")
    with django_assert_num_queries(expected):
        response = client.get(REGISTER + query)
    assert response.status_code == 200
    assert 0 < len(rows(response.content)) <= min(count, 50)
