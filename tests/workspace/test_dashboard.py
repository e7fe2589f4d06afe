"""The dashboard: my drafts, what waits for me, contracts at risk, partners on the move."""

import datetime

import pytest
from django.urls import reverse

from contracts.models import Contract
from decisions.models import Decision
from tests.factories import (
    ArrangementPartnerFactory,
    ContractFactory,
    DecisionFactory,
    ExtensionFactory,
    PartnerPositionFactory,
    StartedDecisionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2022, 6, 1)
D = datetime.date


def test_contract_ending_within_a_year_with_nothing_on_record_is_at_risk():
    at_risk = ContractFactory(ends_on=D(2023, 3, 31), status=Contract.Status.ACTIVE)
    ContractFactory(ends_on=D(2024, 3, 31))  # more than 12 months away

    assert list(Contract.objects.at_risk(TODAY)) == [at_risk]


def test_an_extension_or_a_decision_on_record_takes_a_contract_off_the_risk_list():
    extended = ContractFactory(ends_on=D(2023, 3, 31))
    ExtensionFactory(contract=extended, new_ends_on=D(2023, 9, 30))
    extended.refresh_from_db()
    decided = ContractFactory(ends_on=D(2023, 1, 31))
    DecisionFactory().contracts.add(decided)
    withdrawn = ContractFactory(ends_on=D(2023, 2, 28))
    DecisionFactory(status=Decision.Status.WITHDRAWN).contracts.add(withdrawn)

    assert list(Contract.objects.at_risk(TODAY)) == [withdrawn]


def test_risks_are_listed_oldest_first_and_ended_contracts_are_left_out():
    later = ContractFactory(ends_on=D(2023, 5, 31))
    overdue = ContractFactory(ends_on=D(2022, 3, 31))
    sooner = ContractFactory(ends_on=D(2022, 9, 30))
    ContractFactory(ends_on=D(2022, 8, 31), status=Contract.Status.ENDED)
    ContractFactory(ends_on=D(2022, 8, 31), status=Contract.Status.TERMINATED)

    assert list(Contract.objects.at_risk(TODAY)) == [overdue, sooner, later]


def test_dashboard_shows_my_drafts_but_not_other_peoples(client_for, officer):
    mine = StartedDecisionFactory(author=officer, title="My draft about Lot 5")
    StartedDecisionFactory(title="Someone else's draft")

    response = client_for(officer).get(reverse("workspace:dashboard"))

    assert list(response.context["drafts"]) == [mine]
    assert "My draft about Lot 5" in response.content.decode()


def test_dashboard_lists_contracts_at_risk(client_for, treasurer):
    ContractFactory(
        reference="WOPCC-DA-YOUTH-2018",
        ends_on=datetime.date.today() + datetime.timedelta(days=60),
    )

    response = client_for(treasurer).get(reverse("workspace:dashboard"))

    assert "WOPCC-DA-YOUTH-2018" in response.content.decode()


def test_dashboard_shows_a_partner_whose_position_changed_in_the_last_90_days(client_for, officer):
    today = datetime.date.today()
    moved = ArrangementPartnerFactory(body__name="Leicestershire County Council")
    PartnerPositionFactory(
        partner=moved, position="committed", as_of=today - datetime.timedelta(400)
    )
    PartnerPositionFactory(partner=moved, position="separate", as_of=today - datetime.timedelta(10))
    steady = ArrangementPartnerFactory(body__name="Leicester City Council")
    PartnerPositionFactory(
        partner=steady, position="committed", as_of=today - datetime.timedelta(400)
    )
    PartnerPositionFactory(
        partner=steady, position="committed", as_of=today - datetime.timedelta(10)
    )
    old_move = ArrangementPartnerFactory(body__name="Rutland County Council")
    PartnerPositionFactory(
        partner=old_move, position="committed", as_of=today - datetime.timedelta(400)
    )
    PartnerPositionFactory(
        partner=old_move, position="separate", as_of=today - datetime.timedelta(120)
    )

    response = client_for(officer).get(reverse("workspace:dashboard"))

    changes = response.context["position_changes"]
    assert [change.partner for change in changes] == [moved]
    assert "moved from committed to proceeding separately" in response.content.decode()


