"""A step checks what it changes, and only that (commissioning.constraints): a rule the step
would break is a message beside the step, and nothing is saved; rules on fields the step does
not touch are kept by the stored row, so publishing costs a pinned number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.constraints import changed_fields, field_values, referenced_fields
from decisions.models import Decision, DecisionStatus, WorkflowEvent, WorkflowOutcome
from decisions.workflow import WorkflowError

Status = DecisionStatus
RECEIVED = datetime.date(2024, 6, 10)


def test_a_date_of_decision_before_the_record_was_received_is_refused_with_its_rule(
    make_draft, advance, pcc
):
    decision = advance(make_draft(received_on=RECEIVED), Status.COMMENTED)

    with pytest.raises(WorkflowError, match="It cannot be decided before it was received."):
        decision.approve(by=pcc, decided_on=datetime.date(2024, 6, 1))

    decision.refresh_from_db()
    assert decision.status == Status.COMMENTED
    assert decision.decided_on is None
    refusal = WorkflowEvent.objects.filter(decision=decision).latest("pk")
    assert refusal.outcome == WorkflowOutcome.REFUSED
    assert "decided before it was received" in refusal.refusal


def test_the_same_date_on_or_after_receipt_is_approved(make_draft, advance, pcc):
    decision = advance(make_draft(received_on=RECEIVED), Status.COMMENTED)

    decision.approve(by=pcc, decided_on=RECEIVED)

    decision.refresh_from_db()
    assert (decision.status, decision.decided_on) == (Status.APPROVED, RECEIVED)


def test_only_the_fields_a_step_changed_are_named(make_draft):
    decision = make_draft()
    before = field_values(decision)

    decision.status = Status.SUBMITTED
    decision.summary = decision.summary  # the same value is no change

    assert changed_fields(decision, before) == {"status"}


def test_every_decision_rule_names_the_fields_it_reads():
    """A rule whose fields could not be told would be checked on every step: none is."""
    for constraint in Decision._meta.constraints:
        assert referenced_fields(constraint), constraint.name


def test_publishing_from_the_preview_takes_a_pinned_number_of_queries(
    make_draft, advance, client_for, officer, django_assert_num_queries
):
    decision = advance(make_draft(), Status.APPROVED)
    client = client_for(officer)
    client.get("/workspace/")  # the session and user are read once before

    # The public record is built once (for the required elements and the search text) and
    # only the constraints reading the status and dates are checked. PostgreSQL takes one
    # more: the lock that keeps the audit log's chain in order (commissioning.audit).
    expected = 47 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        response = client.post(f"/workspace/decisions/{decision.reference}/publish/")

    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Status.PUBLISHED
    assert decision.title in decision.search_document


def constraint_checks(queries) -> list[str]:
    """The queries Django runs to check a rule: `SELECT 1 AS "_check" WHERE ...`."""
    return [query["sql"] for query in queries if '"_check"' in query["sql"]]


def test_a_decision_read_from_the_database_checks_only_the_rules_its_changes_read(make_draft):
    """What the editor, every ModelForm and the admin run (full_clean): a rule reading no
    changed field is kept by the stored row, and is not checked again."""
    stored = make_draft(received_on=RECEIVED)
    decision = Decision.objects.get(pk=stored.pk)

    with CaptureQueriesContext(connection) as unchanged:
        decision.full_clean(validate_unique=False)
    decision.title = "A new title"
    with CaptureQueriesContext(connection) as title_only:
        decision.full_clean(validate_unique=False)

    assert constraint_checks(unchanged) == []
    assert constraint_checks(title_only) == []  # no rule reads the title


def test_a_rule_reading_a_changed_field_is_still_checked_with_its_message(make_draft):
    stored = make_draft(received_on=RECEIVED)
    decision = Decision.objects.get(pk=stored.pk)

    decision.received_on = datetime.date(2024, 6, 20)
    decision.decided_on = datetime.date(2024, 6, 12)  # before it was received

    with pytest.raises(ValidationError, match="It cannot be decided before it was received."):
        decision.full_clean(validate_unique=False)


def test_a_new_decision_has_every_rule_checked(make_draft):
    decision = Decision(
        **{
            field.name: getattr(make_draft(), field.name)
            for field in Decision._meta.concrete_fields
            if field.name not in ("id", "reference")
        }
    )

    with CaptureQueriesContext(connection) as queries:
        try:
            decision.full_clean(validate_unique=False, exclude={"reference"})
        except ValidationError:
            pass

    assert len(constraint_checks(queries)) == len(Decision._meta.constraints)
