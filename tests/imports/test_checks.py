"""The structural checks (imports.checks): a document the layouts misread is
flagged, never silently merged, and one from which nothing was read is
refused. The mutations are made here, to the shipped OPSG 25 minutes and
the invented 2021 sample: each heading in turn loses its blank line, its
indentation, or its own line; each mutated reading must come out identical
or carry a doubt the original did not."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from imports.blocks import one_newline
from imports.checks import refusal
from imports.parse import parse, read_upload
from meetings.models import Meeting
from tests.base import login

FIXTURES = Path(__file__).resolve().parents[2] / "imports" / "fixtures"
TEXT = (FIXTURES / "opsg_25_minutes.txt").read_text(encoding="utf-8")
MARKDOWN = (FIXTURES / "opsg_49_sample.md").read_text(encoding="utf-8")


def _structure(minutes):
    return [(i.number, i.title, len(i.decisions), len(i.actions)) for i in minutes.items]


def _heading_lines(text: str) -> list[int]:
    """0-based indexes of the lines the reading took as item headings."""
    return [item.line - 1 for item in parse(text).items if item.line > 1]


def _without_blank_before(lines, index):
    if index and not lines[index - 1].strip():
        return lines[: index - 1] + lines[index:]
    return None


def _without_indentation(lines, index):
    if lines[index] == lines[index].lstrip():
        return None
    return [*lines[:index], lines[index].lstrip(), *lines[index + 1 :]]


def _joined_to_the_line_before(lines, index):
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    if before < 0:
        return None
    joined = f"{lines[before].rstrip()} {lines[index].strip()}"
    return [*lines[:before], joined, *lines[index + 1 :]]


MUTATIONS = [_without_blank_before, _without_indentation, _joined_to_the_line_before]


def _mutants(text):
    lines = text.split("\n")
    for index in _heading_lines(text):
        for mutation in MUTATIONS:
            mutated = mutation(lines, index)
            if mutated is not None:
                yield f"{mutation.__name__} at line {index + 1}", "\n".join(mutated)


@pytest.mark.parametrize("text", [TEXT, MARKDOWN], ids=["opsg-25-text", "opsg-49-markdown"])
def test_every_mutated_heading_is_read_alike_or_flagged(text):
    original = parse(text)
    doubts = Counter(flag.kind for flag in original.flags)
    silent = []
    tried = 0
    for name, mutated in _mutants(text):
        tried += 1
        reading = parse(mutated)
        new_doubts = Counter(flag.kind for flag in reading.flags) - doubts
        if _structure(reading) != _structure(original) and not new_doubts:
            silent.append(f"{name}: {len(reading.items)} items, no new doubt")
    assert tried >= 10
    assert not silent, "\n".join(silent)


def test_the_seeds_gain_no_doubt_from_the_checks():
    """Read as they are, the shipped minutes raise none of the checks' doubts."""
    kinds = {"missed-heading", "item-numbering", "attendance-missing", "next-meeting-code"}
    kinds |= {"reviews-missing"}
    for text in (TEXT, MARKDOWN):
        assert not [f for f in parse(text).flags if f.kind in kinds]


def test_a_missed_heading_names_its_line_and_the_item_it_fell_into():
    lines = TEXT.split("\n")
    index = next(n for n, line in enumerate(lines) if line.startswith("5. DCC Operational"))
    reading = parse("\n".join(lines[: index - 1] + lines[index:]))
    (flag,) = [f for f in reading.flags if f.kind == "missed-heading"]
    assert flag.line == index  # one line up: the blank line before it is gone
    assert "'5. DCC Operational Update'" in flag.message
    assert "text of item 4" in flag.message


def test_a_skipped_number_is_flagged_where_it_was_missed():
    """Item 3 printed as 4: the Markdown layout does not take it as a
    heading (it waits for 3), so the checks name the line."""
    text = MARKDOWN.replace("\n3. Service Reports\n", "\n4. Service Reports\n")
    reading = parse(text)
    (flag,) = [f for f in reading.flags if f.kind == "missed-heading"]
    assert "'4. Service Reports'" in flag.message and "text of item 2" in flag.message


def test_items_numbered_out_of_order_are_flagged():
    text = MARKDOWN.replace("\n3. Service Reports\n", "\n# 4. Service Reports\n")
    reading = parse(text)
    assert [i.number for i in reading.items if "." not in i.number][:3] == ["1", "2", "4"]
    assert [f for f in reading.flags if f.kind == "item-numbering"]


def test_an_attendance_heading_with_no_one_read_is_flagged():
    lines = MARKDOWN.split("\n")
    start = lines.index("Attendees:")
    first_item = lines.index("1. Previous Meeting Minutes")
    text = "\n".join(
        [*lines[: start + 1], "", "As recorded in the register.", "", *lines[first_item:]]
    )
    reading = parse(text)
    assert not reading.attendance and reading.items
    assert [f.line for f in reading.flags if f.kind == "attendance-missing"] == [start + 1]


