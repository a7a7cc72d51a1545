"""The action log (/actions/), "My actions" (?owner=mine) and the owners
summary (/actions/owners/): who sees what, every filter and sort, the counts
above the table, pagination, bad input, and a fixed number of queries.

Seen on Monday 23 November 2026; the data is described in log_data.py."""

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model

from actions import selectors
from actions.known import KnownFigures
from actions.models import Action, ActionReview
from actions.services import slip_summary
from meetings.models import CommitteeRole
from tests.actions.log_data import (
    TODAY,
    D,
    frozen,
    make_log,
    many_actions,
    page_rows,
    page_text,
    references,
    review,
    summary,
)
from tests.base import PASSWORD, circulate, login, make_meeting, make_person

pytestmark = pytest.mark.django_db

LOG = "/actions/"
OWNERS = "/actions/owners/"


@pytest.fixture(autouse=True)
def _today():
    with frozen():
        yield


@pytest.fixture
def log(world):
    return make_log(world)


def refs(client, query=""):
    response = client.get(LOG + query)
    assert response.status_code == 200
    return references(response.content)


# --- who sees what ------------------------------------------------------------


@pytest.mark.parametrize("url", [LOG, LOG + "?owner=mine", OWNERS])
def test_login_required(client, log, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_refused(client, log):
    login(client, "member")
    assert client.post(LOG).status_code == 405
    assert client.post(OWNERS).status_code == 405


def test_member_sees_every_open_action_of_their_committee(client, log):
    login(client, "member")
    # OPSG's open actions, confidential session included (members may read
    # it); not TABASC's; 10/01 is closed.
    assert refs(client) == [
        "OPSG 9/01",
        "OPSG 24/01",
        "OPSG 25/01",
        "OPSG 26/01",
        "OPSG 27/CONF 01",
    ]


def test_outsider_sees_none_of_a_committee_they_hold_no_role_in(client, log):
    login(client, "outsider")  # a member of TABASC only
    assert refs(client, "?status=all") == ["TABASC 5/01"]
    assert refs(client, "?q=OPSG&status=all") == []
    # OPSG is not among the committees they may choose: the filter is refused
    # (and said so), and OPSG's actions stay out of sight.
    response = client.get(LOG + "?committee=OPSG&status=all")
    assert references(response.content) == ["TABASC 5/01"]
    assert "Committee: Select a valid choice." in page_text(response)


def test_owner_without_a_role_sees_what_they_and_their_organisation_own(client, log):
    # Owen works for the DCC and holds no role: he sees the DCC's actions
    # and his own, not a confidential session's, even one the DCC owns.
    login(client, "owner")
    assert refs(client, "?status=all") == ["OPSG 9/01", "OPSG 24/01", "OPSG 25/01", "TABASC 5/01"]


def test_staff_see_everything(client, log, staff):
    client.force_login(staff)
    assert len(refs(client, "?status=all")) == 7


def test_a_login_without_a_role_or_actions_sees_an_empty_log(client, log):
    get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    login(client, "nobody")
    response = client.get(LOG)
    assert references(response.content) == []
    assert b"No actions match these filters." in response.content


def test_visible_actions_agrees_with_can_see_action(log, staff):
    from actions.access import can_see_action, visible_actions

    w = log.world
    users = [w.member.user, w.outsider.user, w.owner.user, w.secretary.user, staff]
    observer = make_person("Oscar Observer", "observer", w.dcc)
    CommitteeRole.objects.create(committee=w.opsg, person=observer, role="observer")
    users.append(observer.user)
    for user in users:
        user = get_user_model().objects.get(pk=user.pk)
        listed = set(visible_actions(user).values_list("reference", flat=True))
        one_by_one = {a.reference for a in Action.objects.all() if can_see_action(user, a)}
        assert listed == one_by_one, user.username


# --- the rows -------------------------------------------------------------------


def test_row_shows_reference_text_owners_dates_status_and_lateness(client, log):
    login(client, "member")
    rows = {row[0]: row for row in page_rows(client.get(LOG).content)}
    assert rows["OPSG 24/01"] == [
        "OPSG 24/01",
        "DCC to explain the scalability of the network.",
        "DCC, SECAS",
        "01/09/2026",
        "11/11/2026",
        "Open",
        "Overdue 12 days overdue",
        "1 time +36 days",
    ]
    assert rows["OPSG 9/01"][6:] == ["Overdue 632 days overdue", "3 times +14 days"]
    assert rows["OPSG 25/01"][1] == "CH Transition: Owen to confirm the firmware roll-out plan."
    assert rows["OPSG 25/01"][6] == "Due in 1 week"
    assert rows["OPSG 26/01"][4:7] == ["To be determined", "Open", "No date set"]
    assert rows["OPSG 26/01"][7] == "Never"


def test_reference_links_to_the_action_page(client, log):
    login(client, "member")
    content = client.get(LOG).content.decode()
    assert '<a href="/actions/opsg-24-01/">OPSG 24/01</a>' in content
    assert '<a href="/actions/opsg-27-conf-01/">OPSG 27/CONF 01</a>' in content


def test_overdue_rows_say_so_in_words(client, log):
    login(client, "member")
    content = client.get(LOG).content.decode()
    # Not colour alone: a marked row carries the word "Overdue" and the days.
    assert content.count('class="is-overdue"') == 2
    assert content.count('<strong class="late-badge">Overdue</strong>') == 2
    assert "12 days overdue" in content


def test_long_text_is_cut_short(client, log):
    log.a25.text = " ".join(["word"] * 60)
    log.a25.save()
    login(client, "member")
    rows = {row[0]: row for row in page_rows(client.get(LOG).content)}
    assert rows["OPSG 25/01"][1].endswith("word …")
    assert len(rows["OPSG 25/01"][1].split()) < 40


def test_closed_action_shows_outcome_and_when(client, log):
    login(client, "member")
    rows = {row[0]: row for row in page_rows(client.get(LOG + "?status=closed").content)}
    assert list(rows) == ["OPSG 10/01"]
    assert rows["OPSG 10/01"][5:7] == ["Closed Completed", "Closed 06/10/2026"]


def test_summary_counts_what_the_filter_selected(client, log):
    login(client, "member")
    assert summary(client.get(LOG).content) == "5 open, 2 overdue, 1 slipped more than twice"
    assert summary(client.get(LOG + "?status=all").content) == (
        "6 actions: 5 open, 2 overdue, 1 slipped more than twice"
    )
    assert summary(client.get(LOG + f"?owner=org-{log.world.secas.pk}").content) == (
        "1 open, 1 overdue, 0 slipped more than twice"
    )


def test_summary_numbers_link_to_the_log_filtered_to_them(client, log):
    login(client, "member")
    content = client.get(LOG + "?committee=OPSG").content.decode()
    assert 'href="/actions/?committee=OPSG&amp;status=open&amp;overdue=1">2 overdue' in content
    assert 'href="/actions/?committee=OPSG&amp;slipped=3">1 slipped' in content
    assert refs(client, "?committee=OPSG&slipped=3") == ["OPSG 9/01"]


def test_empty_state_links_to_clear_the_filters(client, log):
    login(client, "member")
    response = client.get(LOG + "?q=nothing-like-this")
    content = response.content.decode()
    assert "No actions match these filters." in content
    assert 'class="empty-state"' in content and '<a href="/actions/">Clear filters</a>' in content
    assert "<table" not in content


def test_export_links_carry_the_query_string(client, log):
    login(client, "member")
    content = client.get(LOG + "?committee=OPSG&sort=-target&page=1").content.decode()
    assert 'href="/actions/export.csv?committee=OPSG&amp;sort=-target"' in content
    assert 'href="/actions/export.xlsx?committee=OPSG&amp;sort=-target"' in content


def test_nav_links_to_the_log_and_my_actions(client, log):
    login(client, "member")
    content = client.get("/").content.decode()
    assert 'href="/actions/"' in content and 'href="/actions/?owner=mine"' in content


# --- filters ----------------------------------------------------------------------


def test_status_filter(client, log):
    login(client, "member")
    assert "OPSG 10/01" not in refs(client)
    assert refs(client, "?status=closed") == ["OPSG 10/01"]
    assert len(refs(client, "?status=all")) == 6
    # An empty status is the default, open.
    assert refs(client, "?status=") == refs(client)


def test_committee_filter(client, log, staff):
    client.force_login(staff)
    assert refs(client, "?committee=TABASC") == ["TABASC 5/01"]
    assert len(refs(client, "?committee=OPSG")) == 5


def test_owner_filter_organisation_and_person(client, log):
    w = log.world
    login(client, "member")
    assert refs(client, f"?owner=org-{w.dcc.pk}") == ["OPSG 9/01", "OPSG 24/01", "OPSG 27/CONF 01"]
    assert refs(client, f"?owner=org-{w.secas.pk}&status=all") == ["OPSG 10/01", "OPSG 24/01"]
    assert refs(client, f"?owner=person-{w.owner.pk}") == ["OPSG 25/01"]


def test_owner_choices_list_organisations_then_people(client, log):
    login(client, "member")
    content = client.get(LOG).content.decode()
    select = re.search(r'<select name="owner".*?</select>', content, re.S).group(0)
    labels = [html.unescape(label) for label in re.findall(r">([^<]+)</option>", select)]
    assert labels == [
        "Any owner",
        "Mine and my organisation's",
        "DCC",
        "SECAS",
        "Mia Member (Large Supplier Co)",
        "Owen Owner (DCC)",
    ]


def test_my_actions_are_mine_and_my_organisations(client, log):
    login(client, "owner")
    response = client.get(LOG + "?owner=mine")
    assert references(response.content) == [
        "OPSG 9/01",
        "OPSG 24/01",
        "OPSG 25/01",
        "TABASC 5/01",
    ]
    assert "<h1>My actions</h1>" in response.content.decode()


def test_my_actions_say_what_needs_an_update_before_the_next_meeting(client, log):
    from actions.models import OwnerUpdate

    OwnerUpdate.objects.create(
        action=log.a24,
        submitted_by=log.world.owner.user,
        submitted_at=datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC),
        text="Analysis done; report next month.",
    )
    login(client, "owner")
    response = client.get(LOG + "?owner=mine")
    content = " ".join(response.content.decode().split())
    # OPSG 26 announced the next meeting: 8 December 2026 (35 days on).
    assert (
        "<strong>OPSG</strong> next meets on Tuesday 8 December 2026: "
        "2 of your 3 open actions need an update before then."
    ) in content
    assert "<strong>TABASC</strong> next meets on Tuesday 17 November 2026" not in content
    assert "<strong>TABASC</strong> has no next meeting scheduled yet" in content
    rows = {row[0]: row for row in page_rows(response.content)}
    assert rows["OPSG 24/01"][6].endswith("Update sent")
    assert rows["OPSG 25/01"][6].endswith("Update needed by 08/12/2026")


