"""A date as precise as the record that holds it: a day, a month or a year.

Records taken on paper often say only "March 2021" or "2019". `PreciseDate` keeps such a date
as it was written instead of inventing a day. In the database a date is a pair: the DateField
holds the first day of the period (so that sorting, range filters and indexes work in SQL as
before) and a `<name>_precision` field beside it says how much of it is known
(`precision_field()`, default "day", so a row written before stays as it was).
`PreciseDateAttribute` reads and writes the pair as one value; `PreciseDateField` is the GOV.UK
day/month/year input in which the day, or the day and the month, may be left empty.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from commissioning.forms import GovukDateInput

if TYPE_CHECKING:
    _ModelForm = forms.ModelForm[Any]
else:
    _ModelForm = object

MONTHS = tuple(calendar.month_name)[1:]
MONTH_NUMBERS = {
    **{name.casefold(): number for number, name in enumerate(MONTHS, start=1)},
    **{name[:3].casefold(): number for number, name in enumerate(MONTHS, start=1)},
    "sept": 9,
}
NOT_RECORDED = "Not recorded"
PRECISION_MESSAGE = "A date is known to the day, the month or the year."


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# Finer first: a day sorts before the month or the year that starts on it.
RANK: dict[str, int] = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class PreciseDate:
    """A day, a month or a year. `value` is the period's first day."""

    value: datetime.date
    precision: str = Precision.DAY

    def __post_init__(self) -> None:
        if self.precision not in RANK:
            raise ValueError(f"Unknown precision {self.precision!r}")
        if isinstance(self.value, datetime.datetime):
            object.__setattr__(self, "value", self.value.date())
        if self.precision == Precision.MONTH:
            object.__setattr__(self, "value", self.value.replace(day=1))
        elif self.precision == Precision.YEAR:
            object.__setattr__(self, "value", self.value.replace(month=1, day=1))

    @classmethod
    def of(cls, year: int, month: int | None = None, day: int | None = None) -> "PreciseDate":
        """The date from its parts; ValueError if there is no such date (31 February)."""
        if month is None:
            return cls(datetime.date(year, 1, 1), Precision.YEAR)
        if day is None:
            return cls(datetime.date(year, month, 1), Precision.MONTH)
        return cls(datetime.date(year, month, day), Precision.DAY)

    @classmethod
    def coerce(cls, value: object) -> "PreciseDate | None":
        """None, a PreciseDate, or a date (as a day)."""
        if value is None or isinstance(value, PreciseDate):
            return value
        if isinstance(value, datetime.date):
            return cls(value)
        raise TypeError(f"Not a date: {value!r}")

    # -- the period --------------------------------------------------------------------------

    @property
    def first_day(self) -> datetime.date:
        return self.value

    @property
    def last_day(self) -> datetime.date:
        if self.precision == Precision.YEAR:
            return self.value.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            days = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=days)
        return self.value

    def within(self, start: datetime.date | None, end: datetime.date | None) -> bool:
        """Whether the period meets the range from start to end (both days included; None is
        open). A month meets a range that covers any of its days: it may have been then."""
        return (start is None or self.last_day >= start) and (end is None or self.value <= end)

    # -- text --------------------------------------------------------------------------------

    @property
    def iso(self) -> str:
        """ "2021", "2021-03" or "2021-03-15": ISO 8601 at the date's own precision."""
        if self.precision == Precision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    @property
    def display(self) -> str:
        """ "2021", "March 2021" or "15 March 2021", as the site writes dates."""
        month = MONTHS[self.value.month - 1]
        if self.precision == Precision.YEAR:
            return str(self.value.year)
        if self.precision == Precision.MONTH:
            return f"{month} {self.value.year}"
        return f"{self.value.day} {month} {self.value.year}"

    def __str__(self) -> str:
        return self.display

    # -- order -------------------------------------------------------------------------------

    def _key(self) -> tuple[datetime.date, int]:
        return (self.value, RANK[self.precision])

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PreciseDate):
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, datetime.date) and not isinstance(other, datetime.datetime):
            other = PreciseDate(other)
        if isinstance(other, PreciseDate):
            return self._key() < other._key()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())


_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)


def parse_precise(value: object) -> PreciseDate:
    """A date as offices write it, at the precision written: "2021", "2021-03", "03/2021",
    "March 2021", or a day as `parse_date` reads it ("2021-03-15", "15/03/2021",
    "15 March 2021"). ValueError if it is none of these or no such date."""
    # The import engine reads dates through this module: its reader is imported when used.
    from commissioning.importing.values import parse_date

    if isinstance(value, PreciseDate):
        return value
    if isinstance(value, datetime.date):
        return PreciseDate(value)
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    text = " ".join(str(value).split()).strip().rstrip(".")
    if isinstance(value, int) or re.fullmatch(r"\d{4}", text):
        return PreciseDate.of(int(text))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        return PreciseDate.of(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text):
        return PreciseDate.of(int(match[2]), int(match[1]))
    if match := re.fullmatch(r"([A-Za-z]+)\.?,? (\d{4})", _ORDINAL.sub("", text)):
        month = MONTH_NUMBERS.get(match[1].casefold())
        if month is None:
            raise ValueError(value)
        return PreciseDate.of(int(match[2]), month)
    return PreciseDate(parse_date(value))


# -- the model field pair ------------------------------------------------------------------------


