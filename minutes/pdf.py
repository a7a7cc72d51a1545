"""The minutes as a PDF: the minutes page's own template rendered with
`pdf=True` (no site navigation or buttons) and static/css/print.css, laid
out by WeasyPrint.

Everything the document needs (stylesheets, fonts) is read from the app's
static files; the URL fetcher refuses anything else, so a link or image in a
narrative can never make the worker reach the network.

A worker renders many PDFs in one process: the stylesheets (and the fonts
their @font-face rules name) are parsed once and kept while their files are
unchanged, and Python's cycle collector waits longer during a render (see
`_collector_deferred`). WeasyPrint's user-agent stylesheet is read without
its rules for what the minutes never use (`_user_agent_stylesheet`), which
gives each element a style of its own for six pseudo-elements."""

import atexit
import gc
import hashlib
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from meetings.access import print_reader
from meetings.models import Meeting, MinutesDocument
from opsg.files import write_atomically

from .selectors import issued_pdf, minutes_page

# Files whose content changes the PDF besides the minutes themselves.
STYLESHEETS = ("css/app.css", "css/print.css")


@cache
def static_dir() -> Path:
    """The folder the PDF's relative URLs (css/…, fonts/…) resolve against."""
    found = finders.find(STYLESHEETS[-1])
    if not found:
        raise RuntimeError(f"static/{STYLESHEETS[-1]} not found by the staticfiles finders.")
    return Path(found).resolve().parent.parent


@dataclass(frozen=True)
class Source:
    """The HTML a PDF is made from, and what it was made of."""

    html: str
    sha256: str
    version: int
    status: str


def minutes_source(meeting: Meeting) -> Source:
    """The minutes' HTML for print, read fresh from the database, with a digest
    of it and the stylesheets: equal digests make equal PDFs."""

    # The PDF goes to everyone who may read the minutes: nothing taken in
    # confidence is printed, only that it was so taken.
    page = minutes_page(meeting, reader=print_reader(meeting))
    meeting = page["meeting"]
    html = _lists_start_where_they_say(
        render_to_string(
            "meetings/minutes.html",
            {**page, "pdf": True, "base_template": "meetings/pdf/base.html"},
        )
    )
    digest = hashlib.sha256(html.encode())
    for name in STYLESHEETS:
        digest.update((static_dir() / name).read_bytes())
    return Source(
        html=html, sha256=digest.hexdigest(), version=meeting.version, status=meeting.status
    )


def _base_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/"


def _fetcher():
    import weasyprint

    static_url = _base_url() + settings.STATIC_URL.lstrip("/")

    class StaticOnlyFetcher(weasyprint.URLFetcher):
        """Reads data: URLs and files under static/ (as the site's own
        /static/ URLs); refuses every other address, so rendering never
        leaves the machine."""

        def fetch(self, url, headers=None):
            if url.startswith(static_url):  # the site's /static/…: read from disk
                relative = urlsplit(url[len(static_url) :]).path
                url = (static_dir() / url2pathname(relative)).as_uri()
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_relative_to(static_dir()):
                    return super().fetch(url, headers)
            raise ValueError(f"Not fetched: the PDF uses only the app's static files ({url}).")

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, timeout=5)


_OL_START = re.compile(r'<ol(?P<attributes>[^>]*?) start="(?P<start>\d+)"')


def _lists_start_where_they_say(html: str) -> str:
    """WeasyPrint ignores <ol start>: a list that continues (decision points
    numbered 3, 4, 5 after an earlier decision's 1, 2; a narrative's list
    resumed after a paragraph) is given the counter it starts from."""
    return _OL_START.sub(
        lambda m: (
            f'<ol{m["attributes"]} start="{m["start"]}" '
            f'style="counter-reset: list-item {int(m["start"]) - 1}"'
        ),
        html,
    )


@dataclass(frozen=True)
class Rendered:
    sha256: str
    pages: int
    size: int


_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>")


