"""Search (/search/?q=…): what it finds of each kind, stemming, snippets
(marked and escaped), exact references that jump to their page, what it must
never show to someone not entitled to it, its filters, counts and pages, a
stale edit, the database's own search columns, and a fixed number of queries.

Runs on SQLite (stems matched as substrings) and PostgreSQL (trigger-kept
tsvector columns); every test holds on both.

The record (`record` below):

| where                              | minutes                  | what it says                                         |
| OPSG 24 item 4                     | published, White public  | "The DSP will throttle alert volumes at the kestrel gateway." |
| OPSG 24 item 5 (confidential)      | published                | "The wombat breach was reviewed at the kestrel gateway." |
| OPSG 25 item 4                     | circulated               | reviews INC000000478818 "Alert throttling outage"      |
| OPSG 25 item 11                    | circulated               | "… throttling of alerts protects the network."; ENDORSED the SECMP0067 business case; NOTED the throttle settings review; action OPSG 25/01 |
| OPSG 26 item 3                     | draft                    | "The aardvark plan was agreed at the kestrel gateway." |
| OPSG 26 item 4                     | draft                    | AGREED the narwhal proposal for the kestrel gateway  |
| OPSG 27 (confidential session)     | draft                    | action OPSG 27/CONF 01 on the ocelot review of the kestrel gateway |
| TABASC 5 item 2                    | circulated, White parties | "TABASC discussed throttling of the architecture."  |

People: Peregrine Falcon (DCC) attended OPSG 24; Dora Drafted only the draft OPSG 26.
"""

import datetime
import re

import pytest
from django.db import connection

from actions.models import Action
from actions.references import format_reference
from declarations.models import Declaration
from incidents.models import Incident, IncidentReview
from meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Modification,
)
from minutes.services import item_update, minutes_circulate, minutes_publish
from search import selectors
from tests.actions.log_data import summary, tabasc_meeting, text
from tests.base import approve_minutes, login, make_action, make_item, make_meeting, make_person

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
D = datetime.date
INC = "INC000000478818"
NOTHING = "Nothing you can read matches"


@pytest.fixture
def record(world):
    w = world
    m24 = make_meeting(w, number=24, date=D(2019, 9, 3))
    m25 = make_meeting(w, number=25, date=D(2019, 10, 1))
    m26 = make_meeting(w, number=26, date=D(2019, 11, 5))
    m27 = make_meeting(w, number=27, date=D(2019, 11, 12), kind="confidential")
    tabasc5 = tabasc_meeting(w, date=D(2019, 10, 15))

    make_item(m24, "4", "Data service performance",
              narrative="The DSP will throttle alert volumes at the kestrel gateway.")  # fmt: skip
    make_item(m24, "5", "Security briefing", confidential=True,
              narrative="The wombat breach was reviewed at the kestrel gateway.")  # fmt: skip
    i25_4 = make_item(m25, "4", "Major Incidents", narrative=f"SECAS presented {INC}.")
    i25_11 = make_item(m25, "11", "SECMP0067 Business Case",
                       narrative="The DCC explained that throttling of alerts protects the network.")  # fmt: skip
    decisions = {
        "secmp": Decision.objects.create(
            item=i25_11, verb="ENDORSED", text="the SECMP0067 business case."
        ),
        "throttle": Decision.objects.create(
            item=i25_11, verb="NOTED", text="the throttle settings review.", order=1
        ),
    }
    action = make_action(w, m25, item=i25_11, text="DCC to report on alert throttling.")
    make_item(m26, "3", "Draft business",
              narrative="The aardvark plan was agreed at the kestrel gateway.")  # fmt: skip
    i26_4 = make_item(m26, "4", "Other business", narrative="Nothing further.")
    decisions["narwhal"] = Decision.objects.create(
        item=i26_4, verb="AGREED", text="the narwhal proposal for the kestrel gateway."
    )
    conf = make_action(
        w, m27, text="DCC to brief members on the ocelot review of the kestrel gateway."
    )
    make_item(tabasc5, "2", "Architecture throttling",
              narrative="TABASC discussed throttling of the architecture.")  # fmt: skip

    incident = Incident.objects.create(
        reference=INC,
        title="Alert throttling outage",
        service_provider="DSP",
        root_cause="An alert storm.",
        occurred_on=D(2019, 9, 20),
    )
    IncidentReview.objects.create(incident=incident, item=i25_4)
    incident.actions.add(action)
    Modification.objects.create(
        reference="SECMP0067", title="Alert storm protection", url="https://example.org/secmp0067"
    )
    falcon = make_person("Peregrine Falcon", "falcon", w.dcc)
    Attendance.objects.create(meeting=m24, person=falcon, section="participant")
    dora = make_person("Dora Drafted", "dora", w.secas)
    Attendance.objects.create(meeting=m26, person=dora, section="participant")

    approve_minutes(w, m24, m25)
    minutes_publish(meeting=m24, by=w.chair.user)
    minutes_circulate(meeting=m25, by=w.secretary.user)
    # The confidential session's minutes are out too: its CONF action reaches members.
    minutes_circulate(meeting=m27, by=w.secretary.user)
    minutes_circulate(meeting=tabasc5, by=w.secretary.user)
    return {"action": action, "conf": conf, "decisions": decisions, "m26": m26}


