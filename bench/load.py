"""Mixed load: LOAD_CLIENTS clients (50) at once for LOAD_SECONDS (300)
against gunicorn with 4 workers, on PostgreSQL, each client going round the
journeys people take, as a member of every committee: the action log, an
action's page, a meeting's minutes, a search, an export of the log; and
one client in ten also saves items in the editor, as the secretary, over
htmx. Each client pauses between requests as a person reading the page
would, a time drawn evenly from LOAD_THINK seconds (5-15; locust's users
wait the same way), so 50 clients ask for about 5 pages a second; the
clients start spread over the first pause. LOAD_THINK=0 takes the pauses
away: the load 50 people could never make, for finding where the machine
saturates (on the 2-core development machine, about 10 requests a second).

The data is bench/action_list.py's: 10,000 actions over 5 committees and
250 meetings, 500 owners, reviews and slips; plus a draft meeting with 30
items for the secretary's saves. Every request is timed from the client's
side (a new connection each: gunicorn's sync workers close it), and any
answer other than the one expected, or any failure to connect, counts as an
error. It prints:

- load_50_clients: p50 and p95 of every request, goal p95 at most 300 ms,
  with each journey's p95 and the number of requests;
- load_50_clients_errors: goal none.

Needs PostgreSQL (DATABASE_URL): gunicorn's workers share the scratch
database with this script. On SQLite it prints an INFO line and passes.
Run by `make bench`, or alone: .venv/bin/python bench/load.py
(LOAD_CLIENTS and LOAD_SECONDS shorten it; LOAD_THINK sets the pauses)."""

import http.client
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import action_list
import harness
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from actions.access import visible_actions
from meetings.access import visible_meetings
from meetings.models import AgendaItem, Committee, CommitteeRole, Meeting

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "300"))


def think_range(text: str) -> tuple[float, float]:
    """LOAD_THINK: "5-15" (seconds, drawn evenly between), "3" or "0"."""
    low, _, high = text.partition("-")
    return float(low), float(high or low)


THINK = think_range(os.environ.get("LOAD_THINK", "5-15"))
WORKERS = 4
GOAL_P95_MS = 300
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def start_gunicorn(port: int) -> subprocess.Popen:
    """gunicorn on the scratch database, tasks in-process (no REDIS_URL)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DEMO_MODE": "true",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "opsg.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.25)
    server.kill()
    raise SystemExit("gunicorn did not start within 60 s")


class Journeys:
    """What one client asks for, in turn: (name, method, path, form, status)."""

    def __init__(self, *, member, secretary, draft: Meeting):
        """`member`, `secretary`: signed-in test clients; the pages asked for
        are ones the member may read."""
        reader = get_user_model().objects.get(pk=member.session["_auth_user_id"])
        seen = visible_actions(reader).order_by("pk").only("reference")
        actions = [a.slug for a in seen[::97]]
        minutes = list(
            visible_meetings(reader)
            .filter(status=Meeting.Status.CIRCULATED)
            .order_by("pk")
            .values_list("committee__code", "number")[::7]
        )
        items = list(draft.items.values_list("pk", flat=True))
        self.member, self.secretary = session_cookie(member), session_cookie(secretary)
        self.gets = [
            ("log", action_list.LOG_URL),
            *[("detail", f"/actions/{slug}/") for slug in actions],
            *[("minutes", f"/committees/{code}/meetings/{n}/") for code, n in minutes],
            *[("search", f"/search/?{urlencode({'q': q})}") for q in ("review", "meter", "DCC")],
            ("export", "/actions/export.csv?status=open"),
        ]
        base = f"/committees/{draft.committee.code}/meetings/{draft.number}/items/"
        self.saves = [f"{base}{pk}/" for pk in items]

    def next(self, rng: random.Random, secretary: bool):
        if secretary and rng.random() < 0.5:
            path = rng.choice(self.saves)
            form = {"title": "Item under load", "narrative": f"Saved {rng.random():.6f}"}
            return "editor_save", "POST", path, form, self.secretary
        kind = rng.choice(["log", "detail", "minutes", "search", "export"])
        name, path = rng.choice([g for g in self.gets if g[0] == kind])
        return name, "GET", path, None, self.member


def client_loop(port, journeys, secretary, until, results, errors, seed):
    rng = random.Random(seed)
    csrf = secrets.token_hex(16)  # 32 characters: Django takes it as the secret
    time.sleep(rng.uniform(0, THINK[1]))  # clients arrive spread out, as people do
    while time.monotonic() < until:
        name, method, path, form, session = journeys.next(rng, secretary)
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}"}
        body = None
        if method == "POST":
            body = urlencode(form)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": csrf,
                "HX-Request": "true",
                "Referer": f"http://127.0.0.1:{port}{path}",
            }
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except Exception as exc:  # a refused or dropped connection is an error to count
            errors.append(f"{name} {path}: {type(exc).__name__}: {exc}")
            status = None
        elapsed = time.perf_counter() - start
        if status == 200:
            results[name].append(elapsed)
        elif status is not None:
            errors.append(f"{name} {path}: HTTP {status}")
        time.sleep(min(rng.uniform(*THINK), max(until - time.monotonic(), 0)))


def build() -> Journeys:
    meetings = action_list.setup_committees()
    organisations, people = action_list.setup_owners()
    action_list.add_actions(meetings, organisations, people, start=0, count=10_000)
    committees = list(Committee.objects.order_by("code"))
    member = harness.member_client(committees)
    secretary = harness.member_client(committees[:1], username="bench-secretary")
    CommitteeRole.objects.filter(person__user__username="bench-secretary").update(role="secretary")
    opsg = next(c for c in committees if c.code == "OPSG")
    draft = Meeting.objects.create(
        committee=opsg,
        number=999,
        date=action_list.FIRST,
        classification=meetings[0][0].classification,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=draft, number=str(n), title=f"Item {n}", order=n) for n in range(1, 31)
    )
    harness.analyze()
    return Journeys(member=member, secretary=secretary, draft=draft)


def main():
    if harness.engine() != "PostgreSQL":
        print(
            "load_50_clients INFO needs PostgreSQL (set DATABASE_URL): gunicorn's workers "
            "share the scratch database with this script",
            flush=True,
        )
        return
    if shutil.which(str(Path(sys.executable).parent / "gunicorn")) is None:
        raise SystemExit("gunicorn is not installed in this environment")
    with harness.scratch_database():
        journeys = build()
        connection.close()  # the workers take the database from here
        port = free_port()
        server = start_gunicorn(port)
        results: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        try:
            until = time.monotonic() + SECONDS
            threads = [
                threading.Thread(
                    target=client_loop,
                    args=(port, journeys, n % 10 == 0, until, results, errors, n),
                )
                for n in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        every = harness.Timing([t for times in results.values() for t in times] or [0.0])
        by_journey = " ".join(
            f"{name}_p95={harness.Timing(times).p95:.0f}ms"
            for name, times in sorted(results.items())
        )
        requests = sum(len(times) for times in results.values())
        harness.report(
            f"load_{CLIENTS}_clients ({SECONDS:g} s, pauses {THINK[0]:g}-{THINK[1]:g} s, "
            f"gunicorn {WORKERS} workers, PostgreSQL)",
            every,
            None,
            goal=GOAL_P95_MS,
            measure="p95_ms",
            extra=f"requests={requests} {by_journey}",
        )
        shown = "; ".join(errors[:5])
        harness.report_count(
            f"load_{CLIENTS}_clients_errors", len(errors), goal=0, extra=shown[:500]
        )
    harness.finish()


if __name__ == "__main__":
    main()
