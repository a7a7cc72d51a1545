"""Writes of the minutes: their lifecycle (circulate, approve, publish, open
for a correction, which keeps the document readers had), their items and
decisions (which keep the incidents' mention index), and the request for
a PDF (its render is minutes.rendering's)."""

import datetime
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.assignments import claim_assignment_notices
from actions.selectors import unreviewed_actions
from actions.services import actions_not_discussed
from actions.tasks import queue_assignment_notices
from incidents.services import incident_mentions_refresh
from meetings.access import EVERYTHING
from meetings.circulation import claim_circulation
from meetings.models import (
    AgendaItem,
    CirculationEmail,
    Committee,
    Decision,
    Meeting,
    MinutesDocument,
    MinutesRevision,
    user_name,
)
from meetings.services import queue_circulation_email
from opsg.concurrency import claim_version
from opsg.history import save_by

from . import pdf
from .models import Comment, CommentPolicy
from .selectors import minutes_document
from .tasks import queue_comment_outcome, queue_render


@transaction.atomic
def minutes_circulate(
    *,
    meeting: Meeting,
    by,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> Meeting:
    """`at`: when they went out, for minutes imported long after (default: now).
    Circulated now, everyone who may read them is emailed the link
    (meetings/circulation.py) once this transaction commits."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("minutes_circulate(at=…) needs an aware datetime.")
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError("Only draft minutes can be circulated.")
    claim_version(meeting, expected_version)
    meeting.status = Meeting.Status.CIRCULATED
    meeting.circulated_at = at or timezone.now()
    meeting.circulated_by = by
    save_by(meeting, by)
    # An `at` is a historical circulation (the importer passes one for every
    # document): those minutes went out long ago, by other means, so nobody
    # is emailed about them now. Ids only: the worker reads the meeting anew.
    if at is None:
        # The emails owed go on record with the circulation; the worker sends
        # them, or failing that the sweep (circulation.send_pending_circulations).
        claim_circulation(meeting)
        transaction.on_commit(partial(queue_circulation_email, meeting.pk), robust=True)
        # The PDF the email links to is rendered by the worker meanwhile.
        minutes_pdf_request(meeting=meeting, by=by)
        # And each owner of a new action is told of it (actions/assignments.py).
        if claim_assignment_notices(meeting):
            transaction.on_commit(partial(queue_assignment_notices, meeting.pk), robust=True)
    return meeting


@transaction.atomic
def unreviewed_carried_forward(*, meeting: Meeting, confirmed: bool) -> list[str]:
    """Before the minutes go out (circulated, approved): the actions
    outstanding that the meeting has not reviewed are refused, listed, unless
    the secretary (or chair) `confirmed` that they were not discussed; then
    each gets its row, "Not discussed at this meeting.", and stays open.
    Returns their references."""
    unreviewed = unreviewed_actions(meeting)
    references = [action.reference for action in unreviewed]
    if not unreviewed:
        return references
    if not confirmed:
        n = len(references)
        raise ValidationError(
            f"{n} open action{'s' * (n != 1)} {'has' if n == 1 else 'have'} no review at this "
            f"meeting: {', '.join(references)}. Review {'it' if n == 1 else 'each'} on the "
            f"Actions Outstanding screen, or tick that {'it was' if n == 1 else 'they were'} "
            "not discussed."
        )
    actions_not_discussed(meeting=meeting, actions=unreviewed)
    return references


@transaction.atomic
def minutes_approve(
    *, meeting: Meeting, at_meeting: Meeting | None, by, at: datetime.datetime | None = None
) -> Meeting:
    """Approval is a decision of a later meeting of the same committee, or the
    chair's own approval between meetings (at_meeting None). A later meeting's
    approval is written into its Previous Meeting Minutes item while that is a draft.
    `at`: when, for minutes imported long after (default: now). Approved now,
    everyone who may read them is told (meetings/circulation.py) once this
    transaction commits; approved long ago, nobody is."""
    if meeting.status != Meeting.Status.CIRCULATED:
        raise ValidationError("Minutes are approved once they have been circulated.")
    if at_meeting is not None and (
        at_meeting.committee_id != meeting.committee_id or at_meeting.date <= meeting.date
    ):
        raise ValidationError("Minutes are approved at a later meeting of the same committee.")
    claim_version(meeting, None)
    meeting.status = Meeting.Status.APPROVED
    meeting.approved_at = at or timezone.now()
    meeting.approved_by = by
    meeting.approved_at_meeting = at_meeting
    # The quorum in force when approved: the minutes say it ever after.
    meeting.quorum = meeting.committee.quorum
    meeting.quorum_needs_chair = meeting.committee.quorum_needs_chair
    if meeting.record is not None and meeting.record.previous_status == Meeting.Status.APPROVED:
        meeting.record = None  # readers now have the corrected minutes
    save_by(meeting, by)
    if at_meeting is not None and not at_meeting.is_frozen:
        # One decision, in the committee's words ("The OPSG AGREED the
        # minutes of OPSG_24 as a true record."), unless the item records
        # the agreement already (typed, or from an approval before).
        item = at_meeting.items.filter(standing=AgendaItem.Standing.PREVIOUS_MINUTES).first()
        agreed = item and item.decisions.filter(
            verb=Decision.Verb.AGREED, text__icontains="minutes"
        )
        if item and not agreed.exists():
            text = f"the minutes of {meeting.committee.code}_{meeting.number} as a true record."
            decision_save(item=item, verb=Decision.Verb.AGREED, text=text, points=[])
    if at is None:
        _announce(meeting, CirculationEmail.Kind.APPROVED)
    return meeting


def _announce(meeting: Meeting, kind: str) -> None:
    """The notice owed goes on record with the change; the worker sends it,
    or failing that the sweep (circulation.send_pending_circulations)."""
    claim_circulation(meeting, kind=kind)
    transaction.on_commit(partial(queue_circulation_email, meeting.pk, kind), robust=True)


@transaction.atomic
def minutes_publish(*, meeting: Meeting, by, announce: bool = True) -> Meeting:
    """Approved minutes become the published record. Everyone who may read
    them is told once this transaction commits, unless `announce` is off
    (minutes imported from a final document, published long ago)."""
    if meeting.status != Meeting.Status.APPROVED:
        raise ValidationError("Only approved minutes can be published.")
    if meeting.import_doubts:
        doubts = meeting.import_doubts
        raise ValidationError(
            f"{doubts} doubt{'s' * (doubts != 1)} the import of these minutes raised "
            f"{'is' if doubts == 1 else 'are'} not yet acknowledged: check "
            f"{'it' if doubts == 1 else 'each'} against the document on the minutes' history "
            "page, then publish."
        )
    claim_version(meeting, None)
    meeting.status = Meeting.Status.PUBLISHED
    meeting.published_at = timezone.now()
    meeting.published_by = by
    meeting.record = None  # the corrected minutes replace the version kept online
    save_by(meeting, by)
    if announce:
        _announce(meeting, CirculationEmail.Kind.PUBLISHED)
        # The published PDF is issued now, by the worker: the public page
        # offers it from the start, never a render on demand.
        minutes_pdf_request(meeting=meeting, by=by)
    return meeting


def _ordered_items(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.order_by("order", "id"))


def _write_numbers(meeting: Meeting, items: list[AgendaItem]) -> None:
    """Number items 1, 2, 3 … and sub-items 3.1, 3.2 … in their order. Only
    the items whose number or place changed are written, in two statements
    whatever their count: numbers are unique per meeting, so the changed
    ones pass through temporary values first."""
    numbers, top, sub = [], 0, 0
    for item in items:
        if item.depth == 0 or top == 0:
            top, sub = top + 1, 0
            numbers.append(str(top))
        else:
            sub += 1
            numbers.append(f"{top}.{sub}")
    changed = []
    for order, (item, number) in enumerate(zip(items, numbers, strict=True)):
        if (item.number, item.order) != (number, order * 10):
            changed.append((item, number, order * 10))
    if not changed:
        return
    for item, _number, _order in changed:
        item.number = f"tmp{item.pk}"
    AgendaItem.objects.bulk_update([item for item, _n, _o in changed], ["number"])
    for item, number, order in changed:
        item.number, item.order = number, order
    AgendaItem.objects.bulk_update([item for item, _n, _o in changed], ["number", "order"])


@transaction.atomic
def item_add(*, meeting: Meeting, title: str, sub_of: AgendaItem | None = None) -> AgendaItem:
    """Add an item at the end, or a sub-item at the end of `sub_of`'s sub-items;
    everything after it is renumbered."""
    meeting.check_writable()
    title = title.strip()
    if not title:
        raise ValidationError("Give the item a title.")
    items = _ordered_items(meeting)
    item = AgendaItem(meeting=meeting, title=title, number="999", order=0)
    if sub_of is None:
        position = len(items)
        # New items go before Any Other Business while it is the last item.
        aob = next((i for i, o in enumerate(items) if o.standing == AgendaItem.Standing.AOB), None)
        if aob is not None and all(o.depth > 0 for o in items[aob + 1 :]):
            position = aob
    else:
        parent_top = sub_of.number.split(".")[0]
        position = (
            max(i for i, other in enumerate(items) if other.number.split(".")[0] == parent_top) + 1
        )
        item.number = f"{parent_top}.999"
    item.save()
    items.insert(position, item)
    _write_numbers(meeting, items)
    incident_mentions_refresh(items=[item])  # a title may name an incident
    return item


@transaction.atomic
def item_update(*, item: AgendaItem, expected_version: int | None, **fields) -> AgendaItem:
    item.meeting.check_writable()
    claim_version(item, expected_version)
    for name, value in fields.items():
        setattr(item, name, value)
    if not item.title.strip():
        raise ValidationError({"title": "Give the item a title."})
    item.save()
    incident_mentions_refresh(items=[item])
    return item


@transaction.atomic
def item_move(*, item: AgendaItem, offset: int) -> None:
    """Move an item (with its sub-items) up or down among its siblings, then renumber."""
    item.meeting.check_writable()
    items = _ordered_items(item.meeting)
    groups: list[list[AgendaItem]] = []
    for other in items:
        if item.depth == 0:
            if other.depth == 0 or not groups:
                groups.append([other])
            else:
                groups[-1].append(other)
        else:
            groups.append([other])
    index = next(i for i, group in enumerate(groups) if group[0].pk == item.pk)
    target = index + offset
    siblings_ok = 0 <= target < len(groups) and (
        item.depth == 0 or groups[target][0].depth == item.depth
    )
    if not siblings_ok:
        return
    groups.insert(target, groups.pop(index))
    _write_numbers(item.meeting, [other for group in groups for other in group])


@transaction.atomic
def item_set_depth(*, item: AgendaItem, sub: bool) -> None:
    """Make an item a sub-item of the one before it (indent) or a top-level item (outdent)."""
    item.meeting.check_writable()
    items = _ordered_items(item.meeting)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    if sub and index == 0:
        raise ValidationError("The first item cannot be a sub-item.")
    # Only the depth matters to _write_numbers, and no item is numbered 0:
    # the item is written whatever its new number.
    item.number = "0.0" if sub else "0"
    items[index] = item
    _write_numbers(item.meeting, items)


@transaction.atomic
def item_delete(*, item: AgendaItem) -> None:
    item.meeting.check_writable()
    if item.actions.exists():
        raise ValidationError(
            "Actions were raised under this item: move or delete them before deleting the item."
        )
    meeting = item.meeting
    item.delete()
    _write_numbers(meeting, _ordered_items(meeting))


@transaction.atomic
def decision_save(
    *,
    item: AgendaItem,
    verb: str,
    text: str,
    points: list[str],
    decision: Decision | None = None,
    expected_version: int | None = None,
) -> Decision:
    item.meeting.check_writable()
    if verb not in Decision.Verb.values:
        raise ValidationError({"verb": f"Choose a verb from the list, not {verb!r}."})
    if not text.strip() and not points:
        raise ValidationError({"text": "Say what the committee decided."})
    if decision is None:
        last = item.decisions.order_by("-order").first()
        decision = Decision(item=item, order=(last.order + 1) if last else 0)
    else:
        claim_version(decision, expected_version)
    decision.verb = verb
    decision.text = text.strip()
    decision.points = [p.strip() for p in points if p.strip()]
    decision.save()
    incident_mentions_refresh(items=[item])
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    decision.item.meeting.check_writable()
    item = decision.item
    decision.delete()
    incident_mentions_refresh(items=[item])


@transaction.atomic
def minutes_revise(*, meeting: Meeting, reason: str, by) -> MinutesRevision:
    """Open approved minutes for a correction. The text as approved is kept as
    a revision with the reason; the minutes go back to draft and must be
    circulated and approved (and published) again. Meanwhile readers keep
    the version they had: the revision is the meeting's `record`, served in
    its place (with its PDF, its decisions, its actions and reviews) until
    the correction reaches the same state."""
    if not meeting.is_frozen:
        raise ValidationError("Only approved minutes need a revision; drafts can be edited.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approved minutes are being corrected."})
    last = meeting.revisions.order_by("-number").first()
    revision = MinutesRevision.objects.create(
        meeting=meeting,
        number=(last.number + 1) if last else 1,
        reason=reason.strip(),
        previous_status=meeting.status,
        snapshot=minutes_document(meeting, reader=EVERYTHING),
        version=meeting.version,
        published_at=meeting.published_at,
        classification=meeting.classification,
        kind=meeting.kind,
        created_at=timezone.now(),
        created_by=by,
    )
    revision.kept_actions.set(meeting.actions_raised.all())
    revision.kept_reviews.set(meeting.action_reviews.all())
    claim_version(meeting, None)
    meeting.status = Meeting.Status.DRAFT
    meeting.circulated_at = meeting.circulated_by = None
    meeting.approved_at = meeting.approved_by = meeting.approved_at_meeting = None
    meeting.published_at = meeting.published_by = None
    # Corrected again before an earlier correction was published: readers
    # keep the version they have, not the unpublished one in between.
    if meeting.record is None or revision.previous_status == Meeting.Status.PUBLISHED:
        meeting.record = revision
    save_by(meeting, by)
    return revision


PdfState = MinutesDocument.State


@transaction.atomic
def minutes_pdf_request(*, meeting: Meeting, by, enqueue: bool = True) -> MinutesDocument:
    """The PDF of the minutes as they are now. When nothing printed has
    changed since the last render, that stored document is returned at once;
    published minutes keep the PDF issued for their version. Otherwise a
    pending document is created and its render queued when this transaction
    commits (`enqueue=False`: the caller renders it, as render_minutes does).
    Two requests for the same minutes share one render."""
    # One request at a time per meeting (PostgreSQL; SQLite serialises writers anyway).
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee", "classification")
        .get(pk=meeting.pk)
    )
    source = pdf.minutes_source(meeting)
    current = pdf.minutes_pdf_current(meeting, source)
    if current is not None:
        return current
    document = MinutesDocument.objects.filter(
        meeting=meeting,
        minutes_version=source.version,
        source_sha256=source.sha256,
        state__in=[PdfState.PENDING, PdfState.RENDERING],
    ).first()
    if document is not None and not document.is_stuck:
        return document
    if document is None:
        document = MinutesDocument.objects.create(
            meeting=meeting,
            minutes_version=source.version,
            minutes_status=source.status,
            source_sha256=source.sha256,
            requested_at=timezone.now(),
            requested_by=by,
            task_id=str(uuid.uuid4()),
        )
    else:
        # Its worker died or its message was lost: ask again under a new task id.
        # Should the old render still finish, it no longer holds the claim and
        # discards its file.
        document.state, document.started_at = PdfState.PENDING, None
        document.requested_at, document.requested_by = timezone.now(), by
        document.task_id = str(uuid.uuid4())
        document.attempts = 0  # a person asked again: a fresh set of attempts
        document.save(
            update_fields=[
                "state",
                "started_at",
                "requested_at",
                "requested_by",
                "task_id",
                "attempts",
            ]
        )
    if enqueue:
        transaction.on_commit(partial(queue_render, document.pk, document.task_id))
    return document


# --- comments on circulated minutes (minutes/models.py: Comment) -------------------------

# simple-history's change reason is 100 characters at most.
_REASON_LENGTH = 100


@transaction.atomic
def comment_add(
    *, item: AgendaItem, author, text: str = "", passage: str = "", replacement: str = ""
) -> Comment:
    """A member's comment on an item of circulated minutes; with a
    `passage` of the item's narrative, a suggestion that it read
    `replacement` instead. Who may comment is the view's to check
    (minutes.access.comments_meeting)."""
    meeting = item.meeting
    if meeting.status != Meeting.Status.CIRCULATED:
        raise ValidationError(
            "Comments are taken only while the minutes are circulated for comments: "
            f"these minutes are {meeting.get_status_display().lower()}."
        )
    text = text.strip()
    if "\r\n" not in item.narrative:
        # A browser's textarea sends CRLF line ends; the text may have plain ones.
        passage, replacement = passage.replace("\r\n", "\n"), replacement.replace("\r\n", "\n")
    suggests = bool(passage.strip() or replacement.strip())
    if not text and not suggests:
        raise ValidationError({"text": "Write a comment, or suggest a change of wording."})
    if suggests:
        if not passage.strip():
            raise ValidationError(
                {"passage": "Copy the words of the item's text you would change."}
            )
        if passage == replacement:
            raise ValidationError({"replacement": "The new wording is the same as the old."})
        found = item.narrative.count(passage)
        if found == 0:
            raise ValidationError(
                {"passage": "Those words are not in the item's text as it stands."}
            )
        if found > 1:
            raise ValidationError(
                {"passage": "Those words appear more than once: copy a few more around them."}
            )
    return Comment.objects.create(
        item=item,
        author=author,
        text=text,
        passage=passage if suggests else "",
        replacement=replacement if suggests else "",
        state=Comment.State.PROPOSED if suggests else Comment.State.COMMENT,
        created_at=timezone.now(),
    )


def _awaiting(comment: Comment) -> Comment:
    """The suggestion, locked against a second decision, still awaiting one."""
    locked = Comment.objects.select_for_update(of=("self",)).get(pk=comment.pk)
    comment.item.meeting.check_writable()  # approved minutes are decided on
    if locked.state != Comment.State.PROPOSED:
        if locked.state == Comment.State.COMMENT:
            raise ValidationError("That is a comment, not a suggested change of wording.")
        raise ValidationError(f"That suggestion was already {locked.state}.")
    return locked


@transaction.atomic
def suggestion_accept(*, comment: Comment, by) -> Comment:
    """The secretary takes a suggested wording into the draft, through
    item_update, the item's history naming the suggestion's author; the
    author is emailed once this commits. A suggestion whose passage is no
    longer in the text (stale) is refused."""
    locked = _awaiting(comment)
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=locked.item_id)
    )
    found = item.narrative.count(locked.passage)
    if found != 1:
        raise ValidationError(
            "The item's text has changed since this suggestion was made: the words it "
            "would change are no longer there"
            + (" once only." if found else ".")
            + " Edit the item yourself, or decline the suggestion."
        )
    reason = f"Suggestion by {user_name(locked.author)} accepted by {user_name(by)}"
    item._change_reason = reason[:_REASON_LENGTH]
    item._history_user = by
    try:
        item_update(
            item=item,
            expected_version=None,
            narrative=item.narrative.replace(locked.passage, locked.replacement, 1),
        )
    finally:
        item.__dict__.pop("_change_reason", None)
        item.__dict__.pop("_history_user", None)
    return _decided(locked, Comment.State.ACCEPTED, by)


@transaction.atomic
def suggestion_decline(*, comment: Comment, by, reason: str) -> Comment:
    """The secretary declines a suggestion, saying why; the author is
    emailed once this commits."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the suggestion is declined."})
    locked = _awaiting(comment)
    locked.decline_reason = reason
    return _decided(locked, Comment.State.DECLINED, by)


def _decided(comment: Comment, state: str, by) -> Comment:
    comment.state, comment.decided_by, comment.decided_at = state, by, timezone.now()
    comment.save(update_fields=["state", "decided_by", "decided_at", "decline_reason"])
    transaction.on_commit(partial(queue_comment_outcome, comment.pk), robust=True)
    return comment


@transaction.atomic
def comment_policy_set(*, committee: Committee, visible_to_members: bool) -> CommentPolicy:
    policy, _ = CommentPolicy.objects.update_or_create(
        committee=committee, defaults={"visible_to_members": visible_to_members}
    )
    return policy
