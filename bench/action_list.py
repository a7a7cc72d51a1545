"""How the action log holds up as the log grows, against Django's admin.

Fills a scratch SQLite file (in a temporary directory, removed afterwards)
with 10,000 actions across 5 committees and 250 meetings, each action with
1–3 reviews and 1–2 owners, then times, in the same run and with the same
data, logged in as staff:

- the action log, open actions sorted by target date (/actions/?sort=target);
- the Django admin's change list of Action, open ones sorted by target date,
  at the log's page size (50).

It prints one line, `action_list p50_ms=… admin_p50_ms=… ratio=… queries=…`,
then grows the log to 100,000 actions (same committees and meetings) and
prints the same line with `growth=` (the log's p50 at 100,000 / at 10,000).

As in a committee's real log, most actions are closed: about one in five of
those raised at a meeting is still open. Run by `make bench` (bench/run.py),
or alone: .venv/bin/python bench/action_list.py
"""

import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = tempfile.mkdtemp(prefix="opsg-bench-actions-")
# Always a scratch SQLite file of its own, whatever the caller's environment.
os.environ["VAR_DIR"] = SCRATCH
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "opsg.settings"
os.environ.setdefault("DEMO_PASSWORD", "bench-only-password")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from actions.models import Action, ActionOwner, ActionReview  # noqa: E402
from actions.references import format_reference  # noqa: E402
from actions.selectors import LOG_PAGE_SIZE  # noqa: E402
from actions.services import slip_summary  # noqa: E402
from meetings.models import (  # noqa: E402
    Classification,
    Committee,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
)

COMMITTEES = 5
MEETINGS = 250  # 50 per committee, a month apart
FIRST = datetime.date(2019, 1, 8)
REPEAT = 15
CHUNK = 5000

LOG_URL = "/actions/?sort=target"
# The admin's change list filtered the same way (list_filter has status) and
# sorted on target_date (4th column of list_display).
ADMIN_URL = "/admin/actions/action/?status__exact=open&o=4"


def p50_ms(client: Client, url: str) -> float:
    response = client.get(url)  # warm caches (templates, query plans)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def setup_committees() -> list[list[Meeting]]:
    white = Classification.objects.create(
        label="White",
        colour="#ffffff",
        audience=Classification.Audience.PARTIES,
        statement="Shared with SEC Parties, not published.",
        effective_from=datetime.date(2018, 1, 1),
    )
    committees = Committee.objects.bulk_create(
        Committee(code=code, name=f"{code} committee")
        for code in ["OPSG", "TABASC", "PANEL", "SECCO", "SSC"][:COMMITTEES]
    )
    per = MEETINGS // COMMITTEES
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committee,
            number=n + 1,
            date=FIRST + datetime.timedelta(days=28 * n + c),
            classification=white,
            # Circulated: what they raised and reviewed reaches members and
            # owners (a draft's would reach its writers only).
            status=Meeting.Status.CIRCULATED,
            circulated_at=datetime.datetime.combine(
                FIRST + datetime.timedelta(days=28 * n + c), datetime.time(17), tzinfo=datetime.UTC
            ),
        )
        for c, committee in enumerate(committees)
        for n in range(per)
    )
    NextMeeting.objects.bulk_create(
        NextMeeting(meeting=m, date=m.date + datetime.timedelta(days=28)) for m in meetings
    )
    by_committee = [[m for m in meetings if m.committee_id == c.pk] for c in committees]
    return by_committee


def setup_owners() -> tuple[list[Organisation], list[Person]]:
    organisations = Organisation.objects.bulk_create(
        Organisation(short_name=name)
        for name in ["DCC", "SECAS", "DNOs", "OPSG members", "DSP", "Ofgem", "BEIS", "CSP N"]
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {n:02d}", organisation=organisations[n % len(organisations)])
        for n in range(20)
    )
    return organisations, people


