import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from actions import ical
from actions import services as actions_services
from actions.assignments import notices_owed
from actions.selectors import feed_meeting, unreviewed_actions
from actions.services import action_raise, action_update
from declarations import services as declarations_services
from declarations.access import declaration_in
from declarations.forms import DeclarationForm
from incidents import services as incidents_services
from incidents.access import incident_review_in
from incidents.forms import PUBLISH_CHOICES, IncidentReviewForm
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.access import (
    action_in,
    action_under,
    agenda_entry_in,
    agenda_for_user,
    attendance_in,
    calendar_meeting_for_user,
    can_export_minutes,
    can_read_sources,
    committee_for_user,
    decision_in,
    holds_a_role,
    is_chair,
    is_secretary,
    item_in,
    meeting_for_user,
    modification_for_user,
    paper_in,
    paper_version_for_user,
    print_reader,
    published_meeting,
    readable_item_in,
    reader_for,
    record_for_user,
    revision_in,
)
from meetings.circulation import circulation_mailing
from meetings.markdown import render_markdown
from meetings.models import Classification, Decision, Meeting
from opsg.concurrency import EditConflict
from opsg.pagination import page_range, paginate

from . import attendance_record, brief, changes, docx, pdf, selectors, services
from . import glance as selectors_glance
from .access import comment_in, comments_meeting, may_comment
from .forms import (
    ActionForm,
    AgendaEntryForm,
    ApproveForm,
    AttendanceAddForm,
    AttendanceForm,
    AttendanceMoveForm,
    CommentForm,
    CommentPolicyForm,
    DecisionForm,
    DeclineForm,
    ItemAddForm,
    ItemForm,
    MeetingForm,
    PaperForm,
    PeriodForm,
    ReviseForm,
)

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
def home(request):
    committees = [
        {
            "committee": committee,
            "awaiting": selectors.awaiting(
                committee,
                secretary=is_secretary(request.user, committee),
                chair=is_chair(request.user, committee),
            ),
            "meetings": meeting_selectors.meetings_for_committee(request.user, committee)[:5],
            "open_actions": selectors.open_actions_for_committee(request.user, committee),
            "agenda": meeting_selectors.next_agenda(request.user, committee, timezone.localdate()),
        }
        for committee in meeting_selectors.committees_for_user(request.user)
    ]
    mine = None
    if request.user.is_authenticated:
        mine = selectors.my_actions(request.user, today=timezone.localdate())
    return render(request, "meetings/home.html", {"committees": committees, "mine": mine})


@require_GET
@login_required
def committee_detail(request, code):
    committee = committee_for_user(request.user, code)
    sees_actions = holds_a_role(request.user, committee)
    return render(
        request,
        "meetings/committee.html",
        {
            "committee": committee,
            "meetings": meeting_selectors.meetings_for_committee(request.user, committee),
            "sees_actions": sees_actions,
            "open_actions": selectors.open_actions_for_committee(request.user, committee)
            if sees_actions
            else [],
            "can_add": is_secretary(request.user, committee),
        },
    )


@require_GET
@login_required
def committee_glance(request, code):
    committee = committee_for_user(request.user, code)
    glance = selectors_glance.committee_glance(request.user, committee, today=timezone.localdate())
    return render(
        request,
        "meetings/glance.html",
        {"glance": glance, "committee": committee, "chart_data": glance.chart_data()},
    )


@require_GET
@login_required
def committee_brief(request, code):
    committee = committee_for_user(request.user, code)
    found = brief.committee_brief(request.user, committee, today=timezone.localdate())
    return render(request, "meetings/brief.html", {"brief": found, "committee": committee})


@require_GET
@login_required
def committee_attendance(request, code):
    form, period, record = _attendance(request, code)
    # The CSV links carry the period shown: none when it could not be read.
    query = urlencode({k: v for k, v in period.items() if v}) if period else ""
    return render(
        request,
        "meetings/attendance_record.html",
        {"record": record, "form": form, "query": query},
    )


