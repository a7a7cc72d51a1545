"""Search across the record: meetings, agenda items, decisions, actions,
incidents and people, limited to exactly what the user may read.

Every kind starts from its visibility queryset (meetings.access,
actions.access, incidents.access), so nothing restricted can reach a
result, a count or a snippet. On PostgreSQL the text match uses the stored,
trigger-kept search vectors (opsg/fulltext.py) with English stemming and
ranks by relevance; elsewhere each word's stem is matched as a substring
and the newest come first.

An exact reference (OPSG 25/03, INC000000478818, SECMP0067, OPSG 25) is
not searched for: the view goes straight to its page, if the user may see it.
"""

import datetime
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial, reduce
from operator import and_, attrgetter, or_
from typing import Any

import snowballstemmer
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page
from django.db import connection
from django.db.models import F, Model, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from actions.access import visible_actions
from actions.known import read_as_kept
from actions.models import Action
from actions.references import canonical as action_reference
from declarations.access import visible_declarations
from declarations.models import Declaration, declared_by
from incidents.access import visible_incidents
from incidents.models import INCIDENT_REFERENCE, Incident, IncidentMention, IncidentReview
from meetings.access import (
    records_read_by,
    visible_decisions,
    visible_items,
    visible_meetings,
    visible_records,
)
from meetings.models import (
    MODIFICATION_REFERENCE,
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    Modification,
    Person,
)
from minutes.selectors import date_read, kept_documents
from opsg.fulltext import CONFIG
from opsg.pagination import paginate
from opsg.subqueries import Keys, keys_of

KINDS = {
    "item": "Agenda items",
    "decision": "Decisions",
    "declaration": "Declarations of interest",
    "action": "Actions",
    "incident": "Incidents",
    "meeting": "Meetings",
    "person": "People",
}
# One of each, for "1 agenda item".
SINGULAR = {
    "item": "Agenda item",
    "decision": "Decision",
    "declaration": "Declaration of interest",
    "action": "Action",
    "incident": "Incident",
    "meeting": "Meeting",
    "person": "Person",
}
PER_KIND = 5  # results of each kind on the first, mixed page
PER_PAGE = 20  # results a page when one kind is chosen
# Matches of a kind counted at most: past it the page says "more than 1,000"
# and shows the latest recorded first, since ranking every match of a common
# word would cost more than it tells.
COUNT_CAP = 1000

# Marks around matched words in PostgreSQL's headline: control characters
# nobody types, so the text can be escaped first and the marks made HTML after.
_START, _STOP = "\x02", "\x03"
_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"\]?\((?:https?|mailto):[^)\s]*\)?"), ""),  # a link cut by the headline
    (re.compile(r"\[\^[^\]]*\]"), ""),  # footnote marks
    (re.compile(r"\[(?=[^\]]*$)"), ""),  # the opening of a link the headline cut
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"^\s{0,3}(#+|>|[-*+]|\d+\.)\s+", re.M), ""),
    (re.compile(r"\s+"), " "),
]
_WORD = re.compile(r"[\w']+")
# A stemmer keeps state between calls, so one is not shared between the
# threads of a threaded server (gunicorn's gthread workers): each has its own.
_stemmers = threading.local()


def _stemmer():
    if not hasattr(_stemmers, "english"):
        _stemmers.english = snowballstemmer.stemmer("english")
    return _stemmers.english


MEETING_REFERENCE = re.compile(
    r"^(?P<code>[A-Za-z][A-Za-z0-9]*)[ _](?P<number>\d+)(?:_\d{4})?$", re.I
)


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    context: str = ""
    date: datetime.date | None = None


@dataclass
class Results:
    query: str
    counts: dict[str, int] = field(default_factory=dict)
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    page: Page | None = None  # one kind chosen: its page of results
    capped: set[str] = field(default_factory=set)  # kinds with more than COUNT_CAP matches

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def total_label(self) -> str:
        """ "12 results", or, once a kind passed the cap, "more than 3,000
        results": the counts' sum down to whole thousands (a kind past the
        cap has more than it counts)."""
        if self.capped:
            return f"more than {self.total - self.total % COUNT_CAP:,} results"
        return f"{self.total:,} result{'' if self.total == 1 else 's'}"

    @property
    def sections(self) -> list[dict]:
        """Per kind found, in KINDS' order: its label, count and hits."""
        return [
            {
                "kind": kind,
                "label": label,
                "noun": (SINGULAR[kind] if self.counts[kind] == 1 else label).lower(),
                "count": self.counts[kind],
                "count_label": (
                    f"more than {self.counts[kind]:,}"
                    if kind in self.capped
                    else f"{self.counts[kind]:,}"
                ),
                "capped": kind in self.capped,
                "hits": self.hits.get(kind, []),
            }
            for kind, label in KINDS.items()
            if self.counts.get(kind)
        ]


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- exact references ----------------------------------------------------------------


