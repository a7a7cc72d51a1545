"""Who may see and change a committee's meetings. Views look protected
objects up only through these helpers: 404 for those who may not see a
thing, 403 for those who may see but not change it."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404

from opsg.subqueries import Keys, keys_of

from .models import (
    AgendaEntry,
    AgendaItem,
    Attendance,
    Classification,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    Modification,
    Paper,
    PaperVersion,
)

Role = CommitteeRole.Role

# Roles that may read what was taken in confidence: a confidential item, a
# confidential session and its CONF actions.
CONFIDENTIAL_ROLES = {Role.SECRETARY, Role.CHAIR, Role.MEMBER}
# Roles that write the record (and so read every state of it).
WRITERS = {Role.SECRETARY, Role.CHAIR}
Audience = Classification.Audience
# Audiences open to every registered party, whatever their roles.
OPEN_AUDIENCES = [Audience.PUBLIC, Audience.PARTIES]


def roles_for(user, committee: Committee) -> set[str]:
    """The user's roles in a committee: those read with the meeting (by
    `meeting_for_user`), else from every role the user holds, read once per
    request (`_all_roles`)."""
    if not user.is_authenticated:
        return set()
    held = _held(user)
    if not held.complete and committee.pk not in held.committees:
        held = _all_roles(user)
    return held.committees.get(committee.pk, set())


@dataclass
class _Roles:
    """The signed-in user's roles, kept on the user for the request: by
    committee pk, and the classifications that name the user. Filled for a
    committee when a meeting is read with the user's roles in it
    (`_with_roles`), and for every committee, with the classifications,
    the first time a rule asks about more (`_all_roles`), with the codes of
    those committees. With them, the rules built from them (`per_request`),
    what those compiled to (`rule_keys`) and the items withheld from the
    user (`items_withheld`)."""

    committees: dict[int, set[str]] = field(default_factory=dict)
    named: list[int] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)
    complete: bool = False  # every role read, and the classifications
    built: dict[Any, QuerySet] = field(default_factory=dict)
    compiled: dict[Any, Keys] = field(default_factory=dict)
    withheld: list[int] | None = None
    withheld_read: bool = False


def _held(user) -> _Roles:
    return user.__dict__.setdefault("_roles", _Roles())


# In `_all_roles`'s one query, a row naming a classification rather than a role.
_NAMED = ""


def _all_roles(user) -> _Roles:
    """Every role the signed-in user holds, with its committee's code (the
    log's committee filter offers them), and in the same query the
    classifications that name the user (for `named_in`), read the first
    time a rule asks."""
    held = _held(user)
    if not held.complete:
        roles = CommitteeRole.objects.filter(person__user=user).order_by()
        roles = roles.values_list("committee", "role", "committee__code")
        named = Classification.objects.filter(named_people__user=user).order_by()
        nothing = Value(_NAMED, output_field=CharField())
        named = named.values_list("pk", nothing, nothing)
        committees: dict[int, set[str]] = {}
        codes: dict[int, str] = {}
        names = []
        for pk, role, code in roles.union(named, all=True):
            if role == _NAMED:
                names.append(pk)
            else:
                committees.setdefault(pk, set()).add(role)
                codes[pk] = code
        held.committees, held.named, held.codes = committees, sorted(names), codes
        held.complete = True
    return held


def per_request(rule: Callable[[Any], QuerySet]) -> Callable[[Any], QuerySet]:
    """An access helper whose queryset for a signed-in user is built the
    first time a request asks, and copied for each caller: a search asks
    the items' rule for the items and again for the incidents they name.
    A rule reads the user's roles once per request (`_Roles`), so the
    queryset it builds from them holds for as long: it is kept with them."""

    @functools.wraps(rule)
    def kept(user) -> QuerySet:
        if not user.is_authenticated:
            return rule(user)
        built = _held(user).built
        key = (rule, user.is_staff)
        if key not in built:
            built[key] = rule(user)
        return built[key].all()

    return kept


def rule_keys(user, rule: Callable[[Any], QuerySet]) -> Keys:
    """The keys of what `rule` (an access helper: visible_meetings,
    visible_items…) gives the user, as a subquery for other queries'
    filters, compiled the first time a request asks (opsg.subqueries) and
    kept with the user's roles, as `per_request` keeps what it builds."""
    if not user.is_authenticated:
        return keys_of(rule(user))
    compiled = _held(user).compiled
    key = (rule, user.is_staff)
    if key not in compiled:
        compiled[key] = keys_of(rule(user))
    return compiled[key]


