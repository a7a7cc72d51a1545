"""The importer, against peers measured in the same run.

- Reading OPSG 25's minutes (the shipped 2019 PDF text, 966 lines) with
  imports.parse, against one pass of a regular expression over the same
  text (finding its ACTION lines): what reading the structure costs beyond
  merely scanning the text.
- Reading a hostile document of 5,000 ACTION lines, against reading OPSG 25:
  the ratio shows how the parser scales with a document's size (the hostile
  one is about 10 times as long in characters, in 5 times as many lines).
- Committing what was read of OPSG 25 (imports.services.import_minutes,
  rolled back each time) into a throw-away database holding only the
  committees and classifications it looks up, against reading it.

Prints one line per benchmark; timings are not checked.
Run by `make bench`, or alone: .venv/bin/python bench/imports.py
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import transaction  # noqa: E402
from run import demo_database, line, median_seconds  # noqa: E402

from imports.common import ACTION_LINE  # noqa: E402
from imports.parse import parse  # noqa: E402

SOURCE = Path(__file__).resolve().parent.parent / "imports" / "fixtures" / "opsg_25_minutes.txt"


class _RolledBack(Exception):
    pass


def main():
    text = SOURCE.read_text(encoding="utf-8")
    pattern = re.compile(ACTION_LINE.pattern, ACTION_LINE.flags | re.MULTILINE)
    line(
        "parse OPSG 25 (966 lines of PDF text)",
        median_seconds(lambda: parse(text), repeat=9),
        median_seconds(lambda: pattern.findall(text), repeat=9),
        "vs one regex pass for ACTIONs",
    )
    hostile = "".join(
        f"ACTION OPSG 60/{n:02d}: The DCC to report on point {n}.\n" for n in range(1, 5001)
    )
    line(
        "parse 5,000 ACTION lines (no minutes)",
        median_seconds(lambda: parse(hostile), repeat=5),
        median_seconds(lambda: parse(text), repeat=5),
        "vs parse OPSG 25",
    )
    with demo_database(demo=False):
        from demo.loader import reference_data
        from imports.services import import_minutes

        reference_data()  # the committees and classifications an import looks up
        parsed = parse(text)

        def commit():
            try:
                with transaction.atomic():
                    import_minutes(parsed=parsed, source=text.encode(), filename="bench.txt")
                    raise _RolledBack
            except _RolledBack:
                pass

        line(
            "import_minutes OPSG 25 (rolled back)",
            median_seconds(commit, repeat=5),
            median_seconds(lambda: parse(text), repeat=5),
            "vs parse OPSG 25",
        )


if __name__ == "__main__":
    main()
