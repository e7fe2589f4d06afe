"""History pages: every version, with who made it, when, and what changed field by field."""

import datetime

import pytest
from django.urls import reverse

from contracts.models import Extension
from decisions.models import Exemption
from tests.factories import (
    ArrangementPartnerFactory,
    CommissionerFactory,
    ContractFactory,
    LotFactory,
    PartnerPositionFactory,
    ProviderFactory,
    StartedDecisionFactory,
)

pytestmark = pytest.mark.django_db


def save_as(instance, user, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()


def test_decision_history_shows_field_changes_with_who_and_when(client_for, officer, treasurer):
    decision = StartedDecisionFactory(author=officer, title="Interim extension")
    save_as(decision, officer, title="Interim extension of two contracts")

    response = client_for(treasurer).get(
        reverse("workspace:decision-history", args=[decision.reference])
    )

    content = response.content.decode()
    latest = response.context["versions"][0]
    assert latest.kind == "Changed"
    assert latest.who == "Precious Williamson"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [
        ("Title", "Interim extension", "Interim extension of two contracts")
    ]
    assert "Precious Williamson" in content
    assert f"{datetime.date.today():%-d %B %Y}" in content


def test_decision_history_includes_sections_and_links(client_for, officer):
    decision = StartedDecisionFactory(author=officer)
    section = decision.sections.first()
    save_as(
        section,
        officer,
        is_withheld=True,
        exemption=Exemption.S40,
    )
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2018")
    decision._history_user = officer
    decision.contracts.add(contract)

    response = client_for(officer).get(
        reverse("workspace:decision-history", args=[decision.reference])
    )

    changes = {
        (version.subject, change.label, change.new)
        for version in response.context["versions"]
        for change in version.changes
    }
    assert (f"Section 1: {section.heading}", "Withhold from publication", "Yes") in changes
    assert (
        f"Section 1: {section.heading}",
        "Exemption",
        "Section 40: personal information",
    ) in changes
    assert any(label == "Contracts" and "WOPCC-DA-ADULT-2018" in new for _s, label, new in changes)


def test_contract_history_includes_commissioners_and_extensions(client_for, officer):
    contract = ContractFactory()
    commissioner = CommissionerFactory(contract=contract, body__name="Rutland County Council")
    save_as(commissioner, officer, share=25)
    contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
    )

    response = client_for(officer).get(reverse("workspace:contract-history", args=[contract.pk]))

    content = response.content.decode()
    assert "Commissioner: Rutland County Council" in content
    assert "Extension to 31 March 2024" in content
    assert "31 March 2023" in content and "31 March 2024" in content
    assert "25%" in content


def test_history_names_related_records_not_their_numbers(client_for, officer):
    contract = ContractFactory(provider=ProviderFactory(name="Compass"))
    save_as(contract, officer, provider=ProviderFactory(name="Change Grow Live"), lot=LotFactory())

    response = client_for(officer).get(reverse("workspace:contract-history", args=[contract.pk]))

    change = {c.label: c for c in response.context["versions"][0].changes}
    assert (change["Provider"].old, change["Provider"].new) == ("Compass", "Change Grow Live")
    assert change["Lot"].new.startswith("Lot ")


def test_arrangement_history_includes_partner_positions(client_for, officer):
    partner = ArrangementPartnerFactory(body__name="Leicestershire County Council")
    PartnerPositionFactory(partner=partner, position="separate")

    response = client_for(officer).get(
        reverse("workspace:arrangement-history", args=[partner.arrangement_id])
    )

    assert "Position of Leicestershire County Council" in response.content.decode()


def test_every_record_page_links_to_its_history(client_for, officer, records):
    client = client_for(officer)
    pages = [
        ("decision-detail", records.published.reference, "decision-history"),
        ("contract-detail", records.contract.pk, "contract-history"),
        ("provider-detail", records.provider.pk, "provider-history"),
        ("partner-detail", records.partner.pk, "partner-history"),
        ("programme-detail", records.programme.pk, "programme-history"),
        ("arrangement-detail", records.arrangement.pk, "arrangement-history"),
    ]
    for page, key, history in pages:
        content = client.get(reverse(f"workspace:{page}", args=[key])).content.decode()
        assert f'href="{reverse(f"workspace:{history}", args=[key])}">History</a>' in content
