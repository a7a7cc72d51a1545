"""Agenda item narratives against the well-known XSS filter-evasion vectors.

Each vector is typed into an item's narrative (and post-meeting note) by the
secretary through the item editor, then read back where it is shown: the
minutes page, the editor's own preview, the htmx preview endpoint and the
minutes PDF. The rendered HTML is parsed (html.parser) and whatever sits
inside a narrative must be inert: no scripting or embedding element, no
event-handler attribute, no link or source whose scheme is other than
http, https or mailto (or relative), and no style attribute at all (the
Content-Security-Policy refuses them; a Markdown table's column alignment
comes out as a class).

Raw HTML in a narrative is escaped by markdown-it (`html: False`) before
nh3 cleans the result, so most vectors come out as visible text: what the
secretary typed, shown as typed, never as markup. That is the intended
outcome, and why the PDF check below allows "<script" in the PDF's text
exactly where the page shows it as text and nowhere else."""

import re
import shutil
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from meetings.models import MinutesDocument
from minutes.rendering import render_minutes_pdf
from minutes.services import item_update, minutes_pdf_request
from tests.base import login, make_item, make_meeting
from tests.conftest import need

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SVG_ONLOAD = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"  # base64 of <svg onload=alert(1)>

# (id, what the secretary types). Classic lists (OWASP's filter evasion
# cheat sheet, the html5sec.org vectors) and Markdown's own ways of making
# a link: inline, reference-style, autolink, image.
VECTORS = [
    # <script> in its variants
    ("script", "<script>alert(1)</script>"),
    ("script-src", "<SCRIPT SRC=//xss.example/x.js></SCRIPT>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-slash-attr", '<script/xss src="//xss.example/x.js"></script>'),
    ("script-double-open", "<<script>alert(1);//<</script>"),
    ("script-nested", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-url-encoded", "%3Cscript%3Ealert(1)%3C/script%3E"),
    ("script-entities", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("script-null-byte", "<scr\x00ipt>alert(1)</scr\x00ipt>"),
    ("break-out-double-quote", '"><script>alert(1)</script>'),
    ("break-out-single-quote", "'><img src=x onerror=alert(1)>"),
    ("comment", "<!-- <script>alert(1)</script> -->"),
    ("conditional-comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("code-span", "`<script>alert(1)</script>`"),
    ("fenced-code", "```html\n<script>alert(1)</script>\n```"),
    # event handlers
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-quotes", '<img """><script>alert(1)</script>">'),
    ("img-js-src", "<IMG SRC=\"javascript:alert('XSS');\">"),
    (
        "img-decimal-entities",
        "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    ),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)>"),
    ("body-onload", "<body onload=alert(1)>"),
    ("details-ontoggle", "<details open ontoggle=alert(1)>"),
    ("input-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("custom-element", "<xss onpointerover=alert(1)>hover</xss>"),
    ("a-onclick", '<a href="https://example.org/" onclick="alert(1)">x</a>'),
    # links in Markdown
    ("md-link", "[click](javascript:alert(1))"),
    ("md-link-case", "[click](JaVaScRiPt:alert(1))"),
    ("md-link-tab-entity", "[click](jav&#x09;ascript:alert(1))"),
    ("md-link-newline-entity", "[click](jav&#x0A;ascript:alert(1))"),
    ("md-link-leading-control", "[click](&#14;javascript:alert(1))"),
    ("md-link-entity-j", "[click](&#106;avascript:alert(1))"),
    ("md-link-colon-entity", "[click](javascript&colon;alert(1))"),
    ("md-link-angle-space", "[click](<java script:alert(1)>)"),
    ("md-link-percent", "[click](%6Aavascript:alert(1))"),
    ("md-link-null", "[click](java\x00script:alert(1))"),
    ("md-link-vbscript", "[click](vbscript:msgbox(1))"),
    ("md-link-data", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-link-title-quote", '[x](https://example.org/ "a\\" onmouseover=\\"alert(1)")'),
    ("md-link-url-quote", '[x](https://example.org/"onmouseover="alert(1))'),
    ("md-reference", "[click][evil]\n\n[evil]: javascript:alert(1)"),
    ("md-reference-entity", '[click][evil]\n\n[evil]: <jav&#x09;ascript:alert(1)> "t"'),
    ("md-autolink", "<javascript:alert(1)>"),
    ("md-autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    ("md-image-js", "![x](javascript:alert(1))"),
    ("md-image-svg", f"![x](data:image/svg+xml;base64,{SVG_ONLOAD})"),
    ("md-footnote", "Text[^1]\n\n[^1]: [x](javascript:alert(1)) <img src=x onerror=alert(1)>"),
    ("md-numbered", "1. <script>alert(1)</script>\n2. [x](javascript:alert(1))"),
    ("md-table", "| a |\n|:-:|\n| <script>alert(1)</script> [x](javascript:alert(1)) |"),
    # raw links and URL attributes
    ("a-href-js", '<a href="javascript:alert(1)">x</a>'),
    ("a-href-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    ("form-action", '<form action="javascript:alert(1)"><button>Go</button></form>'),
    # embedding, styling, document-level elements
    ("iframe", '<iframe src="javascript:alert(1)"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object", '<object data="javascript:alert(1)"></object>'),
    ("embed", f'<embed src="data:image/svg+xml;base64,{SVG_ONLOAD}">'),
    ("style-element", "<style>@import 'javascript:alert(1)';</style>"),
    ("style-expression", '<div style="width: expression(alert(1))">x</div>'),
    ("style-url", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("link", '<link rel="stylesheet" href="javascript:alert(1)">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("base-href", '<base href="javascript:alert(1)//">'),
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("math-mglyph", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
]
VECTOR_PARAMS = [pytest.param(text, id=name) for name, text in VECTORS]

FORBIDDEN = {
    "script", "iframe", "object", "embed", "style", "link", "meta", "base", "form", "svg",
    "math", "img", "input", "button", "textarea", "select", "frame", "frameset", "applet",
    "noscript", "template", "details", "body", "html", "head", "title", "xss",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "background", "poster", "srcset", "lowsrc",
    "dynsrc", "codebase", "cite", "longdesc", "ping", "xlink:href", "manifest",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.I)


def scheme(url: str) -> str | None:
    """The scheme a browser would read in an attribute value (already
    entity-decoded by html.parser): whitespace and control characters are
    dropped wherever they are, so "jav\tascript:" counts as javascript.
    None for a relative URL or a fragment."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


class Survivors(HTMLParser):
    """Whatever a vector left alive inside the elements of the given
    classes (None: the whole fragment), and the text shown there."""

    def __init__(self, containers: set[str] | None):
        super().__init__(convert_charrefs=True)
        self.containers = containers
        self.depth = 0  # inside a container while > 0 (counted on its tag name)
        self.container_tag = ""
        self.containers_seen = 0
        self.found: list[str] = []
        self.text: list[str] = []

    @property
    def inside(self) -> bool:
        return self.containers is None or self.depth > 0

    def handle_starttag(self, tag, attrs):
        if not self.inside:
            classes = set((dict(attrs).get("class") or "").split())
            if classes & self.containers:
                self.depth, self.container_tag = 1, tag
                self.containers_seen += 1
            return
        if tag == self.container_tag:
            self.depth += 1
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        if self.inside:
            self.check(tag, attrs)

    def handle_endtag(self, tag):
        if self.depth and tag == self.container_tag:
            self.depth -= 1

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)

    def check(self, tag, attrs):
        if tag in FORBIDDEN:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name == "srcdoc":
                self.found.append(f"srcdoc on <{tag}>")
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}>')
            if name in URL_ATTRIBUTES and scheme(value) not in SAFE_SCHEMES | {None}:
                self.found.append(f'{name}="{value}" on <{tag}>')


def survivors(html: str, containers: set[str] | None = None) -> Survivors:
    parser = Survivors(containers)
    parser.feed(html)
    parser.close()
    return parser


NARRATIVES = {"narrative", "post-meeting-note"}


def test_the_checker_sees_what_it_looks_for():
    """The assertions below are only as good as this parser: fed markup
    that did survive, it names every kind of problem."""
    found = survivors(
        '<div class="narrative"><p>ok <a href="https://example.org/">ok</a> <a href="#fn1">ok</a>'
        '<a href="/incidents/INC000000478818/">ok</a> <a href="mailto:x@example.org">ok</a>'
        '<script>x</script><svg onload=x><a href="jav&#x09;ascript:x">1</a>'
        '<a href=" JAVASCRIPT:x">2</a><a href="data:text/html,x">3</a><p style="color:red">'
        '<iframe srcdoc="x"></iframe><td style="text-align:right">2</td></div>'
        "<p><script>outside the narrative: not ours to judge</script></p>",
        NARRATIVES,
    ).found
    assert found == [
        "<script> element",
        "<svg> element",
        "onload attribute on <svg>",
        'href="jav\tascript:x" on <a>',
        'href=" JAVASCRIPT:x" on <a>',
        'href="data:text/html,x" on <a>',
        'style="color:red" on <p>',
        "<iframe> element",
        "srcdoc on <iframe>",
        'style="text-align:right" on <td>',
    ]


@pytest.fixture
def meeting(world):
    return make_meeting(world)


def item_url(meeting, item):
    return f"/committees/OPSG/meetings/{meeting.number}/items/{item.pk}/"


MINUTES = "/committees/OPSG/meetings/25/"
PREVIEW = MINUTES + "preview/"


@pytest.mark.parametrize("vector", VECTOR_PARAMS)
def test_vector_typed_into_an_item_is_inert_on_the_minutes_page(client, world, meeting, vector):
    item = make_item(meeting, "4", "Major Incidents")
    login(client, "secretary")
    data = {
        "op": "save",
        "title": "Major Incidents",
        "narrative": f"Before.\n\n{vector}\n\nAfter.",
        "post_meeting_note": vector,
        "version": item.version,
    }
    response = client.post(item_url(meeting, item), data, **HTMX)
    if "\x00" in vector:
        # A null character is refused before any view sees it
        # (opsg.middleware.refuse_nul; PostgreSQL could not store one).
        assert response.status_code == 400
        item.refresh_from_db()
        assert item.narrative == ""
    else:
        assert response.status_code == 200, response.content.decode()[:2000]
        item.refresh_from_db()
        assert vector.strip() in item.narrative
        # The editor's own preview of the saved text.
        editor = survivors(response.content.decode(), NARRATIVES)
        assert editor.containers_seen == 1
        assert editor.found == [], editor.found

    page = survivors(client.get(MINUTES).content.decode(), NARRATIVES)
    assert page.containers_seen >= 1
    assert page.found == [], page.found


@pytest.mark.parametrize("vector", VECTOR_PARAMS)
def test_vector_is_inert_in_the_live_preview(client, world, meeting, vector):
    response = login(client, "secretary").post(PREVIEW, {"text": vector}, **HTMX)
    if "\x00" in vector:
        assert response.status_code == 400  # opsg.middleware.refuse_nul
        return
    assert response.status_code == 200
    preview = survivors(response.content.decode())
    assert preview.found == [], preview.found


REFERENCE_VECTORS = [
    '[x](https://example.org/ "a>b</a>INC000000478818<img src=x onerror=alert(1)>")',
    '[x](https://example.org/ "</a>SECMP0067<svg onload=alert(1)>")',
    "[INC000000478818](javascript:alert(1)) [SECMP0067](jav&#x09;ascript:alert(1))",
    "<a href='javascript:alert(1)'>INC000000478818</a> `INC000000478818<script>`",
    '[x](https://example.org/INC000000478818"onmouseover="alert(1)) SECMP0067"><script>',
]


@pytest.mark.parametrize("vector", REFERENCE_VECTORS)
def test_references_linked_after_sanitising_open_no_way_in(client, world, meeting, vector):
    """Known incident numbers and modification references become links
    after nh3 has run (meetings.markdown.link_references), so they must not
    be a way to put markup back: not inside a link's title or address, not
    beside escaped markup."""
    from incidents.models import Incident
    from meetings.models import Modification

    Incident.objects.create(reference="INC000000478818")
    Modification.objects.create(
        reference="SECMP0067", title="Traffic", url="https://example.org/secmp0067/"
    )
    item = make_item(meeting, "4", "Major Incidents")
    item_update(item=item, expected_version=item.version, narrative=vector)
    body = login(client, "secretary").get(MINUTES).content.decode()
    page = survivors(body, NARRATIVES)
    assert page.found == [], page.found


def page_html(body: str) -> str:
    """The minutes' article, without the page around it."""
    return body[body.index('<article class="minutes"') : body.index("</article>")]


def test_narrative_features_survive_the_sanitiser(client, world, meeting):
    """Links, footnotes, numbered points and tables, as the minutes use
    them, come through whatever the vectors above made the sanitiser drop."""
    item = make_item(meeting, "4", "Major Incidents")
    item_update(
        item=item,
        expected_version=item.version,
        narrative=(
            "See [the report](https://example.org/report) or write to "
            "<secas@example.org>.[^1]\n\n1. First point.\n2. Second point.\n\n"
            "| Provider | Count |\n|:--|--:|\n| DSP | 2 |\n\n[^1]: As noted in June."
        ),
    )
    body = login(client, "secretary").get(MINUTES).content.decode()
    page = survivors(body, NARRATIVES)
    assert page.found == []
    assert '<a href="https://example.org/report" rel="noopener noreferrer">the report</a>' in body
    assert 'href="mailto:secas@example.org"' in body
    assert '<section class="footnotes">' in body and "As noted in June." in body
    assert "<li>First point.</li>" in body
    # Column alignment as a class: the CSP would refuse a style attribute.
    assert '<td class="align-right">2</td>' in body and 'style="' not in page_html(body)


# --- the PDF ------------------------------------------------------------------------


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects as text: WeasyPrint packs dictionaries (link
    annotations and their actions among them) into compressed object
    streams, so a plain search of the file's bytes would find nothing
    either way. Page contents and fonts are left out: they hold no
    actions, and a font's bytes could spell anything."""
    streams = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
    objects = [streams.sub(b"stream endstream", data)]
    for match in streams.finditer(data):
        header = data[max(0, match.start() - 200) : match.start()]
        if b"/ObjStm" in header.rsplit(b"obj", 1)[-1]:
            objects.append(zlib.decompress(match.group(1)))
    return b"\n".join(objects)


def pdf_uris(objects: bytes) -> list[str]:
    literal = re.compile(rb"/URI\s*\(((?:\\.|[^\\)])*)\)", re.S)
    unescape = re.compile(rb"\\(.)", re.S)
    return [unescape.sub(rb"\1", m.group(1)).decode("latin-1") for m in literal.finditer(objects)]


def test_pdf_of_minutes_with_every_vector_is_inert(client, world, meeting, settings, tmp_path):
    need(
        shutil.which("pdftotext") is not None,
        "pdftotext not installed (apt-get install poppler-utils)",
    )
    typed = [(name, text) for name, text in VECTORS if "\x00" not in text]
    for number, (name, text) in enumerate(typed, start=1):
        item = make_item(meeting, str(number), name)
        item_update(item=item, expected_version=item.version, narrative=text)
    control = make_item(meeting, str(len(typed) + 1), "Control")
    item_update(
        item=control,
        expected_version=control.version,
        narrative="[The report](https://example.org/report)",
    )

    document = minutes_pdf_request(meeting=meeting, by=world.chair.user, enqueue=False)
    if document.state != MinutesDocument.State.DONE:
        document = render_minutes_pdf(document.pk)
    assert document.state == MinutesDocument.State.DONE, document.error
    path = Path(document.file.path)
    data = path.read_bytes()

    objects = pdf_objects(data)
    uris = pdf_uris(objects)
    assert "https://example.org/report" in uris  # the search finds links at all
    for marker in (rb"/JavaScript", rb"/JS\b", rb"/Launch", rb"/SubmitForm", rb"/ImportData"):
        assert not re.search(marker, objects), marker
    # No link action runs a script. Relative links come out as file: URIs
    # under the static folder (the base the PDF is laid out against), whose
    # path may spell "javascript:" harmlessly ("&#14;javascript:alert(1)" is
    # a relative link); every other link has a safe scheme.
    assert {scheme(uri) for uri in uris} <= SAFE_SCHEMES | {"file"}, uris
    assert not [uri for uri in uris if not uri.startswith(("http", "mailto:", "file:///"))]

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = login(client, "secretary").get(MINUTES).content.decode()
    shown = "".join(survivors(page, NARRATIVES).text)
    # Markup the secretary typed is printed as the text they typed, as on
    # the page, and never more often: nothing is printed from an element.
    assert 0 < text.count("<script") <= shown.count("<script")
