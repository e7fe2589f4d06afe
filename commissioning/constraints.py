"""Checking a row's constraints after a change to some of its fields, and only those.

Django checks each constraint with a query of its own inside a savepoint (three queries
apiece). A step of the sign-off changes two or three fields of a decision that carries over a
dozen constraints; the database keeps every constraint on the stored row, so the ones that
read no changed field still hold. Those that read a changed field are checked here, so that a
broken rule is a message next to the step, not an IntegrityError at the save.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, router


def field_values(instance: models.Model) -> dict[str, object]:
    """The instance's concrete field values, by field name (what `changed_fields` compares)."""
    return {
        field.name: field.value_from_object(instance) for field in instance._meta.concrete_fields
    }


def changed_fields(instance: models.Model, before: dict[str, object]) -> set[str]:
    """The names of the fields whose values differ from `before` (`field_values`)."""
    return {name for name, value in field_values(instance).items() if before.get(name) != value}


def referenced_fields(constraint: Any) -> set[str] | None:
    """The field names a constraint reads; None when it cannot be told (an expression)."""
    if isinstance(constraint, models.CheckConstraint):
        return models.Q(constraint.condition).referenced_base_fields
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        condition = constraint.condition
        extra = models.Q(condition).referenced_base_fields if condition is not None else set()
        return set(constraint.fields) | extra
    return None


def validate_constraints_touching(
    instance: models.Model, changed: set[str], exclude: set[str] | None = None
) -> None:
    """Validate the constraints of `instance` that read any of the `changed` fields (and any
    whose fields cannot be told), raising one ValidationError as `full_clean` would; a
    constraint reading an `exclude`d field is passed over, as Django passes it over."""
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict[str, Any] = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:  # type: Any
            fields = referenced_fields(constraint)
            if fields is not None and not fields & changed:
                continue
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                # As Model.validate_constraints: a unique field's clash is that field's error.
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class ChecksChangedConstraints(models.Model):
    """A model whose `validate_constraints` (run by `full_clean`, so by every ModelForm and the
    admin) checks only the constraints that read a field changed since the row was read.

    The database holds every constraint on the stored row, so one that reads no changed field
    still holds. A decision has fourteen, checked with three queries apiece: saving the editor
    ran over fifty queries, most of them checks of fields the save did not change. A new row,
    or one not read from the database, has every constraint checked, as Django does.
    """

    # The values the row was read with, by attribute name (none for a row not read).
    _stored_values: dict[str, Any] | None = None

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._stored_values = {
            name: value
            for name, value in zip(field_names, values, strict=True)
            if value is not models.DEFERRED
        }
        return instance

    def validate_constraints(self, exclude: Any = None) -> None:
        stored = self._stored_values
        if stored is None or self._state.adding:
            super().validate_constraints(exclude=exclude)
            return
        changed = {
            field.name
            for field in self._meta.concrete_fields
            # A field not read is counted as changed, and not read to find out.
            if field.attname not in stored or stored[field.attname] != getattr(self, field.attname)
        }
        validate_constraints_touching(self, changed, exclude=exclude)


def choice_valid(
    field: str, choices: type[models.Choices], name: str, *, or_blank: bool = False
) -> models.CheckConstraint:
    """The constraint that `field` holds one of `choices` (or is empty, with `or_blank`): the
    database's own copy of the field's choices, which Django checks only in forms."""
    condition = models.Q(**{f"{field}__in": choices.values})
    if or_blank:
        condition = models.Q(**{field: ""}) | condition
    return models.CheckConstraint(condition=condition, name=name)
