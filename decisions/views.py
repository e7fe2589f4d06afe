"""The public register of decisions: no sign-in, and addresses that stay the same.

Every page is built from `decisions.publication`: a template here is given public records,
never a `Decision`. Pages send an ETag and Last-Modified and answer conditional requests with
304 Not Modified. A signed-in visitor's pages differ (the navigation), so only pages for
visitors who are not signed in are validated that way.
"""

import hashlib
import mimetypes
import posixpath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import condition, require_safe

from decisions.export import published_decisions_json
from decisions.models import Appendix
from decisions.pdf import pdf_filename, public_pdf
from decisions.public_filters import PublicDecisionFilter
from decisions.publication import (
    PublicRecord,
    appendix_url,
    public_decisions,
    public_record,
    record_fingerprint,
    register_last_changed,
)

PAGE_SIZE = 20


def _anonymous(request: HttpRequest) -> bool:
    return not request.user.is_authenticated


# -- the register ---------------------------------------------------------------------------


def _register_changed(request: HttpRequest):
    """When the register last changed, worked out once per request."""
    if not hasattr(request, "_register_last_changed"):
        request._register_last_changed = register_last_changed()
    return request._register_last_changed


def register_etag(request: HttpRequest) -> str | None:
    if not _anonymous(request):
        return None
    changed = _register_changed(request)
    key = f"{request.get_full_path()}|{changed.isoformat() if changed else '-'}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def register_last_modified(request: HttpRequest):
    return _register_changed(request) if _anonymous(request) else None


@require_safe
@condition(etag_func=register_etag, last_modified_func=register_last_modified)
def register(request: HttpRequest) -> HttpResponse:
    filterset = PublicDecisionFilter(request.GET or None, queryset=public_decisions())
    decisions = (
        filterset.qs
        if filterset.is_bound
        else filterset.queryset.order_by("-published_on", "-decided_on", "reference")
    )
    paginator = Paginator(decisions, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    records = [public_record(decision) for decision in page.object_list]
    form = filterset.form
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
            "query": form.cleaned_data.get("q", "") if filterset.is_bound else "",
            "is_filtered": filterset.is_bound and filterset.is_filtered,
        },
    )


# -- the open data export ---------------------------------------------------------------------


def _export(request: HttpRequest) -> bytes:
    """The export's content, built once per request."""
    if not hasattr(request, "_decisions_json"):
        request._decisions_json = published_decisions_json()
    return request._decisions_json


def export_etag(request: HttpRequest) -> str:
    """A hash of the content itself, the same for every visitor: the export does not depend
    on who asks, and a renamed form or category changes it without changing any decision."""
    return hashlib.sha256(_export(request)).hexdigest()


def export_last_modified(request: HttpRequest):
    return _register_changed(request)


@require_safe
@condition(etag_func=export_etag, last_modified_func=export_last_modified)
def export_json(request: HttpRequest) -> HttpResponse:
    """Every published decision as JSON, in the shape the decision import reads."""
    response = HttpResponse(_export(request), content_type="application/json")
    response["Content-Disposition"] = 'inline; filename="decisions.json"'
    return response


# -- one decision ---------------------------------------------------------------------------


def _record(request: HttpRequest, reference: str) -> PublicRecord:
    """The public record of a published decision, built once per request."""
    cached = getattr(request, "_public_record", None)
    if cached is None or cached.reference != reference:
        decision = get_object_or_404(public_decisions(), reference=reference)
        cached = public_record(decision)
        request._public_record = cached
    return cached


def detail_etag(request: HttpRequest, reference: str) -> str | None:
    if not _anonymous(request):
        return None
    return record_fingerprint(_record(request, reference))


def detail_last_modified(request: HttpRequest, reference: str):
    return _record(request, reference).updated_at if _anonymous(request) else None


@require_safe
@condition(etag_func=detail_etag, last_modified_func=detail_last_modified)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    record = _record(request, reference)
    return render(request, "public/detail.html", {"record": record})


def pdf_etag(request: HttpRequest, reference: str) -> str:
    return "pdf-" + record_fingerprint(_record(request, reference))


def pdf_last_modified(request: HttpRequest, reference: str):
    return _record(request, reference).updated_at


@require_safe
@condition(etag_func=pdf_etag, last_modified_func=pdf_last_modified)
def pdf(request: HttpRequest, reference: str) -> HttpResponse:
    record = _record(request, reference)
    response = HttpResponse(public_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(record.reference)}"'
    return response


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
