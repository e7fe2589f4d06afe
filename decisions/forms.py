"""Forms of the officer workspace for decisions, and the GOV.UK form kit the workspace shares.

The kit (`GovukFormMixin`, `GovukDateInput`, `error_summary`) gives every form the GOV.UK
Frontend classes, day/month/year date inputs and an error summary whose links lead to the
fields; templates/workspace/includes/field.html draws a field from it.
"""

import datetime
import functools
import hashlib
import json
import re
import zipfile
from html import escape
from pathlib import PurePath

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import IntegerField, Q
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from commissioning import precompiled
from contracts.models import Contract, Extension, JointArrangement, Programme
from decisions.models import (
    QUALIFIED_EXEMPTIONS,
    Appendix,
    Decision,
    DecisionLink,
    DecisionSection,
    DecisionTemplate,
    Exemption,
)

# -- the form kit ------------------------------------------------------------------------------

REAL_DATE_PARTS = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")

WIDGET_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "number": ("govuk-input", "govuk-input--error"),
    "email": ("govuk-input", "govuk-input--error"),
    "password": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "radioselect": ("govuk-radios__input", ""),
    "checkboxselectmultiple": ("govuk-checkboxes__input", ""),
    "checkbox": ("govuk-checkboxes__input", ""),
}


class GovukDateInput(forms.Widget):
    """GOV.UK's date input: three boxes, day, month and year, in one fieldset.

    The value comes back as "year-month-day" for DateField to parse, so that a date that is
    not real (31 February) is refused with the field's own message.
    """

    use_fieldset = True
    parts = ("day", "month", "year")

    def value_from_datadict(self, data, files, name):
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip() for part in self.parts)
        if not (day or month or year):
            return ""
        if REAL_DATE_PARTS.match(f"{year}-{month}-{day}"):
            return f"{year}-{month}-{day}"
        # Not day, month and a four-digit year: a form DateField cannot parse this (only
        # year-month-day is accepted), so it is refused, and the boxes show what was typed.
        return f"{year}/{month}/{day}"

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part in self.parts)

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    @staticmethod
    def split(value) -> tuple[str, str, str]:
        if isinstance(value, datetime.date):
            return str(value.day), str(value.month), str(value.year)
        if isinstance(value, str):
            for separator in "-/":
                if value.count(separator) == 2:
                    year, month, day = value.split(separator)
                    return day, month, year
        return "", "", ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id", f"id_{name}")
        invalid = attrs.get("aria-invalid") == "true"
        values = dict(zip(self.parts, self.split(value), strict=True))
        items = []
        for part, label, width in (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)):
            error = " govuk-input--error" if invalid else ""
            items.append(
                format_html(
                    '<div class="govuk-date-input__item"><div class="govuk-form-group">'
                    '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
                    '<input class="govuk-input govuk-date-input__input govuk-input--width-{}{}" '
                    'id="{}" name="{}" type="text" inputmode="numeric" value="{}"></div></div>',
                    f"{base_id}_{part}",
                    label,
                    width,
                    error,
                    f"{base_id}_{part}",
                    f"{name}_{part}",
                    values[part],
                )
            )
        # Each item was escaped by format_html above.
        inputs = mark_safe("".join(items))  # noqa: S308  # nosec B308 B703
        return format_html('<div class="govuk-date-input" id="{}">{}</div>', base_id, inputs)


NUL_MESSAGE = "Remove the null character from this answer"


