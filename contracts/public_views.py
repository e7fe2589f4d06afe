"""The public contract register, its Transparency Code CSV and its OCDS release package.

All three are built from `contracts.publication.public_contracts`, the allow-list of what the
public may see of a contract. Contracts over £10,000 are listed in full; at or below it, the
value, the parties and the purpose only.
"""

import hashlib
import io
import json

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_safe

from commissioning import spreadsheets
from contracts.ocds import release_package
from contracts.publication import (
    FULL_LISTING_THRESHOLD,
    PublicContract,
    contracts_last_changed,
    public_contracts,
)

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
]


def _last_changed(request: HttpRequest):
    """When the contract data last changed, worked out once per request."""
    if not hasattr(request, "_contracts_last_changed"):
        request._contracts_last_changed = contracts_last_changed()
    return request._contracts_last_changed


def _etag(request: HttpRequest, *, per_user: bool) -> str | None:
    if per_user and request.user.is_authenticated:
        return None
    changed = _last_changed(request)
    key = f"{request.get_full_path()}|{changed.isoformat() if changed else '-'}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def page_etag(request: HttpRequest) -> str | None:
    return _etag(request, per_user=True)


def page_last_modified(request: HttpRequest):
    return None if request.user.is_authenticated else _last_changed(request)


def data_etag(request: HttpRequest) -> str | None:
    return _etag(request, per_user=False)


def data_last_modified(request: HttpRequest):
    return _last_changed(request)


@require_safe
@condition(etag_func=page_etag, last_modified_func=page_last_modified)
def register(request: HttpRequest) -> HttpResponse:
    contracts = public_contracts()
    return render(
        request,
        "public/contracts.html",
        {
            "full": [contract for contract in contracts if contract.is_listed_in_full],
            "small": [contract for contract in contracts if not contract.is_listed_in_full],
            "threshold": FULL_LISTING_THRESHOLD,
        },
    )


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _date(value) -> str:
    return value.isoformat() if value else ""


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def csv_row(contract: PublicContract) -> list[str]:
    """One contract's row. At or below the threshold: the value, parties and purpose only."""
    row = {
        "Reference": contract.reference,
        "Title": contract.title,
        "Supplier name": contract.supplier.name,
        "Commissioners": "; ".join(
            f"{party.name} ({party.role.lower()})" for party in contract.commissioners
        ),
    }
    if contract.is_listed_in_full:
        row |= {
            "Department": contract.department,
            "Description": contract.description,
            "Supplier registration number": contract.supplier.registration_number,
            "Total value (GBP)": _money(contract.total_value),
            "Annual value (GBP)": _money(contract.annual_value),
            "Irrecoverable VAT (GBP)": _money(contract.irrecoverable_vat),
            "Start date": _date(contract.starts_on),
            "End date": _date(contract.ends_on),
            "Review date": _date(contract.review_on),
            "Let by quotation or published tender": contract.route,
            "Supplier is an SME": _yes_no(contract.supplier_is_sme),
            "Supplier is a VCSE": _yes_no(contract.supplier_is_vcse),
        }
    else:
        column = "Total value (GBP)" if contract.value_basis == "total" else "Annual value (GBP)"
        row[column] = _money(contract.value)
    return [row.get(column, "") for column in CSV_COLUMNS]


def _cached_body(request: HttpRequest, build) -> bytes:
    """The file's content, from the cache while the contract data is unchanged.

    The files are the same for every visitor and are built from public records only, so
    they can be kept. The key holds what the content depends on: the data's last change,
    the address asked for (the OCDS package names its own absolute address) and today's
    date (which procurements are under way depends on it)."""
    changed = _last_changed(request)
    key = "|".join(
        [
            request.build_absolute_uri(),
            changed.isoformat() if changed else "-",
            timezone.localdate().isoformat(),
        ]
    )
    key = f"public-contract-data:2:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, 60 * 60)
    return body


def _csv_body() -> bytes:
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for contract in public_contracts():
        writer.writerow(csv_row(contract))
    return buffer.getvalue().encode("utf-8")


@require_safe
@condition(etag_func=data_etag, last_modified_func=data_last_modified)
def contracts_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        _cached_body(request, _csv_body), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="contracts.csv"'
    return response


@require_safe
@condition(etag_func=data_etag, last_modified_func=data_last_modified)
def ocds_json(request: HttpRequest) -> HttpResponse:
    """Every public contract and procurement as one OCDS release package. A package holds at
    least one release (the schema says so), so until the office publishes a contract or a
    procurement there is no package: the address answers 404 and says why."""

    def build() -> bytes:
        package = release_package(uri=request.build_absolute_uri(reverse("contracts:ocds")))
        if not package["releases"]:
            return b""
        return json.dumps(package, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode(
            "utf-8"
        )

    body = _cached_body(request, build)
    if not body:
        return HttpResponseNotFound(NO_RELEASES, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, content_type="application/json; charset=utf-8")
