"""Races between two workers, for tests that prove a lock or a claim holds.

CI runs the suite on both databases. On PostgreSQL the threads share the test
database. SQLite's test database lives in memory with a shared cache, whose
table locks fail at once instead of waiting, so there the race runs in a
child process on a file database configured exactly as the demo is."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from django.db import connections

ROOT = Path(__file__).resolve().parents[1]

# Prepended to each child's code: Django on a fresh file database.
CHILD_SETUP = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)
"""


def run_together(work: Callable[[int], object], count: int = 2) -> tuple[list, list[str]]:
    """Run `work(n)` in `count` threads released at the same moment, each on
    its own database connection. Returns the results and the errors (as
    reprs), so a failing thread is reported with the others' results."""
    start = threading.Barrier(count, timeout=30)
    results, errors = [], []

    def worker(n):
        try:
            start.wait()
            results.append(work(n))
        except Exception as exc:  # reported to the caller with the other results
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def run_in_child(code: str, var_dir: Path) -> dict:
    """Run `code` after CHILD_SETUP in a child process whose settings come
    from no environment but VAR_DIR; its last printed line is JSON."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEMO_MODE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="opsg.settings", VAR_DIR=str(var_dir))
    result = subprocess.run(
        [sys.executable, "-c", CHILD_SETUP + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