def render_pdf(html: str, target: Path) -> Rendered:
    """Lay out `html` and write the PDF to `target` atomically: it is written
    to a temporary file beside it and moved into place only when complete, so
    a failure (or a killed worker) never leaves a partial file at `target`.

    The page's links to STYLESHEETS are laid out with the parsed sheets kept
    by `_parsed_stylesheets` (the same rules, fonts and @page boxes; no
    other sheet applies, as none is linked). HTML linking other sheets than
    those is read as it stands."""

    # Links in the minutes (/incidents/…, /actions/…) resolve against the
    # site's address, so they work from the PDF and name no path on disk.
    fetcher = _fetcher()
    unlinked, links = _STYLESHEET_LINK.subn("", html)
    html_class = _html_class()
    # The parsed HTML (its tree of selectors' wrappers) is not kept past the
    # layout: what the pages need of it, their boxes hold.
    with _collector_deferred():
        if links == len(STYLESHEETS):
            font_config, sheets = _parsed_stylesheets(_stylesheets_state())
            document = html_class(
                string=unlinked, base_url=_base_url(), url_fetcher=fetcher
            ).render(stylesheets=sheets, font_config=font_config)
        else:
            document = html_class(string=html, base_url=_base_url(), url_fetcher=fetcher).render()
        pages = _released_once_drawn(document)
        data = write_atomically(target, document.write_pdf)
    return Rendered(sha256=hashlib.sha256(data).hexdigest(), pages=pages, size=len(data))


def _released_once_drawn(document) -> int:
    """Each page's boxes (its layout, and the shaped text of its lines) are
    let go as soon as the page is drawn into the PDF, rather than held with
    every other page's until the whole file is written: writing a 100-page
    meeting added its pages' drawing to all of their layouts, about 15 MB
    over the layout's own peak. Returns the number of pages.

    A page's links, anchors and bookmarks are read when it is made, so
    nothing the PDF is written with needs its boxes after it is drawn. With
    another WeasyPrint, whose pages keep their boxes elsewhere, the pages
    are drawn as they stand."""
    for page in document.pages:
        if "_page_box" in vars(page) and "paint" not in vars(page):
            page.paint = partial(_draw_then_release, page)
    return len(document.pages)


def _draw_then_release(page, stream, scale=1):
    type(page).paint(page, stream, scale)
    # render_pdf writes a document once: it is not drawn again.
    page._page_box = None


# WeasyPrint's user-agent rules for CSS footnotes and notes (`float: footnote`,
# which no stylesheet here uses): each matches every element.
_NOTE_RULES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.MULTILINE)
# Its rule for list markers, also matching every element; only <li> (and
# <summary>, which the minutes do not print) are list items.
_MARKER_RULE = "\n::marker {"
_LIST_MARKER_RULE = "\nli::marker, summary::marker {"


@cache
def _user_agent_stylesheet():
    """WeasyPrint's user-agent stylesheet without its rules for footnotes and
    notes, and with its ::marker rule for list items only; None when its text
    is not as expected (another WeasyPrint), and the stock one is used.

    A pseudo-element rule that matches every element gives each element a
    style of its own for it, kept until the render ends: six such rules gave
    a 256-item meeting about 34,000 styles (with app.css's ::placeholder,
    a quarter of the memory its render took), and laid out nothing, as nothing here is a footnote or a
    note. The PDF is the same, byte for byte."""
    from weasyprint import CSS
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA

    trimmed, notes = _NOTE_RULES.subn("", UA)
    if notes != 5 or UA.count(_MARKER_RULE) != 1:
        return None
    # The counter styles it defines are WeasyPrint's own, which each render
    # copies anyway: read into a scratch CounterStyle, not into those.
    return CSS(
        string=trimmed.replace(_MARKER_RULE, _LIST_MARKER_RULE), counter_style=CounterStyle()
    )


@cache
def _html_class():
    """weasyprint.HTML reading `_user_agent_stylesheet` in place of the stock
    user-agent stylesheet (the forms' one, when asked for, is kept)."""
    import weasyprint

    class MinutesHTML(weasyprint.HTML):
        def _ua_stylesheets(self, forms=False):
            stock = super()._ua_stylesheets(forms)
            sheet = _user_agent_stylesheet()
            return stock if sheet is None else [sheet, *stock[1:]]

    return MinutesHTML


