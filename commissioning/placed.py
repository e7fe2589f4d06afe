"""Rows kept in an order by their `position` (a decision's sections, a form's sections),
changed on one page as a formset: each row may be given a new place, removed, or added, and
the whole new order is saved at once.

A row given a new place goes before one that stays at that place; a row given none keeps its
place among the rest, and a new row with none goes last. Saving moves each row that moves first to a
free place past the end, then to its own, so that no two rows ever share a place (the database
checks a unique place at once, not at the end of the transaction); a row that neither moves
nor changes is not written.
"""

from collections.abc import Container, Iterable
from typing import Any

from django import forms
from django.db import models

# A new row with no place goes after every row that has one.
LAST = 1_000_000


def place_field() -> forms.IntegerField:
    field = forms.IntegerField(
        label="Place",
        min_value=1,
        required=False,
        help_text="1 for the first. Leave empty to keep it where it is, or, for a new one, "
        "to put it last.",
        error_messages={"invalid": "Enter the place as a whole number, like 2"},
    )
    field.widget.attrs["class"] = "govuk-input govuk-input--width-3"
    return field


class PlacedRowFormMixin:
    """For the form of one such row: its `place` field, filled with the row's position."""

    fields: dict[str, Any]
    initial: dict[str, Any]
    instance: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"] = place_field()
        if self.instance.pk:
            self.initial.setdefault("place", self.instance.position)

    def validate_unique(self) -> None:
        # The places are given afresh as one order, and a field no two rows may share is
        # checked across the rows as they will be (PlacedRowsMixin.clean).
        pass


class PlacedRowsMixin:
    """For a formset whose forms have a `place` field and whose rows have a `position`."""

    forms: list[Any]
    # A field no two kept rows may share (compared without case), and what to say of it.
    unique_field = ""
    unique_message = ""

    def clean(self) -> None:
        super().clean()  # type: ignore[misc]
        if not self.unique_field:
            return
        seen: set[str] = set()
        for form in self.kept_forms():
            value = (form.cleaned_data.get(self.unique_field) or "").strip().casefold()
            if value and value in seen:
                form.add_error(self.unique_field, self.unique_message)
            seen.add(value)

    def kept_forms(self) -> list[Any]:
        """The forms of the rows kept: not removed, and not the empty row left empty."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk is not None or form.has_changed())
        ]

    def ordered(self) -> list[models.Model]:
        """The rows kept (saved with commit=False), in their new order."""
        keyed = []
        kept = {id(form) for form in self.kept_forms()}
        for index, form in enumerate(self.forms):
            if id(form) not in kept:
                continue
            row = form.save(commit=False)
            place = form.cleaned_data.get("place")
            if place is None:
                place = row.position if row.pk else LAST + index
            stays = 1 if row.pk and place == row.position else 0
            keyed.append((place, stays, index, row))
        return [each[-1] for each in sorted(keyed, key=lambda each: each[:3])]

    def changed(self) -> list[models.Model]:
        """The stored rows kept whose forms changed (to be saved even where they stay put)."""
        return [form.instance for form in self.kept_forms() if form.has_changed()]

    def removed(self) -> list[models.Model]:
        return [
            form.instance
            for form in self.forms
            if form.instance.pk and getattr(form, "cleaned_data", {}).get("DELETE")
        ]


def save_in_places(
    ordered: list[Any],
    *,
    by: Any,
    removed: Iterable[Any] = (),
    changed: Container[Any] = (),
    highest: int = 0,
) -> None:
    """Delete the `removed` rows, then put the `ordered` ones at places 1, 2, 3... Only the
    rows written anew (new ones, those that move, and those in `changed`, edited in memory)
    are saved, each with `by` as its history user. `highest` is the highest place a stored row
    not among these holds, if any."""
    removed = list(removed)
    for row in removed:
        row._history_user = by
        row.delete()
    top = max([highest, *(row.position or 0 for row in [*ordered, *removed])])
    moving = [
        (place, row)
        for place, row in enumerate(ordered, start=1)
        if row.pk is None or row.position != place or row in changed
    ]
    for offset, (place, row) in enumerate(moving, start=1):
        if row.pk is not None and row.position != place:
            row.position = top + len(ordered) + offset
            row._history_user = by
            row.save(update_fields=["position"])
    for place, row in moving:
        row.position = place
        row._history_user = by
        row.save()
