"""The minutes PDF: WeasyPrint (minutes.pdf.render_pdf, in this warm
process, as the worker renders) against headless Chromium printing the same
HTML, stylesheets and fonts; and the published PDF's download.

Loads the demo (OPSG 25) and publishes it, its PDF issued as publishing asks
the worker to (rendered here, not queued). Builds, in committees of their
own, a circulated meeting of 256 agenda items, each with a narrative, a
decision and an action (about 100 pages), and the same with 25 items (about
10 pages). Each document's HTML is minutes.pdf.minutes_source's; Chromium
reads it from a file whose stylesheet links point at the static folder's
files, so print.css (A4, its margins, the DejaVu fonts by @font-face)
applies as it does for WeasyPrint. The script stops unless Chromium's PDF is
styled: A4 pages, no fallback serif font, and, in the warm browser, both
stylesheets applied, every font loaded and no request failed.

Prints:

- pdf_published_download (member) and pdf_published_download_public: GET of
  OPSG 25's issued PDF as a member and signed out, served from storage
  (goal: p50 at most 20 ms); while timed, a render raises, and the script
  checks that no document was made and that the bytes are the stored PDF's;
- pdf_opsg25: WeasyPrint against one-shot Chromium (a fresh browser each
  time, as a command line would run it), interleaved, one untimed run of
  each first (goal: at most 1.0×);
- pdf_opsg25_warm_chromium (INFO): WeasyPrint against one Chromium kept
  open (Playwright; a new page each time);
- pdf_opsg25_peak_mb, pdf_100_pages_peak_mb: the peak resident memory of a
  process rendering the document as the worker does (Django set up,
  WeasyPrint, the HTML read from a file; no pytest, which a worker does not
  load either), with its child processes, summed,
  sampled from /proc every 10 ms (goal: at most 150 MB); one-shot
  Chromium's for comparison (its many processes each count the pages they
  share, so its figure is high);
- pdf_100_pages: WeasyPrint against one-shot Chromium, interleaved, no
  untimed run (WeasyPrint is warm by then) (goal: at most 2.0×);
- pdf_per_page_flat: WeasyPrint's time per page at 100 pages over its time
  per page at 10 pages (goal: at most 1.3×).

A render takes seconds, so rounds are bounded: BENCH_ROUNDS / 3 for OPSG 25
and the 10-page meeting (10 by default), BENCH_ROUNDS / 10 for the 100-page
meeting (3 by default); the whole script takes about four minutes.

Run by `make bench`, or alone: .venv/bin/python bench/pdf.py (on PostgreSQL
with DATABASE_URL set).
"""

import datetime
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from unittest import mock

import harness

