"""The public register of decisions: no sign-in, and addresses that stay the same.

Every page is built from `decisions.publication`: a template here is given public records,
never a `Decision`. Pages send an ETag and Last-Modified and answer conditional requests with
304 Not Modified. A signed-in visitor's pages differ (the navigation), so only pages for
visitors who are not signed in are validated that way.

Pages for visitors who are not signed in are also kept in the cache, under their version (see
`record_version` and `register_version`): the version changes whenever anything the page is
built from changes, so publishing, republishing, releasing a withheld part or withdrawing a
record is seen at once, with nothing to clear. Nothing confidential can be cached: the pages
are built from public records only, and a signed-in visitor's pages are never cached.
"""

import functools
import hashlib
import mimetypes
import posixpath

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.views.decorators.http import condition, require_safe

from commissioning import stored_exports
from commissioning.addresses import site_address
from commissioning.licence import licence_metadata, licensed
from commissioning.middleware import service_unavailable
from commissioning.pagination import public_list_paginator
from commissioning.speed import kept
from decisions.export import published_decisions_json
from decisions.models import Appendix
from decisions.pdf import (
    PdfUnavailable,
    has_failed,
    pdf_filename,
    public_pdf,
    public_pdf_cache_key,
    stored_pdf,
    version_pointer,
)
from decisions.public_filters import PublicDecisionFilter
from decisions.publication import (
    PublicRecord,
    RecordVersion,
    appendix_url,
    listed_record,
    listed_rows,
    no_longer_published,
    public_decisions,
    public_record_of,
    record_version,
    register_version,
)

PAGE_SIZE = 20
# The register's parameters whose values are typed: their pages and counts are never kept.
TYPED = ("q", "provider")
# A search counts its matches only this far: counting every match of a common word costs as
# much as the search itself. Beyond it the page says "more than" and offers the first pages.
SEARCH_COUNT_LIMIT = 1000


def _page_layout() -> str:
    """What cached pages depend on besides their data: the templates, and the office's name
    and service details from the settings (they are drawn in every page's frame)."""
    frame = f"{settings.OFFICE_NAME}|{settings.SERVICE_NAME}|{settings.SERVICE_PHASE}"
    frame_hash = hashlib.sha256(frame.encode("utf-8")).hexdigest()[:16]
    return f"{kept.templates_fingerprint()}{frame_hash}"


# Cached pages are keyed on their version and never go stale; the timeout only bounds how
# long an unused page takes up room.
PAGE_CACHE_SECONDS = 60 * 60
# The parameters of the register's pages that are kept (a provider's name is typed, as a
# search is, so a page with one is built each time).
REGISTER_PARAMETERS = {
    "year",
    "category",
    "confidentiality",
    "decision_maker",
    *(f"decided_{end}_{part}" for end in ("from", "to") for part in ("day", "month", "year")),
    "sort",
    "page",
}


def _anonymous(request: HttpRequest) -> bool:
    return not request.user.is_authenticated


def _cacheable(request: HttpRequest) -> bool:
    """Whether this request's page is the same for every visitor who is not signed in: not
    for a signed-in visitor, nor while a message (such as "You have signed out") is waiting
    to be shown. `len` reads the messages without marking them as shown."""
    return _anonymous(request) and not len(get_messages(request))


def _cached_page(request: HttpRequest, key: str | None, build) -> HttpResponse:
    """The page from the cache when it can be, otherwise built (and kept, when it can be)."""
    if key is None or not _cacheable(request):
        return build()
    # Every key here names a version of the page (commissioning.speed.kept).
    content = kept.get(key)
    if content is not None:
        return HttpResponse(content)
    response = build()
    if response.status_code == 200 and _cacheable(request):
        kept.put(key, response.content, PAGE_CACHE_SECONDS)
    return response


# -- the register ---------------------------------------------------------------------------


def _fresh_enough(request: HttpRequest, key: str, read):
    """`read()`, or for a reader who is not signed in an answer at most
    PUBLIC_FRESHNESS_SECONDS old (commissioning.speed.kept.RecentAnswers)."""
    seconds = settings.PUBLIC_FRESHNESS_SECONDS if _anonymous(request) else 0
    return kept.recent.get(key, seconds, read)


def _register_changed(request: HttpRequest) -> RecordVersion:
    """The register's version, worked out once per request."""
    if not hasattr(request, "_register_version"):
        request._register_version = _fresh_enough(request, "register-version", register_version)
    return request._register_version


def register_etag(request: HttpRequest) -> str | None:
    if not _anonymous(request):
        return None
    key = f"{request.get_full_path()}|{_register_changed(request).etag}|{_page_layout()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def register_last_modified(request: HttpRequest):
    return _register_changed(request).last_modified if _anonymous(request) else None