def exact_target(user, query: str) -> str | None:
    """The page an exact reference names, when the user may see it."""
    text = " ".join(query.split())
    if reference := action_reference(text):
        action = visible_actions(user).filter(reference=reference).first()
        return reverse("action-detail", args=[action.slug]) if action else None
    if re.fullmatch(INCIDENT_REFERENCE.strip("^$"), text.upper()):
        if visible_incidents(user).filter(reference=text.upper()).exists():
            return reverse("incident", args=[text.upper()])
        return None
    if re.fullmatch(MODIFICATION_REFERENCE, text.upper()):
        if Modification.objects.filter(reference=text.upper()).exists():
            return reverse("modification", args=[text.upper()])
        return None
    if match := MEETING_REFERENCE.match(text):
        meeting = (
            visible_meetings(user)
            .filter(committee__code__iexact=match["code"], number=int(match["number"]))
            .select_related("committee")
            .first()
        )
        if meeting:
            return reverse("minutes", args=[meeting.committee.code, meeting.number])
    return None


# --- matching -------------------------------------------------------------------------


def _stems(query: str) -> list[str]:
    """The query's words reduced to their English stems, for the SQLite fallback."""
    words = [w.strip("'").lower() for w in _WORD.findall(query)]
    return [s for s in _stemmer().stemWords([w for w in words if w]) if s]


def _substring_match(stems: list[str], fields: Sequence[str]) -> Q:
    """Every stem (or word) found in one of the fields (case-insensitive)."""
    if not stems:
        return Q(pk__in=[])
    return reduce(
        and_, (reduce(or_, (Q(**{f"{f}__icontains": stem}) for f in fields)) for stem in stems)
    )


def _tsquery(query: str) -> SearchQuery:
    return SearchQuery(query, config=CONFIG, search_type="websearch")


def _text_match(queryset: QuerySet, query: str, fields: Sequence[str]) -> QuerySet:
    """The rows whose text matches: on PostgreSQL by the stored search
    vector, elsewhere every stem of the query in one of `fields`."""
    if uses_postgres():
        return queryset.filter(search_vector=_tsquery(query))
    return queryset.filter(_substring_match(_stems(query), fields))


def _ranked(queryset: QuerySet, query: str, headline) -> QuerySet:
    """On PostgreSQL, each row's `rank` for the query and its `headline`
    (the extract shown); elsewhere the rows as they are."""
    if not uses_postgres():
        return queryset
    ts = _tsquery(query)
    return queryset.defer("search_vector").annotate(  # a large column, never shown
        rank=SearchRank(F("search_vector"), ts),
        headline=SearchHeadline(
            headline,
            ts,
            config=CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=30,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
        ),
    )


def _joined(*fields):
    """The fields as one text, for PostgreSQL's headline."""
    parts = []
    for name in fields:
        parts += [
            Coalesce(Cast(name, TextField()), Value("", TextField())),
            Value(" ", TextField()),
        ]
    if len(fields) == 1:
        return parts[0]
    return Concat(*parts[:-1], output_field=TextField())


def _plain(text: str) -> str:
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text.strip()


