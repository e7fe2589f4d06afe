"""How much text the register takes: the one place that states the limits.

No single text field holds more than `FIELD_MAX_CHARACTERS`, and no record (a decision with
its sections, appendices, comments and awards; a contract with its parts; one row of an
import) more than `RECORD_MAX_CHARACTERS` in all. The workspace's forms
(commissioning.forms.GovukFormMixin), the admin (commissioning.admin) and the importers
(commissioning.importing.engine) refuse more, naming the field or the largest parts.

A record of a few megabytes of text, which the request limit allows, made its PDF and its
pages slow enough to tie up the workers; these limits are far above any real decision.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import pretty_name

FIELD_MAX_CHARACTERS = 100_000
RECORD_MAX_CHARACTERS = 500_000

# How many of a record's largest parts its message names.
LARGEST_PARTS_NAMED = 3


def text_length(value: object) -> int:
    """The characters of text a value holds: a string's length, the total of a list's or a
    dict's values, the length of anything else written out; nothing for None."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(text_length(item) for item in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(text_length(item) for item in value)
    return len(str(value))


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def field_too_long(label: str, length: int) -> str:
    """The message refusing one field's text: "Background must be 100,000 characters or
    fewer (it has 123,456)"."""
    return (
        f"{capfirst(label)} must be {FIELD_MAX_CHARACTERS:,} characters or fewer "
        f"(it has {length:,})"
    )


def total_characters(parts: Mapping[str, int]) -> int:
    return sum(parts.values())


def record_too_long(parts: Mapping[str, int], noun: str = "record") -> str | None:
    """The message refusing a record whose parts (each part's name, and its characters) hold
    more than the record's limit in all, naming the largest parts; None if within it."""
    total = total_characters(parts)
    if total <= RECORD_MAX_CHARACTERS:
        return None
    largest = sorted(parts.items(), key=lambda item: item[1], reverse=True)[:LARGEST_PARTS_NAMED]
    named = ", ".join(f"{name} ({characters:,})" for name, characters in largest)
    return (
        f"The {noun} has {total:,} characters of text in all: it must have "
        f"{RECORD_MAX_CHARACTERS:,} or fewer. Its largest parts are {named}."
    )


def add_parts(parts: dict[str, int], name: str, characters: int) -> None:
    """Count `characters` under `name`, adding to what is already counted there."""
    if characters:
        parts[name] = parts.get(name, 0) + characters


def model_text_parts(
    instance: Any,
    *,
    prefix: str = "",
    exclude: Iterable[str] = (),
    values: Mapping[str, object] | None = None,
) -> dict[str, int]:
    """The characters of each text field of a model instance that people write (its
    editable CharFields and TextFields), by the field's verbose name; `values` replaces the
    instance's own value of the fields it names (a form's cleaned data, before it is
    saved)."""
    parts: dict[str, int] = {}
    skipped = set(exclude)
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.name in skipped:
            continue
        if not field.editable:  # made by the register from the rest
            continue
        if values is not None and field.name in values:
            value = values[field.name]
        else:
            value = getattr(instance, field.attname, "")
        add_parts(parts, f"{prefix}{field.verbose_name}", text_length(value))
    return parts


class FieldLengthValidator:
    """A form field's validator refusing text over `FIELD_MAX_CHARACTERS`, naming the field
    by its label as the form has it when it is checked (or by `name`, without one)."""

    code = "too_long"

    def __init__(self, label: Callable[[], object]):
        self.label = label

    def __call__(self, value: object) -> None:
        length = text_length(value)
        if length > FIELD_MAX_CHARACTERS:
            raise ValidationError(
                field_too_long(str(self.label() or "this field"), length), code=self.code
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldLengthValidator)

    def __hash__(self) -> int:
        return hash(FieldLengthValidator)


def bound_text_field(field: forms.Field, name: str) -> None:
    """Refuse text over `FIELD_MAX_CHARACTERS` in a form's text field that has no tighter
    limit of its own (a model's TextField, or a CharField of no set length)."""
    if not isinstance(field, forms.CharField):
        return
    if field.max_length is not None and field.max_length <= FIELD_MAX_CHARACTERS:
        return
    if any(isinstance(validator, FieldLengthValidator) for validator in field.validators):
        return
    field.validators.append(FieldLengthValidator(lambda: field.label or pretty_name(name)))
