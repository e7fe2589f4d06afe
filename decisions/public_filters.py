"""The public register's filters and search.

Search matches `search_document`, which holds only a record's public text (it is filled when
the record is published). On PostgreSQL it is a full-text search written so that it can use
the GIN index on `to_tsvector('english', search_document)` (migration 0003): the expression in
the query must be the index's expression, which Django's `SearchVector` is not (it wraps the
column in COALESCE). SQLite has no such index; there each word must appear somewhere in the
text.

A wholly confidential decision is public only by its reference, title, subject and dates, so
filters on anything else (its category, who decided it) never match it.
"""

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear

from decisions.models import Confidentiality, Decision, DecisionCategory, DecisionMaker

FULL_TEXT_MATCH = "to_tsvector('english', search_document) @@ websearch_to_tsquery('english', %s)"
FULL_TEXT_RANK = (
    "ts_rank(to_tsvector('english', search_document), websearch_to_tsquery('english', %s))"
)
MAX_QUERY_LENGTH = 200


def search(queryset, text: str):
    """Published decisions whose public text matches the words, best match first."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        # Raw SQL for the expression only; the words are always a bound parameter.
        matches = RawSQL(FULL_TEXT_MATCH, [text], output_field=BooleanField())  # noqa: S611  # nosec B611
        rank = RawSQL(FULL_TEXT_RANK, [text], output_field=FloatField())  # noqa: S611  # nosec B611
        return (
            queryset.filter(matches)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "-published_on", "reference")
        )
    condition = Q()
    for word in text.split():
        condition &= Q(search_document__icontains=word.strip("\"'"))
    return queryset.filter(condition)


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


class RegisterForm(GovukFormMixin, forms.Form):
    pass


class PublicDecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search decisions", method="filter_search", max_length=MAX_QUERY_LENGTH
    )
    year = django_filters.ChoiceFilter(
        label="Year of decision", method="filter_year", empty_label="Any year"
    )
    category = django_filters.ModelChoiceFilter(
        label="Category",
        queryset=DecisionCategory.objects.none(),
        to_field_name="slug",
        method="filter_category",
        empty_label="Any category",
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

    class Meta:
        model = Decision
        fields = ["q", "year", "category", "confidentiality", "decision_maker"]
        form = RegisterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        queryset = Decision.objects.published() if queryset is None else queryset
        super().__init__(data, queryset=queryset, **kwargs)
        published = Decision.objects.published()
        years = (
            published.filter(decided_on__isnull=False)
            .annotate(year=ExtractYear("decided_on"))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        self.filters["year"].extra["choices"] = [(year, str(year)) for year in years]
        self.filters["category"].queryset = DecisionCategory.objects.filter(
            pk__in=published.exclude(confidentiality=Confidentiality.CONFIDENTIAL).values(
                "category"
            )
        )

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
        return queryset.filter(category=value).exclude(confidentiality=Confidentiality.CONFIDENTIAL)

    def filter_decision_maker(self, queryset, name, value):
        return queryset.filter(decision_maker=value).exclude(
            confidentiality=Confidentiality.CONFIDENTIAL
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("q"):
            queryset = queryset.order_by("-published_on", "-decided_on", "reference")
        return queryset

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)
