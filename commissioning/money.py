"""Money as the register writes it: pounds and pence, thousands separated, "£12,500.00".

Code calls `pounds`; templates use the `money` filter ({% load registers %}), which writes
"Not recorded" for no amount. Data (CSV cells, JSON strings, the import's checks) carries the
plain amount, "12500.00", from `amount`; no amount is None there, an empty CSV cell.
"""

from decimal import Decimal


def pounds(amount) -> str:
    """An amount of money (a Decimal, or anything Decimal reads) as "£1,234.56"."""
    return f"£{Decimal(amount):,.2f}"


def amount(value) -> str | None:
    """An amount of money as data, "1234.56" (pounds and pence, no sign or separators), or
    None when there is none."""
    return None if value is None else f"{Decimal(value):.2f}"
