"""A step checks what it changes, and only that (commissioning.constraints): a rule the step
would break is a message beside the step, and nothing is saved; rules on fields the step does
not touch are kept by the stored row, so publishing costs a pinned number of queries."""

import datetime

import pytest
from django.db import connection

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