def test_my_actions_for_a_login_without_a_person(client, log):
    get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    login(client, "nobody")
    response = client.get(LOG + "?owner=mine")
    assert response.status_code == 200
    assert b"not linked to a person" in response.content
    assert references(response.content) == []


def test_member_with_no_actions_of_their_own(client, log):
    log.a26.owners.all().delete()
    login(client, "member")
    response = client.get(LOG + "?owner=mine")
    assert b"No actions match these filters." in response.content
    assert b'<a href="/actions/?owner=mine">Clear filters</a>' in response.content


def test_overdue_only(client, log):
    login(client, "member")
    assert refs(client, "?overdue=1") == ["OPSG 9/01", "OPSG 24/01"]
    assert refs(client, "?overdue=on&status=all") == ["OPSG 9/01", "OPSG 24/01"]


def test_due_within_working_days(client, log):
    login(client, "member")
    # Monday 23rd + 5 working days = Monday 30th: 25/01 is due then, the
    # confidential one on Tuesday 1 December is a day further.
    assert refs(client, "?due_within=5") == ["OPSG 25/01"]
    assert refs(client, "?due_within=6") == ["OPSG 25/01", "OPSG 27/CONF 01"]
    assert refs(client, "?due_within=0") == []


def test_due_within_skips_bank_holidays(client, log):
    # From Monday 23 November, the 24th working day is Tuesday 29 December:
    # Christmas Day (Friday) and Boxing Day's substitute (Monday 28th) do not count.
    Action.objects.filter(pk=log.a25.pk).update(target_date=D(2026, 12, 29))
    login(client, "member")
    assert "OPSG 25/01" not in refs(client, "?due_within=23")
    assert "OPSG 25/01" in refs(client, "?due_within=24")


