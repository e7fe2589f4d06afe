"""Importing a contract register laid out as councils publish it (Transparency Code)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management.base import CommandError

from contracts.importing import ContractImport, name_key, split_commissioner
from contracts.models import (
    Commissioner,
    CommissionerRole,
    Contract,
    ContractStatus,
    PartnerBody,
    PartnerKind,
    ProcurementRoute,
    Provider,
)
from tests.factories import ContractFactory, PartnerBodyFactory, ProviderFactory
from tests.importing.conftest import counts, csv_file

pytestmark = pytest.mark.django_db

D = datetime.date
OFFICE = "Office of the Police and Crime Commissioner for Warwickshire"
CONTRACT_MODELS = [Contract, Provider, PartnerBody, Commissioner]


def council_row(**fields) -> dict:
    """One line of a council's published contract list, with its own column names."""
    row = {
        "Reference Number": "WOPCC-DA-ADULT-2018",
        "Title of Agreement": "Drugs and alcohol misuse service for adults",
        "Department": "Finance and Commissioning",
        "Description of goods and services": "Treatment for adults in the criminal justice system.",
        "Supplier Name": "Change Grow Live",
        "Supplier Registration Number": "1079327",
        "Value of Contract": "£1,250,000.00",
        "Irrecoverable VAT": "0",
        "Start Date": "01/04/2018",
        "End Date": "31/03/2024",
        "Review Date": "30 September 2023",
        "Tender or Quotation": "Tender",
        "SME": "N",
        "VCSE": "Y",
    }
    row.update(fields)
    return row


def checked(rows: list[dict], name: str = "contracts.csv") -> ContractImport:
    return ContractImport(csv_file(rows), name)


def imported(rows: list[dict], by=None, name: str = "contracts.csv") -> ContractImport:
    result = checked(rows, name)
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=by)
    return result


def test_council_columns_are_read_into_a_contract_and_a_new_provider(officer, settings):
    settings.OFFICE_NAME = OFFICE
    imported([council_row(Commissioners=f"{OFFICE} (lead commissioner)")], by=officer)

    contract = Contract.objects.get()
    assert contract.reference == "WOPCC-DA-ADULT-2018"
    assert contract.title == "Drugs and alcohol misuse service for adults"
    assert contract.department == "Finance and Commissioning"
    assert contract.total_value == Decimal("1250000.00")
    assert contract.irrecoverable_vat == Decimal("0")
    assert (contract.starts_on, contract.ends_on, contract.review_on) == (
        D(2018, 4, 1),
        D(2024, 3, 31),
        D(2023, 9, 30),
    )
    assert contract.route == ProcurementRoute.PUBLISHED_TENDER
    assert contract.status == ContractStatus.ENDED
    provider = contract.provider
    assert provider.name == "Change Grow Live"
    assert provider.charity_number == "1079327"
    assert (provider.is_sme, provider.is_vcse) == (False, True)
    commissioner = contract.commissioners.get()
    assert commissioner.body is None
    assert commissioner.role == CommissionerRole.LEAD


@pytest.mark.parametrize(
    "headers",
    [
        {
            "reference": "Reference",
            "title": "Title",
            "supplier": "Supplier",
            "value": "Total Value",
        },
        {"reference": "REFERENCE ", "title": "title", "supplier": "Provider", "value": "Value"},
        {
            "reference": "Contract Ref",
            "title": "Contract Title",
            "supplier": "supplier_name",
            "value": "Total value (GBP)",
        },
    ],
)
def test_header_names_are_matched_whatever_their_case_and_punctuation(headers):
    row = {
        headers["reference"]: "C-1",
        headers["title"]: "Victim cope and recovery service",
        headers["supplier"]: "Victim Support",
        headers["value"]: "£250,000",
        "Start Date": "2023-04-01",
        "End Date": "2026-03-31",
    }
    result = checked([row])

    assert result.is_valid, result.problems
    assert any("£250,000.00" in action for action in result.rows[0].actions)


def test_annual_value_and_company_number_columns(officer):
    row = council_row(**{"Annual Value": "£250,000", "Company Number": "01234567"})
    del row["Value of Contract"], row["Supplier Registration Number"]
    imported([row], by=officer)

    contract = Contract.objects.get()
    assert contract.annual_value == Decimal("250000")
    assert contract.total_value is None
    assert contract.provider.company_number == "01234567"


def test_registration_number_of_eight_characters_is_a_company_number(officer):
    imported([council_row(**{"Supplier Registration Number": "SC123456"})], by=officer)

    provider = Provider.objects.get()
    assert (provider.company_number, provider.charity_number) == ("SC123456", "")


