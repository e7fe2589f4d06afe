"""The audit log's head is written outside the database, and verify_audit checks against it.

The hash chain alone finds an entry changed, inserted or removed in the middle. It cannot find
entries cut from the end, or a table rewritten and chained afresh by someone with database
access: both leave a chain that is whole. The heads written outside the database find both.
"""

import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from commissioning.audit import read_anchors, record
from commissioning.models import GENESIS_HASH, AuditEntry


def run_verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=AuditEntry._meta.db_table), params)


@pytest.fixture
def anchor_file(settings, tmp_path):
    path = tmp_path / "audit-anchor.log"
    settings.AUDIT_ANCHOR_FILE = str(path)
    return path


@pytest.fixture
def three_committed(anchor_file, officer, django_capture_on_commit_callbacks):
    entries = []
    for action in ("workflow.submit", "workflow.sign_off", "workflow.approve"):
        with django_capture_on_commit_callbacks(execute=True):
            entries.append(record(action, actor=officer, object_type="test", object_id=1))
    return entries


def rechain_everything() -> None:
    """Rewrite the whole table with a changed entry and hash it afresh, as a database user
    could: every link of the new chain is correct."""
    previous = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("sequence"):
        if entry.sequence == 2:
            entry.action = "workflow.decline"
        entry.previous_hash = previous
        entry.hash = entry.compute_hash()
        tamper(
            "UPDATE {table} SET action = %s, previous_hash = %s, hash = %s WHERE sequence = %s",
            [entry.action, entry.previous_hash, entry.hash, entry.sequence],
        )
        previous = entry.hash


def test_each_committed_entry_writes_the_head_to_the_file(three_committed, anchor_file):
    assert read_anchors(anchor_file) == {entry.sequence: entry.hash for entry in three_committed}
    assert "It agrees with the 3 heads written outside it." in run_verify()


def test_each_committed_entry_writes_the_head_as_a_log_line(
    officer, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="commissioning.audit.anchor"):
        with django_capture_on_commit_callbacks(execute=True):
            entry = record("workflow.submit", actor=officer, object_type="test", object_id=1)

    assert f"audit head: count=1 hash={entry.hash}" in caplog.text


def test_log_lines_gathered_into_a_file_serve_as_the_anchor(
    officer, caplog, tmp_path, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="commissioning.audit.anchor"):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                record("workflow.submit", actor=officer, object_type="test", object_id=1)
    gathered = tmp_path / "gathered.log"
    gathered.write_text(
        "".join(f"2026-12-07 web-1 INFO {message}\n" for message in caplog.messages)
    )
    tamper("DELETE FROM {table} WHERE sequence = %s", [2])

    with pytest.raises(CommandError, match="entries have been removed from the end"):
        run_verify("--anchor", str(gathered))


def test_a_rolled_back_change_writes_no_head(anchor_file, officer):
    with pytest.raises(RuntimeError), transaction.atomic():
        record("workflow.submit", actor=officer, object_type="test", object_id=1)
        raise RuntimeError("the change is refused")

    assert not anchor_file.exists() or read_anchors(anchor_file) == {}


def test_entries_cut_from_the_end_are_found(three_committed):
    tamper("DELETE FROM {table} WHERE sequence = %s", [3])

    with pytest.raises(CommandError, match="ends at entry 2, but entry 3 was written outside"):
        run_verify()


def test_without_the_anchor_the_cut_end_is_not_found(three_committed, settings):
    """Why the anchor is there: the chain alone reads as intact after the cut."""
    tamper("DELETE FROM {table} WHERE sequence = %s", [3])
    settings.AUDIT_ANCHOR_FILE = ""

    output = run_verify()

    assert "intact: 2 entries" in output
    assert "would not be found" in output


def test_a_rewritten_chain_is_found(three_committed):
    rechain_everything()

    with pytest.raises(CommandError, match="entry 2: its hash is not the one written outside"):
        run_verify()


def test_a_rewritten_chain_passes_the_chain_alone(three_committed):
    rechain_everything()

    assert "intact: 3 entries" in run_verify("--anchor", "")


def test_an_anchor_that_cannot_be_read_is_an_error(three_committed, tmp_path):
    with pytest.raises(CommandError, match="Cannot read the audit anchor"):
        run_verify("--anchor", str(tmp_path / "missing.log"))