def _stylesheets_state() -> tuple[tuple[str, int, int], ...]:
    """Each stylesheet's path, modification time and size: a change to a
    file (a deployment, an edit while developing) is read again."""
    state = []
    for name in STYLESHEETS:
        path = static_dir() / name
        stat = path.stat()
        state.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(state)


@lru_cache(maxsize=1)
def _parsed_stylesheets(state: tuple[tuple[str, int, int], ...]):
    """The font configuration (holding the @font-face fonts) and the parsed
    STYLESHEETS, for the files as `state` found them: parsing them took
    about a tenth of rendering OPSG 25's minutes."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    fetcher = _fetcher()
    sheets = [
        weasyprint.CSS(filename=path, url_fetcher=fetcher, font_config=font_config)
        for path, _, _ in state
    ]
    return font_config, sheets


# The font configuration's folder of fonts is removed when it is dropped:
# at exit, while the modules it needs are still there.
atexit.register(_parsed_stylesheets.cache_clear)

# The youngest generation's threshold during a render (Python's default: 700).
RENDER_GC_THRESHOLD = 50_000
_deferring = threading.Lock()
_renders = 0
_threshold = gc.get_threshold()


@contextmanager
def _collector_deferred():
    """WeasyPrint makes hundreds of thousands of objects that live until the
    render ends; at Python's default thresholds the cycle collector scans
    them over and over (about a sixth of a render's time). During a render
    the youngest generation is collected every RENDER_GC_THRESHOLD
    allocations instead; the thresholds come back when the last render
    running in the process ends."""
    global _renders, _threshold
    with _deferring:
        if _renders == 0:
            _threshold = gc.get_threshold()
            gc.set_threshold(RENDER_GC_THRESHOLD, *_threshold[1:])
        _renders += 1
    try:
        yield
    finally:
        with _deferring:
            _renders -= 1
            if _renders == 0:
                gc.set_threshold(*_threshold)


def minutes_pdf_current(meeting: Meeting, source=None) -> MinutesDocument | None:
    """The stored PDF that shows the minutes as they are now, or None. For
    published minutes that is the PDF issued for their version, whatever has
    changed in the templates since; otherwise one rendered from exactly the
    HTML and stylesheets the minutes would print with now (`source`, from
    minutes_source, when the caller has it already)."""
    done = MinutesDocument.objects.filter(
        meeting=meeting, state=MinutesDocument.State.DONE
    ).select_related("meeting__committee")
    if meeting.status == Meeting.Status.PUBLISHED:
        issued = issued_pdf(meeting)
        if issued is not None:
            return issued
    if source is None:
        source = minutes_source(meeting)
    return (
        done.filter(
            minutes_version=source.version,
            minutes_status=source.status,
            source_sha256=source.sha256,
        )
        .order_by("-rendered_at")
        .first()
    )


@dataclass
class PdfStatus:
    """What the PDF page shows: the up-to-date PDF, or how the last request went."""

    current: MinutesDocument | None
    latest: MinutesDocument | None

    @property
    def in_progress(self) -> bool:
        return (
            self.latest is not None
            and self.latest.state
            in (MinutesDocument.State.PENDING, MinutesDocument.State.RENDERING)
            and not self.latest.is_stuck
        )

    @property
    def failed(self) -> bool:
        return (
            self.current is None
            and self.latest is not None
            and (self.latest.state == MinutesDocument.State.FAILED or self.latest.is_stuck)
        )


def minutes_pdf_status(meeting: Meeting) -> PdfStatus:
    """While a render is under way only the latest request is read (the page
    polls every second); otherwise whether a stored PDF is up to date."""
    latest = (
        MinutesDocument.objects.filter(meeting=meeting)
        .select_related("meeting__committee", "requested_by")
        .order_by("-requested_at", "-id")
        .first()
    )
    status = PdfStatus(current=None, latest=latest)
    if status.in_progress:
        return status
    status.current = minutes_pdf_current(meeting)
    return status