def test_running_contract_is_active_and_a_status_column_is_respected(officer):
    imported(
        [
            council_row(**{"End Date": "31/03/2099"}),
            council_row(**{"Reference Number": "C-2", "Status": "Terminated early"}),
        ],
        by=officer,
    )

    statuses = dict(Contract.objects.values_list("reference", "status"))
    assert statuses == {
        "WOPCC-DA-ADULT-2018": ContractStatus.ACTIVE,
        "C-2": ContractStatus.TERMINATED,
    }


# -- providers -----------------------------------------------------------------------------------


def test_provider_is_matched_by_registration_number_before_name(officer):
    existing = ProviderFactory(name="CGL", charity_number="1079327")
    ProviderFactory(name="Change Grow Live", charity_number="")

    result = imported([council_row()], by=officer)

    assert Contract.objects.get().provider == existing
    assert any("matched by its registration number" in a for a in result.rows[0].actions)


def test_provider_is_matched_by_name_ignoring_case_punctuation_and_ltd(officer):
    existing = ProviderFactory(name="Change, Grow, Live Ltd.", charity_number="")

    imported([council_row(**{"Supplier Name": "change grow live limited"})], by=officer)

    assert Contract.objects.get().provider == existing
    assert Provider.objects.count() == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Change Grow Live CIC", "change-grow-live"),
        ("Compass Ltd", "COMPASS LIMITED"),
        ("St Giles' Trust", "St Giles Trust"),
        ("Victim Support & Co", "Victim Support and Co"),
    ],
)
def test_names_that_differ_only_in_legal_form_and_punctuation_match(a, b):
    assert name_key(a) == name_key(b)


def test_near_duplicate_supplier_is_a_warning_in_the_dry_run_not_an_error():
    ProviderFactory(name="Change Grow Live", charity_number="")

    result = checked(
        [council_row(**{"Supplier Name": "Change Grow Lives", "Supplier Registration Number": ""})]
    )

    assert result.is_valid
    [warning] = result.warnings
    assert (warning.row, warning.column) == (2, "Supplier Name")
    assert "'Change Grow Live'" in warning.reason
    assert any("New provider: Change Grow Lives" in a for a in result.rows[0].actions)


def test_names_that_are_not_similar_give_no_warning():
    ProviderFactory(name="Compass", charity_number="")

    result = checked([council_row(**{"Supplier Registration Number": ""})])

    assert result.warnings == []


def test_new_provider_named_in_several_rows_is_created_once(officer):
    imported(
        [
            council_row(),
            council_row(**{"Reference Number": "C-2", "Supplier Name": "CHANGE GROW LIVE"}),
        ],
        by=officer,
    )

    assert Provider.objects.count() == 1
    assert Contract.objects.filter(provider__name="Change Grow Live").count() == 2


def test_registered_details_that_disagree_are_warnings_and_the_register_is_kept(officer):
    provider = ProviderFactory(name="Change Grow Live", charity_number="", is_sme=True)

    result = imported([council_row(**{"Supplier Registration Number": ""})], by=officer)

    assert any(w.column == "SME" for w in result.warnings)
    provider.refresh_from_db()
    assert provider.is_sme


# -- partner bodies ------------------------------------------------------------------------------


def test_partner_bodies_are_matched_by_name_and_new_ones_created(officer, settings):
    settings.OFFICE_NAME = OFFICE
    county = PartnerBodyFactory(name="Warwickshire County Council")
    imported(
        [
            council_row(
                Partners=(
                    f"{OFFICE} (lead commissioner, 60%); "
                    "warwickshire county council (funder, 40%); "
                    "Probation Service (Leicester, Leicestershire and Rutland)"
                )
            )
        ],
        by=officer,
    )

    commissioners = {c.body_name: c for c in Contract.objects.get().commissioners.all()}
    assert commissioners[OFFICE].role == CommissionerRole.LEAD
    assert commissioners[OFFICE].share == Decimal("60")
    assert commissioners["Warwickshire County Council"].body == county
    assert commissioners["Warwickshire County Council"].role == CommissionerRole.FUNDER
    probation = PartnerBody.objects.get(name__startswith="Probation")
    assert probation.kind == PartnerKind.PROBATION
    assert commissioners[probation.name].role == CommissionerRole.CO