def committees_where(user, roles=None) -> list[int]:
    """Pks of the committees in which the signed-in user holds one of
    `roles` (any role, by default). The access rules put them in as a list
    of values: a rule that spans committees costs one query per request in
    all, and the database plans no subquery of roles for each use."""
    wanted = None if roles is None else set(roles)
    held = _all_roles(user).committees
    return sorted(pk for pk, roles_held in held.items() if wanted is None or roles_held & wanted)


def committee_codes(user) -> dict[str, int]:
    """The committees the signed-in user holds a role in (all, for staff), by
    code in code order, as pks: read with the user's roles (`_all_roles`),
    so a page that filters by committee asks nothing more."""
    if not user.is_authenticated:
        return {}
    if user.is_staff:
        return dict(Committee.objects.order_by("code").values_list("code", "pk"))
    codes = _all_roles(user).codes
    return {code: pk for pk, code in sorted(codes.items(), key=lambda row: row[1])}


def named_in(user) -> list[int]:
    """Pks of the classifications that name the signed-in user
    (Audience.NAMED), read with their roles (`_all_roles`)."""
    return _all_roles(user).named


def _with_roles(meetings: QuerySet[Meeting], user) -> QuerySet[Meeting]:
    """Each meeting with whether the user holds each role in its committee,
    so the meeting and the roles its access rules ask about are one query."""
    if not user.is_authenticated:
        return meetings
    return meetings.annotate(
        **{
            f"_holds_{role}": Exists(
                CommitteeRole.objects.filter(
                    committee=OuterRef("committee"), person__user=user, role=role
                )
            )
            for role in Role.values
        }
    )


def _remember_roles(user, meeting: Meeting) -> None:
    """Keep the roles `_with_roles` read, with the others (`_Roles`)."""
    if user.is_authenticated:
        held = _held(user)
        if not held.complete:
            held.committees[meeting.committee_id] = {
                role for role in Role.values if getattr(meeting, f"_holds_{role}")
            }


def holds_a_role(user, committee: Committee) -> bool:
    """Staff, or anyone with a role in the committee: who may follow its
    business beyond the published minutes (its open actions, its feed)."""
    return user.is_authenticated and (user.is_staff or bool(roles_for(user, committee)))


def can_see_meeting(user, meeting: Meeting) -> bool:
    """`visible_meetings` for one meeting: the rule is written once, as a query."""
    return visible_meetings(user).filter(pk=meeting.pk).exists()


@per_request
def visible_meetings(user) -> QuerySet[Meeting]:
    """The one rule for who reads a meeting's minutes. Drafts are for the
    secretary and chair; circulated and approved minutes also for members;
    published minutes for the audience of their classification (anyone at
    all when it may be published online). The user's roles go in as lists
    read once per request (`committees_where`)."""
    return Meeting.objects.filter(_live_rule(user))


def _live_rule(user) -> Q:
    return _meeting_rule(
        user,
        published=Q(status=Meeting.Status.PUBLISHED),
        circulated=Q(status__in=[Meeting.Status.CIRCULATED, Meeting.Status.APPROVED]),
    )


