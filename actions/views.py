"""The Actions Outstanding review: the secretary's walk through every action
open when a meeting started. Each row is its own form, saved on its own
(with htmx: the row is swapped in place), so saving one never disturbs
another."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from meetings.access import meeting_for_user
from meetings.models import Meeting
from opsg.concurrency import EditConflict

from . import selectors, services
from .forms import ReviewForm
from .models import ActionReview
from .selectors import ReviewRow


@dataclass
class Entry:
    """A row as the page shows it: the action, its form, and how the last save went."""

    row: ReviewRow
    form: ReviewForm
    saved: bool = False
    prefilled: bool = False
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
        try:
            services.action_review_record(
                action=row.action, meeting=meeting, **form.service_arguments()
            )
        except EditConflict as conflict:
            entry = _conflict(request, row, choices, conflict)
            status = 409
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"Saved the review of {row.action.reference}.")
                return redirect(reverse("review", args=[code, number]) + f"#row-{row.slug}")
            row = selectors.outstanding_for_review(meeting, slug=slug)[0]
            entry = Entry(row=row, form=ReviewForm(row=row, **choices), saved=True)
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
        theirs_by=_name(saved.history_user) if saved and saved.history_user else "",
        theirs_at=saved.history_date if saved else None,
    )


def _name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.get_username())


def _add_service_error(form: ReviewForm, error: ValidationError) -> None:
    """A rule the service enforces shows next to the field it is about, or
    above the row's form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
