from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from opsg.pagination import page_range, paginate

from . import selectors
from .access import incident_for_user, visible_incidents


@require_GET
@login_required
def incident_register(request):
    register = selectors.incident_register(
        visible_incidents(request.user), user=request.user, data=request.GET
    )
    page = paginate(register.incidents, request.GET.get("page"))
    return render(
        request,
        "incidents/register.html",
        {"filter": register.filterset, "page": page, "page_range": page_range(page)},
    )


@require_GET
@login_required
def incident_detail(request, reference):
    incident = incident_for_user(request.user, reference)
    return render(
        request, "incidents/detail.html", {"page": selectors.incident_page(request.user, incident)}
    )