def snippet(text: str, query: str, headline: str | None = None, width: int = 220) -> SafeString:
    """A short, escaped extract with the matched words in <mark>. From
    PostgreSQL's headline when there is one, else cut around the first match."""
    if headline is not None:
        html = escape(_plain(headline))
        html = html.replace(_START, "<mark>").replace(_STOP, "</mark>")
        return mark_safe(html)  # noqa: S308 - escaped just above; only our <mark> added
    text = _plain(text)
    stems = _stems(query)
    pattern = (
        re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I)
        if stems
        else None
    )
    first = pattern.search(text) if pattern else None
    start = max(0, (first.start() if first else 0) - width // 3)
    end = start + width
    # Whole words only: move the cut points to the nearest spaces inside.
    if start and (space := text.find(" ", start, first.start() if first else end)) != -1:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", start, end)) > start:
        end = space
    extract = text[start:end]
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    html = escape(extract)
    if pattern:
        html = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", html)
    return mark_safe(prefix + html + suffix)  # noqa: S308 - escaped above; only <mark> added


# --- each kind ------------------------------------------------------------------------


def _minutes_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("minutes", args=[meeting.committee.code, meeting.number])
    return f"{url}#{anchor}" if anchor else url


@dataclass
class Filters:
    committee: Committee | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _scoped(queryset: QuerySet, meeting: str, filters: Filters) -> QuerySet:
    """Narrowed to the committee and dates of the meeting at `meeting` (a lookup path)."""
    prefix = f"{meeting}__" if meeting else ""
    if filters.committee:
        queryset = queryset.filter(**{f"{prefix}committee": filters.committee})
    return _dated(queryset, f"{prefix}date", filters)


def _dated(queryset: QuerySet, date_field: str, filters: Filters) -> QuerySet:
    if filters.date_from:
        queryset = queryset.filter(**{f"{date_field}__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{date_field}__lte": filters.date_to})
    return queryset


def _readable_items(user, filters: Filters) -> QuerySet:
    return _scoped(visible_items(user), "meeting", filters)


def _item_hit(item: AgendaItem, query: str) -> Hit:
    meeting = item.meeting
    return Hit(
        kind="item",
        title=f"{meeting} – item {item.number}. {item.title}",
        url=_minutes_url(meeting, f"item-{item.number}"),
        snippet=snippet(
            f"{item.narrative} {item.post_meeting_note}", query, getattr(item, "headline", None)
        ),
        context=meeting.committee.name,
        date=meeting.date,
    )


def _readable_decisions(user, filters: Filters) -> QuerySet:
    return _scoped(visible_decisions(user), "item__meeting", filters)


def _decision_hit(decision: Decision, query: str) -> Hit:
    item = decision.item
    meeting = item.meeting
    text = " ".join([decision.text, *decision.points])
    return Hit(
        kind="decision",
        title=f"{meeting} – item {item.number}: the {meeting.committee.code} {decision.verb}",
        url=_minutes_url(meeting, f"decision-{decision.pk}"),
        snippet=snippet(text, query, getattr(decision, "headline", None)),
        context=f"{item.number}. {item.title}",
        date=meeting.date,
    )


def _readable_declarations(user, filters: Filters) -> QuerySet:
    return _scoped(visible_declarations(user), "item__meeting", filters)


def _declaration_hit(declaration: Declaration, query: str) -> Hit:
    item = declaration.item
    meeting = item.meeting
    who = declared_by(declaration.name, declaration.organisation)
    return Hit(
        kind="declaration",
        title=f"{meeting} – item {item.number}: {who} declared an interest",
        url=_minutes_url(meeting, f"item-{item.number}"),
        snippet=snippet(declaration.interest, query, getattr(declaration, "headline", None)),
        context=f"{item.number}. {item.title}",
        date=meeting.date,
    )


def _readable_actions(user, filters: Filters) -> QuerySet:
    # What the user reads as the version kept of minutes being corrected is
    # not matched against the draft's wording (actions.known); like the
    # rest of those minutes, it is searched again once they are circulated.
    actions = visible_actions(user).exclude(read_as_kept(user))
    if filters.committee:
        actions = actions.filter(
            Q(committee=filters.committee) | Q(transferred_to=filters.committee)
        )
    return _dated(actions, "raised_on", filters)


def _action_hit(action: Action, query: str) -> Hit:
    return Hit(
        kind="action",
        title=f"{action.reference}" + (f" ({action.topic})" if action.topic else ""),
        url=reverse("action-detail", args=[action.slug]),
        snippet=snippet(action.text, query, getattr(action, "headline", None)),
        context=f"{action.get_status_display()}; raised {action.raised_on:%-d %B %Y}",
        date=action.raised_on,
    )


def _readable_incidents(user, filters: Filters) -> QuerySet:
    incidents = visible_incidents(user)
    if filters.committee:
        # Only what the user may read of that committee's minutes counts.
        items = visible_items(user).filter(meeting__committee=filters.committee)
        incidents = incidents.filter(
            Q(pk__in=IncidentReview.objects.filter(item__in=items).values("incident"))
            | Q(pk__in=IncidentMention.objects.filter(item__in=items).values("incident"))
        )
    return _dated(incidents, "occurred_on", filters)


def _incident_hit(incident: Incident, query: str) -> Hit:
    return Hit(
        kind="incident",
        title=f"{incident.reference}" + (f": {incident.title}" if incident.title else ""),
        url=reverse("incident", args=[incident.reference]),
        snippet=snippet(
            f"{incident.title}. {incident.root_cause} {incident.problem_records}",
            query,
            getattr(incident, "headline", None),
        ),
        context=" · ".join(
            part for part in (incident.service_provider, incident.get_status_display()) if part
        ),
        date=incident.occurred_on,
    )


def _meetings(user, query: str, filters: Filters) -> QuerySet:
    """Meetings whose minutes the user may read, as they are or as kept
    during a correction (access.records_read_by), matched by committee,
    number and, where the user reads them as they are, place."""
    # Dated as their reader has them (the version kept's, during a correction).
    meetings = records_read_by(user).select_related("committee", "record")
    meetings = meetings.annotate(date_read=date_read())
    if filters.committee:
        meetings = meetings.filter(committee=filters.committee)
    meetings = _dated(meetings, "date_read", filters)
    return meetings.filter(_meeting_match(query, live=Q(live=True))).order_by("-date_read")


def _meeting_match(query: str, live: Q) -> Q:
    """Every word of the query in the committee's code or name, the
    meeting's number or, where `live` (the minutes read as they are), its place."""
    words = [w.lower() for w in _WORD.findall(query)]
    if not words:
        return Q(pk__in=[])
    fields = ["committee__code", "committee__name", "number"]
    return reduce(
        and_,
        (
            reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields))
            | (live & Q(location__icontains=word))
            for word in words
        ),
    )


