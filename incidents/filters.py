"""The incidents register's filters and sorts, all in the query string."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from actions.filters import DATE, MeetingFilter

from .models import Incident, IncidentReview

SORTS = {
    "-reference": "Newest incident number first",
    "reference": "Oldest incident number first",
    "-occurred": "Occurred, latest first",
    "occurred": "Occurred, earliest first",
    "provider": "Service provider",
    "status": "Status",
}
_ORDER = {
    "reference": ["reference"],
    "occurred": ["occurred_on", "reference"],
    "provider": ["service_provider", "reference"],
    "status": ["status", "reference"],
}


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Number or title contains")
    provider = django_filters.ChoiceFilter(
        field_name="service_provider", choices=[], empty_label="Any provider",
        label="Service provider",
    )  # fmt: skip
    category = django_filters.ChoiceFilter(choices=[], empty_label="Any category")
    status = django_filters.ChoiceFilter(choices=Incident.Status.choices, empty_label="Any status")
    occurred_from = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", widget=DATE, label="Occurred from"
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", widget=DATE, label="Occurred until"
    )
    meeting = MeetingFilter(
        method="filter_meeting",
        label="Reviewed at meeting",
        widget=forms.TextInput(attrs={"placeholder": "e.g. OPSG 25"}),
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()), method="sort_by", empty_label=None, label="Sort by"
    )

    class Meta:
        model = Incident
        fields: list[str] = []

    def __init__(self, data=None, *args, visible_items, **kwargs):
        """`visible_items`: the agenda items the user may read (meetings.access)."""
        super().__init__(data, *args, **kwargs)
        self.visible_items = visible_items
        # Choices from the incidents the user may see: one query each.
        seen = self.queryset.order_by()
        for name, column in (("provider", "service_provider"), ("category", "category")):
            values = seen.exclude(**{column: ""}).values_list(column, flat=True).distinct()
            self.filters[name].extra["choices"] = [(v, v) for v in sorted(values)]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def filter_meeting(self, queryset, name, value):
        # Only reviews the user may read count (the queryset's own rule
        # already hides incidents they may not see at all).
        code, number = value
        reviews = IncidentReview.objects.filter(
            incident=OuterRef("pk"),
            item__in=self.visible_items,
            item__meeting__committee__code__iexact=code,
            item__meeting__number=number,
        )
        return queryset.filter(Exists(reviews))

    def sort_by(self, queryset, name, value):
        # Undated incidents last, whichever way the dates run.
        descending = value.startswith("-")
        fields = [
            F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True)
            for f in _ORDER[value.lstrip("-")]
        ]
        return queryset.order_by(*fields)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by("-reference"))
