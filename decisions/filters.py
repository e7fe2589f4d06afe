"""The filters of the workspace's decision register (and of its CSV export)."""

import hashlib
from html import escape

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from contracts.models import (
    ArrangementPartner,
    Commissioner,
    PartnerBody,
    Programme,
    Provider,
)
from decisions.forms import FilterForm
from decisions.models import Award, Decision, DecisionCategory

# A longer search is refused with a message rather than run.
MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 10

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
    decision. Those dates are part of decisions.forms.choices_version, so a kept filter form
    need not read the years to know it is up to date."""

    choices_in_version = True


class YearFilter(django_filters.ChoiceFilter):
    field_class = YearField


class Select(forms.Select):
    """A drop-down drawn in one pass.

    Django draws each option through a template of its own (and a choice of records from
    full model instances). With 2,000 providers to choose from that cost more than the rest
    of the register put together, and even ten statuses cost a few milliseconds. This widget
    writes the options directly; with `label_field` (the field that is the record's name, as
    its __str__ shows it) it reads only the key and that field. It keeps the name Select so
    that the GOV.UK form classes (decisions.forms.GovukFormMixin) and the field template
    treat it as any other select.
    """

    def __init__(self, attrs=None, choices=(), *, label_field: str | None = None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def options(self):
        field = getattr(self.choices, "field", None)
        if self.label_field is None or field is None:
            yield from self.choices
            return
        if field.empty_label is not None:
            yield "", field.empty_label
        yield from field.queryset.values_list("pk", self.label_field)

    def options_html(self) -> str:
        # The standard library's escape: Django's is wrapped for lazy strings, which costs
        # more than the escaping itself when it runs two thousand times. Labels here are text.
        return "".join(
            f'<option value="{escape(str(option))}">{escape(str(label))}</option>'
            for option, label in self.options()
        )

    def kept_options_html(self) -> str:
        """The options of a choice of records, kept in the cache under the version of the
        records the filters list (decisions.forms.choices_version).

        A choice of 2,000 providers still took a quarter of the register's time to read and
        write out on every page. The version changes whenever a record is added, renamed or
        deleted, so the options are never out of date.
        """
        from decisions.forms import choices_version

        field = getattr(self.choices, "field", None)
        if self.label_field is None or getattr(field, "queryset", None) is None:
            return self.options_html()
        query = str(field.queryset.query)
        shape = f"{query}|{self.label_field}|{field.empty_label}|{choices_version()}"
        key = f"select-options:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"
        return cache.get_or_set(key, self.options_html, 60 * 60)

    def render(self, name, value, attrs=None, renderer=None):
        options = self.kept_options_html()
        for item in {str(item) for item in self.format_value(value)}:
            chosen = f'<option value="{escape(item)}">'
            options = options.replace(chosen, f'<option value="{escape(item)}" selected>', 1)
        attributes = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every value and label above went through html.escape (quotes included), and flatatt
        # escapes the attributes, so the markup is safe to mark as such.
        return mark_safe(f"<select{flatatt(attributes)}>{options}</select>")  # noqa: S308  # nosec B308 B703


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Reference, title or summary",
        max_length=MAX_SEARCH_LENGTH,
    )
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
    programme = django_filters.ModelChoiceFilter(
        label="Programme",
        queryset=Programme.objects.order_by("title"),
        method="in_programme",
        empty_label="Any",
        widget=Select(label_field="title"),
    )
    provider = django_filters.ModelChoiceFilter(
        label="Provider",
        queryset=Provider.objects.all(),
        method="for_provider",
        empty_label="Any",
        widget=Select(label_field="name"),
    )
    partner = django_filters.ModelChoiceFilter(
        label="Partner body",
        queryset=PartnerBody.objects.all(),
        method="with_partner",
        empty_label="Any",
        widget=Select(label_field="name"),
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = Decision
        fields = ["q", "status", "confidentiality", "category", "decision_maker", "year"]
        form = FilterForm

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1], "pk")

    def search(self, queryset, name, value):
        """Every word, anywhere in the reference, the title or the summary, in any case.

        Officers find every record this way, drafts and withheld ones included, so the public
        search's vector (published public text only) cannot serve them. On PostgreSQL
        `icontains` is `UPPER("column"::text) LIKE UPPER('%word%')`, and migration 0009 indexes
        exactly `upper(column::text)` with pg_trgm: change the lookup and the indexes no longer
        apply (tests/workspace/test_officer_search.py checks the plan can use them). A word of
        fewer than three letters has no trigram; it is matched without the index.
        """
        # Each word adds a condition: a few are enough, and thousands would stall the query.
        words = value.split()[:MAX_SEARCH_WORDS]
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