def test_raised_at_meeting(client, log):
    login(client, "member")
    assert refs(client, "?meeting=OPSG+24") == ["OPSG 24/01"]
    assert refs(client, "?meeting=opsg-24") == ["OPSG 24/01"]
    assert refs(client, "?meeting=OPSG_10&status=all") == ["OPSG 10/01"]
    assert refs(client, "?meeting=OPSG+99") == []


def test_raised_at_a_meeting_older_than_those_kept(client, log):
    # Like OPSG 11/02, first seen here under review: no meeting of its own.
    Action.objects.filter(pk=log.a9.pk).update(meeting=None)
    login(client, "member")
    assert refs(client, "?meeting=OPSG+9") == ["OPSG 9/01"]


def test_raised_between_dates(client, log):
    login(client, "member")
    assert refs(client, "?raised_after=2026-10-01&raised_before=2026-11-03") == [
        "OPSG 25/01",
        "OPSG 26/01",
    ]
    # The British way of writing dates is read too.
    assert refs(client, "?raised_before=14/01/2025") == ["OPSG 9/01"]


def test_due_between_dates(client, log):
    login(client, "member")
    assert refs(client, "?due_after=2026-11-11&due_before=2026-11-30") == [
        "OPSG 24/01",
        "OPSG 25/01",
    ]
    assert refs(client, "?due_before=2025-12-31&status=all") == ["OPSG 9/01"]


