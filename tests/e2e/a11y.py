"""Accessibility and HTML-validity checks for browser tests.

axe-core and the Nu HTML Checker (vnu.jar) come from the npm packages pinned
in package.json (`npm install --no-audit --no-fund`). When a tool is absent
the test is skipped locally and fails under CI=true (see `need`).
"""

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import need

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NPM_HINT = "run `npm install --no-audit --no-fund` in the project root"

# Runs inside the page. Only violations are collected: passes and
# inapplicable rules make the result large and are not used here.
_AXE_RUN = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
            target: n.target,
            html: n.html,
            summary: n.failureSummary,
        })),
    }));
}"""


def axe_check(page) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations.

    The script is passed to `page.evaluate` as text rather than added as a
    <script> tag, so a strict Content-Security-Policy cannot block it."""
    need(AXE_JS.is_file(), f"axe-core missing at {AXE_JS}: {NPM_HINT}")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN)


def format_axe(violations: list[dict], max_nodes: int = 8) -> str:
    """One paragraph a rule: id, help, the failing elements and how to fix them."""
    lines = []
    for v in violations:
        nodes = v["nodes"]
        lines.append(
            f"[{v['impact']}] {v['id']}: {v['help']} - {len(nodes)} element(s) ({v['helpUrl']})"
        )
        for node in nodes[:max_nodes]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    at {target}: {node['html'][:160]}")
        if len(nodes) > max_nodes:
            lines.append(f"    ... and {len(nodes) - max_nodes} more")
        # The fix advice is usually the same for every element: say it once.
        summaries = dict.fromkeys(n["summary"] for n in nodes if n.get("summary"))
        for summary in summaries:
            lines.extend(f"    | {s.strip()}" for s in summary.splitlines())
    return "\n".join(lines)


def vnu_check(documents: Mapping[str, str] | Iterable[str | Path]) -> list[dict]:
    """Validate HTML with the Nu HTML Checker in one JVM start; return its errors.

    `documents` is either {label: html_text} (written to temporary files named
    after the labels) or an iterable of existing file paths. Each returned
    error carries a "document" key naming the label or path it came from."""
    java = shutil.which("java")
    need(java is not None, "java not found on PATH: the Nu HTML Checker needs Java 11+")
    need(VNU_JAR.is_file(), f"vnu-jar missing at {VNU_JAR}: {NPM_HINT}")

    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        names: dict[str, str] = {}  # file path -> label shown in messages
        if isinstance(documents, Mapping):
            for i, (label, html) in enumerate(documents.items()):
                safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in label)
                path = Path(tmp).resolve() / f"{i:02d}-{safe or 'page'}.html"
                path.write_text(html, encoding="utf-8")
                names[str(path)] = label
        else:
            for item in documents:
                names[str(Path(item).resolve())] = str(item)
        if not names:
            return []

        proc = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout"]
            + list(names),
            capture_output=True,
            text=True,
            timeout=180,
        )
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(
            f"vnu.jar exited {proc.returncode} without JSON output:\n{proc.stdout}\n{proc.stderr}"
        ) from None

    errors = []
    for msg in messages:
        # "error" is invalid markup; "non-document-error" means the file could
        # not be read at all. Both are failures.
        if msg.get("type") not in {"error", "non-document-error"}:
            continue
        url = msg.get("url", "")  # vnu writes "file:/tmp/…"
        path = unquote(urlparse(url).path) if url.startswith("file:") else url
        errors.append({**msg, "document": names.get(path, url)})
    if proc.returncode not in (0, 1) and not errors:
        raise AssertionError(f"vnu.jar exited {proc.returncode}:\n{proc.stderr}")
    return errors


def format_vnu(errors: list[dict]) -> str:
    lines = []
    for e in errors:
        line = e.get("lastLine", "?")
        col = e.get("firstColumn", e.get("lastColumn", "?"))
        lines.append(f"{e['document']}:{line}:{col}: {e.get('message', '')}")
        extract = (e.get("extract") or "").replace("\n", "⏎")
        if extract:
            lines.append(f"    {extract}")
    return "\n".join(lines)


def summarise_vnu(errors: list[dict], max_examples: int = 3) -> str:
    """The Nu HTML Checker's errors grouped by message: each message once, with
    how often it occurred, the documents it occurred in and a few locations.
    Easier to act on than `format_vnu` when a template repeats one mistake."""
    groups: dict[str, list[dict]] = {}
    for e in errors:
        groups.setdefault(e.get("message", ""), []).append(e)
    lines = []
    for message, found in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        documents = ", ".join(dict.fromkeys(e["document"] for e in found))
        lines.append(f"{len(found)} x {message} [{documents}]")
        for e in found[:max_examples]:
            extract = (e.get("extract") or "").replace("\n", "⏎").strip()
            lines.append(f"    {e['document']}:{e.get('lastLine', '?')}: {extract[:150]}")
    return "\n".join(lines)


def fail_on_problems(
    axe: Mapping[str, list[dict]], documents: Mapping[str, str], earlier: Iterable[str] = ()
) -> None:
    """End a journey: fail with every problem found on its pages at once —
    `earlier` ones noted on the way, axe's per page (live DOM) and the Nu HTML
    Checker's over the server's HTML of each page."""
    problems = list(dict.fromkeys(earlier))
    problems += [
        f"axe on {label} ({len(found)} rule(s)):\n{format_axe(found)}"
        for label, found in axe.items()
        if found
    ]
    vnu_errors = vnu_check(documents)
    if vnu_errors:
        problems.append(
            f"Nu HTML Checker ({len(vnu_errors)} error(s)):\n{summarise_vnu(vnu_errors)}"
        )
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


class PageChecks:
    """A journey's checks, page by page: a screenshot, axe on the live DOM,
    and the HTML the server sends for the page now (with the browser's
    cookies, not the DOM the browser repaired) for the Nu HTML Checker,
    which `finish` runs over them all at once. A page not reachable by GET
    (the answer to a form's POST) is checked in the HTML given, `html`."""

    def __init__(self, screenshot_dir: Path, prefix: str):
        self.screenshot_dir, self.prefix = screenshot_dir, prefix
        self.axe: dict[str, list[dict]] = {}
        self.raw_html: dict[str, str] = {}

    def check(self, page, label: str, html: str | None = None) -> None:
        page.screenshot(path=self.screenshot_dir / f"{self.prefix}-{label}.png", full_page=True)
        self.axe[label] = axe_check(page)
        if html is None:
            response = page.request.get(page.url)
            assert response.ok, f"{label}: GET {page.url} returned {response.status}"
            html = response.text()
        self.raw_html[label] = html

    def finish(self) -> None:
        fail_on_problems(self.axe, self.raw_html)
