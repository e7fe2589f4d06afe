"""The timeline's contracts drawn in Python: each one's bars in the picture and its row in the
table.

The timeline shows 50 contracts a page, and drawing each one's label, bars, markers and
table row in the template language took 7 ms, a third of the page. These tags write the same
markup (tests/workspace/test_timeline_markup.py compares them with the template they
replaced), with every text escaped and every number written as the template wrote it.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from commissioning.dates import NOT_RECORDED
from commissioning.templatetags.dates import precise
from commissioning.templatetags.registers import pk_url

register = template.Library()


def _number(value) -> str:
    """A coordinate as `{{ value }}` writes it: localised, then escaped."""
    return conditional_escape(localize(value))


@register.simple_tag
def timeline_bars(row) -> str:
    """A row of the picture: its label, the bars of its term, extensions or phase, and the
    markers of its decisions or milestones, each with its description as a tooltip."""
    escape = conditional_escape
    drawn = [
        f'<text class="app-contract-timeline__label" x="12" y="{_number(row.text_y)}">'
        f"{escape(row.label)}<title>{escape(row.full_label)}</title></text>"
    ]
    bar_y = _number(row.bar_y)
    for segment in row.segments:
        if segment.shown:
            drawn.append(
                '<rect class="app-contract-timeline__bar '
                f'app-contract-timeline__bar--{escape(segment.kind)}" x="{_number(segment.x)}" '
                f'y="{bar_y}" width="{_number(segment.width)}" height="14">'
                f"<title>{escape(segment.description)}</title></rect>"
            )
    for marker in row.markers:
        if marker.shown:
            drawn.append(
                '<polygon class="app-contract-timeline__marker '
                f'app-contract-timeline__marker--{escape(marker.kind)}" '
                f'points="{escape(marker.points)}"><title>{escape(marker.description)}</title>'
                "</polygon>"
            )
    # Every text and number above was escaped.
    return mark_safe("".join(drawn))  # noqa: S308


@register.simple_tag(takes_context=True)
def timeline_table_row(context, row) -> str:
    """A contract's row of the table after the picture: the same facts in words."""
    escape = conditional_escape
    contract = row.contract
    url = escape(pk_url(context, "workspace:contract-detail", contract.pk))
    segments = row.segments
    # The term as recorded, at its precision ("March 2021 to 2025"); none drawn when its start
    # or end is not recorded.
    terms = [segment for segment in segments if segment.kind == "term"]
    term = escape(terms[0].description.removeprefix("Term ")) if terms else NOT_RECORDED
    changes = "".join(
        f"{escape(segment.description)}<br>" for segment in segments if segment.kind != "term"
    )
    if not changes:
        changes = "None"
    markers = "".join(f"{escape(marker.description)}<br>" for marker in row.markers) or "None"
    drawn = (
        '<tr class="govuk-table__row">'
        f'<td class="govuk-table__cell"><a class="govuk-link" href="{url}">'
        f"{escape(contract.reference)}</a> {escape(contract.title)}</td>"
        f'<td class="govuk-table__cell">{term}</td>'
        f'<td class="govuk-table__cell">{changes}</td>'
        f'<td class="govuk-table__cell">{markers}</td>'
        f'<td class="govuk-table__cell">{precise(contract.ends)}</td>'
        "</tr>"
    )
    # Every text above was escaped; the dates are digits and month names.
    return mark_safe(drawn)  # noqa: S308