def visible_records(user) -> QuerySet[Meeting]:
    """Meetings whose minutes the user may read in the version readers have:
    the minutes themselves (`visible_meetings`), or, while approved or
    published minutes are being corrected, the version kept for readers
    (Meeting.record), read by the same rule as when it stood, under both
    its own classification and the draft's (the narrower wins until the
    correction goes out)."""
    kept = {
        "published": Q(record__previous_status=Meeting.Status.PUBLISHED),
        "circulated": Q(record__previous_status=Meeting.Status.APPROVED),
    }
    return Meeting.objects.filter(
        _live_rule(user)
        | (
            Q(record__isnull=False)
            & _meeting_rule(user, **kept)
            & _meeting_rule(user, **kept, classification="record__classification")
        )
    )


def records_read_by(user) -> QuerySet[Meeting]:
    """`visible_records`, each knowing whether the user reads the minutes
    as they are (`live`, Meeting.as_read) or the version kept."""
    return visible_records(user).annotate(
        live=Exists(visible_meetings(user).filter(pk=OuterRef("pk")))
    )


def _meeting_rule(
    user, *, published: Q, circulated: Q, classification: str = "classification"
) -> Q:
    """visible_meetings' rule, given which minutes count as published and
    which as circulated to members, and the lookup path of the
    classification that decides their audience."""
    online = published & Q(**{f"{classification}__may_be_published": True})
    if not user.is_authenticated:
        return online
    if user.is_staff:
        return Q()
    writers = committees_where(user, WRITERS)
    members = committees_where(user, [Role.MEMBER])
    audience = in_audience(user, classification, "committee")
    return (
        Q(committee__in=writers)
        | (((circulated & Q(committee__in=members)) | published) & audience)
        | online
    )


def in_audience(user, classification: str, committee: str) -> Q:
    """The classification at the lookup path `classification` admits the
    signed-in user, for the committee at `committee`: every registered party
    for public and parties, those with a role in the committee for
    committee, the people it names for named."""
    anyone = committees_where(user)
    named = named_in(user)
    return (
        Q(**{f"{classification}__audience__in": OPEN_AUDIENCES})
        | Q(**{f"{classification}__audience": Audience.COMMITTEE, f"{committee}__in": anyone})
        | Q(**{f"{classification}__audience": Audience.NAMED, f"{classification}__in": named})
    )


def public_meetings() -> QuerySet[Meeting]:
    """What anyone may read without signing in: published minutes whose
    classification lets them go online, in the version published (kept
    online while a correction is drafted)."""
    return records_read_by(AnonymousUser())