# --- reading the page back ------------------------------------------------------


def search(client, query: str, status=200):
    response = client.get(SEARCH, {"q": query} if isinstance(query, str) else query)
    assert response.status_code == status, response.get("Location")
    return response


def sections(response) -> dict[str, list[str]]:
    """Each kind's hits, by title, sorted: PostgreSQL ranks by relevance,
    SQLite lists the newest first, so the order is not compared here."""
    body = response.content.decode()
    found = {}
    for kind, section in re.findall(
        r'<section class="search-kind" aria-labelledby="kind-(\w+)">(.*?)</section>', body, re.S
    ):
        titles = re.findall(r'<p class="hit-title">(.*?)</p>', section)
        found[kind] = sorted(text(title) for title in titles)
    return found


def snippets(response) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.S)


def body_without_the_query(response, query: str) -> str:
    """The page less every place that echoes the query back (the title, the
    header's box, the form, the summary), so a word searched for can be
    checked for anywhere else."""
    return response.content.decode().replace(query, "")


# --- signing in, the empty search --------------------------------------------------


@pytest.mark.parametrize("url", [SEARCH, SEARCH + "?q=throttle", SEARCH + "?q=OPSG+25/01"])
def test_login_required(client, record, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_refused(client, record):
    assert login(client, "member").post(SEARCH, {"q": "throttle"}).status_code == 405


def test_the_empty_search_shows_the_form_only(client, record):
    login(client, "member")
    for response in (client.get(SEARCH), search(client, ""), search(client, "   ")):
        assert response.status_code == 200
        assert summary(response.content) == "" and sections(response) == {}
        assert '<form method="get" action="/search/"' in response.content.decode()


# --- each kind ----------------------------------------------------------------------


def test_finds_agenda_items(client, record):
    response = search(login(client, "member"), "throttle")
    assert sections(response)["item"] == [
        "OPSG 24 – item 4. Data service performance",
        "OPSG 25 – item 11. SECMP0067 Business Case",
    ]
    body = response.content.decode()
    assert '<a href="/committees/OPSG/meetings/25/#item-11">' in body
    assert '<a href="/committees/OPSG/meetings/24/#item-4">' in body


def test_finds_decisions(client, record):
    response = search(login(client, "member"), "business case")
    assert sections(response)["decision"] == ["OPSG 25 – item 11: the OPSG ENDORSED"]
    pk = record["decisions"]["secmp"].pk
    assert f'<a href="/committees/OPSG/meetings/25/#decision-{pk}">' in response.content.decode()


def test_finds_actions(client, record):
    response = search(login(client, "member"), "report alert")
    assert sections(response)["action"] == ["OPSG 25/01"]
    assert '<a href="/actions/opsg-25-01/">OPSG 25/01</a>' in response.content.decode()


def test_finds_incidents(client, record):
    response = search(login(client, "member"), "outage")
    assert sections(response) == {"incident": [f"{INC}: Alert throttling outage"]}
    assert f'<a href="/incidents/{INC}/">' in response.content.decode()
    assert "DSP · Open · 20 September 2019" in text(response.content.decode())


def test_finds_meetings(client, record):
    response = search(login(client, "member"), "Fenchurch")
    # Not the draft OPSG 26, nor TABASC's.
    assert sections(response) == {
        "meeting": [
            "OPSG 24 (Main meeting), 3 September 2019",
            "OPSG 25 (Main meeting), 1 October 2019",
            "OPSG 27 (Confidential session), 12 November 2019",
        ]
    }
    assert '<a href="/committees/OPSG/meetings/25/">' in response.content.decode()


def test_finds_people_who_attended_or_hold_a_role(client, record):
    login(client, "member")
    response = search(client, "peregrine")
    assert sections(response) == {"person": ["Peregrine Falcon (DCC)"]}
    assert '<a href="/committees/OPSG/meetings/24/#attendance">' in response.content.decode()
    assert "Last attended OPSG 24" in text(response.content.decode())
    response = search(client, "chris")
    assert sections(response) == {"person": ["Chris Chair (Large Supplier Co)"]}
    assert "Holds a role in your committee" in text(response.content.decode())


def test_mixed_results_in_one_page(client, record):
    response = search(login(client, "member"), "throttle")
    assert list(sections(response)) == ["item", "decision", "action", "incident"]
    assert sections(response)["decision"] == ["OPSG 25 – item 11: the OPSG NOTED"]


# --- stemming -------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["throttle", "throttling", "Throttled", "THROTTLES"])
def test_a_word_finds_its_other_forms(client, record, word):
    # OPSG 24 item 4 says "throttle", OPSG 25 item 11 "throttling".
    response = search(login(client, "member"), word)
    assert sections(response)["item"] == [
        "OPSG 24 – item 4. Data service performance",
        "OPSG 25 – item 11. SECMP0067 Business Case",
    ]
    assert sections(response)["action"] == ["OPSG 25/01"]  # "throttling"
    assert sections(response)["decision"] == ["OPSG 25 – item 11: the OPSG NOTED"]  # "throttle"


def test_every_word_must_match(client, record):
    login(client, "member")
    assert sections(search(client, "throttle network"))["item"] == [
        "OPSG 25 – item 11. SECMP0067 Business Case"
    ]
    assert NOTHING in summary(search(client, "throttle giraffe").content)


# --- snippets -------------------------------------------------------------------------


def test_matched_words_are_marked_in_the_snippet(client, record):
    response = search(login(client, "member"), "throttle")
    marked = [s for s in snippets(response) if "<mark>" in s]
    assert any("<mark>throttling</mark> of alerts" in s for s in marked)
    assert any("will <mark>throttle</mark> alert" in s for s in marked)
    # Every snippet shown marks what matched (the incident's, in its title).
    assert len(marked) == len(snippets(response)) == 5
    assert any("Alert <mark>throttling</mark> outage" in s for s in marked)


def test_html_in_a_narrative_is_escaped_in_snippets(client, world):
    meeting = make_meeting(world)
    make_item(meeting, "3", "Scripted", narrative="<script>alert(1)</script>quagga <b>bold</b>")
    make_item(meeting, "4", "Scripted too",
              narrative="Quagga notes. <img src=x onerror=alert(2)> More quagga.")  # fmt: skip
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    response = search(login(client, "member"), "quagga")
    assert len(sections(response)["item"]) == 2
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body and "<b>bold" not in body
    for snippet in snippets(response):
        assert "<mark>" in snippet
        assert "<" not in re.sub(r"</?mark>", "", snippet)  # no tag but <mark>


def test_html_in_the_query_is_escaped(client, record):
    response = search(login(client, "member"), "<script>alert(1)</script>")
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


def test_markdown_is_shown_as_plain_text(client, world):
    meeting = make_meeting(world)
    make_item(meeting, "3", "Formatted",
              narrative="## Heading\n\n- **Bold** kingfisher in `code` and a [link](https://x.org).")  # fmt: skip
    minutes_circulate(meeting=meeting, by=world.secretary.user)
    response = search(login(client, "member"), "kingfisher")
    (snippet,) = snippets(response)
    assert "<mark>kingfisher</mark>" in snippet
    for markup in ("**", "`", "##", "https://x.org", "]("):
        assert markup not in snippet


# --- exact references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, location",
    [
        ("OPSG 25/01", "/actions/opsg-25-01/"),
        ("opsg 25/1", "/actions/opsg-25-01/"),
        ("  OPSG  25/01 ", "/actions/opsg-25-01/"),
        ("OPSG 27/CONF 01", "/actions/opsg-27-conf-01/"),  # members read CONF actions
        (INC, f"/incidents/{INC}/"),
        (INC.lower(), f"/incidents/{INC}/"),
        ("SECMP0067", "/modifications/SECMP0067/"),
        ("secmp0067", "/modifications/SECMP0067/"),
        ("OPSG 25", "/committees/OPSG/meetings/25/"),
        ("OPSG_24", "/committees/OPSG/meetings/24/"),
        ("OPSG_24_0309", "/committees/OPSG/meetings/24/"),  # the document reference
    ],
)
def test_an_exact_reference_goes_to_its_page(client, record, query, location):
    response = search(login(client, "member"), query, status=302)
    assert response["Location"] == location
    assert client.get(location).status_code == 200


