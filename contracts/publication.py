"""What the public may see of contracts and procurements: the one place the public contract
register, its open data (OCDS) and its downloads are built from.

Each is made from an explicit allow-list of fields. At or below the threshold of the
Specified Information Order a contract contributes only its value, parties and purpose.
"""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django.db.models import Case, F, Prefetch, Value, When
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone

from commissioning.dates import PreciseDateAttribute, Precision
from commissioning.speed import precompiled
from commissioning.speed.reversing import reference_path
from contracts.cpv import CPV_SEPARATOR
from contracts.listing import FULL_LISTING_THRESHOLD, listed_in_full
from contracts.models import (
    Commissioner,
    Contract,
    Extension,
    Lot,
    Notice,
    PartnerBody,
    ProcurementPhase,
    Programme,
    Provider,
)
from contracts.spend import NOT_PUBLIC_YEAR, Spend, financial_year, summarise
from decisions.models import Decision
from decisions.publication.versions import _as_datetime as as_datetime


@dataclass(frozen=True)
class PublicDecisionLink:
    """A published decision a contract names: its reference, title and public address."""

    kind: str
    reference: str
    title: str
    url: str
    decided_on: datetime.date | None = None


@dataclass(frozen=True)
class PublicParty:
    name: str
    role: str  # as the register says it, e.g. "Lead commissioner"
    role_code: str  # lead, co, funder, holder or supplier
    registration_number: str = ""
    registration_scheme: str = ""  # "company" or "charity"
    key: str = ""  # stable within this site: "office", "partner-<id>", "provider-<id>"


@dataclass(frozen=True)
class PublicNotice:
    """A notice published elsewhere (Find a Tender, Contracts Finder) about a contract or a
    procurement. Any of its facts may be unknown ("" or None)."""

    key: str
    kind: str  # as the register says it, e.g. "Find a Tender"
    kind_code: str
    identifier: str = ""
    url: str = ""
    published_on: datetime.date | None = None


def public_notices(notices) -> list[PublicNotice]:
    return [
        PublicNotice(
            key=f"notice-{notice.pk}",
            kind=notice.get_kind_display(),
            kind_code=notice.kind,
            identifier=notice.identifier,
            url=notice.url,
            published_on=notice.published_on,
        )
        for notice in notices
    ]


def split_cpv_codes(codes: str) -> list[str]:
    return [code for code in codes.split(CPV_SEPARATOR) if code]


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
    previous_ends_on_precision: str = Precision.DAY

    previous_ends = PreciseDateAttribute("previous_ends_on")
    takes_effect_on: datetime.date | None = None  # None: not recorded


@dataclass(frozen=True)
class PublicContract:
    key: str  # stable within this site
    reference: str
    title: str  # the purpose
    value: Decimal | None
    value_basis: str  # "total" or "annual"
    supplier: PublicParty | None  # None when not known (a preferred-bidder stage, say)
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
    cpv_codes: list[str] = field(default_factory=list)
    lot_cpv_codes: list[str] = field(default_factory=list)
    notices: list[PublicNotice] = field(default_factory=list)
    # The procurement phase the contract was let in, as the public register names it.
    procurement: str = ""
    recorded_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    # How much of each date is known (commissioning.dates): read `contract.starts` and the
    # others as a PreciseDate.
    starts_on_precision: str = Precision.DAY
    ends_on_precision: str = Precision.DAY
    review_on_precision: str = Precision.DAY

    starts = PreciseDateAttribute("starts_on")
    ends = PreciseDateAttribute("ends_on")
    review = PreciseDateAttribute("review_on")

    @property
    def value_band(self) -> str:
        """Which value heading the contract's recorded value meets: "over" the threshold,
        "at_or_below" it, or "not_recorded" (listed in full, but never as if over it)."""
        if self.value is None:
            return VALUE_NOT_RECORDED
        return VALUE_OVER if self.value > FULL_LISTING_THRESHOLD else VALUE_AT_OR_BELOW


# The value headings of the register, one of which each contract meets (`value_band`).
VALUE_OVER, VALUE_AT_OR_BELOW, VALUE_NOT_RECORDED = "over", "at_or_below", "not_recorded"

# The lead commissioner first, then whoever holds the contract, co-commissions or funds it.
COMMISSIONER_ORDER = {"lead": 0, "holder": 1, "co": 2, "funder": 3}


def public_contracts_queryset() -> models.QuerySet:
    """Contracts the public register lists (all but those still being planned)."""
    return (
        Contract.objects.with_parties()
        .select_related("lot__phase__programme")
        .exclude(status=Contract.Status.PLANNED)
        .prefetch_related(
            "notices",
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("authorising_decision", "basis").order_by(
                    "new_ends_on", "pk"
                ),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.published().order_by("decided_on", "reference"),
                to_attr="published_decisions",
            ),
        )
        .order_by(models.F("starts_on").desc(nulls_last=True), "reference")
    )


