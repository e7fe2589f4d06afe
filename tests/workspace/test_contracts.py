"""The contract register, the contract page, the contract form and recording an extension."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from contracts.models import Commissioner, Contract, Extension
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    DecisionFactory,
    LotFactory,
    PartnerBodyFactory,
    ProviderFactory,
)
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = "/workspace/contracts/"


def listed(response) -> list[str]:
    return [contract.reference for contract in response.context["object_list"]]


@pytest.fixture
def reader(client_for, monitoring_officer):
    return client_for(monitoring_officer)


@pytest.fixture
def editor(client_for, officer):
    return client_for(officer)


def test_register_filters_by_provider_lot_partner_status_and_end(reader):
    provider = ProviderFactory()
    lot = LotFactory()
    partner = PartnerBodyFactory()
    ContractFactory(reference="K-1", provider=provider, ends_on=D(2023, 3, 31))
    ContractFactory(reference="K-2", lot=lot, ends_on=D(2024, 3, 31))
    CommissionerFactory(
        contract=ContractFactory(reference="K-3", ends_on=D(2025, 3, 31)), body=partner
    )
    ContractFactory(reference="K-4", status=Contract.Status.ENDED, ends_on=D(2022, 3, 31))

    assert listed(reader.get(REGISTER, {"provider": provider.pk})) == ["K-1"]
    assert listed(reader.get(REGISTER, {"lot": lot.pk})) == ["K-2"]
    assert listed(reader.get(REGISTER, {"partner": partner.pk})) == ["K-3"]
    assert listed(reader.get(REGISTER, {"status": "ended"})) == ["K-4"]
    ending = {"ends_before_day": "1", "ends_before_month": "4", "ends_before_year": "2024"}
    assert listed(reader.get(REGISTER, ending)) == ["K-4", "K-1", "K-2"]


def test_register_reports_a_bad_date_filter(reader):
    response = reader.get(REGISTER, {"ends_before_day": "40", "ends_before_month": "1"})

    assert response.status_code == 200
    assert "Ending before must be a real date" in response.content.decode()


def test_contract_page_shows_commissioners_extensions_and_decisions(reader, officer):
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2018", extension_options_remaining=0)
    CommissionerFactory(contract=contract, body=None, role="lead", share=Decimal("60"))
    CommissionerFactory(
        contract=contract, body__name="Warwickshire County Council", role="co", share=40
    )
    decision = DecisionFactory(reference="WPCC3-0058")
    decision.contracts.add(contract)
    contract.extend(
        new_end=D(2024, 3, 31),
        reason="Align with the county council",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=decision,
    )

    response = reader.get(reverse("workspace:contract-detail", args=[contract.pk]))

    content = response.content.decode()
    assert "Office of the Police and Crime Commissioner" in content
    assert "Warwickshire County Council" in content
    assert "60%" in content and "40%" in content
    assert "No further extension options" in content
    assert "end moved from 31 March 2023 to 31 March 2024" in content
    assert content.count("WPCC3-0058") >= 2  # authorising the extension, and linked
    assert "1 April 2018 to 31 March 2024" in content
    assert "£1,250,000.00" in content


def test_adding_a_contract_with_its_commissioners(editor, officer):
    provider = ProviderFactory(name="Compass")
    body = PartnerBodyFactory()
    data = form_fields(editor.get(reverse("workspace:contract-create")))
    data.update(
        {
            "reference": "WOPCC-DA-YOUTH-2018",
            "title": "Young people's drugs and alcohol service",
            "provider": provider.pk,
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2018",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2023",
            "total_value": "450000",
            "extension_options_remaining": "0",
            "status": "active",
            "commissioners-0-body": "",
            "commissioners-0-role": "lead",
            "commissioners-0-share": "70",
            "commissioners-1-body": body.pk,
            "commissioners-1-role": "co",
            "commissioners-1-share": "30",
        }
    )

    response = editor.post(reverse("workspace:contract-create"), data)

    contract = Contract.objects.get()
    assert response["Location"] == reverse("workspace:contract-detail", args=[contract.pk])
    assert {(c.body_id, c.share) for c in contract.commissioners.all()} == {
        (None, Decimal("70.00")),
        (body.pk, Decimal("30.00")),
    }
    assert contract.history.first().history_user == officer


def test_shares_over_100_per_cent_are_refused(editor):
    contract = ContractFactory()
    data = form_fields(editor.get(reverse("workspace:contract-edit", args=[contract.pk])))
    data.update(
        {
            "commissioners-0-role": "lead",
            "commissioners-0-share": "70",
            "commissioners-1-body": PartnerBodyFactory().pk,
            "commissioners-1-role": "co",
            "commissioners-1-share": "40",
        }
    )

    response = editor.post(reverse("workspace:contract-edit", args=[contract.pk]), data)

    assert "The shares add up to 110" in response.content.decode()
    assert not Commissioner.objects.exists()


def test_shares_can_be_swapped_in_one_save(editor):
    contract = ContractFactory()
    office = CommissionerFactory(contract=contract, body=None, role="lead", share=60)
    county = CommissionerFactory(contract=contract, role="co", share=40)
    url = reverse("workspace:contract-edit", args=[contract.pk])
    data = form_fields(editor.get(url))
    first = "commissioners-0" if data["commissioners-0-id"] == str(office.pk) else "commissioners-1"
    second = "commissioners-1" if first == "commissioners-0" else "commissioners-0"
    data[f"{first}-share"] = "40"
    data[f"{second}-share"] = "60"

    response = editor.post(url, data)

    assert response.status_code == 302, response.context["error_summary"]
    office.refresh_from_db()
    county.refresh_from_db()
    assert (office.share, county.share) == (Decimal("40.00"), Decimal("60.00"))


def test_a_contract_cannot_end_before_it_starts(editor):
    contract = ContractFactory()
    url = reverse("workspace:contract-edit", args=[contract.pk])
    data = form_fields(editor.get(url))
    data.update({"ends_on_day": "1", "ends_on_month": "1", "ends_on_year": "2017"})

    response = editor.post(url, data)

    assert "The contract must end on or after the day it starts" in response.content.decode()
    contract.refresh_from_db()
    assert contract.ends_on == D(2023, 3, 31)


# -- recording an extension ----------------------------------------------------------------------


def extension_data(page, **changes) -> dict:
    data = form_fields(page)
    data.update(
        {
            "kind": "extension",
            "new_end_day": "31",
            "new_end_month": "3",
            "new_end_year": "2024",
            "reason": "Twelve months to align with the county council's contracts.",
            "basis": "exemption",
            **changes,
        }
    )
    return data


def test_recording_an_extension_moves_the_end_and_keeps_the_authorising_decision(editor, officer):
    contract = ContractFactory(ends_on=D(2023, 3, 31))
    decision = DecisionFactory(reference="WPCC3-0058")
    url = reverse("workspace:contract-extend", args=[contract.pk])

    response = editor.post(url, extension_data(editor.get(url), authorising_decision=decision.pk))

    assert response.status_code == 302
    contract.refresh_from_db()
    extension = contract.extensions.get()
    assert contract.ends_on == D(2024, 3, 31)
    assert extension.previous_ends_on == D(2023, 3, 31)
    assert extension.authorising_decision == decision
    assert extension.history.first().history_user == officer


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_end_day": "1", "new_end_month": "1", "new_end_year": "2023"}, "must be after"),
        ({"new_end_day": "31", "new_end_month": "2"}, "must be a real date"),
        ({"reason": ""}, "Enter the reason for the extension"),
        ({"basis": ""}, "Select the basis for the extension"),
        ({"basis": "option"}, "no extension options left"),
    ],
)
def test_invalid_extensions_show_field_errors_and_change_nothing(editor, changes, message):
    contract = ContractFactory(ends_on=D(2023, 3, 31), extension_options_remaining=0)
    url = reverse("workspace:contract-extend", args=[contract.pk])

    response = editor.post(url, extension_data(editor.get(url), **changes))

    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "govuk-error-summary" in content
    contract.refresh_from_db()
    assert contract.ends_on == D(2023, 3, 31)
    assert not contract.extensions.exists()


def test_an_extension_under_an_option_uses_the_option_up(editor):
    contract = ContractFactory(ends_on=D(2023, 3, 31), extension_options_remaining=2)
    url = reverse("workspace:contract-extend", args=[contract.pk])

    editor.post(url, extension_data(editor.get(url), basis="option"))

    contract.refresh_from_db()
    assert contract.extension_options_remaining == 1
