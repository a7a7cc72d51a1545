"""Site search over a committee's whole record, timed as an ordinary member
of the committee (so the access filter is in every timing), against a raw
full-text query that returns the same page of results.

Builds, on the demo (OPSG 25), 1,000 meetings of OPSG with 40 agenda items,
30 decisions and 30 actions each: 100,000 searchable rows, their text drawn
from a fixed vocabulary of committee words by a seeded generator, so every
run holds the same words in the same rows. Two terms are placed on purpose:

- a rare one, "failover", in exactly 5 rows (2 items, 1 decision, 2 actions;
  not "throttling", which the demo's own minutes use);
- a common one, "service", in about 40% of rows.

On PostgreSQL every row must have had its search vector filled by the
triggers (else it stops). Before timing, the tables are vacuumed and
analysed, as a settled database would be. Then, as a member of OPSG
(who reads its circulated and published minutes and its actions), it times
GET /search/?q=… (the first, mixed page: each kind's count and its best
five) and prints:

- search_rare_100k: the rare term, interleaved with the peer for the same
  term (goal: p50 at most 50 ms);
- search_common_100k_8_clients: the common term from 8 clients at once
  (threads, each with its own database connection, each alternating the
  search and the peer), goal: the search's p95 at most 400 ms;
- search_common_8_clients_failed: how many of those searches raised (they
  are left out of the timings; the line names each error and the project's
  line it came through), goal: none.

The peer: for agenda items, decisions and actions, two raw SQL queries each
returning what the page shows of that kind: its count (as far as the
search's cap, past which the page says "more than 1,000"), and its best
five (past the cap, the latest recorded) with their extracts. On
PostgreSQL, the GIN-indexed search_vector matched with
websearch_to_tsquery, ranked by ts_rank, extracts by ts_headline (the
search page's own ranking and extracts, less the access filter and the
page); the script checks that it finds the same counts and the same five
rows of each kind as the search. On SQLite, where search matches each
word's stem as a substring, the peer is a plain LIKE query on the same
columns of the same tables (the newest first, no extracts), and only the
rare term's counts are checked.

Run by `make bench`, or alone: .venv/bin/python bench/search.py (on
PostgreSQL with DATABASE_URL set). BENCH_ROUNDS sets the rare term's rounds
and each client's (half as many, at least 5: 8 clients share 2 cores).
"""

import datetime
import logging
import os
import random
import threading
import time
import traceback
from pathlib import Path

import harness
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode

from actions.models import Action
from actions.references import format_reference
from demo.loader import load_demo
from meetings.models import AgendaItem, Committee, Decision, Meeting
from search import selectors

