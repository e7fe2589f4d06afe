"""A record's figures in a decision file: its value, capital or revenue, the budget, the
yearly figures and the funding sources (`decisions.models.money`), as `/decisions.json`
writes them and under the names an office's spreadsheet may give them.

- `value` (a number, or text such as "£12,500.00"); empty or null means not recorded.
- `spend_type`: capital, revenue or both.
- `budget`: the budget it is met from.
- `value_withheld`, with `value_exemption` (and `value_exemption_other`) and
  `value_public_interest`: the figures are withheld, as a section is.
- JSON only: `yearly_values`, a list of `{"year": "2025/26", "amount": "40000.00"}`, and
  `funding`, a list of `{"funder": "…", "amount": "…", "percentage": "…"}` (a funder named
  as a partner body in the register is linked to it).
"""

from dataclasses import dataclass, field

from commissioning.importing import Checker, is_blank, normalise_header, squash
from contracts.models import PartnerBody
from decisions.importing.columns import EXEMPTION_CODES, parse_exemption
from decisions.importing.parts import listed_numbers
from decisions.models import (
    QUALIFIED_EXEMPTIONS,
    DecisionMoney,
    Exemption,
    FundingSource,
    SpendType,
    YearlyFigure,
    parse_financial_year,
)

SPEND_TYPE_WORDS = {value: value for value in SpendType.values} | {
    "capitalandrevenue": SpendType.BOTH,
    "capitalrevenue": SpendType.BOTH,
}
# The fields of one yearly figure and one funding source in a JSON record's lists.
YEAR_FIELDS = {"year": "year", "financialyear": "year", "amount": "amount", "value": "amount"}
FUNDING_FIELDS = {
    "funder": "funder",
    "name": "funder",
    "partner": "funder",
    "amount": "amount",
    "value": "amount",
    "percentage": "percentage",
    "share": "percentage",
}
LISTS = {"yearlyvalues": ("year", YEAR_FIELDS), "funding": ("funding", FUNDING_FIELDS)}


@dataclass
class MoneyDraft:
    money: DecisionMoney | None
    years: list[YearlyFigure] = field(default_factory=list)
    funding: list[FundingSource] = field(default_factory=list)

    @property
    def in_words(self) -> str:
        from commissioning.money import pounds

        money = self.money
        words = []
        if money is not None:
            if money.is_withheld:
                words.append("figures withheld")
            elif money.value is not None:
                words.append(f"value {pounds(money.value)}")
        if self.years:
            words.append(f"{len(self.years)} yearly figure{'s' if len(self.years) > 1 else ''}")
        if self.funding:
            names = ", ".join(source.funder_name for source in self.funding)
            words.append(f"funded by {names}")
        return "Money: " + "; ".join(words) if words else ""


class MoneyChecks:
    """The checks of a record's figures (DecisionImport)."""

    def load_partners(self) -> None:
        self.partners = {squash(partner.name): partner for partner in PartnerBody.objects.all()}

    def check_money(self, check: Checker) -> MoneyDraft | None:
        value = check.money("value")
        spend_type = check.choice(
            "spend_type", SPEND_TYPE_WORDS, accepted="capital, revenue or both", default=""
        )
        withheld = bool(check.flag("value_withheld"))
        money = DecisionMoney(
            value=value,
            spend_type=spend_type or "",
            budget=check.text("budget"),
            is_withheld=withheld,
        )
        if withheld:
            self._check_withholding(check, money)
        check.model_errors(
            money,
            fields={"value": "value", "spend_type": "spend_type", "budget": "budget"},
            constraints={"value_not_negative": "value"},
            exclude=["decision"],
        )
        years = self._check_years(check)
        funding = self._check_funding(check)
        recorded = value is not None or spend_type or money.budget or withheld
        if not (recorded or years or funding):
            return None
        return MoneyDraft(money if recorded else None, years, funding)

    def _check_withholding(self, check: Checker, money: DecisionMoney) -> None:
        written = check.text("value_exemption")
        exemption = parse_exemption(written) if written else None
        if exemption is None:
            check.error(
                "value_exemption",
                f"Withheld figures need their exemption: one of {EXEMPTION_CODES}.",
            )
            return
        money.exemption = exemption
        money.exemption_other = check.text("value_exemption_other")
        money.public_interest_statement = check.text("value_public_interest")
        if exemption == Exemption.OTHER and not money.exemption_other:
            check.error("value_exemption_other", "Name the exemption.")
        if exemption in QUALIFIED_EXEMPTIONS and not money.public_interest_statement:
            check.error(
                "value_public_interest",
                "Say why the public interest favours withholding the figures.",
            )

    def _check_years(self, check: Checker) -> list[YearlyFigure]:
        years: list[YearlyFigure] = []
        for number in listed_numbers(check, "year"):
            year_key, amount_key = f"year_{number}_year", f"year_{number}_amount"
            written = check.text(year_key, required=True, what="The financial year")
            year = parse_financial_year(written) if written else None
            if written and year is None:
                check.error(year_key, f"{written!r} is not a financial year, such as 2025/26.")
            if is_blank(check.raw(amount_key)):
                check.error(amount_key, "The year's amount is needed here.")
                continue
            amount = check.money(amount_key)
            if year is None or amount is None:
                continue
            if any(each.year == year for each in years):
                check.error(year_key, "This financial year is given twice.")
                continue
            figure = YearlyFigure(year=year, amount=amount)
            check.model_errors(
                figure,
                fields={"year": year_key, "amount": amount_key},
                constraints={"amount_not_negative": amount_key},
                exclude=["decision"],
            )
            years.append(figure)
        return years

    def _check_funding(self, check: Checker) -> list[FundingSource]:
        sources: list[FundingSource] = []
        for number in listed_numbers(check, "funding"):
            keys = {name: f"funding_{number}_{name}" for name in ("funder", "amount", "percentage")}
            name = check.text(keys["funder"], required=True, what="The funder")
            amount = check.money(keys["amount"])
            percentage = check.money(keys["percentage"])
            if not name:
                continue
            partner = self.partners.get(squash(name))
            source = FundingSource(
                partner=partner,
                funder="" if partner else name,
                amount=amount,
                percentage=percentage,
            )
            check.model_errors(
                source,
                fields={"funder": keys["funder"], "amount": keys["amount"]},
                constraints={
                    "amount_not_negative": keys["amount"],
                    "percentage_in_range": keys["percentage"],
                    "gives_a_share": keys["amount"],
                },
                exclude=["decision", "partner"],
            )
            sources.append(source)
        return sources


def money_list(normalised: str) -> tuple[str, dict[str, str]] | None:
    """The noun and fields of a JSON record's list of figures (`yearly_values`, `funding`)."""
    return LISTS.get(normalise_header(normalised))