def test_slipped_at_least(client, log):
    login(client, "member")
    assert refs(client, "?slipped=1") == ["OPSG 9/01", "OPSG 24/01"]
    assert refs(client, "?slipped=2") == ["OPSG 9/01"]
    assert refs(client, "?slipped=4") == []
    assert len(refs(client, "?slipped=0")) == 5


def test_free_text_over_reference_and_text(client, log):
    login(client, "member")
    assert refs(client, "?q=24/01") == ["OPSG 24/01"]
    assert refs(client, "?q=scalability") == ["OPSG 24/01"]
    assert refs(client, "?q=SCALABILITY") == ["OPSG 24/01"]
    assert refs(client, "?q=27/CONF") == ["OPSG 27/CONF 01"]
    # Whole words: "conf" is a word of OPSG 27/CONF 01's reference, not of "confirm".
    assert refs(client, "?q=conf") == ["OPSG 27/CONF 01"]
    assert refs(client, "?q=confirm") == ["OPSG 25/01"]
    assert refs(client, "?q=OPSG 2") == [r for r in refs(client) if r.startswith("OPSG 2")]
    assert refs(client, "?q=4/01") == []  # no word of "OPSG 24/01" starts so
    assert refs(client, "?q=transition") == ["OPSG 25/01"]  # the topic
    assert refs(client, "?q=+++") == refs(client)


def test_filters_combine(client, log):
    login(client, "member")
    w = log.world
    assert refs(client, f"?owner=org-{w.dcc.pk}&overdue=1&slipped=2") == ["OPSG 9/01"]


# --- sorting ---------------------------------------------------------------------


def test_reference_sort_is_natural(client, world):
    """24/02 before 24/10 before 25/01; 9/01 before 10/01 (as text, "10" < "9");
    a meeting's ordinary actions before its confidential session's."""
    m9 = make_meeting(world, number=9, date=D(2026, 1, 6))
    m10 = make_meeting(world, number=10, date=D(2026, 2, 3))
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    m25 = make_meeting(world, number=25, date=D(2026, 10, 6))
    m26 = make_meeting(world, number=26, date=D(2026, 11, 3), kind="confidential")
    circulate(m9, m10, m24, m25, m26)
    from actions.services import action_raise

    for meeting, count in ((m25, 1), (m26, 1), (m24, 10), (m10, 1), (m9, 1)):
        for _ in range(count):
            action_raise(meeting=meeting, item=None, owners=[world.dcc], text="DCC to act.")
    login(client, "member")
    expected = ["OPSG 9/01", "OPSG 10/01"] + [f"OPSG 24/{n:02d}" for n in range(1, 11)]
    expected += ["OPSG 25/01", "OPSG 26/CONF 01"]
    assert refs(client) == expected
    assert refs(client, "?sort=reference") == expected
    assert refs(client, "?sort=-reference") == expected[::-1]