def _meeting_hit(meeting: Meeting, query: str) -> Hit:
    heading = meeting.as_read
    where = "Teleconference" if heading.is_teleconference else heading.location
    correcting = " (correction in progress)" if meeting.in_correction else ""
    return Hit(
        kind="meeting",
        title=f"{meeting} ({heading.get_kind_display()}), {heading.date:%-d %B %Y}",
        url=_minutes_url(meeting),
        snippet=snippet(f"{meeting.committee.name}. {where}", query),
        context=(
            meeting.record.get_previous_status_display() + correcting
            if meeting.in_correction and not meeting.live
            else meeting.get_status_display() + correcting
        ),
        date=heading.date,
    )


def _people(user, query: str, filters: Filters) -> QuerySet:
    """People named in minutes the user may read, or holding a role in a
    committee the user belongs to. People have no date: a date range leaves
    them out."""
    if filters.date_from or filters.date_to:
        return Person.objects.none()
    meetings = visible_meetings(user)
    if filters.committee:
        meetings = meetings.filter(committee=filters.committee)
    attended = Attendance.objects.filter(meeting__in=meetings).values("person")
    people = Person.objects.filter(pk__in=attended)
    if not filters.committee and user.is_authenticated:
        mine = Committee.objects.filter(roles__person__user=user)
        people = people | Person.objects.filter(committee_roles__committee__in=mine)
    # Where to read about them: the latest minutes they attended that the user may read.
    last = Attendance.objects.filter(person=OuterRef("pk"), meeting__in=meetings).order_by(
        "-meeting__date"
    )
    return (
        people.filter(_person_match(query))
        .select_related("organisation")
        .distinct()
        .annotate(
            last_code=Subquery(last.values("meeting__committee__code")[:1]),
            last_number=Subquery(last.values("meeting__number")[:1]),
            last_date=Subquery(last.values("meeting__date")[:1]),
        )
        .order_by("name")
    )


def _person_match(query: str) -> Q:
    words = [w.lower() for w in _WORD.findall(query)]
    return _substring_match(words, ["name", "organisation__short_name"])