def test_an_outsider_jumps_to_what_they_may_see(client, record):
    login(client, "outsider")
    assert search(client, "OPSG 24", status=302)["Location"] == "/committees/OPSG/meetings/24/"
    # A modification is reference data, for anyone signed in.
    assert search(client, "SECMP0067", status=302)["Location"] == "/modifications/SECMP0067/"


@pytest.mark.parametrize(
    "username, query",
    [
        ("outsider", "OPSG 25/01"),  # another committee's action
        ("outsider", INC),  # reviewed in minutes they may not read
        ("outsider", "OPSG 25"),  # circulated, not published
        ("outsider", "OPSG 26"),  # a draft
        ("member", "OPSG 26"),  # a draft
        ("member", "OPSG 99"),  # no such meeting
        ("member", "OPSG 25/99"),  # no such action
        ("member", "INC000000000001"),  # no such incident
        ("member", "DP083"),  # no such modification
        ("member", "SECMP0099"),  # the form of one, but none is recorded
    ],
)
def test_no_jump_and_no_result_for_a_reference_the_user_may_not_see(
    client, record, username, query
):
    response = search(login(client, username), query)
    assert response.status_code == 200
    assert NOTHING in summary(response.content)
    assert sections(response) == {}


def test_observer_does_not_jump_to_a_confidential_action(client, record, observer):
    client.force_login(observer)
    response = search(client, "OPSG 27/CONF 01")
    assert NOTHING in summary(response.content)
    assert "ocelot" not in response.content.decode()