def test_near_duplicate_partner_body_is_a_warning():
    PartnerBodyFactory(name="Warwickshire County Council")

    result = checked([council_row(Commissioners="Warwickshire Country Council (co-commissioner)")])

    assert result.is_valid
    assert [w.column for w in result.warnings] == ["Commissioners"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Rutland County Council", ("Rutland County Council", "", None)),
        ("Rutland County Council (co-commissioner)", ("Rutland County Council", "co", None)),
        (
            "Rutland County Council (funder, 12.5%)",
            ("Rutland County Council", "funder", Decimal("12.5")),
        ),
        ("NHS England (contract holder)", ("NHS England", "holder", None)),
        ("Rutland County Council (lead, sometimes)", ("Rutland County Council", None, None)),
    ],
)
def test_commissioner_entries_are_read_as_name_role_and_share(item, expected):
    assert split_commissioner(item) == expected


def test_shares_over_one_hundred_per_cent_are_refused():
    result = checked([council_row(Commissioners="A Council (lead, 70%); B Council (funder, 40%)")])

    assert [(p.row, p.column) for p in result.problems] == [(2, "Commissioners")]
    assert "110" in result.problems[0].reason


# -- refused files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "column", "reason"),
    [
        ({"Start Date": "1 Smarch 2018"}, "Start Date", "is not a date"),
        ({"End Date": "31/03/2017"}, "End Date", "must end on or after the day it starts"),
        ({"Value of Contract": "a lot"}, "Value of Contract", "is not an amount of money"),
        ({"Value of Contract": "-£5"}, "Value of Contract", "cannot be negative"),
        # Found by the hostile-input test: more digits than the decimal context holds.
        ({"Value of Contract": "9" * 40}, "Value of Contract", "is not an amount of money"),
        ({"Value of Contract": "1" * 13}, "Value of Contract", "is too large"),
        ({"Tender or Quotation": "Lottery"}, "Tender or Quotation", "is not one of the accepted"),
        ({"SME": "Perhaps"}, "SME", "is not yes or no"),
    ],
)
def test_bad_value_names_its_row_column_and_reason(fields, column, reason):
    result = checked([council_row(**{"Reference Number": "C-0"}), council_row(**fields)])

    assert [(p.row, p.column) for p in result.problems] == [(3, column)]
    assert reason in result.problems[0].reason


def test_reference_twice_in_the_file_or_already_registered_is_refused():
    ContractFactory(reference="C-9")

    result = checked([council_row(), council_row(), council_row(**{"Reference Number": "C-9"})])

    assert [(p.row, p.column, p.reason) for p in result.problems] == [
        (3, "Reference Number", "WOPCC-DA-ADULT-2018 is also in row 2 of this file."),
        (4, "Reference Number", "C-9 is already in the register."),
    ]


@pytest.mark.parametrize("missing", ["Reference Number", "Supplier Name", "Start Date", "End Date"])
def test_missing_required_column_is_refused(missing):
    row = council_row()
    del row[missing]

    result = checked([row])

    [problem] = result.problems
    assert problem.row == 1
    assert problem.reason.endswith("column, which is required.")


def test_refused_file_writes_nothing(run, write_file):
    ProviderFactory(name="Compass")
    before = counts(CONTRACT_MODELS)
    path = write_file(
        "contracts.csv",
        csv_file(
            [
                council_row(Commissioners="Warwickshire County Council (co-commissioner)"),
                council_row(**{"Reference Number": "C-2", "End Date": "not yet"}),
            ]
        ),
    )

    with pytest.raises(CommandError, match="nothing was imported"):
        run("import_contracts", path)
    assert counts(CONTRACT_MODELS) == before


def test_every_saved_object_names_the_importer_and_the_file(officer, run, write_file):
    path = write_file(
        "council-contracts.csv",
        csv_file([council_row(Commissioners="Warwickshire County Council (co-commissioner)")]),
    )

    run("import_contracts", path, "--user", officer.username)

    for model in CONTRACT_MODELS:
        history = model.history.all()
        assert history.exists(), model.__name__
        assert {h.history_user for h in history} == {officer}
        assert {h.history_change_reason for h in history} == {"Imported from council-contracts.csv"}


def test_json_list_of_contracts_is_read(officer):
    import json

    result = ContractImport(json.dumps([council_row()]), "contracts.json")

    assert result.is_valid, result.problems
    result.write(by=officer)
    assert Contract.objects.get().provider.name == "Change Grow Live"


def test_new_provider_is_recognised_in_later_rows_by_its_registration_number(officer):
    imported(
        [
            council_row(),
            council_row(**{"Reference Number": "C-2", "Supplier Name": "CGL (Change Grow Live)"}),
        ],
        by=officer,
    )

    assert Provider.objects.count() == 1
