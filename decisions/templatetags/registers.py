"""Small pieces drawn once per row of the registers, the workspace's and the public one.

They were template includes; an include costs more than the markup it draws, and a register
page draws one per row. The markup is the same. Django's own `date` filter, `get_status_display`
and `{% url %}` each cost tens of microseconds a call (translation look-ups, a choices dict
built each time, the URL resolver); the versions here give the same text from what they
work out once.
"""

import datetime
import functools
from decimal import Decimal
from html import escape

from django import template
from django.template.defaultfilters import truncatewords
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from commissioning.reversing import pk_path, reference_path

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
    `commissioning.reversing`)."""
    return pk_path(name, pk, *_resolving(context))


@register.simple_tag(takes_context=True)
def ref_url(context, name: str, reference) -> str:
    """`{% url name reference %}` for a page whose one argument is a decision's reference
    (see `commissioning.reversing`)."""
    return reference_path(name, reference, *_resolving(context))


CONFIDENTIALITY_TAGS = {"non": "govuk-tag--green", "partly": "govuk-tag--yellow"}
LISTING_WORDS = 45


@register.simple_tag
def public_result(record) -> str:
    """One decision in the public register's list, from its `PublicRecord`: its title as a
    link, its reference and dates, the start of its published text, and how much of it is
    withheld. A page draws twenty. In the template each took about 70 µs, most of it in
    Django's lazy-aware escaping; every value here is escaped with `html.escape`, which is
    what Django's `escape` calls, and the row is marked safe once."""
    facts = escape(record.reference)
    if record.decided_on:
        facts += f" · Decided {long_date(record.decided_on)}"
    if record.published_on:
        facts += f" · Published {long_date(record.published_on)}"
    if record.published_late:
        facts += " (late)"
    text = record.listing_text
    listing = (
        f'\n  <p class="govuk-body govuk-!-margin-bottom-1">'
        f"{escape(truncatewords(text, LISTING_WORDS))}</p>"
        if text
        else ""
    )
    about = " · ".join(value for value in (record.category, record.decision_maker) if value)
    colour = CONFIDENTIALITY_TAGS.get(record.confidentiality_code, "govuk-tag--grey")
    # Every value in the row is escaped above.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<li class="app-results__item">\n'
        f'  <h3 class="govuk-heading-s govuk-!-margin-bottom-1">'
        f'<a class="govuk-link" href="{escape(record.url)}">{escape(record.title)}</a></h3>\n'
        f'  <p class="govuk-body-s govuk-!-margin-bottom-1">{facts}</p>{listing}\n'
        f'  <p class="govuk-body-s"><strong class="govuk-tag {colour}">'
        f"{escape(record.confidentiality)}</strong>{' ' + escape(about) if about else ''}</p>\n"
        f"</li>"
    )


@register.filter
def money(value) -> str:
    """Pounds and pence with thousands separated, or "Not recorded"."""
    if value is None:
        return "Not recorded"
    return f"£{Decimal(value):,.2f}"
