"""What the worker's emails (reminders, the circulation email) share: an
address as people type it, made the key of a claimed row; and a failed
send, in words for that row and the log."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def usable_address(raw: str) -> str:
    """`raw` as an email address, lower-cased: one claimed row per address
    however it was typed (the unique constraints compare text). "" when it
    is blank or not an email address."""
    address = (raw or "").strip()
    if not address:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address.lower()


def failure_text(exc: BaseException) -> str:
    """A failed send as the record keeps it (a column of bounded length)."""
    return f"{type(exc).__name__}: {exc}"[:1000]
