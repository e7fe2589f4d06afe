"""The spend charts' drawing (contracts/charts.py) and their sums (contracts/spend.py)."""

import datetime
import re
from decimal import Decimal

import pytest

from contracts.charts import Bar, Chart, draw, latest_with_earlier, top_with_others
from contracts.models import Contract
from contracts.spend import staff_spend
from tests.factories import ContractFactory, ProviderFactory


def bar_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)"', svg)]


def test_a_chart_is_a_titled_described_picture_with_a_bar_as_long_as_its_amount():
    chart = Chart(
        "spend-provider",
        "Spend by provider",
        "Provider",
        [Bar("Acorn <Housing>", Decimal("400000"), 2), Bar("Birch", Decimal("100000"), 1)],
        not_recorded=3,
    )

    svg = str(draw(chart))

    assert 'role="img"' in svg
    assert 'aria-labelledby="spend-provider-title" aria-describedby="spend-provider-desc"' in svg
    assert '<title id="spend-provider-title">Spend by provider</title>' in svg
    assert "3 contracts have no recorded value and no bar." in svg
    assert "Acorn &lt;Housing&gt;" in svg  # a label is text, never markup
    assert "£400,000.00" in svg and "£100,000.00" in svg  # the money formatter's own words
    longest, shorter = bar_widths(svg)
    assert longest == pytest.approx(4 * shorter)


def test_a_chart_of_nothing_but_zero_draws_no_bar_longer_than_nothing():
    svg = str(draw(Chart("c", "Spend", "Provider", [Bar("Nil", Decimal(0), 1)])))

    assert bar_widths(svg) == [0.0]


def test_the_largest_groups_are_kept_and_the_rest_summed_as_others():
    bars = [Bar(f"P{n}", Decimal(n), 1, annual_only=n % 2) for n in range(1, 6)]

    kept = top_with_others(bars, 2, "Other providers")

    assert [bar.label for bar in kept] == ["P5", "P4", "Other providers (3)"]
    assert kept[-1].amount == Decimal(6) and kept[-1].contracts == 3
    assert kept[-1].annual_only == 2
    # One group more than kept is shown as itself, not as "others" of one.
    assert [bar.label for bar in top_with_others(bars[:3], 2, "Others")] == ["P3", "P2", "P1"]


def test_the_latest_years_are_kept_and_earlier_ones_summed():
    bars = [Bar(str(year), Decimal(year), 1) for year in range(2015, 2021)]

    kept = latest_with_earlier(bars, 3, "Earlier years")

    assert [bar.label for bar in kept] == ["Earlier years", "2018", "2019", "2020"]
    assert kept[0].amount == Decimal(2015 + 2016 + 2017)


@pytest.mark.django_db
def test_spend_sums_values_by_financial_year_and_counts_unrecorded_values_apart():
    acorn = ProviderFactory(name="Acorn")
    ends = {"ends_on": datetime.date(2030, 3, 31)}
    ContractFactory(provider=acorn, starts_on=datetime.date(2024, 3, 31), total_value=100, **ends)
    ContractFactory(provider=acorn, starts_on=datetime.date(2024, 4, 1), total_value=200, **ends)
    ContractFactory(
        provider=acorn,
        starts_on=datetime.date(2025, 3, 31),
        total_value=None,
        annual_value=50,
        **ends,
    )
    ContractFactory(provider=acorn, total_value=None, annual_value=None)  # no value: apart
    ContractFactory(total_value=999, status=Contract.Status.PLANNED)  # not let: left out

    spend = staff_spend()
    by_provider, _by_department, by_year = spend.charts

    assert spend.not_recorded == 1 and spend.contracts == 3
    (acorn_bar,) = by_provider.bars
    assert (acorn_bar.label, acorn_bar.amount, acorn_bar.contracts) == ("Acorn", 350, 3)
    assert acorn_bar.annual_only == 1
    assert [(bar.label, bar.amount) for bar in by_year.bars] == [
        ("April 2023 to March 2024", Decimal(100)),
        ("April 2024 to March 2025", Decimal(250)),  # 31 March 2025 is still 2024 to 2025
    ]