def _person_hit(person: Person, query: str) -> Hit:
    organisation = person.organisation.short_name if person.organisation else ""
    if person.last_code:
        url = reverse("minutes", args=[person.last_code, person.last_number]) + "#attendance"
        context = f"Last attended {person.last_code} {person.last_number}"
    else:
        url, context = reverse("home"), "Holds a role in your committee"
    return Hit(
        kind="person",
        title=person.name + (f" ({organisation})" if organisation else ""),
        url=url,
        snippet=snippet(f"{person.name} {organisation}", query),
        context=context,
        date=person.last_date,
    )


def _found(stems: list[str], text: str) -> bool:
    """Every stem in `text` (case-insensitive): the SQLite fallback's match,
    for text read in Python."""
    text = text.lower()
    return bool(stems) and all(stem in text for stem in stems)


def _kept_hits(user, query: str, filters: Filters) -> dict[str, list[Hit]]:
    """Items and decisions of the versions kept of minutes under correction
    (selectors.kept_documents) that match `query`: the draft's rows are not
    the user's to search, the version kept is. Newest meeting first."""
    stems = _stems(query)
    hits: dict[str, list[Hit]] = {"item": [], "decision": []}
    if not stems:
        return hits
    for kept in kept_documents(
        user, committee=filters.committee, date_from=filters.date_from, date_to=filters.date_to
    ):
        meeting = kept.meeting
        for item in kept.document["items"]:
            if item.get("withheld"):
                continue
            number, title = item["number"], item.get("title") or ""
            said = " ".join(filter(None, [item.get("narrative"), item.get("post_meeting_note")]))
            if _found(stems, f"{title} {said}"):
                hits["item"].append(
                    Hit(
                        kind="item",
                        title=f"{meeting} – item {number}. {title}",
                        url=_minutes_url(meeting, f"item-{number}"),
                        snippet=snippet(said, query),
                        context=meeting.committee.name,
                        date=kept.date,
                    )
                )
            for decision in item.get("decisions", []):
                text = " ".join([decision["text"], *map(str, decision.get("points", []))])
                if _found(stems, f"{decision['verb']} {text}"):
                    hits["decision"].append(
                        Hit(
                            kind="decision",
                            title=f"{meeting} – item {number}: "
                            f"the {meeting.committee.code} {decision['verb']}",
                            url=_minutes_url(meeting, f"item-{number}"),
                            snippet=snippet(text, query),
                            context=f"{number}. {title}",
                            date=kept.date,
                        )
                    )
    return hits


@dataclass(frozen=True)
class _TextKind:
    """A kind matched by its text: on PostgreSQL its stored search vector,
    ranked, with extracts cut from `extract`; elsewhere `fields`, the
    newest first (`newest`)."""

    model: type[Model]
    readable: Callable[[Any, Filters], QuerySet]  # what the user may read, narrowed by filters
    fields: tuple[str, ...]
    extract: tuple[str, ...]
    related: tuple[str, ...]  # what its hit shows of other rows
    newest: tuple[str, ...]
    hit: Callable[[Any, str], Hit]
    unshown: tuple[str, ...] = ()  # large columns of those rows the hit never shows

    def found(self, user, query: str, filters: Filters) -> QuerySet:
        return _text_match(self.readable(user, filters), query, self.fields)

    def candidates(self, query: str) -> QuerySet:
        return _text_match(self.model.objects.all(), query, self.fields)

    def shown(self, found: QuerySet, query: str, keys: list[int]) -> QuerySet:
        """The rows of those keys, read by key alone (the keys came
        through the access rule), with what their hits show."""
        return self.shown_of(self.model.objects.filter(pk__in=keys), query)

    def shown_of(self, rows: QuerySet, query: str) -> QuerySet:
        """The rows with what their hits show."""
        rows = rows.select_related(*self.related).defer(*self.unshown)
        return _ranked(rows, query, _joined(*self.extract))


@dataclass(frozen=True)
class _OwnKind:
    """A kind matched by words in its own columns (`match`), and shown in
    the order `found` gives."""

    model: type[Model]
    found: Callable[[Any, str, Filters], QuerySet]
    match: Callable[[str], Q]
    hit: Callable[[Any, str], Hit]
    newest = None

    def candidates(self, query: str) -> QuerySet:
        return self.model.objects.filter(self.match(query))

    def shown(self, found: QuerySet, query: str, keys: list[int]) -> QuerySet:
        """The rows of those keys from `found`, which carries what the hits show."""
        return found.filter(pk__in=keys)