def test_sort_by_target_date_dates_first_then_notes(client, log):
    login(client, "member")
    assert refs(client, "?sort=target") == [
        "OPSG 9/01",
        "OPSG 24/01",
        "OPSG 25/01",
        "OPSG 27/CONF 01",
        "OPSG 26/01",  # To be determined
    ]
    assert refs(client, "?sort=-target") == [
        "OPSG 27/CONF 01",
        "OPSG 25/01",
        "OPSG 24/01",
        "OPSG 9/01",
        "OPSG 26/01",
    ]


def test_sort_by_date_raised(client, log):
    login(client, "member")
    order = ["OPSG 9/01", "OPSG 24/01", "OPSG 25/01", "OPSG 26/01", "OPSG 27/CONF 01"]
    assert refs(client, "?sort=raised") == order
    assert refs(client, "?sort=-raised") == order[::-1]


def test_sort_by_owner(client, log):
    login(client, "member")
    # By the first owner's name; ties in reference order.
    assert refs(client, "?sort=owner") == [
        "OPSG 9/01",  # DCC
        "OPSG 24/01",  # DCC, SECAS
        "OPSG 27/CONF 01",  # DCC
        "OPSG 26/01",  # Mia Member
        "OPSG 25/01",  # Owen Owner
    ]
    assert refs(client, "?sort=-owner") == [
        "OPSG 25/01",
        "OPSG 26/01",
        "OPSG 9/01",
        "OPSG 24/01",
        "OPSG 27/CONF 01",
    ]


def test_sort_by_days_overdue(client, log):
    login(client, "member")
    assert refs(client, "?sort=-overdue")[:2] == ["OPSG 9/01", "OPSG 24/01"]
    assert refs(client, "?sort=overdue") == [
        "OPSG 25/01",
        "OPSG 26/01",
        "OPSG 27/CONF 01",
        "OPSG 24/01",
        "OPSG 9/01",
    ]


def test_sort_by_slips(client, log):
    login(client, "member")
    assert refs(client, "?sort=-slips")[:2] == ["OPSG 9/01", "OPSG 24/01"]


def test_sort_headings_link_to_the_other_direction(client, log):
    login(client, "member")
    content = client.get(LOG + "?sort=target&owner=mine&page=1").content.decode()
    assert (
        '<th scope="col" aria-sort="ascending"><a href="?sort=-target&amp;owner=mine">' in content
    )
    assert '<a href="?sort=reference&amp;owner=mine">Reference</a>' in content


# --- pagination and bad input ---------------------------------------------------------


@pytest.fixture
def long_log(world):
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    make_meeting(world, number=25, date=D(2026, 10, 6))
    make_meeting(world, number=26, date=D(2026, 11, 3))
    return many_actions(world, m24, 120)


def test_pages_of_fifty_with_links_that_keep_the_filters(client, long_log):
    login(client, "member")
    first = client.get(LOG + "?committee=OPSG&sort=target")
    assert len(references(first.content)) == 50
    content = first.content.decode()
    assert "Page 1 of 3 (actions 1–50 of 120)" in content
    assert 'href="?committee=OPSG&amp;sort=target&amp;page=2" rel="next"' in content
    last = client.get(LOG + "?committee=OPSG&sort=target&page=3")
    assert len(references(last.content)) == 20
    # Every row once, in one order, across the pages.
    seen = (
        references(first.content)
        + references(client.get(LOG + "?committee=OPSG&sort=target&page=2").content)
        + references(last.content)
    )
    assert len(set(seen)) == 120
    targets = [Action.objects.get(reference=r).target_date for r in seen]
    assert targets == sorted(targets)


