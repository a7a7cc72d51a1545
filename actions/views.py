"""The Actions Outstanding review: the secretary's walk through every action
open when a meeting started. Each row is its own form, saved on its own
(with htmx: the row is swapped in place), so saving one never disturbs
another."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from meetings.access import (
    can_read_item,
    meeting_for_user,
    visible_records,
    writes,
)
from meetings.models import Meeting, user_name
from meetings.selectors import committees_for_user
from opsg.concurrency import EditConflict

from . import exports, ical, selectors, services
from .access import (
    action_for_user,
    can_see_action,
    can_update_action,
    feed_token_by_secret,
    feed_token_for_user,
    person_of,
    staff_only,
    visible_actions,
    visible_and_known,
    visible_reviews,
)
from .forms import FeedForm, OwnerUpdateForm, ReminderRunForm, ReviewForm
from .known import KnownFigures, known_figures
from .log_rows import log_rows
from .models import Action, ActionReview, FeedToken
from .selectors import ReviewRow


@dataclass
class Entry:
    """A row as the page shows it: the action, its form, and how the last save went."""

    row: ReviewRow
    form: ReviewForm
    saved: bool = False
    prefilled: bool = False
    # After a save over htmx: the rows the meeting has reviewed, for the
    # page's count (sent out of band with the row).
    reviewed_so_far: int | None = None
    # On a conflict: the review someone else saved, and who saved it when.
    theirs: ActionReview | None = None
    theirs_by: str = ""
    theirs_at: object = None


@require_GET
@login_required
def review(request, code, number):
    meeting = meeting_for_user(request.user, code, number, write=True)
    return _page(request, meeting)


@require_POST
@login_required
def review_row(request, code, number, slug):
    meeting = meeting_for_user(request.user, code, number, write=True)
    rows = selectors.outstanding_for_review(meeting, slug=slug)
    if not rows:
        raise Http404("That action was not outstanding at this meeting.")
    row = rows[0]
    choices = dict(
        successors=selectors.successor_choices(meeting, rows),
        committees=selectors.transfer_choices(meeting),
    )
    form = ReviewForm(request.POST, row=row, **choices)
    entry = Entry(row=row, form=form)
    status = 422
    if form.is_valid():
        arguments = form.service_arguments()
        try:
            review = services.action_review_record(action=row.action, meeting=meeting, **arguments)
        except EditConflict as conflict:
            entry = _conflict(request, row, choices, conflict)
            status = 409
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"Saved the review of {row.action.reference}.")
                return redirect(reverse("review", args=[code, number]) + f"#row-{row.slug}")
            first = row.review is None  # this save adds to the meeting's reviewed rows
            reviewed = row.action.reviewed_at_meeting + first
            row = selectors.row_after_save(row, review, arguments["owner_updates"])
            form = ReviewForm(row=row, **choices)
            entry = Entry(row=row, form=form, saved=True, reviewed_so_far=reviewed)
            status = 200
    if request.htmx:
        return render(
            request,
            "actions/_review_row.html",
            {"meeting": meeting, "entry": entry},
            status=status,
        )
    # Without script the whole page comes back, this row with what was typed.
    return _page(request, meeting, posted=entry, status=409 if status == 409 else 200)


def _page(request, meeting: Meeting, *, posted: Entry | None = None, status: int = 200):
    rows = selectors.outstanding_for_review(meeting)
    choices = dict(
        successors=selectors.successor_choices(meeting, rows),
        committees=selectors.transfer_choices(meeting),
    )
    use = request.GET.get("use", "")
    entries = []
    for row in rows:
        if posted is not None and posted.row.slug == row.slug:
            entries.append(posted)
            continue
        # "Use this update" without script: the row comes back filled in from it.
        update = next((u for u in row.pending if str(u.pk) == use), None)
        form = ReviewForm(row=row, initial_from_update=update, **choices)
        entries.append(Entry(row=row, form=form, prefilled=update is not None))
    return render(
        request,
        "actions/review.html",
        {
            "meeting": meeting,
            "entries": entries,
            "reviewed": sum(1 for entry in entries if entry.row.review is not None),
        },
        status=status,
    )


def _conflict(request, row: ReviewRow, choices: dict, conflict: EditConflict) -> Entry:
    """The row as the user typed it, now carrying the version the other person
    saved, so that once merged it saves; their review is shown beside it."""
    theirs = conflict.current
    data = request.POST.copy()
    data[f"{row.slug}-version"] = str(theirs.version)
    form = ReviewForm(data, row=row, **choices)
    form.is_valid()
    form.add_error(None, conflict)
    saved = theirs.history.select_related("history_user__person").first()
    return Entry(
        row=row,
        form=form,
        theirs=theirs,
        theirs_by=user_name(saved.history_user) if saved and saved.history_user else "",
        theirs_at=saved.history_date if saved else None,
    )


def _add_service_error(form: ReviewForm, error: ValidationError) -> None:
    """A rule the service enforces shows next to the field it is about, or
    above the row's form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- one action: its page, and owners' updates ----------------------------------