def holds_nul(value) -> bool:
    """Whether a submitted value (text, or a list of texts) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(holds_nul(each) for each in value)
    return False


class RefuseNulMixin:
    """Refuse a NUL character in any field, before the field reads the value.

    PostgreSQL cannot store NUL in text, nor take it in a query, so a NUL that reached a save
    or a look-up would be a server error. Django's text and model-choice fields refuse it, but
    not every field or clean_<field> method a form may have is one of them: every field is
    checked here first, with one plain message, and a field holding NUL is not read at all.
    """

    def _clean_fields(self):
        # Django's own loop (forms.BaseForm._clean_fields), with the NUL check first.
        for name, bound in self._bound_items():
            if holds_nul(bound.data):
                self.add_error(name, ValidationError(NUL_MESSAGE, code="null_character"))
                continue
            try:
                self.cleaned_data[name] = bound.field._clean_bound_field(bound)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


class Select(forms.Select):
    """A drop-down drawn in one pass.

    Django draws each option through a template of its own (and a choice of records from
    full model instances). With 2,000 providers to choose from that cost more than the rest
    of the register put together, and even ten statuses cost a few milliseconds. This widget
    writes the options directly; with `label_field` (the field that is the record's name, as
    its __str__ shows it) it reads only the key and that field. It keeps the name Select so
    that the GOV.UK form classes (GovukFormMixin) and the field template treat it as any
    other select; GovukFormMixin puts it in place of every plain Select. Choices in groups
    are drawn by Django as before.
    """

    def __init__(self, attrs=None, choices=(), *, label_field: str | None = None):
        super().__init__(attrs, choices)
        self.label_field = label_field

    def _grouped(self) -> bool:
        """Whether the choices hold groups (optgroups), which Django's own drawing handles.
        A choice of records never does, and is not read here."""
        if getattr(self.choices, "field", None) is not None:
            return False
        return any(isinstance(label, list | tuple) for _value, label in self.choices)

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
        field = getattr(self.choices, "field", None)
        if self.label_field is None or getattr(field, "queryset", None) is None:
            return self.options_html()
        query = str(field.queryset.query)
        shape = f"{query}|{self.label_field}|{field.empty_label}|{choices_version()}"
        key = f"select-options:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"
        return cache.get_or_set(key, self.options_html, 60 * 60)

    def render(self, name, value, attrs=None, renderer=None):
        if self.label_field is None and self._grouped():
            return super().render(name, value, attrs, renderer)
        options = self.kept_options_html()
        for item in {str(item) for item in self.format_value(value)}:
            chosen = f'<option value="{escape(item)}">'
            options = options.replace(chosen, f'<option value="{escape(item)}" selected>', 1)
        attributes = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every value and label above went through html.escape (quotes included), and flatatt
        # escapes the attributes, so the markup is safe to mark as such.
        return mark_safe(f"<select{flatatt(attributes)}>{options}</select>")  # noqa: S308  # nosec B308 B703


class KeyedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records that refuses a key its column cannot hold, as it refuses
    any other key that names no record.

    Django's field looks the keys up with `pk__in`, and SQLite raises OverflowError for an
    integer wider than 64 bits: a tampered form was a server error. (Django answers a single
    choice, `pk=`, with no record; a list of them it does not.)"""

    def clean(self, value):
        key = (
            self.queryset.model._meta.get_field(self.to_field_name)
            if self.to_field_name
            else self.queryset.model._meta.pk
        )
        if isinstance(key, IntegerField) and isinstance(value, (list, tuple)):
            ops = connections[self.queryset.db].ops
            low, high = ops.integer_field_range(key.get_internal_type())
            for each in value:
                try:
                    number = int(str(each).strip())
                except ValueError:
                    continue  # not a number: Django's own check reports it
                if not low <= number <= high:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": each},
                    )
        return super().clean(value)


def drawn_in_one_pass(form_field) -> None:
    """Put `Select` in place of a field's plain Django Select; any other widget stays."""
    if type(form_field.widget) is forms.Select:
        form_field.widget = Select(attrs=form_field.widget.attrs, choices=form_field.widget.choices)


