"""The action log exported as CSV and XLSX: the same query string as the
page, every matching row (not one page), the minutes' columns plus owners,
status, slips, lateness and the latest update. Both files are read back
(csv, openpyxl) and compared with the page."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from actions.exports import COLUMNS, neutralise
from actions.models import Action, ActionReview
from tests.actions.log_data import D, frozen, make_log, many_actions, page_rows, review
from tests.base import circulate, login, make_meeting

pytestmark = pytest.mark.django_db

CSV = "/actions/export.csv"
XLSX = "/actions/export.xlsx"
HEADER = [
    "Reference",
    "Action",
    "Owners",
    "Date raised",
    "Last target date",
    "Current target date",
    "Status",
    "Outcome",
    "Times slipped",
    "Days slipped",
    "Days overdue",
    "Latest update",
    "Latest update at",
]


@pytest.fixture(autouse=True)
def _today():
    with frozen():
        yield


@pytest.fixture
def log(world):
    return make_log(world)


def read_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def read_xlsx(response):
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.active


def xlsx_rows(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def test_exports_need_a_login(client, log):
    for url in (CSV, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_exports_refuse_post(client, log):
    login(client, "member")
    assert client.post(CSV).status_code == 405
    assert client.post(XLSX).status_code == 405


def test_csv_has_the_minutes_columns_and_what_the_log_adds(client, log):
    login(client, "member")
    response = client.get(CSV)
    assert response["Content-Disposition"] == 'attachment; filename="actions-2026-11-23.csv"'
    rows = {row["Reference"]: row for row in read_csv(response)}
    assert list(rows) == ["OPSG 9/01", "OPSG 24/01", "OPSG 25/01", "OPSG 26/01", "OPSG 27/CONF 01"]
    assert rows["OPSG 24/01"] == {
        "Reference": "OPSG 24/01",
        "Action": "DCC to explain the scalability of the network.",
        "Owners": "DCC, SECAS",
        "Date raised": "01/09/2026",
        # Coming into its latest review (OPSG 26), the target was 11/11/2026.
        "Last target date": "11/11/2026",
        "Current target date": "11/11/2026",
        "Status": "Open",
        "Outcome": "",
        "Times slipped": "1",
        "Days slipped": "36",
        "Days overdue": "12",
        "Latest update": "",
        "Latest update at": "OPSG 26 (03/11/2026)",
    }
    assert rows["OPSG 9/01"]["Last target date"] == "To be determined"
    assert rows["OPSG 9/01"]["Times slipped"] == "3"
    assert rows["OPSG 9/01"]["Days overdue"] == "632"
    assert rows["OPSG 25/01"]["Action"] == (
        "CH Transition: Owen to confirm the firmware roll-out plan."
    )
    # Never reviewed: no last target, no update.
    assert rows["OPSG 26/01"]["Last target date"] == ""
    assert rows["OPSG 26/01"]["Current target date"] == "To be determined"


def test_latest_update_is_the_narrative_of_the_latest_review(client, log):
    m = log.meetings
    later = make_meeting(log.world, number=28, date=D(2026, 11, 17))
    review(log.a25, later, D(2026, 11, 30), "N/A", update="Roll-out plan drafted; sign-off due.")
    login(client, "member")
    # Until OPSG 28's minutes are circulated, their update is not the member's to read.
    rows = {row["Reference"]: row for row in read_csv(client.get(CSV))}
    assert rows["OPSG 25/01"]["Latest update"] != "Roll-out plan drafted; sign-off due."
    circulate(later)
    rows = {row["Reference"]: row for row in read_csv(client.get(CSV))}
    assert rows["OPSG 25/01"]["Latest update"] == "Roll-out plan drafted; sign-off due."
    assert rows["OPSG 25/01"]["Latest update at"] == "OPSG 28 (17/11/2026)"
    assert m[26].date < later.date


def test_an_action_a_draft_closed_is_exported_as_its_reader_knows_it(client, log):
    """The export reads each action as a tuple; one whose latest review is in
    minutes its reader may not read yet is still given the state the
    reviews they read left it in (actions.known), as the log's page gives
    it: open, with no outcome, for a member; closed for the secretary."""
    draft = make_meeting(log.world, number=28, date=D(2026, 11, 17))
    review(log.a24, draft, D(2026, 11, 11), "N/A", status="closed", outcome="completed")
    shown = ("Status", "Outcome", "Current target date", "Latest update at")
    seen = {}
    for who in ("member", "secretary"):
        login(client, who)
        rows = {r["Reference"]: r for r in read_csv(client.get(CSV + "?status=all"))}
        seen[who] = tuple(rows["OPSG 24/01"][column] for column in shown)
    assert seen == {
        "member": ("Open", "", "11/11/2026", "OPSG 26 (03/11/2026)"),
        "secretary": ("Closed", "Completed", "11/11/2026", "OPSG 28 (17/11/2026)"),
    }


def test_closed_and_transferred_rows(client, log):
    login(client, "member")
    rows = read_csv(client.get(CSV + "?status=closed"))
    assert [(r["Reference"], r["Status"], r["Outcome"], r["Days overdue"]) for r in rows] == [
        ("OPSG 10/01", "Closed", "Completed", "0")
    ]


def test_csv_follows_the_query_string_and_lists_every_row_not_one_page(client, world):
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    make_meeting(world, number=25, date=D(2026, 10, 6))
    make_meeting(world, number=26, date=D(2026, 11, 3))
    many_actions(world, m24, 130)
    login(client, "member")
    query = "?sort=target&page=2"
    rows = read_csv(client.get(CSV + query))
    assert len(rows) == 130
    expected = list(
        Action.objects.order_by("target_date", "meeting_number", "sequence").values_list(
            "reference", flat=True
        )
    )
    assert [row["Reference"] for row in rows] == expected
    overdue = read_csv(client.get(CSV + "?overdue=1"))
    assert 0 < len(overdue) < 130
    assert all(int(row["Days overdue"]) > 0 for row in overdue)


def test_exports_match_the_page(client, log):
    """Row for row, the same actions in the same order, saying the same."""
    login(client, "member")
    query = "?status=all&sort=-overdue"
    page = page_rows(client.get("/actions/" + query).content)
    csv_rows = read_csv(client.get(CSV + query))
    sheet_rows = xlsx_rows(read_xlsx(client.get(XLSX + query)))
    assert len(page) == len(csv_rows) == len(sheet_rows) == 6
    for cells, row, cell_row in zip(page, csv_rows, sheet_rows, strict=True):
        reference, text, owners, raised, target, status, late, slipped = cells
        assert row["Reference"] == cell_row["Reference"] == reference
        assert row["Action"] == cell_row["Action"] == text
        assert row["Owners"] == cell_row["Owners"] == owners
        assert row["Date raised"] == raised
        assert cell_row["Date raised"].strftime("%d/%m/%Y") == raised
        assert (row["Current target date"] or "—") == target
        assert status.startswith(row["Status"])
        days = int(row["Days overdue"])
        assert cell_row["Days overdue"] == days
        assert (f"Overdue {days} days overdue" == late) if days else ("overdue" not in late)
        times = int(row["Times slipped"])
        assert cell_row["Times slipped"] == times
        assert slipped.startswith(f"{times} time") if times else slipped == "Never"


def test_xlsx_header_dates_widths(client, log):
    login(client, "member")
    response = client.get(XLSX)
    assert response["Content-Disposition"] == 'attachment; filename="actions-2026-11-23.xlsx"'
    sheet = read_xlsx(response)
    # A bold header row that stays in view.
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    # Real dates, shown the British way.
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    raised = rows["OPSG 24/01"][HEADER.index("Date raised")]
    assert raised.is_date and raised.value == datetime.datetime(2026, 9, 1)
    assert raised.number_format == "dd/mm/yyyy"
    target = rows["OPSG 24/01"][HEADER.index("Current target date")]
    assert target.is_date and target.number_format == "dd/mm/yyyy"
    # Words stay words where there is no date.
    assert rows["OPSG 26/01"][HEADER.index("Current target date")].value == "To be determined"
    assert rows["OPSG 24/01"][HEADER.index("Times slipped")].value == 1
    # Widths from the column list, the text columns wide.
    widths = [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(HEADER))]
    assert widths == [column.width for column in COLUMNS]
    assert widths[HEADER.index("Action")] >= 50
    assert sheet.auto_filter.ref == f"A1:M{len(rows) + 1}"


def test_xlsx_keeps_formula_like_text_as_text(client, log):
    log.a25.text = '=HYPERLINK("http://example.invalid","click")'
    log.a25.topic = ""
    log.a25.save()
    login(client, "member")
    sheet = read_xlsx(client.get(XLSX))
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "OPSG 25/01")
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://example.invalid","click")'


# Text people outside the secretariat typed, each starting as a spreadsheet
# formula might (OWASP, CSV injection), and how every export writes it.
FORMULAS = {
    "OPSG 25/01": '=HYPERLINK("http://example.invalid","click")',
    "OPSG 26/01": "+1+cmd|' /C calc'!A0",
    "OPSG 10/01": "-2+3",
    "OPSG 24/01": "@SUM(1+1)",
    "OPSG 9/01": "\t=1+1",
}


@pytest.fixture
def formulas(log):
    for reference, text in FORMULAS.items():
        Action.objects.filter(reference=reference).update(text=text, topic="")
    # The latest update and an owner's name are text from people too.
    ActionReview.objects.filter(action=log.a9, meeting=log.meetings[26]).update(update="\r=1+1")
    log.world.owner.name = "=Owen Owner"
    log.world.owner.save()
    return log


def test_csv_cells_are_neutralised(client, formulas):
    login(client, "member")
    rows = {row["Reference"]: row for row in read_csv(client.get(CSV + "?status=all"))}
    for reference, text in FORMULAS.items():
        assert rows[reference]["Action"] == "'" + text
    assert rows["OPSG 9/01"]["Latest update"] == "'\r=1+1"
    assert rows["OPSG 25/01"]["Owners"] == "'=Owen Owner"
    # Ordinary text and numbers are left alone.
    assert rows["OPSG 24/01"]["Owners"] == "DCC, SECAS"
    assert rows["OPSG 9/01"]["Times slipped"] == "3"
    unsafe = ("=", "+", "-", "@", "\t", "\r")
    assert not [
        value for row in rows.values() for value in row.values() if value.startswith(unsafe)
    ]


def test_xlsx_cells_are_neutralised(client, formulas):
    login(client, "member")
    rows = {row["Reference"]: row for row in xlsx_rows(read_xlsx(client.get(XLSX + "?status=all")))}
    for reference, text in FORMULAS.items():
        assert rows[reference]["Action"] == "'" + text
    assert rows["OPSG 9/01"]["Latest update"] == "'\r=1+1"
    assert rows["OPSG 25/01"]["Owners"] == "'=Owen Owner"
    # Numbers stay numbers, dates dates: only text is ever prefixed.
    assert rows["OPSG 9/01"]["Times slipped"] == 3
    assert isinstance(rows["OPSG 9/01"]["Date raised"], datetime.datetime)


def test_negative_numbers_are_numbers_not_formulas():
    """No column holds a negative number today (slips and lateness count
    up from 0), but one that did would stay a number: only text is a risk."""
    assert neutralise(-14) == -14
    assert neutralise(-1.5) == -1.5
    assert neutralise("-14") == "'-14"  # typed text that looks like a number is still text
    assert neutralise(datetime.date(2026, 11, 23)) == datetime.date(2026, 11, 23)


def test_exports_show_only_what_the_user_may_see(client, log):
    login(client, "outsider")
    assert [r["Reference"] for r in read_csv(client.get(CSV + "?status=all"))] == ["TABASC 5/01"]
    sheet = read_xlsx(client.get(XLSX + "?status=all&committee=OPSG"))
    assert [r["Reference"] for r in xlsx_rows(sheet)] == ["TABASC 5/01"]


def test_empty_export_is_a_header_only(client, log):
    login(client, "member")
    assert read_csv(client.get(CSV + "?q=nothing-matches")) == []
    assert xlsx_rows(read_xlsx(client.get(XLSX + "?q=nothing-matches"))) == []


# 1 session, 2 user, 3 the user's roles in every committee and the
# classifications naming them (read once: meetings.access.committees_where),
# 4 the agenda items withheld from the user (meetings.access.items_withheld)
# and the meetings whose reviews the user may not all read (actions.known),
# in one query (actions.access.visible_and_known), 5 the organisations and
# people owning actions (the owner filter's choices), 6 the selected
# actions' owners, 7 their reviews the user may read (for the latest), 8 the
# actions themselves.
EXPORT_QUERIES = 8


@pytest.mark.parametrize("count", [3, 300])
@pytest.mark.parametrize("url", [CSV, CSV + "?status=all&sort=owner&slipped=1", XLSX])
def test_export_queries_do_not_grow_with_the_rows(
    client, world, django_assert_num_queries, count, url
):
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    make_meeting(world, number=25, date=D(2026, 10, 6))
    make_meeting(world, number=26, date=D(2026, 11, 3))
    many_actions(world, m24, count)
    login(client, "member")
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
    assert response.status_code == 200 and body


def test_csv_is_sent_in_pieces_of_many_lines(client, world):
    """A streamed response writes each piece it is given to the socket on
    its own: a piece a line made an export of 2,000 rows thousands of
    writes. 300 rows go in the header's piece and two more."""
    m24 = make_meeting(world, number=24, date=D(2026, 9, 1))
    make_meeting(world, number=25, date=D(2026, 10, 6))
    make_meeting(world, number=26, date=D(2026, 11, 3))
    many_actions(world, m24, 300)
    login(client, "member")
    pieces = list(client.get(CSV + "?status=all").streaming_content)
    body = b"".join(pieces).decode("utf-8")
    assert len(list(csv.reader(io.StringIO(body[1:])))) == 301
    assert len(pieces) == 3
