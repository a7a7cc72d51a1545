"""How the action log holds up as the log grows, timed as an ordinary
member (so the access filter is in every timing), against Django's admin
change list of the same model as a superuser, at the same page size.

Fills a scratch database (PostgreSQL when DATABASE_URL is set, else SQLite)
with 10,000 actions across 5 committees and 250 meetings (every tenth a
confidential session) of 12 agenda items, each action raised under an
item (so the items' access rule is in every timing, as in a real log),
each with 1–3 reviews, owned by 8 organisations and 500 people, then
prints, interleaving subject and peer requests:

- action_log_10k: the log, open actions by target date, against the admin
  change list (goal: p50 at most 1.0× the admin's);
- action_detail_10k: an action's page, found by its reference;

then grows the log to 100,000 actions and prints:

- action_log_growth: the log's p50 at 100,000 over its p50 at 10,000
  (goal 1.3×), and its query count, which must not change;
- action_detail_growth: the action page's p50 at 100,000 over 10,000 (goal 1.2×).

With BENCH_MILLION=1 it then grows the log to 1,000,000 actions and prints,
for the README's note on what scales (INFO, no goal): action_log_1m and
action_detail_1m, each against its p50 at 100,000, with the indexes the
page's slowest query scans on PostgreSQL.

As in a committee's real log, most actions are closed: about one in five of
those raised at a meeting is still open. Run by `make bench`, or alone:
.venv/bin/python bench/action_list.py
"""

import datetime
import os
import re

import harness
from django.contrib import admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, ActionReview
from actions.references import format_reference
from actions.selectors import LOG_PAGE_SIZE
from actions.services import slip_summary
from meetings.models import (
    AgendaItem,
    Classification,
    Committee,
    Meeting,
    NextMeeting,
    Organisation,
    Person,
)

COMMITTEES = 5
MEETINGS = 250  # 50 per committee, a month apart
ITEMS = 12  # agenda items a meeting, actions raised under them in turn
FIRST = datetime.date(2019, 1, 8)
CHUNK = 5000
PEOPLE = 500

