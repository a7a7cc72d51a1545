from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .access import incident_for_user


@require_GET
@login_required
def incident_detail(request, reference):
    incident = incident_for_user(request.user, reference)
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "reviews": selectors.incident_reviews_visible(request.user, incident),
            "mentions": selectors.meetings_mentioning(request.user, incident),
        },
    )
