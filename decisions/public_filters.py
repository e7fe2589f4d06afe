"""The public register's filters and search.

Search matches `search_document`, which holds only a record's public text (it is filled when
the record is published). On PostgreSQL it is a full-text search of `search_vector`, the
stored tsvector the database generates from that text, with a GIN index (migration 0007).
Results come newest first, in the register's own order, not by rank: ranking reads the vector
of every match before the first page can be shown, which for a common word is most of the
register, while the date order lets PostgreSQL stop after one page. SQLite has no such index;
there each word must appear somewhere in the text.

A wholly confidential decision is public only by its reference, title, subject and dates, so
filters on anything else (its category, who decided it, the providers it concerns) never match
it. Its dates are public, so the range of dates finds it. One whose papers are restricted shows
no providers either, so the provider filter does not find it.

The range of values and the sort by value read the value the public may see
(`decisions.publication.money.public_value`): a withheld value, or the value of a record
whose figures are not public at all, is never matched by a range and sorts as no value.
"""

import django_filters
from django import forms
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from commissioning.forms import GovukDateInput, MoneyField, RefuseNulMixin, drawn_in_one_pass
from contracts.models import Provider
from decisions.models import Award, Confidentiality, Decision, DecisionCategory, DecisionMaker
from decisions.models.decision import PROVIDERS_NOT_SHOWN
from decisions.publication.money import public_value

# Qualified with the table: the public queryset joins tables of its own.
FULL_TEXT_MATCH = '"decisions_decision"."search_vector" @@ websearch_to_tsquery(\'english\', %s)'
MAX_QUERY_LENGTH = 200
REGISTER_ORDER = ("-published_on", "-decided_on", "reference")
# The register's sorts: the parameter's value, its label and its order. Newest is the default.
REGISTER_SORTS = {
    "newest": ("Newest first", REGISTER_ORDER),
    "oldest": ("Oldest first", ("published_on", "decided_on", "reference")),
    "reference": ("Reference, A to Z", ("reference",)),
    "title": ("Title, A to Z", ("title", "reference")),
    # A decision with no public value comes last either way.
    "value_high": (
        "Value, highest first",
        (F("public_value").desc(nulls_last=True), *REGISTER_ORDER),
    ),
    "value_low": ("Value, lowest first", (F("public_value").asc(nulls_last=True), *REGISTER_ORDER)),
}
VALUE_SORTS = ("value_high", "value_low")


class MoneyFilter(django_filters.NumberFilter):
    """An amount in pounds, typed with or without "£" and commas."""

    field_class = MoneyField


def with_public_value(queryset):
    """The decisions with the value the public may see of each, as `public_value`."""
    if "public_value" in queryset.query.annotations:
        return queryset
    return queryset.alias(public_value=public_value())


def linked_to_provider(queryset, name: str):
    """Decisions whose public record names a provider or recipient whose name holds `name`:
    linked to such a provider by any route the public record shows
    (`Decision.objects.linked_to_provider`), or making an award to a recipient of that name
    as recorded. A record that shows no providers is never found this way."""
    providers = Provider.objects.filter(name__icontains=name)
    linked = Decision.objects.linked_to_provider(providers, public=True)
    by_recipient = Award.objects.filter(recipient__icontains=name).values("decision_id")
    return queryset.filter(Q(pk__in=linked.values("pk")) | Q(pk__in=by_recipient)).exclude(
        confidentiality__in=PROVIDERS_NOT_SHOWN
    )


def search(queryset, text: str):
    """Published decisions whose public text matches the words, newest first."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        # Raw SQL for the column PostgreSQL alone has (ruff S611): a fixed expression, and
        # the words are always a bound parameter.
        matches = RawSQL(FULL_TEXT_MATCH, [text], output_field=BooleanField())  # noqa: S611
        return queryset.filter(matches).order_by(*REGISTER_ORDER)
    condition = Q()
    for word in text.split():
        condition &= Q(search_document__icontains=word.strip("\"'"))
    return queryset.filter(condition).order_by(*REGISTER_ORDER)


def _filter_choices() -> dict:
    published = Decision.objects.published()
    years = (
        published.filter(decided_on__isnull=False)
        .annotate(year=ExtractYear("decided_on"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    # Only categories a listed decision shows: a wholly confidential one shows none, nor one
    # whose papers are restricted.
    categories = DecisionCategory.objects.filter(
        pk__in=published.exclude(confidentiality__in=CATEGORY_NOT_SHOWN).values("category")
    ).values_list("slug", "name")
    return {"years": list(years), "categories": list(categories)}


# What the public record of these shows no category of (`decisions.publication.record`).
CATEGORY_NOT_SHOWN = [Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED]


def filter_choices(version: str | None = None) -> dict:
    """The years and categories the register's filters offer. Working them out reads every
    published decision, so with the register's version they are kept in the cache."""
    if version is None:
        return _filter_choices()
    return cache.get_or_set(f"public-register-choices:{version}", _filter_choices, 60 * 60)


