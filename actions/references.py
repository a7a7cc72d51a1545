"""Action references, in one place: "OPSG 25/01", "OPSG 45/CONF 02" (a
confidential session's). How one is spelled, read back, and written in a
URL (opsg-45-conf-02). Every app that names an action goes through here."""

import re

from django.core.exceptions import ValidationError

PATTERN = re.compile(
    r"^(?P<code>[A-Za-z][A-Za-z0-9]*)\s+(?P<meeting>\d+)\s*/\s*(?P<conf>CONF\s*)?(?P<seq>\d+)$",
    re.I,
)
SLUG = re.compile(r"^(?P<code>[a-z][a-z0-9]*)-(?P<meeting>\d+)-(?P<conf>conf-)?(?P<seq>\d+)$")


def format_reference(code: str, meeting_number: int, sequence: int, confidential: bool) -> str:
    """The one spelling: the committee's code, the meeting, "CONF " for a
    confidential session, the number in two digits at least."""
    conf = "CONF " if confidential else ""
    return f"{code.upper()} {int(meeting_number)}/{conf}{int(sequence):02d}"


def parse_reference(text: str) -> tuple[str, int, bool, int]:
    """ "OPSG 45/CONF 02" -> ("OPSG", 45, True, 2); a form error otherwise."""
    parts = _parts(PATTERN.match(text.strip()))
    if parts is None:
        raise ValidationError(f"{text!r} is not an action reference such as OPSG 25/01.")
    return parts


def canonical(text: str) -> str | None:
    """The reference `text` spells, however spaced or padded ("opsg 45 /conf 2"
    -> "OPSG 45/CONF 02"); None when it is not one."""
    parts = _parts(PATTERN.match(" ".join(text.split())))
    return None if parts is None else format_reference(parts[0], parts[1], parts[3], parts[2])


def slug(reference: str) -> str:
    """URL form: opsg-25-01, opsg-45-conf-02."""
    return reference.lower().replace("/", "-").replace(" ", "-")


def from_slug(text: str) -> str | None:
    """opsg-45-conf-02 -> "OPSG 45/CONF 02"; None when it is not a slug."""
    parts = _parts(SLUG.match(text))
    return None if parts is None else format_reference(parts[0], parts[1], parts[3], parts[2])


def _parts(match) -> tuple[str, int, bool, int] | None:
    if not match:
        return None
    return match["code"].upper(), int(match["meeting"]), bool(match["conf"]), int(match["seq"])
