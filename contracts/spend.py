"""Spend on contracts, added up in the database: by provider, by category (the department
that holds the contract) and by the financial year (April to March) the contract starts in.

A contract counts at its value over the term, or at its annual value where that is all that
is recorded; the tables say how many count at their annual value. A contract with no
recorded value is counted apart, never as £0. Three grouped queries, whatever the number of
contracts. The public register passes what the public may see (`public_spend` in
contracts/publication.py); the staff pages pass the contracts' own fields (`staff_spend`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Expression, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, ExtractYear

from contracts.charts import Bar, Chart, latest_with_earlier, top_with_others
from contracts.models import Contract

VALUE = Coalesce("total_value", "annual_value")
ANNUAL_ONLY = Q(total_value__isnull=True, annual_value__isnull=False)
NOT_RECORDED = Q(total_value__isnull=True, annual_value__isnull=True)

PROVIDERS_SHOWN = 10
DEPARTMENTS_SHOWN = 8
YEARS_SHOWN = 10

# What a group stands for when the public may not see it (see `public_spend`).
NOT_PUBLIC_YEAR = 0


def financial_year(field: str = "starts_on") -> Case:
    """The year a date's financial year starts in (April to March): null for no date."""
    year = ExtractYear(field)
    return Case(
        When(**{f"{field}__month__gte": 4}, then=year),
        default=year - 1,
        output_field=IntegerField(),
    )


def year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


@dataclass(frozen=True)
class Spend:
    """The three charts of a list of contracts, and what they leave out."""

    charts: list[Chart]
    contracts: int  # with a recorded value
    not_recorded: int  # with none


def _grouped(queryset: QuerySet, *names: str, **expressions: Expression) -> list[dict]:
    """Each group's amount and counts, in one query."""
    return list(
        queryset.order_by()
        .values(*names, **expressions)
        .annotate(
            amount=Sum(VALUE),
            valued=Count("pk", filter=~NOT_RECORDED),
            annual_only=Count("pk", filter=ANNUAL_ONLY),
            unvalued=Count("pk", filter=NOT_RECORDED),
        )
    )


def _bar(label: str, row: dict) -> Bar:
    return Bar(
        label=label,
        amount=row["amount"] if row["amount"] is not None else Decimal(0),
        contracts=row["valued"],
        annual_only=row["annual_only"],
    )


def _split(rows: list[dict], key: str, apart: dict) -> tuple[list[dict], list[tuple[str, dict]]]:
    """The rows with a value in `key`, and those standing for one of `apart` (a dict of the
    special values and their labels, kept in that order after the others). Groups with no
    recorded value in them are left out: their contracts are counted apart."""
    named, special = [], {}
    for row in rows:
        if not row["valued"]:
            continue
        if row[key] in apart:
            special[row[key]] = row
        else:
            named.append(row)
    return named, [(label, special[value]) for value, label in apart.items() if value in special]


def summarise(
    queryset: QuerySet, *, category: Expression, year: Expression, small_label: str = ""
) -> Spend:
    """The spend of `queryset`'s contracts by provider, by `category` (a department, "" when
    not recorded, None when not shown) and by `year` (a financial year, None when the start
    is not recorded, NOT_PUBLIC_YEAR when not shown). `small_label` names the contracts whose
    category and year are not shown."""
    providers = _grouped(queryset, "provider_id", "provider__name")
    not_recorded = sum(row["unvalued"] for row in providers)
    valued = sum(row["valued"] for row in providers)

    named, apart = _split(providers, "provider_id", {None: "Provider not recorded"})
    by_provider = top_with_others(
        [_bar(row["provider__name"], row) for row in named], PROVIDERS_SHOWN, "Other providers"
    ) + [_bar(label, row) for label, row in apart]

    departments = _grouped(queryset, group=category)
    named, apart = _split(departments, "group", {"": "Department not recorded", None: small_label})
    by_department = top_with_others(
        [_bar(row["group"], row) for row in named], DEPARTMENTS_SHOWN, "Other departments"
    ) + [_bar(label, row) for label, row in apart]

    years = _grouped(queryset, group=year)
    named, apart = _split(
        years, "group", {None: "Start not recorded", NOT_PUBLIC_YEAR: small_label}
    )
    named.sort(key=lambda row: row["group"])
    by_year = latest_with_earlier(
        [_bar(year_label(row["group"]), row) for row in named], YEARS_SHOWN, "Earlier years"
    ) + [_bar(label, row) for label, row in apart]

    charts = [
        Chart("spend-provider", "Spend by provider", "Provider", by_provider, not_recorded),
        Chart("spend-department", "Spend by department", "Department", by_department, not_recorded),
        Chart(
            "spend-year",
            "Spend by the financial year the contract starts",
            "Financial year",
            by_year,
            not_recorded,
        ),
    ]
    return Spend(charts=charts, contracts=valued, not_recorded=not_recorded)


def staff_spend(queryset: QuerySet | None = None) -> Spend:
    """The spend of every contract let (all but those still planned), for the staff pages."""
    queryset = Contract.objects.all() if queryset is None else queryset
    return summarise(
        queryset.exclude(status=Contract.Status.PLANNED),
        category=F("department"),
        year=financial_year(),
    )
