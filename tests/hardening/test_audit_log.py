"""The audit log is append-only and hash-chained; verify_audit finds any tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from commissioning.audit import record, verify
from commissioning.models import GENESIS_HASH, AuditEntry
from tests.factories import ContractFactory


def run_verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_a_refused_page_is_recorded_with_who_tried(client_for, treasurer):
    response = client_for(treasurer).get("/workspace/contracts/new/")

    assert response.status_code == 403
    entry = AuditEntry.objects.get()
    assert entry.action == "access.refused"
    assert entry.actor == treasurer
    assert entry.details == {
        "method": "GET",
        "path": "/workspace/contracts/new/",
        "reason": "This page is for the office's staff.",
    }


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


@pytest.fixture
def three_entries(officer, treasurer):
    contract = ContractFactory()
    return [
        record("workflow.submit", actor=officer, obj=contract, details={"comments": "Ready"}),
        record("workflow.sign_off", actor=treasurer, obj=contract, details={"amount": 1234.56}),
        record("withheld.read", actor=treasurer, object_type="decisions.appendix", object_id=7),
    ]


def test_entries_are_numbered_and_chained(three_entries, officer):
    first, second, third = three_entries

    assert [entry.sequence for entry in three_entries] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert first.actor == officer
    assert first.actor_name == "officer"
    assert first.object_type == "contracts.contract"
    assert third.object_id == "7"


def test_an_intact_log_verifies(three_entries):
    output = run_verify()

    assert f"intact: 3 entries, last hash {three_entries[-1].hash}" in output


@pytest.mark.django_db
def test_an_empty_log_verifies():
    assert "intact: 0 entries" in run_verify()


def test_an_edited_entry_is_found(three_entries):
    tamper("UPDATE {table} SET action = %s WHERE sequence = %s", ["workflow.approve", 2])

    with pytest.raises(CommandError, match="entry 2: its content has been changed"):
        run_verify()


def test_edited_details_are_found(three_entries):
    tamper("UPDATE {table} SET details = %s WHERE sequence = %s", ['{"comments": "Fine"}', 1])

    with pytest.raises(CommandError, match="entry 1: its content has been changed"):
        run_verify()


def test_a_deleted_entry_is_found(three_entries):
    tamper("DELETE FROM {table} WHERE sequence = %s", [2])

    with pytest.raises(CommandError) as refused:
        run_verify()

    assert "entry 3: expected entry 2 here but found 3" in str(refused.value)
    assert "entry 3: does not follow the entry before it" in str(refused.value)


def test_reordered_entries_are_found(three_entries):
    tamper("UPDATE {table} SET sequence = %s WHERE sequence = %s", [99, 1])
    tamper("UPDATE {table} SET sequence = %s WHERE sequence = %s", [1, 2])
    tamper("UPDATE {table} SET sequence = %s WHERE sequence = %s", [2, 99])

    count, _head, problems = verify()

    assert count == 3
    assert {problem.sequence for problem in problems} >= {1, 2}


def test_an_entry_removed_from_the_end_is_found_with_the_earlier_head(three_entries):
    head = three_entries[-1].hash
    tamper("DELETE FROM {table} WHERE sequence = %s", [3])

    assert "intact: 2 entries" in run_verify()  # the chain alone cannot tell
    with pytest.raises(CommandError, match="no longer in the log"):
        run_verify("--head", head)


def test_entries_cannot_be_changed_or_deleted_through_the_application(three_entries):
    entry = AuditEntry.objects.get(sequence=1)
    entry.action = "something else"

    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(sequence=1).update(action="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 3
    assert "intact: 3 entries" in run_verify()


@pytest.mark.django_db
def test_the_system_can_act_with_no_user():
    entry = record("import.contracts", details={"rows": 12})

    assert entry.actor is None
    assert entry.actor_name == ""
    assert "intact: 1 entry," in run_verify()
