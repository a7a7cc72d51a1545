"""Site search over a committee's whole record, against the action log's
plain text filter on the same data.

Adds to the demo (OPSG 25) 1,000 meetings of OPSG with 40 agenda items, 30
decisions and 30 actions each: 100,000 searchable rows, their text drawn from
a fixed vocabulary of committee words by a seeded generator, so every run
holds the same words in the same rows. Two terms are placed on purpose:

- a rare one, "failover", in exactly 5 rows (2 items, 1 decision, 2 actions;
  not "throttling", which the demo's own minutes use);
- a common one, "service", in about 40% of rows.

On PostgreSQL every row must have had its search vector filled by the
triggers (else it stops). Before timing, the tables are analysed (and on
PostgreSQL vacuumed), as a settled database would be.

Then, logged in as the demo `member` (who reads OPSG's circulated and
published minutes and its actions), times GET /search/?q=… for the rare term,
the common term and three middling queries, taking turns, and as the peer
the action log filtered by the common term over all statuses
(/actions/?q=service&status=all: one icontains scan of the actions alone,
a page of 50). Prints one line:

    search p50_ms=… p95_ms=… rare_term_p50_ms=… common_term_p95_ms=… peer=… peer_p50_ms=… ratio=… rows=… queries=…

p50/p95 are over every timed search; ratio is the search's p50 over the
peer's; rows counts agenda items, decisions and actions; queries is the
number of SQL queries one search for the common term makes. On PostgreSQL
(DATABASE_URL) search matches the trigger-kept, GIN-indexed search vectors
and ranks by relevance; on SQLite it scans for each word's stem. A common term is the hard case for
both: every match is counted and ranked before the first five are shown.
Timings are not checked; that the rare term finds exactly its 5 rows is.

Run by `make bench`, or alone: .venv/bin/python bench/search.py
"""

import datetime
import os
import random
import statistics
import time

# bench/run.py sets up Django (on import) and the throw-away database.
from run import demo_database

from actions.references import format_reference

MEETINGS = 1000
FIRST_NUMBER = 101  # clear of the demo's OPSG 11–25
FIRST_DATE = datetime.date(2006, 1, 10)
ITEMS, DECISIONS, ACTIONS = 40, 30, 30  # per meeting
CHUNK = 50  # meetings written per batch
REPEAT = 15  # timed requests per query (and for the peer)
SEED = 1

RARE = "failover"
COMMON = "service"
COMMON_SHARE = 0.4
OTHER_QUERIES = ["firmware", "smart meter", "release schedule"]
PEER = "action_log"
PEER_URL = f"/actions/?q={COMMON}&status=all"

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
    from django.db import transaction

    from actions.models import Action
    from meetings.models import AgendaItem, Committee, Decision, Meeting

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
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tables = "meetings_meeting, meetings_agendaitem, meetings_decision, actions_action"
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        else:
            cursor.execute("ANALYZE")


def check_vectors() -> None:
    """On PostgreSQL the triggers fill search_vector on insert: every row has one."""
    from django.db import connection

    from actions.models import Action
    from meetings.models import AgendaItem, Decision

    if connection.vendor != "postgresql":
        return
    for model in (AgendaItem, Decision, Action):
        empty = model.objects.filter(search_vector__isnull=True).count()
        if empty:
            raise RuntimeError(
                f"{empty} {model._meta.db_table} rows have no search_vector: "
                "is the search trigger installed?"
            )


def percentile(samples: list[float], p: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[p - 1]


def main():
    with demo_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils.http import urlencode

        from actions.models import Action
        from meetings.models import AgendaItem, Decision

        fill()
        check_vectors()
        settle()
        rows = AgendaItem.objects.count() + Decision.objects.count() + Action.objects.count()

        client = Client()
        # Through the login form: django-axes needs the request `client.login` lacks.
        credentials = {"username": "member", "password": os.environ["DEMO_PASSWORD"]}
        if client.post("/accounts/login/", credentials).status_code != 302:
            raise RuntimeError("The demo member could not log in.")

        def search_url(query: str) -> str:
            return "/search/?" + urlencode({"q": query})

        urls = {query: search_url(query) for query in [RARE, COMMON, *OTHER_QUERIES]}
        urls[PEER] = PEER_URL

        # Warm each page once, and check the search finds what was planted.
        for name, url in urls.items():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url}: {response.status_code}")
            if name == RARE and response.context["results"].total != len(RARE_ROWS):
                raise RuntimeError(
                    f"{RARE!r} found {response.context['results'].counts}, "
                    f"not the {len(RARE_ROWS)} rows planted"
                )

        # Taking turns, so a noisy spell on a shared machine falls on them all.
        times: dict[str, list[float]] = {name: [] for name in urls}
        for name in [name for _ in range(REPEAT) for name in urls]:
            start = time.perf_counter()
            client.get(urls[name])
            times[name].append((time.perf_counter() - start) * 1000)

        with CaptureQueriesContext(connection) as captured:
            client.get(urls[COMMON])

        searches = [t for name, samples in times.items() if name != PEER for t in samples]
        p50 = statistics.median(searches)
        peer_p50 = statistics.median(times[PEER])
        print(
            f"search p50_ms={p50:.1f} p95_ms={percentile(searches, 95):.1f} "
            f"rare_term_p50_ms={statistics.median(times[RARE]):.1f} "
            f"common_term_p95_ms={percentile(times[COMMON], 95):.1f} "
            f"peer={PEER} peer_p50_ms={peer_p50:.1f} ratio={p50 / peer_p50:.2f} "
            f"rows={rows} queries={len(captured)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
