"""Round trip: the public contract CSV of one install, imported into an empty one, gives the
same public contract records."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from contracts.importing import ContractImport
from contracts.models import (
    Commissioner,
    CommissionerRole,
    Contract,
    ContractStatus,
    PartnerBody,
    ProcurementRoute,
    Provider,
)
from decisions.publication import public_contracts
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    PartnerBodyFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
OFFICE = "Office of the Police and Crime Commissioner for Warwickshire"


def public_fields() -> list[dict]:
    """What the public register says of each contract, without this install's own keys."""
    return [
        {
            "reference": c.reference,
            "title": c.title,
            "department": c.department,
            "description": c.description,
            "supplier": (c.supplier.name, c.supplier.registration_number),
            "value": (c.value, c.value_basis),
            "total_value": c.total_value,
            "annual_value": c.annual_value,
            "irrecoverable_vat": c.irrecoverable_vat,
            "dates": (c.starts_on, c.ends_on, c.review_on),
            "route": c.route,
            "status": c.status,
            "supplier_is_sme": c.supplier_is_sme,
            "supplier_is_vcse": c.supplier_is_vcse,
            "commissioners": [(p.name, p.role) for p in c.commissioners],
        }
        for c in public_contracts()
    ]


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def wipe_contracts() -> None:
    for model in (Commissioner, Contract, Provider, PartnerBody):
        for row in model.objects.all():
            row.delete()


@pytest.fixture
def register(settings):
    settings.OFFICE_NAME = OFFICE
    county = PartnerBodyFactory(name="Warwickshire County Council")
    change_grow_live = ProviderFactory(
        name="Change Grow Live", charity_number="1079327", is_vcse=True, is_sme=False
    )
    support = ProviderFactory(
        name="Acme Support Ltd",
        company_number="01234567",
        charity_number="",
        is_sme=True,
        is_vcse=False,
    )
    adult = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        title="Drugs and alcohol misuse service for adults in the criminal justice system",
        department="Finance and Commissioning",
        description="Treatment and support, extended to March 2024.",
        provider=change_grow_live,
        starts_on=D(2018, 4, 1),
        ends_on=D(2024, 3, 31),
        review_on=D(2023, 9, 30),
        total_value=Decimal("1250000.00"),
        irrecoverable_vat=Decimal("0.00"),
        route=ProcurementRoute.PUBLISHED_TENDER,
        status=ContractStatus.ENDED,
    )
    CommissionerFactory(contract=adult, body=None, role=CommissionerRole.LEAD)
    CommissionerFactory(contract=adult, body=county, role=CommissionerRole.FUNDER)
    ContractFactory(
        reference="OPCC-2023-VS-01",
        title="General victims cope and recovery service",
        provider=support,
        starts_on=D(2023, 4, 1),
        ends_on=D(2099, 3, 31),
        total_value=None,
        annual_value=Decimal("60000.00"),
        route=ProcurementRoute.FRAMEWORK,
        status=ContractStatus.ACTIVE,
    )
    ContractFactory(
        reference="OPCC-2022-RJ-02",
        title="Restorative justice service",
        provider=support,
        starts_on=D(2022, 4, 1),
        ends_on=D(2023, 3, 31),
        total_value=Decimal("48000.00"),
        route=ProcurementRoute.DIRECT_AWARD,
        status=ContractStatus.ENDED,
    )


def test_public_contract_csv_imported_into_an_empty_register_reproduces_it(
    register, client, officer
):
    exported = client.get("/contracts.csv")
    assert exported.status_code == 200
    before_csv, before_public = rows_of(exported.content), public_fields()
    wipe_contracts()

    result = ContractImport(exported.content, "contracts.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    result.write(by=officer)

    assert public_fields() == before_public
    assert rows_of(client.get("/contracts.csv").content) == before_csv


def test_small_contract_from_the_public_list_is_refused_for_want_of_dates(register, client):
    ContractFactory(reference="OPCC-SMALL-1", total_value=Decimal("9500.00"))
    exported = client.get("/contracts.csv")
    wipe_contracts()

    result = ContractImport(exported.content, "contracts.csv")

    small = [p for p in result.problems if "start date" in p.reason]
    assert small, [str(p) for p in result.problems]
    assert all(p.row == small[0].row for p in small)
