"""Decision records as PDF, with WeasyPrint.

The public PDF is rendered from a `PublicRecord` only: the HTML WeasyPrint receives never holds
withheld text, so the PDF cannot either, whatever its layers, tags or metadata. It is tagged
(PDF/UA-1) for screen readers, in Arial or its metric twin Liberation Sans, and numbered
"Page N of M". Rendering takes a fraction of a second, so public PDFs are cached by a hash of
the public record: a record that has not changed is never rendered twice.

The internal PDF is the full record for staff, marked on every page as not for publication.

A render is bounded, so that a very large record cannot tie up the workers:

- a request waits at most PDF_QUEUE_SECONDS for its turn to render, then is answered 503;
- a record whose HTML is large (over LARGE_HTML_CHARS) is rendered in a process of its own
  (decisions.pdf_subprocess), killed after PDF_RENDER_SECONDS; smaller records, nearly all of
  them, render here in this process as before, at no extra cost;
- a render that fails or is stopped is remembered for PDF_FAILURE_SECONDS under the hash of
  what it rendered, so that asking again is answered 503 at once instead of rendering again.
  A changed record has a new hash and is tried again.
"""

import hashlib
import logging
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django_tasks import task

from commissioning.background import READERS_FIRST, enqueue_on_commit, retried
from commissioning.speed import kept
from decisions.models import Decision
from decisions.models.layout import ElementKind
from decisions.models.offices import office_name
from decisions.publication import (
    PublicRecord,
    PublicSection,
    public_record_of,
    record_fingerprint,
    record_layout,
    record_version,
)
from decisions.staff_layout import staff_layout, values_by_name

logger = logging.getLogger(__name__)
# WeasyPrint reports each rendering step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Bump when the PDF templates change, so that cached PDFs are rendered again.
LAYOUT_VERSION = "2"
PDF_VARIANT = "pdf/ua-1"
# Public PDFs are kept in the storage under this folder, named by a hash of their content.
STORED_PDF_FOLDER = "public-pdfs"


# WeasyPrint, left to itself, makes a new font configuration for every document: it loads
# Fontconfig's configuration and font list again and starts a new Pango font map, so no font
# is ever reused and every PDF pays to load and measure its fonts from scratch. That was most
# of the gap between a first render on the site and WeasyPrint's own render of the same HTML.
# One configuration per process is kept instead. Pango's font map is not safe to share
# between threads, so renders in one process take turns (they hold the GIL for nearly all of
# their time anyway, so taking turns costs next to nothing).
_font_config = None
_render_lock = threading.Lock()
# Large records render in a process of their own, one at a time per process, beside the
# small ones (which go on rendering here while a large one is made).
_large_render_lock = threading.Lock()

# HTML longer than this is rendered in a subprocess that can be killed. Measured on the
# public template (one long section, on the shared 2-core development machine): 47,000
# characters of HTML rendered in 0.8 s, 92,000 in 1.8 s, 180,000 in 3.6 s and 357,000 in
# 7.1 s, about 20 microseconds a character. A usual record is 10,000 to 30,000 characters of
# HTML. Under this threshold a render, which cannot be interrupted, takes about 2 s at most;
# over it, the cost of starting a process (about a second) is small beside the render.
LARGE_HTML_CHARS = 100_000


class PdfUnavailable(Exception):
    """A PDF that cannot be made now: the view answers 503 with Retry-After."""


class PdfBusy(PdfUnavailable):
    """No render could start within PDF_QUEUE_SECONDS: others were rendering."""


class PdfFailed(PdfUnavailable):
    """This content failed to render, or took too long, within the last PDF_FAILURE_SECONDS."""


def _fonts():
    global _font_config  # one per process, made when first needed
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _failure_key(key: str) -> str:
    return f"pdf-failed:{key}"


def has_failed(key: str) -> bool:
    """Whether the content under this key failed to render lately (see html_to_pdf)."""
    return bool(cache.get(_failure_key(key)))


def _render_here(html: str) -> bytes:
    from weasyprint import HTML  # imported when first needed: it loads fonts and stylesheets

    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_fonts())


