"""Which contracts the public register lists in full: a rule the model's index and the public
projection (contracts.publication) both read, kept apart so that each imports it."""

from decimal import Decimal

from django.db import models
from django.db.models import Q

# The Specified Information Order: contracts over this value are published in full; at or
# below it, the public list gives only the value, the parties and the purpose.
FULL_LISTING_THRESHOLD = Decimal("10000")


def listed_in_full() -> Q:
    """The contracts listed in full, as a condition the database tests: the value (the total,
    or failing it the annual value) is over the threshold or not recorded. The same rule as
    `PublicContract.is_listed_in_full`; a filter or sort on anything beyond value, parties and
    purpose is limited to these, so that it tells nothing about a smaller contract."""
    return (
        Q(total_value__gt=FULL_LISTING_THRESHOLD)
        | Q(total_value__isnull=True, annual_value__gt=FULL_LISTING_THRESHOLD)
        | Q(total_value__isnull=True, annual_value__isnull=True)
    )


def public_order_index() -> models.Index:
    """The index of the public register's first page, "Ending soonest" (contracts.
    public_filters): the end date of a contract listed in full, then its reference and id, for
    every contract but those being planned. Without it the database sorted every listed
    contract for each first page."""
    return models.Index(
        models.Case(models.When(listed_in_full(), then=models.F("ends_on")), default=None),
        models.F("reference"),
        models.F("id"),
        condition=~Q(status="planned"),
        name="contract_public_ends_idx",
    )
