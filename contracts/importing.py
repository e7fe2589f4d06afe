"""Importing a contract register: the Local Government Transparency Code columns.

Councils publish their contracts with much the same columns under many names ("Supplier Name",
"Supplier", "Provider"; "Value", "Total Value", "Contract value"), so column names are
compared loosely and several spellings of each are accepted. Suppliers are matched to the
register's providers by registration number first, then by name with case, punctuation and
"Ltd", "Limited", "CIC", "PLC" and "LLP" ignored; a supplier not found is created. A name
that is close to a provider's without being the same is reported as a warning, so that the
importer can spot "Change Grow Live Ltd." against "Change, Grow, Live" before creating a
duplicate. Partner bodies named in a Commissioners (or Partners) column are matched by name.

The checking and writing are the import engine's (commissioning/importing): nothing is
written unless every row is valid, and then everything in one transaction.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.importing import (
    Checker,
    Columns,
    Import,
    PlannedRow,
    Record,
    similar,
    squash,
)
from commissioning.money import pounds
from contracts.models import (
    Commissioner,
    CommissionerRole,
    Contract,
    ContractStatus,
    Lot,
    Notice,
    PartnerBody,
    PartnerKind,
    ProcurementPhase,
    Programme,
    Provider,
)
from contracts.procurement_import import ROUTE_WORDS, ProcurementChecks

CONTRACT_COLUMNS = {
    "reference": [
        "reference number",
        "contract reference",
        "contract reference number",
        "contract ref",
        "ref",
        "contract id",
        "contract number",
        "unique reference",
    ],
    "title": [
        "contract title",
        "title of agreement",
        "service",
        "contract name",
        "name of contract",
    ],
    "department": ["department responsible", "responsible department", "directorate"],
    "description": [
        "contract description",
        "description of goods and services",
        "description of goods or services",
        "description of the goods or services",
        "purpose",
    ],
    "supplier_name": [
        "supplier",
        "supplier name",
        "provider",
        "provider name",
        "contractor",
        "name of supplier",
    ],
    "registration_number": [
        "supplier registration number",
        "registration number",
        "company or charity number",
        "company or charity registration number",
    ],
    "company_number": [
        "company number",
        "companies house number",
        "company registration number",
        "supplier company number",
    ],
    "charity_number": [
        "charity number",
        "charity registration number",
        "registered charity number",
        "supplier charity number",
    ],
    "total_value": [
        "value",
        "total value",
        "total value (GBP)",
        "contract value",
        "value of contract",
        "total contract value",
        "estimated value",
        "value over the term",
        "value over the life of the contract",
    ],
    "annual_value": [
        "annual value (GBP)",
        "value per annum",
        "annual contract value",
        "annualised value",
        "yearly value",
    ],
    "irrecoverable_vat": [
        "irrecoverable VAT",
        "irrecoverable VAT (GBP)",
        "VAT that cannot be recovered",
        "VAT irrecoverable",
    ],
    "starts_on": ["start date", "contract start date", "start", "date of start"],
    "ends_on": ["end date", "contract end date", "end", "expiry date"],
    "review_on": ["review date", "contract review date"],
    "route": [
        "procurement route",
        "tender or quotation",
        "quotation or tender",
        "let by quotation or published tender",
        "procurement type",
        "procurement method",
    ],
    "is_sme": [
        "SME",
        "supplier is an SME",
        "is SME",
        "SME supplier",
        "SME status",
        "small or medium enterprise",
        "small or medium-sized enterprise",
    ],
    "is_vcse": [
        "VCSE",
        "supplier is a VCSE",
        "is VCSE",
        "VCSE status",
        "VCS",
        "voluntary or community sector",
        "voluntary or community sector organisation",
        "voluntary, community or social enterprise",
        "voluntary, community and social enterprise",
    ],
    "commissioners": ["partners", "partner bodies", "joint commissioners", "commissioned with"],
    # Identifiers from outside the register, and the procurement a contract was let in: the
    # columns /contracts.csv adds after the Transparency Code's (contracts.publication).
    "cpv_codes": ["CPV", "CPV code", "CPV codes", "common procurement vocabulary"],
    "notices": ["notice", "notices", "published notices"],
    "phase": ["procurement phase", "procurement"],
    "lot": ["lot", "lot number"],
    "phase_route": ["procurement phase route"],
    "phase_tender_value": [
        "procurement phase tender value (GBP)",
        "tender value",
        "tender value (GBP)",
        "value of the tender",
    ],
    "phase_bids": [
        "procurement phase bids received",
        "bids received",
        "number of bids",
        "number of tenderers",
    ],
    "phase_outcome": ["procurement phase outcome", "procurement outcome", "outcome"],
    "phase_cpv_codes": ["procurement phase CPV codes", "phase CPV codes"],
    "phase_notices": ["procurement phase notices", "phase notices"],
    "lot_cpv_codes": ["lot CPV codes"],
    "status": ["contract status"],
    "extension_options_remaining": ["extension options", "options to extend"],
}
CONTRACT_FILE_COLUMNS = Columns(CONTRACT_COLUMNS)
REQUIRED = {
    "reference": "reference",
    "title": "title",
    "supplier_name": "supplier name",
    "starts_on": "start date",
    "ends_on": "end date",
}

STATUS_WORDS = {
    "planned": ContractStatus.PLANNED,
    "active": ContractStatus.ACTIVE,
    "live": ContractStatus.ACTIVE,
    "current": ContractStatus.ACTIVE,
    "ended": ContractStatus.ENDED,
    "expired": ContractStatus.ENDED,
    "completed": ContractStatus.ENDED,
    "terminated": ContractStatus.TERMINATED,
    "terminatedearly": ContractStatus.TERMINATED,
}
ROLE_WORDS = {
    "lead": CommissionerRole.LEAD,
    "leadcommissioner": CommissionerRole.LEAD,
    "co": CommissionerRole.CO,
    "cocommissioner": CommissionerRole.CO,
    "jointcommissioner": CommissionerRole.CO,
    "partner": CommissionerRole.CO,
    "funder": CommissionerRole.FUNDER,
    "cofunder": CommissionerRole.FUNDER,
    "holder": CommissionerRole.HOLDER,
    "contractholder": CommissionerRole.HOLDER,
}
OFFICE_WORDS = {"this office", "the office"}

LEGAL_FORMS = {"ltd", "limited", "cic", "plc", "llp"}


def name_key(name: str) -> str:
    """A name as matching sees it: "Change, Grow, Live Ltd." and "change grow live" agree."""
    text = str(name).casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def registration_key(number: str) -> str:
    """Registration numbers compared without spaces, punctuation or leading zeros."""
    return re.sub(r"[^A-Z0-9]", "", str(number).upper()).lstrip("0")


def registration_scheme(number: str) -> str:
    """ "company" or "charity" for a number given without saying which.

    Companies House numbers have eight characters (01234567, SC123456); charity numbers in
    England and Wales have six or seven digits.
    """
    cleaned = re.sub(r"[^A-Z0-9]", "", number.upper())
    return "charity" if cleaned.isdigit() and len(cleaned) < 8 else "company"


def number_column(check: Checker, scheme: str) -> str:
    """The column a company or charity number came from: its own, or the shared one."""
    own = f"{scheme}_number"
    return own if check.has(own) else "registration_number"


def guess_partner_kind(name: str) -> str:
    words = squash(name)
    for needle, kind in (
        ("county council", PartnerKind.COUNTY_COUNCIL),
        ("city council", PartnerKind.CITY_COUNCIL),
        ("district council", PartnerKind.DISTRICT_COUNCIL),
        ("borough council", PartnerKind.DISTRICT_COUNCIL),
        ("council", PartnerKind.UNITARY_COUNCIL),
        ("probation", PartnerKind.PROBATION),
        ("ministry of justice", PartnerKind.PROBATION),
        ("nhs", PartnerKind.NHS),
        ("integrated care", PartnerKind.NHS),
        ("police and crime commissioner", PartnerKind.OPCC),
        ("opcc", PartnerKind.OPCC),
    ):
        if needle in words:
            return kind
    return PartnerKind.OTHER


@dataclass
class ContractDraft:
    record: Record
    contract: Contract
    provider: Provider | None
    commissioners: list[Commissioner] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lot: Lot | None = None


class ContractImport(ProcurementChecks, Import):
    """Contracts from a CSV file with the Transparency Code's columns (or JSON objects)."""

    noun = "contract"
    columns = CONTRACT_FILE_COLUMNS
    required = REQUIRED
    container = "contracts"

    def prepare(self) -> None:
        self.drafts: list[ContractDraft] = []
        self.new_providers: dict[str, Provider] = {}  # by name key
        self.new_bodies: dict[str, PartnerBody] = {}  # by name key
        self.today = timezone.localdate()

    def load_register(self, records: list[Record]) -> None:
        references = {str(r.values.get("reference", "")).strip() for r in records}
        self.existing_references = set(
            Contract.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        self.providers = list(Provider.objects.all())
        self.providers_by_name = {name_key(p.name): p for p in self.providers}
        self.providers_by_number = {}
        for provider in self.providers:
            for number in (provider.company_number, provider.charity_number):
                if registration_key(number):
                    self.providers_by_number[registration_key(number)] = provider
        self.bodies = {name_key(b.name): b for b in PartnerBody.objects.all()}
        self.warned_pairs: set[tuple[str, str]] = set()
        self.programmes = {squash(p.title): p for p in Programme.objects.all()}
        self.phases = {
            (squash(phase.programme.title), squash(phase.name)): phase
            for phase in ProcurementPhase.objects.select_related("programme")
        }
        self.lots = {(lot.phase_id, lot.number): lot for lot in Lot.objects.select_related("phase")}
        self.new_programmes: list[Programme] = []
        self.new_phases: list[ProcurementPhase] = []
        # The notices of each new phase, by the phase's id().
        self.phase_notices: dict[int, list[Notice]] = {}
        self.new_lots: list[Lot] = []

    def check_record(self, record: Record, seen: dict[str, int]) -> None:
        check = Checker(record, self.problems, self.warnings)
        plan = self.plan_row(check, seen)
        reference, title = plan.reference, plan.title

        # A date may be a day, a month or a year, and an empty cell is a date not recorded
        # (an old register row, a contract not yet let): nothing is made up for it.
        starts = check.precise_date("starts_on")
        ends = check.precise_date("ends_on")
        status = check.choice(
            "status", STATUS_WORDS, accepted="planned, active, ended or terminated"
        )
        if status is None and ends is not None:
            # A historic contract whose end has passed has ended; anything else is running.
            status = ContractStatus.ENDED if ends.last_day < self.today else ContractStatus.ACTIVE
        options = check.whole_number("extension_options_remaining")
        route = check.choice(
            "route",
            ROUTE_WORDS,
            accepted="quotation, published tender, framework call-off or direct award",
        )
        contract = Contract(
            reference=reference,
            title=title,
            description=check.text("description"),
            department=check.text("department"),
            total_value=check.money("total_value"),
            annual_value=check.money("annual_value"),
            irrecoverable_vat=check.money("irrecoverable_vat"),
            extension_options_remaining=options or 0,
            route=route or "",
            cpv_codes=self.check_cpv_codes(check, "cpv_codes"),
            status=status or ContractStatus.ACTIVE,
        )
        contract.starts, contract.ends = starts, ends
        contract.review = check.precise_date("review_on")
        check.model_errors(
            contract,
            fields={
                "reference": "reference",
                "title": "title",
                "description": "description",
                "department": "department",
                "starts_on": "starts_on",
                "ends_on": "ends_on",
                "review_on": "review_on",
                "total_value": "total_value",
                "annual_value": "annual_value",
                "irrecoverable_vat": "irrecoverable_vat",
                "route": "route",
                "cpv_codes": "cpv_codes",
                "status": "status",
            },
            constraints={
                "ends_after_start": "ends_on",
                "total_value_not_negative": "total_value",
                "annual_value_not_negative": "annual_value",
                "vat_not_negative": "irrecoverable_vat",
            },
            exclude=["provider", "lot"],
        )
        provider = self.check_provider(check, plan)
        commissioners = self.check_commissioners(check, plan)
        notices = self.check_notices(check, plan)
        lot = self.check_procurement(check, plan)
        if check.failed:
            return
        self.drafts.append(ContractDraft(record, contract, provider, commissioners, notices, lot))
        plan.actions.insert(
            0, f"Create contract {reference} ({contract.get_status_display().lower()})"
        )
        if starts or ends:
            plan.actions.append(
                f"Runs from {starts or 'a start not recorded'} to {ends or 'an end not recorded'}"
            )
        else:
            plan.actions.append("Start and end dates not recorded")
        values = [
            f"{label} {pounds(amount)}"
            for label, amount in (
                ("total value", contract.total_value),
                ("annual value", contract.annual_value),
                ("irrecoverable VAT", contract.irrecoverable_vat),
            )
            if amount is not None
        ]
        if values:
            plan.actions.append(", ".join(values).capitalize())
        if contract.route:
            plan.actions.append(f"Let by {contract.get_route_display().lower()}")
        if contract.cpv_codes:
            plan.actions.append(f"CPV codes {contract.cpv_codes}")
        self.rows.append(plan)

    # Identifiers from outside the register, and the procurement.

    def check_provider(self, check: Checker, plan: PlannedRow) -> Provider | None:
        # No supplier is a supplier not known yet (a preferred bidder, a re-tender).
        name = check.text("supplier_name")
        company = check.text("company_number")
        charity = check.text("charity_number")
        either = check.text("registration_number")
        if either and not (company or charity):
            if registration_scheme(either) == "company":
                company = either
            else:
                charity = either
        is_sme = check.flag("is_sme")
        is_vcse = check.flag("is_vcse")
        if not name:
            return None
        numbers = [n for n in (company, charity) if registration_key(n)]
        for number in numbers:
            provider = self.providers_by_number.get(registration_key(number))
            if provider is not None and provider.pk is None:
                plan.actions.append(f"Supplier: {provider.name}, new (as in an earlier row)")
                return provider
            if provider is not None:
                how = "its registration number"
                if name_key(provider.name) != name_key(name):
                    how += f" (the file calls it {name!r})"
                plan.actions.append(f"Supplier: {provider.name}, in the register, matched by {how}")
                self.compare_flags(check, provider, is_sme, is_vcse)
                return provider
        key = name_key(name)
        provider = self.providers_by_name.get(key) or self.new_providers.get(key)
        if provider is not None:
            if provider.pk is None:
                plan.actions.append(f"Supplier: {provider.name}, new (as in an earlier row)")
            else:
                plan.actions.append(f"Supplier: {provider.name}, in the register, matched by name")
                theirs = {
                    registration_key(provider.company_number),
                    registration_key(provider.charity_number),
                }
                for number in numbers:
                    if any(theirs) and registration_key(number) not in theirs:
                        check.warn(
                            number_column(check, "company" if number == company else "charity"),
                            f"{provider.name} is in the register with the registration number "
                            f"{provider.registration_number}, not {number}: check that this is "
                            "the same organisation.",
                        )
            self.compare_flags(check, provider, is_sme, is_vcse)
            return provider
        provider = Provider(
            name=name,
            company_number=company,
            charity_number=charity,
            is_sme=bool(is_sme),
            is_vcse=bool(is_vcse),
        )
        try:
            provider.full_clean(validate_unique=False)
        except ValidationError as invalid:
            for field_name, messages in invalid.message_dict.items():
                column = "supplier_name"
                if field_name in {"company_number", "charity_number"}:
                    column = number_column(check, field_name.removesuffix("_number"))
                for message in messages:
                    check.error(column, message)
            return None
        self.warn_similar(
            check,
            "supplier_name",
            name,
            key,
            "provider",
            self.providers_by_name,
            self.new_providers,
        )
        self.new_providers[key] = provider
        for number in numbers:
            self.providers_by_number.setdefault(registration_key(number), provider)
        facts = [f"company {company}" if company else "", f"charity {charity}" if charity else ""]
        facts += ["SME" if provider.is_sme else "", "VCSE" if provider.is_vcse else ""]
        described = ", ".join(fact for fact in facts if fact)
        plan.actions.append(f"New provider: {name}" + (f" ({described})" if described else ""))
        return provider

    def compare_flags(self, check: Checker, provider: Provider, is_sme, is_vcse) -> None:
        for key, stated, recorded, what in (
            ("is_sme", is_sme, provider.is_sme, "an SME"),
            ("is_vcse", is_vcse, provider.is_vcse, "a VCSE organisation"),
        ):
            if stated is None or stated == recorded:
                continue
            where = "the register" if provider.pk else "an earlier row"
            check.warn(
                key,
                f"{where.capitalize()} says {provider.name} is {'' if recorded else 'not '}{what}; "
                f"this row says it is {'' if stated else 'not '}{what}. {where.capitalize()} is "
                "kept.",
            )

    def warn_similar(self, check, column, name, key, noun, *known: dict) -> None:
        """A warning for each known name close to `name` without being the same."""
        hint = " or the registration number" if noun == "provider" else ""
        for names in known:
            for other_key, other in names.items():
                if other_key == key or (key, other_key) in self.warned_pairs:
                    continue
                if similar(key, other_key) >= 0.85:
                    self.warned_pairs.add((key, other_key))
                    where = "the register has" if other.pk else "an earlier row names"
                    check.warn(
                        column,
                        f"{name!r} is not in the register, but {where} the {noun} "
                        f"{other.name!r}, a similar name. A new {noun} will be created: if "
                        f"they are the same, use the same name{hint}.",
                    )

    # Commissioners.

    def check_commissioners(self, check: Checker, plan: PlannedRow) -> list[Commissioner]:
        commissioners: list[Commissioner] = []
        described = []
        seen: set[str] = set()
        total = Decimal(0)
        for item in check.items("commissioners"):
            name, role, share = split_commissioner(item)
            if role is None:
                check.error(
                    "commissioners",
                    f"{item!r}: say the role as lead commissioner, co-commissioner, funder or "
                    "contract holder.",
                )
                continue
            is_office = squash(name) == squash(settings.OFFICE_NAME) or squash(name) in OFFICE_WORDS
            key = "office" if is_office else name_key(name)
            if key in seen:
                check.error("commissioners", f"{name} is named twice.")
                continue
            seen.add(key)
            body = None
            if not is_office:
                body = self.bodies.get(key) or self.new_bodies.get(key)
                if body is None:
                    body = PartnerBody(name=name, kind=guess_partner_kind(name))
                    try:
                        body.full_clean(validate_unique=False)
                    except ValidationError as invalid:
                        for message in invalid.messages:
                            check.error("commissioners", f"{name}: {message}")
                        continue
                    self.warn_similar(
                        check,
                        "commissioners",
                        name,
                        key,
                        "partner body",
                        self.bodies,
                        self.new_bodies,
                    )
                    self.new_bodies[key] = body
                    plan.actions.append(
                        f"New partner body: {name} ({PartnerKind(body.kind).label.lower()})"
                    )
            role = role or (CommissionerRole.LEAD if is_office else CommissionerRole.CO)
            commissioner = Commissioner(body=body, role=role, share=share)
            try:
                commissioner.full_clean(exclude=["contract", "body"], validate_unique=False)
            except ValidationError as invalid:
                for message in invalid.messages:
                    check.error("commissioners", f"{name}: {message}")
                continue
            total += share or 0
            commissioners.append(commissioner)
            body_name = body.name if body is not None else settings.OFFICE_NAME
            described.append(f"{body_name} ({CommissionerRole(role).label.lower()})")
        if total > 100:
            check.error("commissioners", f"The shares add up to {total}%: no more than 100%.")
        if described:
            plan.actions.append("Commissioners: " + "; ".join(described))
        return commissioners

    # Writing.

    def store(self, by) -> None:
        for provider in self.new_providers.values():
            self.save(provider, by)
        for body in self.new_bodies.values():
            self.save(body, by)
        for programme in self.new_programmes:
            self.save(programme, by)
        for phase in self.new_phases:
            self.save(phase, by)
            self.save_under(phase, "phase", self.phase_notices.get(id(phase), []), by)
        for lot in self.new_lots:
            self.save(lot, by)
        for draft in self.drafts:
            contract = draft.contract
            contract.provider = draft.provider
            contract.lot = draft.lot
            self.save(contract, by)
            self.save_under(contract, "contract", [*draft.commissioners, *draft.notices], by)


def split_commissioner(item: str) -> tuple[str, str | None, Decimal | None]:
    """ "Warwickshire County Council (co-commissioner, 40%)" as name, role and share.

    A bracket that names no role is part of the name ("Probation Service (Leicester,
    Leicestershire and Rutland)"); then the role is left to the caller ("" means default).
    A role that cannot be read gives None.
    """
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", item)
    if not match:
        return item.strip(), "", None
    name, inside = match[1].strip(), match[2]
    role, share = "", None
    recognised = False
    for part in (p.strip() for p in inside.split(",")):
        percent = re.fullmatch(r"(\d+(\.\d+)?)\s*%", part)
        if percent:
            share = Decimal(percent[1])
            recognised = True
            continue
        word = re.sub(r"[^a-z]", "", part.casefold())
        if word in ROLE_WORDS:
            role = ROLE_WORDS[word]
            recognised = True
        elif recognised:
            return name, None, None
        else:
            # Not a role: the bracket belongs to the name.
            return item.strip(), "", None
    return name, role, share
