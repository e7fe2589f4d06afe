"""The GOV.UK form kit every workspace form shares.

`GovukFormMixin` gives every form the GOV.UK Frontend classes, day/month/year date inputs
(`GovukDateInput`), drop-downs drawn in one pass (`Select`) and a NUL character refused in
every field; `error_summary` makes the error summary whose links lead to the fields;
`FilterForm` is the form of every list page's filters. templates/workspace/includes/field.html
(and commissioning/templatetags/fields.py) draw a field from it.
"""

import datetime
import functools
import hashlib
import json
import re
from html import escape

from django import forms
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import IntegerField
from django.forms.utils import flatatt
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from commissioning.limits import bound_text_field
from commissioning.speed import precompiled

REAL_DATE_PARTS = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")

WIDGET_CLASSES = {
    "text": ("govuk-input", "govuk-input--error"),
    "money": ("govuk-input", "govuk-input--error"),
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


class MoneyInput(forms.TextInput):
    """An amount in pounds: GOV.UK's text input with a "£" prefix (drawn by the govuk_field
    tag and the public register's filters, which read `prefix`), typed as a decimal."""

    prefix = "£"

    def __init__(self, attrs=None):
        attrs = {"inputmode": "decimal", "spellcheck": "false", **(attrs or {})}
        attrs.setdefault("class", "govuk-input--width-10")
        super().__init__(attrs)


class MoneyField(forms.DecimalField):
    """An amount of money in pounds and pence, typed as an officer writes it ("£1,250.50",
    "1250.5"): never negative, and refused with a message saying what to type."""

    widget = MoneyInput

    def __init__(self, *, label: str = "Amount", **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(label=label, **kwargs)
        name = capfirst_text(label)
        self.error_messages.update(
            {
                "invalid": f"{name} must be an amount in pounds, like 1250.00",
                "max_digits": f"{name} must be less than £1,000,000,000,000",
                "max_whole_digits": f"{name} must be less than £1,000,000,000,000",
                "max_decimal_places": f"{name} must be in pounds and pence, like 1250.50",
            }
        )
        for validator in self.validators:
            if getattr(validator, "code", "") == "min_value":
                validator.message = f"{name} cannot be negative"

    def widget_attrs(self, widget):
        # No browser-side number checks (the step and min attributes of a number input).
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").replace(" ", "")
        return super().to_python(value)


class GovukDateInput(forms.Widget):
    """GOV.UK's date input: three boxes, day, month and year, in one fieldset.

    The value comes back as "year-month-day" for DateField to parse, so that a date that is
    not real (31 February) is refused with the field's own message. With `as_typed` it comes
    back as the three parts, (day, month, year), for commissioning.dates.PreciseDateField,
    which lets the day or the month be left empty.
    """

    use_fieldset = True
    parts = ("day", "month", "year")

    def __init__(self, attrs=None, *, as_typed: bool = False):
        super().__init__(attrs)
        self.as_typed = as_typed

    def value_from_datadict(self, data, files, name):
        day, month, year = (str(data.get(f"{name}_{part}", "")).strip() for part in self.parts)
        if self.as_typed:
            return day, month, year
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
        if isinstance(value, tuple) and len(value) == 3:  # as typed
            return tuple(str(part) for part in value)
        if hasattr(value, "precision"):  # a commissioning.dates.PreciseDate
            year, month, day = ([*value.iso.split("-"), "", ""])[:3]
            return day.lstrip("0"), month.lstrip("0"), year
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
        inputs = mark_safe("".join(items))  # noqa: S308
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
        records the filters list (choices_version).

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
        return mark_safe(f"<select{flatatt(attributes)}>{options}</select>")  # noqa: S308


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
    a NUL character refused in every field (RefuseNulMixin), and text over the register's
    limit in any text field (commissioning.limits.bound_text_field)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            bound_text_field(field, name)
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


# The records the filters offer as choices, and the dates whose first and last years the
# register's year filter offers.
CHOICE_MODELS = (
    "contracts.Provider",
    "contracts.PartnerBody",
    "contracts.Programme",
    "contracts.ProcurementPhase",
    "contracts.Lot",
    "decisions.DecisionCategory",
)
DATED_BY = ("decisions.Decision", "decided_on")


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
    models = [apps.get_model(label) for label in CHOICE_MODELS]
    # Table and column names from the models' own metadata, quoted: no input is in the SQL
    # (ruff S608).
    quote = connection.ops.quote_name
    columns = []
    for model in models:
        history = quote(model.history.model._meta.db_table)
        table = quote(model._meta.db_table)
        columns.append(f"(SELECT MAX({quote('history_date')}) FROM {history})")  # noqa: S608
        columns.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
    label, date_field = DATED_BY
    dated, date = quote(apps.get_model(label)._meta.db_table), quote(date_field)
    for end in ("MIN", "MAX"):
        columns.append(f"(SELECT {end}({date}) FROM {dated})")  # noqa: S608
    return "SELECT " + ", ".join(columns)  # noqa: S608


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


class GovukDeleteMixin:
    """A formset's "remove" checkbox, labelled and styled like the rest of the form."""

    delete_label = "Remove"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.delete_label
            form.fields["DELETE"].widget.attrs["class"] = "govuk-checkboxes__input"
