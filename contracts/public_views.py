"""The public contract register, a page per contract, the Transparency Code CSV, the JSON of
the list and the OCDS release package.

All are built from `contracts.publication.public_contracts`, the allow-list of what the
public may see of a contract. Contracts over £10,000 are listed in full; at or below it, the
value, the parties and the purpose only. The register's search, filters and sort
(`contracts.public_filters`) apply to its CSV and JSON too: each download is the list the
reader is looking at, every page of it.
"""

import dataclasses
import datetime
import hashlib
import io
import json

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_safe

from commissioning import spreadsheets, stored_exports
from commissioning.addresses import site_address
from commissioning.licence import LICENCE_NAME, LICENCE_URL, licence_metadata, licensed
from commissioning.money import amount
from commissioning.pagination import public_list_paginator
from contracts.ocds import NO_PREFIX, missing_prefix, release_package
from contracts.public_filters import PublicContractFilter
from contracts.publication import (
    FULL_LISTING_THRESHOLD,
    IDENTIFIER_COLUMNS,
    PublicContract,
    contracts_last_changed,
    identifier_cells,
    public_contract_of,
    public_contracts,
    public_procurements,
    public_spend,
)
from contracts.spend import Spend
from contracts.timeline import (
    Group,
    Row,
    Segment,
    Timeline,
    lay_out,
    long_date,
    mark_decisions,
)

PAGE_SIZE = 20

# What the OCDS address says while there is nothing to put in a package.
NO_RELEASES = (
    "No contract or procurement has been published yet, so there is no Open Contracting Data "
    "Standard release package: a package holds at least one release. Contracts appear here, "
    "and at /contracts.csv, once they are published.\n"
)
# The Local Government Transparency Code 2015's contract fields, in its order, then the
# commissioners (the parties other than the supplier).
CSV_COLUMNS = [
    "Reference",
    "Title",
    "Department",
    "Description",
    "Supplier name",
    "Supplier registration number",
    "Total value (GBP)",
    "Annual value (GBP)",
    "Irrecoverable VAT (GBP)",
    "Start date",
    "End date",
    "Review date",
    "Let by quotation or published tender",
    "Supplier is an SME",
    "Supplier is a VCSE",
    "Commissioners",
    # Identifiers from outside the register, and the procurement the contract was let in.
    *IDENTIFIER_COLUMNS,
]


def _last_changed(request: HttpRequest):
    """When the contract data last changed, worked out once per request."""
    if not hasattr(request, "_contracts_last_changed"):
        request._contracts_last_changed = contracts_last_changed()
    return request._contracts_last_changed


def _etag(request: HttpRequest, *, per_user: bool) -> str | None:
    if per_user and request.user.is_authenticated:
        return None
    key = f"{request.get_full_path()}|{_version(request)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def page_etag(request: HttpRequest) -> str | None:
    return _etag(request, per_user=True)


def page_last_modified(request: HttpRequest):
    return None if request.user.is_authenticated else _last_changed(request)


def data_etag(request: HttpRequest) -> str | None:
    """The downloads' ETag: also today's date, which the procurements under way depend on."""
    key = f"{request.get_full_path()}|{_data_version(request)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def data_last_modified(request: HttpRequest):
    return _last_changed(request)


def _version(request: HttpRequest) -> str:
    """The contract data's version: what kept counts and choices are keyed on."""
    changed = _last_changed(request)
    return changed.isoformat() if changed else "-"


def _data_version(request: HttpRequest) -> str:
    """The downloads' version: `data_version`, with the last change read once per request."""
    return f"{_version(request)}|{timezone.localdate().isoformat()}"


def _filtered(request: HttpRequest) -> PublicContractFilter:
    return PublicContractFilter(request.GET or None, version=_version(request))


@require_safe
@condition(etag_func=page_etag, last_modified_func=page_last_modified)
def register(request: HttpRequest) -> HttpResponse:
    """A page of the register: twenty contracts of the list asked for (search, filters and
    sort), in its order, with the pages of the rest."""
    filterset = _filtered(request)
    paginator = public_list_paginator(
        filterset.ordered(),
        PAGE_SIZE,
        filterset,
        name="public-contract-count",
        version=_version(request),
    )
    page = paginator.get_page(request.GET.get("page"))
    form = filterset.form
    spend = _kept_spend(request, filterset)
    return render(
        request,
        "public/contracts.html",
        {
            "form": form,
            "errors": form.errors if filterset.is_bound else {},
            "page_obj": page,
            "page_numbers": list(paginator.get_elided_page_range(page.number, on_ends=1)),
            "contracts": public_contracts(page.object_list),
            "is_filtered": filterset.is_filtered,
            "count_is_capped": getattr(paginator, "is_capped", False),
            "threshold": FULL_LISTING_THRESHOLD,
            "spend": spend,
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
        },
    )