@pytest.mark.parametrize(
    "page, shown", [("999", 3), ("abc", 1), ("0", 3), ("-1", 3), ("", 1), ("2", 2)]
)
def test_out_of_range_page_gives_the_first_or_last_page(client, long_log, page, shown):
    login(client, "member")
    response = client.get(LOG + f"?page={page}")
    assert response.status_code == 200
    assert f"Page {shown} of 3" in response.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ("due_within=abc", "Due within (working days): Enter a whole number."),
        ("due_within=-3", "Ensure this value is greater than or equal to 0."),
        ("due_within=99999", "Ensure this value is less than or equal to 260."),
        ("slipped=1.5", "Slipped at least (times): Enter a whole number."),
        ("raised_after=yesterday", "Raised from: Enter a valid date."),
        ("due_before=2026-02-30", "Due until: Enter a valid date."),
        ("sort=colour", "Sort by: Select a valid choice."),
        ("status=maybe", "Status: Select a valid choice."),
        ("owner=org-999999", "Owner: Select a valid choice."),
        ("owner=robert'); drop table--", "Owner: Select a valid choice."),
        ("committee=NOPE", "Committee: Select a valid choice."),
        ("meeting=abc", "Raised at meeting: Give the meeting as its committee and number"),
    ],
)
def test_bad_filter_input_is_reported_and_left_out(client, log, query, message):
    login(client, "member")
    response = client.get(LOG + "?" + query)
    assert response.status_code == 200
    content = page_text(response)
    assert "Some filters could not be read and were left out" in content
    assert message in content
    # The rest of the log still shows, as if that filter were absent.
    if not query.startswith("status"):
        assert len(references(response.content)) == 5


def test_bad_input_on_exports_and_owners_is_not_a_500(client, log):
    login(client, "member")
    for url in (
        "/actions/export.csv?due_within=abc&sort=zzz&page=999",
        "/actions/export.xlsx?committee=NOPE&raised_after=x",
        OWNERS + "?committee=NOPE",
    ):
        assert client.get(url).status_code == 200, url


# --- slips: the stored figures and the Python say the same ------------------------------


def test_stored_slips_match_the_review_property(world):
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    m25 = make_meeting(world, number=25, date=D(2026, 10, 6))
    cases = [
        # (last, revised, status, slipped?)
        (D(2026, 10, 1), D(2026, 11, 1), "open", True),
        (D(2026, 10, 1), D(2026, 11, 1), "closed", True),  # moved, then closed
        (D(2026, 10, 1), D(2026, 9, 20), "open", False),  # brought forward
        (D(2026, 10, 1), D(2026, 10, 1), "open", False),
        ("To be determined", D(2026, 11, 1), "open", False),
        (D(2026, 10, 1), "To be determined", "open", True),
        (D(2026, 10, 1), "To be determined", "closed", False),
        (D(2026, 10, 1), "N/A", "open", False),
        (D(2026, 10, 1), "n/a", "open", False),
        (D(2026, 10, 1), "", "open", False),
        ("", "", "closed", False),
        (None, "Revised date to be determined by DCC", "open", True),
    ]
    from actions.services import action_raise

    reviews = []
    for last, revised, status, _ in cases:
        action = action_raise(meeting=m24, item=None, owners=[world.dcc], text="DCC to act.")
        reviews.append(review(action, m25, last, revised, status=status))
    assert [r.slipped for r in reviews] == [case[3] for case in cases]
    # One review per action: the log's slip filter finds those whose review slipped.
    in_sql = set(Action.objects.filter(times_slipped__gte=1).values_list("pk", flat=True))
    assert in_sql == {r.action_id for r in reviews if r.slipped}


def test_stored_slips_match_slip_summary(log):
    annotated = Action.objects.annotate(**KnownFigures({}).annotations()).annotate(
        **selectors.log_annotations(TODAY)
    )
    assert annotated.count() == 7
    for action in annotated:
        assert (action.times_slipped, action.days_slipped) == slip_summary(
            list(action.reviews.all())
        )
        assert action.days_overdue == Action.objects.get(pk=action.pk).days_overdue(TODAY)
    a9 = annotated.get(pk=log.a9.pk)
    assert (a9.times_slipped, a9.days_slipped, a9.days_overdue) == (3, 14, 632)


# --- owners summary --------------------------------------------------------------------


