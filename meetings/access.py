"""Who may see and change a committee's meetings. Views look protected
objects up only through these helpers: 404 for those who may not see a
thing, 403 for those who may see but not change it."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    Modification,
)

Role = CommitteeRole.Role

# Roles that may read what was taken in confidence: a confidential item, a
# confidential session and its CONF actions.
CONFIDENTIAL_ROLES = {Role.SECRETARY, Role.CHAIR, Role.MEMBER}


def roles_for(user, committee: Committee) -> set[str]:
    """The user's roles in a committee, read once per request per committee."""
    if not user.is_authenticated:
        return set()
    cache = user.__dict__.setdefault("_committee_roles", {})
    if committee.pk not in cache:
        cache[committee.pk] = set(
            CommitteeRole.objects.filter(committee=committee, person__user=user).values_list(
                "role", flat=True
            )
        )
    return cache[committee.pk]


def holds_a_role(user, committee: Committee) -> bool:
    """Staff, or anyone with a role in the committee: who may follow its
    business beyond the published minutes (its open actions, its feed)."""
    return user.is_authenticated and (user.is_staff or bool(roles_for(user, committee)))


def can_see_meeting(user, meeting: Meeting) -> bool:
    if user.is_authenticated and user.is_staff:
        return True
    roles = roles_for(user, meeting.committee)
    if roles & {Role.SECRETARY, Role.CHAIR}:
        return True
    if Role.MEMBER in roles:
        # Members read drafts once the secretary has circulated them.
        return meeting.status != Meeting.Status.DRAFT
    if meeting.status == Meeting.Status.PUBLISHED:
        return bool(roles) or meeting.classification.may_be_published
    return False


def visible_meetings(user) -> QuerySet[Meeting]:
    """`can_see_meeting` in SQL, for lists that span committees (the
    decisions register, search). The user's roles go in as subqueries."""
    public = Q(status=Meeting.Status.PUBLISHED, classification__may_be_published=True)
    if not user.is_authenticated:
        return Meeting.objects.filter(public)
    if user.is_staff:
        return Meeting.objects.all()
    roles = CommitteeRole.objects.filter(person__user=user)
    writers = roles.filter(role__in=[Role.SECRETARY, Role.CHAIR]).values("committee")
    members = roles.filter(role=Role.MEMBER).values("committee")
    anyone = roles.values("committee")
    return Meeting.objects.filter(
        Q(committee__in=writers)
        | (Q(committee__in=members) & ~Q(status=Meeting.Status.DRAFT))
        | (Q(status=Meeting.Status.PUBLISHED) & Q(committee__in=anyone))
        | public
    )


def _readable(user, prefix: str = "") -> Q:
    """The rule of `visible_items` as a condition on `prefix` + item fields,
    so other models filter through a join rather than a subquery of ids."""
    p = prefix
    rule = Q(**{f"{p}meeting__in": visible_meetings(user)})
    if user.is_authenticated and user.is_staff:
        return rule
    in_confidence = Q(**{f"{p}confidential": True}) | Q(
        **{f"{p}meeting__kind": Meeting.Kind.CONFIDENTIAL}
    )
    if not user.is_authenticated:
        return rule & ~in_confidence
    inner = CommitteeRole.objects.filter(person__user=user, role__in=CONFIDENTIAL_ROLES).values(
        "committee"
    )
    return rule & (~in_confidence | Q(**{f"{p}meeting__committee__in": inner}))


def visible_items(user) -> QuerySet[AgendaItem]:
    """Agenda items the user may read: those of meetings they may see, less
    what was taken in confidence (an item so marked, or any item of a
    confidential session) unless they are its committee's secretary, chair
    or a member."""
    return AgendaItem.objects.filter(_readable(user))


def visible_decisions(user) -> QuerySet[Decision]:
    return Decision.objects.filter(_readable(user, "item__"))


def is_secretary(user, committee: Committee) -> bool:
    return user.is_authenticated and (user.is_staff or Role.SECRETARY in roles_for(user, committee))


def is_chair(user, committee: Committee) -> bool:
    return user.is_authenticated and (user.is_staff or Role.CHAIR in roles_for(user, committee))


def can_export_minutes(user, committee: Committee) -> bool:
    """The chair and the secretary make PDFs of the minutes; readers download them."""
    return is_chair(user, committee) or is_secretary(user, committee)


def can_write_meeting(user, meeting: Meeting) -> bool:
    return is_secretary(user, meeting.committee) and not meeting.is_frozen


def committee_for_user(user, code: str, *, write: bool = False) -> Committee:
    """A committee page lists what the user may see of it; unknown codes are
    404. Writing (a new meeting) is for its secretary."""
    try:
        committee = Committee.objects.get(code__iexact=code)
    except Committee.DoesNotExist:
        raise Http404("No such committee.") from None
    if write and not is_secretary(user, committee):
        raise PermissionDenied("Only the committee's secretary may add meetings.")
    return committee


def meeting_for_user(
    user, code: str, number: int, *, write: bool = False, chair: bool = False, export: bool = False
) -> Meeting:
    """`write`: the secretary editing a draft. `chair`: the chair approving,
    publishing or opening approved minutes for correction. `export`: the chair
    or the secretary asking for a PDF of the minutes."""
    try:
        meeting = Meeting.objects.select_related("committee", "classification").get(
            committee__code__iexact=code, number=number
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    if not can_see_meeting(user, meeting):
        raise Http404("No such meeting.")
    if write and not can_write_meeting(user, meeting):
        if meeting.is_frozen:
            raise PermissionDenied("These minutes are approved and read-only.")
        raise PermissionDenied("Only the committee's secretary may change draft minutes.")
    if chair and not is_chair(user, meeting.committee):
        raise PermissionDenied("Only the chair may approve, publish or correct minutes.")
    if export and not can_export_minutes(user, meeting.committee):
        raise PermissionDenied("Only the chair or the secretary may make a PDF of the minutes.")
    return meeting


def modification_for_user(user, reference: str) -> Modification:
    """A modification's page: reference data any signed-in user may read
    (what is said about it is filtered by the page's selector)."""
    try:
        return Modification.objects.get(reference=reference.upper())
    except Modification.DoesNotExist:
        raise Http404("No such modification.") from None


def _child(queryset, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("Not part of these minutes.") from None


def attendance_in(meeting: Meeting, pk) -> Attendance:
    """A line of this meeting's attendance (the meeting's access already checked)."""
    return _child(meeting.attendance.select_related("person", "meeting"), pk)


def item_in(meeting: Meeting, pk) -> AgendaItem:
    return _child(meeting.items.select_related("meeting__committee"), pk)


def decision_in(item: AgendaItem, pk) -> Decision:
    return _child(item.decisions.select_related("item__meeting"), pk)


def action_in(item: AgendaItem, pk):
    return _child(item.actions.select_related("meeting"), pk)


def revision_in(meeting: Meeting, number):
    return _child_by(meeting.revisions.all(), number=number)


def _child_by(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("Not part of these minutes.") from None
