"""The workspace page of a decision's figures (`decisions.models.money`): its value, capital
or revenue, the budget, whether the figures are withheld, its yearly figures and its funding
sources, on one form. Reached from the decision's page while it may be edited; a stale form
is refused like every other edit of the decision."""

from django.shortcuts import redirect

from commissioning.forms import error_summary
from decisions.models import DecisionMoney, FundingSource, YearlyFigure
from decisions.money_forms import FundingSourceFormSet, MoneyForm, YearlyFigureFormSet
from decisions.part_views import DecisionPartsView


class MoneyView(DecisionPartsView):
    template_name = "workspace/decisions/money_form.html"
    title = "Money"
    intro = (
        "The decision's value and how it is paid for. Leave what the record does not give "
        "empty: it shows as not recorded, never as £0."
    )
    row_name = "Row"
    saved = "The figures have been saved."

    def forms(self, data=None) -> dict:
        decision = self.object
        money = DecisionMoney.objects.filter(decision=decision).first()
        return {
            "form": MoneyForm(data, instance=money or DecisionMoney(decision=decision)),
            "years": YearlyFigureFormSet(
                data,
                instance=decision,
                queryset=YearlyFigure.objects.filter(decision=decision),
                prefix="years",
            ),
            "funding": FundingSourceFormSet(
                data,
                instance=decision,
                queryset=FundingSource.objects.filter(decision=decision).select_related("partner"),
                prefix="funding",
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_summary"] = error_summary(
            kwargs.get("form"), kwargs.get("years"), kwargs.get("funding")
        )
        return context

    def save_if_valid(self, forms: dict):
        form, years, funding = forms["form"], forms["years"], forms["funding"]
        if not all([form.is_valid(), years.is_valid(), funding.is_valid()]):
            return None
        user = self.request.user
        money = form.instance
        if money.pk or form.records_anything:
            money = form.save(commit=False)
            money._history_user = user
            money.save()
        for formset in (years, funding):
            self.save_rows(formset, user)
        self.object.content_edited(by=user)
        return redirect("workspace:decision-detail", self.object.reference)