class RenderTimedOut(Exception):
    pass


def _render_elsewhere(html: str) -> bytes:
    """Render in a new process, killed if it has not finished in PDF_RENDER_SECONDS."""
    seconds = settings.PDF_RENDER_SECONDS
    command = [sys.executable, "-m", "decisions.pdf_subprocess", str(settings.BASE_DIR)]
    try:
        done = subprocess.run(  # noqa: S603 -- our own interpreter and module, no shell
            [*command, PDF_VARIANT],
            input=html.encode("utf-8"),
            capture_output=True,
            timeout=seconds,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the process
        raise RenderTimedOut(f"the render took over {seconds}s and was stopped") from None
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RuntimeError(f"the render process exited with {done.returncode}: {error}")
    return done.stdout


def html_to_pdf(html: str) -> bytes:
    """The PDF of this HTML: here, or in a subprocess stopped at PDF_RENDER_SECONDS if the HTML
    is large. Raises PdfBusy if no render could start within PDF_QUEUE_SECONDS."""
    large = len(html) > LARGE_HTML_CHARS
    lock = _large_render_lock if large else _render_lock
    started = time.perf_counter()
    if not lock.acquire(timeout=settings.PDF_QUEUE_SECONDS):
        logger.warning("No PDF render could start in %ss: answered 503", settings.PDF_QUEUE_SECONDS)
        raise PdfBusy()
    try:
        pdf = _render_elsewhere(html) if large else _render_here(html)
    finally:
        lock.release()
    logger.info("Rendered a %d-byte PDF in %.2fs", len(pdf), time.perf_counter() - started)
    return pdf


def _render_once(key: str, html: str) -> bytes:
    """html_to_pdf, but a render that fails (or is stopped) is remembered under `key`, which
    names the content: asked again for PDF_FAILURE_SECONDS, it raises PdfFailed at once."""
    if has_failed(key):
        raise PdfFailed(key)
    started = time.perf_counter()
    try:
        return html_to_pdf(html)
    except PdfBusy:
        raise  # not a failure of this content: tried again when asked again
    except Exception as error:
        cache.set(_failure_key(key), True, settings.PDF_FAILURE_SECONDS)
        logger.error(  # once: until it is forgotten, asking again does not come here
            "A PDF of %d characters of HTML failed after %.1fs; it is answered 503 for %ss: %s",
            len(html),
            time.perf_counter() - started,
            settings.PDF_FAILURE_SECONDS,
            error,
        )
        raise PdfFailed(key) from error


def warm_up() -> None:
    """Import WeasyPrint and load the fonts before the first visitor asks for a PDF (an app
    server calls this when a worker starts; see commissioning.gunicorn_conf). It renders the
    public template itself, so that every face and weight it uses is loaded."""
    html_to_pdf(public_pdf_html(sample_record()))


def sample_record() -> PublicRecord:
    """A short record using every face and weight of the public template."""
    return PublicRecord(
        reference="WARM-UP",
        title="Warm-up",
        url="/",
        pdf_url="/",
        form="Decision record",
        confidentiality="Non-confidential",
        confidentiality_code="non",
        is_wholly_confidential=False,
        public_subject="",
        category="Category",
        decision_maker="Police and Crime Commissioner",
        lead_officers="Officer",
        is_force_business=False,
        chief_officer_approved_on=None,
        received_on=None,
        decided_on=None,
        signed_on=None,
        published_on=None,
        late_publication_reason="",
        summary_label="Summary",
        decided_label="Date of decision",
        signed_label="Signed",
        published_label="Published",
        summary="Text of the summary, with numbers 0123456789 and punctuation: (£%).",
        sections=[
            PublicSection(
                number=1, heading="Background", part="Part 1", text="Text.", is_withheld=False
            )
        ],
    )


def public_pdf_html(record: PublicRecord) -> str:
    return render_to_string(
        "pdf/public_decision.html",
        {
            "record": record,
            "office_name": record.office_name or settings.OFFICE_NAME,
            "site_url": settings.SITE_URL,
        },
    )


def public_pdf_cache_key(record: PublicRecord) -> str:
    # The office's name and the site's address are printed in the PDF, but not in the record.
    office = hashlib.sha256(f"{settings.OFFICE_NAME}\n{settings.SITE_URL}".encode()).hexdigest()[
        :12
    ]
    return f"public-pdf:{LAYOUT_VERSION}:{office}:{record_fingerprint(record)}"


def stored_pdf_name(key: str) -> str:
    """Where the public PDF of the content `key` names is kept in the storage (the same
    storage as appendices; never served from there directly: the public PDF view reads it)."""
    return f"{STORED_PDF_FOLDER}/{hashlib.sha256(key.encode('utf-8')).hexdigest()}.pdf"


def stored_pdf(key: str) -> bytes | None:
    """The stored public PDF of the content `key` names; None if there is none."""
    return _stored_pdf(key)


def _stored_pdf(key: str) -> bytes | None:
    try:
        with default_storage.open(stored_pdf_name(key), "rb") as stored:
            return stored.read()
    except (FileNotFoundError, OSError):
        return None


def _store_pdf(key: str, pdf: bytes) -> None:
    name = stored_pdf_name(key)
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(pdf))
    except OSError:
        logger.exception("Could not keep the public PDF %s in the storage", name)


