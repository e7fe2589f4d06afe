"""Small pieces drawn once per row of the workspace's registers.

They were template includes; an include costs more than the markup it draws, and a register
page draws one per row. The markup is the same.
"""

from decimal import Decimal

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def decision_status(decision) -> str:
    """A decision's status as a GOV.UK tag (blue while it is with its signers)."""
    colour = DECISION_TAGS.get(decision.status, "govuk-tag--blue")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', colour, decision.get_status_display()
    )


@register.simple_tag
def contract_status(contract) -> str:
    colour = CONTRACT_TAGS.get(contract.status, "govuk-tag--grey")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', colour, contract.get_status_display()
    )


@register.filter
def money(value) -> str:
    """Pounds and pence with thousands separated, or "Not recorded"."""
    if value is None:
        return "Not recorded"
    return f"£{Decimal(value):,.2f}"
