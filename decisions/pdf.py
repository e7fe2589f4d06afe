"""Decision records as PDF, with WeasyPrint.

The public PDF is rendered from a `PublicRecord` only: the HTML WeasyPrint receives never holds
withheld text, so the PDF cannot either, whatever its layers, tags or metadata. It is tagged
(PDF/UA-1) for screen readers, in Arial or its metric twin Liberation Sans, and numbered
"Page N of M". Rendering takes a fraction of a second, so public PDFs are cached by a hash of
the public record: a record that has not changed is never rendered twice.

The internal PDF is the full record for staff, marked on every page as not for publication.
"""

import hashlib
import logging
import threading
import time

from django.conf import settings
from django.template.loader import render_to_string

from commissioning.speed import kept
from decisions.models import Decision
from decisions.publication import PublicRecord, PublicSection, record_fingerprint

logger = logging.getLogger(__name__)
# WeasyPrint reports each rendering step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Bump when the PDF templates change, so that cached PDFs are rendered again.
LAYOUT_VERSION = "1"
PDF_VARIANT = "pdf/ua-1"


# WeasyPrint, left to itself, makes a new font configuration for every document: it loads
# Fontconfig's configuration and font list again and starts a new Pango font map, so no font
# is ever reused and every PDF pays to load and measure its fonts from scratch. That was most
# of the gap between a first render on the site and WeasyPrint's own render of the same HTML.
# One configuration per process is kept instead. Pango's font map is not safe to share
# between threads, so renders in one process take turns (they hold the GIL for nearly all of
# their time anyway, so taking turns costs next to nothing).
_font_config = None
_render_lock = threading.Lock()


def _fonts():
    global _font_config  # one per process, made when first needed
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when first needed: it loads fonts and stylesheets

    started = time.perf_counter()
    with _render_lock:
        document = HTML(string=html, base_url=str(settings.BASE_DIR))
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, font_config=_fonts())
    logger.info("Rendered a %d-byte PDF in %.2fs", len(pdf), time.perf_counter() - started)
    return pdf


def warm_up() -> None:
    """Import WeasyPrint and load the fonts before the first visitor asks for a PDF (an app
    server calls this when a worker starts; see commissioning.gunicorn_conf). It renders the
    public template itself, so that every face and weight it uses is loaded."""
    record = PublicRecord(
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
    html_to_pdf(public_pdf_html(record))


def public_pdf_html(record: PublicRecord) -> str:
    return render_to_string(
        "pdf/public_decision.html", {"record": record, "office_name": settings.OFFICE_NAME}
    )


def public_pdf_cache_key(record: PublicRecord) -> str:
    office = hashlib.sha256(settings.OFFICE_NAME.encode("utf-8")).hexdigest()[:12]
    return f"public-pdf:{LAYOUT_VERSION}:{office}:{record_fingerprint(record)}"


def public_pdf(record: PublicRecord) -> bytes:
    """The public PDF of a record, from the cache when this exact record was rendered before."""
    key = public_pdf_cache_key(record)
    pdf = kept.get(key)  # the key is a hash of the record's content
    if pdf is None:
        pdf = html_to_pdf(public_pdf_html(record))
        kept.put(key, pdf, timeout=None)
    return pdf


def internal_pdf(decision: Decision, *, record: PublicRecord) -> bytes:
    """The whole record, withheld parts included, for staff. Never cached or published."""
    html = render_to_string(
        "pdf/internal_decision.html",
        {
            "decision": decision,
            "sections": sorted(decision.sections.all(), key=lambda s: s.position),
            "record": record,
            "office_name": settings.OFFICE_NAME,
        },
    )
    return html_to_pdf(html)


def pdf_filename(reference: str, *, suffix: str = "") -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reference)
    return f"{safe}{suffix}.pdf"
