"""The spend charts of the public contract register: drawn from the public projection alone,
each with its table, and with no contract or value the public may not see."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Contract
from contracts.publication import public_spend
from tests.factories import ContractFactory, ProviderFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def page_of(client, **params) -> str:
    response = client.get("/contracts/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_register_draws_the_spend_charts_each_with_its_table(member_of_public):
    acorn = ProviderFactory(name="Acorn Housing")
    ContractFactory(provider=acorn, total_value=Decimal("400000"), department="Victims")
    ContractFactory(provider=acorn, total_value=None, annual_value=None)

    page = page_of(member_of_public)

    for key in ("spend-provider", "spend-department", "spend-year"):
        assert f'aria-labelledby="{key}-title" aria-describedby="{key}-desc"' in page
    assert page.count('role="img"') == 3
    assert '<th scope="row" class="govuk-table__header">Acorn Housing</th>' in page
    assert "£400,000.00" in page
    # The contract with no recorded value is counted apart, never as £0.
    assert "1 contract with no recorded value is counted apart" in page
    assert "£0.00" not in page


def test_no_contract_or_value_that_is_not_public_reaches_a_chart(member_of_public):
    # Planted: a contract still being planned (nothing of it is public), and a small one
    # whose department and dates are not public (its value and provider are).
    ContractFactory(
        provider=ProviderFactory(name="PLANTED-PLANNED-PROVIDER"),
        total_value=Decimal("987654.32"),
        department="PLANTED-PLANNED-DEPARTMENT",
        status=Contract.Status.PLANNED,
    )
    ContractFactory(
        provider=ProviderFactory(name="Small Printers"),
        total_value=Decimal("5000"),
        department="PLANTED-SMALL-DEPARTMENT",
        starts_on=D(2011, 6, 1),
        ends_on=D(2012, 5, 31),
    )
    ContractFactory(
        total_value=Decimal("20000"),
        department="Victims",
        starts_on=D(2020, 6, 1),
        ends_on=D(2023, 5, 31),
    )

    for params in ({}, {"sort": "value"}, {"value_to": "10000"}, {"q": "printers"}):
        page = page_of(member_of_public, **params)
        assert "PLANTED" not in page, params
        assert "987,654" not in page and "987654" not in page, params
        assert "2011" not in page, params  # the small contract's start is not public
    page = page_of(member_of_public)
    assert "£25,000.00" in page  # the total of the two listed contracts
    assert "Contracts of £10,000 or less" in page

    by_provider, by_department, by_year = public_spend().charts
    assert by_provider.total == by_department.total == by_year.total == Decimal("25000")
    assert [bar.label for bar in by_year.bars] == [
        "April 2020 to March 2021",
        "Contracts of £10,000 or less",
    ]


def test_the_staff_provider_list_draws_the_spend_charts(client_for, officer):
    ContractFactory(provider=ProviderFactory(name="Acorn Housing"), total_value=Decimal("400000"))

    response = client_for(officer).get("/workspace/providers/")
    page = response.content.decode()

    assert page.count('role="img"') == 3
    assert '<th scope="row" class="govuk-table__header">Acorn Housing</th>' in page