class GovukFormMixin(RefuseNulMixin):
    """GOV.UK classes on every widget, error classes after validation, no browser validation;
    a NUL character refused in every field (RefuseNulMixin)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField) and not isinstance(field.widget, GovukDateInput):
                field.widget = GovukDateInput()
                field.input_formats = ["%Y-%m-%d"]
                field.error_messages["invalid"] = (
                    f"{capfirst_text(field.label)} must be a real date, like 15 6 2022"
                )
            if type(field) is forms.ModelMultipleChoiceField:
                # The same field, with out-of-range keys refused (no state of its own is added).
                field.__class__ = KeyedModelMultipleChoiceField
            if isinstance(field, forms.ModelMultipleChoiceField) and isinstance(
                field.widget, forms.SelectMultiple
            ):
                field.widget = forms.CheckboxSelectMultiple(choices=field.widget.choices)
            if isinstance(field.widget, forms.ClearableFileInput):
                field.widget = forms.FileInput()
            drawn_in_one_pass(field)
        for name in self.fields:
            self._set_classes(name, error=False)

    def _set_classes(self, name: str, *, error: bool) -> None:
        # Read the widget, not the BoundField: a BoundField is cached with the label it had
        # when first made, and subclasses set labels after this mixin's __init__.
        widget = self.fields[name].widget
        widget_type = re.sub(r"widget$|input$", "", type(widget).__name__.lower())
        classes = WIDGET_CLASSES.get(widget_type)
        if not classes:
            return
        existing = [c for c in widget.attrs.get("class", "").split() if c not in classes]
        wanted = [classes[0]] + ([classes[1]] if error and classes[1] else [])
        widget.attrs["class"] = " ".join(wanted + existing)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self._set_classes(name, error=True)

    def summary_errors(self) -> list[dict]:
        """Each error as a link to its field, for the error summary at the top of the page."""
        items = []
        for name, errors in self.errors.items():
            if name in self.fields:
                href = f"#{field_anchor(self[name])}"
            else:
                href = "#main-content"
            items.extend({"href": href, "text": error} for error in errors)
        return items


def capfirst_text(value) -> str:
    text = str(value or "")
    return text[:1].upper() + text[1:]


def field_anchor(bound) -> str:
    """The id of the element an error summary link should focus for this field."""
    widget_type = bound.widget_type
    if widget_type in {"radioselect", "checkboxselectmultiple"}:
        return f"{bound.auto_id}_0"
    if widget_type == "govukdate":
        return f"{bound.auto_id}_day"
    return bound.auto_id


def error_summary(*forms_and_formsets) -> list[dict]:
    """The error summary of several forms and formsets on one page, in page order."""
    items = []
    for each in forms_and_formsets:
        if each is None:
            continue
        if hasattr(each, "forms"):  # a formset
            items.extend(
                {"href": "#main-content", "text": error} for error in each.non_form_errors()
            )
            for form in each.forms:
                items.extend(form.summary_errors())
        else:
            items.extend(each.summary_errors())
    return items


def choices_version() -> list:
    """When the records the filters offer as choices last changed, in one query: the newest
    history row and the number of rows of each (providers, partner bodies, programmes,
    their phases and lots, decision categories). Every save and delete writes a history row,
    so a new name, a new record or a deleted one changes it. The first and last dates of
    decision are in it too: the years the register offers run from one to the other."""
    row = precompiled.run_sql("filter_choices", _choices_version_sql(connection.vendor), [])
    return [str(value) for value in row]


@functools.cache
def _choices_version_sql(_vendor: str) -> str:
    """The SQL of `choices_version`, written once per process: it depends only on the models'
    tables (reading `Model.history` builds a manager class each time, which cost more than
    the query itself)."""
    from contracts.models import Lot, PartnerBody, ProcurementPhase, Provider
    from decisions.models import DecisionCategory

    models = [Provider, PartnerBody, Programme, ProcurementPhase, Lot, DecisionCategory]
    # Table and column names from the models' own metadata, quoted: no input is in the SQL
    # (ruff S608, bandit B608).
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        history = quote(model.history.model._meta.db_table)
        table = quote(model._meta.db_table)
        columns.append(f"(SELECT MAX({quote('history_date')}) FROM {history})")  # noqa: S608  # nosec B608
        columns.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608  # nosec B608
    decisions, decided_on = quote(Decision._meta.db_table), quote("decided_on")
    for end in ("MIN", "MAX"):
        columns.append(f"(SELECT {end}({decided_on}) FROM {decisions})")  # noqa: S608  # nosec B608
    return "SELECT " + ", ".join(columns)  # noqa: S608  # nosec B608


class FilterForm(GovukFormMixin, forms.Form):
    """The form of every FilterSet on a workspace list page.

    Its markup is kept in the cache (workspace/includes/filter_form.html) under `cache_key`:
    drawing ten fields, with 2,000 providers to choose from, took half of a register page's
    time. The key changes with what was asked (the form's values) and with everything its
    drop-downs list (see `choices_version`), so a kept form is never out of date.
    """

    @cached_property
    def narrows(self) -> bool:
        """Whether any filter has a value, so that the list says its rows "match the filters".
        The sort order is not a filter, and the page number is not a field."""
        return any(self.data.get(name) not in (None, "") for name in self.fields if name != "sort")

    @cached_property
    def cache_key(self) -> str:
        values = sorted(
            (name, value)
            for name in self.fields
            for value in (self.data.getlist(name) if hasattr(self.data, "getlist") else [])
        )
        # Choices that are not records (statuses, sorts) are part of the key themselves.
        # Choices the version covers (the years of the register) are not read at all when
        # the kept fields are used.
        listed = [
            (name, [str(key) for key, _label in field.choices])
            for name, field in self.fields.items()
            if hasattr(field, "choices")
            and not isinstance(field, forms.ModelChoiceField)
            and not getattr(field, "choices_in_version", False)
        ]
        from_version = any(
            isinstance(f, forms.ModelChoiceField) or getattr(f, "choices_in_version", False)
            for f in self.fields.values()
        )
        records = choices_version() if from_version else []
        shape = json.dumps([type(self).__name__, values, listed, records])
        return hashlib.sha256(shape.encode("utf-8")).hexdigest()


# -- decisions -----------------------------------------------------------------------------------

DETAIL_FIELDS = [
    "title",
    "category",
    "author_name",
    "author_job_role",
    "lead_officers",
    "decision_maker",
    "decision_maker_name",
    "delegation",
    "is_force_business",
    "chief_officer_approved_on",
    "received_on",
    "summary",
    "public_subject",
    "declaration_of_interests",
]


class TemplateChoiceForm(GovukFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        queryset=DecisionTemplate.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which form is the decision written on?",
        error_messages={
            "required": "Select the form the decision is written on",
            "invalid_choice": "Select one of the forms offered",
        },
    )


class DecisionDetailsForm(GovukFormMixin, forms.ModelForm):
    """The record's own fields, labelled as the decision's form labels them."""

    class Meta:
        model = Decision
        fields = DETAIL_FIELDS
        widgets = {
            "decision_maker": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "declaration_of_interests": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": "Title",
            "category": "Category",
            "author_name": "Author",
            "author_job_role": "Author's job title",
            "lead_officers": "Lead officer or officers",
            "decision_maker": "Who takes the decision?",
            "decision_maker_name": "Name of the decision maker",
            "delegation": "Delegation the decision is taken under",
            "is_force_business": "This is force business",
            "public_subject": "One-line subject for the public register",
            "declaration_of_interests": "Declaration of interests",
        }
        help_texts = {
            "decision_maker_name": "For example, the Commissioner's name.",
            "delegation": "Only for a decision taken by an officer under delegation.",
            "is_force_business": "The Chief Officer approves force business first.",
            "public_subject": (
                "Needed if every section is withheld: the public register shows this instead."
            ),
            "chief_officer_approved_on": "Only for force business. For example, 27 3 2022",
        }
        error_messages = {
            "title": {"required": "Enter a title"},
        }

    def __init__(self, *args, template: DecisionTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["decision_maker"].choices = list(Decision.Maker.choices)
        self.fields["summary"].label = template.summary_label
        self.fields["received_on"].label = template.received_label
        self.fields["received_on"].help_text = "For example, 1 6 2022"
        self.fields["delegation"].empty_label = "None"
        self.fields["category"].empty_label = "Not categorised"
        self.fields["chief_officer_approved_on"].label = "Date approved by the Chief Officer"

    def clean(self):
        cleaned = super().clean()
        maker = cleaned.get("decision_maker")
        if maker == Decision.Maker.DELEGATE and not cleaned.get("delegation"):
            self.add_error("delegation", "Select the delegation the decision is taken under")
        if cleaned.get("chief_officer_approved_on") and not cleaned.get("is_force_business"):
            self.add_error(
                "chief_officer_approved_on",
                "Only force business is approved by the Chief Officer: leave the date empty",
            )
        return cleaned

    def _post_clean(self):
        # The template is set by the view before validation; the model's own constraints
        # then run against the whole record.
        self.instance.template = self.template
        super()._post_clean()


class NewDecisionForm(DecisionDetailsForm):
    """The details asked for before a draft is opened, with the reference the scheme offers."""

    class Meta(DecisionDetailsForm.Meta):
        fields = ["reference", *DETAIL_FIELDS]
        labels = {**DecisionDetailsForm.Meta.labels, "reference": "Reference"}
        help_texts = {
            **DecisionDetailsForm.Meta.help_texts,
            "reference": "The next free reference in the form's scheme. You can change it.",
        }
        error_messages = {
            **DecisionDetailsForm.Meta.error_messages,
            "reference": {
                "required": "Enter a reference",
                "unique": "A decision with this reference already exists",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        if not self.is_bound and not self.initial.get("reference"):
            self.initial["reference"] = self.template.next_reference()
        # The public subject is asked for when a section is withheld, later.
        for name in ("public_subject", "declaration_of_interests"):
            del self.fields[name]


class SectionForm(GovukFormMixin, forms.ModelForm):
    """One section's text and whether it is withheld from publication, and why."""

    def _post_clean(self):
        # A section sent back unchanged is not checked against the model's rules again: the
        # stored row already keeps them (the database enforces its constraints), and Django
        # checks each constraint with a query inside a savepoint, three queries apiece. The
        # editor sends every section with every save; it saves only the changed ones.
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()

    class Meta:
        model = DecisionSection
        fields = [
            "text",
            "is_withheld",
            "exemption",
            "exemption_other",
            "public_interest_statement",
            "release_on",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "public_interest_statement": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "is_withheld": "Withhold this section",
            "exemption": "Exemption",
            "exemption_other": "Name the exemption",
            "public_interest_statement": "Public interest statement",
            "release_on": "Release date (optional)",
        }
        help_texts = {
            "is_withheld": "Its heading and the exemption are published; its text is not.",
            "public_interest_statement": (
                "Why the public interest favours withholding. Needed for section 43 and section 31."
            ),
            "release_on": (
                "When the reason for withholding no longer applies. For example, 1 4 2024"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = self.instance
        self.fields["text"].label = section.heading
        hints = [section.guidance] if section.guidance else []
        if section.is_mandatory:
            hints.append("Must be completed before the decision is submitted.")
        self.fields["text"].help_text = " ".join(hints)
        self.fields["exemption"].choices = [("", "Choose an exemption"), *Exemption.choices]
        self.fields["is_withheld"].widget.attrs["data-aria-controls"] = self.conditional_id

    @property
    def conditional_id(self) -> str:
        return f"conditional-{self.prefix}-withhold"

    @property
    def reveal_withholding(self) -> bool:
        if self.is_bound:
            return self["is_withheld"].value() in (True, "on", "true", "True")
        return self.instance.is_withheld

    def clean(self):
        cleaned = super().clean()
        return clean_withholding(self, cleaned)


def clean_withholding(form, cleaned: dict) -> dict:
    """The rules of a withheld part, as field errors; a part not withheld cites nothing."""
    if not cleaned.get("is_withheld"):
        cleaned.update(
            exemption="", exemption_other="", public_interest_statement="", release_on=None
        )
        for name in ("exemption", "exemption_other", "public_interest_statement", "release_on"):
            form.errors.pop(name, None)
            setattr(form.instance, name, cleaned[name])
        return cleaned
    exemption = cleaned.get("exemption")
    label = getattr(form.instance, "heading", "") or "this appendix"
    if not exemption:
        form.add_error("exemption", f"Choose the exemption for withholding {label}")
    elif exemption == Exemption.OTHER and not cleaned.get("exemption_other"):
        form.add_error("exemption_other", f"Name the exemption for withholding {label}")
    if exemption in QUALIFIED_EXEMPTIONS and not cleaned.get("public_interest_statement"):
        form.add_error(
            "public_interest_statement",
            f"Say why the public interest favours withholding {label}",
        )
    if exemption != Exemption.OTHER:
        cleaned["exemption_other"] = ""
    return cleaned


class BaseSectionFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        """Each form's hidden id is looked up among the sections the formset has already read,
        not with a query of its own (Django's default: one query per section on every save).
        An id that is not one of them is refused as Django refuses it."""
        super().add_fields(form, index)
        field = form.fields.get(self.model._meta.pk.name)
        if field is None:
            return
        known = getattr(self, "_sections_by_id", None)
        if known is None:
            read = getattr(self, "_object_dict", None)  # Django's own, if it has read them
            sections = read.values() if read is not None else self.get_queryset()
            known = self._sections_by_id = {str(section.pk): section for section in sections}

        def to_python(value, field=field, known=known):
            if value in field.empty_values:
                return None
            section = known.get(str(getattr(value, "pk", value)))
            if section is None:
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
            return section

        field.to_python = to_python


# The editor changes the sections the decision's form gave it; it never adds one (a posted
# form beyond them, or one without its id, is ignored rather than saved without a place).
SectionFormSet = forms.modelformset_factory(
    DecisionSection,
    form=SectionForm,
    formset=BaseSectionFormSet,
    extra=0,
    can_delete=False,
    edit_only=True,
)


def contract_label(contract) -> str:
    return f"{contract.reference}: {contract.title} ({contract.provider})"


class LinksForm(GovukFormMixin, forms.ModelForm):
    """The contracts, extensions, programmes and joint arrangements the decision concerns."""

    extensions = forms.ModelMultipleChoiceField(
        queryset=Extension.objects.none(),
        required=False,
        label="Extensions and variations it authorises",
        help_text="Only those not already authorised by another decision are offered.",
    )

    class Meta:
        model = Decision
        fields = ["contracts", "programmes", "arrangements"]
        labels = {
            "contracts": "Contracts",
            "programmes": "Commissioning programmes",
            "arrangements": "Joint commissioning arrangements",
        }

    field_order = ["contracts", "add_contracts", "programmes", "arrangements", "extensions"]

    add_contracts = forms.CharField(
        label="Add contracts by reference",
        help_text="One or more contract references, separated by commas or spaces.",
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any contract may be linked, but only the linked ones are listed, to untick: an
        # office has thousands of contracts, and a box for each made the editor take seconds
        # to draw (and to use). Others are added by their reference.
        self.fields["contracts"].queryset = Contract.objects.all()
        self.fields["contracts"].label = "Contracts it concerns"
        self.fields["contracts"].help_text = "Untick a contract to take it off this decision."
        self.fields["contracts"].widget.choices = [
            (contract.pk, contract_label(contract)) for contract in self._listed_contracts()
        ]
        self.fields["programmes"].queryset = Programme.objects.order_by("title")
        self.fields["arrangements"].queryset = JointArrangement.objects.order_by("title")
        decision = self.instance
        self.fields["extensions"].queryset = (
            Extension.objects.filter(
                Q(authorising_decision__isnull=True) | Q(authorising_decision=decision)
            )
            .select_related("contract")
            .order_by("contract__reference", "new_ends_on")
        )
        self.fields["extensions"].label_from_instance = lambda extension: (
            f"{extension.contract.reference}: {extension.get_kind_display().lower()} to "
            f"{extension.new_ends_on:%-d %B %Y}"
        )
        # Set whether bound or not: what changed is judged against it.
        self.initial["extensions"] = list(decision.extensions.values_list("pk", flat=True))

    def _listed_contracts(self):
        """The contracts linked now, and any ticked in the form as sent."""
        chosen = {contract.pk for contract in self.initial.get("contracts") or []}
        if self.is_bound:
            sent = self.data.getlist(self.add_prefix("contracts"))
            chosen |= {int(value) for value in sent if value.isdigit() and len(value) < 19}
        return (
            Contract.objects.filter(pk__in=chosen).select_related("provider").order_by("reference")
        )

    def clean_add_contracts(self) -> list:
        references = list(dict.fromkeys(re.split(r"[\s,;]+", self.cleaned_data["add_contracts"])))
        references = [reference for reference in references if reference]
        found = {c.reference: c for c in Contract.objects.filter(reference__in=references)}
        missing = [reference for reference in references if reference not in found]
        if missing:
            raise ValidationError(
                f"There is no contract with the reference {', '.join(missing)}"
                if len(missing) < 4
                else f"There are no contracts with {len(missing)} of these references, "
                f"{', '.join(missing[:3])} among them"
            )
        return [found[reference] for reference in references]

    def clean(self):
        cleaned = super().clean()
        added = cleaned.get("add_contracts") or []
        if added and "contracts" in cleaned:
            linked = list(cleaned["contracts"])
            cleaned["contracts"] = linked + [c for c in added if c not in linked]
        return cleaned

    def changed_links(self) -> list[str]:
        """Which of contracts, programmes and arrangements to save."""
        changed = [name for name in ("programmes", "arrangements") if name in self.changed_data]
        if "contracts" in self.changed_data or self.cleaned_data.get("add_contracts"):
            changed.insert(0, "contracts")
        return changed

    def save_extensions(self, *, by) -> None:
        """Point the chosen extensions at this decision, and release those unticked."""
        decision = self.instance
        chosen = set(self.cleaned_data["extensions"])
        current = set(decision.extensions.all())
        for extension in chosen - current:
            extension.authorising_decision = decision
            extension._history_user = by
            extension.save()
        for extension in current - chosen:
            extension.authorising_decision = None
            extension._history_user = by
            extension.save()


class DecisionLinkForm(GovukFormMixin, forms.ModelForm):
    """Another decision this one follows, supersedes or amends, named by its reference."""

    to_decision = forms.ModelChoiceField(
        queryset=Decision.objects.all(),
        to_field_name="reference",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        label="Reference of the other decision",
        required=False,
        error_messages={"invalid_choice": "There is no decision with that reference"},
    )

    class Meta:
        model = DecisionLink
        fields = ["kind", "to_decision"]
        labels = {"kind": "This decision"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose how they relate"), *DecisionLink.Kind.choices]
        self.fields["kind"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["to_decision"] = self.instance.to_decision.reference

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("DELETE"):
            return cleaned
        other, kind = cleaned.get("to_decision"), cleaned.get("kind")
        if other and not kind:
            self.add_error("kind", "Choose how this decision relates to the other one")
        if kind and not other and "to_decision" not in self.errors:
            self.add_error("to_decision", "Enter the reference of the other decision")
        if other and other.pk == self.instance.from_decision_id:
            self.add_error("to_decision", "A decision cannot refer to itself")
        return cleaned

    def validate_unique(self):
        # An empty extra row has nothing to check; filled rows are checked as usual.
        if self.cleaned_data.get("to_decision"):
            super().validate_unique()


class GovukDeleteMixin:
    """A formset's "remove" checkbox, labelled and styled like the rest of the form."""

    delete_label = "Remove"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label
            form.fields["DELETE"].widget.attrs["class"] = "govuk-checkboxes__input"


class BaseDecisionLinkFormSet(GovukDeleteMixin, forms.BaseInlineFormSet):
    delete_label = "Remove this link"

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("to_decision"), form.cleaned_data.get("kind"))
            if key[0] is None:
                continue
            if key in seen:
                form.add_error("to_decision", "This link is listed twice")
            seen.add(key)


DecisionLinkFormSet = forms.inlineformset_factory(
    Decision,
    DecisionLink,
    fk_name="from_decision",
    form=DecisionLinkForm,
    formset=BaseDecisionLinkFormSet,
    extra=2,
    can_delete=True,
)


# -- appendices -------------------------------------------------------------------------------

MAX_APPENDIX_BYTES = 20 * 1024 * 1024

DOCUMENT_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "docx": (
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
}


def detect_document_type(upload) -> str | None:
    """What the file is, judged from its bytes: "pdf", "docx", "xlsx", "odt" or None.

    A PDF starts with "%PDF-". The other three are zip archives: an OpenDocument text names
    itself in a first entry called "mimetype"; Word and Excel files hold
    word/document.xml or xl/workbook.xml beside [Content_Types].xml.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                return "odt" if mimetype == DOCUMENT_TYPES["odt"][1].encode() else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


class AppendixForm(GovukFormMixin, forms.ModelForm):
    """An appendix: a PDF, Word, Excel or OpenDocument file, withheld or not."""

    class Meta:
        model = Appendix
        fields = [
            "title",
            "file",
            "is_withheld",
            "exemption",
            "exemption_other",
            "public_interest_statement",
            "release_on",
        ]
        widgets = {"public_interest_statement": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": "Title",
            "file": "Upload a file",
            "is_withheld": "Withhold this appendix",
            "exemption": "Exemption",
            "exemption_other": "Name the exemption",
            "public_interest_statement": "Public interest statement",
            "release_on": "Release date (optional)",
        }
        help_texts = {
            "file": (
                "A PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file, up to 20 MB."
            ),
            "is_withheld": "Its title and the exemption are published; the file is not.",
        }
        error_messages = {"title": {"required": "Enter a title for the appendix"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = True
        self.fields["file"].error_messages["required"] = "Select a file to upload"
        self.fields["exemption"].choices = [("", "Choose an exemption"), *Exemption.choices]
        self.fields["is_withheld"].widget.attrs["data-aria-controls"] = self.conditional_id

    conditional_id = "conditional-appendix-withhold"

    @property
    def reveal_withholding(self) -> bool:
        if self.is_bound:
            return self["is_withheld"].value() in (True, "on", "true", "True")
        return self.instance.is_withheld

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > MAX_APPENDIX_BYTES:
            raise ValidationError("The file must be smaller than 20 MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        kind = detect_document_type(upload)
        if kind is None:
            raise ValidationError(
                "The selected file must be a PDF, Word (DOCX), Excel (XLSX) or "
                "OpenDocument text (ODT) file"
            )
        self.document_type = kind
        # Name the file for what it is, whatever it was called on the officer's computer.
        stem = PurePath(upload.name).stem or "appendix"
        upload.name = f"{stem}.{kind}"
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        self.instance.sha256 = digest.hexdigest()
        return upload

    def clean(self):
        cleaned = super().clean()
        return clean_withholding(self, cleaned)