SHORT_ROUNDS = max(3, harness.ROUNDS // 3)
LONG_ROUNDS = max(2, harness.ROUNDS // 10)
MEMORY_GOAL_MB = 150
DOWNLOAD_P50_MS = 20
LONG_ITEMS = 256  # about 100 pages
SHORT_ITEMS = LONG_ITEMS // 10


# --- memory -------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(root: int) -> list[int]:
    """`root` and every process descended from it."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces: the fields after it are counted from ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError):
        return 0


def peak_mb(command: list[str]) -> float:
    """Run `command`; the peak over its run of the resident memory of it and
    its children, summed (shared pages count in each process)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()
    output: list[bytes] = []

    def read():
        output.append(process.communicate(timeout=300)[0])
        done.set()

    reader = threading.Thread(target=read)
    reader.start()
    while not done.is_set():
        peak = max(peak, sum(_rss(pid) for pid in _tree(process.pid)))
        done.wait(0.01)
    reader.join()
    if process.returncode:
        raise RuntimeError(f"{command[:2]}… exited with {process.returncode}")
    # The renderer's own high-water mark, which sampling may fall short of.
    if match := re.search(rb"VmHWM=(\d+)", output[0]):
        peak = max(peak, int(match[1]))
    return peak / 2**20


def render_in_child(html_file: Path, out: Path) -> None:
    """Run as `pdf.py --render HTML OUT`: render as the worker does, then
    print this process's peak resident memory."""
    from minutes.pdf import render_pdf

    render_pdf(html_file.read_text(encoding="utf-8"), out)
    status = Path("/proc/self/status").read_text()
    kb = int(re.search(r"VmHWM:\s+(\d+) kB", status)[1])
    print(f"VmHWM={kb * 1024}")


# --- Chromium -----------------------------------------------------------------------


def chromium_page(html: str, folder: Path, name: str) -> Path:
    """The HTML in a file, its /static/ links pointing at the static folder."""
    from django.conf import settings

    from minutes.pdf import static_dir

    static = static_dir().as_uri() + "/"
    page = folder / f"{name}.html"
    page.write_text(
        re.sub(
            rf'(href|src)="{re.escape(settings.STATIC_URL)}',
            lambda m: f'{m[1]}="{static}',
            html,
        ),
        encoding="utf-8",
    )
    return page


def browser() -> tuple[Path, list[str]]:
    """The browser tests' Chromium (Debian's) and their quiet, offline flags,
    with file: URLs allowed (the page, its stylesheets and its fonts are
    files). Imported here, not at the top: the rendering child (`--render`)
    loads no pytest, as a worker does not (about 6 MB)."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    return CHROMIUM, [*CHROMIUM_ARGS, "--allow-file-access-from-files"]


def one_shot_command(page: Path, out: Path, profile: Path) -> list[str]:
    chromium, args = browser()
    return [
        str(chromium),
        "--headless",
        *args,
        "--no-pdf-header-footer",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={out}",
        page.as_uri(),
    ]


def one_shot(page: Path, out: Path, profile: Path) -> None:
    subprocess.run(
        one_shot_command(page, out, profile), check=True, capture_output=True, timeout=120
    )


def pdf_info(path: Path) -> tuple[int, str, str]:
    """(pages, page size, fonts) of a PDF, by poppler's pdfinfo and pdffonts."""
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    size = re.search(r"^Page size:\s+(.*)$", info, re.M)[1]
    return pages, size, fonts


def check_styled(path: Path, what: str) -> int:
    """Chromium's PDF as print.css lays it out: A4, in DejaVu Sans, never
    Chromium's default Letter and serif. Returns its pages."""
    pages, size, fonts = pdf_info(path)
    if "A4" not in size or "DejaVuSans" not in fonts or "Serif" in fonts:
        raise RuntimeError(f"{what}: Chromium's PDF is not styled ({size}; fonts:\n{fonts})")
    return pages


class WarmChromium:
    """One Chromium kept open; each print a new page."""

    def __init__(self):
        from playwright.sync_api import sync_playwright

        chromium, args = browser()
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=str(chromium), args=args)

    def print(self, page_file: Path, out: Path) -> None:
        page = self.browser.new_page()
        try:
            page.goto(page_file.as_uri(), wait_until="load")
            page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
        finally:
            page.close()

    def check(self, page_file: Path) -> None:
        """Both stylesheets applied, every font the page uses loaded, nothing failed."""
        page = self.browser.new_page()
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        try:
            page.goto(page_file.as_uri(), wait_until="load")
            state = page.evaluate(
                """async () => {
                    await document.fonts.ready;
                    return {
                        sheets: [...document.styleSheets].filter(s => s.cssRules.length).length,
                        fonts: [...document.fonts].map(f => f.status),
                        family: getComputedStyle(document.body).fontFamily,
                    };
                }"""
            )
        finally:
            page.close()
        if (
            failed
            or state["sheets"] != 2
            or "error" in state["fonts"]
            or "loaded" not in state["fonts"]
            or "DejaVu" not in state["family"]
        ):
            raise RuntimeError(f"Chromium did not style the page: {state}, failed: {failed}")

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


# --- the documents ------------------------------------------------------------------

NARRATIVE = (
    "The DCC presented the monthly performance report for the smart metering "
    "service, covering the availability of the communications hubs, the "
    "install and commissioning figures and the incidents raised in the period. "
    "Members asked how the backlog of problem records would be cleared before "
    "the next release, and whether the forecast for the quarter still held.\n\n"
    "The Chair noted that the figures for the central systems were within "
    "their thresholds, and asked the DCC to circulate the breakdown by region "
    "with the minutes. Network Parties raised the effect of the planned "
    "maintenance window on their own change schedule.\n\n"
    "1. The root cause of the outage was a certificate that had expired.\n"
    "2. A workaround is in place; the permanent fix follows in the next release."
)


def build_meeting(code: str, items: int):
    """A circulated meeting of `items` agenda items, each with a narrative,
    a decision of two points and an action owned by the DCC."""
    from actions.models import Action, ActionOwner
    from actions.references import format_reference
    from meetings.models import AgendaItem, Committee, Decision, Meeting, Organisation

    opsg25 = Meeting.objects.get(committee__code="OPSG", number=25)
    committee = Committee.objects.create(code=code, name=f"{code} Group")
    dcc, _ = Organisation.objects.get_or_create(short_name="DCC")
    meeting = Meeting.objects.create(
        committee=committee,
        number=1,
        date=datetime.date(2026, 10, 6),
        classification=opsg25.classification,
        status=Meeting.Status.CIRCULATED,
        circulated_at=datetime.datetime(2026, 10, 7, 17, tzinfo=datetime.UTC),
    )
    made = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting, number=str(n), title=f"Performance report {n}", narrative=NARRATIVE,
            order=n,
        )
        for n in range(1, items + 1)
    )  # fmt: skip
    Decision.objects.bulk_create(
        Decision(
            item=item,
            verb="NOTED",
            text="the performance report and the plan to clear the backlog",
            points=["the figures within their thresholds", "the regional breakdown to follow"],
        )
        for item in made
    )
    actions = Action.objects.bulk_create(
        Action(
            committee=committee,
            meeting=meeting,
            item=item,
            meeting_number=1,
            sequence=item.order,
            reference=format_reference(code, 1, item.order, False),
            text="DCC to circulate the breakdown of the figures by region.",
            raised_on=meeting.date,
            target_date=meeting.date + datetime.timedelta(days=28),
        )
        for item in made
    )
    ActionOwner.objects.bulk_create(ActionOwner(action=a, organisation=dcc) for a in actions)
    return meeting