MEETINGS = 1000
FIRST_NUMBER = 101  # clear of the demo's OPSG 11–25
FIRST_DATE = datetime.date(2006, 1, 10)
ITEMS, DECISIONS, ACTIONS = 40, 30, 30  # per meeting
CHUNK = 50  # meetings written per batch
SEED = 1
CLIENTS = 8
CLIENT_ROUNDS = max(5, harness.ROUNDS // 2)

RARE = "failover"
COMMON = "service"
COMMON_SHARE = 0.4
RARE_P50_MS = 50
COMMON_P95_MS = 400

# Where the rare term goes: (kind, row number of that kind), 5 rows in all.
RARE_ROWS = {
    ("item", 1_234),
    ("item", 27_777),
    ("decision", 15_015),
    ("action", 4_321),
    ("action", 29_001),
}

# The vocabulary. No word here contains the stems of RARE or COMMON
# ("failov", "servic"), so only the rows chosen below hold them.
SUBJECTS = ["DCC", "SECAS", "The DSP", "CSP North", "CSP South", "The Chair", "Members"]
SUBJECTS += ["Network Parties", "Large Suppliers", "Ofgem", "The Technical Architect"]
VERBS = ["presented", "reviewed", "noted", "raised", "discussed", "summarised", "questioned"]
VERBS += ["clarified", "reported on", "challenged", "welcomed", "outlined"]
TO_DO = ["report on", "review", "circulate", "confirm", "investigate", "update", "publish"]
TO_DO += ["assess", "escalate", "share"]
ADJECTIVES = ["quarterly", "revised", "outstanding", "proposed", "interim", "operational"]
ADJECTIVES += ["technical", "monthly", "critical", "minor", "draft", "final"]
NOUNS = ["release", "firmware", "smart meter", "incident", "outage", "change request"]
NOUNS += ["test plan", "migration", "certificate", "key rotation", "performance report"]
NOUNS += ["capacity", "backlog", "communications hub", "install", "registration"]
NOUNS += ["data quality", "security assessment", "risk register", "root cause"]
NOUNS += ["workaround", "problem record", "forecast", "schedule", "transition"]
NOUNS += ["modification", "business case", "consultation", "defect", "deployment"]
NOUNS += ["interface", "connectivity", "alert", "audit", "threshold", "budget"]
COMMON_PHRASES = [f"{COMMON} management", f"{COMMON} request", f"the {COMMON} desk"]
COMMON_PHRASES += [f"{COMMON} levels", f"the {COMMON} provider"]


class Writer:
    """Deterministic committee prose: the same seed, the same text."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, words: list[str]) -> str:
        return self.rng.choice(words)

    def sentence(self) -> str:
        return (
            f"{self.pick(SUBJECTS)} {self.pick(VERBS)} the {self.pick(ADJECTIVES)} "
            f"{self.pick(NOUNS)} for the {self.pick(NOUNS)}."
        )

    def common(self) -> str:
        return f"{self.pick(SUBJECTS)} {self.pick(VERBS)} the {self.pick(COMMON_PHRASES)}."

    def text(self, sentences: int, *, rare: bool) -> str:
        parts = [self.sentence() for _ in range(sentences)]
        if self.rng.random() < COMMON_SHARE:
            parts.insert(self.rng.randrange(len(parts) + 1), self.common())
        if rare:
            parts.append(f"Members asked how {RARE} of the {self.pick(NOUNS)} was tested.")
        return " ".join(parts)

    def title(self) -> str:
        return f"{self.pick(ADJECTIVES).capitalize()} {self.pick(NOUNS)} {self.pick(NOUNS)}"

    def action(self, *, rare: bool) -> str:
        return (
            f"{self.pick(SUBJECTS)} to {self.pick(TO_DO)} the {self.pick(ADJECTIVES)} "
            f"{self.pick(NOUNS)}. " + self.text(1, rare=rare)
        )


def fill() -> None:
    """The 1,000 meetings of OPSG and their items, decisions and actions."""
    opsg = Committee.objects.get(code="OPSG")
    classification = Meeting.objects.get(committee=opsg, number=25).classification
    writer = Writer(SEED)
    meetings = []
    for n in range(MEETINGS):
        date = FIRST_DATE + datetime.timedelta(weeks=n)
        at = datetime.datetime.combine(date, datetime.time(17), tzinfo=datetime.UTC)
        # As in a real committee: all published but the last few, still circulated.
        published = n < MEETINGS - 10
        day = datetime.timedelta(days=1)
        meetings.append(
            Meeting(
                committee=opsg,
                number=FIRST_NUMBER + n,
                date=date,
                classification=classification,
                status=Meeting.Status.PUBLISHED if published else Meeting.Status.CIRCULATED,
                circulated_at=at + 7 * day,
                approved_at=at + 28 * day if published else None,
                published_at=at + 29 * day if published else None,
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=500)
    meetings = list(Meeting.objects.filter(committee=opsg, number__gte=FIRST_NUMBER))
    meetings.sort(key=lambda m: m.number)

    counts = {"item": 0, "decision": 0, "action": 0}

    def rare(kind: str) -> bool:
        hit = (kind, counts[kind]) in RARE_ROWS
        counts[kind] += 1
        return hit

    for start in range(0, MEETINGS, CHUNK):
        chunk = meetings[start : start + CHUNK]
        items = [
            AgendaItem(
                meeting=meeting,
                number=str(i + 1),
                title=writer.title(),
                narrative=writer.text(writer.rng.randint(3, 6), rare=rare("item")),
                order=i,
            )
            for meeting in chunk
            for i in range(ITEMS)
        ]
        with transaction.atomic():
            AgendaItem.objects.bulk_create(items, batch_size=1000)
            decisions, actions = [], []
            for m, meeting in enumerate(chunk):
                own = items[m * ITEMS : (m + 1) * ITEMS]
                for d in range(DECISIONS):
                    decisions.append(
                        Decision(
                            item=own[d * ITEMS // DECISIONS],
                            verb=writer.pick(["NOTED", "AGREED", "ENDORSED", "DISCUSSED"]),
                            text=writer.text(1, rare=rare("decision")),
                            points=[writer.sentence() for _ in range(writer.rng.randint(0, 2))],
                            order=d,
                        )
                    )
                # Closed a month on, but for the newest meetings' actions.
                still_open = meeting.number >= FIRST_NUMBER + MEETINGS - 20
                for a in range(ACTIONS):
                    actions.append(
                        Action(
                            committee=opsg,
                            meeting_number=meeting.number,
                            sequence=a + 1,
                            reference=format_reference(opsg.code, meeting.number, a + 1, False),
                            meeting=meeting,
                            item=own[a * ITEMS // ACTIONS],
                            text=writer.action(rare=rare("action")),
                            raised_on=meeting.date,
                            target_date=meeting.date + datetime.timedelta(days=28),
                            status="open" if still_open else "closed",
                            outcome="" if still_open else "completed",
                            closed_on=None
                            if still_open
                            else meeting.date + datetime.timedelta(days=28),
                        )
                    )
            Decision.objects.bulk_create(decisions, batch_size=1000)
            Action.objects.bulk_create(actions, batch_size=1000)


def settle() -> None:
    """Statistics for the planner, and on PostgreSQL the GIN indexes' pending
    lists merged (VACUUM), as autovacuum would have done by the time anyone
    searches: measured right after the bulk load, the plans are guesses and
    an autovacuum starting mid-run blurs the timings."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = "meetings_meeting, meetings_agendaitem, meetings_decision, actions_action"
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        else:
            cursor.execute("ANALYZE")


def check_vectors() -> None:
    """On PostgreSQL the triggers fill search_vector on insert: every row has one."""
    if connection.vendor != "postgresql":
        return
    for model in (AgendaItem, Decision, Action):
        empty = model.objects.filter(search_vector__isnull=True).count()
        if empty:
            raise RuntimeError(
                f"{empty} {model._meta.db_table} rows have no search_vector: "
                "is the search trigger installed?"
            )


# --- the peer ---------------------------------------------------------------------

# Per kind: its table, the columns the search matches (SQLite) and the text
# its extract is cut from (PostgreSQL), as search/selectors.py has them.
PEER_KINDS = {
    "item": (
        "meetings_agendaitem",
        ["title", "narrative", "post_meeting_note"],
        "concat_ws(' ', narrative, post_meeting_note)",
    ),
    "decision": ("meetings_decision", ["verb", "text", "points"], "concat_ws(' ', text, points)"),
    "action": (
        "actions_action",
        ["reference", "topic", "text", "target_note"],
        "concat_ws(' ', topic, text)",
    ),
}
HEADLINE = "StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2"


def _peer_count_sql(table: str, columns: list[str]) -> str:
    """How many rows match, counted as far as the search's cap and one past it."""
    if connection.vendor == "postgresql":
        match = "search_vector @@ websearch_to_tsquery('english', %s)"
    else:
        match = " OR ".join(f"{column} LIKE %s" for column in columns)
    return f"""
        SELECT count(*) FROM (
            SELECT 1 FROM {table} WHERE {match} LIMIT {selectors.COUNT_CAP + 1}
        ) found"""


def _peer_sql(table: str, columns: list[str], text: str, capped: bool) -> str:
    if connection.vendor == "postgresql":
        # The five best found first (past the cap, the latest recorded), then
        # their extracts: ts_headline reads the whole text, so only for the
        # rows shown.
        order = "id DESC" if capped else "rank DESC, id DESC"
        return f"""
            SELECT best.id, ts_headline('english', best.body, q, '{HEADLINE}')
            FROM (
                SELECT id, {text} AS body, ts_rank(search_vector, q) AS rank
                FROM {table}, websearch_to_tsquery('english', %s) q
                WHERE search_vector @@ q
                ORDER BY {order}
                LIMIT {selectors.PER_KIND}
            ) best, websearch_to_tsquery('english', %s) q
            ORDER BY {"best." + order.replace(", ", ", best.")}"""
    match = " OR ".join(f"{column} LIKE %s" for column in columns)
    return f"""
        SELECT id FROM {table} WHERE {match}
        ORDER BY id DESC LIMIT {selectors.PER_KIND}"""


def _like_stem(term: str) -> str:
    """The one word's stem the SQLite search matches (search.selectors._stems)."""
    return selectors._stems(term)[0]


def peer_page(term: str, stem: str) -> dict[str, tuple[int, list[int]]]:
    """Per kind: (count, ids of the five shown)."""
    page = {}
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for kind, (table, columns, text) in PEER_KINDS.items():
            like = [f"%{stem}%"] * len(columns)
            cursor.execute(_peer_count_sql(table, columns), [term] if postgres else like)
            found = cursor.fetchone()[0]
            capped = found > selectors.COUNT_CAP
            cursor.execute(
                _peer_sql(table, columns, text, capped), [term, term] if postgres else like
            )
            rows = cursor.fetchall()
            page[kind] = (min(found, selectors.COUNT_CAP), [row[0] for row in rows])
    return page


def subject_page(user, term: str) -> dict[str, tuple[int, list[int]]]:
    """What the search page shows of each kind, as (count, ids of the five shown)."""
    page = {}
    for kind in PEER_KINDS:
        found = selectors.Found(kind, user, term, selectors.Filters())
        page[kind] = (len(found), [row.pk for row in found[: selectors.PER_KIND]])
    return page


def check_same_page(user, term: str, *, ids: bool) -> None:
    ours, peer = subject_page(user, term), peer_page(term, _like_stem(term))
    if not ids:
        ours = {kind: count for kind, (count, _) in ours.items()}
        peer = {kind: count for kind, (count, _) in peer.items()}
    if ours != peer:
        raise RuntimeError(f"{term!r}: the search found {ours}, the peer {peer}")


# --- timing -----------------------------------------------------------------------


def getter(client, url: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Counted now: the next request's request_started signal clears the log.
    return len(captured)


def raised_where(exc: BaseException) -> str:
    """The error and the last line of the project's own code it passed through."""
    root = str(Path(__file__).resolve().parent.parent) + os.sep
    ours = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.startswith(root) and f"{os.sep}.venv{os.sep}" not in frame.filename
    ]
    where = f" at {ours[-1].filename[len(root) :]}:{ours[-1].lineno}" if ours else ""
    return f"{type(exc).__name__}: {exc}{where}"


def concurrent(member, url: str, term: str) -> tuple[harness.Timing, harness.Timing, list]:
    """CLIENTS threads, each a signed-in client on its own database
    connection, each alternating the search and the peer (who goes first
    swapping each round) after a warm-up; every request timed. A search
    that raises is not timed but kept, to be counted: the run goes on."""
    times = {"search": [], "peer": []}
    failures: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)
    crashed = []
    stem = _like_stem(term)  # read once here: the stemmer is not made for threads

    def search(client):
        try:
            getter(client, url)()
        except Exception as exc:
            with lock:
                failures.append(exc)
            return False
        return True

    def client_thread():
        try:
            client = Client()
            client.cookies = member.cookies  # the same signed-in member
            pair = [("search", lambda: search(client)), ("peer", lambda: peer_page(term, stem))]
            for _ in range(harness.WARMUP):
                search(client)
            start.wait()
            for round_ in range(CLIENT_ROUNDS):
                for name, fn in pair if round_ % 2 == 0 else pair[::-1]:
                    began = time.perf_counter()
                    ok = fn()
                    elapsed = time.perf_counter() - began
                    if ok is not False:
                        with lock:
                            times[name].append(elapsed)
        except BaseException as exc:  # reported once the threads are joined
            crashed.append(exc)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=client_thread) for _ in range(CLIENTS)]
    # A search that raises is counted on the failures' line, not logged with its traceback.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        request_log.setLevel(level)
    if crashed:
        raise crashed[0]
    return harness.Timing(times["search"]), harness.Timing(times["peer"]), failures


