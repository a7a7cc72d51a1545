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
