"""The contract register as Open Contracting Data Standard 1.1 releases.

Each procurement phase is one contracting process (its lots are the tender's items); a
contract let outside a recorded phase is a process of its own. A process is told as dated
releases: planning (the Prior Information Notice or needs assessment), tender, then for each
contract an award, the contract itself, and one contract amendment per extension or variation.
Identifiers are stable: an ocid is the publisher's prefix (`OCDS_PREFIX`) and the phase's or
contract's key, and a release id is its kind and the key of what it describes.

Everything is built from `contracts.publication` (public contracts and procurements), so
nothing here reads a model field the public register does not show.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core import checks
from django.utils import timezone

from commissioning.dates import PreciseDate, Precision
from contracts.publication import (
    PublicContract,
    PublicNotice,
    PublicParty,
    PublicProcurement,
    contracts_last_changed,
    office_party,
    public_contracts,
    public_procurements,
)

OCDS_VERSION = "1.1"
OPEN_GOVERNMENT_LICENCE = (
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
CURRENCY = "GBP"

# The register's commissioner roles in the partyRole codelist.
PARTY_ROLES = {
    "lead": ["buyer"],
    "co": ["buyer"],
    "funder": ["funder"],
    "holder": ["buyer", "payer"],
    "supplier": ["supplier"],
}
PROCUREMENT_METHODS = {
    "published_tender": "open",
    "quotation": "limited",
    "framework": "selective",
    "direct_award": "direct",
}
CONTRACT_STATUSES = {"active": "active", "ended": "terminated", "terminated": "terminated"}
# How a phase ended, in the tenderStatus codelist. A phase re-tendered was stopped and run
# again as another process: this one was cancelled. With no outcome recorded, a phase whose
# tender period has passed has no status: it is not known how it ended.
TENDER_STATUSES = {
    "completed": "complete",
    "aborted": "cancelled",
    "failed": "unsuccessful",
    "retendered": "cancelled",
}
REGISTRATION_SCHEMES = {"company": "GB-COH", "charity": "GB-CHC"}


# What the deploy check and the OCDS address say when production has no registered prefix.
NO_PREFIX = (
    "The Open Contracting Data Standard data is not published: this register has no ocid "
    "prefix of its own. Every release is named by the prefix the Open Contracting Partnership "
    "registers for the office, so that its identifiers are unique the world over; without one "
    "they would be made up. The office registers a prefix with the Open Contracting "
    "Partnership and sets it as OCDS_PREFIX; the data is published from then on.\n"
)


def ocds_prefix() -> str:
    return settings.OCDS_PREFIX


def missing_prefix() -> bool:
    """Whether production lacks a registered prefix (none, or the test prefix)."""
    return settings.PRODUCTION and settings.OCDS_PREFIX in {"", settings.OCDS_TEST_PREFIX}


def check_ocds_prefix(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`check --deploy` fails in production until the office's registered prefix is set
    (registered in contracts/apps.py)."""
    if not missing_prefix():
        return []
    return [
        checks.Error(
            "OCDS_PREFIX is not set to the office's registered ocid prefix.",
            hint=NO_PREFIX.strip(),
            id="contracts.E001",
        )
    ]


def ocid(key: str) -> str:
    return f"{ocds_prefix()}-{key}"


def _datetime(
    value: PreciseDate | datetime.date | datetime.datetime | None, *, end: bool = False
) -> str | None:
    """An RFC 3339 date-time in the office's time zone; a date starts (or with `end`, ends)
    at midnight. None (a date not recorded) stays None, and the field is left out.

    OCDS has date-times only. A date known to the month or the year (commissioning.dates) is
    given as the period's first day, as the register stores it: that is all OCDS can hold of
    it. The CSV and the workspace keep the precision ("2023-03"), and a day is never guessed.
    """
    if value is None:
        return None
    if isinstance(value, PreciseDate):
        if value.precision != Precision.DAY:
            end = False  # the first day of the period, not the end of a made-up one
        value = value.value
    if not isinstance(value, datetime.datetime):
        at = datetime.time(23, 59, 59) if end else datetime.time.min
        value = timezone.make_aware(datetime.datetime.combine(value, at))
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _value(amount: Decimal | None) -> dict | None:
    if amount is None:
        return None
    number = float(amount)
    return {"amount": int(number) if number.is_integer() else number, "currency": CURRENCY}


def _prune(data):
    """Drop empty values: OCDS prefers a field left out to a field set to null."""
    if isinstance(data, dict):
        pruned = {key: _prune(value) for key, value in data.items()}
        return {key: value for key, value in pruned.items() if value not in (None, "", [], {})}
    if isinstance(data, list):
        return [_prune(item) for item in data]
    return data


