"""Who may comment on circulated minutes, and who reads a comment: the one
rule, as a queryset filter (`visible_comments`) and for one comment
(`can_read_comment`), and the access helpers the comment views look
comments up through (404 for those who may not see, 403 for those who may
see but not act)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from meetings.access import committees_where, is_secretary, roles_for, visible_items
from meetings.models import CommitteeRole, Meeting

from .models import Comment

Role = CommitteeRole.Role
# Those who read a circulated draft (meetings.access.visible_meetings): the
# writers and the members. They may comment on it, and they are the "all
# members" a committee's CommentPolicy may open the comments to.
COMMENTERS = {Role.SECRETARY, Role.CHAIR, Role.MEMBER}
# The secretariat: those who write the minutes read every comment on them.
SECRETARIAT = {Role.SECRETARY, Role.CHAIR}


def comment_rule(user) -> Q:
    """The comments `user` may read: never one on an item they may not read
    (an item taken in confidence, or classified beyond them, or of minutes
    they may not see); of the rest, their own, all of a committee they write
    the minutes of, and all of a committee that opened its comments to its
    members, where they hold a role that reads circulated drafts."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    readable = Q(item__in=visible_items(user))
    if user.is_staff:
        return readable
    secretariat = committees_where(user, SECRETARIAT)
    members = committees_where(user, COMMENTERS)
    opened = Q(item__meeting__committee__comment_policy__visible_to_members=True) & Q(
        item__meeting__committee__in=members
    )
    return readable & (Q(author=user) | Q(item__meeting__committee__in=secretariat) | opened)


def visible_comments(user) -> QuerySet[Comment]:
    return Comment.objects.filter(comment_rule(user))


def can_read_comment(user, comment: Comment) -> bool:
    """`visible_comments` for one comment: the rule is written once, as a query."""
    return visible_comments(user).filter(pk=comment.pk).exists()


def may_comment(user, meeting: Meeting) -> bool:
    """A role that reads the circulated draft (its readability is the
    caller's: meeting_for_user has checked it)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(roles_for(user, meeting.committee) & COMMENTERS)


def comments_meeting(user, meeting: Meeting) -> Meeting:
    """The comments of minutes the user may see (meeting_for_user has said
    404 otherwise): 403 unless they hold a role that comments."""
    if not may_comment(user, meeting):
        raise PermissionDenied("Only the committee's members comment on its minutes.")
    return meeting


def comment_in(user, meeting: Meeting, pk, *, decide: bool = False) -> Comment:
    """A comment on this meeting's minutes that the user may read, else 404;
    `decide`: the secretary accepting or declining it, else 403."""
    try:
        comment = (
            visible_comments(user)
            .select_related("item__meeting__committee", "author__person")
            .get(pk=pk, item__meeting=meeting)
        )
    except (Comment.DoesNotExist, ValueError):
        raise Http404("No such comment.") from None
    if decide and not is_secretary(user, meeting.committee):
        raise PermissionDenied("Only the committee's secretary accepts or declines suggestions.")
    return comment