def test_dashboard_lists_recently_published_decisions(client_for, pcc):
    DecisionFactory(
        reference="WPCC3-0058", status=Decision.Status.PUBLISHED, published_on=D(2022, 6, 29)
    )
    DecisionFactory(reference="WPCC3-0059")

    response = client_for(pcc).get(reverse("workspace:dashboard"))

    assert [d.reference for d in response.context["published"]] == ["WPCC3-0058"]


def test_dashboard_shows_what_waits_for_the_treasurer(client_for, treasurer, officer):
    submitted = StartedDecisionFactory(author=officer)
    submitted.status = Decision.Status.SUBMITTED
    submitted._history_user = officer
    submitted.save()

    response = client_for(treasurer).get(reverse("workspace:dashboard"))

    assert submitted in response.context["awaiting"]


def test_dashboard_flags_withheld_sections_past_their_release_date(client_for, officer):
    published = DecisionFactory(status=Decision.Status.PUBLISHED, sections=["Costs", "Background"])
    lapsed = published.sections.get(heading="Costs")
    lapsed.is_withheld = True
    lapsed.exemption = "s43_2"
    lapsed.public_interest_statement = "Prices stay confidential while the tender is open."
    lapsed.release_on = datetime.date.today() - datetime.timedelta(days=1)
    lapsed.save()

    page = client_for(officer).get(reverse("workspace:dashboard")).content.decode()

    assert "Withheld parts past their release date" in page
    assert (
        reverse("workspace:decision-release-section", args=[published.reference, lapsed.pk]) in page
    )


def test_dashboard_does_not_flag_a_section_whose_release_date_is_still_ahead(client_for, officer):
    published = DecisionFactory(status=Decision.Status.PUBLISHED, sections=["Costs"])
    section = published.sections.get()
    section.is_withheld = True
    section.exemption = "s43_2"
    section.public_interest_statement = "Prices stay confidential while the tender is open."
    section.release_on = datetime.date.today() + datetime.timedelta(days=30)
    section.save()

    page = client_for(officer).get(reverse("workspace:dashboard")).content.decode()

    assert "Withheld parts past their release date" not in page


def test_dashboard_lists_contracts_with_no_recorded_value_for_an_officer_to_complete(
    client_for, officer
):
    unvalued = ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)
    ContractFactory(reference="C-ANNUAL", total_value=None, annual_value=1200)
    ContractFactory(reference="C-PLANNED", total_value=None, status=Contract.Status.PLANNED)

    response = client_for(officer).get(reverse("workspace:dashboard"))
    page = response.content.decode()

    assert list(response.context["unvalued_panel"].rows) == [unvalued]
    assert "Contracts with no recorded value (1)" in page
    assert f'href="{reverse("workspace:contract-edit", args=[unvalued.pk])}"' in page


def test_the_contract_list_filters_to_contracts_with_no_recorded_value(client_for, officer):
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)
    ContractFactory(reference="C-VALUED")

    page = client_for(officer).get("/workspace/contracts/?value=not_recorded").content.decode()

    assert "C-UNVALUED" in page and "C-VALUED" not in page


def test_the_contract_list_filters_and_sorts_by_value(client_for, officer):
    ContractFactory(reference="C-BIG", total_value=400000)
    ContractFactory(reference="C-ANNUAL", total_value=None, annual_value=60000)
    ContractFactory(reference="C-SMALL", total_value=5000)
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)
    client = client_for(officer)

    def listed(**params) -> list[str]:
        response = client.get("/workspace/contracts/", params)
        return [contract.reference for contract in response.context["object_list"]]

    assert listed(value_from="£50,000", sort="-value") == ["C-BIG", "C-ANNUAL"]
    assert listed(value_to="60000", sort="value") == ["C-SMALL", "C-ANNUAL"]
    assert listed(sort="-value") == ["C-BIG", "C-ANNUAL", "C-SMALL", "C-UNVALUED"]
    assert listed(sort="value") == ["C-SMALL", "C-ANNUAL", "C-BIG", "C-UNVALUED"]
