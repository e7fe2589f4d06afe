"""Checking one record: each value read as its column needs, a problem for each that is not."""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from commissioning.dates import PreciseDate, parse_precise
from commissioning.importing.files import Record
from commissioning.importing.problems import Problem
from commissioning.importing.values import (
    MONEY_LIMIT,
    is_blank,
    normalise_header,
    parse_date,
    parse_flag,
    parse_money,
)


class Checker:
    """Reads one record's values, noting a problem for each one that does not make sense."""

    def __init__(self, record: Record, problems: list[Problem], warnings: list[Problem]):
        self.record = record
        self.problems = problems
        self.warnings = warnings
        self.failed = False

    def error(self, key: str, reason: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.record.row, self.record.label(key), reason))

    def warn(self, key: str, reason: str) -> None:
        self.warnings.append(Problem(self.record.row, self.record.label(key), reason))

    def raw(self, key: str):
        return self.record.values.get(key)

    def has(self, key: str) -> bool:
        return self.record.has(key)

    def text(self, key: str, *, required: bool = False, what: str = "") -> str:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.error(key, f"{what or 'A value'} is needed here.")
            return ""
        if isinstance(value, dict | list):
            self.error(key, "Expected text here.")
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value).strip().replace("\r\n", "\n")

    def date(self, key: str) -> datetime.date | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            self.error(
                key,
                f"{value!r} is not a date: write it as 2018-04-01, 01/04/2018 or 1 April 2018.",
            )
            return None

    def precise_date(self, key: str) -> PreciseDate | None:
        """A date to the day, the month or the year, as precise as the file gives it."""
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return parse_precise(value)
        except (ValueError, TypeError):
            self.error(
                key,
                f"{value!r} is not a date: write it as 2018-04-01, 01/04/2018, 1 April 2018, "
                "April 2018 or 2018.",
            )
            return None

    def money(self, key: str) -> Decimal | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            amount = parse_money(value)
            if not amount.is_finite():  # JSON's Infinity and NaN
                raise ValueError(value)
            # Past the decimal context's 28 digits, rounding to pence itself fails.
            in_pence = amount.quantize(Decimal("0.01"))
        except (ValueError, TypeError, InvalidOperation):
            self.error(key, f"{value!r} is not an amount of money, such as £12,500.00.")
            return None
        if amount != in_pence:
            self.error(key, f"{value!r} has more than two decimal places.")
            return None
        if abs(amount) >= MONEY_LIMIT:
            self.error(key, f"{value!r} is too large: amounts go up to £999,999,999,999.99.")
            return None
        return amount

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return parse_flag(value)
        except ValueError:
            self.error(key, f"{value!r} is not yes or no.")
            return None

    def whole_number(self, key: str) -> int | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 0:
            self.error(key, f"{value!r} is not a whole number.")
            return None
        return number

    def items(self, key: str) -> list[str]:
        """A list, or text with the items separated by semicolons or new lines."""
        value = self.raw(key)
        if is_blank(value):
            return []
        parts = value if isinstance(value, list) else re.split(r"[;\n]", str(value))
        return [str(part).strip() for part in parts if not is_blank(part)]

    def choice(
        self, key: str, words: dict[str, str], *, accepted: str, default: str | None = None
    ) -> str | None:
        """One of `words` (compared loosely), or `default` when blank. `accepted` says, for
        the message, which values are accepted."""
        value = self.raw(key)
        if is_blank(value):
            return default
        lookup = {normalise_header(word): meaning for word, meaning in words.items()}
        found = lookup.get(normalise_header(value))
        if found is None:
            self.error(key, f"{value!r} is not one of the accepted values: {accepted}.")
        return found

    def model_errors(
        self,
        instance: models.Model,
        fields: dict[str, str],
        constraints: dict[str, str] | None = None,
        *,
        exclude: Iterable[str] = (),
    ) -> None:
        """Run the model's own validation and report each message against its column.

        `fields` maps model fields to keys of this record; `constraints` maps constraint names
        (or their ends) to keys, for the rules the database states as check constraints.
        """
        try:
            instance.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as invalid:
            by_message = constraint_keys(type(instance), constraints or {})
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    if name == NON_FIELD_ERRORS:
                        key = by_message.get(message, "")
                    else:
                        key = fields.get(name, name)
                    self.error(key, message)


def constraint_keys(model: type[models.Model], wanted: dict[str, str]) -> dict[str, str]:
    """The violation message of each wanted constraint, mapped to the key it concerns."""
    found = {}
    for constraint in model._meta.constraints:
        for end, key in wanted.items():
            if constraint.name.endswith(end):
                found[str(constraint.get_violation_error_message())] = key
    return found
