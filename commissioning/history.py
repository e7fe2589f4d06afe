"""History pages for any audited record: each version, who made it and when, and what changed.

A record's history is read from django-simple-history. A page follows one record and the rows
that belong to it (a decision's sections, a contract's commissioners), merged into one list,
newest first. Each version is compared with the one before it of the same row, through
`diff_against`; foreign keys and many-to-many links are named, not shown as numbers, and the
names are fetched once per page rather than once per change.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db import connection, models
from django.utils import timezone
from django.utils.formats import date_format
from django.views.generic import TemplateView
from simple_history.utils import get_m2m_reverse_field_name

from commissioning.money import pounds
from commissioning.pagination import page_context
from commissioning.permissions import StaffRequiredMixin
from commissioning.speed import precompiled

# Bookkeeping columns, and derived text that would only repeat what the record says.
NOT_SHOWN = {"id", "created_at", "updated_at", "search_document"}

CHANGE_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Track:
    """The history rows of one kind of row, and how to name a row of it on the page."""

    history: models.QuerySet[Any, Any]
    subject: Callable[[Any], str]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Version:
    record: Any  # a history row of django-simple-history's
    subject: str
    kind: str
    when: datetime.datetime
    who: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def history_id(self) -> int:
        history_id: int = self.record.history_id
        return history_id


def latest_ids(tracks: Iterable[Track]) -> list[int]:
    """The newest history row of each track (0 for none): a version of the whole record.

    One query for all the tracks (a decision has six), each track's newest row found through
    its own filter, as `track.history.aggregate(Max("history_id"))` would find it. Every edit
    form reads this when it is drawn and again, under the row lock, when it is saved.
    """
    tracks = list(tracks)
    if not tracks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*latest_ids_sql(tracks))
        row = cursor.fetchone()
    return [value or 0 for value in row]


def latest_ids_sql(tracks: list[Track]) -> tuple[str, list[Any]]:
    """The one query of `latest_ids`, and its parameters."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    params: list[Any] = []
    for track in tracks:
        rows = track.history.order_by().values_list("history_id")
        sql, row_params = rows.query.sql_with_params()
        # The SQL is Django's own, compiled from the track's QuerySet, with its values as
        # parameters: no input is in the text (ruff S608).
        columns.append(f"(SELECT MAX(t.{quote('history_id')}) FROM ({sql}) t)")  # noqa: S608
        params.extend(row_params)
    return "SELECT " + ", ".join(columns), params


def latest_ids_of(name: str, tracks_of: Callable[[Any], list[Track]], key: Any) -> list[int]:
    """`latest_ids(tracks_of(key))`, with its SQL compiled once per process.

    `tracks_of(key)` must build the same tracks for every key, the key being the only value
    that changes (a decision's six tracks, say, each filtered by the decision's key). Django
    built that SQL on every edit form drawn and again on every save, and building it took
    longer than running it; compiled once (and on PostgreSQL prepared), only the run is left.
    """
    sql, params = precompiled.bound_sql(
        name,
        lambda placeholder: latest_ids_sql(tracks_of(placeholder)),
        precompiled.KEY_PLACEHOLDER,
        key,
    )
    return [value or 0 for value in precompiled.run_sql(name, sql, params)]


def versions(tracks: Iterable[Track], *, after: list[int] | None = None) -> list[Version]:
    """Every version in these tracks, newest first, each with its changes.

    With `after` (one history id per track), only versions newer than those are returned:
    what changed since a form was opened.
    """
    found: list[Version] = []
    for position, track in enumerate(tracks):
        newer_than = after[position] if after else 0
        found.extend(_track_versions(track, newer_than))
    found.sort(key=lambda version: (version.when, version.history_id), reverse=True)
    return found


def _track_versions(track: Track, newer_than: int) -> list[Version]:
    history = track.history.model
    records = list(
        track.history.select_related("history_user").order_by("history_date", "history_id")
    )
    if not records:
        return []
    instance_model = history.instance_type
    m2m_fields = list(getattr(history, "_history_m2m_fields", []))
    plain_fields = [
        each.name
        for each in history.tracked_fields
        if each.name not in NOT_SHOWN and each.name not in {f.name for f in m2m_fields}
    ]
    editable_fields = [
        name for name in plain_fields if instance_model._meta.get_field(name).editable
    ]
    derived_fields = [name for name in plain_fields if name not in editable_fields]
    m2m_rows = _m2m_rows(history, m2m_fields, records)
    pk_name = instance_model._meta.pk.attname

    pairs = []
    previous_of: dict[Any, Any] = {}
    for record in records:
        key = getattr(record, pk_name)
        pairs.append((record, previous_of.get(key)))
        previous_of[key] = record

    raw = []
    for record, previous in pairs:
        if record.history_id <= newer_than:
            continue
        changes = []
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, included_fields=editable_fields)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
            # diff_against compares editable fields only; derived ones (a decision's
            # confidentiality, an appendix's checksum) are compared here.
            for name in derived_fields:
                attname = instance_model._meta.get_field(name).attname
                old, new = getattr(previous, attname), getattr(record, attname)
                if old != new:
                    changes.append((name, old, new))
        elif record.history_type == "+":
            changes = [
                (name, None, getattr(record, instance_model._meta.get_field(name).attname))
                for name in plain_fields
                if not _is_empty(getattr(record, instance_model._meta.get_field(name).attname))
            ]
        for m2m_field in m2m_fields:
            old = m2m_rows[m2m_field.name].get(previous.history_id, set()) if previous else set()
            new = m2m_rows[m2m_field.name].get(record.history_id, set())
            if old != new and record.history_type != "-":
                changes.append((m2m_field.name, old, new))
        raw.append((record, changes))

    names = _related_names(instance_model, raw)
    result = []
    for record, changes in raw:
        result.append(
            Version(
                record=record,
                subject=track.subject(record),
                kind=CHANGE_KINDS.get(record.history_type, "Changed"),
                when=record.history_date,
                who=_who(record),
                reason=record.history_change_reason or "",
                changes=[
                    _describe(instance_model, name, old, new, names) for name, old, new in changes
                ],
            )
        )
    return result


