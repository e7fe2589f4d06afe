"""Identifiers from outside the register (issue 23): the office's ocid prefix, notices, CPV
codes, the procurement route, tender value, bids, the outcome of a phase, the bases for an
extension and when an amendment took effect."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.importing import ContractImport
from contracts.models import (
    Contract,
    ExtensionBasis,
    Lot,
    Notice,
    ProcurementPhase,
    Programme,
    Provider,
)
from tests.factories import ContractFactory, LotFactory, NoticeFactory, ProcurementPhaseFactory
from tests.importing.conftest import csv_file
from tests.publication.test_open_data import package_validator
from tests.workspace.conftest import form_fields
from tests.workspace.test_contracts import extension_data

pytestmark = pytest.mark.django_db

D = datetime.date

# -- the ocid prefix -------------------------------------------------------------------------------


def test_away_from_production_the_ocids_use_the_marked_test_prefix(member_of_public):
    ContractFactory()

    package = member_of_public.get("/contracts/ocds.json").json()

    assert {release["ocid"][:12] for release in package["releases"]} == {"ocds-test00-"}


@pytest.mark.parametrize("prefix", ["", "ocds-test00"], ids=["unset", "test-prefix"])
def test_production_without_a_registered_prefix_refuses_to_publish_ocds(
    member_of_public, settings, prefix
):
    settings.PRODUCTION = True
    settings.OCDS_PREFIX = prefix
    ContractFactory(reference="OPCC-123")

    response = member_of_public.get("/contracts/ocds.json")

    assert response.status_code == 503
    body = response.content.decode()
    assert "no ocid prefix of its own" in body
    assert "OCDS_PREFIX" in body
    assert "OPCC-123" not in body and "ocds-" not in body


def test_production_with_its_registered_prefix_publishes_ocds(member_of_public, settings):
    settings.PRODUCTION = True
    settings.OCDS_PREFIX = "ocds-b5fd17"
    ContractFactory()

    package = member_of_public.get("/contracts/ocds.json").json()

    assert all(release["ocid"].startswith("ocds-b5fd17-") for release in package["releases"])


# -- notices, CPV codes and the facts of a phase in the workspace ----------------------------------


@pytest.fixture
def editor(client_for, officer):
    return client_for(officer)


def test_officer_adds_a_notice_to_a_contract_from_its_page(editor, officer):
    contract = ContractFactory()
    page = editor.get(reverse("workspace:contract-detail", args=[contract.pk])).content.decode()
    add_url = reverse("workspace:contract-notice-create", args=[contract.pk])
    assert f'href="{add_url}"' in page
    assert "No notice recorded." in page
    data = form_fields(editor.get(add_url))
    data.update(
        {
            "kind": "find_a_tender",
            "identifier": "2022/S 000-031247",
            "url": "https://www.find-tender.service.gov.uk/Notice/031247-2022",
            "published_on_day": "1",
            "published_on_month": "11",
            "published_on_year": "2022",
        }
    )

    response = editor.post(add_url, data)

    assert response["Location"] == contract.get_absolute_url()
    notice = contract.notices.get()
    assert (notice.kind, notice.published_on) == ("find_a_tender", D(2022, 11, 1))
    assert notice.history.get().history_user == officer
    page = editor.get(contract.get_absolute_url()).content.decode()
    assert 'href="https://www.find-tender.service.gov.uk/Notice/031247-2022"' in page
    assert "1 November 2022" in page
    assert f'href="{reverse("workspace:notice-edit", args=[notice.pk])}"' in page


def test_officer_adds_a_notice_to_a_phase_from_its_programme_page(editor):
    phase = ProcurementPhaseFactory(name="Phase 2")
    page = editor.get(phase.programme.get_absolute_url()).content.decode()
    add_url = reverse("workspace:phase-notice-create", args=[phase.pk])
    assert f'href="{add_url}"' in page
    data = form_fields(editor.get(add_url))
    data.update({"kind": "contracts_finder", "identifier": "a1b2c3d4-0000-4000-8000-000000000001"})

    response = editor.post(add_url, data)

    assert response["Location"] == phase.programme.get_absolute_url()
    notice = phase.notices.get()
    assert notice.url == "" and notice.published_on is None
    page = editor.get(phase.programme.get_absolute_url()).content.decode()
    assert "a1b2c3d4-0000-4000-8000-000000000001" in page
    assert "Not recorded" in page


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.cookie)",
        "ftp://files.example.org/notice.pdf",
        "www.find-tender.service.gov.uk/Notice/031247-2022",
    ],
)
def test_a_notice_address_that_is_not_http_is_refused_next_to_the_field(editor, address):
    contract = ContractFactory()
    add_url = reverse("workspace:contract-notice-create", args=[contract.pk])
    data = form_fields(editor.get(add_url))
    data.update({"kind": "other", "identifier": "N-1", "url": address})

    response = editor.post(add_url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [
        "Enter the notice's web address, starting https:// or http://"
    ]
    assert "govuk-error-summary" in response.content.decode()
    assert not Notice.objects.exists()


def test_a_notice_needs_its_identifier_or_its_address(editor):
    contract = ContractFactory()
    add_url = reverse("workspace:contract-notice-create", args=[contract.pk])
    data = form_fields(editor.get(add_url))
    data.update({"kind": "find_a_tender"})

    response = editor.post(add_url, data)

    assert response.context["form"].errors["identifier"] == [
        "Enter the notice's identifier, its address or both"
    ]
    assert not Notice.objects.exists()


def test_changing_a_notice_is_kept_in_the_contracts_history(editor, officer):
    notice = NoticeFactory(identifier="2022/S 000-000001")
    url = reverse("workspace:notice-edit", args=[notice.pk])
    data = form_fields(editor.get(url))
    data["identifier"] = "2022/S 000-031247"

    response = editor.post(url, data)

    assert response["Location"] == notice.contract.get_absolute_url()
    notice.refresh_from_db()
    assert notice.identifier == "2022/S 000-031247"
    history = editor.get(reverse("workspace:contract-history", args=[notice.contract.pk]))
    assert "Notice: 2022/S 000-031247" in history.content.decode()


def test_a_bad_cpv_code_is_refused_next_to_the_field_and_changes_nothing(editor):
    contract = ContractFactory(cpv_codes="85312300-2")
    url = reverse("workspace:contract-edit", args=[contract.pk])
    data = form_fields(editor.get(url))
    data.update({"cpv_codes": "85312300-2, 8531230", "title": "A new title"})

    response = editor.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["cpv_codes"] == [
        "8531230 is not a CPV code: a CPV code is eight digits, a hyphen and a check digit, "
        "like 85312300-2"
    ]
    contract.refresh_from_db()
    assert (contract.cpv_codes, contract.title) == (
        "85312300-2",
        "Adult criminal justice drugs and alcohol service",
    )


def test_a_phase_records_cpv_codes_value_bids_and_outcome(editor, officer):
    phase = ProcurementPhaseFactory(name="Phase 1")
    programme_url = phase.programme.get_absolute_url()
    page = editor.get(programme_url).content.decode()
    for fact in ("CPV codes", "Value of the tender", "Bids received", "Outcome"):
        assert re.search(rf">{fact}</dt>\s*<dd[^>]*>Not recorded</dd>", page), fact
    url = reverse("workspace:phase-edit", args=[phase.pk])
    data = form_fields(editor.get(url))
    data.update(
        {
            "cpv_codes": "85312300-2,85312310-5  85312300-2",
            "tender_value": "2400000",
            "number_of_bids": "7",
            "outcome": "retendered",
        }
    )

    response = editor.post(url, data)

    assert response["Location"] == programme_url
    phase.refresh_from_db()
    assert phase.cpv_codes == "85312300-2; 85312310-5"
    assert (phase.tender_value, phase.number_of_bids, phase.outcome) == (
        Decimal("2400000.00"),
        7,
        "retendered",
    )
    page = editor.get(programme_url).content.decode()
    for shown in ("85312300-2; 85312310-5", "£2,400,000.00", "Re-tendered"):
        assert shown in page


def test_no_bids_is_a_fact_and_differs_from_not_recorded(editor):
    phase = ProcurementPhaseFactory(number_of_bids=0)

    page = editor.get(phase.programme.get_absolute_url()).content.decode()

    assert re.search(r">Bids received</dt>\s*<dd[^>]*>0</dd>", page)


# -- the bases of an extension, and when it took effect --------------------------------------------


def test_the_extension_form_offers_the_bases_an_administrator_keeps(client_for, administrator):
    admin = client_for(administrator)
    response = admin.post(
        "/admin/contracts/extensionbasis/add/",
        {
            "code": "urgent-need",
            "label": "Urgent need under the Contract Standing Orders",
            "order": "40",
            "is_offered": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    retired = ExtensionBasis.objects.get(code=ExtensionBasis.CONTRACT_OPTION)
    retired.is_offered = False
    retired.save()
    contract = ContractFactory()

    page = admin.get(reverse("workspace:contract-extend", args=[contract.pk])).content.decode()

    assert "Urgent need under the Contract Standing Orders" in page
    assert "The procurement of the replacement was aborted" in page
    assert "An exemption from the Finance and Contract Regulations" in page
    assert "An extension option in the contract" not in page


def test_an_extension_forced_by_an_aborted_procurement_keeps_when_it_took_effect(editor, officer):
    contract = ContractFactory(ends_on=D(2023, 3, 31), extension_options_remaining=0)
    url = reverse("workspace:contract-extend", args=[contract.pk])
    data = extension_data(
        editor.get(url),
        basis=ExtensionBasis.PROCUREMENT_ABORTED,
        takes_effect_on_day="1",
        takes_effect_on_month="4",
        takes_effect_on_year="2023",
    )

    response = editor.post(url, data)

    assert response.status_code == 302
    extension = contract.extensions.get()
    assert extension.basis.label == "The procurement of the replacement was aborted"
    assert extension.takes_effect_on == D(2023, 4, 1)
    contract.refresh_from_db()
    assert contract.extension_options_remaining == 0  # an exemption-like basis uses no option
    page = editor.get(contract.get_absolute_url()).content.decode()
    assert "Took effect on 1 April 2023" in page


def test_an_extension_whose_start_is_unknown_says_so(editor, officer):
    contract = ContractFactory(ends_on=D(2023, 3, 31))
    url = reverse("workspace:contract-extend", args=[contract.pk])

    editor.post(url, extension_data(editor.get(url), basis=ExtensionBasis.EXEMPTION))

    assert contract.extensions.get().takes_effect_on is None
    page = editor.get(contract.get_absolute_url()).content.decode()
    assert "When it took effect: not recorded" in page


def test_a_basis_an_extension_cites_cannot_be_deleted(client_for, administrator, officer):
    contract = ContractFactory(ends_on=D(2023, 3, 31))
    contract.extend(
        new_end=D(2024, 3, 31), reason="Interim", basis=ExtensionBasis.EXEMPTION, by=officer
    )
    admin = client_for(administrator)

    admin.post(
        f"/admin/contracts/extensionbasis/{ExtensionBasis.EXEMPTION}/delete/", {"post": "yes"}
    )

    assert ExtensionBasis.objects.filter(code=ExtensionBasis.EXEMPTION).exists()


# -- import and /contracts.csv ---------------------------------------------------------------------

IMPORT_HEADER = [
    "Reference",
    "Title",
    "Supplier name",
    "Supplier registration number",
    "Total value (GBP)",
    "Start date",
    "End date",
    "Let by quotation or published tender",
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
ADULT_ROW = {
    "Reference": "WOPCC-DA-ADULT-2024",
    "Title": "Adult drugs and alcohol service",
    "Supplier name": "Change Grow Live",
    "Supplier registration number": "1079327",
    "Total value (GBP)": "£2,100,000.00",
    "Start date": "1 April 2024",
    "End date": "31/03/2027",
    "Let by quotation or published tender": "published tender",
    "CPV codes": "85312300-2, 85312310-5",
    "Notices": "Find a Tender: 2023/S 000-012345 "
    "https://www.find-tender.service.gov.uk/Notice/012345-2023 2023-06-01; "
    "Contracts Finder: a1b2c3d4-0000-4000-8000-000000000001",
    "Procurement phase": "Substance misuse recommissioning: Phase 2",
    "Lot": "Lot 1: Adult criminal justice service",
    "Procurement phase route": "Published tender",
    "Procurement phase tender value (GBP)": "2400000",
    "Procurement phase bids received": "4",
    "Procurement phase outcome": "Re-tendered",
    "Procurement phase CPV codes": "85312300-2; 85323000-9",
    "Procurement phase notices": "Find a Tender: 2023/S 000-004321 "
    "https://www.find-tender.service.gov.uk/Notice/004321-2023 2023-02-01",
    "Lot CPV codes": "85312310-5",
}


def imported(text: str, officer) -> ContractImport:
    result = ContractImport(text.encode("utf-8"), "contracts.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)
    return result


def test_import_takes_notices_cpv_codes_route_and_outcome(officer):
    imported(csv_file([ADULT_ROW], IMPORT_HEADER), officer)

    contract = Contract.objects.get(reference="WOPCC-DA-ADULT-2024")
    assert contract.cpv_codes == "85312300-2; 85312310-5"
    assert [(n.kind, n.identifier, n.url, n.published_on) for n in contract.notices.all()] == [
        (
            "find_a_tender",
            "2023/S 000-012345",
            "https://www.find-tender.service.gov.uk/Notice/012345-2023",
            D(2023, 6, 1),
        ),
        ("contracts_finder", "a1b2c3d4-0000-4000-8000-000000000001", "", None),
    ]
    phase = contract.lot.phase
    assert (phase.programme.title, phase.name, contract.lot.number) == (
        "Substance misuse recommissioning",
        "Phase 2",
        1,
    )
    assert (phase.route, phase.tender_value, phase.number_of_bids, phase.outcome) == (
        "published_tender",
        Decimal("2400000.00"),
        4,
        "retendered",
    )
    assert contract.notices.first().history.get().history_user == officer
    assert (phase.cpv_codes, contract.lot.cpv_codes) == ("85312300-2; 85323000-9", "85312310-5")
    notice = phase.notices.get()
    assert (notice.kind, notice.identifier, notice.published_on) == (
        "find_a_tender",
        "2023/S 000-004321",
        D(2023, 2, 1),
    )
    assert notice.history.get().history_user == officer


def test_the_new_columns_round_trip_through_contracts_csv(officer, member_of_public):
    imported(csv_file([ADULT_ROW], IMPORT_HEADER), officer)
    exported = member_of_public.get("/contracts.csv").content
    row = next(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert row["CPV codes"] == "85312300-2; 85312310-5"
    assert row["Procurement phase outcome"] == "Re-tendered"
    assert row["Procurement phase bids received"] == "4"
    assert row["Procurement phase CPV codes"] == "85312300-2; 85323000-9"
    assert row["Procurement phase notices"] == ADULT_ROW["Procurement phase notices"]
    assert row["Lot CPV codes"] == "85312310-5"
    for model in (Notice, Contract, Lot, ProcurementPhase, Programme, Provider):
        model.objects.all().delete()

    result = ContractImport(exported, "contracts.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    result.write(by=officer)

    assert member_of_public.get("/contracts.csv").content == exported


def test_unknown_identifiers_stay_empty_cells_and_out_of_ocds(officer, member_of_public):
    row = {key: value for key, value in ADULT_ROW.items() if key in IMPORT_HEADER[:8]}
    imported(csv_file([row], IMPORT_HEADER[:8]), officer)

    exported = next(
        csv.DictReader(io.StringIO(member_of_public.get("/contracts.csv").content.decode()))
    )
    assert [exported[column] for column in IMPORT_HEADER[8:]] == [""] * len(IMPORT_HEADER[8:])
    package = member_of_public.get("/contracts/ocds.json").json()
    contract = next(r for r in package["releases"] if r["tag"] == ["contract"])["contracts"][0]
    assert "documents" not in contract and "items" not in contract
    reference = exported["Reference"]
    page = member_of_public.get(f"/contracts/{reference}/").content.decode()
    assert re.search(r">CPV codes</dt>\s*<dd[^>]*>Not recorded</dd>", page)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("CPV codes", "85312300", "85312300 is not a CPV code"),
        (
            "Notices",
            "Other: N-1 ftp://files.example.org/n1.pdf",
            "Enter the notice's web address, starting https:// or http://",
        ),
        ("Notices", "Newspaper: N-1", "say where it was published"),
        ("Procurement phase outcome", "postponed", "completed, aborted, failed or re-tendered"),
        ("Procurement phase CPV codes", "8531", "8531 is not a CPV code"),
        ("Procurement phase notices", "Newspaper: N-2", "say where it was published"),
        ("Lot", "", "through a lot"),
    ],
)
def test_a_bad_identifier_is_refused_by_row_and_column_and_nothing_is_imported(
    officer, column, value, message
):
    result = ContractImport(
        csv_file([{**ADULT_ROW, column: value}], IMPORT_HEADER).encode(), "contracts.csv"
    )

    assert not result.is_valid
    assert any(
        problem.row == 2 and problem.column == column and message in problem.reason
        for problem in result.problems
    ), [str(problem) for problem in result.problems]
    assert not Contract.objects.exists() and not Notice.objects.exists()
    assert not ProcurementPhase.objects.exists()


def test_json_import_takes_notices_as_objects(officer):
    record = {
        "reference": "OPCC-J-1",
        "title": "Young people's service",
        "supplier_name": "Compass",
        "starts_on": "2024-04-01",
        "ends_on": "2027-03-31",
        "cpv_codes": ["85312300-2"],
        "notices": [
            {
                "kind": "Find a Tender",
                "identifier": "2023/S 000-012346",
                "url": "https://www.find-tender.service.gov.uk/Notice/012346-2023",
                "published_on": "2023-06-02",
            }
        ],
    }
    result = ContractImport(json.dumps({"contracts": [record]}).encode(), "contracts.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)

    contract = Contract.objects.get(reference="OPCC-J-1")
    assert contract.cpv_codes == "85312300-2"
    assert contract.notices.get().published_on == D(2023, 6, 2)


# -- the OCDS data ---------------------------------------------------------------------------------


@pytest.fixture
def identified(officer):
    """A phase with every new fact recorded, a lot with its own CPV code and one without, and a
    contract let under it with a notice and an extension that took effect on 1 April 2023."""
    phase = ProcurementPhaseFactory(
        name="Phase 2",
        prior_information_notice_on=D(2022, 11, 1),
        starts_on=D(2022, 12, 1),
        ends_on=D(2023, 2, 28),
        cpv_codes="85312300-2; 85000000-9",
        tender_value=Decimal("2400000.00"),
        number_of_bids=4,
        outcome="aborted",
    )
    own = LotFactory(phase=phase, number=1, title="Adult service", cpv_codes="85312310-5")
    LotFactory(phase=phase, number=2, title="Youth service")
    NoticeFactory(contract=None, phase=phase, identifier="2022/S 000-031247")
    contract = ContractFactory(lot=own, cpv_codes="85312310-5", ends_on=D(2023, 3, 31))
    NoticeFactory(contract=contract, identifier="2023/S 000-000777", published_on=None)
    contract.extend(
        new_end=D(2024, 3, 31),
        reason="The re-tender was aborted.",
        basis=ExtensionBasis.PROCUREMENT_ABORTED,
        takes_effect_on=D(2023, 4, 1),
        by=officer,
    )
    return phase, contract


def test_ocds_with_the_new_fields_validates_against_the_schema(identified, member_of_public):
    package = member_of_public.get("/contracts/ocds.json").json()

    errors = list(package_validator().iter_errors(package))

    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_ocds_tender_carries_cpv_value_bids_outcome_and_notices(identified, member_of_public):
    phase, _contract = identified
    package = member_of_public.get("/contracts/ocds.json").json()
    tender = next(r for r in package["releases"] if r["id"] == f"phase-{phase.pk}-tender")["tender"]

    assert tender["status"] == "cancelled"
    assert tender["value"] == {"amount": 2400000, "currency": "GBP"}
    assert tender["numberOfTenderers"] == 4
    assert tender["procurementMethodDetails"] == "Published tender"
    adult, youth = tender["items"]
    assert adult["classification"] == {"scheme": "CPV", "id": "85312310-5"}
    assert youth["classification"] == {"scheme": "CPV", "id": "85312300-2"}
    assert youth["additionalClassifications"] == [{"scheme": "CPV", "id": "85000000-9"}]
    [document] = tender["documents"]
    assert document["title"] == "Find a Tender notice 2022/S 000-031247"
    assert document["datePublished"].startswith("2022-11-01")
    assert "documentType" not in document


def test_ocds_amendment_is_dated_when_the_extension_took_effect(identified, member_of_public):
    _phase, contract = identified
    package = member_of_public.get("/contracts/ocds.json").json()
    amendment_release = next(r for r in package["releases"] if r["tag"] == ["contractAmendment"])
    [amendment] = amendment_release["contracts"][0]["amendments"]

    assert amendment["date"].startswith("2023-04-01T00:00:00")
    assert "The procurement of the replacement was aborted" in amendment["description"]
    assert amendment_release["contracts"][0]["documents"] == [
        {
            "id": f"notice-{contract.notices.get().pk}",
            "title": "Find a Tender notice 2023/S 000-000777",
            "url": contract.notices.get().url,
        }
    ]


def test_ocds_amendment_whose_effect_date_is_unknown_has_no_date(member_of_public, officer):
    contract = ContractFactory(ends_on=D(2023, 3, 31))
    contract.extend(
        new_end=D(2024, 3, 31), reason="Interim", basis=ExtensionBasis.EXEMPTION, by=officer
    )
    package = member_of_public.get("/contracts/ocds.json").json()
    amendment_release = next(r for r in package["releases"] if r["tag"] == ["contractAmendment"])

    assert "date" not in amendment_release["contracts"][0]["amendments"][0]
    assert amendment_release["date"]  # the release itself is dated when it was recorded


def test_a_finished_phase_with_no_outcome_recorded_has_no_tender_status(member_of_public):
    phase = ProcurementPhaseFactory(starts_on=D(2022, 4, 1), ends_on=D(2022, 12, 31))
    package = member_of_public.get("/contracts/ocds.json").json()
    tender = next(r for r in package["releases"] if r["id"] == f"phase-{phase.pk}-tender")

    assert "status" not in tender["tender"]