def _kept_spend(request: HttpRequest, filterset: PublicContractFilter) -> Spend:
    """The spend charts of the list asked for (every page of it), kept in the cache under the
    contract data's version: three grouped queries the first time, none after."""
    asked = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in ("page", "sort")
        for value in values
    )
    shape = f"{_version(request)}|{asked}"
    key = f"public-contract-spend:1:{hashlib.sha256(shape.encode('utf-8')).hexdigest()}"
    return cache.get_or_set(key, lambda: public_spend(filterset.ordered()), 60 * 60)


def public_timeline(contract: PublicContract, today: datetime.date) -> Timeline | None:
    """The timeline picture of one contract, as the staff timeline draws it, from its public
    view alone: its term, each extension or variation, and the published decisions about it.
    None for a contract listed by its value, parties and purpose only (its dates are not
    public) or whose dates are not recorded."""
    if not contract.is_listed_in_full or not (contract.starts_on and contract.ends_on):
        return None
    changes = sorted(contract.extensions, key=lambda extension: extension.recorded_at)
    original_end = changes[0].previous_ends_on if changes else contract.ends_on
    row = Row(label=contract.reference, full_label=f"{contract.reference} {contract.title}")
    row.segments.append(
        Segment(
            "term",
            contract.starts_on,
            max(original_end, contract.starts_on),
            description=f"Term {long_date(contract.starts_on)} to {long_date(original_end)}",
        )
    )
    for change in changes:
        row.segments.append(
            Segment(
                "variation" if change.kind.lower() == "variation" else "extension",
                min(change.previous_ends_on, change.new_ends_on),
                max(change.previous_ends_on, change.new_ends_on),
                description=(
                    f"{change.kind} from {long_date(change.previous_ends_on)} "
                    f"to {long_date(change.new_ends_on)}: {change.basis}"
                ),
            )
        )
    linked = [*contract.decisions, *(each.decision for each in changes if each.decision)]
    mark_decisions(
        row,
        [
            (each.reference, each.decided_on, long_date(each.decided_on))
            for each in linked
            if each.decided_on
        ],
    )
    return lay_out([Group(label=contract.supplier.name, rows=[row])], today=today)


def contract_etag(request: HttpRequest, reference: str) -> str | None:
    return _etag(request, per_user=True)


def contract_last_modified(request: HttpRequest, reference: str):
    return page_last_modified(request)


@require_safe
@condition(etag_func=contract_etag, last_modified_func=contract_last_modified)
def contract_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A contract's own page, at an address that stays the same: its facts, extensions,
    published decisions and its timeline. A contract the register does not list (one still
    being planned) is not found."""
    contract = public_contract_of(reference)
    if contract is None:
        raise Http404("No contract on the public register has that reference.")
    return render(
        request,
        "public/contract.html",
        {
            "contract": contract,
            "timeline": public_timeline(contract, timezone.localdate()),
            "threshold": FULL_LISTING_THRESHOLD,
        },
    )


def _money(value) -> str:
    return amount(value) or ""


def _date(value) -> str:
    """A date at its precision ("2023-03" for a month), or an empty cell when not known."""
    return value.iso if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def csv_row(contract: PublicContract, procurements: dict | None = None) -> list[str]:
    """One contract's row. At or below the threshold: the value, parties and purpose only."""
    row = {
        "Reference": contract.reference,
        "Title": contract.title,
        "Supplier name": contract.supplier.name if contract.supplier else "",
        "Commissioners": "; ".join(
            f"{party.name} ({party.role.lower()})" for party in contract.commissioners
        ),
    }
    if contract.is_listed_in_full:
        row |= {
            "Department": contract.department,
            "Description": contract.description,
            "Supplier registration number": (
                contract.supplier.registration_number if contract.supplier else ""
            ),
            "Total value (GBP)": _money(contract.total_value),
            "Annual value (GBP)": _money(contract.annual_value),
            "Irrecoverable VAT (GBP)": _money(contract.irrecoverable_vat),
            "Start date": _date(contract.starts),
            "End date": _date(contract.ends),
            "Review date": _date(contract.review),
            "Let by quotation or published tender": contract.route,
            "Supplier is an SME": _yes_no(contract.supplier_is_sme),
            "Supplier is a VCSE": _yes_no(contract.supplier_is_vcse),
            **identifier_cells(contract, (procurements or {}).get(contract.procurement_key)),
        }
    else:
        column = "Total value (GBP)" if contract.value_basis == "total" else "Annual value (GBP)"
        row[column] = _money(contract.value)
    return [row.get(column, "") for column in CSV_COLUMNS]


def _cached_body(request: HttpRequest, build, *, full: bool = False) -> bytes:
    """The file's content, from the cache while the contract data is unchanged.

    The files are the same for every visitor and are built from public records only, so
    they can be kept. The key holds what the content depends on: the data's last change,
    the address asked for (with its search and filters; a `full` download, the same for any
    query string, names its address under SITE_URL) and today's date (which procurements are
    under way depends on it)."""
    changed = _last_changed(request)
    key = "|".join(
        [
            settings.SITE_URL + request.path if full else request.build_absolute_uri(),
            changed.isoformat() if changed else "-",
            timezone.localdate().isoformat(),
        ]
    )
    key = f"public-contract-data:4:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, 60 * 60)
    return body