def public_pdf(record: PublicRecord) -> bytes:
    """The public PDF of a record: from this process's cache, else from the storage (where the
    background job rendering it on publication put it), else rendered now and stored. The key
    is a hash of the record's content, so a changed record is never given an older PDF.
    Raises PdfUnavailable when it cannot be made now."""
    key = public_pdf_cache_key(record)
    pdf = kept.get(key)
    if pdf is None:
        pdf = _stored_pdf(key)
        if pdf is None:
            if has_failed(key):
                raise PdfFailed(key)
            pdf = _render_once(key, public_pdf_html(record))
            _store_pdf(key, pdf)
        kept.put(key, pdf, timeout=None)
    return pdf


def version_pointer(version_etag: str) -> str:
    """The cache key under which the content key of a record version's PDF is kept, so that a
    request for the PDF finds it without building the record (decisions.public_views.pdf)."""
    return f"public-pdf-version:{version_etag}"


# How long a version's pointer is kept unused (the public pages' PAGE_CACHE_SECONDS).
POINTER_SECONDS = 60 * 60


@task(priority=READERS_FIRST)
def render_public_pdf(reference: str, attempt: int = 1) -> None:
    """Render and store the public PDF of a published decision, so that its first reader gets
    it from the storage, and point the record's version at it, so that the reader's request
    does not build the record either. Queued when a decision is published or its public
    record changes."""
    with retried(render_public_pdf, attempt, reference=reference):
        # The version is read before the record, so that a change made in between points an
        # older version at newer content, never the current one at older content.
        version = record_version(reference)
        record = public_record_of(reference)
        if version is None or record is None:  # taken off before the job ran: nothing to do
            return
        public_pdf(record)
        kept.put(version_pointer(version.etag), public_pdf_cache_key(record), POINTER_SECONDS)


def render_public_pdf_later(reference: str) -> None:
    enqueue_on_commit(render_public_pdf, reference=reference)


def internal_pdf(decision: Decision, *, record: PublicRecord) -> bytes:
    """The whole record, withheld parts included, for staff, laid out as its form (the
    layout it was published with, or its form's). Never cached or published."""
    layout = record_layout(decision)
    sections = sorted(decision.sections.all(), key=lambda s: s.position)
    values = values_by_name(decision)
    staff = staff_layout(layout, decision, values, sections)
    html = render_to_string(
        "pdf/internal_decision.html",
        {
            "decision": decision,
            "record": record,
            "office_name": office_name(layout),
            "record_layout": staff,
            # What the PDF prints of the record beyond its form (not the contracts it
            # concerns: the staff page links them).
            "beyond": [e for e in staff["beyond"] if e.kind != ElementKind.CONTRACTS],
        },
    )
    return _render_once("internal:" + hashlib.sha256(html.encode("utf-8")).hexdigest(), html)


def pdf_filename(reference: str, *, suffix: str = "") -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reference)
    return f"{safe}{suffix}.pdf"
