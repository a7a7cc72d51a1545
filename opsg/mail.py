"""What the worker's emails (reminders, the circulation, agenda and brief
emails) share: an address as people type it, made the key of a claimed
row; a failed send, in words for that row and the log; the sending of
one claimed row; and an email's MIME written from a frame (MimeFrame)."""

import email.policy
import logging
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone


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


SENT, FAILED, SKIPPED = "sent", "failed", "skipped"

logger = logging.getLogger(__name__)


def send_claimed(rows, build, connection) -> tuple[str, str]:
    """Send one claimed email: lock the unsent row among `rows` (a queryset
    of a ClaimedEmail model, narrowed to one email), send `build()`'s message
    over `connection`, and mark the row sent, or failed with the error, in
    the same transaction. (SENT, ""), (FAILED, error), or (SKIPPED, "") when
    no unsent row is left: sent already, or another worker holds it. The
    message is built outside the try: a fault in the templates is a bug to
    see, not a delivery failure (the row stays claimed for the next run)."""
    states = rows.model.State
    with transaction.atomic():
        row = (
            rows.select_for_update(skip_locked=True)
            .filter(state__in=[states.CLAIMED, states.FAILED])
            .first()
        )
        if row is None:
            return SKIPPED, ""
        message = build()
        message.connection = connection
        same = rows.model.objects.filter(pk=row.pk)
        try:
            message.send()
        except Exception as exc:
            error = failure_text(exc)
            same.update(state=states.FAILED, error=error, attempts=F("attempts") + 1)
            return FAILED, error
        same.update(state=states.SENT, sent_at=timezone.now(), error="", attempts=F("attempts") + 1)
        return SENT, ""


def tally(report, address: str, outcome: tuple[str, str], what: str) -> None:
    """Put `send_claimed`'s outcome for `address` on a run's `report` (its
    `sent`, `failed` and `skipped` lists), logging a failure as `what` ("The
    agenda email of OPSG 26") failing."""
    state, error = outcome
    if state == SENT:
        report.sent.append(address)
    elif state == FAILED:
        report.failed.append((address, error))
        logger.warning("%s to %s failed: %s", what, address, error)
    else:
        report.skipped.append(address)


def _crlf(text: str) -> str:
    """Each line break of `text` (CRLF, CR or LF, as the email package's
    generator finds them) as CRLF. Three passes of str.replace take a
    tenth of the time a regular expression does over a digest."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "\r\n")


# Headers folded as Django's messages fold them (compat32), for SMTP.
_FOLD = email.policy.compat32.clone(linesep="\r\n")


def _header(name: str, value: str) -> bytes:
    """A header as Django's message writes it: checked, encoded, folded."""
    name, value = forbid_multi_line_headers(name, value, settings.DEFAULT_CHARSET)
    if (
        value.isascii()
        and len(name) + 2 + len(value) <= _FOLD.max_line_length
        and "  " not in value
    ):
        # What folding leaves of a short line of ASCII words (the date, the
        # address, the Message-ID), without building a Header for it.
        return f"{name}: {value}\r\n".encode()
    return _FOLD.fold_binary(name, value)


class MimeFrame:
    """The bytes Django writes for an email of a text and an HTML part, from
    DEFAULT_FROM_EMAIL to one address, with holes for what differs from one
    email to the next: the subject, the address, the date, the Message-ID,
    each part's body and transfer encoding. Built once (the reminders: per
    run) from a message Django writes itself, it writes each email's MIME in
    microseconds where Django's email package takes about a millisecond
    (bench/reminders.py). An email it was not built for (a line too long
    for 8bit, the boundary in a part, another shape) is left to Django."""

    PROBE_TO = "to@example.invalid"

    def __init__(self):
        probe = EmailMultiAlternatives(
            subject="Subject",
            body="text-part",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.PROBE_TO],
        )
        probe.attach_alternative("html-part", "text/html")
        mime = probe.message()
        raw = mime.as_bytes(linesep="\r\n")
        self.boundary = mime.get_boundary()
        self.from_email = probe.from_email
        # The envelope's sender, as the SMTP backend gives it.
        self.sender = sanitize_address(probe.from_email, settings.DEFAULT_CHARSET)
        self._subjects: dict[str, bytes] = {}
        # In the order Django writes them.
        holes = [
            (_header("Subject", probe.subject), "subject"),
            (_header("To", self.PROBE_TO), "to"),
            (_header("Date", mime["Date"]), "date"),
            (_header("Message-ID", mime["Message-ID"]), "id"),
            (b"Content-Transfer-Encoding: 7bit\r\n", "text_cte"),
            (b"text-part", "text"),
            (b"Content-Transfer-Encoding: 7bit\r\n", "html_cte"),
            (b"html-part", "html"),
        ]
        self.parts: list[bytes | str] = []
        for seen, hole in holes:
            before, found, raw = raw.partition(seen)
            if not found:
                raise ValueError(f"Django's digest has no {hole} where the frame expects one")
            self.parts += [before, hole]
        self.parts.append(raw)

    def write(self, message: EmailMultiAlternatives) -> bytes | None:
        """`message` as Django would write it, or None to leave it to Django."""
        if (
            len(message.to) != 1
            or message.cc
            or message.bcc
            or message.reply_to
            or message.extra_headers
            or message.attachments
            or message.encoding
            or message.from_email != self.from_email
            or len(message.alternatives) != 1
            or message.alternatives[0][1] != "text/html"
            or not message.to[0].isascii()  # Django would punycode its domain
        ):
            return None
        values = {}
        for name, body in (("text", message.body), ("html", message.alternatives[0][0])):
            # Django writes a part with a long line as quoted-printable, and
            # the generator picks another boundary when a part holds this one.
            if not body or self.boundary in body:
                return None
            lines = body.splitlines()
            # A character is at most four bytes: most digests need no encoding to tell.
            if max(map(len, lines), default=0) * 4 > 998 and any(
                len(line.encode(errors="surrogateescape")) > 998 for line in lines
            ):
                return None
            try:
                values[name] = _crlf(body).encode()
            except UnicodeEncodeError:
                return None
            cte = "7bit" if body.isascii() else "8bit"
            values[f"{name}_cte"] = f"Content-Transfer-Encoding: {cte}\r\n".encode()
        subject = self._subjects.get(message.subject)
        if subject is None:
            subject = self._subjects[message.subject] = _header("Subject", message.subject)
        values["subject"] = subject
        values["to"] = _header("To", message.to[0])
        values["date"] = _header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME))
        values["id"] = _header("Message-ID", make_msgid(domain=DNS_NAME))
        return b"".join(part if isinstance(part, bytes) else values[part] for part in self.parts)
