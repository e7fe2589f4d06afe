"""What the public contract pages write of a contract, from its `PublicContract`."""

from django import template

from commissioning.money import pounds
from contracts.publication import (
    FULL_LISTING_THRESHOLD,
    VALUE_AT_OR_BELOW,
    VALUE_NOT_RECORDED,
    VALUE_OVER,
)

register = template.Library()

THRESHOLD = f"£{FULL_LISTING_THRESHOLD:,.0f}"  # "£10,000", as the headings say it
VALUE_HEADINGS = {
    VALUE_OVER: f"Over {THRESHOLD}",
    VALUE_AT_OR_BELOW: f"{THRESHOLD} or less",
    VALUE_NOT_RECORDED: "Value not recorded",
}


@register.filter
def public_contract_value(contract) -> str:
    """Its value as the list gives it: "£12,500.00", "£1,200.00 a year" or "Not recorded"."""
    if contract.value is None:
        return "Not recorded"
    return pounds(contract.value) + (" a year" if contract.value_basis == "annual" else "")


@register.filter
def value_heading(contract) -> str:
    """The value heading the contract's recorded value meets: "Over £10,000", "£10,000 or
    less", or "Value not recorded" (never a heading its value does not meet)."""
    return VALUE_HEADINGS[contract.value_band]
