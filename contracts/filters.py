"""The filters of the workspace's list pages for contracts, providers, partners and programmes.

The contract register and the timeline share `ContractFilter`, so the picture shows exactly
the contracts the register would list.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q

from contracts.models import (
    ArrangementPartner,
    Commissioner,
    Contract,
    JointArrangement,
    Lot,
    PartnerBody,
    Programme,
    Provider,
)
from decisions.forms import FilterForm

CONTRACT_SORTS = {
    "ends": ("End date, soonest first", ["ends_on", "reference"]),
    "-ends": ("End date, latest first", ["-ends_on", "reference"]),
    "reference": ("Reference, A to Z", ["reference"]),
    "provider": ("Provider, A to Z", ["provider__name", "ends_on"]),
    "-value": ("Value, highest first", ["-total_value", "-annual_value", "reference"]),
}


def lot_label(lot: Lot) -> str:
    return f"{lot.phase.programme}, {lot.phase.name}: {lot}"


class ContractFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Reference or service")
    provider = django_filters.ModelChoiceFilter(queryset=Provider.objects.all(), empty_label="Any")
    lot = django_filters.ModelChoiceFilter(
        queryset=Lot.objects.select_related("phase__programme"), empty_label="Any"
    )
    partner = django_filters.ModelChoiceFilter(
        label="Partner body",
        queryset=PartnerBody.objects.all(),
        method="with_partner",
        empty_label="Any",
    )
    status = django_filters.ChoiceFilter(choices=Contract.Status.choices, empty_label="Any")
    ends_before = django_filters.DateFilter(
        label="Ending before",
        field_name="ends_on",
        lookup_expr="lt",
        help_text="For example, 1 4 2025",
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in CONTRACT_SORTS.items()],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = Contract
        fields = ["q", "provider", "lot", "partner", "status", "ends_before"]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["lot"].label_from_instance = lot_label

    def search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(reference__icontains=word) | Q(title__icontains=word))
        return queryset

    def with_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(Commissioner.objects.filter(contract=OuterRef("pk"), body=value))
        )

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*CONTRACT_SORTS[value][1], "pk")


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Name or number")

    class Meta:
        model = Provider
        fields = ["q"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(company_number__icontains=value)
            | Q(charity_number__icontains=value)
        )


class PartnerBodyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label="Kind of body", choices=PartnerBody.Kind.choices, empty_label="Any"
    )

    class Meta:
        model = PartnerBody
        fields = ["q", "kind"]
        form = FilterForm


class ProgrammeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Title or description")

    class Meta:
        model = Programme
        fields = ["q"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ArrangementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Title or service")
    partner = django_filters.ModelChoiceFilter(
        label="Partner body",
        queryset=PartnerBody.objects.all(),
        method="with_partner",
        empty_label="Any",
    )

    class Meta:
        model = JointArrangement
        fields = ["q", "partner"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(subject__icontains=value))

    def with_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(ArrangementPartner.objects.filter(arrangement=OuterRef("pk"), body=value))
        )
