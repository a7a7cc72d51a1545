"""The meeting pack as one PDF: the agenda (WeasyPrint, from
templates/meetings/pdf/agenda.html), then each paper of each item as a
section of its own, with a bookmark per section; page numbers ("Page i of
N") and the classification banner are stamped on every page of the whole
pack, papers included. A Word or Excel paper cannot be converted here (no
LibreOffice): a page says it is supplied separately, and names it.

What goes in is what every reader of the agenda may read (access.
pack_reader). Nothing is fetched while laying out: the fetcher refuses
every URL, so a title can never make the worker reach the network."""

import hashlib
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from opsg.files import write_atomically

from .access import pack_reader
from .models import (
    RENDER_ATTEMPTS,
    RENDER_STALE_AFTER,
    AgendaPack,
    Meeting,
    PaperVersion,
)

PackState = AgendaPack.State

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Built:
    sha256: str
    pages: int
    size: int


@dataclass
class Section:
    title: str
    pdf: bytes


def _weasy(html: str, stylesheet: str = "css/pack.css", css: str = "") -> bytes:
    """`html` laid out with the static `stylesheet`, read from disk, and the
    rules in `css`."""
    import weasyprint

    def refuse(url, *args, **kwargs):
        raise ValueError(f"Not fetched: the pack uses no outside resources ({url}).")

    sheets = [weasyprint.CSS(filename=finders.find(stylesheet), url_fetcher=refuse)]
    if css:
        sheets.append(weasyprint.CSS(string=css, url_fetcher=refuse))
    return weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf(stylesheets=sheets)


def pack_entries(meeting: Meeting) -> list[dict]:
    """The agenda's items as the pack shows them: each readable one with its
    papers' latest versions; the others by number only."""
    reader = pack_reader(meeting)
    entries = list(
        meeting.agenda_entries.select_related("classification", "meeting")
        .prefetch_related("papers__versions")
        .order_by("sort_key", "id")
    )
    readable = reader.readable(entries)
    shown = []
    for entry in entries:
        papers = []
        if entry.pk in readable:
            for paper in entry.papers.all():
                versions = sorted(paper.versions.all(), key=lambda v: v.number)
                papers.append((paper, versions[-1]))
        shown.append({"entry": entry, "readable": entry.pk in readable, "papers": papers})
    return shown


def build_pack(meeting: Meeting, target: Path, *, progress: Callable[[str], None]) -> Built:
    """Build the pack of `meeting`'s agenda as it is now and write it to
    `target` atomically (beside it first, moved into place when complete)."""

    progress("Laying out the agenda")
    entries = pack_entries(meeting)
    context = {"meeting": meeting, "entries": entries}
    sections = [Section("Agenda", _weasy(render_to_string("meetings/pdf/agenda.html", context)))]
    papers = [(row["entry"], paper, version) for row in entries for paper, version in row["papers"]]
    for n, (entry, paper, version) in enumerate(papers, start=1):
        progress(f"Adding paper {n} of {len(papers)}: {paper.title}"[:200])
        title = f"{entry.number} {paper.title}"
        sections.append(Section(title, _paper_pdf(meeting, entry, paper, version)))

    writer = PdfWriter()
    outline = []
    for section in sections:
        start = len(writer.pages)
        reader = PdfReader(io.BytesIO(section.pdf))
        for page in reader.pages:
            writer.add_page(page)
        outline.append((section.title, start))
    total = len(writer.pages)
    progress(f"Numbering {total} pages")
    for page in writer.pages:
        page.transfer_rotation_to_content()
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in writer.pages]
    html, css = _stamp(meeting, sizes)
    stamps = PdfReader(io.BytesIO(_weasy(html, "css/pack-stamp.css", css)))
    for page, stamp in zip(writer.pages, stamps.pages, strict=True):
        page.merge_translated_page(
            stamp, tx=float(page.mediabox.left), ty=float(page.mediabox.bottom)
        )
    for title, start in outline:
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": f"{meeting.reference} Meeting Pack"})
    writer.page_mode = "/UseOutlines"

    progress("Saving")
    data = write_atomically(target, writer.write)
    return Built(sha256=hashlib.sha256(data).hexdigest(), pages=total, size=len(data))