def test_a_reference_with_a_filter_is_searched_for_not_jumped_to(client, record):
    login(client, "member")
    response = search(client, {"q": "OPSG 25/01", "kind": "action"})
    assert sections(response) == {"action": ["OPSG 25/01"]}


# --- never shown to those not entitled ---------------------------------------------------------
#
# Each secret word lives only in something the user may not read; they search
# for a word that shares its sentence ("kestrel"), so the secret word would
# come back only in a result, a count or a snippet, never in the echoed query.


def test_a_draft_meetings_item_is_not_shown_to_a_member(client, record):
    login(client, "member")
    response = search(client, "kestrel")
    # The member reads item 4 and the confidential item 5 of OPSG 24, and the
    # confidential session's action; not OPSG 26's draft item or decision.
    assert sections(response) == {
        "item": [
            "OPSG 24 – item 4. Data service performance",
            "OPSG 24 – item 5. Security briefing",
        ],
        "action": ["OPSG 27/CONF 01"],
    }
    body = response.content.decode().lower()
    assert "aardvark" not in body and "draft business" not in body
    response = search(client, "aardvark")
    assert NOTHING in summary(response.content) and sections(response) == {}
    assert "kestrel" not in body_without_the_query(response, "aardvark")


def test_a_draft_meeting_is_found_by_the_secretary(client, record):
    response = search(login(client, "secretary"), "aardvark")
    assert sections(response) == {"item": ["OPSG 26 – item 3. Draft business"]}


def test_a_confidential_item_of_published_minutes_is_not_shown_to_an_observer(
    client, record, observer
):
    client.force_login(observer)
    response = search(client, "kestrel")
    assert sections(response) == {"item": ["OPSG 24 – item 4. Data service performance"]}
    assert summary(response.content) == "1 result for “kestrel”: 1 agenda item"
    body = response.content.decode().lower()
    assert "wombat" not in body and "security briefing" not in body
    response = search(client, "wombat")
    assert NOTHING in summary(response.content)
    assert "wombat" not in body_without_the_query(response, "wombat").lower()


def test_a_confidential_sessions_action_is_not_shown_to_an_observer(client, record, observer):
    client.force_login(observer)
    response = search(client, "kestrel")
    assert "action" not in sections(response)
    body = response.content.decode().lower()
    assert "ocelot" not in body and "conf 01" not in body
    response = search(client, "ocelot")
    assert NOTHING in summary(response.content)
    assert "ocelot" not in body_without_the_query(response, "ocelot").lower()


def test_a_draft_meetings_decision_is_not_shown_to_a_member(client, record):
    login(client, "member")
    response = search(client, "kestrel")
    assert "decision" not in sections(response)
    assert "narwhal" not in response.content.decode().lower()
    response = search(client, "narwhal")
    assert NOTHING in summary(response.content)
    assert "narwhal" not in body_without_the_query(response, "narwhal").lower()
    # The secretary reads it.
    response = search(login(client, "secretary"), "narwhal")
    assert sections(response) == {"decision": ["OPSG 26 – item 4: the OPSG AGREED"]}


