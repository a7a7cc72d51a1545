"""The drafting editor under a real meeting's weight: 30 agenda items (each
with a decision and an action) and 150 actions outstanding from earlier
meetings, timed as the committee's secretary (a committee role, no staff
rights). For each htmx save of the editor (an item, a decision, an action,
a row of the Actions Outstanding review) its p50 against a goal of 50 ms,
and its queries against 15; then the editing page's queries with 3 items
and with 300, which must be the same.

Run by `make bench`, or alone: .venv/bin/python bench/editor.py (on
PostgreSQL with DATABASE_URL set)."""

import datetime
import time

import harness
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action, ActionOwner, ReferenceCounter
from actions.references import format_reference
from meetings.models import (
    AgendaItem,
    Classification,
    Committee,
    CommitteeRole,
    Decision,
    Meeting,
    Organisation,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
SAVE_QUERIES = 15
SAVE_P50_MS = 50
D = datetime.date


def build(items: int, outstanding: int, code: str = "OPSG"):
    """<code> 1 (circulated) left `outstanding` actions open; <code> 2, a
    draft, has `items` items with a decision and an action each."""
    white, _ = Classification.objects.get_or_create(
        label="White",
        effective_from=D(2018, 1, 1),
        defaults={
            "colour": "#ffffff",
            "audience": Classification.Audience.PARTIES,
            "statement": "Shared with SEC Parties.",
        },
    )
    opsg = Committee.objects.create(code=code, name=f"{code} committee")
    dcc, _ = Organisation.objects.get_or_create(short_name="DCC")
    earlier = Meeting.objects.create(
        committee=opsg,
        number=1,
        date=D(2026, 10, 6),
        classification=white,
        status=Meeting.Status.CIRCULATED,
        circulated_at=datetime.datetime(2026, 10, 6, 17, tzinfo=datetime.UTC),
    )
    meeting = Meeting.objects.create(
        committee=opsg, number=2, date=D(2026, 11, 3), classification=white
    )
    _actions(opsg, earlier, None, dcc, outstanding)
    made = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, number=str(n), title=f"Item {n}", narrative="Discussed.", order=n
        )
        for n in range(1, items + 1)
    )
    Decision.objects.bulk_create(
        Decision(item=item, verb="NOTED", text="the update") for item in made
    )
    for item in made:
        _actions(opsg, meeting, item, dcc, 1, start=item.order)
    ReferenceCounter.objects.create(
        committee=opsg, meeting_number=2, confidential=False, last_sequence=items
    )
    return opsg, meeting, dcc


def _actions(committee, meeting, item, owner, count: int, start: int = 1) -> None:
    made = Action.objects.bulk_create(
        Action(
            committee=committee,
            meeting=meeting,
            item=item,
            meeting_number=meeting.number,
            sequence=n,
            reference=format_reference(committee.code, meeting.number, n, False),
            text=f"DCC to report on matter {n}.",
            raised_on=meeting.date,
            target_date=meeting.date + datetime.timedelta(days=28),
        )
        for n in range(start, start + count)
    )
    ActionOwner.objects.bulk_create(ActionOwner(action=a, organisation=owner) for a in made)


def secretary_client(committee):
    client = harness.member_client([committee], username=f"bench-secretary-{committee.code}")
    CommitteeRole.objects.filter(committee=committee).update(role="secretary")
    return client


def operations(meeting, dcc):
    """Each save: (name, URL, a function giving the form's data as it
    stands now: the versions move with every save)."""
    base = f"/committees/{meeting.committee.code}/meetings/{meeting.number}/"
    item = meeting.items.order_by("-order").first()
    decision, action = item.decisions.get(), item.actions.get()
    reviewed = (
        Action.objects.filter(committee=meeting.committee, meeting__number=1)
        .order_by("sequence")
        .first()
    )
    at = f"{base}items/{item.pk}/"

    def review_data():
        review = reviewed.reviews.filter(meeting=meeting).first()
        prefix = reviewed.slug
        fields = {
            "version": review.version if review else 0,
            "owner_update": "",
            "update": f"Progress {time.perf_counter_ns()}.",
            "status": "open",
            "outcome": "",
            "superseded_by": "",
            "transferred_to": "",
            "revised_target_date": "",
            "revised_target_note": "",
        }
        return {f"{prefix}-{k}": v for k, v in fields.items()}

    return [
        (
            "item",
            at,
            lambda: {"title": "Item renamed", "narrative": "Discussed again.", "version": _v(item)},
        ),
        (
            "decision",
            f"{at}decisions/{decision.pk}/",
            lambda: {"verb": "AGREED", "text": "the plan", "version": _v(decision)},
        ),
        (
            "action",
            f"{at}actions/{action.pk}/",
            lambda: {
                "owner_organisations": [dcc.pk],
                "text": "DCC to redo.",
                "version": _v(action),
            },
        ),
        ("review-row", f"{base}review/{reviewed.slug}/", review_data),
    ]


def _v(row) -> int:
    return type(row).objects.values_list("version", flat=True).get(pk=row.pk)


def post_timings(client, url, data_fn) -> harness.Timing:
    """Each round: the form's data read (untimed), then the POST timed."""
    samples = []
    for round_ in range(harness.WARMUP + harness.ROUNDS):
        data = data_fn()
        start = time.perf_counter()
        response = client.post(url, data, **HTMX)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
        if round_ >= harness.WARMUP:
            samples.append(elapsed)
    return harness.Timing(samples)


def save_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.post(url, data, **HTMX)
    # Transaction control (SQLite's BEGIN IMMEDIATE, COMMIT, savepoints) is not a query.
    control = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")
    return sum(not q["sql"].startswith(control) for q in captured)


def page_queries(items: int) -> int:
    committee, meeting, _ = build(items, 10, code=f"P{items}")
    client = secretary_client(committee)
    url = f"/committees/{committee.code}/meetings/{meeting.number}/edit/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def main():
    with harness.scratch_database():
        committee, meeting, dcc = build(30, 150)
        client = secretary_client(committee)
        for name, url, data_fn in operations(meeting, dcc):
            count = save_queries(client, url, data_fn())
            harness.report(
                f"editor_save_{name} ({harness.engine()}, 30 items, 150 outstanding)",
                post_timings(client, url, data_fn),
                None,
                goal=SAVE_P50_MS,
                measure="p50_ms",
                extra=f"queries={count}",
            )
            harness.report_count(f"editor_save_{name}_queries", count, goal=SAVE_QUERIES)
        few, many = page_queries(3), page_queries(300)
        harness.report_count(
            f"editor_page_queries ({harness.engine()}, 300 items vs 3)",
            many,
            goal=few,
            extra=f"at_3={few}",
        )
    harness.finish()


if __name__ == "__main__":
    main()
