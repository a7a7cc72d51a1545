"""The importer, on the sample minutes every importer test reads: seed 000,
OPSG 25's minutes as the 2019 PDF's text (966 lines), found as the tests
find the seeds (SEEDS_DIR, else the team's shared folder beside the
project). Where that folder is absent, the copy shipped in imports/fixtures
(the same text) is read, and the line says so.

In the scratch database (PostgreSQL when DATABASE_URL is set), holding only
the committees and classifications an import looks up, prints:

- imports_seed_000_queries: the SQL queries of importing the seed, read as
  an upload is (imports.parse.read_upload) and committed
  (imports.services.import_minutes, rolled back each time), after one
  untimed import (what a worker caches is not counted); transaction control
  (savepoints) is not counted (goal: at most 100);

and, for context (INFO, no goal), interleaved with their peers:

- imports_commit_seed_000: committing it against reading it;
- imports_read_seed_000: reading it against one pass of a regular
  expression over the same text (finding its ACTION lines): what reading
  the structure costs beyond merely scanning the text;
- imports_read_5000_actions: reading a hostile document of 5,000 ACTION
  lines (about 10 times as long in characters) against reading the seed:
  how the reader scales with a document's size.

Run by `make bench`, or alone: .venv/bin/python bench/imports.py (on
PostgreSQL with DATABASE_URL set).
"""

import os
import re
from pathlib import Path

import harness
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo.loader import reference_data
from imports.common import ACTION_LINE
from imports.parse import parse, read_upload
from imports.services import import_minutes

QUERIES_GOAL = 100
# As tests/conftest.py finds them: SEEDS_DIR, else the team's shared folder.
SEEDS_DIR = Path(
    os.environ.get("SEEDS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "seeds"
)
SHIPPED = Path(__file__).resolve().parent.parent / "imports" / "fixtures" / "opsg_25_minutes.txt"
# Transaction control, not a query of the import.
CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def seed_000() -> tuple[Path, str]:
    """The seed, and where it was found ("seeds" or "shipped")."""
    found = sorted(SEEDS_DIR.glob("000_*.txt"))
    if found:
        return found[0], "seeds"
    return SHIPPED, "shipped"


class _RolledBack(Exception):
    pass


def main():
    path, origin = seed_000()
    source = path.read_bytes()
    text = source.decode("utf-8")
    name = "opsg_25_minutes.txt"
    with harness.scratch_database():
        reference_data()  # the committees and classifications an import looks up
        _, parsed = read_upload(source, name)

        def commit():
            try:
                with transaction.atomic():
                    import_minutes(parsed=parsed, source=source, filename=name)
                    raise _RolledBack
            except _RolledBack:
                pass

        def read_and_commit():
            nonlocal parsed
            _, parsed = read_upload(source, name)
            commit()

        commit()  # once first: what a worker caches (content types, say) is not counted
        with CaptureQueriesContext(connection) as captured:
            read_and_commit()
        queries = [q["sql"] for q in captured if not q["sql"].startswith(CONTROL)]
        harness.report_count(
            f"imports_seed_000_queries ({harness.engine()}, read and committed, "
            f"{len(text.splitlines())} lines)",
            len(queries),
            goal=QUERIES_GOAL,
            extra=f"source={origin} items={len(parsed.items)} with_control={len(captured)}",
        )

        def read():
            parse(text)

        commit_timing, read_timing = harness.interleaved(commit, read)
        harness.report(
            "imports_commit_seed_000 (rolled back, vs reading it)",
            commit_timing,
            read_timing,
            goal=None,
        )

    pattern = re.compile(ACTION_LINE.pattern, ACTION_LINE.flags | re.MULTILINE)
    read_timing, scan_timing = harness.interleaved(read, lambda: pattern.findall(text))
    harness.report(
        "imports_read_seed_000 (vs one regex pass for its ACTION lines)",
        read_timing,
        scan_timing,
        goal=None,
    )
    hostile = "".join(
        f"ACTION OPSG 60/{n:02d}: The DCC to report on point {n}.\n" for n in range(1, 5001)
    )
    hostile_timing, read_timing = harness.interleaved(lambda: parse(hostile), read)
    harness.report(
        "imports_read_5000_actions (vs reading seed 000)",
        hostile_timing,
        read_timing,
        goal=None,
        extra=f"size_ratio={len(hostile) / len(text):.1f}",
    )
    harness.finish()


if __name__ == "__main__":
    main()
