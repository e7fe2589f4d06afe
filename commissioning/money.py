"""Money as the register writes it: pounds and pence, thousands separated, "£12,500.00".

Code calls `pounds`; templates use the `money` filter ({% load registers %}), which writes
"Not recorded" for no amount.
"""

from decimal import Decimal


def pounds(amount) -> str:
    """An amount of money (a Decimal, or anything Decimal reads) as "£1,234.56"."""
    return f"£{Decimal(amount):,.2f}"