def _register_cache_key(request: HttpRequest) -> str | None:
    """The register's pages with filters only (a search is not kept: there are as many of
    them as there are things people type). Unknown or long parameters are not kept either,
    so that made-up addresses cannot fill the cache."""
    parameters = sorted(request.GET.lists())
    if any(
        name not in REGISTER_PARAMETERS or len(values) != 1 or len(values[0]) > 40
        for name, values in parameters
    ):
        return None
    key = f"{parameters}|{_register_changed(request).etag}"
    return f"public-register:{_page_layout()}:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


@require_safe
@condition(etag_func=register_etag, last_modified_func=register_last_modified)
def register(request: HttpRequest) -> HttpResponse:
    return _cached_page(request, _register_cache_key(request), lambda: _register_page(request))


def _register_page(request: HttpRequest) -> HttpResponse:
    filterset = PublicDecisionFilter(request.GET or None, version=_register_changed(request).etag)
    decisions = (
        filterset.qs
        if filterset.is_bound
        else filterset.queryset.order_by("-published_on", "-decided_on", "reference")
    )
    form = filterset.form
    query = form.cleaned_data.get("q", "") if filterset.is_bound else ""
    paginator = public_list_paginator(
        decisions,
        PAGE_SIZE,
        filterset,
        name="public-register-count",
        version=_register_changed(request).etag,
        typed=TYPED,
        search_limit=SEARCH_COUNT_LIMIT,
    )
    page = paginator.get_page(request.GET.get("page"))
    resolving = get_script_prefix(), get_urlconf()
    records = [listed_record(row, resolving) for row in listed_rows(page.object_list)]
    errors = form.errors if filterset.is_bound else {}
    return render(
        request,
        "public/register.html",
        {
            "filter": filterset,
            "form": form,
            "errors": errors,
            "page_obj": page,
            "page_numbers": list(paginator.get_elided_page_range(page.number, on_ends=1)),
            "ellipsis": paginator.ELLIPSIS,
            "records": records,
            "query": query,
            "count_is_capped": getattr(paginator, "is_capped", False),
            "is_filtered": filterset.is_bound and filterset.is_filtered,
        },
    )


# -- the open data export ---------------------------------------------------------------------


def _export(request: HttpRequest) -> bytes:
    """The export's content, built once per request: every published decision, or with the
    register's search, filters or sort the list the reader is looking at, every page of it."""
    if not hasattr(request, "_decisions_json"):
        filterset = PublicDecisionFilter(
            request.GET or None,
            queryset=public_decisions(),
            version=_register_changed(request).etag,
        )
        request._decisions_json = published_decisions_json(
            filterset.qs if filterset.is_bound else None,
            publisher=settings.OFFICE_NAME,
            licence=licence_metadata(),
            source=request.build_absolute_uri(),
        )
    return request._decisions_json


def full_export() -> bytes:
    """Every published decision, as the worker keeps it in the storage
    (commissioning.stored_exports) and /decisions.json without a query string serves it."""
    return published_decisions_json(
        publisher=settings.OFFICE_NAME,
        licence=licence_metadata(),
        source=site_address(reverse("decisions:json")),
    )


def export_version() -> str:
    """The version of the full export, as the worker reads it."""
    return register_version().etag


JSON_EXPORT = "decisions-json"  # registered by decisions.apps


def export_etag(request: HttpRequest) -> str:
    """The same for every visitor: the export does not depend on who asks. The whole export's
    names the register's version (which a renamed form or category changes too); a filtered
    one's is a hash of its content."""
    if not request.GET:
        return stored_exports.export(JSON_EXPORT).etag(_register_changed(request).etag)
    return hashlib.sha256(_export(request)).hexdigest()


def export_last_modified(request: HttpRequest):
    return _register_changed(request).last_modified


@require_safe
@condition(etag_func=export_etag, last_modified_func=export_last_modified)
def export_json(request: HttpRequest) -> HttpResponse:
    """Published decisions as JSON, in the shape the decision import reads: all of them from
    the copy the worker keeps in the storage (built here, and a rebuild queued, while there is
    no copy of the register's current version), or the list asked for built here."""
    response: HttpResponse | None = None
    if not request.GET:
        response = stored_exports.stored_response(JSON_EXPORT, _register_changed(request).etag)
        if response is None:
            stored_exports.rebuild_soon()
            response = HttpResponse(full_export(), content_type="application/json")
    else:
        response = HttpResponse(_export(request), content_type="application/json")
    response["Content-Disposition"] = 'inline; filename="decisions.json"'
    return licensed(response)


# -- one decision ---------------------------------------------------------------------------


def _record(request: HttpRequest, reference: str) -> PublicRecord:
    """The public record of a published decision, built once per request
    (`public_record_of`)."""
    cached = getattr(request, "_public_record", None)
    if cached is None or cached.reference != reference:
        cached = public_record_of(reference)
        if cached is None:
            raise Http404("No published decision has that reference.")
        request._public_record = cached
    return cached


