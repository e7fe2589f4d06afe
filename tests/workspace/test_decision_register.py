"""The workspace's decision register: filters, sorting, pages and the CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from decisions.models import Decision
from tests.factories import (
    AwardFactory,
    CommissionerFactory,
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DelegationFactory,
    JointArrangementFactory,
    LotFactory,
    PartnerBodyFactory,
    ProgrammeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = "/workspace/decisions/"


def references(response) -> list[str]:
    return [decision.reference for decision in response.context["decisions"]]


@pytest.fixture
def reader(client_for, treasurer):
    return client_for(treasurer)


def test_free_text_finds_reference_title_and_summary(reader):
    DecisionFactory(reference="WPCC3-0058", title="Joint commissioning")
    DecisionFactory(reference="WPCC3-0059", title="Victim services", summary="Lot 5 award")
    DecisionFactory(reference="016/2021", title="Estates")

    assert references(reader.get(REGISTER, {"q": "0058"})) == ["WPCC3-0058"]
    assert references(reader.get(REGISTER, {"q": "victim"})) == ["WPCC3-0059"]
    assert references(reader.get(REGISTER, {"q": "lot 5"})) == ["WPCC3-0059"]


def test_filters_by_status_confidentiality_category_maker_and_year(reader):
    category = DecisionCategoryFactory(name="Commissioning")
    published = DecisionFactory(
        reference="A-1",
        status=Decision.Status.PUBLISHED,
        category=category,
        decided_on=D(2022, 6, 15),
    )
    DecisionFactory(reference="A-2", decided_on=D(2021, 3, 1))
    delegated = DecisionFactory(
        reference="A-3", decision_maker=Decision.Maker.DELEGATE, delegation=DelegationFactory()
    )
    partly = DecisionFactory(
        reference="A-4", sections=["Background", {"heading": "Costs", "withheld": True}]
    )
    partly.refresh_confidentiality(by=None)

    assert references(reader.get(REGISTER, {"status": "published"})) == [published.reference]
    assert references(reader.get(REGISTER, {"category": category.pk})) == ["A-1"]
    assert references(reader.get(REGISTER, {"decision_maker": "delegate"})) == [delegated.reference]
    assert references(reader.get(REGISTER, {"year": "2021"})) == ["A-2"]
    assert references(reader.get(REGISTER, {"confidentiality": "partly"})) == ["A-4"]


def test_filters_by_programme_provider_and_partner_through_linked_records(reader):
    programme = ProgrammeFactory()
    provider = ProviderFactory()
    partner = PartnerBodyFactory()
    contract = ContractFactory(provider=provider, lot=LotFactory(phase__programme=programme))
    CommissionerFactory(contract=contract, body=partner)
    about_contract = DecisionFactory(reference="B-1")
    about_contract.contracts.add(contract)
    about_programme = DecisionFactory(reference="B-2")
    about_programme.programmes.add(programme)
    award = DecisionFactory(reference="B-3")
    AwardFactory(decision=award, provider=provider)
    arrangement = JointArrangementFactory()
    arrangement.partners.create(body=partner, role="co")
    about_arrangement = DecisionFactory(reference="B-4")
    about_arrangement.arrangements.add(arrangement)
    DecisionFactory(reference="B-5")

    assert sorted(references(reader.get(REGISTER, {"programme": programme.pk}))) == ["B-1", "B-2"]
    assert sorted(references(reader.get(REGISTER, {"provider": provider.pk}))) == ["B-1", "B-3"]
    assert sorted(references(reader.get(REGISTER, {"partner": partner.pk}))) == ["B-1", "B-4"]


def test_a_decision_with_two_matching_contracts_is_listed_once(reader):
    provider = ProviderFactory()
    decision = DecisionFactory(reference="C-1")
    decision.contracts.add(ContractFactory(provider=provider), ContractFactory(provider=provider))

    assert references(reader.get(REGISTER, {"provider": provider.pk})) == ["C-1"]


def test_sorts_by_reference_and_by_decision_date(reader):
    DecisionFactory(reference="X-2", decided_on=D(2022, 1, 1))
    DecisionFactory(reference="X-1", decided_on=D(2023, 1, 1))
    DecisionFactory(reference="X-3", decided_on=D(2021, 1, 1))

    assert references(reader.get(REGISTER, {"sort": "reference"})) == ["X-1", "X-2", "X-3"]
    assert references(reader.get(REGISTER, {"sort": "decided"})) == ["X-3", "X-2", "X-1"]
    assert references(reader.get(REGISTER)) == ["X-1", "X-2", "X-3"]


def test_an_unknown_filter_value_is_reported_not_a_server_error(reader):
    response = reader.get(REGISTER, {"status": "nonsense"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_pages_of_25_keep_the_filters_in_their_links(reader):
    for number in range(30):
        DecisionFactory(reference=f"P-{number:02}", title="Grant")

    first = reader.get(REGISTER, {"q": "grant", "sort": "reference"})
    second = reader.get(REGISTER, {"q": "grant", "sort": "reference", "page": 2})

    assert len(references(first)) == 25
    assert references(second) == [f"P-{n}" for n in range(25, 30)]
    content = first.content.decode()
    assert "govuk-pagination" in content
    assert "?q=grant&amp;sort=reference&amp;page=2" in content


def test_csv_export_lists_every_matching_decision_with_the_same_filters(reader):
    for number in range(30):
        DecisionFactory(reference=f"E-{number:02}", title="Grant")
    DecisionFactory(reference="F-1", title='=HYPERLINK("http://example.com")')

    response = reader.get(reverse("workspace:decision-export"), {"q": "grant"})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Title", "Form"]
    assert len(rows) == 31
    assert {row[0] for row in rows[1:]} == {f"E-{n:02}" for n in range(30)}


def test_csv_cells_cannot_run_as_spreadsheet_formulas(reader):
    DecisionFactory(reference="F-1", title='=HYPERLINK("http://example.com")')

    response = reader.get(reverse("workspace:decision-export"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://example.com")'
