"""Major incidents of the DCC's service and their reviews at meetings."""

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from meetings.models import AgendaItem, Decision

INCIDENT_REFERENCE = r"^INC[0-9]{12}$"
incident_reference_validator = RegexValidator(
    INCIDENT_REFERENCE, "An incident number is INC followed by 12 digits, e.g. INC000000478818."
)


def tidy_reference(text: str) -> str:
    """An incident number as typed (" inc 000000478818") as it is stored."""
    return (text or "").strip().upper().replace(" ", "")


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    reference = models.CharField(
        max_length=15, unique=True, validators=[incident_reference_validator]
    )
    title = models.CharField(max_length=300, blank=True)
    occurred_on = models.DateField(null=True, blank=True)
    service_provider = models.CharField(
        max_length=40, blank=True, help_text="DSP, CSP N, CSP C&S, DCO …"
    )
    category = models.CharField(max_length=60, blank=True, help_text="Its categorisation.")
    root_cause = models.TextField(blank=True)
    single_point_of_failure = models.TextField(blank=True)
    problem_records = models.TextField(blank=True, help_text="Linked Problem Records, one a line.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # What the committee tied to the incident: the actions raised about it and
    # the decisions taken on it (a decision may cover several incidents).
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="incidents")
    decisions = models.ManyToManyField(Decision, blank=True, related_name="incidents")
    # Kept by a PostgreSQL trigger from the reference, title and findings (opsg/fulltext.py).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=INCIDENT_REFERENCE), name="incident_reference_form"
            )
        ]

    def __str__(self):
        return self.reference


class IncidentRelation(models.Model):
    """ "Same root cause", "should have been reopened as" …"""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=100)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "related", "kind"], name="incidentrelation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(related=F("incident")), name="incidentrelation_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.incident} {self.kind} {self.related}"


class IncidentReview(models.Model):
    """An incident reviewed under an agenda item: what the committee noted and
    decided, and whether the Major Incident Review Report may be published."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reviews")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="incident_reviews")
    outcome = models.TextField(blank=True)
    publish_report = models.BooleanField(
        null=True, blank=True, help_text="Review report to be published (blank: not decided)."
    )
    amendments = models.TextField(blank=True, help_text="Amendments asked for before publication.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["item__meeting__date", "incident__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "item"], name="incidentreview_once_per_item"
            )
        ]

    def __str__(self):
        return f"{self.incident} at {self.item.meeting}"


class IncidentMention(models.Model):
    """An agenda item whose heading, narrative, note or decisions name the
    incident: kept by incidents.services.incident_mentions_refresh whenever
    an item or its decisions are saved, so the incident can list every
    meeting that spoke of it and the register can tell who may see it."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="mentions")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="incident_mentions")

    class Meta:
        ordering = ["item__meeting__date", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "item"], name="incidentmention_unique")
        ]

    def __str__(self):
        return f"{self.incident} in {self.item}"
