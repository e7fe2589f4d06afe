"""The public contract register's search, filters and sort orders.

Everything here works on the contracts the register lists (`public_contracts_queryset`), and
only on what the public may see of them. A contract at or below the threshold is public by
its reference, purpose, value and parties alone, so a filter on its status or end date never
matches it, and a sort by end date puts it last, beside the contracts whose end is not
recorded: a filter must not tell what the page does not show.
"""

import hashlib

import django_filters
from django.core.cache import cache
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce

from commissioning.filters import PoundsFilter, search_filter, search_words, sort_filter
from commissioning.forms import FilterForm, Select
from contracts.models import Commissioner, Contract, PartnerBody, Provider
from contracts.publication import listed_in_full, public_contracts_queryset

# Each sort: its label and its order. An unknown value sorts last (nulls_last), whichever way.
CONTRACT_SORTS = {
    "ends": (
        "Ending soonest",
        [F("public_ends_on").asc(nulls_last=True), "reference"],
    ),
    "value": (
        "Value, highest first",
        [F("public_value").desc(nulls_last=True), "reference"],
    ),
    "value-lowest": (
        "Value, lowest first",
        [F("public_value").asc(nulls_last=True), "reference"],
    ),
    "provider": (
        "Provider, A to Z",
        [F("provider__name").asc(nulls_last=True), "reference"],
    ),
    "reference": ("Reference, A to Z", ["reference"]),
}
DEFAULT_SORT = "ends"


class ListedSelect(Select):
    """A choice of the providers or partner bodies of the listed contracts, its options kept
    in the cache under the version of the contract data (`version`, set by the filter set)
    rather than the workspace's `choices_version`: a contract that stops being planned adds
    its provider here without adding a provider anywhere."""

    version = ""

    def kept_options_html(self) -> str:
        field = self.choices.field
        shape = f"{field.queryset.query}|{self.label_field}|{field.empty_label}|{self.version}"
        key = f"public-contract-options:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"
        return cache.get_or_set(key, self.options_html, 60 * 60)


def public_contracts_for_listing():
    """The listed contracts, with the end date and value the public may sort by."""
    return public_contracts_queryset().annotate(
        public_ends_on=Case(When(listed_in_full(), then=F("ends_on")), default=None),
        public_value=Coalesce("total_value", "annual_value"),
    )


class PublicContractFilter(django_filters.FilterSet):
    q = search_filter("A contract's reference, service or provider")
    provider = django_filters.ModelChoiceFilter(
        label="Provider",
        queryset=Provider.objects.none(),  # set in __init__: those with a listed contract
        empty_label="Any",
        widget=ListedSelect(label_field="name"),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[
            (value, label)
            for value, label in Contract.Status.choices
            if value != Contract.Status.PLANNED
        ],
        method="with_status",
        empty_label="Any",
        widget=Select,
    )
    commissioner = django_filters.ModelChoiceFilter(
        label="Commissioned with",
        queryset=PartnerBody.objects.none(),  # set in __init__: those of a listed contract
        method="with_commissioner",
        empty_label="Any",
        widget=ListedSelect(label_field="name"),
    )
    ends_from = django_filters.DateFilter(
        label="Ending on or after", method="ending_between", help_text="For example, 1 4 2025"
    )
    ends_to = django_filters.DateFilter(
        label="Ending on or before", method="ending_between", help_text="For example, 31 3 2026"
    )
    # The value is public for every listed contract, however small; a contract with no
    # recorded value meets neither bound.
    value_from = PoundsFilter(
        label="Value from (£)",
        field_name="public_value",
        lookup_expr="gte",
        help_text="The value over the term, or the annual value where that is all there is",
    )
    value_to = PoundsFilter(
        label="Value to (£)",
        field_name="public_value",
        lookup_expr="lte",
    )
    sort = sort_filter({key: (label, []) for key, (label, _order) in CONTRACT_SORTS.items()})

    class Meta:
        model = Contract
        fields = [
            "q",
            "provider",
            "status",
            "commissioner",
            "ends_from",
            "ends_to",
            "value_from",
            "value_to",
        ]
        form = FilterForm

    def __init__(self, data=None, queryset=None, *, version: str = "", **kwargs):
        """`version`: the contract data's version (its last change), under which the choices
        of provider and partner body are kept."""
        queryset = public_contracts_for_listing() if queryset is None else queryset
        super().__init__(data, queryset=queryset, **kwargs)
        listed = public_contracts_queryset().order_by()
        self.filters["provider"].queryset = Provider.objects.filter(
            Exists(listed.filter(provider=OuterRef("pk")))
        ).order_by("name")
        self.filters["commissioner"].queryset = PartnerBody.objects.filter(
            Exists(
                Commissioner.objects.filter(body=OuterRef("pk"), contract__in=listed.values("pk"))
            )
        ).order_by("name")
        for name in ("provider", "commissioner"):
            self.form.fields[name].widget.version = version

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(provider__name__icontains=word)
            )
        return queryset

    def with_status(self, queryset, name, value):
        return queryset.filter(listed_in_full(), status=value)

    def with_commissioner(self, queryset, name, value):
        return queryset.filter(
            Exists(Commissioner.objects.filter(contract=OuterRef("pk"), body=value))
        )

    def ending_between(self, queryset, name, value):
        return queryset  # both dates are applied together, in filter_queryset

    def sort_by(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, with the default when none

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end = data.get("ends_from"), data.get("ends_to")
        if start or end:
            queryset = queryset.filter(listed_in_full())
            if start:
                queryset = queryset.filter(ends_on__gte=start)
            if end:
                queryset = queryset.filter(ends_on__lte=end)
        order = CONTRACT_SORTS.get(data.get("sort") or DEFAULT_SORT, CONTRACT_SORTS[DEFAULT_SORT])
        return queryset.order_by(*order[1], "pk")

    def ordered(self):
        """The contracts asked for, in the order asked for: the whole register, ending soonest
        first, when nothing is asked (an unbound filter set filters nothing)."""
        if self.is_bound:
            return self.qs
        return self.queryset.order_by(*CONTRACT_SORTS[DEFAULT_SORT][1], "pk")

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.form.narrows
