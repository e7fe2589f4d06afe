"""`{{ record.decided|precise }}`: a date at its precision, or "Not recorded".

A template builtin (settings.TEMPLATES), so every template reads dates the same way without
loading a library: "15 March 2021", "March 2021" or "2021". A plain date is a day. The text
for no date may be given: `{{ decision.published|precise:"Not published" }}`.
"""

from django import template

from commissioning.dates import NOT_RECORDED, PreciseDate

register = template.Library()


@register.filter
def precise(value, unknown: str = NOT_RECORDED) -> str:
    try:
        date = PreciseDate.coerce(value)
    except TypeError:
        date = None
    return date.display if date else unknown