def reads_in_confidence(user, committee: Committee) -> bool:
    """Who reads an item taken in confidence, a confidential session and
    its CONF actions; everyone else sees only that an item was so taken."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(roles_for(user, committee) & CONFIDENTIAL_ROLES)


@dataclass(frozen=True, kw_only=True)
class Reader:
    """Who the minutes are shown to, for what they show of each item: an
    item taken in confidence, or classified for a narrower audience, is
    withheld from a reader outside it; so are CONF actions, outside
    `in_confidence`. `writes`: the committee's secretary or chair."""

    in_confidence: bool
    writes: bool = False

    def readable(self, items) -> set[int]:
        """Of `items` (their meetings loaded), the pks of those whose content
        the reader is shown."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class UserReader(Reader):
    """A signed-in (or anonymous) user reading the minutes: what an item says
    is decided by the one rule, `item_content_rule`, in one query for all the
    items a page shows."""

    user: object

    def readable(self, items) -> set[int]:
        pks = {item.pk for item in items}
        if not pks:
            return set()
        return set(
            AgendaItem.objects.filter(pk__in=pks)
            .filter(item_content_rule(self.user))
            .values_list("pk", flat=True)
        )


@dataclass(frozen=True, kw_only=True)
class DocumentReader(Reader):
    """A document's audience rather than a user (the PDF's, the full
    record's): an item's classification is admitted or not by `admits`."""

    admits: Callable[[Classification], bool]

    def readable(self, items) -> set[int]:
        return {item.pk for item in items if self._reads(item)}

    def _reads(self, item: AgendaItem) -> bool:
        taken_in_confidence = item.confidential or item.meeting.kind == Meeting.Kind.CONFIDENTIAL
        if taken_in_confidence and not self.in_confidence:
            return False
        return item.classification is None or self.admits(item.classification)


def reader_for(user, committee: Committee) -> Reader:
    return UserReader(
        in_confidence=reads_in_confidence(user, committee),
        writes=writes(user, committee),
        user=user,
    )


# From the widest audience to the narrowest.
_NARROWNESS = [Audience.PUBLIC, Audience.PARTIES, Audience.COMMITTEE, Audience.NAMED]


def print_reader(meeting: Meeting) -> Reader:
    """The PDF's readers: everyone the minutes' own classification admits.
    Nothing taken in confidence is printed, nor an item classified for a
    narrower audience than the minutes."""
    own = meeting.classification

    def admits(c: Classification) -> bool:
        if c.audience == Audience.NAMED:
            return c.pk == own.pk
        return _NARROWNESS.index(c.audience) <= _NARROWNESS.index(own.audience)

    return DocumentReader(in_confidence=False, admits=admits)


EVERYTHING = DocumentReader(in_confidence=True, admits=lambda c: True, writes=True)


def _readable(user, prefix: str = "") -> Q:
    """The rule of `visible_items` as a condition on `prefix` + item fields,
    so other models filter through a join rather than a subquery of ids."""
    meetings = rule_keys(user, visible_meetings)
    return Q(**{f"{prefix}meeting__in": meetings}) & item_content_rule(user, prefix)


def session_rule(user, meeting: str = "meeting", kind: str = "") -> Q:
    """What was said in a confidential session (its items, its reviews of
    actions) is for its committee's secretary, chair and members (and
    staff) only. `meeting`: the lookup path of the meeting; `kind`: of the
    kind that decides (default the meeting's; a kept version has its own)."""
    if user.is_authenticated and user.is_staff:
        return Q()
    # `meeting` "": the query is of meetings themselves.
    at = f"{meeting}__" if meeting else ""
    in_session = Q(**{kind or f"{at}kind": Meeting.Kind.CONFIDENTIAL})
    if not user.is_authenticated:
        return ~in_session
    inner = committees_where(user, CONFIDENTIAL_ROLES)
    return ~in_session | Q(**{f"{at}committee__in": inner})


def item_content_rule(user, prefix: str = "") -> Q:
    """What an item says, whatever its minutes' state: not for those outside
    it if taken in confidence (or in a confidential session), nor if it has
    a classification of its own that does not admit them. The actions
    raised under an item follow it (actions.access.visible_actions)."""
    p = prefix
    if user.is_authenticated and user.is_staff:
        return Q()
    taken_in_confidence = Q(**{f"{p}confidential": True})
    # Every item of a confidential session is taken in confidence too.
    session = session_rule(user, f"{p}meeting")
    # An item with a classification of its own: for that audience only.
    own = Q(**{f"{p}classification__isnull": True})
    if not user.is_authenticated:
        published = Q(**{f"{p}classification__may_be_published": True})
        return ~taken_in_confidence & session & (own | published)
    inner = committees_where(user, CONFIDENTIAL_ROLES)
    writers = committees_where(user, WRITERS)
    committee = f"{p}meeting__committee"
    own |= in_audience(user, f"{p}classification", committee)
    own |= Q(**{f"{committee}__in": writers})
    return (~taken_in_confidence | Q(**{f"{committee}__in": inner})) & session & own


@per_request
def items_read_through(user) -> QuerySet[AgendaItem]:
    """Agenda items whose content the user reads (`item_content_rule`),
    whatever their minutes' state: what is raised under an item (its
    actions) follows it. Few next to what is raised under them: a query
    of those asks it as a subquery (Exists), rather than joining the item,
    its meeting and its classification to every row, when the items
    withheld from the user are too many to name (`items_withheld`)."""
    return AgendaItem.objects.filter(item_content_rule(user))


# Past this many items withheld from a reader, a query of what is raised
# under items asks the items read (`items_read_through`) as a subquery: a
# list of values that long would cost more to send and compare than the
# subquery costs to hash.
MOST_WITHHELD = 500


def items_withheld(user) -> list[int] | None:
    """Pks of the agenda items whose content the signed-in user may not read
    (not `item_content_rule`), read once per request and kept with their
    roles; None when there are more than MOST_WITHHELD (ask
    `items_read_through` then). For anyone with a role they are few (a
    confidential session's, a classification narrower than theirs) and
    often none, where the items they read are every other: a query of what
    is raised under items (the action log's counts and its page) takes the
    few as a list of values, rather than planning the rule's joins and
    hashing every item read, each time."""
    items_withheld_with(user, None)
    return _held(user).withheld


def items_withheld_with(user, keys: QuerySet | None) -> list:
    """The pks `keys` selects (an unordered queryset, another list a page
    reads once per request: the action log's meetings whose reviews the
    reader may not all read), read in the same query as the items withheld
    from the user (`items_withheld`) while those are still to be read, so
    the page waits for the database once for both (UNION ALL, each row
    saying which list it belongs to). The items are kept for the request
    as `items_withheld` keeps them; `keys` None: the items alone."""
    held = _held(user)
    if user.is_staff and not held.withheld_read:
        held.withheld, held.withheld_read = [], True  # staff read every item
    if held.withheld_read:
        return [] if keys is None else list(keys.values_list("pk", flat=True))
    read = Case(
        When(item_content_rule(user), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    withheld = AgendaItem.objects.alias(read=read).filter(read=False).order_by()
    if keys is None or connection.features.supports_slicing_ordering_in_compound:
        # No more read than tells whether there are too many to name (SQLite
        # takes no LIMIT within a UNION: there, every one is read).
        withheld = withheld[: MOST_WITHHELD + 1]
    rows = _tagged(withheld, True)
    if keys is not None:
        rows = rows.union(_tagged(keys, False), all=True)
    items, others = [], []
    for is_item, pk in rows:
        (items if is_item else others).append(pk)
    held.withheld = None if len(items) > MOST_WITHHELD else items
    held.withheld_read = True
    return others


def _tagged(query: QuerySet, tag: bool) -> QuerySet:
    return query.annotate(_tag=Value(tag, output_field=BooleanField())).values_list("_tag", "pk")


def can_read_item(user, item: AgendaItem) -> bool:
    """`visible_items` for one item: what is shown of an item through
    another object (the item an action was raised under) passes this."""
    return visible_items(user).filter(pk=item.pk).exists()


@per_request
def visible_items(user) -> QuerySet[AgendaItem]:
    """Agenda items the user may read: those of meetings they may see, less
    what was taken in confidence (an item so marked, or any item of a
    confidential session) unless they are its committee's secretary, chair
    or a member."""
    return AgendaItem.objects.filter(_readable(user))


def visible_decisions(user) -> QuerySet[Decision]:
    return Decision.objects.filter(_readable(user, "item__"))


def item_rule(user, prefix: str) -> Q:
    """`visible_items`' rule, on the item reached by `prefix` ("item__"):
    what is recorded under an item (a declaration of interest) is read by it."""
    return _readable(user, prefix)


def is_secretary(user, committee: Committee) -> bool:
    return user.is_authenticated and (user.is_staff or Role.SECRETARY in roles_for(user, committee))


def is_chair(user, committee: Committee) -> bool:
    return user.is_authenticated and (user.is_staff or Role.CHAIR in roles_for(user, committee))


def writes(user, committee: Committee) -> bool:
    """The committee's secretary or chair (or staff): they read everything of
    it, whatever its classification or confidence."""
    return user.is_authenticated and (user.is_staff or bool(roles_for(user, committee) & WRITERS))


def can_export_minutes(user, committee: Committee) -> bool:
    """The chair and the secretary make PDFs of the minutes; readers download them."""
    return writes(user, committee)


def can_read_sources(user, committee: Committee) -> bool:
    """An imported document may hold what the minutes withhold from some
    readers: it is for the committee's secretary and chair (and staff)."""
    return writes(user, committee)


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
        meeting = _with_roles(
            Meeting.objects.select_related("committee", "classification"), user
        ).get(committee__code__iexact=code, number=number)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None
    _remember_roles(user, meeting)
    writer = write and can_write_meeting(user, meeting)
    if writer and not (chair or export):
        return meeting  # its writers read every state of it: nothing more to ask
    if not can_see_meeting(user, meeting):
        raise Http404("No such meeting.")
    if write and not writer:
        if meeting.is_frozen:
            raise PermissionDenied("These minutes are approved and read-only.")
        raise PermissionDenied("Only the committee's secretary may change draft minutes.")
    if chair and not is_chair(user, meeting.committee):
        raise PermissionDenied("Only the chair may approve, publish or correct minutes.")
    if export and not can_export_minutes(user, meeting.committee):
        raise PermissionDenied("Only the chair or the secretary may make a PDF of the minutes.")
    return meeting


def record_for_user(user, code: str, number: int) -> Meeting:
    """The minutes at a members' address, for reading: the meeting when the
    user may read its minutes as they are (`live` True); else, while they
    are being corrected, the meeting whose kept version (Meeting.record)
    the user may read (`live` False, the views serve that version); else 404."""
    try:
        return (
            records_read_by(user)
            .select_related("committee", "classification", "record")
            .get(committee__code__iexact=code, number=number)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def published_meeting(code: str, number: int) -> Meeting:
    """A meeting on the public page: published minutes anyone may read, else 404."""
    try:
        return (
            public_meetings()
            .select_related("committee", "classification", "record")
            .get(committee__code__iexact=code, number=number)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such published minutes.") from None


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


def readable_item_in(user, meeting: Meeting, pk) -> AgendaItem:
    """An item of the meeting whose content the user may read (an item taken
    in confidence is not named to those outside it): else 404."""
    item = item_in(meeting, pk)
    if not visible_items(user).filter(pk=item.pk).exists():
        raise Http404("Not part of these minutes.")
    return item


def decision_in(item: AgendaItem, pk) -> Decision:
    return _child(item.decisions.select_related("item__meeting"), pk)


def action_in(item: AgendaItem, pk):
    return _child(item.actions.select_related("meeting"), pk)


def action_under(meeting: Meeting, item_pk, pk):
    """An action raised under item `item_pk` of this meeting, read with that
    item in the same query (a deletion needs nothing more)."""
    actions = meeting.actions_raised.filter(item__meeting=meeting, item_id=item_pk)
    return _child(actions.select_related("meeting", "item__meeting__committee"), pk)


def revision_in(meeting: Meeting, number):
    return _child_by(meeting.revisions.all(), number=number)


def _child_by(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("Not part of these minutes.") from None


# --- the agenda and papers before a meeting ------------------------------------------
#
# A published agenda is for the committee's secretary, chair and members
# (and staff), as circulated minutes are, and within the audience of the
# meeting's classification; a draft agenda for its secretary and chair. An
# agenda item is then read by the rule of a minutes' item
# (`item_content_rule`): taken in confidence, or classified narrower, it is
# withheld from those outside. A paper is read exactly when its item is.


def _agenda_rule(user, meeting: str = "meeting") -> Q:
    """Who reads the agenda of the meeting at the lookup path `meeting`
    ("" for a query of meetings)."""
    at = f"{meeting}__" if meeting else ""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    writers = committees_where(user, WRITERS)
    members = committees_where(user, [Role.MEMBER])
    published = Q(**{f"{at}agenda__published_at__isnull": False})
    audience = in_audience(user, f"{at}classification", f"{at}committee")
    return Q(**{f"{at}committee__in": writers}) | (
        published & Q(**{f"{at}committee__in": members}) & audience
    )


def visible_agendas(user) -> QuerySet[Meeting]:
    """Meetings whose agenda the user may read."""
    return Meeting.objects.filter(_agenda_rule(user, ""))


def agenda_entry_rule(user, prefix: str = "") -> Q:
    """The one rule for an agenda item before the meeting, as a condition on
    `prefix` + AgendaEntry fields: its agenda is readable and so is what
    the item says."""
    return _agenda_rule(user, f"{prefix}meeting") & item_content_rule(user, prefix)


def visible_agenda_entries(user) -> QuerySet[AgendaEntry]:
    return AgendaEntry.objects.filter(agenda_entry_rule(user))


def can_read_agenda_entry(user, entry: AgendaEntry) -> bool:
    """`visible_agenda_entries` for one item."""
    return visible_agenda_entries(user).filter(pk=entry.pk).exists()


def visible_papers(user) -> QuerySet[Paper]:
    """Papers of the agenda items the user may read, and no others."""
    return Paper.objects.filter(agenda_entry_rule(user, "entry__"))


def calendar_meeting_for_user(user, code: str, number: int) -> Meeting:
    """A meeting as a calendar event: for whoever reads its minutes (in the
    version they read: record_for_user) or its agenda (agenda_for_user),
    else 404. `reads_minutes` and `reads_agenda` say which the event links."""
    try:
        meeting = record_for_user(user, code, number)
    except Http404:
        meeting = agenda_for_user(user, code, number)
        meeting.reads_minutes, meeting.reads_agenda = False, True
        return meeting
    meeting.reads_minutes = True
    meeting.reads_agenda = visible_agendas(user).filter(pk=meeting.pk).exists()
    return meeting


def agenda_for_user(user, code: str, number: int, *, write: bool = False) -> Meeting:
    """The meeting whose agenda the user may read (a draft agenda: its
    secretary and chair), else 404. `write`: its secretary drafting,
    publishing or adding papers (403 for other readers)."""
    try:
        meeting = (
            visible_agendas(user)
            .select_related("committee", "classification", "agenda")
            .get(committee__code__iexact=code, number=number)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such agenda.") from None
    if write and not is_secretary(user, meeting.committee):
        raise PermissionDenied("Only the committee's secretary may change the agenda.")
    return meeting


def agenda_entry_in(user, meeting: Meeting, pk) -> AgendaEntry:
    """An item of the meeting's agenda the user may read, else 404."""
    return _child(
        visible_agenda_entries(user).filter(meeting=meeting).select_related("classification"), pk
    )


def paper_version_for_user(user, meeting: Meeting, paper_pk, number) -> PaperVersion:
    """A version of a paper of the meeting's agenda, for those who may read
    its item; else 404."""
    return _child_by(
        PaperVersion.objects.filter(
            paper__in=visible_papers(user).filter(entry__meeting=meeting), paper_id=paper_pk
        ).select_related("paper__entry__meeting__committee"),
        number=number,
    )


def pack_reader(meeting: Meeting) -> Reader:
    """The meeting pack is one file for every reader of the agenda, so it
    holds only what every one of them may read. They are the committee's
    secretary, chair and members (and staff), within the meeting's
    classification (`_agenda_rule`): all read in confidence, and all are
    in an audience of the public, all parties or the committee. An item
    classified for named people (other than the meeting's own
    classification) is left out of the pack, title and papers, saying so;
    its readers download its papers from the agenda page."""
    own = meeting.classification_id

    def admits(c: Classification) -> bool:
        return c.audience != Audience.NAMED or c.pk == own

    return DocumentReader(in_confidence=True, admits=admits)


def paper_in(user, meeting: Meeting, pk) -> Paper:
    """A paper of the meeting's agenda whose item the user may read, else 404."""
    return _child(
        visible_papers(user).filter(entry__meeting=meeting).select_related("entry__meeting"), pk
    )
