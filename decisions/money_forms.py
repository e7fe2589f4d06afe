"""The workspace forms of a decision's figures (`decisions.models.money`): its value, kind of
spending, budget and withholding on one form, its yearly figures and funding sources as rows."""

from django import forms

from commissioning.forms import GovukFormMixin, MoneyField
from contracts.models import PartnerBody
from decisions.forms import WITHHOLDING_FIELDS, WITHHOLDING_LABELS, WithholdingFormMixin
from decisions.models import (
    Decision,
    DecisionMoney,
    FundingSource,
    SpendType,
    YearlyFigure,
    financial_year,
    parse_financial_year,
)
from decisions.part_forms import BasePartFormSet


class MoneyForm(WithholdingFormMixin, GovukFormMixin, forms.ModelForm):
    value = MoneyField(
        label="Total value",
        required=False,
        help_text="In pounds, for example 125000.00. Leave empty if it is not recorded.",
    )

    class Meta:
        model = DecisionMoney
        fields = ["value", "spend_type", "budget", *WITHHOLDING_FIELDS]
        widgets = {
            "spend_type": forms.RadioSelect,
            "public_interest_statement": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "spend_type": "Capital or revenue",
            "budget": "Budget it is met from (optional)",
            "is_withheld": "Withhold the figures",
            **WITHHOLDING_LABELS,
        }
        help_texts = {
            "budget": "For example, Community safety fund 2025/26",
            "is_withheld": (
                "The value, the yearly figures and the funders' shares are not published; "
                "the exemption is."
            ),
            "public_interest_statement": (
                "Why the public interest favours withholding. Needed for section 43 and section 31."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spend_type"].choices = [("", "Not recorded"), *SpendType.choices]

    conditional_id = "conditional-money-withhold"

    @property
    def records_anything(self) -> bool:
        """Whether the form holds anything worth a row (a new row of nothing is not saved)."""
        data = self.cleaned_data
        return bool(
            data.get("value") is not None
            or data.get("spend_type")
            or data.get("budget")
            or data.get("is_withheld")
        )


class FinancialYearField(forms.Field):
    """A financial year as offices write it ("2025/26"), kept as the year it starts."""

    widget = forms.TextInput

    def prepare_value(self, value):
        return financial_year(value) if isinstance(value, int) else value

    def to_python(self, value):
        text = str(value or "").strip()[:20]
        if not text:
            return None
        year = parse_financial_year(text)
        if year is None:
            raise forms.ValidationError(
                "Financial year must be written like 2025/26 (April 2025 to March 2026)"
            )
        return year


class YearlyFigureForm(GovukFormMixin, forms.ModelForm):
    year = FinancialYearField(
        label="Financial year", help_text="April to March, for example 2025/26"
    )
    amount = MoneyField(label="Amount")

    class Meta:
        model = YearlyFigure
        fields = ["year", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["class"] = "govuk-input govuk-input--width-5"


class FundingSourceForm(GovukFormMixin, forms.ModelForm):
    amount = MoneyField(label="Amount", required=False)
    percentage = forms.DecimalField(
        label="Share (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "invalid": "Share must be a percentage, like 40",
            "min_value": "Share cannot be negative",
            # A percent sign is doubled: Django fills in the message's %(limit_value)s.
            "max_value": "Share cannot be more than 100%%",
        },
    )

    class Meta:
        model = FundingSource
        fields = ["partner", "funder", "amount", "percentage"]
        labels = {
            "partner": "A partner body in the register",
            "funder": "Or another funder",
        }
        help_texts = {"funder": "For example, the Home Office. Give an amount, a share, or both."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerBody.objects.order_by("name")
        self.fields["partner"].empty_label = "Not a partner body in the register"
        self.fields["percentage"].widget.attrs["class"] = "govuk-input govuk-input--width-4"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partner"):
            cleaned["funder"] = ""
            self.instance.funder = ""
        return cleaned


class YearsFormSet(BasePartFormSet):
    def clean(self):
        """A year given on two rows is named on the second: the database keeps one a year."""
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            year = data.get("year")
            if not data or data.get("DELETE") or year is None:
                continue
            if year in seen:
                form.add_error("year", f"{financial_year(year)} is given on another row")
            seen.add(year)


def figure_formset(model, form, formset=BasePartFormSet):
    return forms.inlineformset_factory(
        Decision, model, form=form, formset=formset, extra=1, can_delete=True
    )


YearlyFigureFormSet = figure_formset(YearlyFigure, YearlyFigureForm, YearsFormSet)
FundingSourceFormSet = figure_formset(FundingSource, FundingSourceForm)