def test_owners_summary(client, log):
    login(client, "member")
    response = client.get(OWNERS)
    assert response.status_code == 200
    rows = owner_rows(response.content)
    # Per owner of the open actions the member sees (OPSG's), most overdue first.
    assert rows == [
        # owner, open, overdue, average days overdue, slipped once or more, times slipped
        ["DCC", "3", "2", "322", "2", "4"],  # (632 + 12) / 2
        ["SECAS", "1", "1", "12", "1", "1"],
        ["Mia Member (person)", "1", "0", "—", "0", "0"],
        ["Owen Owner (person)", "1", "0", "—", "0", "0"],
    ]


def test_owners_summary_numbers_link_to_the_filtered_log(client, log):
    login(client, "member")
    dcc = log.world.dcc.pk
    content = client.get(OWNERS + "?committee=OPSG").content.decode()
    links = {
        "open": f"/actions/?committee=OPSG&amp;owner=org-{dcc}",
        "overdue": f"/actions/?committee=OPSG&amp;owner=org-{dcc}&amp;overdue=1",
        "slipped": f"/actions/?committee=OPSG&amp;owner=org-{dcc}&amp;slipped=1",
    }
    for link in links.values():
        assert f'href="{link}"' in content
    # Following a link lists as many actions as the number said.
    assert refs(client, links["open"].replace("&amp;", "&")[len(LOG) :]) == [
        "OPSG 9/01",
        "OPSG 24/01",
        "OPSG 27/CONF 01",
    ]
    assert len(refs(client, links["overdue"].replace("&amp;", "&")[len(LOG) :])) == 2
    assert len(refs(client, links["slipped"].replace("&amp;", "&")[len(LOG) :])) == 2


def test_owners_summary_by_committee_and_for_an_outsider(client, log):
    login(client, "outsider")
    rows = owner_rows(client.get(OWNERS).content)
    assert rows == [["DCC", "1", "1", "7", "0", "0"]]
    # OPSG is not a committee the outsider can choose.
    response = client.get(OWNERS + "?committee=OPSG")
    assert response.status_code == 200
    assert owner_rows(response.content) == rows


def test_owners_summary_empty(client, world):
    login(client, "member")
    response = client.get(OWNERS)
    assert b"No open actions" in response.content


def owner_rows(content: bytes) -> list[list[str]]:
    from tests.actions.log_data import _CELL, _ROW, text

    match = re.search(
        r'<table class="data owners-summary">.*?<tbody>(.*?)</tbody>', content.decode(), re.S
    )
    if not match:
        return []
    return [[text(c) for c in _CELL.findall(row)] for row in _ROW.findall(match.group(1))]


# --- a fixed number of queries ----------------------------------------------------------


def build(world, count):
    """`count` actions of OPSG raised at OPSG 24 and reviewed at 25 and 26."""
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    make_meeting(world, number=25, date=D(2026, 10, 6))
    make_meeting(world, number=26, date=D(2026, 11, 3))
    return many_actions(world, m24, count)


# Queries every log page makes, for a member:
#  1 the session, 2 the user, 3 the user's roles in every committee (with
#  the committees' codes, which the committee filter offers) and the
#  classifications naming them (read once: meetings.access.committees_where),
#  4 the agenda items withheld from them (meetings.access.items_withheld:
#  none here) and, in the same query, the meetings whose reviews they may
#  not all read (actions.known: none here, so nothing more is asked of what
#  they may know; actions.access.visible_and_known), 5 the organisations
#  and people who own actions (the owner choices), 6 the counts above the
#  table, 7 the page of actions, 8 their owners. The user's own person
#  (which actions are theirs) is asked inside the queries, not read first.
PAGE_QUERIES = 8

COMBOS = [
    ("", PAGE_QUERIES),
    ("?status=all&sort=-overdue", PAGE_QUERIES),
    ("?sort=owner&overdue=1&page=2", PAGE_QUERIES),
    ("?sort=-slips&slipped=1&q=report", PAGE_QUERIES),
    ("?sort=target&due_within=200&owner=org-{dcc}", PAGE_QUERIES),
    ("?sort=-raised&raised_after=2026-01-01&due_before=2027-12-31", PAGE_QUERIES),
    # The committee asked for is checked against the committees offered.
    ("?committee=OPSG&sort=-reference", PAGE_QUERIES),
    # An owner holding no role: no items withheld are asked (no action is
    # shown them through a committee), the meetings alone; + the user's
    # person (whether the login is linked to one), the open actions per
    # committee without an update, the committees' next meetings ("My
    # actions").
    ("?owner=mine&sort=overdue", PAGE_QUERIES + 3),
]


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize("query, expected", COMBOS)
def test_log_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count, query, expected
):
    build(world, count)
    login(client, "owner" if "mine" in query else "member")
    url = LOG + query.format(dcc=world.dcc.pk)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert 0 < len(references(response.content)) <= min(count, 50)