def publish_with_pdf(meeting):
    """OPSG 25 approved and published, its PDF issued as publishing asks the
    worker to (rendered here, not queued)."""
    from django.contrib.auth import get_user_model

    from meetings.models import Meeting, MinutesDocument
    from minutes.rendering import render_minutes_pdf
    from minutes.services import minutes_pdf_request, minutes_publish

    chair = get_user_model().objects.create_user("bench-chair", password="unused")
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.APPROVED,
        approved_at=meeting.circulated_at + datetime.timedelta(days=28),
    )
    meeting.refresh_from_db()
    minutes_publish(meeting=meeting, by=chair, announce=False)
    document = minutes_pdf_request(meeting=meeting, by=chair, enqueue=False)
    document = render_minutes_pdf(document.pk)
    assert document.state == MinutesDocument.State.DONE, (document.state, document.error)
    return document


def download(client, url: str, sha256: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content)
        response.close()
        assert hashlib.sha256(body).hexdigest() == sha256, url

    return get


def per_page(timing: harness.Timing, pages: int) -> harness.Timing:
    return harness.Timing([s / pages for s in timing.seconds])


# --- the benchmarks -----------------------------------------------------------------


def main():
    from django.test import Client

    from demo.loader import load_demo
    from meetings.models import Meeting, MinutesDocument
    from minutes import pdf

    engine = harness.engine()
    with harness.scratch_database(), tempfile.TemporaryDirectory(prefix="opsg-bench-pdf-") as tmp:
        tmp = Path(tmp)
        load_demo(password=None, logins=False)
        opsg25 = Meeting.objects.select_related("committee").get(committee__code="OPSG", number=25)
        member = harness.member_client([opsg25.committee])

        # Published: its issued PDF served from storage, never rendered again.
        document = publish_with_pdf(opsg25)
        documents = MinutesDocument.objects.count()
        refuse = mock.patch.object(pdf, "render_pdf", side_effect=AssertionError("rendered"))
        with refuse:
            for name, client, url in [
                ("pdf_published_download (member)", member, "/committees/OPSG/meetings/25/"),
                ("pdf_published_download_public (signed out)", Client(), "/published/OPSG/25/"),
            ]:
                timing = harness.timed(download(client, url + "minutes.pdf", document.sha256))
                harness.report(
                    f"{name} ({engine}, OPSG 25, {document.size} bytes)",
                    timing,
                    None,
                    goal=DOWNLOAD_P50_MS,
                    measure="p50_ms",
                )
        assert MinutesDocument.objects.count() == documents, "a download made a document"

        sources = {"opsg25": pdf.minutes_source(opsg25).html}
        for code, items in [("LONG", LONG_ITEMS), ("SHORT", SHORT_ITEMS)]:
            sources[code] = pdf.minutes_source(build_meeting(code, items)).html

        pages, html_files, chromium_files = {}, {}, {}
        for name, html in sources.items():
            html_files[name] = tmp / f"{name}-weasy.html"
            html_files[name].write_text(html, encoding="utf-8")
            chromium_files[name] = chromium_page(html, tmp, name)
            pages[name] = pdf.render_pdf(html, tmp / f"{name}-weasy.pdf").pages
            one_shot(chromium_files[name], tmp / f"{name}-chromium.pdf", tmp / "profile")
            chromium_pages = check_styled(tmp / f"{name}-chromium.pdf", name)
            pages[name + "-chromium"] = chromium_pages

        def weasy(name):
            return lambda: pdf.render_pdf(sources[name], tmp / f"{name}-weasy.pdf")

        def chromium(name):
            return lambda: one_shot(
                chromium_files[name], tmp / f"{name}-chromium.pdf", tmp / "profile"
            )

        def memory(name) -> tuple[float, float]:
            """(WeasyPrint's peak, one-shot Chromium's peak) in MB."""
            renderer = [sys.executable, __file__, "--render", str(html_files[name])]
            ours = peak_mb([*renderer, str(tmp / f"{name}-child.pdf")])
            theirs = peak_mb(
                one_shot_command(chromium_files[name], tmp / f"{name}-mem.pdf", tmp / "profile")
            )
            return ours, theirs

        def page_text(name):
            return f"pages={pages[name]} chromium_pages={pages[name + '-chromium']}"

        # OPSG 25.
        ours, theirs = harness.interleaved(
            weasy("opsg25"), chromium("opsg25"), SHORT_ROUNDS, warmup=1
        )
        harness.report(
            "pdf_opsg25 (WeasyPrint vs one-shot Chromium, same HTML and CSS)",
            ours,
            theirs,
            goal=1.0,
            extra=f"rounds={SHORT_ROUNDS} {page_text('opsg25')}",
        )
        warm_browser = WarmChromium()
        try:
            warm_browser.check(chromium_files["opsg25"])
            ours, warm = harness.interleaved(
                weasy("opsg25"),
                lambda: warm_browser.print(chromium_files["opsg25"], tmp / "warm.pdf"),
                SHORT_ROUNDS,
                warmup=1,
            )
        finally:
            warm_browser.close()
        check_styled(tmp / "warm.pdf", "opsg25, warm")
        harness.report(
            "pdf_opsg25_warm_chromium (WeasyPrint vs one Chromium kept open)",
            ours,
            warm,
            goal=None,
            extra=f"rounds={SHORT_ROUNDS}",
        )
        ours_mb, theirs_mb = memory("opsg25")
        harness.report_count(
            "pdf_opsg25_peak_mb (a process rendering it, with its children)",
            round(ours_mb),
            goal=MEMORY_GOAL_MB,
            extra=f"chromium_one_shot_mb={theirs_mb:.0f}",
        )

        # About 100 pages, and the same at about 10.
        ours, theirs = harness.interleaved(weasy("LONG"), chromium("LONG"), LONG_ROUNDS, warmup=0)
        harness.report(
            f"pdf_100_pages ({LONG_ITEMS} items, WeasyPrint vs one-shot Chromium)",
            ours,
            theirs,
            goal=2.0,
            extra=f"rounds={LONG_ROUNDS} {page_text('LONG')}",
        )
        ours_mb, theirs_mb = memory("LONG")
        harness.report_count(
            "pdf_100_pages_peak_mb (a process rendering it, with its children)",
            round(ours_mb),
            goal=MEMORY_GOAL_MB,
            extra=f"chromium_one_shot_mb={theirs_mb:.0f}",
        )
        short = harness.timed(weasy("SHORT"), rounds=SHORT_ROUNDS)
        harness.report(
            f"pdf_per_page_flat (WeasyPrint, time a page: {pages['LONG']} pages "
            f"vs {pages['SHORT']})",
            per_page(ours, pages["LONG"]),
            per_page(short, pages["SHORT"]),
            goal=1.3,
        )
    harness.finish()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--render"]:
        render_in_child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