class GovukFormMixin:
    """Gives each widget its GOV.UK Frontend class, with the error variant when it failed."""

    classes = {forms.Select: "govuk-select", forms.TextInput: "govuk-input"}

    def style(self) -> None:
        for name, form_field in self.fields.items():
            widget = form_field.widget
            base = next((css for kind, css in self.classes.items() if isinstance(widget, kind)), "")
            css = [base] if base else []
            if self.is_bound and name in self.errors:
                css.append(f"{base}--error")
                widget.attrs["aria-describedby"] = f"{name}-error"
            widget.attrs["class"] = " ".join(css)


class RegisterForm(RefuseNulMixin, GovukFormMixin, forms.Form):
    """A NUL in the query string is refused before the category is looked up by its slug.

    Its drop-downs are drawn in one pass (commissioning.forms.Select): Django's own drawing of
    their thirty-odd options, one template each, was a fifth of every search page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            drawn_in_one_pass(form_field)


class PublicDecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search decisions", method="filter_search", max_length=MAX_QUERY_LENGTH
    )
    year = django_filters.ChoiceFilter(
        label="Year of decision", method="filter_year", empty_label="Any year"
    )
    category = django_filters.ChoiceFilter(
        label="Category", method="filter_category", empty_label="Any category"
    )
    confidentiality = django_filters.ChoiceFilter(
        label="Confidentiality", choices=Confidentiality.choices, empty_label="Any"
    )
    decision_maker = django_filters.ChoiceFilter(
        label="Decision maker",
        choices=DecisionMaker.choices,
        method="filter_decision_maker",
        empty_label="Anyone",
    )
    provider = django_filters.CharFilter(
        label="Provider or recipient",
        method="filter_provider",
        max_length=MAX_QUERY_LENGTH,
        help_text="Part of the name of a provider the decision concerns or an award's recipient",
    )
    decided_from = django_filters.DateFilter(
        label="Decided on or after",
        field_name="decided_on",
        lookup_expr="gte",
        widget=GovukDateInput,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 1 4 2023",
    )
    decided_to = django_filters.DateFilter(
        label="Decided on or before",
        field_name="decided_on",
        lookup_expr="lte",
        widget=GovukDateInput,
        input_formats=["%Y-%m-%d"],
        help_text="For example, 31 3 2024",
    )
    value_min = MoneyFilter(label="Value from", method="filter_value_min")
    value_max = MoneyFilter(label="Value to", method="filter_value_max")
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in REGISTER_SORTS.items()],
        method="sort_by",
        empty_label=None,
    )

    class Meta:
        model = Decision
        fields = [
            "q",
            "year",
            "category",
            "confidentiality",
            "decision_maker",
            "provider",
            "decided_from",
            "decided_to",
            "value_min",
            "value_max",
            "sort",
        ]
        form = RegisterForm

    def __init__(self, data=None, queryset=None, *, version: str | None = None, **kwargs):
        """`version`, the register's version (see `register_version`), lets the choices of
        year and category come from the cache: they change only when the register does."""
        queryset = Decision.objects.published() if queryset is None else queryset
        super().__init__(data, queryset=queryset, **kwargs)
        choices = filter_choices(version)
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in choices["years"]]
        self.filters["category"].extra["choices"] = choices["categories"]
        for name in ("decided_from", "decided_to"):
            label = self.filters[name].label
            self.filters[name].extra["error_messages"] = {
                "invalid": f"{label} must be a real date, like 15 6 2022"
            }

    @property
    def form(self):
        form = super().form
        form.style()
        return form

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_year(self, queryset, name, value):
        return queryset.filter(decided_on__year=int(value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__slug=value).exclude(confidentiality__in=CATEGORY_NOT_SHOWN)

    def filter_decision_maker(self, queryset, name, value):
        return queryset.filter(decision_maker=value).exclude(
            confidentiality=Confidentiality.CONFIDENTIAL
        )

    def filter_provider(self, queryset, name, value):
        return linked_to_provider(queryset, value.strip())

    def filter_value_min(self, queryset, name, value):
        return with_public_value(queryset).filter(public_value__gte=value)

    def filter_value_max(self, queryset, name, value):
        return with_public_value(queryset).filter(public_value__lte=value)

    def sort_by(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort")
        if sort in VALUE_SORTS:
            queryset = with_public_value(queryset)
        if sort in REGISTER_SORTS:
            return queryset.order_by(*REGISTER_SORTS[sort][1])
        if not self.form.cleaned_data.get("q"):
            queryset = queryset.order_by(*REGISTER_ORDER)
        return queryset

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(
            self.form.cleaned_data.get(name) for name in self.filters if name != "sort"
        )
