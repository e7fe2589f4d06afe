"""Adding to the audit log, and checking it.

    record("workflow.sign_off", actor=user, obj=decision, details={"comments": "..."})

Entries are numbered 1, 2, 3... with no gaps; each carries the previous entry's hash. Adding
one takes a lock so that two app servers never number two entries the same (a PostgreSQL
advisory lock for the rest of the transaction; SQLite allows one writer at a time anyway).
"""

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from commissioning.models import GENESIS_HASH, AuditEntry

# An arbitrary constant naming the audit log's lock among PostgreSQL advisory locks.
AUDIT_LOCK_KEY = 7_319_004_211


def record(
    action: str,
    *,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the log, in the current transaction (so it commits with the change)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        last = AuditEntry.objects.order_by("-sequence").only("sequence", "hash").first()
        entry = AuditEntry(
            sequence=(last.sequence + 1) if last else 1,
            at=timezone.now().astimezone(datetime.UTC),
            actor=actor,
            actor_name=actor.get_username() if actor is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details or {},
            previous_hash=last.hash if last else GENESIS_HASH,
        )
        # Hash what the database will give back, so that checking later agrees.
        entry.details = _round_trip(entry.details)
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def _round_trip(details: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    return result


@dataclass(frozen=True)
class Problem:
    sequence: int | None
    message: str


def verify() -> tuple[int, str, list[Problem]]:
    """Walk the chain: (entries checked, the last entry's hash, problems found)."""
    problems: list[Problem] = []
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    count = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        count += 1
        if entry.sequence != expected_sequence:
            problems.append(
                Problem(
                    entry.sequence,
                    f"expected entry {expected_sequence} here but found {entry.sequence}: "
                    "entries are missing",
                )
            )
        if entry.previous_hash != previous_hash:
            problems.append(
                Problem(
                    entry.sequence,
                    "does not follow the entry before it (deleted, inserted or reordered)",
                )
            )
        if entry.compute_hash() != entry.hash:
            problems.append(Problem(entry.sequence, "its content has been changed"))
        expected_sequence = entry.sequence + 1
        previous_hash = entry.hash
    return count, previous_hash, problems
