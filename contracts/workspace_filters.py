"""The filters of the workspace's list pages for contracts, providers, partners and programmes.

The contract register and the timeline share `ContractFilter`, so the picture shows exactly
the contracts the register would list.
"""

import datetime

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from commissioning.filters import (
    MAX_SEARCH_LENGTH,
    PoundsFilter,
    SortMixin,
    one_of,
    search_filter,
    search_words,
    sort_filter,
)
from commissioning.forms import FilterForm, Select
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

# A contract whose end or provider is not recorded sorts last, on every database.
ENDS = F("ends_on").asc(nulls_last=True)
VALUE = Coalesce("total_value", "annual_value")
CONTRACT_SORTS = {
    "ends": ("End date, soonest first", [ENDS, "reference"]),
    "-ends": ("End date, latest first", [F("ends_on").desc(nulls_last=True), "reference"]),
    "reference": ("Reference, A to Z", ["reference"]),
    "provider": ("Provider, A to Z", [F("provider__name").asc(nulls_last=True), ENDS]),
    # The value over the term, or the annual value where that is all there is; a contract
    # with neither sorts last, either way.
    "-value": ("Value, highest first", [VALUE.desc(nulls_last=True), "reference"]),
    "value": ("Value, lowest first", [VALUE.asc(nulls_last=True), "reference"]),
}


def lot_label(lot: Lot) -> str:
    return f"{lot.phase.programme}, {lot.phase.name}: {lot}"


class ContractFilter(SortMixin, django_filters.FilterSet):
    sorts = CONTRACT_SORTS
    q = search_filter("Reference or service")
    provider = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.all(), empty_label="Any", widget=Select(label_field="name")
    )
    lot = django_filters.ModelChoiceFilter(
        queryset=Lot.objects.select_related("phase__programme"), empty_label="Any", widget=Select
    )
    partner = one_of(PartnerBody.objects.all(), "Partner body", "with_partner", "name")
    status = django_filters.ChoiceFilter(
        choices=Contract.Status.choices, empty_label="Any", widget=Select
    )
    ends_before = django_filters.DateFilter(
        label="Ending before",
        field_name="ends_on",
        lookup_expr="lt",
        help_text="For example, 1 4 2025",
    )
    # The dashboard's "Contracts at risk" panel links here to list them all.
    risk = django_filters.ChoiceFilter(
        label="Risk",
        choices=[("at_risk", "Ending within 12 months with nothing decided")],
        empty_label="Any",
        method="with_risk",
        widget=Select,
    )
    value_from = PoundsFilter(
        label="Value from (£)",
        method="value_between",
        help_text="The value over the term, or the annual value where that is all there is",
    )
    value_to = PoundsFilter(label="Value to (£)", method="value_between")
    # The dashboard's "Contracts with no recorded value" panel links here to list them all.
    value = django_filters.ChoiceFilter(
        label="Value",
        choices=[("not_recorded", "Not recorded, on the public register")],
        empty_label="Any",
        method="with_value",
        widget=Select,
    )
    sort = sort_filter(CONTRACT_SORTS)

    class Meta:
        model = Contract
        fields = [
            "q",
            "provider",
            "lot",
            "partner",
            "status",
            "ends_before",
            "risk",
            "value_from",
            "value_to",
            "value",
        ]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["lot"].label_from_instance = lot_label

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(Q(reference__icontains=word) | Q(title__icontains=word))
        return queryset

    def with_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(Commissioner.objects.filter(contract=OuterRef("pk"), body=value))
        )

    def with_risk(self, queryset, name, value):
        return queryset.filter(pk__in=Contract.objects.at_risk().values("pk"))

    def value_between(self, queryset, name, value):
        """A contract with no recorded value meets neither bound."""
        bound = GreaterThanOrEqual if name == "value_from" else LessThanOrEqual
        return queryset.filter(bound(VALUE, value))

    def with_value(self, queryset, name, value):
        return queryset.filter(pk__in=Contract.objects.value_not_recorded().values("pk"))


YEARS_EITHER_SIDE = 2  # the timeline shows this year and two either side, unless asked
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


class TimelineFilter(ContractFilter):
    """The register's filters plus the years the timeline shows.

    A large office has tens of thousands of contracts over many years; the picture shows
    those running at some point in a window of years (this year and two either side by
    default), which keeps it readable and its cost the same however long the history.
    """

    from_year = django_filters.NumberFilter(
        label="From the start of",
        method="in_window",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        help_text="A year, for example 2023",
    )
    to_year = django_filters.NumberFilter(
        label="To the end of",
        method="in_window",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
        help_text="A year, for example 2027",
    )

    class Meta(ContractFilter.Meta):
        fields = [*ContractFilter.Meta.fields, "from_year", "to_year"]

    def years(self, today: datetime.date | None = None) -> tuple[int, int]:
        """The first and last year shown: as asked, or this year and two either side."""
        today = today or timezone.localdate()
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        first = int(data["from_year"]) if data.get("from_year") else None
        last = int(data["to_year"]) if data.get("to_year") else None
        if first is None and last is None:
            first, last = today.year - YEARS_EITHER_SIDE, today.year + YEARS_EITHER_SIDE
        elif first is None:
            first = last - 2 * YEARS_EITHER_SIDE
        elif last is None:
            last = first + 2 * YEARS_EITHER_SIDE
        return min(first, last), max(first, last)

    def window(self) -> tuple[datetime.date, datetime.date]:
        """The window as dates: from 1 January of the first year to 1 January after the last."""
        first, last = self.years()
        return datetime.date(first, 1, 1), datetime.date(last + 1, 1, 1)

    def in_window(self, queryset, name, value):
        return queryset  # both years are applied together, in filter_queryset

    def filter_queryset(self, queryset):
        start, end = self.window()
        # A contract whose start or end is not recorded is listed in every window, with
        # "Not recorded" for its term, so that it is seen and put right.
        return (
            super()
            .filter_queryset(queryset)
            .filter(Q(starts_on__lt=end) | Q(starts_on__isnull=True))
            .filter(Q(ends_on__gte=start) | Q(ends_on__isnull=True))
        )


class ProviderFilter(django_filters.FilterSet):
    q = search_filter("Name or number")

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
    q = django_filters.CharFilter(
        label="Search", field_name="name", lookup_expr="icontains", max_length=MAX_SEARCH_LENGTH
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of body", choices=PartnerBody.Kind.choices, empty_label="Any"
    )

    class Meta:
        model = PartnerBody
        fields = ["q", "kind"]
        form = FilterForm


class ProgrammeFilter(django_filters.FilterSet):
    q = search_filter("Title or description")

    class Meta:
        model = Programme
        fields = ["q"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class ArrangementFilter(django_filters.FilterSet):
    q = search_filter("Title or service")
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
