"""Small pieces drawn once per row of the registers, the workspace's and the public one:
status tags, labels of choices, dates, money and links to a record.

They were template includes; an include costs more than the markup it draws, and a register
page draws one per row. The markup is the same. Django's own `date` filter, `get_status_display`
and `{% url %}` each cost tens of microseconds a call (translation look-ups, a choices dict
built each time, the URL resolver); the versions here give the same text from what they
work out once.
"""

import datetime
import functools

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.html import format_html

from commissioning.money import pounds
from commissioning.speed.reversing import pk_path, reference_path

register = template.Library()

DECISION_TAGS = {
    "draft": "govuk-tag--grey",
    "approved": "govuk-tag--green",
    "published": "govuk-tag--green",
    "not_approved": "govuk-tag--red",
    "withdrawn": "govuk-tag--orange",
    "superseded": "govuk-tag--grey",
}
CONTRACT_TAGS = {
    "active": "govuk-tag--green",
    "planned": "govuk-tag--blue",
    "terminated": "govuk-tag--red",
}


@functools.cache
def _labels(model, field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


@functools.cache
def _status_tag(model, status: str, colour: str) -> str:
    """A record's status as a GOV.UK tag, for each model, status and colour once."""
    label = _labels(model, "status").get(status, status)
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label)


@register.simple_tag
def decision_status(decision) -> str:
    """A decision's status as a GOV.UK tag (blue while it is with its signers)."""
    colour = DECISION_TAGS.get(decision.status, "govuk-tag--blue")
    return _status_tag(type(decision), decision.status, colour)


@register.simple_tag
def contract_status(contract) -> str:
    colour = CONTRACT_TAGS.get(contract.status, "govuk-tag--grey")
    return _status_tag(type(contract), contract.status, colour)


@register.simple_tag
def label(record, field: str) -> str:
    """`{{ record.get_FIELD_display }}`, from the field's choices read once per model."""
    value = getattr(record, field)
    return str(_labels(type(record), field).get(value, value))


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@register.filter
def long_date(value) -> str:
    """A date as the site writes it, "1 April 2024": Django's `date:"j F Y"` in English (a
    date and time in the site's time zone first), or "" for no date, as that filter gives."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if not isinstance(value, datetime.date):
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _resolving(context) -> tuple[str, object]:
    """The script prefix and URLconf `reverse` would use, read once per template drawn: each
    is a thread-local read that costs more than the rest of a row's link."""
    state = context.render_context.get(_resolving)
    if state is None:
        state = context.render_context[_resolving] = (get_script_prefix(), get_urlconf())
    return state


@register.simple_tag(takes_context=True)
def pk_url(context, name: str, pk) -> str:
    """`{% url name pk %}` for a page whose one argument is a record's integer key (see
    `commissioning.speed.reversing`)."""
    return pk_path(name, pk, *_resolving(context))


@register.simple_tag(takes_context=True)
def ref_url(context, name: str, reference) -> str:
    """`{% url name reference %}` for a page whose one argument is a decision's reference
    (see `commissioning.speed.reversing`)."""
    return reference_path(name, reference, *_resolving(context))


@register.filter
def money(value) -> str:
    """Pounds and pence with thousands separated, or "Not recorded"."""
    if value is None:
        return "Not recorded"
    return pounds(value)