@require_GET
@login_required
def committee_attendance_csv(request, code):
    form, _, record = _attendance(request, code)
    if form.errors:
        return HttpResponse(
            " ".join(error for errors in form.errors.values() for error in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    committee = record.committee
    by_organisation = request.GET.get("table") == "organisations"
    rows = (
        attendance_record.organisation_rows(record)
        if by_organisation
        else attendance_record.people_rows(record)
    )
    response = HttpResponse(
        attendance_record.csv_text(rows), content_type="text/csv; charset=utf-8"
    )
    name = f"{committee.code}-attendance-{'organisations' if by_organisation else 'people'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _attendance(request, code):
    """The period asked for (none when it cannot be read) and the committee's
    attendance record over it, for the page and its CSVs."""
    committee = committee_for_user(request.user, code)
    form = PeriodForm(request.GET or None)
    period = form.cleaned_data if form.is_valid() else {}
    record = attendance_record.attendance_record(
        request.user,
        committee,
        date_from=period.get("date_from"),
        date_to=period.get("date_to"),
    )
    return form, period, record


@require_GET
def meeting_ics(request, code, number):
    """The meeting as one calendar event, for whoever reads its minutes or its agenda."""
    meeting = calendar_meeting_for_user(request.user, code, number)
    at = [meeting.committee.code, number]
    body = ical.meetings_calendar(
        [feed_meeting(meeting, minutes=meeting.reads_minutes, agenda=meeting.reads_agenda)],
        name=str(meeting),
        host=request.get_host(),
        minutes_url=lambda m: request.build_absolute_uri(reverse("minutes", args=at)),
        agenda_url=lambda m: request.build_absolute_uri(reverse("agenda", args=at)),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    name = f"{meeting.committee.code}_{meeting.number}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def minutes(request, code, number):
    meeting = record_for_user(request.user, code, number)
    if not meeting.live:
        return _record_page(request, meeting, reader_for(request.user, meeting.committee))
    page = selectors.minutes_page(meeting, reader=reader_for(request.user, meeting.committee))
    meeting = page["meeting"]
    secretary = is_secretary(request.user, meeting.committee)
    chair = is_chair(request.user, meeting.committee)
    # What the circulate or approve step would ask about, for whoever may take it.
    steps = (secretary and meeting.status == Meeting.Status.DRAFT) or (
        chair and meeting.status == Meeting.Status.CIRCULATED
    )
    return render(
        request,
        "meetings/minutes.html",
        {
            **page,
            "is_secretary": secretary,
            "is_chair": chair,
            # A link to the comments on the minutes (minutes.access), for those who comment.
            "may_comment": may_comment(request.user, meeting),
            "unreviewed": unreviewed_actions(meeting) if steps else [],
            "approve_form": ApproveForm(meeting=meeting),
            "revise_form": ReviseForm(),
        },
    )


def _record_page(request, meeting: Meeting, reader, *, public: bool = False):
    """The version readers keep while the minutes are being corrected."""
    return render(
        request,
        "meetings/record.html",
        {
            "meeting": meeting,
            "doc": selectors.record_document(meeting, reader=reader),
            "pdf": selectors.issued_pdf(meeting),
            "public": public,
        },
    )


@require_GET
def minutes_json(request, code, number):
    meeting = record_for_user(request.user, code, number)
    reader = reader_for(request.user, meeting.committee)
    if meeting.live:
        document = selectors.minutes_document(meeting, reader=reader)
    else:
        document = selectors.record_document(meeting, reader=reader)
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_GET
@login_required
def minutes_pdf(request, code, number):
    """The stored PDF of the minutes as they are now. While there is none, the
    PDF page, which shows a render under way or offers to start one. To a
    reader of the version kept during a correction, that version's PDF."""
    meeting = record_for_user(request.user, code, number)
    if not meeting.live:
        response = _pdf_download(selectors.issued_pdf(meeting))
        if response is None:
            messages.error(request, "No PDF of this version of the minutes is stored.")
            return redirect("minutes", meeting.committee.code, meeting.number)
        return response
    document = pdf.minutes_pdf_current(meeting)
    response = _pdf_download(document)
    if response is None:
        if document is not None:
            messages.error(request, "The stored PDF could not be found: export it again.")
        return redirect("minutes-pdf-status", meeting.committee.code, meeting.number)
    return response


def _pdf_download(document) -> FileResponse | None:
    """A stored PDF as a download; None when there is none, or its file is gone."""
    if document is None:
        return None
    try:
        stored = document.file.open("rb")
    except FileNotFoundError:
        logger.error(
            "Stored PDF %s of %s is missing from disk", document.file.name, document.meeting
        )
        return None
    return FileResponse(
        stored, as_attachment=True, filename=document.download_name, content_type="application/pdf"
    )


@login_required
@require_http_methods(["GET", "POST"])
def minutes_pdf_status(request, code, number):
    """GET: the PDF's progress (htmx polls it while a render is under way).
    POST ("Export PDF", "Retry"): the chair or the secretary asks for it."""
    if request.method == "POST":
        meeting = meeting_for_user(request.user, code, number, export=True)
        services.minutes_pdf_request(meeting=meeting, by=request.user)
        return redirect("minutes-pdf-status", meeting.committee.code, meeting.number)
    meeting = meeting_for_user(request.user, code, number)
    context = {
        "meeting": meeting,
        "pdf": pdf.minutes_pdf_status(meeting),
        "can_export": can_export_minutes(request.user, meeting.committee),
    }
    if request.htmx:
        return render(request, "meetings/_pdf_status.html", context)
    return render(request, "meetings/minutes_pdf.html", context)


# --- the public page: no login ------------------------------------------------


@login_not_required
@require_GET
def published(request):
    """Published minutes whose classification lets anyone read them."""
    page = selectors.published_page(request.GET.get("page"))
    return render(
        request, "meetings/published.html", {"page": page, "page_range": page_range(page)}
    )


@login_not_required
@require_GET
def published_detail(request, code, number):
    meeting = published_meeting(code, number)
    if not meeting.live:  # being corrected: the version published
        return _record_page(request, meeting, print_reader(meeting), public=True)
    # The published version, as its public PDF prints it, whoever is signed in.
    page = selectors.minutes_page(meeting, reader=print_reader(meeting))
    context = {**page, "public": True, "public_pdf": selectors.issued_pdf(meeting)}
    return render(request, "meetings/minutes.html", context)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def minutes_docx(request, code, number):
    """The minutes as a Word file, as their PDF prints them."""
    return _docx_download(record_for_user(request.user, code, number))


@login_not_required
@require_GET
def published_docx(request, code, number):
    """Published minutes as a Word file, for anyone who may read them."""
    return _docx_download(published_meeting(code, number))


def _docx_download(meeting: Meeting) -> HttpResponse:
    document = selectors.printed_document(meeting)
    response = HttpResponse(docx.minutes_docx(meeting, document), content_type=DOCX_TYPE)
    name = docx.file_name(meeting, document)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_not_required
@require_GET
def published_pdf(request, code, number):
    response = _pdf_download(selectors.issued_pdf(published_meeting(code, number)))
    if response is None:
        raise Http404("No PDF of these minutes has been issued yet.")
    return response


@login_not_required
@require_GET
def healthz(request):
    """For load balancers and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- the secretary's drafting workspace -----------------------------------------


def _edit_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meeting-edit", args=[meeting.committee.code, meeting.number])
    return f"{url}#{anchor}" if anchor else url


def _errors(exc: ValidationError) -> list[str]:
    return [message for message in exc.messages]


def _workspace(request, meeting: Meeting, **extra) -> dict:
    meeting = selectors.editor_meeting(meeting)
    attendance = selectors.attendance_lists(meeting)
    return {
        "meeting": meeting,
        "attendance": attendance,
        "quorum": selectors.quorum_for(meeting, attendance),
        "people": selectors.people_for_attendance(meeting),
        "alternates": selectors.alternate_candidates(meeting),
        "organisations": selectors.organisations(),
        "previous": meeting_selectors.previous_meeting(meeting),
        "verbs": Decision.Verb.choices,
        "classifications": selectors.classifications(),
        "publish_choices": PUBLISH_CHOICES,
        "header_form": extra.pop("header_form", None) or MeetingForm(instance=meeting),
        "add_form": AttendanceAddForm(),
        **extra,
    }


def _to_page(request, meeting: Meeting, anchor: str, errors, note=""):
    """Without htmx, a save goes back to the editing page at `anchor`, with
    its messages."""
    for error in errors:
        messages.error(request, error)
    if note:
        messages.info(request, note)
    return redirect(_edit_url(meeting, anchor))


@login_required
def meeting_new(request, code):
    committee = committee_for_user(request.user, code, write=True)
    if request.method == "POST":
        form = MeetingForm(request.POST, committee=committee)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                meeting = meeting_services.meeting_create(
                    committee=committee, by=request.user, **data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{meeting} created. Record who came, then the items.")
                return redirect(_edit_url(meeting))
    else:
        form = MeetingForm(
            initial=meeting_services.meeting_defaults(committee), committee=committee
        )
    return render(request, "meetings/meeting_new.html", {"committee": committee, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, code, number):
    meeting = meeting_for_user(request.user, code, number, write=True)
    header_form = None
    if request.method == "POST":
        header_form = MeetingForm(request.POST, instance=meeting, committee=meeting.committee)
        if header_form.is_valid():
            data = {
                k: v for k, v in header_form.cleaned_data.items() if k not in {"version", "number"}
            }
            try:
                meeting_services.meeting_update(
                    meeting=meeting, expected_version=header_form.cleaned_data["version"], **data
                )
            except ValidationError as exc:
                header_form.add_error(None, exc)
            else:
                messages.success(request, "Meeting details saved.")
                return redirect(_edit_url(meeting, "details"))
        meeting.refresh_from_db()
    return render(
        request,
        "meetings/meeting_edit.html",
        _workspace(request, meeting, header_form=header_form),
        status=422 if header_form is not None else 200,
    )


@login_required
@require_POST
def attendance_add(request, code, number):
    meeting = meeting_for_user(request.user, code, number, write=True)
    form = AttendanceAddForm(request.POST)
    errors = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            line = meeting_services.attendance_add(
                meeting=meeting,
                person=data["person"],
                new_name=data["new_name"],
                organisation=data["new_organisation"],
                section=data["section"],
                category=data["category"],
                represents=data["represents"],
            )
        except ValidationError as exc:
            errors = _errors(exc)
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    said = "" if errors else f"Added {line.person.name} to {LISTS[line.section]}."
    # The next name is typed straight away, into the same list.
    return _attendance_section(
        request, meeting, errors, said, focus_add=True, add_section=request.POST.get("section")
    )


LISTS = {"member": "Members", "participant": "Other participants", "apology": "Apologies"}


@login_required
@require_POST
def attendance_copy(request, code, number):
    """The previous meeting's attendance, copied into the draft's lists."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    try:
        previous, added = meeting_services.attendance_copy_previous(meeting=meeting)
    except ValidationError as exc:
        return _attendance_section(request, meeting, _errors(exc))
    n = len(added)
    said = (
        f"{n} {'person' if n == 1 else 'people'} copied from {previous}, without that "
        "day's marks (alternate, teleconference, part): set this meeting's."
        if n
        else f"Everyone listed at {previous} is already listed here."
    )
    return _attendance_section(request, meeting, [], said)


@login_required
@require_POST
def attendance_save(request, code, number, pk):
    """One person's line: their list, marks and notes."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    line = attendance_in(meeting, pk)
    section = line.section
    errors = []
    form = AttendanceForm(request.POST, instance=line)
    try:
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            meeting_services.attendance_update(line=line, expected_version=version, **data)
        else:
            errors = [f"{line.person.name}: {e}" for e in _form_errors(form)]
    except EditConflict as exc:
        errors = [_attendance_conflict(exc.current, request.POST)]
    except ValidationError as exc:
        errors = [f"{line.person.name}: {e}" for e in _errors(exc)]
    if errors or not request.htmx or line.section != section or "grid" not in request.POST:
        response = _attendance_section(request, meeting, errors)
        return retarget(reswap(response, "outerHTML"), "#attendance") if request.htmx else response
    return _attendance_row(request, meeting, line)


def _attendance_row(request, meeting, line):
    """A line of the grid saved in place. When it stands as typed, only its
    new version and "Saved" are swapped in, so nothing typed meanwhile in its
    other cells is overwritten; when the save changed what was typed (an
    alternate named, items dropped with Part), the whole row."""
    said = f"Saved {timezone.localtime():%H:%M:%S}"
    context = {
        "meeting": meeting,
        "code": meeting.committee.code,
        "number": meeting.number,
        "line": line,
        "row_said": said,
    }
    if _as_posted(line, request.POST):
        response = render(request, "meetings/_attendance_saved.html", context)
        return retarget(reswap(response, "innerHTML"), f"#att-{line.pk}-said")
    context["alternates"] = selectors.alternate_candidates(meeting)
    return render(request, "meetings/_attendance_row.html", context)


def _as_posted(line, posted) -> bool:
    """The saved line reads as the grid row posted it."""
    body = line.category if line.section == line.Section.MEMBER else line.represents
    texts = {"body": body, "items": line.items, "role": line.role}
    if any(posted.get(name, "").strip() != value for name, value in texts.items()):
        return False
    if line.section == line.Section.APOLOGY:
        return True
    checks = {"is_alternate": line.is_alternate, "remote": line.remote, "part": line.part}
    if any(bool(posted.get(name)) != value for name, value in checks.items()):
        return False
    return posted.get("alternate_for", "") == str(line.alternate_for_id or "")


@login_required
@require_POST
def attendance_move(request, code, number, pk):
    """One place up or down ("direction"), or to where the person was dropped
    in their list ("position", 0 the top: a drop that cannot be read leaves
    the order alone)."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    line = attendance_in(meeting, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    move = AttendanceMoveForm(request.POST)
    if offset is not None:
        meeting_services.attendance_move(line=line, offset=offset)
    elif move.is_valid():
        meeting_services.attendance_move_to(line=line, position=move.cleaned_data["position"])
    return _attendance_section(request, meeting, [])


@login_required
@require_POST
def attendance_remove(request, code, number, pk):
    meeting = meeting_for_user(request.user, code, number, write=True)
    meeting_services.attendance_remove(line=attendance_in(meeting, pk))
    return _attendance_section(request, meeting, [])


def _attendance_section(request, meeting, errors, said: str = "", **more):
    """The attendance section alone, over htmx (its lists, the people an
    alternate may stand in for, the organisations a new person may be of);
    otherwise back to the page."""
    if not request.htmx:
        if said and not errors:
            messages.success(request, said)
        return _to_page(request, meeting, "attendance", errors)
    attendance = selectors.attendance_lists(meeting)
    context = {
        "meeting": meeting,
        "attendance": attendance,
        "quorum": selectors.quorum_for(meeting, attendance),
        "alternates": selectors.alternate_candidates(meeting),
        "organisations": selectors.organisations(),
        "previous": meeting_selectors.previous_meeting(meeting),
        "add_form": AttendanceAddForm(),
        "errors": errors,
        "said": said,
        **more,
    }
    return render(
        request, "meetings/_attendance_editor.html", context, status=422 if errors else 200
    )


def _attendance_conflict(current, posted) -> str:
    """Both versions of a person's line, in words: the list shows theirs."""
    section = dict(current.Section.choices).get(posted.get("section"), "?")
    yours = [section]
    yours += [label for name, label in ATTENDANCE_MARKS if posted.get(name)]
    yours += [f"{label} {posted[name]}" for name, label in ATTENDANCE_TEXTS if posted.get(name)]
    theirs = [current.get_section_display(), *current.marks]
    return (
        f"{current.person.name}: someone else changed this line while you were editing, "
        f"so yours was not saved. Saved now: {'; '.join(theirs)}. "
        f"Yours was: {'; '.join(yours)}. Re-apply your change below if it is still needed."
    )


ATTENDANCE_MARKS = [("is_alternate", "Alternate"), ("remote", "Teleconference"), ("part", "Part")]
ATTENDANCE_TEXTS = [("items", "items"), ("role", "role"), ("represents", "represents")]


@login_required
@require_GET
def people_search(request, code, number):
    meeting = meeting_for_user(request.user, code, number, write=True)
    query = (request.GET.get("new_name") or request.GET.get("q") or "").strip()
    return render(
        request,
        "meetings/_people_results.html",
        {"people": selectors.people_search(meeting, query), "query": query},
    )


@login_required
@require_POST
def item_add(request, code, number):
    meeting = meeting_for_user(request.user, code, number, write=True)
    form = ItemAddForm(request.POST)
    errors, added = _form_errors(form), None
    sub_of = item_in(meeting, request.POST["sub_of"]) if request.POST.get("sub_of") else None
    if not errors:
        try:
            added = services.item_add(
                meeting=meeting, title=form.cleaned_data["title"], sub_of=sub_of
            )
        except ValidationError as exc:
            errors = _errors(exc)
    note = f"Item {added.number} added." if added else ""
    return _outline(request, meeting, errors, note=note, added=added)


@login_required
@require_GET
def item_editor(request, code, number, pk):
    """One item's whole editor: asked for by the page when the item was
    just added (the addition answers with the outline alone)."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    item = selectors.item_for_editor(meeting, item_in(meeting, pk).pk)
    owners = _Owners.of(meeting)
    return render(
        request,
        "meetings/_item_editor.html",
        {
            "meeting": meeting,
            "item": item,
            "people": owners.people,
            "organisations": owners.organisations,
            "verbs": Decision.Verb.choices,
            "classifications": selectors.classifications(),
            "publish_choices": PUBLISH_CHOICES,
            "focus_pk": item.pk if request.GET.get("focus") else None,
        },
    )


@login_required
@require_POST
def item_save(request, code, number, pk):
    meeting = meeting_for_user(request.user, code, number, write=True)
    item = item_in(meeting, pk)
    form = ItemForm(request.POST, instance=item)
    conflict = None
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.item_update(item=item, expected_version=form.cleaned_data["version"], **data)
        except EditConflict as exc:
            conflict = exc.current
            form.add_error(None, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
    if form.errors or not request.htmx:
        if not form.errors:
            messages.success(request, f"Item {item.number} saved.")
            return redirect(_edit_url(meeting, f"item-{item.pk}"))
    # Over htmx, the item's heading and form alone: its decisions, actions
    # and reviews did not change.
    return render(
        request,
        "meetings/_item_main.html",
        {
            "meeting": meeting,
            "item": item,
            "classifications": selectors.classifications(),
            "saved": not form.errors,
            "form": form if form.errors else None,
            "conflict": conflict,
        },
        status=(409 if conflict else 422) if form.errors else 200,
    )


@login_required
@require_POST
def item_move(request, code, number, pk):
    """One place up or down ("direction"); the items are numbered anew."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    item = item_in(meeting, pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        return _outline(request, meeting, ["Say which way to move the item."], at=item)
    errors = _tried(services.item_move, item, offset=offset)
    return _outline(request, meeting, errors, at=item)


@login_required
@require_POST
def item_depth(request, code, number, pk):
    """Make the item a sub-item of the one before ("sub" = 1), or a main item."""
    meeting = meeting_for_user(request.user, code, number, write=True)
    item = item_in(meeting, pk)
    sub = request.POST.get("sub") == "1"
    return _outline(request, meeting, _tried(services.item_set_depth, item, sub=sub), at=item)


@login_required
@require_POST
def item_delete(request, code, number, pk):
    meeting = meeting_for_user(request.user, code, number, write=True)
    item = item_in(meeting, pk)
    errors = _tried(services.item_delete, item)
    note = "" if errors else f"Item {item.number} ({item.title}) deleted."
    return _outline(request, meeting, errors, note=note, at=None if note else item)


def _tried(service, item, **arguments) -> list[str]:
    """Run an items service; the messages of what it refused."""
    try:
        service(item=item, **arguments)
    except ValidationError as exc:
        return _errors(exc)
    return []


def _outline(request, meeting, errors, *, note="", at=None, added=None):
    """What a change to the list of items came to. Over htmx: its messages,
    and unless it was refused the items' new order and numbers, which the
    page applies in place (static/js/editor.js), with the add form's choice
    of parent; an item just added is asked for by the page (item_editor).
    Otherwise, back to the page at the item (`at`, or the one `added`)."""
    at = added or at
    if not request.htmx:
        return _to_page(request, meeting, f"item-{at.pk}" if at else "items", errors, note)
    items = [] if errors else selectors.item_outline(meeting)
    context = {
        "meeting": meeting,
        "errors": errors,
        "note": note,
        "items": items,
        "outline": " ".join(f"{item.pk}:{item.number}" for item in items),
        "added": added,
        "focus_outline": bool(errors) or (note and added is None),
    }
    return render(request, "meetings/_items_outline.html", context, status=422 if errors else 200)


@login_required
@require_POST
def preview(request, code, number):
    meeting_for_user(request.user, code, number, write=True)
    text = request.POST.get("text") or request.POST.get("narrative") or ""
    return HttpResponse(render_markdown(text, doc_id="preview"))


# --- an item's decisions, actions and incident reviews --------------------------
# Each operation is a view of its own. A save runs its form through the
# service (_saved), then answers (_answer) over htmx with the row it wrote:
# an edited row in its place, an added one at the end of its list, and a
# refused addition with its messages above its form, which keeps what was
# typed. A deletion answers with a note in the row's place (_deleted).
# Without htmx, back to the page at the item. The item's review forms offer
# its decisions and actions, so a save that changes those tells the page
# (_links_changed), and the reviews section asks for itself again.


@dataclass
class _Saved:
    """What a form's save came to: the messages of what was refused, the
    other person's version after an edit conflict, the row written."""

    errors: list[str]
    theirs: object = None
    row: object = None


def _saved(form, save) -> _Saved:
    """`save(form)` writes the valid form through its service."""
    if not form.is_valid():
        return _Saved(_form_errors(form))
    try:
        return _Saved([], row=save(form))
    except EditConflict as exc:
        return _Saved(_errors(exc), theirs=exc.current)
    except ValidationError as exc:
        return _Saved(_errors(exc))


def _answer(request, meeting, item, saved: _Saved, editing, fragment, shown, *, added=False):
    """Over htmx, the row's `fragment` (its context from `shown()`), or for a
    refused addition its messages alone, put above the add form. `editing`:
    (form prefix, fields, list fields) to bring back as typed when an edit
    was refused."""
    if not request.htmx:
        return _to_page(request, meeting, f"item-{item.pk}", saved.errors)
    if saved.errors and added:
        response = render(
            request, "meetings/_errors.html", {"errors": saved.errors, "focus": True}, status=422
        )
        return reswap(retarget(response, f"#{editing[0]}-errors"), "innerHTML")
    typed = _editing(request, *editing, theirs=saved.theirs) if saved.errors else None
    context = {"meeting": meeting, "item": item, "saved": not saved.errors, **shown()}
    context |= {"errors": saved.errors, "editing": typed}
    return render(request, fragment, context, status=422 if saved.errors else 200)


def _deleted(request, meeting, item, note: str):
    """The row is gone: over htmx, `note` in its place; otherwise the page."""
    if not request.htmx:
        return _to_page(request, meeting, f"item-{item.pk}", [], note)
    return render(request, "meetings/_row_deleted.html", {"note": note})


def _links_changed(response, item):
    """Tell the page the item's decisions or actions changed (its review
    forms offer them): the reviews section listens for this event."""
    if response.status_code == 200:  # not a refusal, nor the redirect without htmx
        trigger_client_event(response, f"item-{item.pk}-links")
    return response


def _writable_item(request, code, number, item_pk):
    meeting = meeting_for_user(request.user, code, number, write=True)
    return meeting, item_in(meeting, item_pk)


DECISION_FIELDS = ["verb", "text", "points"]


def _decision_written(item, decision):
    def save(form):
        data = form.cleaned_data
        return services.decision_save(
            item=item,
            decision=decision,
            verb=data["verb"],
            text=data["text"],
            points=data["points"],
            expected_version=data["version"],
        )

    return save


def _decision_shown(decision):
    return lambda: {"decision": decision, "verbs": Decision.Verb.choices}


@login_required
@require_POST
def decision_add(request, code, number, item_pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    saved = _saved(DecisionForm(request.POST), _decision_written(item, None))
    response = _answer(
        request, meeting, item, saved, (f"nd{item.pk}", DECISION_FIELDS),
        "meetings/_decision_editor.html", _decision_shown(saved.row), added=True,
    )  # fmt: skip
    return _links_changed(response, item)


@login_required
@require_POST
def decision_save(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    decision = decision_in(item, pk)
    saved = _saved(DecisionForm(request.POST), _decision_written(item, decision))
    response = _answer(
        request, meeting, item, saved, (f"d{pk}", DECISION_FIELDS),
        "meetings/_decision_editor.html", _decision_shown(saved.row or decision),
    )  # fmt: skip
    return _links_changed(response, item)


@login_required
@require_POST
def decision_delete(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    services.decision_delete(decision=decision_in(item, pk))
    return _links_changed(_deleted(request, meeting, item, "Decision deleted."), item)


DECLARATION_FIELDS = ["name", "organisation", "interest"]


def _declaration_written(item, declaration):
    def save(form):
        data = form.cleaned_data
        return declarations_services.declaration_save(
            item=item,
            declaration=declaration,
            name=data["name"],
            organisation=data["organisation"],
            interest=data["interest"],
            expected_version=data["version"],
        )

    return save


@login_required
@require_POST
def declaration_add(request, code, number, item_pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    saved = _saved(DeclarationForm(request.POST), _declaration_written(item, None))
    return _answer(
        request, meeting, item, saved, (f"ni{item.pk}", DECLARATION_FIELDS),
        "declarations/_declaration_editor.html", lambda: {"declaration": saved.row}, added=True,
    )  # fmt: skip


@login_required
@require_POST
def declaration_save(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    declaration = declaration_in(item, pk)
    saved = _saved(DeclarationForm(request.POST), _declaration_written(item, declaration))
    return _answer(
        request, meeting, item, saved, (f"i{pk}", DECLARATION_FIELDS),
        "declarations/_declaration_editor.html",
        lambda: {"declaration": saved.row or declaration},
    )  # fmt: skip


@login_required
@require_POST
def declaration_delete(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    declarations_services.declaration_delete(declaration=declaration_in(item, pk))
    return _deleted(request, meeting, item, "Declaration deleted.")


ACTION_FIELDS = ["topic", "text", "target_date", "target_note"]
ACTION_OWNER_FIELDS = ["owner_organisations", "owner_people"]


@dataclass
class _Owners:
    """Whom an action may be given to: the lists its form offers, and checks."""

    organisations: list
    people: list

    @classmethod
    def of(cls, meeting):
        return cls(selectors.organisations(), selectors.people_for_attendance(meeting))

    def form(self, data):
        return ActionForm(data, organisations=self.organisations, people=self.people)

    def shown(self, action):
        return lambda: {
            "action": selectors.action_for_editor(action),
            "people": self.people,
            "organisations": self.organisations,
        }


@login_required
@require_POST
def action_add(request, code, number, item_pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    owners = _Owners.of(meeting)

    def save(form):
        data = form.cleaned_data
        return action_raise(
            meeting=meeting,
            item=item,
            owners=form.owners,
            text=data["text"],
            target_date=data["target_date"],
            target_note=data["target_note"].strip(),
            topic=data["topic"],
            by=request.user,
        )

    saved = _saved(owners.form(request.POST), save)
    response = _answer(
        request, meeting, item, saved, (f"na{item.pk}", ACTION_FIELDS, ACTION_OWNER_FIELDS),
        "meetings/_action_editor.html", owners.shown(saved.row), added=True,
    )  # fmt: skip
    return _links_changed(response, item)


@login_required
@require_POST
def action_save(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    action = action_in(item, pk)
    owners = _Owners.of(meeting)

    def save(form):
        data = form.cleaned_data
        return action_update(
            action=action,
            owners=form.owners,
            text=data["text"],
            target_date=data["target_date"],
            target_note=data["target_note"],
            topic=data["topic"],
            expected_version=data["version"],
        )

    saved = _saved(owners.form(request.POST), save)
    response = _answer(
        request, meeting, item, saved, (f"a{pk}", ACTION_FIELDS, ACTION_OWNER_FIELDS),
        "meetings/_action_editor.html", owners.shown(action),
    )  # fmt: skip
    return _links_changed(response, item)


@login_required
@require_POST
def action_delete(request, code, number, item_pk, pk):
    meeting = meeting_for_user(request.user, code, number, write=True)
    action = action_under(meeting, item_pk, pk)
    item = action.item
    try:
        reference = actions_services.action_delete(action=action)
    except ValidationError as exc:
        return _answer(
            request, meeting, item, _Saved(_errors(exc)),
            (f"a{pk}", ACTION_FIELDS, ACTION_OWNER_FIELDS),
            "meetings/_action_editor.html", _Owners.of(meeting).shown(action),
        )  # fmt: skip
    note = f"{reference} deleted; its number will not be reused."
    return _links_changed(_deleted(request, meeting, item, note), item)


def _form_errors(form) -> list[str]:
    """Every message of a bound form, field by field, for the item editor's
    error list: each named after its field ("Incident number: This field is
    required."), so the user knows which one to fix."""
    messages = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else ""
        messages += [f"{label}: {error}" if label else error for error in errors]
    return messages


def _editing(request, prefix, fields, list_fields=(), *, theirs=None) -> dict:
    """What the secretary typed into the form `prefix` (its element ids'
    prefix: d12, a7, r5) that was not saved, so that form comes back open
    and as they left it (beside the other person's version after an edit
    conflict)."""
    typed = {name: request.POST.get(name, "") for name in fields}
    typed.update({name: request.POST.getlist(name) for name in list_fields})
    return {"prefix": prefix, "typed": typed, "theirs": theirs}


INCIDENT_FIELDS = ["reference", "outcome", "publish_report", "amendments"]


def _review_written(item, review):
    def save(form):
        saved = incidents_services.incident_review_save(
            item=item, review=review, **form.cleaned_data
        )
        # What was ticked is what is linked now: the fragment needs no query for it.
        saved.linked_decisions = {d.pk for d in form.cleaned_data["decisions"]}
        saved.linked_actions = {a.pk for a in form.cleaned_data["actions"]}
        return saved

    return save


@login_required
@require_GET
def incident_review_list(request, code, number, item_pk):
    """The item's reviews section, asked for again when its decisions or
    actions changed."""
    meeting, item = _writable_item(request, code, number, item_pk)
    return render(
        request,
        "meetings/_reviews_section.html",
        {
            "meeting": meeting,
            "item": selectors.item_reviews_for_editor(item),
            "publish_choices": PUBLISH_CHOICES,
        },
    )


@login_required
@require_POST
def incident_review_add(request, code, number, item_pk):
    """ "This item reviews INC…": record the review."""
    meeting, item = _writable_item(request, code, number, item_pk)
    item = selectors.item_links_offered(item)
    saved = _saved(IncidentReviewForm(request.POST, item=item), _review_written(item, None))
    return _answer(
        request, meeting, item, saved, (f"nr{item.pk}", INCIDENT_FIELDS),
        "meetings/_incident_review_editor.html",
        lambda: {"review": saved.row, "publish_choices": PUBLISH_CHOICES}, added=True,
    )  # fmt: skip


@login_required
@require_POST
def incident_review_save(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    review = incident_review_in(item, pk)
    item = selectors.item_links_offered(item)
    saved = _saved(IncidentReviewForm(request.POST, item=item), _review_written(item, review))
    return _answer(
        request, meeting, item, saved, (f"r{pk}", INCIDENT_FIELDS),
        "meetings/_incident_review_editor.html",
        lambda: {
            "review": saved.row or selectors.review_for_editor(item, pk),
            "publish_choices": PUBLISH_CHOICES,
        },
    )  # fmt: skip


@login_required
@require_POST
def incident_review_delete(request, code, number, item_pk, pk):
    meeting, item = _writable_item(request, code, number, item_pk)
    review = incident_review_in(item, pk)
    try:
        incidents_services.incident_review_delete(review=review)
    except ValidationError as exc:
        return _answer(
            request, meeting, item, _Saved(_errors(exc)), (f"r{pk}", INCIDENT_FIELDS),
            "meetings/_incident_review_editor.html",
            lambda: {
                "review": selectors.review_for_editor(item, pk),
                "publish_choices": PUBLISH_CHOICES,
            },
        )  # fmt: skip
    return _deleted(request, meeting, item, f"Review of {review.incident.reference} removed.")


# --- lifecycle -------------------------------------------------------------------


@login_required
@require_POST
def minutes_transition(request, code, number, step):
    if step == "circulate":
        meeting = meeting_for_user(request.user, code, number, write=True)
    else:
        meeting = meeting_for_user(request.user, code, number, chair=True)
    confirmed = request.POST.get("not_discussed") == "1"
    try:
        if step == "circulate":
            with transaction.atomic():
                carried = services.unreviewed_carried_forward(meeting=meeting, confirmed=confirmed)
                services.minutes_circulate(meeting=meeting, by=request.user)
            # Whom the worker emails, by the same reckoning it makes when it sends.
            mailing = circulation_mailing(meeting)
            told = notices_owed(meeting).announcement()
            messages.success(
                request,
                f"Draft circulated: members can now read it.{_carried(carried)} "
                f"{mailing.announcement()}" + (f" {told}" if told else ""),
            )
        elif step == "approve":
            form = ApproveForm(request.POST, meeting=meeting)
            if not form.is_valid():
                raise ValidationError("Choose a later meeting of this committee, or none.")
            with transaction.atomic():
                carried = services.unreviewed_carried_forward(meeting=meeting, confirmed=confirmed)
                services.minutes_approve(
                    meeting=meeting, at_meeting=form.cleaned_data["at_meeting"], by=request.user
                )
            told = circulation_mailing(meeting).announcement(what="The approval notice")
            messages.success(
                request, f"Minutes approved. They are now read-only.{_carried(carried)} {told}"
            )
        elif step == "publish":
            services.minutes_publish(meeting=meeting, by=request.user)
            told = circulation_mailing(meeting).announcement(what="The publication notice")
            messages.success(
                request,
                f"Minutes published as final. {told} The final PDF is being made; "
                "the public page offers it once it is ready.",
            )
        elif step == "revise":
            form = ReviseForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Say why the approved minutes are being corrected.")
            revision = services.minutes_revise(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            )
            kept = meeting.record.get_previous_status_display().lower()
            messages.success(
                request,
                f"Revision {revision.number} recorded; the minutes are a draft again for the "
                f"correction. Readers keep the {kept} version until the correction is {kept}. "
                "Nobody is emailed now: readers are told when the correction is circulated.",
            )
        else:
            raise Http404("No such step.")
    except ValidationError as exc:
        for error in _errors(exc):
            messages.error(request, error)
    return redirect(reverse("minutes", args=[meeting.committee.code, meeting.number]))


def _carried(references: list[str]) -> str:
    if not references:
        return ""
    n = len(references)
    return (
        f" {n} action{'s' * (n != 1)} {'is' if n == 1 else 'are'} recorded as not discussed "
        f"and carried forward: {', '.join(references)}."
    )


@require_GET
def revision_detail(request, code, number, revision):
    """The minutes as they stood before a correction, and what the
    correction changed: compared with the next revision's text, or with the
    minutes as they are now."""
    meeting = meeting_for_user(request.user, code, number)
    found = revision_in(meeting, revision)
    versions = selectors.revision_versions(
        meeting, found, reader=reader_for(request.user, meeting.committee)
    )
    return render(
        request,
        "meetings/revision.html",
        {
            "meeting": meeting,
            "revision": found,
            "doc": versions.before,
            "later": versions.later,
            "changes": changes.compare(versions.before, versions.after),
        },
    )


@require_GET
@login_required
def meeting_history(request, code, number):
    """Every recorded change to the minutes, as far as the user may read
    them, newest first; `?item=<pk>` narrows it to one agenda item."""
    meeting = meeting_for_user(request.user, code, number)
    item = None
    if request.GET.get("item"):
        item = readable_item_in(request.user, meeting, request.GET["item"])
    history = selectors.meeting_history(
        request.user, meeting, item=item, page=request.GET.get("page")
    )
    return render(
        request,
        "meetings/history.html",
        {
            "meeting": meeting,
            "history": history,
            "page_range": page_range(history.page),
            "imports": selectors.imports_of(meeting),
            "reads_sources": can_read_sources(request.user, meeting.committee),
        },
    )


# --- across committees: the decisions register and search ---------------------------


@require_GET
@login_required
def decision_register(request):
    register = selectors.decision_register(request.user, request.GET)
    page = paginate(register.decisions, request.GET.get("page"))
    return render(
        request,
        "meetings/decisions.html",
        {"filter": register.filterset, "page": page, "page_range": page_range(page)},
    )


@require_GET
@login_required
def modification_detail(request, reference):
    modification = modification_for_user(request.user, reference)
    return render(
        request,
        "meetings/modification.html",
        selectors.modification_mentions(request.user, modification),
    )


# --- comments on circulated minutes (minutes/models.py: Comment) ---------------------


def _comments_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("minutes-comments", args=[meeting.committee.code, meeting.number])
    return f"{url}#{anchor}" if anchor else url


def _commenting(request, code, number) -> Meeting:
    return comments_meeting(request.user, meeting_for_user(request.user, code, number))


@login_required
@require_GET
def minutes_comments(request, code, number):
    """Each item the user may read, with the comments on it they may read,
    and (while the minutes are circulated) a form to comment on it."""
    meeting = _commenting(request, code, number)
    return render(
        request,
        "minutes/comments.html",
        {
            **selectors.comments_page(request.user, meeting),
            "decides": is_secretary(request.user, meeting.committee),
            "open": meeting.status == Meeting.Status.CIRCULATED,
        },
    )


def _item_answer(request, meeting: Meeting, item, *, errors=(), typed=None, note=""):
    """The item's comments block again (htmx), or back to the page."""
    if not request.htmx:
        for error in errors:
            messages.error(request, error)
        if note:
            messages.success(request, note)
        return redirect(_comments_url(meeting, f"comments-{item.pk}"))
    return render(
        request,
        "minutes/_item_comments.html",
        {
            "meeting": meeting,
            "entry": selectors.item_comments(request.user, item),
            "decides": is_secretary(request.user, meeting.committee),
            "open": meeting.status == Meeting.Status.CIRCULATED,
            "errors": errors,
            "typed": typed or {},
            "note": note,
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def comment_add(request, code, number, item_pk):
    meeting = _commenting(request, code, number)
    item = readable_item_in(request.user, meeting, item_pk)
    form = CommentForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.comment_add(item=item, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors = _errors(exc)
    else:
        errors = _form_errors(form)
    typed = {name: request.POST.get(name, "") for name in CommentForm.base_fields} if errors else {}
    note = "" if errors else "Comment added."
    return _item_answer(request, meeting, item, errors=errors, typed=typed, note=note)


@login_required
@require_POST
def suggestion_accept(request, code, number, pk):
    meeting = meeting_for_user(request.user, code, number)
    comment = comment_in(request.user, meeting, pk, decide=True)
    errors: list[str] = []
    try:
        services.suggestion_accept(comment=comment, by=request.user)
    except ValidationError as exc:
        errors = _errors(exc)
    note = "" if errors else "Suggestion accepted into the draft; its author is told."
    return _item_answer(request, meeting, comment.item, errors=errors, note=note)


@login_required
@require_POST
def suggestion_decline(request, code, number, pk):
    meeting = meeting_for_user(request.user, code, number)
    comment = comment_in(request.user, meeting, pk, decide=True)
    form = DeclineForm(request.POST)
    errors: list[str] = []
    try:
        services.suggestion_decline(
            comment=comment, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        errors = _errors(exc)
    note = "" if errors else "Suggestion declined; its author is told why."
    typed = {"reason": form.data.get("reason", "")} if errors else {}
    return _item_answer(request, meeting, comment.item, errors=errors, typed=typed, note=note)


@login_required
@require_POST
def comment_policy(request, code, number):
    """The committee's choice of who reads comments, set by its secretary."""
    meeting = meeting_for_user(request.user, code, number)
    if not is_secretary(request.user, meeting.committee):
        raise PermissionDenied("Only the committee's secretary decides who reads comments.")
    form = CommentPolicyForm(request.POST)
    form.is_valid()  # a box left unticked is False: nothing to refuse
    policy = services.comment_policy_set(
        committee=meeting.committee,
        visible_to_members=form.cleaned_data.get("visible_to_members", False),
    )
    messages.success(
        request,
        "Every member now reads the comments on items they may read."
        if policy.visible_to_members
        else "Comments are now read by the secretariat and each comment's author only.",
    )
    return redirect(_comments_url(meeting))


# --- the agenda and papers before a meeting ---------------------------------------------


def _agenda_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("agenda", args=[meeting.committee.code, meeting.number]) + anchor


def _agenda_page(request, meeting: Meeting, *, failed=None, status: int = 200):
    """The agenda page; `failed`: a form refused (which, and its messages), shown beside it."""
    writer = is_secretary(request.user, meeting.committee)
    context = {
        "meeting": meeting,
        "agenda": getattr(meeting, "agenda", None),
        "entries": meeting_selectors.agenda_entries(request.user, meeting),
        "withheld": meeting_selectors.agenda_withheld_numbers(request.user, meeting),
        "pack": meeting_selectors.agenda_pack_status(meeting),
        "can_edit": writer,
        "can_start_minutes": writer and not meeting.is_frozen,
        "entry_form": AgendaEntryForm(prefix="new") if writer else None,
        "classifications": list(Classification.objects.all()) if writer else [],
        "failed": failed or {},
    }
    return render(request, "meetings/agenda.html", context, status=status)


@require_GET
@login_required
def agenda(request, code, number):
    """The agenda of a meeting and its papers: for members once published;
    its secretary drafts it here."""
    meeting = agenda_for_user(request.user, code, number)
    return _agenda_page(request, meeting)


def _refused(request, meeting, kind: str, errors: list[str], pk=None):
    """The agenda page again, with the refused form's messages beside it:
    `kind` "new", "entry", "papers" (a new paper of item `pk`), "paper" (a
    new version of paper `pk`) or "agenda" (publishing, the minutes, the pack)."""
    failed = {"kind": kind, "pk": pk, "errors": errors}
    return _agenda_page(request, meeting, failed=failed, status=422)


@login_required
@require_POST
def agenda_entry_add(request, code, number):
    meeting = agenda_for_user(request.user, code, number, write=True)
    form = AgendaEntryForm(request.POST, prefix="new")
    if not form.is_valid():
        return _refused(request, meeting, "new", _form_errors(form))
    try:
        entry = meeting_services.agenda_entry_add(meeting=meeting, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, meeting, "new", _errors(exc))
    messages.success(request, f"Item {entry.number} added to the agenda.")
    return redirect(_agenda_url(meeting, f"#entry-{entry.pk}"))


@login_required
@require_POST
def agenda_entry_save(request, code, number, pk):
    meeting = agenda_for_user(request.user, code, number, write=True)
    entry = agenda_entry_in(request.user, meeting, pk)
    form = AgendaEntryForm(request.POST, prefix=f"e{entry.pk}", instance=entry)
    if not form.is_valid():
        return _refused(request, meeting, "entry", _form_errors(form), entry.pk)
    try:
        meeting_services.agenda_entry_update(entry=entry, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, meeting, "entry", _errors(exc), entry.pk)
    messages.success(request, f"Item {entry.number} saved.")
    return redirect(_agenda_url(meeting, f"#entry-{entry.pk}"))


@login_required
@require_POST
def agenda_entry_delete(request, code, number, pk):
    meeting = agenda_for_user(request.user, code, number, write=True)
    entry = agenda_entry_in(request.user, meeting, pk)
    try:
        meeting_services.agenda_entry_delete(entry=entry)
    except ValidationError as exc:
        return _refused(request, meeting, "entry", _errors(exc), entry.pk)
    messages.success(request, f"Item {entry.number} taken off the agenda.")
    return redirect(_agenda_url(meeting))


@login_required
@require_POST
def agenda_publish(request, code, number):
    meeting = agenda_for_user(request.user, code, number, write=True)
    try:
        meeting_services.agenda_publish(meeting=meeting, by=request.user)
    except ValidationError as exc:
        return _refused(request, meeting, "agenda", _errors(exc))
    messages.success(
        request,
        "Agenda published: members can read it and its papers, and are emailed the link. "
        "The meeting pack is being built.",
    )
    return redirect(_agenda_url(meeting))


@login_required
@require_POST
def agenda_start_minutes(request, code, number):
    """The agenda as the skeleton of the minutes: items the minutes lack are added."""
    meeting = agenda_for_user(request.user, code, number, write=True)
    try:
        made = meeting_services.agenda_to_minutes(meeting=meeting)
    except ValidationError as exc:
        return _refused(request, meeting, "agenda", _errors(exc))
    if made:
        numbers = ", ".join(item.number for item in made)
        messages.success(request, f"Items {numbers} added to the minutes from the agenda.")
    else:
        messages.info(request, "The minutes already have an item for every number on the agenda.")
    return redirect(_edit_url(meeting))


@login_required
@require_POST
def paper_add(request, code, number, pk):
    meeting = agenda_for_user(request.user, code, number, write=True)
    entry = agenda_entry_in(request.user, meeting, pk)
    form = PaperForm(request.POST, request.FILES, prefix=f"p{entry.pk}")
    if not form.is_valid():
        return _refused(request, meeting, "papers", _form_errors(form), entry.pk)
    try:
        paper = meeting_services.paper_add(
            entry=entry,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            by=request.user,
        )
    except ValidationError as exc:
        return _refused(request, meeting, "papers", _errors(exc), entry.pk)
    messages.success(request, f"Paper “{paper.title}” added to item {entry.number}.")
    return redirect(_agenda_url(meeting, f"#entry-{entry.pk}"))


@login_required
@require_POST
def paper_replace(request, code, number, pk):
    meeting = agenda_for_user(request.user, code, number, write=True)
    paper = paper_in(request.user, meeting, pk)
    form = PaperForm(request.POST, request.FILES, prefix=f"r{paper.pk}")
    if not form.is_valid():
        return _refused(request, meeting, "paper", _form_errors(form), paper.pk)
    try:
        version = meeting_services.paper_replace(
            paper=paper, upload=form.cleaned_data["file"], by=request.user
        )
    except ValidationError as exc:
        return _refused(request, meeting, "paper", _errors(exc), paper.pk)
    messages.success(
        request, f"Version {version.number} of “{paper.title}” uploaded; earlier ones are kept."
    )
    return redirect(_agenda_url(meeting, f"#entry-{paper.entry_id}"))


@require_GET
@login_required
def paper_download(request, code, number, pk, version):
    """A version of a paper, streamed from storage after the access check
    (never a public media URL)."""
    meeting = agenda_for_user(request.user, code, number)
    stored = paper_version_for_user(request.user, meeting, pk, version)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        logger.error("Paper file %s is missing from storage", stored.file.name)
        raise Http404("The file of this paper is missing.") from None
    name = f"{Path(stored.name).stem or 'paper'}.{stored.kind}"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=stored.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_pack(request, code, number):
    """GET: the meeting pack's progress (htmx polls it while it is built).
    POST: the secretary asks for it to be built again."""
    if request.method == "POST":
        meeting = agenda_for_user(request.user, code, number, write=True)
        agenda_row = getattr(meeting, "agenda", None)
        if agenda_row is None:
            return _refused(request, meeting, "agenda", ["Add items to the agenda first."])
        meeting_services.agenda_pack_request(agenda=agenda_row)
        return redirect("agenda-pack", meeting.committee.code, meeting.number)
    meeting = agenda_for_user(request.user, code, number)
    context = {
        "meeting": meeting,
        "pack": meeting_selectors.agenda_pack_status(meeting),
        "can_edit": is_secretary(request.user, meeting.committee),
    }
    if request.htmx:
        return render(request, "meetings/_agenda_pack.html", context)
    return render(request, "meetings/agenda_pack.html", context)


@require_GET
@login_required
def agenda_pack_pdf(request, code, number):
    """The meeting pack of the agenda as it stands; while it is being built,
    its progress page (a stale pack is never served: an item may have been
    narrowed since)."""
    meeting = agenda_for_user(request.user, code, number)
    current = meeting_selectors.agenda_pack_status(meeting).current
    if current is not None:
        try:
            handle = current.file.open("rb")
        except FileNotFoundError:
            logger.error("Meeting pack %s is missing from storage", current.file.name)
        else:
            return FileResponse(
                handle,
                as_attachment=True,
                filename=current.download_name,
                content_type="application/pdf",
            )
    return redirect("agenda-pack", meeting.committee.code, meeting.number)
