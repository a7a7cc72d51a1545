"""Hostile files, in one table, through the upload page as a secretary would
send them: each is refused in one sentence that says why, the page keeps
the form, and nothing is written."""

import io
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actions.models import Action
from imports.models import ImportedDocument
from meetings.models import Meeting, Person
from tests.base import login

pytestmark = pytest.mark.django_db

SAMPLE = "Operations Group Meeting 25\n1 October 2019, 10:00 - 17:00\nAttendees:\n" * 40


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"0" * (64 << 20))
    return buffer.getvalue()


HOSTILE = [
    ("empty.txt", lambda: b"", "file is empty."),
    ("blank.md", lambda: b" \n\n\t \n", "The file is empty."),
    ("binary.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(4000), "binary data"),
    ("fifty.txt", lambda: b"a" * (50 << 20), "larger than 20 MB"),
    ("bomb.docx", _zip_bomb, "zip bomb"),
    ("image.pdf", lambda: b"GIF89a" + os.urandom(2000), "not a PDF"),
    ("random.docx", lambda: os.urandom(5000), "not a Word document"),
    ("utf16.txt", lambda: SAMPLE.encode("utf-16-le"), "without a byte-order mark"),
    ("utf32.txt", lambda: SAMPLE.encode("utf-32-be"), "without a byte-order mark"),
    (
        "shift-jis.txt",
        lambda: "議事録、第一議題。\n".encode("shift_jis") * 200,
        "not text in an encoding the importer reads",
    ),
    (
        "actions.md",
        lambda: "\n".join(f"ACTION: The clerk to check point {n}." for n in range(5000)).encode(),
        "No meeting could be read",
    ),
    ("minutes.exe", lambda: b"MZ" + os.urandom(100), "not a file that can be imported"),
]


def _written() -> tuple:
    return tuple(m.objects.count() for m in (Meeting, Action, Person, ImportedDocument))


@pytest.mark.parametrize("name, make, reason", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_in_a_sentence_and_writes_nothing(
    client, world, name, make, reason
):
    login(client, "secretary")
    before = _written()
    response = client.post("/import/", {"file": SimpleUploadedFile(name, make())})
    assert response.status_code == 422
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert reason.lower() in errors[0].lower(), errors[0]
    assert "Traceback" not in response.content.decode()
    assert _written() == before
