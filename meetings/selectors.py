"""Reads of meetings that every app above them shares: which committees and
meetings a user has, and how the audit trail names their records."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from opsg.history import Namer

from .access import records_read_by, visible_agenda_entries, visible_agendas
from .models import (
    Agenda,
    AgendaEntry,
    AgendaItem,
    AgendaPack,
    Committee,
    Meeting,
    Paper,
    PaperVersion,
    user_name,
)


def committees_for_user(user) -> QuerySet[Committee]:
    if user.is_authenticated and user.is_staff:
        return Committee.objects.all()
    if not user.is_authenticated:
        return Committee.objects.none()
    return Committee.objects.filter(roles__person__user=user).distinct()


def meetings_for_committee(user, committee: Committee) -> QuerySet[Meeting]:
    """Meetings of a committee whose minutes the user may read, as they are
    or as kept during a correction (access.visible_records), newest first;
    `live`: the user reads them as they are."""
    return (
        records_read_by(user)
        .filter(committee=committee)
        .select_related("committee", "classification", "record")
        .order_by("-number")
    )


def history_namers(item_name: Callable[[AgendaItem], str] | None = None) -> dict:
    """How the audit trail (opsg.history) names the records a change links
    to: a meeting with its committee, an agenda item by `item_name` (default
    "item 4"), a login as the committee knows them."""
    return {
        Meeting: Namer(("committee",)),
        AgendaItem: Namer(("meeting__committee",), item_name or (lambda i: f"item {i.number}")),
        get_user_model(): Namer(("person",), user_name),
    }


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's meeting before this one, by date then number."""
    return (
        Meeting.objects.filter(committee=meeting.committee, date__lt=meeting.date)
        .select_related("committee")
        .order_by("-date", "-number")
        .first()
    )


# --- the agenda and papers before a meeting --------------------------------------------


def next_agenda(user, committee: Committee, today: datetime.date) -> Meeting | None:
    """The next meeting (today or later) whose agenda the user may read: for
    members, a published agenda; for the secretary and chair, one to draft
    as well. One query."""
    return (
        visible_agendas(user)
        .filter(committee=committee, date__gte=today)
        .select_related("committee", "agenda")
        .order_by("date", "number")
        .first()
    )


def agenda_entries(user, meeting: Meeting) -> list[AgendaEntry]:
    """The items of the meeting's agenda the user may read, each with its
    papers and every version of them (newest first): three queries however
    many items and papers."""
    versions = PaperVersion.objects.select_related("uploaded_by__person").order_by("-number")
    papers = Paper.objects.order_by("created_at", "id").prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    return list(
        visible_agenda_entries(user)
        .filter(meeting=meeting)
        .select_related("classification")
        .prefetch_related(Prefetch("papers", queryset=papers))
        .order_by("sort_key", "id")
    )


def agenda_withheld_numbers(user, meeting: Meeting) -> list[str]:
    """The numbers of the agenda's items the user may not read (taken in
    confidence, or for a narrower audience): said by number only. One query."""
    readable = visible_agenda_entries(user).filter(meeting=meeting).values("pk")
    return list(
        meeting.agenda_entries.exclude(pk__in=readable)
        .order_by("sort_key", "id")
        .values_list("number", flat=True)
    )


@dataclass
class PackStatus:
    """What the pack's part of the agenda page shows: the pack of the agenda
    as it is now, or the last one made (stale) while the next is built."""

    agenda: Agenda | None
    latest: AgendaPack | None
    current: AgendaPack | None
    previous: AgendaPack | None

    @property
    def in_progress(self) -> bool:
        return (
            self.latest is not None
            and self.latest.state in (AgendaPack.State.PENDING, AgendaPack.State.BUILDING)
            and not self.latest.is_stuck
        )

    @property
    def failed(self) -> bool:
        return (
            self.current is None
            and self.latest is not None
            and (self.latest.state == AgendaPack.State.FAILED or self.latest.is_stuck)
        )


def agenda_pack_status(meeting: Meeting) -> PackStatus:
    """Two queries: the latest request, and the latest pack built."""
    agenda = getattr(meeting, "agenda", None)
    if agenda is None:
        return PackStatus(agenda=None, latest=None, current=None, previous=None)
    packs = AgendaPack.objects.filter(agenda=agenda).select_related("agenda__meeting__committee")
    latest = packs.order_by("-requested_at", "-id").first()
    done = packs.filter(state=AgendaPack.State.DONE).order_by("-built_at", "-id").first()
    current = done if done is not None and done.agenda_version == agenda.version else None
    return PackStatus(agenda=agenda, latest=latest, current=current, previous=done)