@pytest.mark.parametrize("count", [3, 300])
def test_a_draft_reviewing_every_action_costs_two_queries_more(
    client, world, django_assert_num_queries, count
):
    """Every action reviewed in minutes still a draft: the member's view of
    each is worked out again from the reviews they may read, in two queries
    more (the reviews hidden from them at the draft, every review of those
    actions), whatever their number."""
    actions = build(world, count)
    draft = make_meeting(world, number=27, date=D(2026, 12, 1))
    ActionReview.objects.bulk_create(
        ActionReview(
            action=a,
            meeting=draft,
            status="closed",
            update="Drafted.",
            last_target_date=a.target_date,
        )
        for a in actions
    )
    login(client, "member")
    with django_assert_num_queries(PAGE_QUERIES + 2):
        response = client.get(LOG)
    assert 0 < len(references(response.content)) <= min(count, 50)  # still open, to them


@pytest.mark.parametrize("count", [3, 300])
def test_owners_summary_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count
):
    build(world, count)
    login(client, "member")
    # 1 session, 2 user, 3 the user's roles, 4 the agenda items withheld
    # from them (meetings.access.items_withheld) with the meetings whose
    # reviews they may not all read (actions.known), in one query
    # (actions.access.visible_and_known), 5 the summary grouped by owner,
    # 6 the committees offered.
    with django_assert_num_queries(6):
        response = client.get(OWNERS)
    assert len(owner_rows(response.content)) == 3


def test_the_text_filter_matches_whole_words_not_inside_them(client, world):
    """ "SSI" is an acronym; "possible" holds its letters and is no match."""
    from actions.services import action_raise
    from tests.base import make_meeting

    meeting = make_meeting(world, number=30)
    action_raise(meeting=meeting, item=None, owners=[world.dcc], text="DCC to test SSI access.")
    action_raise(meeting=meeting, item=None, owners=[world.dcc], text="As soon as possible.")
    action_raise(meeting=meeting, item=None, owners=[world.dcc], text="The SSI's report (SSI).")
    login(client, "secretary")
    assert refs(client, "?q=SSI") == ["OPSG 30/01", "OPSG 30/03"]
    assert refs(client, "?q=ssi access") == ["OPSG 30/01"]
    assert refs(client, "?q=possible") == ["OPSG 30/02"]
    assert refs(client, "?q=OPSG 30/0") == ["OPSG 30/01", "OPSG 30/02", "OPSG 30/03"]
    assert refs(client, "?q=(SSI") == [
        "OPSG 30/03"
    ]  # what a regular expression would read as its own


def test_a_row_escapes_what_was_typed(client, world):
    """The rows are written in one pass (actions.log_rows): the topic, the
    text, an owner's name and a target note are escaped as the template
    escaped them."""
    from actions.services import action_raise

    world.dcc.short_name = "D&C <Co>"
    world.dcc.save()
    meeting = make_meeting(world, number=30)
    action_raise(
        meeting=meeting,
        item=None,
        owners=[world.dcc],
        topic='<i>"Keys"</i>',
        text="Check <script>alert('x')</script> & report.",
        target_note="<b>TBC</b>",
    )
    login(client, "secretary")
    content = client.get(LOG).content.decode()
    assert "<script>" not in content and "<i>" not in content and "<b>TBC" not in content
    assert "<strong>&lt;i&gt;&quot;Keys&quot;&lt;/i&gt;:</strong> " in content
    assert "Check &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; report." in content
    assert "D&amp;C &lt;Co&gt;" in content
    assert "&lt;b&gt;TBC&lt;/b&gt;" in content