def test_entitled_users_read_what_others_may_not(client, record):
    response = search(login(client, "member"), "wombat")
    assert sections(response) == {"item": ["OPSG 24 – item 5. Security briefing"]}
    response = search(client, "ocelot")
    assert sections(response) == {"action": ["OPSG 27/CONF 01"]}


def test_outsider_sees_nothing_of_another_committees_unpublished_minutes(client, record):
    login(client, "outsider")
    response = search(client, "throttle")
    # TABASC's own item, and OPSG 24's (published, publishable); not OPSG 25's
    # item, decision, action or incident.
    assert sections(response) == {
        "item": [
            "OPSG 24 – item 4. Data service performance",
            "TABASC 5 – item 2. Architecture throttling",
        ]
    }
    body = response.content.decode()
    for secret in ("SECMP0067 Business Case", "opsg-25-01", "Alert throttling", "settings review"):
        assert secret not in body


def test_people_seen_only_in_a_draft_are_not_found(client, record):
    login(client, "member")
    assert NOTHING in summary(search(client, "Dora").content)
    assert "Drafted" not in search(client, "Dora").content.decode()
    response = search(login(client, "secretary"), "Dora")
    assert sections(response) == {"person": ["Dora Drafted (SECAS)"]}


# --- filters -------------------------------------------------------------------------------


def test_kind_filter(client, record):
    login(client, "member")
    response = search(client, {"q": "throttle", "kind": "item"})
    assert list(sections(response)) == ["item"]
    assert len(sections(response)["item"]) == 2
    response = search(client, {"q": "throttle", "kind": "incident"})
    assert sections(response) == {"incident": [f"{INC}: Alert throttling outage"]}


def test_committee_filter(client, record):
    login(client, "outsider")
    response = search(client, {"q": "throttling", "committee": "TABASC"})
    assert sections(response) == {"item": ["TABASC 5 – item 2. Architecture throttling"]}
    response = search(client, {"q": "throttling", "committee": "OPSG"})
    assert sections(response) == {"item": ["OPSG 24 – item 4. Data service performance"]}


def test_committee_filter_counts_only_reviews_the_user_may_read(client, record):
    # A TABASC incident the outsider reads, reviewed also in OPSG's draft 26.
    tabasc5 = Meeting.objects.get(committee__code="TABASC")
    hiccup = Incident.objects.create(reference="INC000000000201", title="Gateway hiccup")
    IncidentReview.objects.create(incident=hiccup, item=make_item(tabasc5, "3", "Incidents"))
    IncidentReview.objects.create(incident=hiccup, item=record["m26"].items.get(number="3"))
    login(client, "outsider")
    assert sections(search(client, "hiccup")) == {"incident": ["INC000000000201: Gateway hiccup"]}
    response = search(client, {"q": "hiccup", "committee": "OPSG"})
    assert NOTHING in summary(response.content)