class Parties:
    """The organisations one release refers to, each once with all its roles."""

    def __init__(self) -> None:
        self._parties: dict[str, dict] = {}

    def add(self, party: PublicParty, roles: list[str]) -> dict:
        entry = self._parties.get(party.key)
        if entry is None:
            entry = {"id": party.key, "name": party.name, "roles": []}
            if party.registration_number and party.registration_scheme:
                entry["identifier"] = {
                    "scheme": REGISTRATION_SCHEMES[party.registration_scheme],
                    "id": party.registration_number,
                    "legalName": party.name,
                }
            self._parties[party.key] = entry
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return {"id": entry["id"], "name": entry["name"]}

    def as_list(self) -> list[dict]:
        return list(self._parties.values())


def _release(process_key: str, release_id: str, date, tags: list[str], **content) -> dict:
    return _prune(
        {
            "ocid": ocid(process_key),
            "id": release_id,
            "date": _datetime(date),
            "tag": tags,
            "initiationType": "tender",
            "language": "en",
            **content,
        }
    )


def _classified(item: dict, cpv_codes: list[str]) -> dict:
    """An item with its CPV codes: the first is its classification, any others additional."""
    if cpv_codes:
        first, *others = cpv_codes
        item["classification"] = {"scheme": "CPV", "id": first}
        if others:
            item["additionalClassifications"] = [{"scheme": "CPV", "id": code} for code in others]
    return item


def _items(procurement: PublicProcurement) -> list[dict]:
    """The lots as the tender's items. A lot without CPV codes of its own has the phase's,
    which describe the whole procurement; a phase with no lots is one item."""
    if not procurement.lots:
        if not procurement.cpv_codes:
            return []
        return [_classified({"id": "1", "description": procurement.title}, procurement.cpv_codes)]
    return [
        _classified(
            {"id": f"lot-{lot.number}", "description": f"Lot {lot.number}: {lot.title}"},
            lot.cpv_codes or procurement.cpv_codes,
        )
        for lot in procurement.lots
    ]


def _documents(notices: list[PublicNotice]) -> list[dict]:
    """Notices published elsewhere, as documents of the tender or the contract.

    A notice is a published document with an address and a date, which is what OCDS's
    `documents` describe. `relatedProcesses` would be wrong: it links contracting processes
    by their ocid, and a notice's identifier is not an ocid (a Find a Tender notice number
    never is). Which stage a notice announced (planning, tender, award) is not recorded, so
    its `documentType` is left out rather than guessed."""
    return [
        {
            "id": notice.key,
            "title": " ".join(part for part in (notice.kind, "notice", notice.identifier) if part),
            "url": notice.url,
            "datePublished": _datetime(notice.published_on),
        }
        for notice in notices
    ]


def procurement_releases(procurement: PublicProcurement, today: datetime.date) -> list[dict]:
    releases = []
    office = office_party()
    tender_core = {
        "id": procurement.key,
        "title": procurement.title,
        "description": procurement.description,
        "items": _items(procurement),
        "procurementMethod": PROCUREMENT_METHODS.get(procurement.route_code),
        "procurementMethodDetails": procurement.route,
        "value": _value(procurement.tender_value),
        "numberOfTenderers": procurement.number_of_bids,
        "documents": _documents(procurement.notices),
    }
    planned_on = procurement.prior_information_notice or procurement.needs_assessment_on
    if planned_on:
        parties = Parties()
        buyer = parties.add(office, ["buyer", "procuringEntity"])
        releases.append(
            _release(
                procurement.key,
                f"{procurement.key}-planning",
                planned_on,
                ["planning"],
                buyer=buyer,
                parties=parties.as_list(),
                planning={"rationale": procurement.rationale},
                tender={**tender_core, "status": "planned", "procuringEntity": buyer},
            )
        )
    if procurement.starts_on:
        parties = Parties()
        buyer = parties.add(office, ["buyer", "procuringEntity"])
        finished = procurement.ends is not None and procurement.ends.last_day < today
        if procurement.outcome_code:
            status = TENDER_STATUSES[procurement.outcome_code]
        else:
            status = None if finished else "active"
        releases.append(
            _release(
                procurement.key,
                f"{procurement.key}-tender",
                procurement.starts,
                ["tender"],
                buyer=buyer,
                parties=parties.as_list(),
                tender={
                    **tender_core,
                    "status": status,
                    "procuringEntity": buyer,
                    "tenderPeriod": {
                        "startDate": _datetime(procurement.starts),
                        "endDate": _datetime(procurement.ends, end=True),
                    },
                    "contractPeriod": {"startDate": _datetime(procurement.service_starts)},
                },
            )
        )
    return releases


def _contract_parties(contract: PublicContract) -> tuple[Parties, dict, dict | None]:
    """The parties of a contract's releases; a supplier not known is left out."""
    parties = Parties()
    buyer = None
    for commissioner in contract.commissioners:
        reference = parties.add(commissioner, PARTY_ROLES.get(commissioner.role_code, []))
        if buyer is None and commissioner.role_code in {"lead", "holder"}:
            buyer = reference
    if buyer is None:
        buyer = parties.add(office_party(), ["buyer"])
    supplier = parties.add(contract.supplier, ["supplier"]) if contract.supplier else None
    return parties, buyer, supplier