def office_party(role_code: str = "lead", role: str = "Lead commissioner") -> PublicParty:
    return PublicParty(name=settings.OFFICE_NAME, role=role, role_code=role_code, key="office")


def public_contract(contract: Contract) -> PublicContract:
    """The public view of a contract. At or below the threshold: value, parties and purpose."""
    provider = contract.provider
    value = contract.value
    in_full = value is None or value > FULL_LISTING_THRESHOLD
    supplier = provider and PublicParty(
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
        starts_on_precision=contract.starts_on_precision,
        ends_on_precision=contract.ends_on_precision,
        review_on_precision=contract.review_on_precision,
        total_value=contract.total_value,
        annual_value=contract.annual_value,
        irrecoverable_vat=contract.irrecoverable_vat,
        route=contract.get_route_display() if contract.route else "",
        route_code=contract.route,
        status=contract.get_status_display(),
        status_code=contract.status,
        supplier_is_sme=provider.is_sme if provider else None,
        supplier_is_vcse=provider.is_vcse if provider else None,
        extensions=[
            PublicExtension(
                key=f"extension-{extension.pk}",
                kind=extension.get_kind_display(),
                previous_ends_on=extension.previous_ends_on,
                previous_ends_on_precision=extension.previous_ends_on_precision,
                new_ends_on=extension.new_ends_on,
                basis=extension.basis.label,
                takes_effect_on=extension.takes_effect_on,
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
        cpv_codes=split_cpv_codes(contract.cpv_codes),
        lot_cpv_codes=split_cpv_codes(contract.lot.cpv_codes) if contract.lot_id else [],
        notices=public_notices(contract.notices.all()),
        procurement=phase_title(contract.lot.phase) if contract.lot_id else "",
    )


def phase_title(phase: ProcurementPhase) -> str:
    """A phase as the public data names it: "<programme>: <phase>"."""
    return f"{phase.programme.title}: {phase.name}"


def _decision_link(decision: Decision) -> PublicDecisionLink:
    return PublicDecisionLink(
        kind="",
        reference=decision.reference,
        title=decision.title,
        decided_on=decision.decided_on,
        url=reference_path(
            "decisions:detail", decision.reference, get_script_prefix(), get_urlconf()
        ),
    )


def public_contracts(queryset: models.QuerySet | None = None) -> list[PublicContract]:
    """The public view of each contract of `queryset` (by default, every one listed)."""
    queryset = public_contracts_queryset() if queryset is None else queryset
    return [public_contract(contract) for contract in queryset]


def public_spend(queryset: models.QuerySet | None = None) -> Spend:
    """The spend charts of listed contracts (by default, every one), from what the public may
    see of each: its value and provider, public however small; its department and start only
    when it is listed in full. A contract at or below the threshold is counted in one group
    of its own in the department and year charts, so a chart tells no more than its page."""
    listed = public_contracts_queryset() if queryset is None else queryset
    # Belt and braces: whatever list is asked for, a contract still being planned is not in it.
    listed = listed.exclude(status=Contract.Status.PLANNED)
    in_full = listed_in_full()
    return summarise(
        listed,
        category=Case(
            When(in_full, then=F("department")), default=None, output_field=models.CharField()
        ),
        year=Case(
            When(in_full, then=financial_year()),
            default=Value(NOT_PUBLIC_YEAR),
            output_field=models.IntegerField(),
        ),
        small_label=f"Contracts of £{FULL_LISTING_THRESHOLD:,.0f} or less",
    )


def public_contract_of(reference: str) -> PublicContract | None:
    """The public view of the listed contract with this reference; None if there is none (a
    contract still being planned is not listed)."""
    contract = public_contracts_queryset().filter(reference=reference).first()
    return None if contract is None else public_contract(contract)


# What the public contract data is made from: each model's history records every save and
# delete, so the newest history row of each says when that part last changed.
LAST_CHANGED_MODELS = (
    Contract,
    Commissioner,
    Extension,
    Provider,
    PartnerBody,
    Programme,
    ProcurementPhase,
    Lot,
    Notice,
)


@functools.cache
def _last_changed_sql(_vendor: str) -> str:
    """One query for every date `contracts_last_changed` reads, written once per process from
    the models' own table names (quoted; no input is in the SQL, ruff S608)."""
    quote = connection.ops.quote_name
    columns = [
        f"(SELECT MAX({quote('history_date')}) FROM "  # noqa: S608
        f"{quote(model.history.model._meta.db_table)})"
        for model in LAST_CHANGED_MODELS
    ]
    decisions = quote(Decision._meta.db_table)
    columns.append(
        f"(SELECT MAX({quote('updated_at')}) FROM {decisions} "  # noqa: S608
        f"WHERE {quote('published_on')} IS NOT NULL)"
    )
    return "SELECT " + ", ".join(columns)


# Every page and file of the contract register asks it first: each new connection prepares
# and plans it before its first request.
precompiled.prepare_on_connect(
    "contracts_last_changed", lambda: (_last_changed_sql("postgresql"), [])
)


def contracts_last_changed() -> datetime.datetime | None:
    """The last change to anything the public contract data is made from, from the history,
    in one query: every page and file of the register asks it first.

    Every decision ever published counts too, any since withdrawn included, as the decision
    register counts them (`decisions.publication.register_last_changed`)."""
    row = precompiled.run_sql("contracts_last_changed", _last_changed_sql(connection.vendor), [])
    latest = [as_datetime(each) for each in row or ()]
    return max((each for each in latest if each is not None), default=None)


@dataclass(frozen=True)
class PublicLot:
    number: int
    title: str
    service_area: str
    cpv_codes: list[str] = field(default_factory=list)


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
    starts_on_precision: str = Precision.DAY
    ends_on_precision: str = Precision.DAY
    prior_information_notice_on_precision: str = Precision.DAY
    service_starts_on_precision: str = Precision.DAY

    starts = PreciseDateAttribute("starts_on")
    ends = PreciseDateAttribute("ends_on")
    prior_information_notice = PreciseDateAttribute("prior_information_notice_on")
    service_starts = PreciseDateAttribute("service_starts_on")
    cpv_codes: list[str] = field(default_factory=list)
    tender_value: Decimal | None = None
    number_of_bids: int | None = None
    outcome: str = ""  # as the register says it; "" is not recorded
    outcome_code: str = ""
    notices: list[PublicNotice] = field(default_factory=list)


def public_procurements(today: datetime.date | None = None) -> list[PublicProcurement]:
    """Procurement phases the public may know of: announced (a Prior Information Notice),
    under way (started), or with a contract on the register."""
    today = today or timezone.localdate()
    phases = (
        ProcurementPhase.objects.select_related("programme")
        .prefetch_related("lots", "notices")
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
            title=phase_title(phase),
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
                PublicLot(
                    number=lot.number,
                    title=lot.title,
                    service_area=lot.service_area,
                    cpv_codes=split_cpv_codes(lot.cpv_codes),
                )
                for lot in phase.lots.all()
            ],
            updated_at=phase.programme.updated_at,
            starts_on_precision=phase.starts_on_precision,
            ends_on_precision=phase.ends_on_precision,
            prior_information_notice_on_precision=phase.prior_information_notice_on_precision,
            service_starts_on_precision=phase.service_starts_on_precision,
            cpv_codes=split_cpv_codes(phase.cpv_codes),
            tender_value=phase.tender_value,
            number_of_bids=phase.number_of_bids,
            outcome=phase.get_outcome_display() if phase.outcome else "",
            outcome_code=phase.outcome,
            notices=public_notices(phase.notices.all()),
        )
        for phase in phases
    ]