def test_committee_choices_are_those_the_user_may_read(client, record):
    login(client, "member")
    body = search(client, "x").content.decode()
    select = re.search(r'<select name="committee".*?</select>', body, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", select) == ["All committees", "OPSG"]
    response = search(client, {"q": "throttling", "committee": "TABASC"})
    assert "Committee: Select a valid choice." in text(response.content.decode())
    assert "Architecture throttling" not in response.content.decode()


def test_date_filter(client, record):
    login(client, "member")
    response = search(client, {"q": "throttle", "date_from": "2019-10-01"})
    # OPSG 25's item, decision and action; not OPSG 24's item (3 September)
    # nor the incident (it occurred on 20 September).
    assert sections(response) == {
        "item": ["OPSG 25 – item 11. SECMP0067 Business Case"],
        "decision": ["OPSG 25 – item 11: the OPSG NOTED"],
        "action": ["OPSG 25/01"],
    }
    response = search(client, {"q": "throttle", "date_to": "2019-09-30"})
    assert sections(response) == {
        "item": ["OPSG 24 – item 4. Data service performance"],
        "incident": [f"{INC}: Alert throttling outage"],
    }
    response = search(client, {"q": "throttle", "date_from": "2019-09-20", "date_to": "2019-09-20"})
    assert sections(response) == {"incident": [f"{INC}: Alert throttling outage"]}


def test_a_date_range_leaves_people_out(client, record):
    login(client, "member")
    assert sections(search(client, "peregrine")) == {"person": ["Peregrine Falcon (DCC)"]}
    response = search(client, {"q": "peregrine", "date_from": "2000-01-01"})
    assert NOTHING in summary(response.content)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"q": "throttle", "date_from": "notadate"}, "From: Enter a valid date."),
        ({"q": "throttle", "date_to": "2019-02-30"}, "Until: Enter a valid date."),
        (
            {"q": "throttle", "date_from": "2019-12-01", "date_to": "2019-01-01"},
            "Until: The end of the range is before its start.",
        ),
        ({"q": "throttle", "kind": "everything"}, "Kind: Select a valid choice."),
        ({"q": "throttle", "committee": "NOPE"}, "Committee: Select a valid choice."),
        ({"q": "x" * 201}, "Search for: Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_is_reported_not_a_500(client, record, query, message):
    login(client, "member")
    response = client.get(SEARCH, query)
    assert response.status_code == 200
    content = text(response.content.decode())
    assert "The search could not be read:" in content
    assert message in content
    assert sections(response) == {}


# --- the counts line and pages ---------------------------------------------------------------


def test_the_counts_line(client, record):
    response = search(login(client, "member"), "throttle")
    assert summary(response.content) == (
        "5 results for “throttle”: 2 agenda items · 1 decision · 1 action · 1 incident"
    )
    body = response.content.decode()
    assert '<a href="?q=throttle&amp;kind=item">2 agenda items</a>' in body
    assert '<a href="?q=throttle&amp;kind=incident">1 incident</a>' in body
    assert '<h2 id="kind-item">Agenda items <span class="count">(2)</span></h2>' in body


def test_the_counts_line_with_a_kind_chosen_offers_all_kinds(client, record):
    response = search(login(client, "member"), {"q": "throttle", "kind": "item"})
    assert summary(response.content) == "2 results for “throttle”: 2 agenda items (all kinds)"
    assert '(<a href="?q=throttle">all kinds</a>)' in response.content.decode()


def test_nothing_found(client, record):
    response = search(login(client, "member"), "zeppelin")
    assert summary(response.content) == "Nothing you can read matches “zeppelin”."
    assert sections(response) == {}


@pytest.fixture
def many_items(world):
    """25 agenda items of OPSG 25 (circulated) that speak of puffins."""
    meeting = make_meeting(world, number=25, date=D(2019, 10, 1))
    for n in range(1, 26):
        make_item(meeting, str(n), f"Puffin item {n}", narrative=f"Puffins counted: {n}.")
    minutes_circulate(meeting=meeting, by=world.secretary.user)


def test_the_mixed_page_shows_a_few_of_each_and_links_to_all(client, many_items):
    response = search(login(client, "member"), "puffin")
    assert len(sections(response)["item"]) == 5
    assert summary(response.content) == "25 results for “puffin”: 25 agenda items"
    assert '<a href="?q=puffin&amp;kind=item">All 25 agenda items</a>' in response.content.decode()
    assert "Page 1 of" not in response.content.decode()


def test_pages_of_results_with_a_kind_chosen(client, many_items):
    login(client, "member")
    first = search(client, {"q": "puffin", "kind": "item"})
    assert len(sections(first)["item"]) == 20
    body = first.content.decode()
    assert "Page 1 of 2 (results 1–20 of 25)" in body
    assert 'href="?q=puffin&amp;kind=item&amp;page=2" rel="next"' in body
    second = search(client, {"q": "puffin", "kind": "item", "page": "2"})
    assert len(sections(second)["item"]) == 5
    assert '<ol class="search-results" start="21">' in second.content.decode()
    assert "Page 2 of 2 (results 21–25 of 25)" in second.content.decode()
    # Every item once across the pages.
    titles = sections(first)["item"] + sections(second)["item"]
    assert sorted(titles) == sorted(f"OPSG 25 – item {n}. Puffin item {n}" for n in range(1, 26))
    # A page past the end is the last; one that is not a number, the first.
    assert (
        "Page 2 of 2"
        in search(client, {"q": "puffin", "kind": "item", "page": "9"}).content.decode()
    )
    assert (
        "Page 1 of 2"
        in search(client, {"q": "puffin", "kind": "item", "page": "x"}).content.decode()
    )


def test_past_the_cap_the_count_says_more_than_and_the_latest_come_first(
    client, many_items, monkeypatch
):
    """A common word is not counted (nor ranked) past COUNT_CAP matches."""
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    response = search(login(client, "member"), "puffin")
    assert summary(response.content) == (
        "More than 10 results for “puffin”: more than 10 agenda items"
    )
    body = response.content.decode()
    assert "More than 10 match, so the latest recorded are shown first." in body
    assert '<a href="?q=puffin&amp;kind=item">The latest 10 agenda items</a>' in body
    latest = sorted(f"OPSG 25 – item {n}. Puffin item {n}" for n in range(21, 26))
    assert sections(response)["item"] == latest  # sorted by title: see `sections`
    # With the kind chosen: pages of the latest recorded, as far as the cap.
    chosen = search(client, {"q": "puffin", "kind": "item"})
    assert (
        "More than 10 match, so the latest recorded are shown first, and only the first 10."
        in chosen.content.decode()
    )
    assert sections(chosen)["item"] == sorted(
        f"OPSG 25 – item {n}. Puffin item {n}" for n in range(16, 26)
    )


def test_at_the_cap_the_count_is_exact(client, many_items, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 25)
    response = search(login(client, "member"), "puffin")
    assert summary(response.content) == "25 results for “puffin”: 25 agenda items"
    assert "latest recorded" not in response.content.decode()


# --- a stale edit, and the database's own search columns ------------------------------------


def test_an_edited_narrative_is_found_by_its_new_words_only(client, world, record):
    item = AgendaItem.objects.get(meeting=record["m26"], number="3")
    login(client, "secretary")
    assert sections(search(client, "aardvark")) == {"item": ["OPSG 26 – item 3. Draft business"]}
    item_update(item=item, expected_version=None, narrative="The capybara plan was deferred.")
    assert NOTHING in summary(search(client, "aardvark").content)
    response = search(client, "capybara")
    assert sections(response) == {"item": ["OPSG 26 – item 3. Draft business"]}
    assert "<mark>capybara</mark>" in snippets(response)[0]
    # A new title is found too.
    item_update(item=item, expected_version=None, title="Gannet business")
    assert sections(search(client, "gannet")) == {"item": ["OPSG 26 – item 3. Gannet business"]}


def test_search_columns_are_kept_by_the_database(world):
    meeting = make_meeting(world)
    item = make_item(meeting, "3", "Throttling", narrative="Alerts were throttled.")
    decision = Decision.objects.create(item=item, verb="NOTED", text="the throttling.")
    vectors = {
        "item": AgendaItem.objects.values_list("search_vector", flat=True).get(pk=item.pk),
        "decision": Decision.objects.values_list("search_vector", flat=True).get(pk=decision.pk),
    }
    if connection.vendor == "postgresql":
        # Filled by the trigger on insert, stemmed in English.
        assert all(vectors.values()), vectors
        assert "'throttl'" in vectors["item"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
                ["meetings_agendaitem"],
            )
            indexes = dict(cursor.fetchall())
        assert "meetings_agendaitem_search_gin" in indexes
        assert "USING gin (search_vector)" in indexes["meetings_agendaitem_search_gin"]
        # And kept on update, whoever writes the row (here, a bulk update).
        AgendaItem.objects.filter(pk=item.pk).update(narrative="Now about gannets.")
        vector = AgendaItem.objects.values_list("search_vector", flat=True).get(pk=item.pk)
        assert "'gannet'" in vector
        assert re.search(r"'throttl':\d+A", vector)  # the title (weight A) still says it
    else:
        # SQLite has no trigger: the column stays empty and search reads the text.
        assert vectors == {"item": None, "decision": None}


# --- a fixed number of queries ---------------------------------------------------------------


def many_matches(world, count):
    """`count` agenda items, decisions, declarations of interest, actions and
    incidents of OPSG 25 (circulated) that say "kestrel", a meeting held at Kestrel House and a
    person called Kestrel who attended it."""
    meeting = make_meeting(world, number=25, date=D(2019, 10, 1), location="Kestrel House")
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            number=str(n),
            title=f"Item {n}",
            order=n,
            narrative=f"The kestrel report number {n}.",
        )  # fmt: skip
        for n in range(1, count + 1)
    )
    Decision.objects.bulk_create(
        Decision(item=item, verb="NOTED", text=f"the kestrel report {n}.")
        for n, item in enumerate(items)
    )
    Declaration.objects.bulk_create(
        Declaration(item=item, name="Mia Member", interest=f"A stake in kestrel farm {n}.")
        for n, item in enumerate(items)
    )
    actions = Action.objects.bulk_create(
        Action(
            committee=world.opsg,
            meeting_number=25,
            sequence=n,
            reference=format_reference("OPSG", 25, n, False),
            meeting=meeting,
            item=items[n - 1],
            text=f"DCC to check kestrel alarm {n}.",
            raised_on=meeting.date,
            target_date=D(2019, 11, 5),
        )
        for n in range(1, count + 1)
    )
    incidents = Incident.objects.bulk_create(
        Incident(reference=f"INC{n:012d}", title=f"Kestrel outage {n}", service_provider="DSP")
        for n in range(1, count + 1)
    )
    IncidentReview.objects.bulk_create(
        IncidentReview(incident=incident, item=items[0]) for incident in incidents
    )
    Incident.actions.through.objects.bulk_create(
        Incident.actions.through(incident_id=i.pk, action_id=a.pk)
        for i, a in zip(incidents, actions, strict=True)
    )
    kestrel = make_person("Kevin Kestrel", "kestrel", world.dcc)
    Attendance.objects.create(meeting=meeting, person=kestrel, section="participant")
    minutes_circulate(meeting=meeting, by=world.secretary.user)


