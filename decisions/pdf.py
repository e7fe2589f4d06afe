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
import time

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from decisions.models import Decision
from decisions.publication import PublicRecord, record_fingerprint

logger = logging.getLogger(__name__)
# WeasyPrint reports each rendering step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Bump when the PDF templates change, so that cached PDFs are rendered again.
LAYOUT_VERSION = "1"
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when first needed: it loads fonts and stylesheets

    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)
    logger.info("Rendered a %d-byte PDF in %.2fs", len(pdf), time.perf_counter() - started)
    return pdf


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
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(public_pdf_html(record))
        cache.set(key, pdf, timeout=None)
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
