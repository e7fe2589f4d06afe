"""`{% public_result record %}`: one decision in the public register's list, drawn in Python.

It was a template include; an include costs more than the markup it draws, and the register
draws twenty a page. The markup is the same (tests/publication/test_register_rows.py).
"""

from html import escape

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.safestring import mark_safe

from commissioning.money import pounds

register = template.Library()

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
        facts += f" · Decided {record.decided}"
    if record.published_on:
        facts += f" · Published {record.published}"
    if record.published_late:
        facts += " (late)"
    if record.listed_value is not None:
        facts += f" · Value {pounds(record.listed_value)}"
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
    return mark_safe(  # noqa: S308
        f'<li class="app-results__item">\n'
        f'  <h3 class="govuk-heading-s govuk-!-margin-bottom-1">'
        f'<a class="govuk-link" href="{escape(record.url)}">{escape(record.title)}</a></h3>\n'
        f'  <p class="govuk-body-s govuk-!-margin-bottom-1">{facts}</p>{listing}\n'
        f'  <p class="govuk-body-s"><strong class="govuk-tag {colour}">'
        f"{escape(record.confidentiality)}</strong>{' ' + escape(about) if about else ''}</p>\n"
        f"</li>"
    )
