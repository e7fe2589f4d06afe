"""The building blocks of the workspace's list filters (contracts, decisions and the rest):
the search box, the sort order and a choice of one record, each made the same way."""

from collections.abc import Mapping
from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Model, QuerySet

from commissioning.forms import Select

# A longer search is refused with a message rather than run.
MAX_SEARCH_LENGTH = 200
# Each word adds a condition: a few are enough, and thousands would stall the query.
MAX_SEARCH_WORDS = 10

# Each sort: its label, and the order (field names, or expressions such as nulls last).
Sorts = Mapping[str, tuple[str, list[Any]]]


def search_filter(help_text: str) -> Any:
    """The search box: its words are matched by the filter set's `search` method."""
    return django_filters.CharFilter(
        label="Search", method="search", help_text=help_text, max_length=MAX_SEARCH_LENGTH
    )


def search_words(value: str) -> list[str]:
    """The words of a search that are looked for (the first MAX_SEARCH_WORDS)."""
    return value.split()[:MAX_SEARCH_WORDS]


def sort_filter(sorts: Sorts) -> Any:
    """The sort order, one of `sorts` (key: label and order), applied by `SortMixin`."""
    return django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in sorts.items()],
        method="sort_by",
        empty_label=None,
        widget=Select,
    )


def one_of(queryset: QuerySet[Any], label: str, method: str, label_field: str | None = None) -> Any:
    """A choice of one record ("Any" when none), matched by the filter set's `method`."""
    return django_filters.ModelChoiceFilter(
        label=label,
        queryset=queryset,
        method=method,
        empty_label="Any",
        widget=Select(label_field=label_field) if label_field else Select,
    )


class SortMixin:
    """Orders a filter set's records by the chosen one of its `sorts`, then by key."""

    sorts: ClassVar[Sorts]

    def sort_by(self, queryset: QuerySet[Model], name: str, value: str) -> QuerySet[Model]:
        return queryset.order_by(*self.sorts[value][1], "pk")


class PoundsField(forms.DecimalField):
    """An amount as people write it: "£10,000" reads as 10000. A text box with the number
    keypad (GOV.UK advises against type=number)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
    default_error_messages = {"invalid": "Enter an amount in pounds, like 10000 or 2500.50"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_digits=14, decimal_places=2, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)


class PoundsFilter(django_filters.NumberFilter):  # type: ignore[misc]  # no stubs
    """A bound on an amount of money ("Value from (£)"), read by `PoundsField`."""

    field_class = PoundsField
