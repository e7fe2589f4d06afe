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
from django.utils import timezone

from contracts.publication import (
    PublicContract,
    PublicParty,
    PublicProcurement,
    contracts_last_changed,
    office_party,
    public_contracts,
    public_procurements,
)

# Until the office registers its own prefix with the Open Contracting Partnership.
DEFAULT_OCDS_PREFIX = "ocds-xxxxxx"
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
REGISTRATION_SCHEMES = {"company": "GB-COH", "charity": "GB-CHC"}


def ocds_prefix() -> str:
    return getattr(settings, "OCDS_PREFIX", "") or DEFAULT_OCDS_PREFIX


def ocid(key: str) -> str:
    return f"{ocds_prefix()}-{key}"


def _datetime(value: datetime.date | datetime.datetime | None, *, end: bool = False) -> str | None:
    """An RFC 3339 date-time in the office's time zone; a date starts (or with `end`, ends)
    at midnight."""
    if value is None:
        return None
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


def _items(procurement: PublicProcurement) -> list[dict]:
    return [
        {"id": f"lot-{lot.number}", "description": f"Lot {lot.number}: {lot.title}"}
        for lot in procurement.lots
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
    }
    planned_on = procurement.prior_information_notice_on or procurement.needs_assessment_on
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
        finished = procurement.ends_on is not None and procurement.ends_on < today
        releases.append(
            _release(
                procurement.key,
                f"{procurement.key}-tender",
                procurement.starts_on,
                ["tender"],
                buyer=buyer,
                parties=parties.as_list(),
                tender={
                    **tender_core,
                    "status": "complete" if finished else "active",
                    "procuringEntity": buyer,
                    "tenderPeriod": {
                        "startDate": _datetime(procurement.starts_on),
                        "endDate": _datetime(procurement.ends_on, end=True),
                    },
                    "contractPeriod": {"startDate": _datetime(procurement.service_starts_on)},
                },
            )
        )
    return releases


def _contract_parties(contract: PublicContract) -> tuple[Parties, dict, dict]:
    parties = Parties()
    buyer = None
    for commissioner in contract.commissioners:
        reference = parties.add(commissioner, PARTY_ROLES.get(commissioner.role_code, []))
        if buyer is None and commissioner.role_code in {"lead", "holder"}:
            buyer = reference
    if buyer is None:
        buyer = parties.add(office_party(), ["buyer"])
    supplier = parties.add(contract.supplier, ["supplier"])
    return parties, buyer, supplier


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
                        "suppliers": [supplier],
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

    original_end = (
        contract.extensions[0].previous_ends_on if contract.extensions else contract.ends_on
    )
    original_period = {
        "startDate": _datetime(contract.starts_on),
        "endDate": _datetime(original_end, end=True),
    }
    contract_core = {
        "id": contract.key,
        "awardID": award_id,
        "title": contract.title,
        "description": contract.description,
        "value": value,
        "items": [{"id": "1", "description": contract.lot}] if contract.lot else [],
    }
    releases = [
        _release(
            process,
            f"{contract.key}-award",
            contract.starts_on,
            ["award"],
            buyer=buyer,
            parties=parties.as_list(),
            awards=[
                {
                    "id": award_id,
                    "title": contract.title,
                    "description": contract.description,
                    "status": "active",
                    "date": _datetime(contract.starts_on),
                    "value": value,
                    "suppliers": [supplier],
                    "contractPeriod": original_period,
                }
            ],
        ),
        _release(
            process,
            f"{contract.key}-contract",
            contract.starts_on,
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
            f"{extension.kind}: the end date moves from {extension.previous_ends_on:%-d %B %Y} "
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
                "date": _datetime(extension.recorded_at),
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
                            "startDate": _datetime(contract.starts_on),
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
