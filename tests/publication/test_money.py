"""A decision's figures as data: its value, capital or revenue, budget, yearly figures by
financial year and funding sources; the rules the database keeps; and the figures in and out
through `/decisions.json` and the import."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from decisions.importing import DecisionImport
from decisions.models import (
    Award,
    DecisionMoney,
    Exemption,
    FundingSource,
    YearlyFigure,
    financial_year,
    parse_financial_year,
)
from tests.factories import DecisionFactory, PartnerBodyFactory
from tests.importing.conftest import json_file

pytestmark = pytest.mark.django_db


def test_financial_years_run_april_to_march_and_are_read_as_offices_write_them():
    assert financial_year(2025) == "2025/26"
    assert financial_year(1999) == "1999/00"
    for written in ("2025/26", "2025-26", "2025/2026", "2025"):
        assert parse_financial_year(written) == 2025
    for wrong in ("2025/27", "25/26", "twenty", "2025/2027", ""):
        assert parse_financial_year(wrong) is None


def test_the_database_refuses_negative_figures_and_a_year_given_twice():
    decision = DecisionFactory()
    with pytest.raises(ValidationError, match="cannot be negative"):
        DecisionMoney(decision=decision, value=Decimal("-1")).full_clean()
    with transaction.atomic(), pytest.raises(IntegrityError):
        DecisionMoney.objects.create(decision=decision, value=Decimal("-1"))
    YearlyFigure.objects.create(decision=decision, year=2025, amount=Decimal("10"))
    with transaction.atomic(), pytest.raises(IntegrityError):
        YearlyFigure.objects.create(decision=decision, year=2025, amount=Decimal("20"))
    with pytest.raises(ValidationError, match="Give the amount, the percentage, or both"):
        FundingSource(decision=decision, funder="Council").full_clean()
    with pytest.raises(ValidationError, match="Choose the exemption"):
        DecisionMoney(decision=decision, is_withheld=True).full_clean()


def test_a_value_not_recorded_stays_unknown():
    money = DecisionMoney.objects.create(decision=DecisionFactory())
    assert money.value is None
    assert money.history.count() == 1


def test_the_export_gives_the_value_in_pounds_and_null_when_withheld(
    make_decision, officer, client
):
    shown = make_decision(reference="MONEY-1")
    DecisionMoney.objects.create(
        decision=shown, value=Decimal("125000.50"), spend_type="revenue", budget="Grants"
    )
    YearlyFigure.objects.create(decision=shown, year=2025, amount=Decimal("62500.25"))
    partner = PartnerBodyFactory(name="Warwickshire County Council")
    FundingSource.objects.create(decision=shown, partner=partner, percentage=Decimal("40"))
    withheld = make_decision(reference="MONEY-2")
    DecisionMoney.objects.create(
        decision=withheld,
        value=Decimal("999.00"),
        is_withheld=True,
        exemption=Exemption.S43_2,
        public_interest_statement="Prices are sensitive until the tender.",
    )
    unknown = make_decision(reference="MONEY-3")
    for decision in (shown, withheld, unknown):
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer)

    exported = {d["reference"]: d for d in client.get("/decisions.json").json()["decisions"]}

    assert exported["MONEY-1"]["value"] == 125000.5
    assert exported["MONEY-1"]["spend_type"] == "revenue"
    assert exported["MONEY-1"]["yearly_values"] == [{"year": "2025/26", "amount": "62500.25"}]
    assert exported["MONEY-1"]["funding"] == [
        {"funder": "Warwickshire County Council", "percentage": "40.00"}
    ]
    assert exported["MONEY-2"]["value"] is None
    assert exported["MONEY-2"]["value_withheld"] is True
    assert exported["MONEY-2"]["confidentiality"] == "partly"
    assert exported["MONEY-3"]["value"] is None
    assert "999" not in client.get("/decisions.json").content.decode()


def record(**fields) -> dict:
    return {
        "reference": "WPCC3-0071",
        "title": "Domestic abuse services",
        "decision_maker": "pcc",
        "decision_maker_name": "Philip Seccombe",
        "decided_on": "2022-09-14",
        "published_on": "2022-09-30",
        "sections": [{"heading": "Background information", "text": "Three bids."}],
        **fields,
    }


def test_the_import_records_the_figures_it_used_to_ignore(officer):
    partner = PartnerBodyFactory(name="Warwickshire County Council")
    result = DecisionImport(
        json_file(
            [
                record(
                    value="£1,250,000.00",
                    spend_type="Capital and revenue",
                    budget="Community safety fund",
                    yearly_values=[
                        {"year": "2022/23", "amount": "600000"},
                        {"year": "2023-24", "amount": 650000},
                    ],
                    funding=[
                        {"funder": "warwickshire county council", "percentage": "40"},
                        {"funder": "Home Office", "amount": "750000"},
                    ],
                    awards=[
                        {
                            "recipient": "Refuge",
                            "amount": "1000",
                            "conditions": "Quarterly reports.",
                            "crime_reduction": "Fewer repeat victims.",
                        }
                    ],
                )
            ]
        ),
        "decisions.json",
    )

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert not [w for w in result.warnings if "value" in w.column]
    result.write(by=officer)
    money = DecisionMoney.objects.get(decision__reference="WPCC3-0071")
    assert (money.value, money.spend_type, money.budget) == (
        Decimal("1250000.00"),
        "both",
        "Community safety fund",
    )
    years = YearlyFigure.objects.filter(decision=money.decision)
    assert [(y.financial_year, y.amount) for y in years] == [
        ("2022/23", Decimal("600000.00")),
        ("2023/24", Decimal("650000.00")),
    ]
    sources = FundingSource.objects.filter(decision=money.decision)
    assert [(s.partner, s.funder_name) for s in sources] == [
        (partner, "Warwickshire County Council"),
        (None, "Home Office"),
    ]
    award = Award.objects.get(decision=money.decision)
    assert (award.conditions, award.crime_reduction) == (
        "Quarterly reports.",
        "Fewer repeat victims.",
    )


def test_the_import_says_what_is_wrong_with_a_figure_next_to_it():
    result = DecisionImport(
        json_file(
            [
                record(
                    value="-5",
                    yearly_values=[{"year": "2022/24", "amount": "1"}],
                    value_withheld=True,
                )
            ]
        ),
        "decisions.json",
    )

    assert not result.is_valid
    problems = {problem.column: problem.reason for problem in result.problems}
    assert problems["value"] == "The value cannot be negative."
    assert "is not a financial year" in problems["yearly_values[1].year"]
    assert "exemption" in problems["value_exemption"]


def test_exported_figures_read_back_into_the_importer(make_decision, officer, client):
    decision = make_decision(reference="MONEY-9")
    DecisionMoney.objects.create(decision=decision, value=Decimal("42.00"), spend_type="capital")
    YearlyFigure.objects.create(decision=decision, year=2024, amount=Decimal("42.00"))
    decision.publish(by=officer)
    content = client.get("/decisions.json").content.replace(b"MONEY-9", b"COPY-9")

    result = DecisionImport(content, "decisions.json")

    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)
    copy = DecisionMoney.objects.get(decision__reference="COPY-9")
    assert (copy.value, copy.spend_type) == (Decimal("42.00"), "capital")
    assert json.loads(content)["decisions"][0]["value"] == 42.0
