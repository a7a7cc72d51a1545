"""Property-based tests of the importer (hypothesis): whatever text or bytes
it is given, reading gives a parsed meeting or a one-sentence refusal, and
writing gives a meeting or a ValidationError with nothing written. Never a
traceback.

The documents are made from the lines of the two shipped samples, shuffled,
repeated, dropped, cut and mixed with arbitrary text, so most of them look
like minutes in part: the cases a layout parser trips on."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.checks import refusal
from imports.parse import parse, read_upload
from imports.services import import_minutes
from meetings.models import Meeting
from tests.imports.test_checks import MARKDOWN, TEXT

LINES = sorted({line for line in (TEXT + "\n" + MARKDOWN).split("\n")})

# A line of minutes: one of the samples' lines, cut short or not, or any text
# (with the characters of other layouts: pipes, hashes, dashes, brackets).
line = st.one_of(
    st.sampled_from(LINES),
    st.builds(lambda text, cut: text[:cut], st.sampled_from(LINES), st.integers(0, 80)),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60),
    st.text(alphabet="|#*-–:()[]0123456789 ACTIONOPSG/.\t", max_size=40),
)
documents = st.lists(line, max_size=120).map("\n".join)


def _edited(sample: str, edits: list[tuple[str, float, str]]) -> str:
    """The sample with each edit made at a place given as a share of its
    length: a line dropped, repeated, cut, stripped, or text put before it."""
    lines = sample.split("\n")
    for kind, where, text in edits:
        at = min(int(where * len(lines)), len(lines) - 1)
        if kind == "drop":
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, lines[at])
        elif kind == "cut":
            lines[at] = lines[at][: len(text)]
        elif kind == "strip":
            lines[at] = lines[at].strip()
        else:
            lines.insert(at, text)
    return "\n".join(lines)


# A sample with up to 12 edits: most still read as a meeting, in part.
edited = st.builds(
    _edited,
    st.sampled_from([TEXT, MARKDOWN]),
    st.lists(
        st.tuples(
            st.sampled_from(["drop", "repeat", "cut", "strip", "insert"]),
            st.floats(0, 1),
            line,
        ),
        max_size=12,
    ),
)

# The text layouts are slow to read; a hundred documents each is plenty.
QUICK = settings(max_examples=100, deadline=None, derandomize=True)


def _read_or_refused(text: str) -> None:
    for markdown in (None, True, False):
        minutes = parse(text, markdown=markdown)
        reason = refusal(minutes)
        assert reason is None or (reason and "\n" not in reason)
        minutes.counts()
        for flag in minutes.flags:
            assert flag.message and flag.kind


@QUICK
@given(documents)
def test_any_text_is_read_or_refused(text):
    _read_or_refused(text)


@QUICK
@given(edited)
def test_any_edit_of_a_sample_is_read_or_refused(text):
    _read_or_refused(text)


@QUICK
@given(st.lists(st.sampled_from(TEXT.split("\n")), min_size=1, max_size=200).map("\n".join))
def test_any_selection_of_the_text_samples_lines_is_read_or_refused(text):
    _read_or_refused(text)


@QUICK
@given(st.binary(max_size=4096), st.sampled_from(["m.txt", "m.md", "m.docx", "m.pdf", "m"]))
def test_any_bytes_are_read_or_refused_in_a_sentence(data, name):
    try:
        read_upload(data, name)
    except ValueError as refused:
        assert str(refused) and "\n" not in str(refused)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edited)
def test_any_reading_is_written_whole_or_not_at_all(world, text):
    """What a reading gives is written in full, or refused with a sentence
    and nothing written (each example rolled back after)."""
    minutes = parse(text)
    if refusal(minutes):
        return
    with transaction.atomic():
        before = Meeting.objects.count()
        try:
            outcome = import_minutes(
                parsed=minutes, source=text.encode(), filename="m.txt", committee="OPSG"
            )
        except ValidationError as refused:
            assert refused.messages and all(refused.messages)
            assert Meeting.objects.count() == before
        else:
            # Everything read is written, but for a second line of a person
            # or of an action under review: that is flagged, not written.
            repeats = Counter(
                "attendance" if " attendance " in flag.message else "reviews"
                for flag in minutes.flags
                if flag.kind == "listed-twice"
            )
            meeting = outcome.meeting
            assert meeting.items.count() == len(minutes.items)
            assert meeting.attendance.count() == len(minutes.attendance) - repeats["attendance"]
            assert meeting.action_reviews.count() == len(minutes.reviews) - repeats["reviews"]
        transaction.set_rollback(True)
