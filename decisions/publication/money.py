"""What the public may see of a decision's figures (`decisions.models.money`).

Figures withheld (the withholding on `DecisionMoney`) give no value, no yearly figure and no
funder's amount or share: only that they are withheld and why, the budget, the kind of
spending and the funders' names. A wholly confidential record and one whose papers are
restricted give no figures at all (`public_record` does not call `public_money` for them,
and `public_value` is null for them).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, OuterRef, Subquery, Value, When

from decisions.models import (
    Decision,
    DecisionMoney,
    FundingSource,
    SpendType,
    YearlyFigure,
    share_in_words,
)

SPEND_TYPES_IN_WORDS = dict(SpendType.choices)


@dataclass(frozen=True)
class PublicYear:
    year: int  # the year the financial year starts
    financial_year: str  # "2025/26"
    amount: Decimal


@dataclass(frozen=True)
class PublicFunder:
    name: str
    amount: Decimal | None = None  # None when not recorded, or when the figures are withheld
    percentage: Decimal | None = None

    @property
    def share_in_words(self) -> str:
        return share_in_words(self.amount, self.percentage)


@dataclass(frozen=True)
class PublicMoney:
    value: Decimal | None = None  # None when not recorded, or withheld
    spend_type: str = ""  # in words; "" when not recorded
    spend_type_code: str = ""
    budget: str = ""
    is_withheld: bool = False
    withheld_because: str = ""
    public_interest_statement: str = ""
    exemption: str = ""
    exemption_other: str = ""
    years: list[PublicYear] = field(default_factory=list)
    funders: list[PublicFunder] = field(default_factory=list)


def public_money(
    money_rows: list[DecisionMoney],
    year_rows: list[YearlyFigure],
    funder_rows: list[FundingSource],
) -> PublicMoney:
    """The public figures of one decision from its rows (read with it: see `PUBLIC_PARTS`)."""
    money = money_rows[0] if money_rows else None
    withheld = bool(money and money.is_withheld)
    funders = [
        PublicFunder(
            name=getattr(row, "partner_name", None) or row.funder,
            amount=None if withheld else row.amount,
            percentage=None if withheld else row.percentage,
        )
        for row in funder_rows
    ]
    if money is None:
        return PublicMoney(
            years=[PublicYear(row.year, row.financial_year, row.amount) for row in year_rows],
            funders=funders,
        )
    head = {
        "spend_type": SPEND_TYPES_IN_WORDS.get(money.spend_type, ""),
        "spend_type_code": money.spend_type,
        "budget": money.budget,
        "funders": funders,
    }
    if withheld:
        return PublicMoney(
            **head,
            is_withheld=True,
            withheld_because=money.exemption_in_words,
            public_interest_statement=money.public_interest_statement,
            exemption=money.exemption,
            exemption_other=money.exemption_other,
        )
    return PublicMoney(
        **head,
        value=money.value,
        years=[PublicYear(row.year, row.financial_year, row.amount) for row in year_rows],
    )


def public_value() -> Case:
    """A decision's value as the public may see it, as an expression for a query of decisions
    (to filter and sort the public register by): null when not recorded, when withheld, and
    for a wholly confidential record or one whose papers are restricted."""
    shown = DecisionMoney.objects.filter(decision=OuterRef("pk"), is_withheld=False).values(
        "value"
    )[:1]
    return Case(
        When(
            confidentiality__in=[
                Decision.Confidentiality.CONFIDENTIAL,
                Decision.Confidentiality.RESTRICTED,
            ],
            then=Value(None),
        ),
        default=Subquery(shown),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
