"""Adding to the audit log, and checking it.

    record("workflow.sign_off", actor=user, obj=decision, details={"comments": "..."})

Entries are numbered 1, 2, 3... with no gaps; each carries the previous entry's hash. Adding
one takes a lock so that two app servers never number two entries the same (a PostgreSQL
advisory lock for the rest of the transaction; SQLite allows one writer at a time anyway).

The chain alone cannot show that entries were cut from its end, or that someone with database
access rewrote the whole table and chained it afresh. So the head of the chain (how many
entries, and the last one's hash) is also written outside the database each time an entry
commits: a log line on the `commissioning.audit.anchor` logger, and a line appended to the
file AUDIT_ANCHOR_FILE where one is set. `verify_audit --anchor FILE` checks the table against
those lines (the file, or the log lines gathered into one).
"""

import datetime
import json
import logging
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from commissioning.models import GENESIS_HASH, AuditEntry

# An arbitrary constant naming the audit log's lock among PostgreSQL advisory locks.
AUDIT_LOCK_KEY = 7_319_004_211

anchor_logger = logging.getLogger("commissioning.audit.anchor")
logger = logging.getLogger(__name__)

# One head of the chain, as written outside the database: the same words in a log line and in
# the anchor file, so that either can be given to verify_audit.
ANCHOR_LINE = re.compile(r"audit head: count=(?P<count>\d+) hash=(?P<hash>[0-9a-f]{64})")


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
        # Only once the entry is in the database for good: a rolled-back change anchors nothing.
        transaction.on_commit(partial(write_anchor, entry.sequence, entry.hash))
    return entry


def write_anchor(count: int, hash_: str) -> None:
    """Write the head of the chain outside the database: a log line, and the anchor file."""
    line = f"audit head: count={count} hash={hash_}"
    anchor_logger.info(line)
    path = settings.AUDIT_ANCHOR_FILE
    if not path:
        return
    stamp = timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds")
    try:
        # One short write in append mode: lines from several processes do not interleave.
        with open(path, "a", encoding="utf-8") as anchor:
            anchor.write(f"{stamp} {line}\n")
    except OSError as error:
        # The entry itself is committed; an anchor that cannot be written is an operator's
        # problem to see, not a reason to fail the change that was recorded.
        logger.error("Could not write the audit anchor to %s: %s", path, error)


def read_anchors(path: str | Path) -> dict[int, str]:
    """The heads written outside the database, by count, from a file of anchor or log lines."""
    anchors: dict[int, str] = {}
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            found = ANCHOR_LINE.search(line)
            if found:
                anchors[int(found["count"])] = found["hash"]
    return anchors


def _round_trip(details: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(details, cls=DjangoJSONEncoder))
    return result


@dataclass(frozen=True)
class Problem:
    sequence: int | None
    message: str


def verify(anchors: dict[int, str] | None = None) -> tuple[int, str, list[Problem]]:
    """Walk the chain: (entries checked, the last entry's hash, problems found).

    `anchors` are heads written outside the database (count: hash): the entry numbered by
    each count must still be there, with that hash."""
    anchors = anchors or {}
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
        anchored = anchors.get(entry.sequence)
        if anchored is not None and anchored != entry.hash:
            problems.append(
                Problem(
                    entry.sequence,
                    f"its hash is not the one written outside the database ({anchored}): "
                    "the log has been rewritten",
                )
            )
        expected_sequence = entry.sequence + 1
        previous_hash = entry.hash
    beyond = sorted(sequence for sequence in anchors if sequence >= expected_sequence)
    if beyond:
        problems.append(
            Problem(
                None,
                f"the log ends at entry {expected_sequence - 1}, but entry {beyond[-1]} was "
                "written outside the database: entries have been removed from the end",
            )
        )
    return count, previous_hash, problems
