"""What the public may see of contracts and procurements: the one place the public contract
register, its open data (OCDS) and its downloads are built from.

Each is made from an explicit allow-list of fields. At or below the threshold of the
Specified Information Order a contract contributes only its value, parties and purpose.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Max, Prefetch
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone

from commissioning.speed.reversing import reference_path
from contracts.models import (
    Commissioner,
    Contract,
    Extension,
    Lot,
    PartnerBody,
    ProcurementPhase,
    Programme,
    Provider,
)
from decisions.models import Decision

# The Specified Information Order: contracts over this value are published in full; at or
# below it, the public list gives only the value, the parties and the purpose.
FULL_LISTING_THRESHOLD = Decimal("10000")


@dataclass(frozen=True)
class PublicDecisionLink:
    """A published decision a contract names: its reference, title and public address."""

    kind: str
    reference: str
    title: str
    url: str


@dataclass(frozen=True)
class PublicParty:
    name: str
    role: str  # as the register says it, e.g. "Lead commissioner"
    role_code: str  # lead, co, funder, holder or supplier
    registration_number: str = ""
    registration_scheme: str = ""  # "company" or "charity"
    key: str = ""  # stable within this site: "office", "partner-<id>", "provider-<id>"


@dataclass(frozen=True)
class PublicExtension:
    key: str
    kind: str
    previous_ends_on: datetime.date
    new_ends_on: datetime.date
    basis: str
    reason: str
    recorded_at: datetime.datetime
    decision: PublicDecisionLink | None = None


@dataclass(frozen=True)
class PublicContract:
    key: str  # stable within this site
    reference: str
    title: str  # the purpose
    value: Decimal | None
    value_basis: str  # "total" or "annual"
    supplier: PublicParty
    commissioners: list[PublicParty]
    is_listed_in_full: bool
    description: str = ""
    department: str = ""
    lot: str = ""
    procurement_key: str = ""  # the phase this contract was let in, if any
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    review_on: datetime.date | None = None
    total_value: Decimal | None = None
    annual_value: Decimal | None = None
    irrecoverable_vat: Decimal | None = None
    route: str = ""
    route_code: str = ""
    status: str = ""
    status_code: str = ""
    supplier_is_sme: bool | None = None
    supplier_is_vcse: bool | None = None
    extensions: list[PublicExtension] = field(default_factory=list)
    decisions: list[PublicDecisionLink] = field(default_factory=list)
    recorded_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None


# The lead commissioner first, then whoever holds the contract, co-commissions or funds it.
COMMISSIONER_ORDER = {"lead": 0, "holder": 1, "co": 2, "funder": 3}


def public_contracts_queryset() -> models.QuerySet:
    """Contracts the public register lists (all but those still being planned)."""
    return (
        Contract.objects.with_parties()
        .exclude(status=Contract.Status.PLANNED)
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("authorising_decision").order_by(
                    "new_ends_on", "pk"
                ),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.published().order_by("decided_on", "reference"),
                to_attr="published_decisions",
            ),
        )
        .order_by("-starts_on", "reference")
    )


def office_party(role_code: str = "lead", role: str = "Lead commissioner") -> PublicParty:
    return PublicParty(name=settings.OFFICE_NAME, role=role, role_code=role_code, key="office")


def public_contract(contract: Contract) -> PublicContract:
    """The public view of a contract. At or below the threshold: value, parties and purpose."""
    provider = contract.provider
    value = contract.value
    in_full = value is None or value > FULL_LISTING_THRESHOLD
    supplier = PublicParty(
        name=provider.name,
        role="Supplier",
        role_code="supplier",
        registration_number=provider.registration_number if in_full else "",
        registration_scheme=(
            ("company" if provider.company_number else "charity")
            if in_full and provider.registration_number
            else ""
        ),
        key=f"provider-{provider.pk}",
    )
    commissioners = [
        PublicParty(
            name=commissioner.body_name,
            role=commissioner.get_role_display(),
            role_code=commissioner.role,
            key=f"partner-{commissioner.body_id}" if commissioner.body_id else "office",
        )
        for commissioner in sorted(
            contract.commissioners.all(),
            key=lambda each: (COMMISSIONER_ORDER.get(each.role, 9), each.pk),
        )
    ] or [office_party()]
    core = {
        "key": f"contract-{contract.pk}",
        "reference": contract.reference,
        "title": contract.title,
        "value": value,
        "value_basis": "total" if contract.total_value is not None else "annual",
        "supplier": supplier,
        "commissioners": commissioners,
        "is_listed_in_full": in_full,
        "recorded_at": contract.created_at,
        "updated_at": contract.updated_at,
    }
    if not in_full:
        return PublicContract(**core)
    published = getattr(contract, "published_decisions", None)
    if published is None:
        published = list(contract.decisions.published())
    published_ids = {decision.pk for decision in published}
    return PublicContract(
        **core,
        description=contract.description,
        department=contract.department,
        lot=str(contract.lot) if contract.lot_id else "",
        procurement_key=f"phase-{contract.lot.phase_id}" if contract.lot_id else "",
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        review_on=contract.review_on,
        total_value=contract.total_value,
        annual_value=contract.annual_value,
        irrecoverable_vat=contract.irrecoverable_vat,
        route=contract.get_route_display() if contract.route else "",
        route_code=contract.route,
        status=contract.get_status_display(),
        status_code=contract.status,
        supplier_is_sme=provider.is_sme,
        supplier_is_vcse=provider.is_vcse,
        extensions=[
            PublicExtension(
                key=f"extension-{extension.pk}",
                kind=extension.get_kind_display(),
                previous_ends_on=extension.previous_ends_on,
                new_ends_on=extension.new_ends_on,
                basis=extension.get_basis_display(),
                reason=extension.reason,
                recorded_at=extension.created_at,
                decision=(
                    _decision_link(extension.authorising_decision)
                    if extension.authorising_decision_id in published_ids
                    else None
                ),
            )
            for extension in contract.extensions.all()
        ],
        decisions=[_decision_link(decision) for decision in published],
    )


def _decision_link(decision: Decision) -> PublicDecisionLink:
    return PublicDecisionLink(
        kind="",
        reference=decision.reference,
        title=decision.title,
        url=reference_path(
            "decisions:detail", decision.reference, get_script_prefix(), get_urlconf()
        ),
    )


def public_contracts() -> list[PublicContract]:
    return [public_contract(contract) for contract in public_contracts_queryset()]


def contracts_last_changed() -> datetime.datetime | None:
    """The last change to anything the public contract data is made from, from the history."""
    models_read = (
        Contract,
        Commissioner,
        Extension,
        Provider,
        PartnerBody,
        Programme,
        ProcurementPhase,
        Lot,
    )
    latest = [
        model.history.aggregate(latest=Max("history_date"))["latest"] for model in models_read
    ]
    # Every decision ever published, any since withdrawn included, as the decision register
    # counts them (`decisions.publication.register_last_changed`).
    latest.append(
        Decision.objects.filter(published_on__isnull=False).aggregate(latest=Max("updated_at"))[
            "latest"
        ]
    )
    return max((each for each in latest if each is not None), default=None)


@dataclass(frozen=True)
class PublicLot:
    number: int
    title: str
    service_area: str


@dataclass(frozen=True)
class PublicProcurement:
    """A procurement phase: one contracting process, possibly in lots."""

    key: str
    title: str
    programme: str
    rationale: str
    description: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    prior_information_notice_on: datetime.date | None
    needs_assessment_on: datetime.date | None
    service_starts_on: datetime.date | None
    route: str
    route_code: str
    lots: list[PublicLot]
    updated_at: datetime.datetime | None = None


def public_procurements(today: datetime.date | None = None) -> list[PublicProcurement]:
    """Procurement phases the public may know of: announced (a Prior Information Notice),
    under way (started), or with a contract on the register."""
    today = today or timezone.localdate()
    phases = (
        ProcurementPhase.objects.select_related("programme")
        .prefetch_related("lots")
        .filter(
            models.Q(prior_information_notice_on__isnull=False)
            | models.Q(starts_on__lte=today)
            | models.Q(lots__contracts__in=public_contracts_queryset().values("pk"))
        )
        .distinct()
        .order_by("starts_on", "pk")
    )
    return [
        PublicProcurement(
            key=f"phase-{phase.pk}",
            title=f"{phase.programme.title}: {phase.name}",
            programme=phase.programme.title,
            rationale=phase.programme.description,
            description=phase.description,
            starts_on=phase.starts_on,
            ends_on=phase.ends_on,
            prior_information_notice_on=phase.prior_information_notice_on,
            needs_assessment_on=phase.programme.needs_assessment_on,
            service_starts_on=phase.service_starts_on,
            route=phase.get_route_display() if phase.route else "",
            route_code=phase.route,
            lots=[
                PublicLot(number=lot.number, title=lot.title, service_area=lot.service_area)
                for lot in phase.lots.all()
            ],
            updated_at=phase.programme.updated_at,
        )
        for phase in phases
    ]
