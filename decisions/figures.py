"""What the workspace's decision pages and CSV export read of a decision's figures
(`decisions.models.money`): their tracks of history, and their columns in the export."""

from django.db.models import F, QuerySet

from commissioning.history import Track
from commissioning.money import amount
from decisions.models import DecisionMoney, FundingSource, SpendType, YearlyFigure, financial_year

SPEND_TYPES = dict(SpendType.choices)


def figure_tracks(pk: int) -> list[Track]:
    """The rows of the decision with key `pk` whose history is its figures' history."""
    return [
        Track(DecisionMoney.history.filter(decision_id=pk), lambda r: "The figures"),
        Track(YearlyFigure.history.filter(decision_id=pk), lambda r: financial_year(r.year)),
        Track(FundingSource.history.filter(decision_id=pk), lambda r: "A funding source"),
    ]


# For staff, withheld figures too, marked as withheld (read by `with_figures`).
FIGURE_COLUMNS = [
    ("Value (£)", lambda d: amount(d.export_value) or ""),
    ("Figures withheld", lambda d: "Yes" if d.export_withheld else "No"),
    ("Capital or revenue", lambda d: SPEND_TYPES.get(d.export_spend_type or "", "")),
    ("Budget", lambda d: d.export_budget or ""),
]


def with_figures(decisions: QuerySet) -> QuerySet:
    """The decisions with their figures for `FIGURE_COLUMNS`, in the same query (a decision
    has at most one row of figures, so the join adds no rows)."""
    return decisions.annotate(
        export_value=F("money_records__value"),
        export_withheld=F("money_records__is_withheld"),
        export_spend_type=F("money_records__spend_type"),
        export_budget=F("money_records__budget"),
    )
