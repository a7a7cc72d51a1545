"""Declarations of interest, recorded under the agenda item they were made
at: who declared, for which organisation, and what the interest is. Part of
that item's minutes: read by the item's rule (declarations.access), kept
with the minutes' versions (minutes.selectors.minutes_document), shown in
the minutes, their PDF, Word and JSON, and found by search."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from simple_history.models import HistoricalRecords

from meetings.models import AgendaItem


def declared_by(name: str, organisation: str) -> str:
    """Who declared, as the minutes print it: "Name (Organisation)", or the name alone."""
    return f"{name} ({organisation})" if organisation else name


class Declaration(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    name = models.CharField(max_length=200, help_text="Who declared the interest.")
    organisation = models.CharField(max_length=200, blank=True)
    interest = models.TextField(help_text="What the interest is.")
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    # Kept by a PostgreSQL trigger from the name and the interest (opsg/fulltext.py).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["item", "order", "id"]

    def __str__(self):
        return f"{declared_by(self.name, self.organisation)}: {self.interest}"