# -- the identifiers' columns of /contracts.csv (read back by contracts/importing.py) -------------

IDENTIFIER_COLUMNS = [
    "CPV codes",
    "Notices",
    "Procurement phase",
    "Lot",
    "Procurement phase route",
    "Procurement phase tender value (GBP)",
    "Procurement phase bids received",
    "Procurement phase outcome",
    "Procurement phase CPV codes",
    "Procurement phase notices",
    "Lot CPV codes",
]


def notice_cell(notices: list[PublicNotice]) -> str:
    """Notices in one cell, each "<kind>: <identifier> <address> <date>" with what is known,
    separated by semicolons: "Find a Tender: 2022/S 000-031247
    https://www.find-tender.service.gov.uk/Notice/031247-2022 2022-11-01"."""
    return "; ".join(
        f"{notice.kind}: "
        + " ".join(
            part
            for part in (
                notice.identifier,
                notice.url,
                notice.published_on.isoformat() if notice.published_on else "",
            )
            if part
        )
        for notice in notices
    )


def identifier_cells(contract: PublicContract, procurement: "PublicProcurement | None") -> dict:
    """A contract listed in full: its CPV codes and notices, and the procurement it was let
    in with that procurement's facts. Unknown is an empty cell."""
    cells = {
        "CPV codes": CPV_SEPARATOR.join(contract.cpv_codes),
        "Notices": notice_cell(contract.notices),
        "Procurement phase": contract.procurement,
        "Lot": contract.lot,
        "Lot CPV codes": CPV_SEPARATOR.join(contract.lot_cpv_codes),
    }
    if procurement is not None:
        cells |= {
            "Procurement phase route": procurement.route,
            "Procurement phase tender value (GBP)": ""
            if procurement.tender_value is None
            else f"{procurement.tender_value:.2f}",
            "Procurement phase bids received": ""
            if procurement.number_of_bids is None
            else str(procurement.number_of_bids),
            "Procurement phase outcome": procurement.outcome,
            "Procurement phase CPV codes": CPV_SEPARATOR.join(procurement.cpv_codes),
            "Procurement phase notices": notice_cell(procurement.notices),
        }
    return cells