def main():
    with harness.scratch_database():
        load_demo(password=None, logins=False)
        fill()
        check_vectors()
        settle()
        rows = AgendaItem.objects.count() + Decision.objects.count() + Action.objects.count()
        opsg = Committee.objects.get(code="OPSG")
        member = harness.member_client([opsg])
        user = get_user_model().objects.get(username="bench-member")
        engine = harness.engine()
        postgres = connection.vendor == "postgresql"

        urls = {term: "/search/?" + urlencode({"q": term}) for term in (RARE, COMMON)}
        found = selectors.search(user, RARE).counts
        if sum(found.values()) != len(RARE_ROWS):
            raise RuntimeError(f"{RARE!r} found {found}, not the {len(RARE_ROWS)} rows planted")
        check_same_page(user, RARE, ids=postgres)
        if postgres:
            check_same_page(user, COMMON, ids=True)
        queries = {term: count_queries(member, url) for term, url in urls.items()}

        rare_stem = _like_stem(RARE)
        rare, rare_peer = harness.interleaved(
            getter(member, urls[RARE]), lambda: peer_page(RARE, rare_stem)
        )
        harness.report(
            f"search_rare_100k ({engine}, member, 5 of {rows} rows, vs raw full-text SQL)"
            if postgres
            else f"search_rare_100k ({engine}, member, 5 of {rows} rows, vs SQL LIKE)",
            rare,
            rare_peer,
            goal=RARE_P50_MS,
            measure="p50_ms",
            extra=f"queries={queries[RARE]}",
        )
        common, common_peer, failures = concurrent(member, urls[COMMON], COMMON)
        harness.report(
            f"search_common_100k_{CLIENTS}_clients ({engine}, member, ~40% of {rows} rows)",
            common,
            common_peer,
            goal=COMMON_P95_MS,
            measure="p95_ms",
            extra=f"queries={queries[COMMON]} requests={len(common.seconds)}",
        )
        kinds = sorted({raised_where(exc) for exc in failures})
        harness.report_count(
            f"search_common_{CLIENTS}_clients_failed ({engine}, searches that raised)",
            len(failures),
            goal=0,
            extra=" | ".join(kinds),
        )
    harness.finish()


if __name__ == "__main__":
    main()
