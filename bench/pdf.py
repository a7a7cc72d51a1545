"""The minutes PDF: WeasyPrint rendering OPSG 25 (the demo) five times in one
warm process, against headless Chromium printing the same HTML to PDF five
times (a fresh browser each time, as a one-shot command would be used; one
more run first, untimed, warms each).
Prints one line:

    pdf p50_s=… peak_mb=… pages=… chromium_p50_s=… ratio=…

ratio is WeasyPrint's median over Chromium's; peak_mb is this process's peak
resident memory (Django, the demo data and WeasyPrint's layout). Runs on
bench/run.py's throw-away demo database."""

import resource
import shutil
import subprocess
import tempfile
from pathlib import Path

# bench/run.py sets up Django (on import) and the throw-away database.
from run import demo_database, median_seconds

# The browser tests' quiet, offline Chromium, here printing a file to PDF.
from tests.e2e.conftest import CHROMIUM_ARGS as BROWSER_ARGS

RUNS = 5
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    *BROWSER_ARGS,
    "--no-pdf-header-footer",
    # The page's stylesheets and fonts are file: URLs next to it.
    "--allow-file-access-from-files",
]


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
    with demo_database():
        from meetings.models import Meeting
        from minutes import pdf

        meeting = Meeting.objects.get(committee__code="OPSG", number=25)
        html = pdf.minutes_source(meeting).html
        with tempfile.TemporaryDirectory(prefix="opsg-bench-pdf-") as tmp:
            tmp = Path(tmp)
            target = tmp / "weasyprint.pdf"
            rendered = []  # the first (untimed) run warms fonts, stylesheets and imports
            weasy = median_seconds(lambda: rendered.append(pdf.render_pdf(html, target)), RUNS)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

            if CHROMIUM:
                # The same HTML, its relative URLs (css/…, fonts/…) pointed at static/.
                page = tmp / "minutes.html"
                base = f'<base href="{pdf.static_dir().as_uri()}/">'
                page.write_text(html.replace("<head>", f"<head>\n  {base}", 1), encoding="utf-8")
                chromium_p50 = median_seconds(
                    lambda: chromium_print(page, tmp / "chromium.pdf", tmp / "chromium-profile"),
                    RUNS,
                )
                chromium_text = f"{chromium_p50:.2f}"
                ratio_text = f"{weasy / chromium_p50:.2f}"
            else:
                chromium_text = ratio_text = "n/a"
        print(
            f"pdf p50_s={weasy:.2f} peak_mb={peak_mb:.0f} "
            f"pages={rendered[-1].pages} chromium_p50_s={chromium_text} ratio={ratio_text}"
        )


if __name__ == "__main__":
    main()