LOG_URL = "/actions/?sort=target"
# The admin's change list filtered the same way (list_filter has status) and
# sorted on target_date (4th column of list_display).
ADMIN_URL = "/admin/actions/action/?status__exact=open&o=4"


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def getter(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def setup_committees() -> list[list[Meeting]]:
    white, _ = Classification.objects.get_or_create(
        label="White",
        effective_from=datetime.date(2018, 1, 1),
        defaults={
            "colour": "#ffffff",
            "audience": Classification.Audience.PARTIES,
            "statement": "Shared with SEC Parties, not published.",
        },
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
            kind=Meeting.Kind.CONFIDENTIAL if n % 10 == 9 else Meeting.Kind.MAIN,
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
    # Each action is raised under one of its meeting's items, as in the seeds.
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=m, number=str(n), title=f"Item {n}", order=n)
        for m in meetings
        for n in range(1, ITEMS + 1)
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
        for n in range(PEOPLE)
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
    items = {
        (meeting_id, number): pk
        for pk, meeting_id, number in AgendaItem.objects.filter(meeting__in=flat).values_list(
            "pk", "meeting_id", "number"
        )
    }
    for chunk_start in range(start, start + count, CHUNK):
        numbers = range(chunk_start, min(start + count, chunk_start + CHUNK))
        actions, owners, reviews = [], [], []
        for n in numbers:
            meeting = flat[n % len(flat)]
            sequence = n // len(flat) + 1
            confidential = meeting.kind == Meeting.Kind.CONFIDENTIAL
            target = meeting.date + datetime.timedelta(days=14 + (n * 37) % 120)
            # One in five still open (the newest more often): the rest closed.
            is_open = n % 5 == 0 or meeting.date > today - datetime.timedelta(days=120)
            action = Action(
                committee_id=meeting.committee_id,
                meeting_number=meeting.number,
                sequence=sequence,
                reference=format_reference(
                    meeting.committee.code, meeting.number, sequence, confidential
                ),
                confidential=confidential,
                meeting=meeting,
                item_id=items[(meeting.pk, str(n % ITEMS + 1))],
                text=f"DCC to report on the matter raised under item {n % ITEMS + 1}. "
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


def main():
    with harness.scratch_database():
        # The same page size as the log.
        admin.site._registry[Action].list_per_page = LOG_PAGE_SIZE
        meetings = setup_committees()
        organisations, people = setup_owners()
        committees = sorted({m.committee for committee in meetings for m in committee}, key=str)
        member = harness.member_client(committees)
        staff = harness.staff_client()
        engine = harness.engine()

        add_actions(meetings, organisations, people, start=0, count=10_000)
        harness.analyze()
        detail = f"/actions/{Action.objects.order_by('pk')[1234].slug}/"
        log_10k, admin_10k = harness.interleaved(getter(member, LOG_URL), getter(staff, ADMIN_URL))
        count_10k = queries(member, LOG_URL)
        harness.report(
            f"action_log_10k ({engine}, member, open by target date, vs admin change list)",
            log_10k,
            admin_10k,
            goal=1.0,
            extra=f"queries={count_10k}",
        )
        detail_10k = harness.timed(getter(member, detail))
        harness.report(
            f"action_detail_10k ({engine}, member, by reference)",
            detail_10k,
            None,
            goal=100,
            measure="p50_ms",
        )

        add_actions(meetings, organisations, people, start=10_000, count=90_000)
        harness.analyze()
        log_100k, _ = harness.interleaved(getter(member, LOG_URL), getter(staff, ADMIN_URL))
        count_100k = queries(member, LOG_URL)
        harness.report(
            f"action_log_growth ({engine}, member, 10k -> 100k)",
            log_100k,
            log_10k,
            goal=1.3,
            extra=f"queries={count_10k}->{count_100k}",
        )
        harness.report_count(
            f"action_log_queries ({engine}, 100k vs 10k)", count_100k, goal=count_10k
        )
        detail_100k = harness.timed(getter(member, detail))
        harness.report(
            f"action_detail_growth ({engine}, member, by reference, 10k -> 100k)",
            detail_100k,
            detail_10k,
            goal=1.2,
        )
        if os.environ.get("BENCH_MILLION"):
            million(meetings, organisations, people, member, detail, log_100k, detail_100k)
    harness.finish()


def million(meetings, organisations, people, member, detail, log_100k, detail_100k) -> None:
    """BENCH_MILLION=1: the log grown to 1,000,000 actions (for the README's
    note on what scales), with the indexes its slowest query used."""
    engine = harness.engine()
    add_actions(meetings, organisations, people, start=100_000, count=900_000)
    harness.analyze()
    log_1m = harness.timed(getter(member, LOG_URL), rounds=max(10, harness.ROUNDS // 3))
    harness.report(
        f"action_log_1m ({engine}, member, 100k -> 1M)",
        log_1m,
        log_100k,
        goal=None,
        extra=f"queries={queries(member, LOG_URL)} slowest={slowest_query(member, LOG_URL)}",
    )
    harness.report(
        f"action_detail_1m ({engine}, member, by reference, 100k -> 1M)",
        harness.timed(getter(member, detail), rounds=max(10, harness.ROUNDS // 3)),
        detail_100k,
        goal=None,
        extra=f"slowest={slowest_query(member, detail)}",
    )


def slowest_query(client, url: str) -> str:
    """The page's slowest query: its time, the tables it reads first, and the
    indexes PostgreSQL's plan of it scans ("none": sequential scans only)."""
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    tables = ",".join(dict.fromkeys(re.findall(r'FROM "(\w+)"', slowest["sql"])))
    indexes = "-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + slowest["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        found = re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", plan)
        indexes = ",".join(sorted(set(found))) or "none"
    return f"{float(slowest['time']) * 1000:.0f}ms:{tables}:indexes={indexes}"


if __name__ == "__main__":
    main()
