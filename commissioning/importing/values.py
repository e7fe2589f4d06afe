"""Reading one value as offices write it: dates, money, yes or no, names compared loosely."""

import datetime
import difflib
import re
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format


def normalise_header(header: str) -> str:
    """How column names are compared: case, spaces and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]", "", str(header).casefold())


def squash(text: str) -> str:
    """Text compared loosely: case and runs of spaces do not matter."""
    return " ".join(str(text).split()).casefold()


_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
DATE_FORMATS = [
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %B, %Y",
    "%B %d %Y",
    "%B %d, %Y",
]


def parse_date(value) -> datetime.date:
    """A date as offices write them: 2018-04-01, 01/04/2018 or 1 April 2018. ValueError if not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join(str(value).split())
    text = _ORDINAL.sub("", text)
    # A timestamp from a spreadsheet or an export: keep the day.
    text = re.sub(
        r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", r"\1", text
    )
    text = re.sub(r"^(\d{1,2}/\d{1,2}/\d{2,4}) \d{1,2}:\d{2}(:\d{2})?$", r"\1", text)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


# Money is stored with 14 digits, two of them pence.
MONEY_LIMIT = Decimal(10) ** 12


def parse_money(value) -> Decimal:
    """An amount in pounds: £1,234.56, 1234.5 or 1,234. ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    text = re.sub(r"(?i)^(gbp|£)|(gbp)$", "", text).lstrip("£")
    if text.startswith("-£"):
        text = "-" + text[2:]
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None


YES = {"yes", "y", "true", "t", "1", "x"}
NO = {"no", "n", "false", "f", "0"}


def parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def similar(a: str, b: str) -> float:
    """How alike two (normalised) names are, from 0 to 1."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.85 or matcher.quick_ratio() < 0.85:
        return 0.0
    return matcher.ratio()
