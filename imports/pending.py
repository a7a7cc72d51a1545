"""An upload waiting for the secretary's "Import": kept on disk under
MEDIA_ROOT/imports/pending/<sha256>/<name> between the review page and the
commit, named by a token that cannot point anywhere else."""

import hashlib
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.utils.text import get_valid_filename

_TOKEN = re.compile(r"^(?P<sha>[0-9a-f]{64})/(?P<name>[\w.\- ]{1,120})$")


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "pending"


def keep(data: bytes, filename: str) -> str:
    sha = hashlib.sha256(data).hexdigest()
    name = get_valid_filename(Path(filename).name)[-120:] or "minutes.txt"
    folder = _root() / sha
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return f"{sha}/{name}"


def load(token: str) -> tuple[bytes, str]:
    """The upload's bytes and name; ValueError when the token is not one of ours."""
    match = _TOKEN.match(token or "")
    path = _root() / match["sha"] / match["name"] if match else None
    if path is None or not path.is_file():
        raise ValueError("That upload has expired or was already imported: upload the file again.")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != match["sha"]:
        raise ValueError("That upload has changed on disk: upload the file again.")
    return data, match["name"]


def forget(token: str) -> None:
    match = _TOKEN.match(token or "")
    if match:
        shutil.rmtree(_root() / match["sha"], ignore_errors=True)
