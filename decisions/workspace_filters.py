"""The filters of the workspace's decision register (and of its CSV export)."""

import django_filters
from django.db.models import Exists, F, Max, Min, OuterRef, Q

from commissioning.filters import SortMixin, one_of, search_filter, search_words, sort_filter
from commissioning.forms import FilterForm, MoneyField, Select
from contracts.models import (
    ArrangementPartner,
    Commissioner,
    PartnerBody,
    Programme,
    Provider,
)
from decisions.models import Award, Decision, DecisionCategory

SORTS = {
    "-decided": ("Decision date, newest first", ["-decided_on", "-created_at"]),
    "decided": ("Decision date, oldest first", ["decided_on", "created_at"]),
    "-updated": ("Last changed, newest first", ["-updated_at"]),
    "reference": ("Reference, A to Z", ["reference"]),
    "-reference": ("Reference, Z to A", ["-reference"]),
    "title": ("Title, A to Z", ["title"]),
    "status": ("Status", ["status", "-decided_on"]),
    # Officers see every recorded value, withheld or not; one not recorded comes last.
    "-value": ("Value, highest first", [F("money_records__value").desc(nulls_last=True)]),
    "value": ("Value, lowest first", [F("money_records__value").asc(nulls_last=True)]),
}


class MoneyFilter(django_filters.NumberFilter):
    """An amount in pounds, typed with or without "£" and commas."""

    field_class = MoneyField


def decision_years() -> list[tuple[str, str]]:
    """Every year from the first decision to the last, newest first.

    Read from the earliest and latest dates (two probes of the register's date index), not by
    grouping every decision by year, which reads the whole table on every page of the register.
    """
    span = Decision.objects.aggregate(first=Min("decided_on"), last=Max("decided_on"))
    if span["first"] is None:
        return []
    return [(str(year), str(year)) for year in range(span["last"].year, span["first"].year - 1, -1)]


class YearField(django_filters.fields.ChoiceField):
    """The years of the register: `decision_years`, which follow the first and last dates of
    decision. Those dates are part of commissioning.forms.choices_version, so a kept filter form
    need not read the years to know it is up to date."""

    choices_in_version = True


class YearFilter(django_filters.ChoiceFilter):
    field_class = YearField


class DecisionFilter(SortMixin, django_filters.FilterSet):
    sorts = SORTS
    q = search_filter("Reference, title or summary")
    status = django_filters.ChoiceFilter(
        choices=Decision.Status.choices, empty_label="Any", widget=Select
    )
    confidentiality = django_filters.ChoiceFilter(
        choices=Decision.Confidentiality.choices, empty_label="Any", widget=Select
    )
    category = django_filters.ModelChoiceFilter(
        queryset=DecisionCategory.objects.all(),
        empty_label="Any",
        widget=Select,
    )
    decision_maker = django_filters.ChoiceFilter(
        label="Decision maker", choices=Decision.Maker.choices, empty_label="Any", widget=Select
    )
    year = YearFilter(
        label="Year of decision",
        choices=decision_years,
        method="in_year",
        empty_label="Any",
        widget=Select,
    )
    programme = one_of(Programme.objects.order_by("title"), "Programme", "in_programme", "title")
    provider = one_of(Provider.objects.all(), "Provider", "for_provider", "name")
    partner = one_of(PartnerBody.objects.all(), "Partner body", "with_partner", "name")
    # A decision has at most one row of figures, so the join adds no rows.
    value_min = MoneyFilter(
        label="Value from", field_name="money_records__value", lookup_expr="gte"
    )
    value_max = MoneyFilter(label="Value to", field_name="money_records__value", lookup_expr="lte")
    # The dashboard's panels link here to list all of the signed-in user's own.
    mine = django_filters.ChoiceFilter(
        label="Yours",
        choices=[("waiting", "Waiting for you"), ("drafts", "Your drafts")],
        empty_label="Any",
        method="of_mine",
        widget=Select,
    )
    sort = sort_filter(SORTS)

    class Meta:
        model = Decision
        fields = ["q", "mine", "status", "confidentiality", "category", "decision_maker", "year"]
        form = FilterForm

    def search(self, queryset, name, value):
        """Every word, anywhere in the reference, the title or the summary, in any case.

        Officers find every record this way, drafts and withheld ones included, so the public
        search's vector (published public text only) cannot serve them. On PostgreSQL
        `icontains` is `UPPER("column"::text) LIKE UPPER('%word%')`, and migration 0009 indexes
        exactly `upper(column::text)` with pg_trgm: change the lookup and the indexes no longer
        apply (tests/workspace/test_officer_search.py checks the plan can use them). A word of
        fewer than three letters has no trigram; it is matched without the index.
        """
        for word in search_words(value):
            queryset = queryset.filter(
                Q(reference__icontains=word) | Q(title__icontains=word) | Q(summary__icontains=word)
            )
        return queryset

    def of_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == "waiting":
            return queryset.filter(pk__in=Decision.objects.awaiting(user).values("pk"))
        return queryset.filter(pk__in=Decision.objects.drafts_of(user).values("pk"))

    def in_year(self, queryset, name, value):
        return queryset.filter(decided_on__year=int(value))

    def in_programme(self, queryset, name, value):
        """Linked to the programme, or to a contract let under one of its lots."""
        contracts = Decision.contracts.through
        return queryset.filter(
            Exists(
                Decision.programmes.through.objects.filter(decision=OuterRef("pk"), programme=value)
            )
            | Exists(
                contracts.objects.filter(
                    decision=OuterRef("pk"), contract__lot__phase__programme=value
                )
            )
        )

    def for_provider(self, queryset, name, value):
        through = Decision.contracts.through
        return queryset.filter(
            Exists(through.objects.filter(decision=OuterRef("pk"), contract__provider=value))
            | Exists(Award.objects.filter(decision=OuterRef("pk"), provider=value))
        )

    def with_partner(self, queryset, name, value):
        contracts = Decision.contracts.through
        arrangements = Decision.arrangements.through
        return queryset.filter(
            Exists(
                contracts.objects.filter(
                    decision=OuterRef("pk"),
                    contract__in=Commissioner.objects.filter(body=value).values("contract"),
                )
            )
            | Exists(
                arrangements.objects.filter(
                    decision=OuterRef("pk"),
                    jointarrangement__in=ArrangementPartner.objects.filter(body=value).values(
                        "arrangement"
                    ),
                )
            )
        )
