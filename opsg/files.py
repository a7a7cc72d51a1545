"""Files the worker writes (the minutes' PDFs, the meeting packs): written
whole or not at all."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings


def write_atomically(target: Path, write: Callable[[BinaryIO], None]) -> bytes:
    """Call `write` on a temporary file beside `target` and move it into
    place only when complete, so a failure (or a killed worker) never leaves
    a partial file at `target`. Returns the bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file private; web and worker may run as different users.
        os.chmod(partial, settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        data = Path(partial).read_bytes()
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return data
