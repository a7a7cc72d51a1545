"""An imported minutes document: the source file kept with the meeting it
became, who imported it, and what the importer counted and doubted."""

from django.conf import settings
from django.db import models

from meetings.models import Meeting


def _source_path(instance, filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class ImportedDocument(models.Model):
    # PROTECT: the source is part of the record of the meeting it made.
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    source = models.FileField(upload_to=_source_path, max_length=400)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()
    counts = models.JSONField(default=dict)
    flags = models.JSONField(default=list, help_text="The doubts shown before the import.")

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "sha256"], name="import_once_per_meeting")
        ]

    def __str__(self):
        return f"{self.filename} → {self.meeting}"


class PendingImport(models.Model):
    """An uploaded document on its way to the review page: the worker reads
    it (imports.reading), and the secretary who uploaded it reviews what was
    read, then imports it or starts again. The file itself waits on disk
    (imports.pending) under `token`."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be read"
        READING = "reading", "Reading"
        DONE = "done", "Read"
        FAILED = "failed", "Could not be read"

    token = models.CharField(max_length=200)
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    # Chosen on the upload form, for a document that does not say.
    committee = models.CharField(max_length=16, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    stage = models.CharField(max_length=120, blank=True, help_text="What the reading is doing.")
    error = models.TextField(blank=True)
    text = models.TextField(
        blank=True, help_text="The text read, which the doubts' lines count in."
    )
    parsed = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"