def add_actions(
    meetings: list[list[Meeting]],
    organisations: list[Organisation],
    people: list[Person],
    *,
    start: int,
    count: int,
) -> None:
    """Actions number `start` … `start + count - 1`, spread over every meeting
    in turn, in chunks (bulk_create) so memory stays flat."""
    today = datetime.date(2026, 11, 23)
    flat = [m for committee in meetings for m in committee]
    later = {
        m.pk: [x for x in committee if x.date > m.date] for committee in meetings for m in committee
    }
    for chunk_start in range(start, start + count, CHUNK):
        numbers = range(chunk_start, min(start + count, chunk_start + CHUNK))
        actions, owners, reviews = [], [], []
        for n in numbers:
            meeting = flat[n % len(flat)]
            sequence = n // len(flat) + 1
            target = meeting.date + datetime.timedelta(days=14 + (n * 37) % 120)
            # One in five still open (the newest more often): the rest closed.
            is_open = n % 5 == 0 or meeting.date > today - datetime.timedelta(days=120)
            action = Action(
                committee_id=meeting.committee_id,
                meeting_number=meeting.number,
                sequence=sequence,
                reference=format_reference(meeting.committee.code, meeting.number, sequence, False),
                meeting=meeting,
                text=f"DCC to report on the matter raised under item {n % 12 + 1}. "
                "Owners to give an update at the next meeting.",
                raised_on=meeting.date,
                target_date=target if n % 23 else None,
                target_note="" if n % 23 else "To be determined",
                status="open" if is_open else "closed",
                outcome="" if is_open else "completed",
                closed_on=None if is_open else target,
            )
            actions.append(action)
            owners.append(
                ActionOwner(action=action, organisation=organisations[n % len(organisations)])
            )
            if n % 3 == 0:
                owners.append(ActionOwner(action=action, person=people[n % len(people)], order=1))
            target = action.target_date
            action_reviews = []
            for k, meeting in enumerate(later[action.meeting_id][: 1 + n % 3]):
                # Three actions in seven slip at every review; the rest never do.
                slipped = target is not None and n % 7 < 3
                revised = target + datetime.timedelta(days=28) if slipped else None
                action_reviews.append(
                    ActionReview(
                        action=action,
                        meeting=meeting,
                        update=f"Update at {meeting.committee.code} {meeting.number}.",
                        last_target_date=target,
                        last_target_note="" if target else "To be determined",
                        revised_target_date=revised,
                        revised_target_note="" if slipped else "N/A",
                        status="open",
                        order=k,
                    )
                )
                target = revised or target
            # bulk_create bypasses action_review_record: the stored slips are
            # worked out here, by the same rule.
            action.times_slipped, action.days_slipped = slip_summary(action_reviews)
            reviews.extend(action_reviews)
        with transaction.atomic():
            # The owners and reviews take their actions' ids once these are saved.
            Action.objects.bulk_create(actions, batch_size=1000)
            ActionOwner.objects.bulk_create(owners, batch_size=2000)
            ActionReview.objects.bulk_create(reviews, batch_size=2000)


def measure(client: Client) -> tuple[float, float, int]:
    log = p50_ms(client, LOG_URL)
    admin_ms = p50_ms(client, ADMIN_URL)
    return log, admin_ms, queries(client, LOG_URL)


def main():
    # The test client's host. (Not setup_test_environment(): its template
    # instrumentation would slow both pages alike and blur the comparison.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        call_command("migrate", verbosity=0)
        # The same page size as the log.
        admin.site._registry[Action].list_per_page = LOG_PAGE_SIZE
        meetings = setup_committees()
        organisations, people = setup_owners()
        staff = get_user_model().objects.create_user(
            "bench-staff", password="unused", is_staff=True, is_superuser=True
        )
        client = Client()
        client.force_login(staff)

        add_actions(meetings, organisations, people, start=0, count=10_000)
        log_10k, admin_10k, count_10k = measure(client)
        print(
            f"action_list p50_ms={log_10k:.1f} admin_p50_ms={admin_10k:.1f} "
            f"ratio={log_10k / admin_10k:.2f} queries={count_10k}",
            flush=True,
        )

        add_actions(meetings, organisations, people, start=10_000, count=90_000)
        log_100k, admin_100k, count_100k = measure(client)
        print(
            f"action_list p50_ms={log_100k:.1f} admin_p50_ms={admin_100k:.1f} "
            f"ratio={log_100k / admin_100k:.2f} queries={count_100k} "
            f"growth={log_100k / log_10k:.2f}",
            flush=True,
        )
    finally:
        connection.close()
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
