"""The decisions register's filters, all in the query string: "everything
the OPSG ENDORSED in 2021" is committee=OPSG&verb=ENDORSED&date_from=2021-01-01&date_to=2021-12-31."""

import django_filters
from django.db.models import Q

from actions.filters import DATE
from meetings.models import Committee, Decision


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text contains")
    committee = django_filters.ModelChoiceFilter(
        field_name="item__meeting__committee",
        queryset=Committee.objects.none(),
        to_field_name="code",
        empty_label="All committees",
        label="Committee",
    )
    verb = django_filters.ChoiceFilter(choices=Decision.Verb.choices, empty_label="Any verb")
    date_from = django_filters.DateFilter(
        field_name="item__meeting__date", lookup_expr="gte", widget=DATE, label="Meetings from"
    )
    date_to = django_filters.DateFilter(
        field_name="item__meeting__date", lookup_expr="lte", widget=DATE, label="Meetings until"
    )

    class Meta:
        model = Decision
        fields: list[str] = []

    def __init__(self, data=None, *args, committees=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["committee"].queryset = committees

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(text__icontains=value) | Q(points__icontains=value))

    def filter_queryset(self, queryset):
        # Newest first; within a meeting, in the order of the minutes.
        return super().filter_queryset(
            queryset.order_by("-item__meeting__date", "-item__meeting_id", "item__order", "order")
        )
