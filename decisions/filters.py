"""The filters of the workspace's decision register (and of its CSV export)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from contracts.models import (
    ArrangementPartner,
    Commissioner,
    PartnerBody,
    Programme,
    Provider,
)
from decisions.forms import FilterForm
from decisions.models import Award, Decision, DecisionCategory

SORTS = {
    "-decided": ("Decision date, newest first", ["-decided_on", "-created_at"]),
    "decided": ("Decision date, oldest first", ["decided_on", "created_at"]),
    "-updated": ("Last changed, newest first", ["-updated_at"]),
    "reference": ("Reference, A to Z", ["reference"]),
    "-reference": ("Reference, Z to A", ["-reference"]),
    "title": ("Title, A to Z", ["title"]),
    "status": ("Status", ["status", "-decided_on"]),
}


def decision_years() -> list[tuple[str, str]]:
    years = Decision.objects.filter(decided_on__isnull=False).dates("decided_on", "year")
    return [(str(day.year), str(day.year)) for day in reversed(list(years))]


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="Reference, title or summary"
    )
    status = django_filters.ChoiceFilter(choices=Decision.Status.choices, empty_label="Any")
    confidentiality = django_filters.ChoiceFilter(
        choices=Decision.Confidentiality.choices, empty_label="Any"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=DecisionCategory.objects.all(), empty_label="Any"
    )
    decision_maker = django_filters.ChoiceFilter(
        label="Decision maker", choices=Decision.Maker.choices, empty_label="Any"
    )
    year = django_filters.ChoiceFilter(
        label="Year of decision", choices=decision_years, method="in_year", empty_label="Any"
    )
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=Programme.objects.order_by("title"),
        method="in_programme",
        empty_label="Any",
    )
    provider = django_filters.ModelChoiceFilter(
        label="Provider", queryset=Provider.objects.all(), method="for_provider", empty_label="Any"
    )
    partner = django_filters.ModelChoiceFilter(
        label="Partner body",
        queryset=PartnerBody.objects.all(),
        method="with_partner",
        empty_label="Any",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = Decision
        fields = ["q", "status", "confidentiality", "category", "decision_maker", "year"]
        form = FilterForm

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1], "pk")

    def search(self, queryset, name, value):
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(reference__icontains=word) | Q(title__icontains=word) | Q(summary__icontains=word)
            )
        return queryset

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