# Queries a search for one word makes, however many rows match, in order:
#  1 the session, 2 the user, 3 the user's roles in every committee and the
#  classifications naming them (read once: meetings.access.committees_where),
#  4 which kinds have any row that matches, whoever may read it, and whether
#  any minutes are being corrected (one query for all; none are here, so the
#  versions kept for readers are not read); then each such kind's keys the
#  user may read (as far as COUNT_CAP) and its first five, fetched by key:
#  5–6 agenda items, 7–8 decisions, 9–10 declarations of interest, 11–12
#  actions (those the user owns asked inside: actions.filters.owned_by),
#  13–14 incidents, 15–16 meetings, 17–18 people (with where they last
#  attended); 19 the committees the form offers; 20 the agenda items
#  withheld from the user, for the rule of actions (and of incidents, read
#  through them: meetings.access.items_withheld).
SEARCH_QUERIES = 20
# A word only agenda items hold: the kinds without a match are not asked
# who may read what (4 tells), so 5–6 and 19 follow (no action is asked of).
ITEMS_ONLY_QUERIES = 7


@pytest.mark.parametrize("count", [3, 300])
def test_search_queries_do_not_grow_with_the_rows(client, world, django_assert_num_queries, count):
    many_matches(world, count)
    login(client, "member")
    with django_assert_num_queries(SEARCH_QUERIES):
        response = client.get(SEARCH, {"q": "kestrel"})
    assert response.status_code == 200
    found = sections(response)
    assert list(found) == [
        "item", "decision", "declaration", "action", "incident", "meeting", "person"
    ]  # fmt: skip
    assert [len(hits) for hits in found.values()] == [min(count, 5)] * 5 + [1, 1]
    assert summary(response.content).startswith(f"{5 * count + 2:,} results for “kestrel”")