def _paper_pdf(meeting: Meeting, entry, paper, version: PaperVersion) -> bytes:
    """The paper's own pages, or a page saying it is supplied separately: a
    Word or Excel file, or a PDF that cannot be read (damaged, protected)."""

    reason = ""
    if version.kind == PaperVersion.Kind.PDF:
        try:
            with version.file.open("rb") as stored:
                data = stored.read()
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                reason = "it is protected by a password"
            elif not reader.pages:
                reason = "it has no pages"
            else:
                return data
        except Exception:
            logger.warning("Paper %s of %s could not be read into the pack", version.pk, meeting)
            reason = "it could not be read as a PDF"
    context = {"meeting": meeting, "entry": entry, "paper": paper, "version": version}
    context["reason"] = reason
    return _weasy(render_to_string("meetings/pdf/paper_separate.html", context))


def _stamp(meeting: Meeting, sizes: list[tuple[float, float]]) -> tuple[str, str]:
    """(HTML, CSS): one page per page of the pack, each of its size, blank
    but for the banner at the top and "Page i of N" at the foot (CSS
    counters count the stamps, one per page of the pack)."""
    names = {}
    for size in sizes:
        names.setdefault(size, f"s{len(names)}")
    html = render_to_string(
        "meetings/pdf/pack_stamp.html",
        {
            "meeting": meeting,
            "classification": meeting.classification,
            "pages": [names[size] for size in sizes],
        },
    )
    return html, stamp_css(meeting.classification.colour, names)


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def stamp_css(colour: str, names: dict[tuple[float, float], str]) -> str:
    """What static/css/pack-stamp.css cannot know: the banner's colour (the
    classification's, if it is a colour) and each named page's size."""
    rules = [
        f"@page {{ @top-center {{ background: {colour if _COLOUR.match(colour) else '#fff'}; }} }}"
    ]
    for (width, height), name in names.items():
        rules.append(f"@page {name} {{ size: {width:.3f}pt {height:.3f}pt; }}")
        rules.append(f".{name} {{ page: {name}; }}")
    return "\n".join(rules)


# --- the job: the worker's build of a requested pack ---------------------------------


def agenda_pack_build(pack_id: int, *, task_id: str | None = None) -> AgendaPack | None:
    """Build a requested meeting pack and store it. Idempotent: the pack is
    claimed with a conditional UPDATE first, so a second run, a retried task
    or a second worker finds it taken (or done) and does nothing; a claim
    older than RENDER_STALE_AFTER died with its worker and is taken again,
    as is one held under the task's own id (a redelivery). The file is
    written beside its final name and moved into place when complete; a
    failure marks the pack failed with the reason and leaves no file."""
    token = timezone.now()
    claimable = Q(state=PackState.PENDING) | Q(
        state=PackState.BUILDING, started_at__lt=token - RENDER_STALE_AFTER
    )
    if task_id:
        claimable |= Q(state=PackState.BUILDING, task_id=task_id)
    claimed = AgendaPack.objects.filter(claimable, pk=pack_id, attempts__lt=RENDER_ATTEMPTS).update(
        state=PackState.BUILDING,
        started_at=token,
        error="",
        progress="Starting",
        attempts=F("attempts") + 1,
    )
    pack = (
        AgendaPack.objects.select_related("agenda__meeting__committee").filter(pk=pack_id).first()
    )
    if pack is None or not claimed:
        return pack
    mine = AgendaPack.objects.filter(pk=pack.pk, state=PackState.BUILDING, started_at=token)
    meeting = pack.agenda.meeting
    name = (
        f"packs/{meeting.committee.code}/{meeting.reference}_{pack.pk}_{token:%Y%m%dT%H%M%S%f}.pdf"
    )
    path = Path(default_storage.path(name))

    def said(progress: str) -> None:
        mine.update(progress=progress[:200])

    try:
        built = build_pack(meeting, path, progress=said)
    except Exception:
        logger.exception("Meeting pack %s of %s failed", pack.pk, meeting)
        mine.update(
            state=PackState.FAILED,
            error="The pack could not be built: the error is logged for the administrators.",
        )
        pack.refresh_from_db()
        return pack
    won = mine.update(
        state=PackState.DONE,
        file=name,
        sha256=built.sha256,
        pages=built.pages,
        size=built.size,
        built_at=timezone.now(),
        progress="",
    )
    if not won:
        path.unlink(missing_ok=True)  # reclaimed after a stall: the newer build is kept
    pack.refresh_from_db()
    return pack
