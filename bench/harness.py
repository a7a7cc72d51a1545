"""What every benchmark stands on, so each tells the truth the same way:

- a scratch database: PostgreSQL when DATABASE_URL is set (a test database
  made on that server and dropped afterwards), else a SQLite file in a
  temporary folder;
- the project loaded as gunicorn serves it (opsg.wsgi: its objects frozen
  out of the cycle collector's sight);
- an ordinary member to time as (a committee role, no staff rights), so the
  access filter is always in the timing;
- `interleaved`: subject and peer requests alternate, who goes first
  swapping each round, at least 30 timed requests each after a warm-up, so a
  noisy neighbour slows both alike;
- `report`: one line per benchmark,
  `name subject_p50=… subject_p95=… peer_p50=… peer_p95=… ratio=… goal<=… OK|SHORT`
  (or `INFO` for a line printed for context, with no goal of its own),
  and `finish` the exit status: non-zero when any goal was missed.

Import this module before Django is set up: it chooses the database."""

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "opsg.settings"
os.environ.setdefault("DEMO_PASSWORD", "bench-only-password")
for _name in ("VAR_DIR", "MEDIA_ROOT"):
    if _name not in os.environ:
        os.environ[_name] = tempfile.mkdtemp(prefix="opsg-bench-")
        atexit.register(shutil.rmtree, os.environ[_name], ignore_errors=True)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# Sign-in and request logs (django-axes, the server) would bury the lines.
logging.disable(logging.INFO)

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

# The project loaded and its objects frozen, as gunicorn's workers have it.
import opsg.wsgi  # noqa: E402, F401

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
WARMUP = 3
_RESULTS: list[bool] = []


def engine() -> str:
    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


@contextmanager
def scratch_database():
    """An empty, migrated database for one benchmark, dropped afterwards:
    `test_<name>` on DATABASE_URL's server, or a SQLite test database."""
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def analyze() -> None:
    """Fresh statistics for the planner, and the visibility map an index-only
    scan reads, as a live database keeps them (autovacuum vacuums a table
    after its inserts too), after a benchmark's bulk load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def member_client(committees, *, username: str = "bench-member"):
    """A signed-in test client for an ordinary member of `committees`."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from meetings.models import CommitteeRole, Person

    user = get_user_model().objects.create_user(username, password="unused")
    person = Person.objects.create(name="Bench Member", user=user)
    CommitteeRole.objects.bulk_create(
        CommitteeRole(committee=c, person=person, role="member") for c in committees
    )
    client = Client()
    client.force_login(user)
    return client


def staff_client(username: str = "bench-admin"):
    """A signed-in superuser, for the Django admin's pages (the peers)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_user(
        username, password="unused", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Timing:
    seconds: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> Timing:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return Timing(samples)


def interleaved(
    subject: Callable[[], object],
    peer: Callable[[], object],
    rounds: int = ROUNDS,
    *,
    warmup: int = WARMUP,
) -> tuple[Timing, Timing]:
    """Both timed `rounds` times, alternating, the first of each pair swapping,
    after `warmup` untimed calls of each (fewer for a job that takes seconds)."""
    for _ in range(warmup):
        subject()
        peer()
    times: dict[int, list[float]] = {0: [], 1: []}
    for round_ in range(rounds):
        pair = ((0, subject), (1, peer)) if round_ % 2 == 0 else ((1, peer), (0, subject))
        for key, fn in pair:
            start = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - start)
    return Timing(times[0]), Timing(times[1])


def report(
    name: str,
    subject: Timing,
    peer: Timing | None,
    *,
    goal: float | None,
    measure: str = "ratio",
    extra: str = "",
) -> bool:
    """Print the benchmark's line. `measure`: what the goal bounds, "ratio"
    (subject p50 / peer p50) or "p50_ms"/"p95_ms" (the subject's own).
    `goal=None`: a line for context (INFO), which cannot fail the run."""
    ratio = subject.p50 / peer.p50 if peer else None
    value = {"ratio": ratio, "p50_ms": subject.p50, "p95_ms": subject.p95}[measure]
    ok = goal is None or (value is not None and value <= goal)
    parts = [name, f"subject_p50={subject.p50:.1f}ms", f"subject_p95={subject.p95:.1f}ms"]
    if peer is not None:
        parts += [f"peer_p50={peer.p50:.1f}ms", f"peer_p95={peer.p95:.1f}ms", f"ratio={ratio:.2f}"]
    if goal is None:
        parts.append("INFO")
    else:
        goal_text = f"goal:{measure}<={goal:g}" if measure != "ratio" else f"goal<={goal:g}x"
        parts += [goal_text, "OK" if ok else "SHORT"]
        _RESULTS.append(ok)
    if extra:
        parts.append(extra)
    print(" ".join(parts), flush=True)
    return ok


def report_count(name: str, value: int, *, goal: int, extra: str = "") -> bool:
    """A line for a count that must stay within `goal` (queries, say)."""
    ok = value <= goal
    print(
        f"{name} value={value} goal<={goal} {'OK' if ok else 'SHORT'} {extra}".rstrip(), flush=True
    )
    _RESULTS.append(ok)
    return ok


def finish() -> None:
    """Exit non-zero when any goal of this script was missed."""
    sys.exit(0 if all(_RESULTS) else 1)
