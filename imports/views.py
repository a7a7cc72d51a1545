"""/import/: upload a minutes document, review what was read and every doubt
beside the source, then commit it in one go."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings.models import Committee, Meeting

from . import pending
from .access import (
    import_committee,
    import_committees,
    imported_document_for_user,
    pending_import_for_user,
)
from .extract import MAX_UPLOAD_BYTES, read_limited, too_large_message
from .forms import UploadForm
from .models import PendingImport
from .parsed import from_json
from .selectors import imported_before, new_to_the_record
from .services import (
    doubt_acknowledge,
    import_minutes,
    pending_import_forget,
    pending_import_reread,
    pending_import_start,
)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    committees = import_committees(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            if file.size > MAX_UPLOAD_BYTES:
                raise ValueError(too_large_message(MAX_UPLOAD_BYTES))
            data = read_limited(file)
        except ValueError as exc:
            form.add_error("file", str(exc))
        else:
            committee = form.cleaned_data["committee"]
            upload = pending_import_start(
                data=data,
                filename=file.name,
                by=request.user,
                committee=committee.code if committee else "",
                number=form.cleaned_data["number"],
            )
            if upload.state == PendingImport.State.DONE:
                return _review(request, upload)  # read in this request
            if upload.state == PendingImport.State.FAILED:
                form.add_error("file", upload.error)
                pending_import_forget(upload)
            else:
                return redirect("import-review", upload.pk)  # the worker reads it
    return render(
        request, "imports/upload.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
@require_GET
def review(request, pk):
    """What the worker read of an upload, or how far it has got."""
    upload = pending_import_for_user(request.user, pk)
    if upload.state == PendingImport.State.DONE:
        return _review(request, upload)
    if upload.state == PendingImport.State.FAILED:
        # Left for the sweep to forget: a GET writes nothing.
        form = UploadForm(committees=import_committees(request.user))
        context = {"form": form, "failed": upload}
        return render(request, "imports/upload.html", context, status=422)
    return render(request, "imports/reading.html", {"upload": upload})


@login_required
@require_GET
def progress(request, pk):
    """The reading's progress, polled by the page; once the reading is over,
    htmx reloads the page to show what was read (or why it could not be)."""
    upload = pending_import_for_user(request.user, pk)
    if upload.state in (PendingImport.State.DONE, PendingImport.State.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_reading.html", {"upload": upload})


def _review(request, upload: PendingImport, error: str = "", status: int = 200):
    parsed = from_json(upload.parsed)
    try:
        data, _ = pending.load(upload.token)
    except ValueError as gone:  # its file was forgotten meanwhile
        raise Http404(str(gone)) from None
    flagged = {flag.line for flag in parsed.flags}
    lines = [(n, line, n in flagged) for n, line in enumerate(upload.text.split("\n"), start=1)]
    committee = upload.committee
    return render(
        request,
        "imports/review.html",
        {
            "parsed": parsed,
            "counts": parsed.counts(),
            "new": new_to_the_record(parsed, committee),
            "lines": lines,
            "token": str(upload.pk),
            "committee": committee or parsed.committee,
            "chosen": committee,
            "chosen_number": upload.number,
            "committees": import_committees(request.user),
            "error": error,
            "before": imported_before(request.user, data),
            # The ticks of a refused commit stay ticked.
            "acknowledged": set(request.POST.getlist("acknowledge")),
        },
        status=status,
    )


@login_required
@require_GET
def source(request, code, number, pk):
    """The document a meeting was imported from, as uploaded."""
    document = imported_document_for_user(request.user, code, number, pk)
    return FileResponse(document.source.open("rb"), as_attachment=True, filename=document.filename)


@login_required
@require_POST
def commit(request):
    import_committees(request.user)  # 403 for anyone who may import nowhere
    try:
        upload = pending_import_for_user(request.user, request.POST.get("token", ""))
        if upload.state != PendingImport.State.DONE:
            return redirect("import-review", upload.pk)
        chosen = request.POST.get("committee", "")
        number = _number(request.POST.get("number", ""))
        parsed = from_json(upload.parsed)
        if chosen and chosen not in {c.code for c in import_committees(request.user)}:
            error = f"You may not import into {chosen!r}: choose one of your committees."
            return _review(request, upload, error, status=422)
        # The committee matters to the reading only where the document names
        # none (its actions are numbered under the one chosen).
        from_the_form = not parsed.committee or parsed.committee == upload.committee.upper()
        if (number is not None and number != upload.number) or (
            chosen != upload.committee and from_the_form
        ):
            # Read again with what was chosen, and show what that reads: the
            # doubts ticked were those of the reading before.
            upload = pending_import_reread(upload, committee=chosen, number=number)
            return redirect("import-review", upload.pk)
        data, name = pending.load(upload.token)
    except (Http404, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("import")
    code = chosen or parsed.committee
    if not Committee.objects.filter(code__iexact=code).exists():
        error = (
            f"There is no committee {code!r} here: choose the committee these minutes belong to."
            if code
            else "The document does not name its committee: choose it."
        )
        return _review(request, upload, error, status=422)
    committee = import_committee(request.user, code)
    try:
        outcome = import_minutes(
            parsed=parsed,
            source=data,
            filename=name,
            by=request.user,
            committee=committee.code,
            acknowledged={int(n) for n in request.POST.getlist("acknowledge") if n.isdigit()},
        )
    except ValidationError as exc:
        return _review(request, upload, " ".join(exc.messages), status=422)
    pending_import_forget(upload)
    meeting = outcome.meeting
    if outcome.created:
        doubts = meeting.import_doubts
        check = (
            f" {doubts} doubt{'s' * (doubts != 1)} {'is' if doubts == 1 else 'are'} left to "
            "acknowledge on its history page before it can be published."
            if doubts
            else ""
        )
        kept = {
            Meeting.Status.DRAFT: ", as the draft it is: members read it once you circulate it",
            Meeting.Status.APPROVED: ", approved as its document states",
        }.get(meeting.status, "")
        messages.success(request, f"Imported {meeting} from {name}{kept}.{check}")
    else:
        messages.info(request, f"{meeting} was imported from this file before: nothing changed.")
    return redirect("minutes", meeting.committee.code, meeting.number)


def _number(value: str) -> int | None:
    """The meeting number typed on the review screen, where the document
    gives none; anything but a number from 1 to 9999 is none."""
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else None


@login_required
@require_POST
def acknowledge_doubt(request, code, number, pk, position):
    """The secretary or chair has checked one doubt of an import against the
    document: it is marked so, with who and when."""
    document = imported_document_for_user(request.user, code, number, pk)
    try:
        document = doubt_acknowledge(document=document, position=position, by=request.user)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from None
    flag = document.flags[position]
    if request.htmx:
        context = {"document": document, "flag": flag, "position": position, "oob": True}
        return render(request, "imports/_doubt.html", context | {"code": code, "number": number})
    messages.success(request, f"Doubt at line {flag['line']} acknowledged.")
    return redirect(reverse("meeting-history", args=[code, number]) + "#import-doubts")
