"""An officer records a decision's figures from its page: its value (with "£" and commas as
typed), capital or revenue, the budget, yearly figures by financial year and funding sources;
withholds them under an exemption; is told what is wrong next to the field; and a stale form
saves nothing. The Treasurer sees the figures when signing off."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisions.models import DecisionMoney, FundingSource, YearlyFigure
from tests.factories import PartnerBodyFactory, StartedDecisionFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    return StartedDecisionFactory(author=officer, reference="WPCC3-0071")


def opened(client, draft):
    """The figures page, reached by its link on the decision's page."""
    detail = client.get(reverse("workspace:decision-detail", args=[draft.reference]))
    url = reverse("workspace:decision-money", args=[draft.reference])
    assert f'href="{url}"' in detail.content.decode()
    assert "Not recorded" in detail.content.decode()
    return url, client.get(url)


def test_an_officer_records_the_figures_from_the_decision_page(client_for, officer, draft):
    partner = PartnerBodyFactory(name="Warwickshire County Council")
    client = client_for(officer)
    url, page = opened(client, draft)
    body = page.content.decode()
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in body
    assert 'inputmode="decimal"' in body
    data = form_fields(page)
    data.update(
        {
            "value": "£1,250,000.50",
            "spend_type": "revenue",
            "budget": "Community safety fund",
            "years-0-year": "2025/26",
            "years-0-amount": "625,000.25",
            "funding-0-partner": str(partner.pk),
            "funding-0-percentage": "40",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    money = DecisionMoney.objects.get(decision=draft)
    assert (money.value, money.spend_type, money.budget) == (
        Decimal("1250000.50"),
        "revenue",
        "Community safety fund",
    )
    assert money.history.get().history_user == officer
    year = YearlyFigure.objects.get(decision=draft)
    assert (year.year, year.amount) == (2025, Decimal("625000.25"))
    assert FundingSource.objects.get(decision=draft).partner == partner
    detail = client.get(response["Location"]).content.decode()
    assert "£1,250,000.50" in detail
    assert "2025/26" in detail
    assert "Funded by Warwickshire County Council" in detail


def test_bad_figures_are_named_next_to_their_fields_and_nothing_is_saved(
    client_for, officer, draft
):
    client = client_for(officer)
    url, page = opened(client, draft)
    data = form_fields(page)
    data.update(
        {
            "value": "-5",
            "is_withheld": "on",
            "years-0-year": "2025/27",
            "years-0-amount": "ten pounds",
            "funding-0-funder": "Home Office",
        }
    )

    response = client.post(url, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Total value cannot be negative" in body
    assert "Choose the exemption for withholding the figures" in body
    assert "Financial year must be written like 2025/26" in body
    assert "Amount must be an amount in pounds, like 1250.00" in body
    assert "Give the amount, the percentage, or both." in body
    assert not DecisionMoney.objects.exists()
    assert not YearlyFigure.objects.exists()
    assert not FundingSource.objects.exists()


def test_a_share_over_100_percent_is_named_not_a_server_error(client_for, officer, draft):
    # The message has a percent sign of its own, beside the limit Django fills in.
    client = client_for(officer)
    url, page = opened(client, draft)
    data = form_fields(page)
    data.update({"funding-0-funder": "Home Office", "funding-0-percentage": "101"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Share cannot be more than 100%" in response.content.decode()
    assert not FundingSource.objects.exists()


def test_a_year_given_twice_is_refused_on_its_row(client_for, officer, draft):
    client = client_for(officer)
    url, page = opened(client, draft)
    data = form_fields(page)
    data.update({"years-0-year": "2025/26", "years-0-amount": "1", "years-TOTAL_FORMS": "2"})
    data.update({"years-1-year": "2025", "years-1-amount": "2", "years-1-id": ""})
    data["years-1-decision"] = data.get("years-0-decision", "")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "2025/26 is given on another row" in response.content.decode()
    assert not YearlyFigure.objects.exists()


def test_a_form_opened_before_another_change_saves_nothing(client_for, officer, draft):
    client = client_for(officer)
    url, page = opened(client, draft)
    data = form_fields(page)
    DecisionMoney.objects.create(decision=draft, value=Decimal("10.00"))
    data["value"] = "20"

    response = client.post(url, data)

    assert response.status_code == 409
    assert DecisionMoney.objects.get(decision=draft).value == Decimal("10.00")


def test_the_treasurer_sees_the_figures_when_signing_off(client_for, officer, treasurer, draft):
    DecisionMoney.objects.create(decision=draft, value=Decimal("84000.00"), budget="Grants")
    draft.submit(by=officer)

    page = client_for(treasurer).get(reverse("workspace:workflow-sign-off", args=[draft.reference]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "The figures" in body
    assert "£84,000.00" in body
    assert "Grants" in body


def test_officers_filter_and_sort_by_value_and_download_the_figures(client_for, officer):
    small, large, unknown = StartedDecisionFactory.create_batch(3, author=officer)
    DecisionMoney.objects.create(decision=small, value=Decimal("500.00"))
    DecisionMoney.objects.create(
        decision=large,
        value=Decimal("2000000.00"),
        spend_type="capital",
        is_withheld=True,
        exemption="s43_2",
        public_interest_statement="Prices are sensitive.",
    )
    client = client_for(officer)
    register = reverse("workspace:decision-list")

    ranged = client.get(register, {"value_min": "£1,000", "value_max": "3000000"})
    by_value = client.get(register, {"sort": "-value"}).content.decode()
    csv = client.get(reverse("workspace:decision-export"), {"sort": "-value"})

    assert large.reference in ranged.content.decode()
    assert small.reference not in ranged.content.decode()
    order = [by_value.index(d.reference) for d in (large, small, unknown)]
    assert order == sorted(order)
    # Each row says its value, and whether it is withheld from publication.
    rows = by_value.split("<tr")[2:]
    assert "£2,000,000.00" in rows[0] and "Withheld from publication" in rows[0]
    assert "£500.00" in rows[1] and "Withheld" not in rows[1]
    assert "Not recorded" in rows[2]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert "Value (£),Figures withheld,Capital or revenue,Budget" in lines[0]
    assert "2000000.00,Yes,Capital," in lines[1]
    assert "500.00,No,," in lines[2]


def test_the_signed_content_covers_the_figures_once_there_are_any(draft):
    from decisions.workflow import content_hash

    without = content_hash(draft)
    money = DecisionMoney.objects.create(decision=draft, value=Decimal("84000.00"))
    with_value = content_hash(draft)
    money.value = Decimal("94000.00")
    money.save()

    assert len({without, with_value, content_hash(draft)}) == 3
    money.delete()
    # A signature given before any figure was recorded still matches a record with none.
    assert content_hash(draft) == without


def test_the_register_counts_its_decisions_without_joining_their_figures(client_for, officer):
    """The Value column's figures are read with the rows shown, not joined into the count of
    the list: at 100,000 decisions that join slowed every page of the register."""
    decision = StartedDecisionFactory(author=officer)
    DecisionMoney.objects.create(decision=decision, value=Decimal("750.00"))
    client = client_for(officer)

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("workspace:decision-list")).content.decode()

    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]
    assert len(counts) == 1
    assert "decisions_decisionmoney" not in counts[0]
    assert "£750.00" in page