# What a decision's or declaration's hit never shows of its item.
_ITEM_UNSHOWN = ("item__search_vector", "item__narrative", "item__post_meeting_note")

SOURCES: dict[str, _TextKind | _OwnKind] = {
    "item": _TextKind(
        AgendaItem,
        _readable_items,
        fields=("title", "narrative", "post_meeting_note"),
        extract=("narrative", "post_meeting_note"),
        related=("meeting__committee",),
        newest=("-meeting__date", "order"),
        hit=_item_hit,
    ),
    "decision": _TextKind(
        Decision,
        _readable_decisions,
        fields=("verb", "text", "points"),
        extract=("text", "points"),
        related=("item__meeting__committee",),
        newest=("-item__meeting__date", "-pk"),
        hit=_decision_hit,
        unshown=_ITEM_UNSHOWN,
    ),
    "declaration": _TextKind(
        Declaration,
        _readable_declarations,
        fields=("name", "organisation", "interest"),
        extract=("interest",),
        related=("item__meeting__committee",),
        newest=("-item__meeting__date", "-pk"),
        hit=_declaration_hit,
        unshown=_ITEM_UNSHOWN,
    ),
    "action": _TextKind(
        Action,
        _readable_actions,
        fields=("reference", "topic", "text", "target_note"),
        extract=("topic", "text"),
        related=("committee",),
        newest=("-raised_on", "-pk"),
        hit=_action_hit,
    ),
    "incident": _TextKind(
        Incident,
        _readable_incidents,
        fields=(
            "reference",
            "title",
            "service_provider",
            "category",
            "root_cause",
            "problem_records",
        ),
        extract=("title", "root_cause", "problem_records"),
        related=(),
        newest=("-reference",),
        hit=_incident_hit,
    ),
    "meeting": _OwnKind(
        Meeting, _meetings, lambda query: _meeting_match(query, live=Q()), _meeting_hit
    ),
    "person": _OwnKind(Person, _people, _person_match, _person_hit),
}