def _listed(request: HttpRequest) -> list[PublicContract]:
    """Every contract of the list asked for, in its order: what the downloads hold."""
    return public_contracts(_filtered(request).ordered())


def csv_content(contracts: list[PublicContract]) -> bytes:
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    procurements = {procurement.key: procurement for procurement in public_procurements()}
    for contract in contracts:
        writer.writerow(csv_row(contract, procurements))
    return buffer.getvalue().encode("utf-8")


def _download(request: HttpRequest, key: str, build) -> HttpResponse:
    """A download: the whole list (no query string) from its copy in the storage, or built
    here while there is no copy of the data's current version (and a rebuild queued); a
    filtered list built here, kept in the cache."""
    stored = stored_exports.export(key)
    full = not request.GET
    if full:
        response = stored_exports.stored_response(key, _data_version(request))
        if response is not None:
            return response
        stored_exports.rebuild_soon()
        build = stored.content
    return HttpResponse(_cached_body(request, build, full=full), content_type=stored.content_type)


@require_safe
@condition(etag_func=data_etag, last_modified_func=data_last_modified)
def contracts_csv(request: HttpRequest) -> HttpResponse:
    response = _download(request, CSV_EXPORT, lambda: csv_content(_listed(request)))
    response["Content-Disposition"] = 'attachment; filename="contracts.csv"'
    return licensed(response)


# What a contract listed by its value, parties and purpose alone gives in the JSON.
SMALL_CONTRACT_FIELDS = {
    "key",
    "reference",
    "title",
    "value",
    "value_basis",
    "supplier",
    "commissioners",
    "is_listed_in_full",
    "recorded_at",
    "updated_at",
}


def contract_json(contract: PublicContract) -> dict:
    """One contract in the JSON download: its public view, with what is not recorded given as
    null. A contract at or below the threshold gives its value, parties and purpose only."""
    data = dataclasses.asdict(contract)
    if not contract.is_listed_in_full:
        data = {name: value for name, value in data.items() if name in SMALL_CONTRACT_FIELDS}
    return {name: (None if value == "" else value) for name, value in data.items()}


def json_content(contracts: list[PublicContract], source: str) -> bytes:
    document = {
        "publisher": settings.OFFICE_NAME,
        "licence": licence_metadata(),
        "source": source,
        "threshold": FULL_LISTING_THRESHOLD,
        "count": len(contracts),
        "contracts": [contract_json(contract) for contract in contracts],
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


@require_safe
@condition(etag_func=data_etag, last_modified_func=data_last_modified)
def contracts_json(request: HttpRequest) -> HttpResponse:
    """The list asked for as JSON, with the licence and the list's address in its metadata."""
    response = _download(
        request,
        JSON_EXPORT,
        lambda: json_content(_listed(request), request.build_absolute_uri()),
    )
    response["Content-Disposition"] = 'inline; filename="contracts.json"'
    return licensed(response)


def ocds_content() -> bytes:
    """The release package, or nothing while there is no release to put in it."""
    package = release_package(uri=site_address(reverse("contracts:ocds")))
    if not package["releases"]:
        return b""
    return json.dumps(package, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


@require_safe
@condition(etag_func=data_etag, last_modified_func=data_last_modified)
def ocds_json(request: HttpRequest) -> HttpResponse:
    """Every public contract and procurement as one OCDS release package. A package holds at
    least one release (the schema says so), so until the office publishes a contract or a
    procurement there is no package: the address answers 404 and says why. In production
    without the office's registered ocid prefix it answers 503 and says that instead."""

    if missing_prefix():
        # Identifiers under a made-up prefix would be published as if they were the office's.
        return HttpResponse(NO_PREFIX, status=503, content_type="text/plain; charset=utf-8")
    # The package is the same whatever the query string: always the stored copy.
    response = stored_exports.stored_response(OCDS_EXPORT, _data_version(request))
    if response is None:
        stored_exports.rebuild_soon()
        body = _cached_body(request, ocds_content, full=True)
        if body:
            return HttpResponse(body, content_type="application/json; charset=utf-8")
    elif response.file_to_stream.size:
        return response
    else:  # stored empty: nothing published yet
        response.close()
    return HttpResponseNotFound(NO_RELEASES, content_type="text/plain; charset=utf-8")


# -- the full downloads, kept in the storage (commissioning.stored_exports) --------------------

# Their keys; contracts.apps registers them.
CSV_EXPORT, JSON_EXPORT, OCDS_EXPORT = "contracts-csv", "contracts-json", "contracts-ocds"


def data_version() -> str:
    """The version of the contract data, as the worker reads it: its last change, and today's
    date (which procurements are under way depends on it)."""
    changed = contracts_last_changed()
    return f"{changed.isoformat() if changed else '-'}|{timezone.localdate().isoformat()}"


def full_csv() -> bytes:
    return csv_content(public_contracts(PublicContractFilter(None).ordered()))


def full_json() -> bytes:
    contracts = public_contracts(PublicContractFilter(None).ordered())
    return json_content(contracts, site_address(reverse("contracts:json")))
