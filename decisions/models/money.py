"""Money as data: what a decision is worth, how it is paid for and from where.

A decision's figures (`DecisionMoney`): its value in pounds, whether it is capital or revenue
spending, and the budget it is met from. A decision running over several years has its
figures by financial year (`YearlyFigure`, April to March), and a service commissioned with
others has its funding sources with their shares (`FundingSource`). Unknown stays unknown:
a value not recorded is null, never 0.

The figures can be withheld as a whole, like a section (a commercially sensitive value under
section 43(2)): the withholding on `DecisionMoney` covers the value, the yearly figures and
the funders' amounts and shares. The budget, the kind of spending and the funders' names are
published.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from commissioning.constraints import choice_valid
from commissioning.money import pounds
from decisions.models.fields import MONEY
from decisions.models.withholding import Withholdable, withholding_constraints

# The financial years a figure may be given for (the starting year): the register's records
# go back to the first Commissioners (2012) and the seeds' to the police authorities before.
FIRST_YEAR = 1990
LAST_YEAR = 2100


class SpendType(models.TextChoices):
    CAPITAL = "capital", "Capital"
    REVENUE = "revenue", "Revenue"
    BOTH = "both", "Capital and revenue"


def financial_year(year: int) -> str:
    """The financial year starting in April of `year`, as offices write it: "2025/26"."""
    return f"{year}/{(year + 1) % 100:02}"


def parse_financial_year(text: str) -> int | None:
    """The starting year of "2025/26", "2025-26", "2025/2026" or "2025"; None if it is not
    a financial year the register holds."""
    text = (text or "").strip().replace("-", "/")
    first, _, second = text.partition("/")
    if not first.isdigit() or len(first) != 4:
        return None
    year = int(first)
    if second:
        if not second.isdigit() or len(second) not in (2, 4):
            return None
        if int(second) % 100 != (year + 1) % 100 or (len(second) == 4 and int(second) != year + 1):
            return None
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


class DecisionMoney(Withholdable):
    """A decision's figures: at most one row a decision (`decisions.money_records`)."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="money_records"
    )
    value = models.DecimalField(
        "total value (£)",
        **MONEY,
        null=True,
        blank=True,
        help_text="Leave empty if the value is not recorded.",
    )
    spend_type = models.CharField(
        "capital or revenue", max_length=10, choices=SpendType.choices, blank=True
    )
    budget = models.CharField("budget it is met from", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        verbose_name = "decision's figures"
        verbose_name_plural = "decisions' figures"
        constraints = [
            models.UniqueConstraint(fields=["decision"], name="decisionmoney_one_per_decision"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=Decimal("0")),
                name="decisionmoney_value_not_negative",
                violation_error_message="The value cannot be negative.",
            ),
            choice_valid("spend_type", SpendType, "decisionmoney_spend_type_valid", or_blank=True),
            *withholding_constraints("decisionmoney"),
        ]

    def __str__(self) -> str:
        return f"The figures of decision {self.decision_id}"

    @property
    def heading(self) -> str:
        """How withholding errors name what is withheld (`decisions.forms.clean_withholding`)."""
        return "the figures"


class YearlyFigure(models.Model):
    """What a decision running over years costs in one financial year (April to March),
    stored as the year it starts: 2025 is "2025/26"."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="yearly_figures"
    )
    year = models.PositiveSmallIntegerField("financial year")
    amount = models.DecimalField("amount (£)", **MONEY)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "year"],
                name="yearlyfigure_one_per_year",
                violation_error_message="This financial year already has a figure.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")),
                name="yearlyfigure_amount_not_negative",
                violation_error_message="A yearly figure cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="yearlyfigure_year_in_range",
                violation_error_message=(
                    f"Give a financial year between {FIRST_YEAR} and {LAST_YEAR}."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year}: {pounds(self.amount)}"

    @property
    def financial_year(self) -> str:
        return financial_year(self.year)


class FundingSource(models.Model):
    """Who pays for a decision, and how much: a partner body in the register, or a funder
    named here, with an amount, a percentage, or both (a co-commissioned service)."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="funding_sources"
    )
    partner = models.ForeignKey(
        "contracts.PartnerBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_decisions",
    )
    funder = models.CharField("funder", max_length=250, blank=True)
    amount = models.DecimalField("amount (£)", **MONEY, null=True, blank=True)
    percentage = models.DecimalField(
        "share (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(funder=""),
                name="fundingsource_names_the_funder",
                violation_error_message="Name the funder, or choose a partner body.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=Decimal("0")),
                name="fundingsource_amount_not_negative",
                violation_error_message="An amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True)
                | (Q(percentage__gte=Decimal("0")) & Q(percentage__lte=Decimal("100"))),
                name="fundingsource_percentage_in_range",
                violation_error_message="A share is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | Q(percentage__isnull=False),
                name="fundingsource_gives_a_share",
                violation_error_message="Give the amount, the percentage, or both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder_name}: {self.share_in_words}"

    @property
    def funder_name(self) -> str:
        return self.partner.name if self.partner_id else self.funder

    @property
    def share_in_words(self) -> str:
        return share_in_words(self.amount, self.percentage)


def share_in_words(amount: Decimal | None, percentage: Decimal | None) -> str:
    """ "£40,000.00 (40%)", "£40,000.00" or "40%"."""
    parts = []
    if amount is not None:
        parts.append(pounds(amount))
    if percentage is not None:
        shown = f"{percentage.normalize():f}%"
        parts.append(f"({shown})" if parts else shown)
    return " ".join(parts)