def _kinds_with_candidates(names: list[str], query: str) -> tuple[set[str], bool]:
    """Those of the kinds with any row that matches, whoever may read it, and
    whether any minutes are being corrected (so that versions kept for
    readers may hold matches too: _kept_hits), asked in one query: a kind
    with none needs no asking who may read what (the costly part of each
    kind's search to plan and to run), nor do versions kept when none are.

    Each kind's matches are counted as far as COUNT_CAP + 1 rather than
    asked whether one exists: asked for one row, PostgreSQL reads a table
    from its start in the hope of meeting a match soon, which for a rare
    word means reading it all; asked for many, it looks the word up in the
    index (and for a common word stops as soon as it has counted them)."""
    parts, params = [], []
    correcting = Meeting.objects.filter(record__isnull=False).order_by().values("pk")[:1]
    for candidates in [
        *(
            SOURCES[name].candidates(query).order_by().values("pk")[: COUNT_CAP + 1]
            for name in names
        ),
        correcting,
    ]:
        sql, candidate_params = candidates.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) candidates)")
        params.extend(candidate_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        *found, corrections = cursor.fetchone()
    return {name for name, count in zip(names, found, strict=True) if count}, bool(corrections)


class Found(Sequence):
    """What a kind found: the rows the user may read that match (`count`
    of them, at most COUNT_CAP; `more` when there were more than that), then
    the hits found in versions kept (`then`): one sequence to count and page
    through, each row fetched only when shown.

    The keys of the matching rows are read once, as far as COUNT_CAP + 1
    (in the kind's own order, if it has one). Up to COUNT_CAP, the rows
    shown are then fetched by those keys, on PostgreSQL the best ranked
    first, elsewhere the newest: the access rule is asked once. Past it, the
    latest recorded come first, a walk back along the primary key that
    stops at the page shown: the same query of keys, compiled once
    (`_matched`), so read again but not built again."""

    def __init__(self, name: str, user, query: str, filters: Filters, *, searched=True, then=()):
        self.kind, self.query, self.then = SOURCES[name], query, list(then)
        self._find = partial(self.kind.found, user, query, filters)
        keys = []
        if searched and self.kind.newest is None:
            keys = list(self._found.values_list("pk", flat=True)[: COUNT_CAP + 1])
        elif searched and not self._matched.empty:
            with connection.cursor() as cursor:
                cursor.execute(*_first(self._matched, COUNT_CAP + 1))
                keys = [key for (key,) in cursor.fetchall()]
        self.more = len(keys) > COUNT_CAP
        self.keys = keys[:COUNT_CAP]

    @cached_property
    def _found(self) -> QuerySet:
        return self._find()

    @cached_property
    def _matched(self) -> Keys:
        """The keys of the rows found, in no order, as SQL compiled once."""
        return keys_of(self._found)

    def count(self) -> int:
        return len(self)

    def __len__(self) -> int:
        return len(self.keys) + len(self.then)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        count = len(self.keys)
        head = self._rows(start, min(stop, count)) if start < count else []
        return head + self.then[max(start - count, 0) : max(stop - count, 0)]

    def _rows(self, start: int, stop: int) -> list:
        if self.kind.newest is None:  # the keys are in the order shown
            keys = self.keys[start:stop]
            rows = {row.pk: row for row in self.kind.shown(self._found, self.query, keys)}
            return [rows[key] for key in keys if key in rows]
        if self.more:
            latest = RawSQL(*_first(self._matched, stop - start, start, latest=True))
            rows = self.kind.model.objects.filter(pk__in=latest).order_by()
            # Put in order here: ordered in SQL, Django would first hash
            # every column selected, the extracts' expressions with them.
            return sorted(self.kind.shown_of(rows, self.query), key=attrgetter("pk"), reverse=True)
        if not uses_postgres():
            shown = self.kind.shown(self._found, self.query, self.keys)
            return list(shown.order_by(*self.kind.newest)[start:stop])
        # The best ranked, chosen by key in SQL and put in order here (as above).
        ranked = self.kind.model.objects.filter(pk__in=self.keys).annotate(
            rank=SearchRank(F("search_vector"), _tsquery(self.query))
        )
        best = ranked.order_by("-rank", "-pk").values("pk")[start:stop]
        rows = self.kind.shown_of(
            self.kind.model.objects.filter(pk__in=best).order_by(), self.query
        )
        return sorted(rows, key=attrgetter("rank", "pk"), reverse=True)


def _first(keys: Keys, limit: int, offset: int = 0, *, latest=False) -> tuple[str, list]:
    """SQL and parameters for `limit` of the keys that `keys` selects (as
    "pk"), from `offset`, in no order or the latest first. The database
    plans `keys` within it as if written out there."""
    order = " ORDER BY pk DESC" if latest else ""
    sql = f"SELECT pk FROM ({keys.sql}) found{order} LIMIT %s OFFSET %s"
    return sql, [*keys.params, limit, offset]


def search(user, query: str, *, kind: str = "", filters: Filters | None = None, page=1) -> Results:
    """What the user may read that matches `query`: a count of each kind,
    and the best few of each (or, with `kind`, a page of that kind)."""
    filters = filters or Filters()
    results = Results(query=query)
    query = query.strip()
    if not query:
        return results
    names = [kind] if kind in SOURCES else list(SOURCES)
    # On the mixed page most kinds find nothing for most words, and minutes
    # are seldom being corrected.
    searched, correcting = (set(names), True) if kind else _kinds_with_candidates(names, query)
    keeps = correcting and {"item", "decision"} & set(names)
    kept = _kept_hits(user, query, filters) if keeps else {}
    for name in names:
        found = Found(
            name, user, query, filters, searched=name in searched, then=kept.get(name, [])
        )
        if found.more:
            results.capped.add(name)

        def shown(rows, hit=SOURCES[name].hit):
            return [row if isinstance(row, Hit) else hit(row, query) for row in rows]

        if kind:
            results.page = paginate(found, page, PER_PAGE)
            results.counts[name] = results.page.paginator.count
            results.hits[name] = shown(results.page.object_list)
        else:
            results.counts[name] = found.count()
            if results.counts[name]:
                results.hits[name] = shown(found[:PER_KIND])
    return results


def committees_searched(user) -> list[Committee]:
    """The committees the form offers: those with minutes the user may read,
    as they are or as kept during a correction."""
    return list(
        Committee.objects.filter(meetings__in=visible_records(user)).distinct().order_by("code")
    )