def _contract_items(contract: PublicContract) -> list[dict]:
    """What the contract buys: its lot, or itself, classified by its CPV codes (or its
    lot's)."""
    cpv_codes = contract.cpv_codes or contract.lot_cpv_codes
    if not contract.lot and not cpv_codes:
        return []
    return [_classified({"id": "1", "description": contract.lot or contract.title}, cpv_codes)]


def contract_releases(contract: PublicContract) -> list[dict]:
    process = contract.procurement_key or contract.key
    parties, buyer, supplier = _contract_parties(contract)
    award_id = f"{contract.key}-award"
    value = _value(contract.value)
    if not contract.is_listed_in_full:
        # At or below the threshold: the value, the parties and the purpose, nothing more.
        return [
            _release(
                process,
                f"{contract.key}-contract",
                contract.recorded_at,
                ["award", "contract"],
                buyer=buyer,
                parties=parties.as_list(),
                awards=[
                    {
                        "id": award_id,
                        "title": contract.title,
                        "value": value,
                        "suppliers": [supplier] if supplier else [],
                    }
                ],
                contracts=[
                    {
                        "id": contract.key,
                        "awardID": award_id,
                        "title": contract.title,
                        "value": value,
                    }
                ],
            )
        ]

    original_end = contract.extensions[0].previous_ends if contract.extensions else contract.ends
    original_period = {
        "startDate": _datetime(contract.starts),
        "endDate": _datetime(original_end, end=True),
    }
    # A release is dated; a contract whose start is not recorded is dated by when it was
    # put on the register, which is when the register first said anything of it.
    dated = contract.starts or contract.recorded_at
    contract_core = {
        "id": contract.key,
        "awardID": award_id,
        "title": contract.title,
        "description": contract.description,
        "value": value,
        "items": _contract_items(contract),
        "documents": _documents(contract.notices),
    }
    releases = [
        _release(
            process,
            f"{contract.key}-award",
            dated,
            ["award"],
            buyer=buyer,
            parties=parties.as_list(),
            awards=[
                {
                    "id": award_id,
                    "title": contract.title,
                    "description": contract.description,
                    "status": "active",
                    "date": _datetime(contract.starts),
                    "value": value,
                    "suppliers": [supplier] if supplier else [],
                    "contractPeriod": original_period,
                }
            ],
        ),
        _release(
            process,
            f"{contract.key}-contract",
            dated,
            ["contract"],
            buyer=buyer,
            parties=parties.as_list(),
            contracts=[
                {
                    **contract_core,
                    "status": "active",
                    "period": original_period,
                }
            ],
        ),
    ]
    amendments = []
    previous_release = f"{contract.key}-contract"
    for extension in contract.extensions:
        release_id = f"{extension.key}-amendment"
        description = (
            f"{extension.kind}: the end date moves from {extension.previous_ends} "
            f"to {extension.new_ends_on:%-d %B %Y}. Basis: {extension.basis}."
        )
        if extension.decision:
            description += (
                f" Authorised by decision {extension.decision.reference}: "
                f"{extension.decision.title}."
            )
        amendments.append(
            {
                "id": extension.key,
                # When it took effect; left out when that is not recorded (the day it was
                # typed in is the release's date, not the amendment's).
                "date": _datetime(extension.takes_effect_on),
                "rationale": extension.reason,
                "description": description,
                "amendsReleaseID": previous_release,
                "releaseID": release_id,
            }
        )
        is_last = extension is contract.extensions[-1]
        releases.append(
            _release(
                process,
                release_id,
                extension.recorded_at,
                ["contractAmendment"],
                buyer=buyer,
                parties=parties.as_list(),
                contracts=[
                    {
                        **contract_core,
                        "status": CONTRACT_STATUSES.get(contract.status_code)
                        if is_last
                        else "active",
                        "period": {
                            "startDate": _datetime(contract.starts),
                            "endDate": _datetime(extension.new_ends_on, end=True),
                        },
                        "amendments": list(amendments),
                    }
                ],
            )
        )
        previous_release = release_id
    if not contract.extensions and contract.status_code != "active":
        releases[-1]["contracts"][0]["status"] = CONTRACT_STATUSES.get(contract.status_code)
    return releases


def release_package(*, uri: str, today: datetime.date | None = None) -> dict:
    """All public releases in one release package."""
    today = today or timezone.localdate()
    releases = []
    for procurement in public_procurements(today):
        releases.extend(procurement_releases(procurement, today))
    for contract in public_contracts():
        releases.extend(contract_releases(contract))
    published = contracts_last_changed() or timezone.now()
    package = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _datetime(published),
        "publisher": {"name": settings.OFFICE_NAME},
        "license": getattr(settings, "OCDS_LICENSE", "") or OPEN_GOVERNMENT_LICENCE,
        "releases": releases,
    }
    return package