def _version(request: HttpRequest, reference: str) -> RecordVersion:
    """The record's version (one query), worked out once per request; 404 if the reference
    is not a published decision."""
    cached = getattr(request, "_record_version", None)
    if cached is None or cached[0] != reference:
        version = _fresh_enough(
            request, f"record-version:{reference}", lambda: record_version(reference)
        )
        if version is None:
            raise Http404("No published decision has that reference.")
        cached = (reference, version)
        request._record_version = cached
    return cached[1]


def detail_etag(request: HttpRequest, reference: str) -> str | None:
    if not _anonymous(request):
        return None
    return f"{_version(request, reference).etag}-{_page_layout()}"


def detail_last_modified(request: HttpRequest, reference: str):
    return _version(request, reference).last_modified if _anonymous(request) else None


def gone_when_taken_off(view):
    """A decision's public address answers 410 Gone, with a short notice, once the decision
    has been withdrawn or superseded (see `no_longer_published`); any other reference that is
    not a published decision is still not found (404)."""

    @functools.wraps(view)
    def answer(request: HttpRequest, reference: str, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, reference, *args, **kwargs)
        except Http404:
            notice = no_longer_published(reference)
            if notice is None:
                raise
            return render(request, "public/gone.html", {"notice": notice}, status=410)

    return answer


@require_safe
@gone_when_taken_off
@condition(etag_func=detail_etag, last_modified_func=detail_last_modified)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    def build() -> HttpResponse:
        record = _record(request, reference)
        # The page is headed with the record's own office (its form's), not the install's.
        context = {"record": record, "office_name": record.office_name or settings.OFFICE_NAME}
        return render(request, "public/detail.html", context)

    if not _anonymous(request):
        return build()
    key = f"public-decision:{_page_layout()}:{_version(request, reference).etag}"
    return _cached_page(request, key, build)


def pdf_etag(request: HttpRequest, reference: str) -> str:
    return "pdf-" + _version(request, reference).etag


def pdf_last_modified(request: HttpRequest, reference: str):
    return _version(request, reference).last_modified


@require_safe
@gone_when_taken_off
@condition(etag_func=pdf_etag, last_modified_func=pdf_last_modified)
def pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The public PDF. The PDF cache is keyed on a hash of the public record's content; this
    view also remembers which content key belongs to the record's current version, so that a
    repeat request finds the PDF without building the record."""
    pointer = version_pointer(_version(request, reference).etag)
    content_key = kept.get(pointer)
    document = None
    if content_key:  # set by an earlier request, or by the worker that rendered it
        # This process's copy, else the stored file (a plain read, where the shared cache
        # would read, decompress and unpickle it), kept in this process for the next reader.
        document = kept.get_here(content_key)
        if document is None:
            document = stored_pdf(content_key)
            if document is not None:
                kept.put_here(content_key, document)
    if document is None:
        if content_key and has_failed(content_key):
            return service_unavailable()  # this version failed lately: not built again
        record = _record(request, reference)
        kept.put(pointer, public_pdf_cache_key(record), PAGE_CACHE_SECONDS)
        try:
            document = public_pdf(record)
        except PdfUnavailable:
            return service_unavailable()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(reference)}"'
    return response


def record_json_etag(request: HttpRequest, reference: str) -> str:
    return "json-" + _version(request, reference).etag


@require_safe
@gone_when_taken_off
@condition(etag_func=record_json_etag, last_modified_func=pdf_last_modified)
def record_json(request: HttpRequest, reference: str) -> HttpResponse:
    """One published decision as JSON, at an address beside its page: the same document as
    /decisions.json (which the import reads) holding this one decision."""
    document = published_decisions_json(
        [get_object_or_404(public_decisions(), reference=reference)],
        publisher=settings.OFFICE_NAME,
        licence=licence_metadata(),
        source=request.build_absolute_uri(),
    )
    response = HttpResponse(document, content_type="application/json")
    response["Content-Disposition"] = (
        f'inline; filename="{pdf_filename(reference).removesuffix(".pdf")}.json"'
    )
    return licensed(response)


@require_safe
def appendix(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """A public appendix of a published decision. The public record decides: an appendix it
    offers no download link for (withheld, or of a wholly confidential record) is not found."""
    record = _record(request, reference)
    url = appendix_url(reference, pk)
    if not any(item.download_url == url for item in record.appendices):
        raise Http404("No such public appendix.")
    stored = get_object_or_404(Appendix, pk=pk, decision__reference=reference, is_withheld=False)
    if not stored.file:
        raise Http404("No such public appendix.")
    name = posixpath.basename(stored.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # An uploaded file is served from this site's own address: anything but a PDF is a
    # download, and nothing in it may run as a page of the site.
    response = FileResponse(
        stored.file.open("rb"),
        filename=name,
        content_type=content_type,
        as_attachment=content_type != "application/pdf",
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
