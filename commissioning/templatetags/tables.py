"""The head of a GOV.UK table and a row of a summary list, written once for every page of the
workspace and the public register.

`{% table_head "Contract" "Provider" "Value|numeric" actions=can_edit %}`: a heading ending in
"|numeric" is right-aligned (a column of numbers); `actions` adds the last column of the
"Change" links, whose heading only a screen reader hears.

`{% summary_row "Category" decision.category|default:"Not categorised" %}`: a key and its
value, the value drawn as `{{ }}` would draw it.
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

NUMERIC = "|numeric"
HEADER = '<th scope="col" class="govuk-table__header{}">{}</th>'
# The actions column's heading, heard only by screen readers.
ACTIONS = format_html(
    HEADER, "", format_html('<span class="govuk-visually-hidden">{}</span>', "Actions")
)


def _cell(heading: str) -> tuple[str, str]:
    if heading.endswith(NUMERIC):
        return " govuk-table__header--numeric", heading.removesuffix(NUMERIC)
    return "", heading


@register.simple_tag
def table_head(*headings: str, actions: bool = False, listed: str = "") -> SafeString:
    """The head of a table: its headings as arguments, or listed in one string, split at "; "
    (from workspace/includes/table.html)."""
    if listed:
        headings = (*headings, *listed.split("; "))
    cells = format_html_join("", HEADER, (_cell(heading) for heading in headings))
    return format_html(
        '<thead class="govuk-table__head"><tr class="govuk-table__row">{}{}</tr></thead>',
        cells,
        ACTIONS if actions else "",
    )


@register.simple_tag(takes_context=True)
def summary_row(context, key: str, value) -> SafeString:
    """One row of a summary list: the key, and the value as `{{ value }}` draws it."""
    return format_html(
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt>'
        '<dd class="govuk-summary-list__value">{}</dd></div>',
        key,
        render_value_in_context(value, context),
    )
