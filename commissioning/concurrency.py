"""Refusing a save made on a form opened before someone else changed the record.

Every edit form carries a version token: the newest history row of the record and of each
kind of row that belongs to it (a decision's sections, a contract's commissioners), when the
form was drawn. On save the token is compared with the records as they are now, inside the
same transaction as the save and after locking the record's row, so two saves cannot both
pass. A stale form saves nothing: the page shows what changed since it was opened, newest
first, with who changed it and when.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.forms.models import BaseModelForm
from django.http import HttpRequest, HttpResponse

from commissioning.history import Track, Version, latest_ids, versions

if TYPE_CHECKING:
    from django.db.transaction import Atomic
    from django.views.generic.base import ContextMixin, TemplateResponseMixin

    class _ViewBase(TemplateResponseMixin, ContextMixin): ...

else:
    _ViewBase = object

FIELD_NAME = "version"


def duplicate_found(*forms: object) -> bool:
    """After a save failed on a unique rule: whether the forms' own unique checks now find the
    clash, and so say so next to the field.

    A form checks that a name is free before it saves; an officer saving the same name at the
    same moment can take it in between, and the database then refuses the second insert.
    That is the form's ordinary "already exists" error, not a server error: the caller shows
    the form again. Any other integrity error is not explained by the forms, and is raised."""
    found = False
    for form in forms:
        if not isinstance(form, BaseModelForm):
            continue
        if form.instance._state.adding:
            # The refused insert gave the record no key; the check must not exclude it.
            form.instance.pk = None
        form.validate_unique()
        found = found or bool(form.errors)
    return found


def make_token(ids: list[int]) -> str:
    """The token of a record's version: the newest history id of each of its tracks."""
    return ".".join(str(each) for each in ids)


def parse_token(token: str, expected: int) -> list[int] | None:
    try:
        ids = [int(part) for part in (token or "").split(".")]
    except ValueError:
        return None
    if any(not 0 <= each < 2**63 for each in ids):
        return None  # no history id is negative or wider than the database's integers
    return ids if len(ids) == expected else None


def changes_since(tracks: list[Track], token: str, current: list[int]) -> list[Version] | None:
    """None when the record is as it was when the token was made (`current` being the
    tracks' newest history ids now); else what changed since.

    A missing or malformed token counts as stale, with no changes to show: the save is
    refused rather than allowed to overwrite blindly.
    """
    opened = parse_token(token, len(tracks))
    if opened is None:
        return []
    if current == opened:
        return None
    return versions(tracks, after=opened)


class StaleEditMixin(_ViewBase):
    """For a form view editing `self.object`: refuse the save when the record has moved on.

    The view defines `tracks(obj)`. The template puts `{{ version_token }}` in a hidden field
    named "version" (workspace/includes/version_field.html) and shows `stale_changes`, the
    versions made since, when a save was refused. The check and the save run in one
    transaction with the record's row locked (`select_for_update`, a no-op on SQLite, where
    the write lock serialises the transaction instead).
    """

    stale_changes: list[Version] | None = None
    # What the view it is mixed into has.
    object: Any
    request: HttpRequest

    def tracks(self, obj: Any) -> list[Track]:
        raise NotImplementedError

    def latest_ids(self, obj: Any) -> list[int]:
        """The newest history id of each of the record's tracks (a view may read them with
        SQL compiled once: `commissioning.history.latest_ids_of`)."""
        return latest_ids(self.tracks(obj))

    locked = False

    def lock(self, obj: Model, queryset: QuerySet[Any, Any] | None = None) -> Any:
        """Lock the record's row until the transaction ends; the record as it is now."""
        if queryset is None:
            queryset = type(obj)._default_manager.all()
        # `of`: only the record's own row, not the rows of what it is read with.
        of = ("self",) if connection.features.has_select_for_update_of else ()
        current = queryset.select_for_update(of=of).filter(pk=obj.pk).first()
        self.locked = True
        return current

    def version_token(self) -> str:
        return make_token(self.latest_ids(self.object))

    def check_version(self) -> bool:
        """True when the form may be saved; else remembers what changed and returns False."""
        if not self.locked:
            self.lock(self.object)
        changes = changes_since(
            self.tracks(self.object),
            self.request.POST.get(FIELD_NAME, ""),
            current=self.latest_ids(self.object),
        )
        if changes is None:
            return True
        self.stale_changes = changes
        return False

    def stale_response(self, context: dict[str, Any]) -> HttpResponse:
        """The form again, with the user's entries and what changed; status 409 Conflict.

        When every change since the form was opened is the user's own (a save from another
        tab, or an earlier send of this form that went through though its answer was lost,
        a 503 at commit for instance), the page says so rather than blaming someone else."""
        changes = self.stale_changes or []
        user_id = self.request.user.pk
        context.update(
            {
                "stale_changes": self.stale_changes,
                "stale_by_you": bool(changes)
                and all(change.record.history_user_id == user_id for change in changes),
                "version_token": self.version_token(),
            }
        )
        return self.render_to_response(context, status=409)

    def save_if_current(
        self, forms: dict[str, Any], save: Callable[[dict[str, Any]], HttpResponse | None]
    ) -> HttpResponse:
        """Answer the post of an edit form: in one transaction, refuse a stale form (see
        `stale_response`), else `save(forms)`, which saves valid forms and returns the
        response, or returns None; then the forms (`forms` as `save` left it) are shown
        again with their errors."""
        try:
            with transaction.atomic():
                if not self.check_version():
                    return self.stale_response(self.get_context_data(**forms))
                response = save(forms)
        except IntegrityError:
            if not duplicate_found(*forms.values()):
                raise
            response = None
        if response is not None:
            return response
        return self.render_to_response(self.get_context_data(**forms))

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        context.setdefault("version_token", self.version_token())
        return super().render_to_response(context, **response_kwargs)

    @staticmethod
    def atomic() -> "Atomic":
        return transaction.atomic()
