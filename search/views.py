"""The search page: one box for everything."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from opsg.pagination import page_range

from . import selectors
from .forms import SearchForm


@require_GET
@login_required
def search(request):
    """One box for everything; an exact reference goes straight to its page."""
    form = SearchForm(
        request.GET or None,
        kinds=selectors.KINDS,
        committees=selectors.committees_searched(request.user),
    )
    results = None
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            committee=data["committee"], date_from=data["date_from"], date_to=data["date_to"]
        )
        plain = not (data["kind"] or data["committee"] or data["date_from"] or data["date_to"])
        target = selectors.exact_target(request.user, data["q"]) if plain else None
        if target:
            return redirect(target)
        results = selectors.search(
            request.user, data["q"], kind=data["kind"], filters=filters,
            page=request.GET.get("page"),
        )  # fmt: skip
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "results": results,
            "kinds": selectors.KINDS,
            "page_range": page_range(results.page) if results and results.page else None,
        },
    )
