"""Who may import minutes: a committee's secretary (into that committee) and staff."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from meetings.access import can_read_sources, is_secretary, meeting_for_user
from meetings.models import Committee, CommitteeRole

from .models import ImportedDocument, PendingImport


def import_committees(user) -> QuerySet[Committee]:
    """The committees the user may import minutes into; refused (403) if none."""
    if user.is_authenticated and user.is_staff:
        committees = Committee.objects.all()
    elif user.is_authenticated:
        committees = Committee.objects.filter(
            roles__person__user=user, roles__role=CommitteeRole.Role.SECRETARY
        ).distinct()
    else:
        committees = Committee.objects.none()
    if not committees.exists():
        raise PermissionDenied("Only a committee's secretary, or staff, may import minutes.")
    return committees.order_by("code")


def import_committee(user, code: str) -> Committee:
    """The committee an import goes into, if the user may write there."""
    committee = Committee.objects.filter(code__iexact=code).first()
    if committee is None or not is_secretary(user, committee):
        raise PermissionDenied("Only that committee's secretary, or staff, may import its minutes.")
    return committee


def imported_document_for_user(user, code: str, number: int, pk):
    """A meeting's imported source: 404 unless the user may see the meeting,
    403 unless they are its committee's secretary or chair."""
    meeting = meeting_for_user(user, code, number)
    if not can_read_sources(user, meeting.committee):
        raise PermissionDenied("Only the committee's secretary or chair may download the source.")
    try:
        return meeting.imports.get(pk=pk)
    except (ImportedDocument.DoesNotExist, ValueError):
        raise Http404("No such imported document.") from None


def pending_import_for_user(user, pk) -> PendingImport:
    """An upload on its way to import: only whoever uploaded it sees what was
    read of it (404 for anyone else), and only while they may import (403)."""
    import_committees(user)
    try:
        return PendingImport.objects.get(pk=int(pk), uploaded_by=user)
    except (PendingImport.DoesNotExist, ValueError, TypeError):
        raise Http404(
            "That upload has expired or was already imported: upload the file again."
        ) from None
