"""The minutes PDF: WeasyPrint rendering OPSG 25 (the demo) five times in one
warm process, against headless Chromium printing the same HTML to PDF five
times (a fresh browser each time, as a one-shot command would be used).
Prints one line:

    pdf p50_s=… peak_mb=… pages=… chromium_p50_s=… ratio=…

ratio is WeasyPrint's median over Chromium's; peak_mb is this process's peak
resident memory (Django, the demo data and WeasyPrint's layout). Runs on a
throw-away database like bench/run.py."""

import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsg.settings")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="opsg-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

RUNS = 5
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    # The page's stylesheets and fonts are file: URLs next to it.
    "--allow-file-access-from-files",
]


def timed(fn, runs=RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def chromium_print(html_file: Path, out: Path, profile: Path) -> None:
    subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            html_file.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    if not out.is_file() or not out.read_bytes().startswith(b"%PDF"):
        raise RuntimeError(f"Chromium wrote no PDF to {out}")


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        from meetings import pdf
        from meetings.models import Meeting

        meeting = Meeting.objects.get(committee__code="OPSG", number=25)
        html = pdf.minutes_source(meeting).html
        with tempfile.TemporaryDirectory(prefix="opsg-bench-pdf-") as tmp:
            tmp = Path(tmp)
            target = tmp / "weasyprint.pdf"
            pdf.render_pdf(html, target)  # warm: fonts, stylesheets, imports
            rendered = []
            weasy = timed(lambda: rendered.append(pdf.render_pdf(html, target)))
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            if CHROMIUM:
                # The same HTML, its relative URLs (css/…, fonts/…) pointed at static/.
                page = tmp / "minutes.html"
                base = f'<base href="{pdf.static_dir().as_uri()}/">'
                page.write_text(html.replace("<head>", f"<head>\n  {base}", 1), encoding="utf-8")
                chrome = timed(
                    lambda: chromium_print(page, tmp / "chromium.pdf", tmp / "chromium-profile")
                )
                chromium_p50 = statistics.median(chrome)
                chromium_text = f"{chromium_p50:.2f}"
                ratio_text = f"{statistics.median(weasy) / chromium_p50:.2f}"
            else:
                chromium_text = ratio_text = "n/a"
        print(
            f"pdf p50_s={statistics.median(weasy):.2f} peak_mb={peak_mb:.0f} "
            f"pages={rendered[-1].pages} chromium_p50_s={chromium_text} ratio={ratio_text}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