def _m2m_rows(
    history: Any, m2m_fields: list[Any], records: list[Any]
) -> dict[str, dict[int, set[Any]]]:
    """For each many-to-many field, the related ids each history row held: one query each."""
    rows: dict[str, dict[int, set[Any]]] = {}
    ids = [record.history_id for record in records]
    for m2m_field in m2m_fields:
        through = getattr(history, m2m_field.name).model
        target = through._meta.get_field(get_m2m_reverse_field_name(m2m_field)).attname
        held: dict[int, set[Any]] = defaultdict(set)
        for history_id, related_id in through.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            held[history_id].add(related_id)
        rows[m2m_field.name] = held
    return rows


Names = dict[tuple[Any, object], str]


def _related_names(model: type[models.Model], raw: list[tuple[Any, list[Any]]]) -> Names:
    """Names of the rows that foreign keys and links point at, fetched per related model."""
    wanted: dict[Any, set[Any]] = defaultdict(set)
    for _record, changes in raw:
        for name, old, new in changes:
            model_field = model._meta.get_field(name)
            if not model_field.is_relation:
                continue
            related = model_field.related_model
            for value in (old, new):
                if isinstance(value, set):
                    wanted[related].update(value)
                elif value is not None:
                    wanted[related].add(value)
    names: Names = {}
    for related, pks in wanted.items():
        for obj in related._default_manager.filter(pk__in=pks):
            names[(related, obj.pk)] = _name_of(obj)
    return names


def _name_of(obj: Any) -> str:
    if hasattr(obj, "get_full_name"):
        return str(obj.get_full_name() or obj.get_username())
    return str(obj)


def _who(record: Any) -> str:
    user = record.history_user
    if user is None:
        return "Not recorded"
    return str(user.get_full_name() or user.get_username())


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value is False


def _describe(
    model: type[models.Model], name: str, old: Any, new: Any, names: Names
) -> FieldChange:
    model_field: Any = model._meta.get_field(name)
    label = str(model_field.verbose_name)
    label = label[:1].upper() + label[1:]
    if model_field.many_to_many:
        related = model_field.related_model
        added = sorted(names.get((related, pk), f"Deleted record {pk}") for pk in new - old)
        removed = sorted(names.get((related, pk), f"Deleted record {pk}") for pk in old - new)
        return FieldChange(
            label=label,
            old="; ".join(f"removed {each}" for each in removed),
            new="; ".join(f"added {each}" for each in added),
        )
    return FieldChange(
        label=label,
        old=display_value(model_field, old, names),
        new=display_value(model_field, new, names),
    )


def display_value(model_field: Any, value: Any, names: Names | None = None) -> str:
    """A stored value as a person would write it."""
    if value is None or value == "":
        return "Not set"
    if model_field.is_relation:
        related = model_field.related_model
        return str((names or {}).get((related, value), f"Deleted record {value}"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, Decimal):
        if "£" in str(model_field.verbose_name):
            return pounds(value)
        if "%" in str(model_field.verbose_name):
            return f"{value.normalize():f}%"
        return f"{value:,}"
    return str(value)


class RecordHistoryView(StaffRequiredMixin, TemplateView):
    """The History page of one record. Subclasses say which record and which of its rows."""

    template_name = "workspace/history.html"
    paginate_by = 50

    def get_object(self) -> Any:
        raise NotImplementedError

    def tracks(self, obj: Any) -> list[Track]:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # StaffRequiredMixin (commissioning.permissions) is not annotated yet.
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[no-untyped-call]
        obj = self.get_object()
        page = Paginator(versions(self.tracks(obj)), self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        context.update(
            {
                "object": obj,
                **page_context(page),
                "versions": page.object_list,
                "back_url": self.back_url(obj),
                "record_name": str(obj),
            }
        )
        return context

    def back_url(self, obj: Any) -> str:
        return str(obj.get_absolute_url())
