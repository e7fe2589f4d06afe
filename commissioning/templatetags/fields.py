"""One form field in GOV.UK Frontend markup, drawn in Python.

workspace/includes/field.html drew every field of every workspace form through the template
language: on the decision editor its 43 fields cost more than the rest of the page.
`govuk_field` draws the same markup for a hidden field, a checkbox and a text box, text area
or drop-down. A field of choices or a date (a fieldset with a legend) is still drawn by a
template, workspace/includes/field_choices.html: there are few of them, and their choices
are drawn by Django. tests/workspace/test_field_markup.py compares every kind with the
template this replaced.
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

FIELDSET_TYPES = frozenset({"radioselect", "checkboxselectmultiple", "govukdate"})
CHOICES_TEMPLATE = "workspace/includes/field_choices.html"

# GOV.UK's file upload: its script draws a "Choose file" button and a drop zone over the
# input. The space after "No file chosen" keeps the button's visible words apart from
# "Choose file" when read as text, as its accessible name has them; without it axe-core
# reads "chosenChoose" and reports the name as not matching (WCAG 2.5.3).
FILE_UPLOAD = (
    '<div class="govuk-drop-zone" data-module="govuk-file-upload" '
    'data-i18n.no-file-chosen="No file chosen ">'
)


def _error(field, id_: str) -> str:
    """workspace/includes/field_error.html."""
    if not field.errors:
        return ""
    text = ". ".join(str(conditional_escape(error)) for error in field.errors)
    return (
        f'<p id="{id_}_error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {text}</p>'
    )


def _checkbox(field, id_: str, group: str) -> str:
    hint = (
        f'<div id="{id_}_helptext" class="govuk-hint govuk-checkboxes__hint">'
        f"{conditional_escape(field.help_text)}</div>"
        if field.help_text
        else ""
    )
    return (
        f'<div class="{group}">{_error(field, id_)}'
        '<div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
        f'<div class="govuk-checkboxes__item">{field}'
        f'<label class="govuk-label govuk-checkboxes__label" for="{id_}">'
        f"{conditional_escape(field.label)}</label>{hint}</div></div></div>"
    )


def _box(field, id_: str, group: str, *, label_class, heading) -> str:
    """A text box, text area, drop-down or file upload under its label, hint and error."""
    label_class = conditional_escape(label_class or "govuk-label--s")
    label = (
        f'<label class="govuk-label {label_class}" for="{id_}">'
        f"{conditional_escape(field.label)}</label>"
    )
    if heading:
        level = conditional_escape(heading)
        label = f'<h{level} class="govuk-label-wrapper">{label}</h{level}>'
    hint = (
        f'<div id="{id_}_helptext" class="govuk-hint">'
        f"{linebreaksbr(field.help_text, autoescape=True)}</div>"
        if field.help_text
        else ""
    )
    widget = str(field)
    prefix = getattr(field.field.widget, "prefix", "")
    if prefix:
        widget = (
            '<div class="govuk-input__wrapper"><div class="govuk-input__prefix" '
            f'aria-hidden="true">{conditional_escape(prefix)}</div>{widget}</div>'
        )
    if field.widget_type == "file":
        widget = f"{FILE_UPLOAD}{widget}</div>"
    return f'<div class="{group}">{label}{hint}{_error(field, id_)}{widget}</div>'


@register.simple_tag(takes_context=True)
def govuk_field(context) -> str:
    """The field named `field` in the context, with `label_class` and `heading` if given."""
    field = context["field"]
    kind = field.widget_type
    if kind == "hidden":
        return str(field)
    if kind in FIELDSET_TYPES:
        return context.template.engine.get_template(CHOICES_TEMPLATE).render(context)
    id_ = conditional_escape(field.auto_id or "")
    group = "govuk-form-group govuk-form-group--error" if field.errors else "govuk-form-group"
    if kind == "checkbox":
        drawn = _checkbox(field, id_, group)
    else:
        options = {"label_class": context.get("label_class"), "heading": context.get("heading")}
        drawn = _box(field, id_, group, **options)
    # Every label, hint, error and id above was escaped; the widget drew itself safely.
    return mark_safe(drawn)  # noqa: S308


@register.filter
def labelled_errors(form) -> list[dict[str, str]]:
    """A form's field errors for workspace/includes/error_summary.html: "Label: problem",
    each linking to its field (the public register's filters)."""
    return [
        {"href": f"#{field.id_for_label}", "text": f"{field.label}: {error}"}
        for field in form
        for error in field.errors
    ]
