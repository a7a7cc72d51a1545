"""Real Celery workers in child processes, for tests of what only a worker
does: take a task from Redis, die mid-task and have it redelivered, or run
beside a second worker. Each child reads its settings from the environment
as a deployed worker does, pointed at this test run's database and Redis."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from opsg.celery import app
from tests.conftest import need_services

ROOT = Path(__file__).resolve().parents[1]


def need_postgres_and_redis() -> None:
    need_services(
        connection.vendor == "postgresql" and bool(settings.REDIS_URL),
        "needs PostgreSQL and Redis (set DATABASE_URL and REDIS_URL)",
    )


def child_database_url() -> str:
    """The test database (not the one DATABASE_URL names) as a URL for a child."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(var_dir: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="opsg.settings",
        DATABASE_URL=child_database_url(),
        REDIS_URL=settings.REDIS_URL,
        VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    return env | values


def worker_log(env: dict[str, str], name: str) -> str:
    path = Path(env["VAR_DIR"]) / f"{name}.log"
    return path.read_text() if path.exists() else ""


@contextmanager
def celery_workers(names: list[str], env: dict[str, str], *, prelude: str = "", pool="solo"):
    """Start one worker per name (one task at a time each) and wait until all
    answer a ping; stop them on the way out. `prelude` is Python run in each
    child before the worker starts (a test's stand-in for a slow or stuck
    part). Each worker's log is VAR_DIR/<name>.log."""
    app.control.purge()  # nothing left over from an earlier test
    code = (
        prelude + "\nimport sys\nfrom opsg.celery import app\n" + "app.worker_main(sys.argv[1:])\n"
    )
    children = []
    try:
        for name in names:
            args = ["worker", "--pool", pool, "--concurrency", "1", "--hostname", f"{name}@%h"]
            args += ["--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
            Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
            with open(Path(env["VAR_DIR"]) / f"{name}.log", "w") as log:
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-c", code, *args],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        # Its own process group: stopped with its pool's children.
                        start_new_session=True,
                    )
                )
        deadline = time.monotonic() + 90
        while True:
            answered = {name for reply in app.control.ping(timeout=1) for name in reply}
            if all(any(a.startswith(f"{n}@") for a in answered) for n in names):
                break
            dead = [n for n, child in zip(names, children, strict=True) if child.poll() is not None]
            assert not dead, f"worker {dead[0]} stopped: " + worker_log(env, dead[0])
            assert time.monotonic() < deadline, f"workers not ready, only {sorted(answered)}"
        yield children
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
