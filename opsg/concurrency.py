"""Optimistic locking for everything the secretary types.

A form carries the version of the row it was drawn from; saving claims the
next version with a conditional UPDATE. If someone saved in between, the
claim fails and the caller gets an EditConflict holding the newer row, so the
page can show both texts instead of overwriting either."""

from django.core.exceptions import ValidationError
from django.db.models import F, Model


class EditConflict(ValidationError):
    def __init__(self, current: Model):
        self.current = current
        super().__init__(
            "Someone else saved this while you were editing. Their version is shown next to "
            "yours: merge the two and save again.",
            code="conflict",
        )


def claim_version(instance: Model, expected_version: int | None) -> None:
    """Bump `instance.version` in the database, or raise EditConflict when the
    row moved on from `expected_version`. None skips the check (services
    called by jobs and imports, not by a form)."""
    manager = type(instance)._default_manager
    rows = manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise EditConflict(manager.get(pk=instance.pk))
    if expected_version is not None:
        instance.version = expected_version + 1  # the update matched that version alone
    else:
        instance.version = manager.values_list("version", flat=True).get(pk=instance.pk)