@pytest.mark.parametrize("count", [3, 300])
def test_kinds_without_a_match_are_not_searched(client, world, django_assert_num_queries, count):
    many_matches(world, count)
    AgendaItem.objects.filter(number="1").update(narrative="The shearwater roost was counted.")
    login(client, "member")
    with django_assert_num_queries(ITEMS_ONLY_QUERIES):
        response = client.get(SEARCH, {"q": "shearwater"})
    assert {kind: len(hits) for kind, hits in sections(response).items()} == {"item": 1}


# Queries with one kind chosen: 1 session, 2 user, 3 the user's roles (read
# once), 4 the count of that kind, 5 its page of twenty, 6 the committees the
# form offers; for items and decisions + the minutes under correction read
# as kept; for actions and incidents (read through actions) + the agenda
# items withheld from the user (meetings.access.items_withheld).
KIND_QUERIES = 6


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize(
    "kind, expected",
    [
        ("item", KIND_QUERIES + 1),
        ("decision", KIND_QUERIES + 1),
        ("declaration", KIND_QUERIES),
        ("action", KIND_QUERIES + 1),
        ("incident", KIND_QUERIES + 1),
    ],
)
def test_search_of_one_kind_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count, kind, expected
):
    many_matches(world, count)
    login(client, "member")
    with django_assert_num_queries(expected):
        response = client.get(SEARCH, {"q": "kestrel", "kind": kind, "page": "2"})
    assert response.status_code == 200
    assert 0 < len(sections(response)[kind]) <= 20