def test_the_next_meeting_named_by_a_later_code_is_flagged():
    text = MARKDOWN.replace(
        "ACTION OPSG 49/04: SECAS to schedule a review of incident categorisation.",
        "ACTION OPSG 49/04: SECAS to review incident categorisation at the next meeting (OPSG_52).",
    )
    flags = [f for f in parse(text).flags if f.kind == "next-meeting-code"]
    assert len(flags) == 1 and "names OPSG_52" in flags[0].message
    # "the June meeting, OPSG_50", the next one after 49, is no doubt.
    assert "OPSG_50" in MARKDOWN
    assert not [f for f in parse(MARKDOWN).flags if f.kind == "next-meeting-code"]


@pytest.mark.parametrize(
    "body",
    ["", "\n\n\x00\x01\x02\n", "Lorem ipsum dolor sit amet.\n" * 40],
    ids=["empty", "control-characters", "prose"],
)
def test_a_header_over_an_unreadable_body_is_refused(body):
    """Refused with one reason, in a few lines: the text's own, or that
    nothing meeting-like was found in it."""
    header = "Operations Group (OPSG)\nMeeting 25\n1 October 2019, 10:00 – 17:00\n\n"
    with pytest.raises(ValueError) as refused:
        read_upload((header + body).encode(), "minutes.txt")
    message = str(refused.value)
    assert len(message.splitlines()) <= 5
    if "\x00" not in body:
        assert message == refusal(parse(header + body))
        assert message.startswith("No meeting could be read")


def test_the_command_refuses_it_and_writes_nothing(tmp_path, db):
    path = tmp_path / "minutes.txt"
    path.write_text("Operations Group (OPSG)\nMeeting 25\n\nNothing else.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No meeting could be read"):
        call_command("import_minutes", str(path), "--committee", "OPSG")
    assert not Meeting.objects.exists()


def test_the_upload_page_refuses_it_without_an_import_button(client, db, world):
    login(client, "secretary")
    header_only = b"Operations Group (OPSG)\nMeeting 25\n1 October 2019\n\nNothing else.\n"
    response = client.post("/import/", {"file": SimpleUploadedFile("minutes.txt", header_only)})
    body = response.content.decode()
    assert response.status_code == 422
    assert "No meeting could be read from this document" in body
    assert "Review the import" not in body and "/import/commit/" not in body


def test_an_actions_outstanding_item_whose_table_was_not_read_is_flagged():
    """A Word document written one paragraph a line loses its tables: the
    item that should hold the Actions Outstanding table says so."""
    lines = MARKDOWN.split("\n")
    start, end = lines.index("2. Actions Outstanding"), lines.index("3. Service Reports")
    kept = [line for line in lines[start:end] if not line.startswith("|")]
    reading = parse("\n".join([*lines[:start], *kept, *lines[end:]]))
    assert not reading.reviews
    (flag,) = [f for f in reading.flags if f.kind == "reviews-missing"]
    assert flag.line == start + 1 and "Item 2" in flag.message
    assert not [f for f in parse(MARKDOWN).flags if f.kind == "reviews-missing"]


def test_a_person_or_an_action_listed_twice_is_flagged_at_the_repeat():
    """The import keeps the first of two lines naming one person, or one
    action under review: the second is flagged, not dropped in silence."""
    lines = MARKDOWN.split("\n")
    apology = lines.index("| Large Suppliers | Ian Cole |")
    row = next(n for n, line in enumerate(lines) if line.startswith("| OPSG 47/05 |"))
    doubled = [*lines[: row + 1], lines[row], *lines[row + 1 :]]
    doubled = [*doubled[: apology + 1], doubled[apology], *doubled[apology + 1 :]]
    flags = [f for f in parse("\n".join(doubled)).flags if f.kind == "listed-twice"]
    assert [(f.line, f.message.split(":")[0]) for f in flags] == [
        (apology + 2, f"Ian Cole is listed twice in the attendance (lines {apology + 1} and {apology + 2})"),
        (row + 3, f"OPSG 47/05 is listed twice in the Actions Outstanding table (lines {row + 2} and {row + 3})"),
    ]  # fmt: skip
    assert not [f for f in parse(MARKDOWN).flags if f.kind == "listed-twice"]


@pytest.mark.parametrize("text", [TEXT, MARKDOWN], ids=["2019-text", "2021-markdown"])
@pytest.mark.parametrize("newline", ["\r\n", "\r", "\r\r\n", "\n\r"])
def test_any_newline_convention_reads_as_the_same_lines(text, newline):
    """The readers and the checks number the same lines whatever the file's
    newlines, mixed ones included: no traceback, every flag on a line of the
    text, and with one newline a line the reading is the original's."""
    mutated = text.replace("\n", newline)
    minutes = parse(mutated)
    lines = one_newline(mutated).split("\n")
    assert all(1 <= flag.line <= len(lines) for flag in minutes.flags)
    if newline in ("\r\n", "\r"):
        assert _structure(minutes) == _structure(parse(text))
