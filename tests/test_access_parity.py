"""Each "who may read X" rule is written once, as a queryset, and its check
for one object asks that queryset. This test holds the two together over
every kind of protected object × every role × every classification × every
state of the minutes × an ordinary meeting and a confidential session, so a
later rewrite of either side cannot drift from the other unnoticed."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from actions.access import can_see_action, can_see_review, visible_actions, visible_reviews
from actions.models import ActionReview
from actions.services import action_review_record
from meetings.access import (
    can_read_item,
    can_see_meeting,
    reader_for,
    record_for_user,
    rule_keys,
    visible_items,
    visible_meetings,
    visible_records,
)
from meetings.models import CommitteeRole, Meeting
from minutes.services import minutes_revise
from tests.base import (
    make_action,
    make_item,
    make_meeting,
    make_named_classification,
    make_person,
)

pytestmark = pytest.mark.django_db

# "correcting …": approved or published minutes reopened for a correction
# (Meeting.record keeps what readers had), the correction raising an action.
STATES = [
    "draft",
    "circulated",
    "approved",
    "published",
    "correcting approved",
    "correcting published",
]
KINDS = [Meeting.Kind.MAIN, Meeting.Kind.CONFIDENTIAL]


@pytest.fixture
def matrix(world, staff):
    w = world
    red = make_named_classification(w.member)
    observer = make_person("Otto Observer", "observer")
    CommitteeRole.objects.create(committee=w.opsg, person=observer, role="observer")
    classifications = [w.white_2019, w.white_2021, w.amber, red]
    earlier = make_meeting(w, number=1, date=datetime.date(2019, 1, 8))
    older = make_action(w, earlier, text="Raised before everything.")
    then = datetime.datetime(2019, 1, 9, tzinfo=datetime.UTC)
    Meeting.objects.filter(pk=earlier.pk).update(
        status="published", circulated_at=then, approved_at=then, published_at=then
    )
    number = 10
    for classification, state, kind in itertools.product(classifications, STATES, KINDS):
        number += 1
        meeting = make_meeting(
            w,
            number=number,
            date=datetime.date(2019, 2, 1) + datetime.timedelta(days=number),
            classification=classification,
            kind=kind,
        )
        plain = make_item(meeting, "1", "Plain")
        secret = make_item(meeting, "2", "In confidence", confidential=True)
        narrow = make_item(meeting, "3", "Classified", classification=red)
        for item in (plain, secret, narrow):
            make_action(w, meeting, text=f"Under {item.title}", item=item)
        make_action(w, meeting, text="Owned by SECAS", owners=[w.secas], item=plain)
        action_review_record(action=older, meeting=meeting, update="Reviewed.", status="open")
        now = datetime.datetime(2019, 6, 1, tzinfo=datetime.UTC)
        stamps = {
            "circulated": dict(circulated_at=now),
            "approved": dict(circulated_at=now, approved_at=now),
            "published": dict(circulated_at=now, approved_at=now, published_at=now),
        }
        status = state.removeprefix("correcting ")
        Meeting.objects.filter(pk=meeting.pk).update(status=status, **stamps.get(status, {}))
        if state.startswith("correcting"):
            meeting.refresh_from_db()
            minutes_revise(meeting=meeting, reason="A correction.", by=w.chair.user)
            make_action(w, meeting, text="Raised by the correction", item=plain)
    users = [AnonymousUser(), staff, w.outsider.user, observer.user]
    users += [p.user for p in (w.secretary, w.chair, w.member, w.owner)]
    return users


def _user(user):
    """A fresh user object per check, so no cached roles carry over."""
    if not user.is_authenticated:
        return AnonymousUser()
    return type(user).objects.get(pk=user.pk)


def can_read_record(user, meeting) -> bool:
    try:
        return record_for_user(user, meeting.committee.code, meeting.number) == meeting
    except Http404:
        return False


def test_meetings_items_actions_and_reviews_agree_with_their_querysets(matrix):
    from actions.models import Action
    from meetings.models import AgendaItem

    problems = []
    kinds = [
        ("meeting", Meeting.objects.all(), visible_meetings, can_see_meeting),
        ("record", Meeting.objects.select_related("committee"), visible_records, can_read_record),
        ("item", AgendaItem.objects.all(), visible_items, can_read_item),
        ("action", Action.objects.all(), visible_actions, can_see_action),
        ("review", ActionReview.objects.all(), visible_reviews, can_see_review),
    ]
    for user in matrix:
        name = user.get_username() or "anonymous"
        for kind, objects, readable, can_read in kinds:
            listed = set(readable(_user(user)).values_list("pk", flat=True))
            for obj in objects:
                if can_read(_user(user), obj) != (obj.pk in listed):
                    problems.append(f"{kind} {obj} for {name}")
    assert not problems, "\n".join(problems)


def test_what_the_minutes_page_shows_of_an_item_agrees_with_visible_items(matrix):
    """The minutes page decides an item's content with the reader of its
    committee (meetings.access.reader_for): for every meeting the user may
    read, exactly its items in visible_items are shown."""
    problems = []
    for user in matrix:
        user = _user(user)
        readable_items = set(visible_items(user).values_list("pk", flat=True))
        for meeting in visible_meetings(user).select_related("committee"):
            items = list(meeting.items.all())
            shown = reader_for(user, meeting.committee).readable(items)
            expected = {item.pk for item in items if item.pk in readable_items}
            if shown != expected:
                problems.append(f"{meeting} for {user.get_username() or 'anonymous'}")
    assert not problems, "\n".join(problems)


def test_the_matrix_has_something_on_each_side(matrix):
    """The parity above means something only if each role reads some and not all."""
    member = _user(matrix[6])
    observer = _user(matrix[3])
    assert 0 < visible_meetings(observer).count() < Meeting.objects.count()
    assert 0 < visible_reviews(member).count() < ActionReview.objects.count()
    assert visible_reviews(observer).count() < visible_reviews(member).count()
    # While minutes are corrected, readers keep them; the writers read the draft.
    correcting = Meeting.objects.filter(record__isnull=False)
    assert correcting.count() == 16
    assert not visible_meetings(member).filter(pk__in=correcting).exists()
    assert visible_records(member).filter(pk__in=correcting).count() == 16


def test_a_rule_compiled_once_selects_what_it_selects_nested(matrix):
    """A rule kept for the request and compiled once (meetings.access.rule_keys)
    filters another query to the same rows as the rule's queryset nested
    there, and excludes the same, for every user (one who may read nothing
    included)."""
    from meetings.models import AgendaItem

    problems = []
    for user in matrix:
        user = _user(user)
        for model, rule in [(Meeting, visible_meetings), (AgendaItem, visible_items)]:
            nested = set(model.objects.filter(pk__in=rule(user)).values_list("pk", flat=True))
            keys = rule_keys(user, rule)
            compiled = set(model.objects.filter(pk__in=keys).values_list("pk", flat=True))
            left = set(model.objects.exclude(pk__in=keys).values_list("pk", flat=True))
            if (
                compiled != nested
                or left != set(model.objects.values_list("pk", flat=True)) - nested
            ):
                problems.append(f"{rule.__name__} for {user.get_username() or 'anonymous'}")
    assert not problems, "\n".join(problems)


def test_a_rule_kept_for_the_request_is_copied_for_each_caller(matrix):
    """visible_items is built once per user object (the request's) and each
    caller gets a copy to narrow; another user object reads roles afresh."""
    user = _user(matrix[6])  # a member
    first = visible_items(user)
    assert first.query is not visible_items(user).query
    narrowed = set(first.filter(meeting__number=-1).values_list("pk", flat=True))
    assert not narrowed
    assert visible_items(user).count() == visible_items(_user(user)).count() > 0
    CommitteeRole.objects.filter(person__user=user).delete()
    assert visible_items(user).count() > 0  # this request's roles, as read
    assert visible_items(_user(user)).count() < visible_items(user).count()


def test_the_items_withheld_are_every_item_not_read_through(matrix):
    """The action rule takes the items a user may not read as a list
    (meetings.access.items_withheld): exactly the items outside
    items_read_through, for every signed-in user, and none for staff."""
    from meetings import access
    from meetings.models import AgendaItem

    every = set(AgendaItem.objects.values_list("pk", flat=True))
    problems = []
    for user in matrix[1:]:
        user = _user(user)
        read = set(access.items_read_through(user).values_list("pk", flat=True))
        withheld = access.items_withheld(user)
        if withheld is None or set(withheld) != every - read or len(withheld) != len(set(withheld)):
            problems.append(user.get_username())
    assert not problems, "\n".join(problems)
    assert access.items_withheld(_user(matrix[1])) == []  # staff
    assert access.items_withheld(_user(matrix[2]))  # the outsider: some withheld


def test_actions_are_the_same_whether_the_items_withheld_go_in_as_a_list_or_not(
    matrix, monkeypatch
):
    """Past MOST_WITHHELD items withheld, the rule asks the items read as a
    subquery instead: the same actions either way, for every user."""
    from meetings import access

    as_list = {u.pk: set(visible_actions(_user(u)).values_list("pk", flat=True)) for u in matrix}
    monkeypatch.setattr(access, "MOST_WITHHELD", 0)
    problems, as_subquery = [], 0
    for user in matrix:
        fresh = _user(user)
        if set(visible_actions(fresh).values_list("pk", flat=True)) != as_list[user.pk]:
            problems.append(user.get_username() or "anonymous")
        as_subquery += user.is_authenticated and access.items_withheld(fresh) is None
    assert not problems, "\n".join(problems)
    assert as_subquery >= 2  # the observer, and those holding no role


def test_the_committees_offered_by_code_are_those_the_user_holds_a_role_in(matrix):
    """The log's committee filter offers meetings.access.committee_codes,
    read with the user's roles: the committees of committees_for_user."""
    from meetings.access import committee_codes
    from meetings.selectors import committees_for_user

    for user in matrix:
        expected = dict(committees_for_user(_user(user)).order_by("code").values_list("code", "pk"))
        assert committee_codes(_user(user)) == expected, user.get_username()
    assert committee_codes(_user(matrix[6]))  # the member holds a role