def precision_field() -> "models.CharField[str, str]":
    """The `<name>_precision` field beside a DateField: how much of the date is known."""
    return models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, editable=False
    )


def precisions_valid(name: str, fields: list[str]) -> models.CheckConstraint:
    """One constraint that each of the model's date precisions is a day, a month or a year."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}_precision__in": Precision.values})
    return models.CheckConstraint(
        condition=condition, name=name, violation_error_message=PRECISION_MESSAGE
    )


class PreciseDateAttribute:
    """A model's (or a projection's) date and its precision, read and written as one value.

        decided_on = models.DateField(null=True, blank=True)
        decided_on_precision = precision_field()
        decided = PreciseDateAttribute("decided_on")

    `decision.decided` is a PreciseDate or None; setting it sets both fields (a plain date is
    a day)."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.precision = f"{field}_precision"

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return read_precise(instance, self.field)

    def __set__(self, instance: object, value: object) -> None:
        write_precise(instance, self.field, value)


def read_precise(instance: object, field: str) -> PreciseDate | None:
    """The PreciseDate of a date field and its `<field>_precision` (a day when absent)."""
    value = getattr(instance, field)
    if value is None:
        return None
    return PreciseDate(value, getattr(instance, f"{field}_precision", "") or Precision.DAY)


def write_precise(instance: object, field: str, value: object) -> None:
    precise = PreciseDate.coerce(value)
    setattr(instance, field, precise.value if precise else None)
    setattr(instance, f"{field}_precision", precise.precision if precise else Precision.DAY)


def overlaps_q(field: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    """The rows whose date (at its precision) meets the range, in SQL on the date's index: a
    month-only date is in a range that covers any day of its month (PreciseDate.within)."""
    condition = Q()
    if end is not None:
        condition &= Q(**{f"{field}__lte": end})
    if start is not None:
        condition &= (
            Q(**{f"{field}__gte": start})
            | Q(**{f"{field}_precision": Precision.MONTH, f"{field}__gte": start.replace(day=1)})
            | Q(
                **{
                    f"{field}_precision": Precision.YEAR,
                    f"{field}__gte": start.replace(month=1, day=1),
                }
            )
        )
    return condition


# -- the form field ------------------------------------------------------------------------------


class PreciseDateField(forms.Field):
    """A date to the day, the month or the year: the day, or the day and the month, may be
    left empty. Cleans to a PreciseDate, or None when all three boxes are empty.

    Each message names the field and what is wrong, as GOV.UK's date input pattern asks."""

    def __init__(self, *, day_required: bool = False, **kwargs: Any) -> None:
        self.day_required = day_required
        kwargs.setdefault("widget", GovukDateInput(as_typed=True))
        super().__init__(**kwargs)

    def _says(self, words: str) -> str:
        label = str(self.label or "The date")
        return f"{label[:1].upper()}{label[1:]} {words}"

    def to_python(self, value: Any) -> PreciseDate | None:
        if isinstance(value, PreciseDate) or value is None:
            return value
        if isinstance(value, datetime.date):
            return PreciseDate(value)
        if isinstance(value, str):
            value = ("", "", value) if value.strip() else ("", "", "")
        day, month, year = (str(part).strip() for part in value)
        if not (day or month or year):
            return None
        if not year:
            raise ValidationError(self._says("must include a year"), code="no_year")
        if day and not month:
            raise ValidationError(self._says("must include a month"), code="no_month")
        if self.day_required and not day:
            raise ValidationError(self._says("must include a day"), code="no_day")
        if not re.fullmatch(r"\d{4}", year) or not all(
            re.fullmatch(r"\d{1,2}", part) for part in (day, month) if part
        ):
            raise ValidationError(
                self._says("must be a real date, like 15 3 2021, 3 2021 or 2021"),
                code="invalid",
            )
        try:
            return PreciseDate.of(
                int(year), int(month) if month else None, int(day) if day else None
            )
        except ValueError:
            raise ValidationError(
                self._says("must be a real date, like 15 3 2021, 3 2021 or 2021"),
                code="invalid",
            ) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != PreciseDate.coerce(initial)
        except ValidationError:
            return True


class PreciseDatesMixin(_ModelForm):
    """A ModelForm whose date fields named in `precise_dates` take a day, a month or a year.

    Each such field becomes a PreciseDateField with the model field's label, help text and
    whether it is required; the form saves both halves of the pair. Put it before
    GovukFormMixin in the bases."""

    precise_dates: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        for name in self.precise_dates:
            old = self.fields.get(name)
            if old is None:
                continue
            self.fields[name] = PreciseDateField(
                label=old.label, help_text=old.help_text, required=old.required
            )
            if old.required:
                self.fields[name].error_messages["required"] = old.error_messages["required"]
            if name not in given:  # the instance's date, with its precision
                self.initial[name] = read_precise(self.instance, name)

    def _post_clean(self) -> None:
        # The model's DateField takes the first day; the precision goes beside it.
        for name in self.precise_dates:
            if name in self.fields and name in self.cleaned_data:
                precise = self.cleaned_data[name]
                write_precise(self.instance, name, precise)
                self.cleaned_data[name] = precise.value if precise else None
        super()._post_clean()  # type: ignore[misc]  # BaseModelForm has it; the stubs do not
        for name in self.precise_dates:
            if name in self.fields and name in self.cleaned_data:
                self.cleaned_data[name] = read_precise(self.instance, name)