@require_GET
@login_required
def detail(request, slug):
    action, known = _as_known(request.user, action_for_user(request.user, slug))
    may_update = action.is_open and can_update_action(request.user, action)
    form = OwnerUpdateForm(action=action) if may_update else None
    return _detail(request, action, known, form)


@require_POST
@login_required
def update_submit(request, slug):
    # Refused as closed only when the user may know it closed: one closed in a
    # draft they may not read takes the update, which waits for the secretary.
    # (The service never saves the action, so its known state stays unwritten.)
    action, known = _as_known(request.user, action_for_user(request.user, slug, update=True))
    form = OwnerUpdateForm(request.POST, action=action)
    if form.is_valid():
        try:
            services.owner_update_submit(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(
                request,
                f"Your update on {action.reference} was sent. The secretary will take it into "
                "the review at the next meeting; until then the action is unchanged.",
            )
            return redirect(reverse("action-detail", args=[action.slug]) + "#updates")
    # What was typed comes back with the messages next to the fields.
    return _detail(request, action, known, form)


def _as_known(user, action: Action) -> tuple[Action, KnownFigures]:
    """The action in the state the reviews the user may read left it in."""
    known = known_figures(user, Action.objects.filter(pk=action.pk))
    known.apply([action])
    return action, known


def _detail(request, action, known: KnownFigures, form: OwnerUpdateForm | None):
    # What is shown through the action passes the rule of the object it came
    # from: its reviews, the item it was raised under, the action that
    # superseded it and those it superseded.
    user = request.user
    # Its audit trail records what draft reviews changed: for the writers.
    history_shown = writes(user, action.committee)
    detail = selectors.action_detail(
        action,
        reviews=visible_reviews(user).filter(action=action),
        kept=known.kept.get(action.pk, []),
        actions=visible_actions(user),
        with_history=history_shown,
    )
    successor = action.superseded_by
    # Which minutes it links to, where it was raised and where reviewed: one look.
    # (Minutes being corrected link to the version their reader keeps.)
    readable = set(
        visible_records(user)
        .filter(pk__in=[action.meeting_id, *(r.meeting_id for r in detail.reviews)])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "actions/detail.html",
        {
            "detail": detail,
            "action": action,
            "form": form,
            "history_shown": history_shown,
            # Links to minutes only where the user may read them.
            "raised_visible": action.meeting_id in readable,
            "item_visible": action.item is not None and can_read_item(user, action.item),
            "successor_visible": successor is not None and can_see_action(user, successor),
            "visible_meetings": readable,
        },
    )


# --- private calendar feeds ---------------------------------------------------


@require_GET
@login_required
def feeds(request):
    return _feeds_page(request, FeedForm(committees=list(committees_for_user(request.user))))


@require_POST
@login_required
def feed_create(request):
    form = FeedForm(request.POST, committees=list(committees_for_user(request.user)))
    if not form.is_valid():
        return _feeds_page(request, form, status=400)
    feed = services.feed_token_create(user=request.user, **form.service_arguments())
    messages.success(request, f"New feed made: {_feed_label(feed)}. Copy its address below.")
    return redirect(reverse("action-feeds") + f"#feed-{feed.pk}")


@require_POST
@login_required
def feed_revoke(request, pk):
    feed = feed_token_for_user(request.user, pk)
    services.feed_token_revoke(feed=feed)
    messages.success(request, f"Revoked: {_feed_label(feed)}. Its address no longer works.")
    return redirect("action-feeds")


def _feeds_page(request, form: FeedForm, status: int = 200):
    tokens = selectors.feeds_for_user(request.user)
    return render(
        request,
        "actions/feeds.html",
        {
            "form": form,
            "active": [
                (t, url, _webcal(url), _feed_label(t))
                for t in tokens
                if t.is_active
                for url in [_feed_url(request, t)]
            ],
            "revoked": [(t, _feed_label(t)) for t in tokens if not t.is_active],
        },
        status=status,
    )


def _feed_label(feed: FeedToken) -> str:
    if feed.kind == FeedToken.Kind.MEETINGS:
        return f"meetings of {feed.committee.code}"
    return "target dates of my actions"


def _webcal(url: str) -> str:
    """The feed's address as a calendar subscription link: calendar
    applications open webcal:// and subscribe, rather than download once."""
    return "webcal://" + url.split("://", 1)[1]


def _feed_url(request, feed: FeedToken) -> str:
    name = "feed-meetings" if feed.kind == FeedToken.Kind.MEETINGS else "feed-actions"
    return request.build_absolute_uri(reverse(name, args=[feed.token]))


@login_not_required
@require_GET
def meetings_feed(request, token):
    feed = feed_token_by_secret(token, FeedToken.Kind.MEETINGS)
    committee = feed.committee
    body = ical.meetings_calendar(
        selectors.meetings_for_feed(feed.user, committee),
        name=f"{committee.code} meetings",
        host=request.get_host(),
        minutes_url=lambda m: request.build_absolute_uri(
            reverse("minutes", args=[committee.code, m.number])
        ),
        agenda_url=lambda m: request.build_absolute_uri(
            reverse("agenda", args=[committee.code, m.number])
        ),
    )
    return _calendar_response(body, feed)


@login_not_required
@require_GET
def actions_feed(request, token):
    feed = feed_token_by_secret(token, FeedToken.Kind.ACTIONS)
    actions = visible_actions(feed.user)
    body = ical.actions_calendar(
        selectors.actions_for_feed(actions, feed.user, known=known_figures(feed.user, actions)),
        name="My actions: target dates",
        host=request.get_host(),
        detail_url=lambda a: request.build_absolute_uri(reverse("action-detail", args=[a.slug])),
    )
    return _calendar_response(body, feed)


def _calendar_response(body: bytes, feed: FeedToken) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{feed.filename}"'
    # The URL is the credential: keep the feed out of shared caches.
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- action log ---------------------------------------------------------------

# The log's columns whose heading sorts by them (their ?sort= keys).
_SORTABLE = ("reference", "owner", "raised", "target", "overdue", "slips")


@require_GET
@login_required
def action_log(request):
    """The action log, and "My actions" (?owner=mine) on the same page."""
    log = _log(request)
    summary = selectors.log_summary(log)
    page = selectors.log_page(log, request.GET.get("page"), total=summary.total)
    mine = log.filterset.is_mine
    _with_urls(page.object_list)
    # "My actions": each row its committee's next meeting (next_meeting).
    notes = selectors.next_meeting_notes(log, rows=page.object_list) if mine else []
    return render(
        request,
        "actions/log.html",
        {
            "log": log,
            "filter": log.filterset,
            "summary": summary,
            "many_slips": selectors.MANY_SLIPS,
            "page": page,
            "rows": log_rows(page.object_list, today=log.today, mine=mine),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "columns": _columns(log.filterset.current_sort),
            "mine": mine,
            "notes": notes,
            "unlinked": mine and person_of(request.user) is None,
        },
    )


# A slug the action's route takes, standing for each action's own.
_ANY_SLUG = "x-0-0"


def _with_urls(actions) -> None:
    """Each of `actions` its page's address (`url`), from one reverse of the
    route: reversing it on each of the log's 50 rows took a tenth of the
    page. Slugs are letters, digits and dashes: nothing to quote."""
    head, _, tail = reverse("action-detail", args=[_ANY_SLUG]).rpartition(_ANY_SLUG)
    for action in actions:
        action.url = f"{head}{action.slug}{tail}"


def _log(request) -> selectors.ActionLog:
    """The log as the query string asks, of what the user may see and know."""
    actions, known = visible_and_known(request.user)
    return selectors.action_log(
        actions,
        known=known,
        data=request.GET,
        request=request,
    )


def _columns(current: str) -> dict[str, dict]:
    """Per sortable column: the sort its heading links to (the reverse of the
    current one when it is this column's) and its aria-sort."""
    columns = {}
    for key in _SORTABLE:
        if current == key:
            columns[key] = {"next": f"-{key}", "aria": "ascending"}
        elif current == f"-{key}":
            columns[key] = {"next": key, "aria": "descending"}
        else:
            columns[key] = {"next": key, "aria": ""}
    return columns


@require_GET
@login_required
def action_owners(request):
    actions, known = visible_and_known(request.user)
    summary = selectors.owners_summary(actions, known=known, data=request.GET, request=request)
    return render(request, "actions/owners.html", {"summary": summary, "filter": summary.filterset})


@require_GET
@login_required
def action_export_csv(request):
    log = _log(request)
    response = StreamingHttpResponse(
        exports.csv_lines(selectors.log_export_rows(log, visible_reviews(request.user))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(log, "csv")}"'
    return response


@require_GET
@login_required
def action_export_xlsx(request):
    log = _log(request)
    body = exports.xlsx_bytes(selectors.log_export_rows(log, visible_reviews(request.user)))
    response = HttpResponse(body, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(log, "xlsx")}"'
    return response


def _export_name(log, extension: str) -> str:
    return f"actions-{log.today:%Y-%m-%d}.{extension}"


# --- the day's reminder run (staff) -------------------------------------------


@require_GET
@login_required
def reminder_runs(request):
    """What the reminder job did on a day (?day=YYYY-MM-DD, default today):
    sent, failed with the error, claimed and not sent, and the owners it
    could not reach."""
    staff_only(request.user)
    today = timezone.localdate()
    form = ReminderRunForm({"day": today.isoformat(), "state": ""} | request.GET.dict())
    day, state = today, ""
    if form.is_valid():
        day = form.cleaned_data["day"] or today
        state = form.cleaned_data["state"]
    run = selectors.reminder_run(day, state=state, page=request.GET.get("page"))
    return render(
        request,
        "actions/reminder_runs.html",
        {
            "form": form,
            "run": run,
            "state": state,
            "today": today,
            "page_range": run.page.paginator.get_elided_page_range(run.page.number, on_each_side=2),
        },
    )
