"""Who may see an action, send an owner's update on it, and use a calendar
feed. Views look these objects up only through the helpers here: 404 for
those who may not see a thing, 403 for those who may see but not change it.

The rules, from the committee's practice:
- anyone with a role in the committee that raised an action, or in the one
  it was transferred to, reads it; so do its owners (a person named, or
  anyone of an owning organisation), who often hold no role at all;
- an action of a confidential session is for the committee's secretary,
  chair and members only (and staff), owners or not;
- an action raised under an item its reader may not read (taken in
  confidence, or classified for a narrower audience) is hidden from them,
  unless they own it;
- an action raised at a meeting whose minutes are still a draft is for the
  committee's secretary and chair (and staff) until they are circulated;
- a review of an action is part of its meeting's minutes: it is read,
  by those who may see the action, once the minutes are circulated (the
  secretary and chair from the draft on), if their classification admits
  the reader, and what a confidential session said only by those who read
  in confidence (actions.known.review_rule);
- an owner, or the committee's secretary on the owners' behalf, may send an
  update; the update never changes the action by itself.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from meetings.access import (
    CONFIDENTIAL_ROLES,
    WRITERS,
    committees_where,
    holds_a_role,
    is_secretary,
    items_read_through,
    items_withheld,
    items_withheld_with,
    per_request,
)
from meetings.models import Committee, Meeting

from . import references
from .filters import owned_by
from .known import KnownFigures, doubtful, kept_in_record, known_figures, review_rule
from .models import Action, ActionReview, FeedToken
from .selectors import action_with_owners


def person_of(user):
    """The user's Person, read once per request (None when there is none)."""
    if not user.is_authenticated:
        return None
    return getattr(user, "person", None)


def is_owner(user, action: Action) -> bool:
    """The user is named as an owner, or works for an owning organisation.
    Reads the action's owners, which `action_with_owners` prefetches."""
    person = person_of(user)
    return person is not None and action.is_owned_by(person)


def _committees(action: Action) -> list[Committee]:
    return [c for c in (action.committee, action.transferred_to) if c is not None]


def can_see_action(user, action: Action) -> bool:
    """`visible_actions` for one action: the rule is written once, as a query."""
    return visible_actions(user).filter(pk=action.pk).exists()


def can_update_action(user, action: Action) -> bool:
    """Of an action the user may see (`action_for_user` has asked): an owner,
    or the secretary of the committee that raised it or that it was
    transferred to, sending the update on the owners' behalf."""
    return is_owner(user, action) or any(is_secretary(user, c) for c in _committees(action))


def action_for_user(user, slug: str, *, update: bool = False) -> Action:
    """The action at /actions/<slug>/. `update`: sending an owner's update."""
    reference = references.from_slug(slug)
    if reference is None:
        raise Http404("No such action.")
    action = action_with_owners(reference)
    if action is None or not can_see_action(user, action):
        raise Http404("No such action.")
    if update and not can_update_action(user, action):
        raise PermissionDenied(
            f"Only the owners of {action.reference} ({'/'.join(action.owner_names())}) "
            "or the committee's secretary can send an update on it."
        )
    return action


def feed_token_for_user(user, pk) -> FeedToken:
    """One of the signed-in user's own feeds (to revoke it). Anyone else's is 404."""
    try:
        return FeedToken.objects.select_related("committee").get(pk=pk, user=user)
    except (FeedToken.DoesNotExist, ValueError):
        raise Http404("No such feed.") from None


def feed_token_by_secret(token: str, kind: str) -> FeedToken:
    """The feed behind a private URL, fetched by a calendar application with no
    login. Unknown, revoked, or of a user who can no longer sign in: 404; so
    is a committee's feed once its user holds no role there. What the feed
    lists is chosen as it is fetched, by what its user may see then."""
    try:
        feed = FeedToken.objects.select_related("user__person__organisation", "committee").get(
            token=token, kind=kind, revoked_at__isnull=True, user__is_active=True
        )
    except FeedToken.DoesNotExist:
        raise Http404("No such feed.") from None
    if feed.committee is not None and not holds_a_role(feed.user, feed.committee):
        raise Http404("No such feed.")
    return feed


@per_request
def visible_actions(user) -> QuerySet[Action]:
    """The one rule for who sees an action (the module's docstring), as one
    queryset: the action log and its exports filter with it, and
    `can_see_action` asks it about one action. The user's roles go in as
    lists read once per request (meetings.access.committees_where)."""
    if not user.is_authenticated:
        return Action.objects.none()
    if user.is_staff:
        return Action.objects.all()
    anywhere = committees_where(user)
    inner = committees_where(user, CONFIDENTIAL_ROLES)
    writers = committees_where(user, WRITERS)
    # The item's rule as the items withheld from the user (few, often none),
    # read once per request: a list of values costs the planner and the
    # executor next to nothing, where a subquery of the items read was
    # planned, and every item it reads hashed, in each query. Withheld from
    # more, the subquery: the planner asks it per row of a few (one action's
    # page) or hashes the items' keys once for many.
    withheld = items_withheld(user) if anywhere else []
    if withheld is None:
        readable_item = items_read_through(user).filter(pk=OuterRef("item"))
        under_readable_item = Q(item__isnull=True) | Exists(readable_item)
    elif withheld:
        under_readable_item = Q(item__isnull=True) | ~Q(item__in=withheld)
    else:
        under_readable_item = Q()
    ordinary = Q(confidential=False) & (
        ((Q(committee__in=anywhere) | Q(transferred_to__in=anywhere)) & under_readable_item)
        | owned_by("mine", user)
    )
    confidential = Q(confidential=True) & (Q(committee__in=inner) | Q(transferred_to__in=inner))
    # Raised in minutes not yet circulated: the draft's writers only. Minutes
    # reopened for a correction keep what readers had (Meeting.record).
    released = (
        Q(meeting__isnull=True)
        | ~Q(meeting__in=Meeting.objects.filter(status=Meeting.Status.DRAFT).values("pk"))
        | kept_in_record("action")
        | Q(committee__in=writers)
    )
    return Action.objects.filter((ordinary | confidential) & released)


def visible_and_known(user) -> tuple[QuerySet[Action], KnownFigures]:
    """`visible_actions`, and what the user may know of them (known_figures),
    for the pages that show both (the log, its exports, the owners'
    summary). The lists each reads once per request, the agenda items
    withheld from the user and the meetings whose reviews they may not all
    read, come from the database in one query: the rules as they are."""
    meetings = None
    if user.is_authenticated and not user.is_staff and committees_where(user):
        # As visible_actions asks the items withheld of anyone with a role.
        meetings = items_withheld_with(user, doubtful(user))
    actions = visible_actions(user)
    return actions, known_figures(user, actions, meetings=meetings)


def visible_reviews(user) -> QuerySet[ActionReview]:
    """The one rule for who reads a review of an action: every page, export,
    feed and email that shows a review's narrative, its revised target or a
    figure worked out from it asks this."""
    return ActionReview.objects.filter(review_rule(user), action__in=visible_actions(user))


def can_see_review(user, review: ActionReview) -> bool:
    return visible_reviews(user).filter(pk=review.pk).exists()


def staff_only(user) -> None:
    """Pages for the site's staff (the day's reminder run): hidden from
    everyone else, as a page they may not see is everywhere else (404)."""
    if not (user.is_authenticated and user.is_staff):
        raise Http404("No such page.")
