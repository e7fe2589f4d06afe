"""Two people acting on the same decision at the same moment: exactly one step is recorded.

Real concurrent connections on PostgreSQL, where the step's SELECT ... FOR UPDATE makes the
second wait for the first and then see what it did. SQLite has no row locks (it serialises
whole-database writes instead), so these tests need PostgreSQL.
"""

import threading

import pytest
from django.db import connection, connections

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import WorkflowError
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 20
Status = DecisionStatus


@pytest.fixture(autouse=True)
def row_locks(role_groups):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite has no row locks, so concurrent steps cannot be tested "
            "on it. Run with DATABASE_URL=postgres://..."
        )


def at_once(*attempts) -> list:
    """Run the attempts in threads, each on its own database connection, released together
    by a barrier. Returns what each did: "done", or the exception it raised."""
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def run(index: int, attempt) -> None:
        try:
            barrier.wait(timeout=10)
            attempt()
            results[index] = "done"
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, attempt))
        for index, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a step never finished"
    return results


def fresh(decision: Decision):
    """A step taken on the thread's own copy of the decision, as two browsers would."""

    def on_own_copy(method: str, **arguments):
        return lambda: getattr(Decision.objects.get(pk=decision.pk), method)(**arguments)

    return on_own_copy


def test_two_treasurers_signing_off_at_once_record_one_sign_off(make_draft, officer):
    first, second = UserFactory(roles=[Role.TREASURER]), UserFactory(roles=[Role.TREASURER])
    for _trial in range(TRIALS):
        decision = make_draft()
        decision.submit(by=officer)
        step = fresh(decision)

        results = at_once(
            step("sign_off", by=first, comments="Affordable."),
            step("sign_off", by=second, comments="Also affordable."),
        )

        assert sorted(map(type, results), key=str) == sorted([str, WorkflowError], key=str)
        (refusal,) = [result for result in results if isinstance(result, WorkflowError)]
        assert "cannot be signed off now" in refusal.message
        assert "signed it off as the Treasurer" in refusal.message
        decision.refresh_from_db()
        assert decision.status == Status.SIGNED_OFF
        assert decision.signatures.count() == 1
        assert decision.comments.count() == 1
        events = decision.workflow_events.filter(step=WorkflowStep.SIGN_OFF)
        assert sorted(events.values_list("outcome", flat=True)) == [
            WorkflowOutcome.ALLOWED,
            WorkflowOutcome.REFUSED,
        ]
        winner = events.get(outcome=WorkflowOutcome.ALLOWED).actor
        assert decision.signatures.get().user == winner
        assert decision.comments.get().user == winner


def test_submitting_twice_at_once_records_one_submission(make_draft, officer):
    colleague = UserFactory(roles=[Role.OFFICER])
    for _trial in range(TRIALS):
        decision = make_draft()
        step = fresh(decision)

        results = at_once(step("submit", by=officer), step("submit", by=colleague))

        assert results.count("done") == 1
        (refusal,) = [result for result in results if isinstance(result, WorkflowError)]
        assert "cannot be submitted for sign-off now" in refusal.message
        assert decision.workflow_events.filter(outcome=WorkflowOutcome.ALLOWED).count() == 1


def test_signing_off_while_the_author_takes_it_back_happens_in_one_order_or_the_other(
    make_draft, officer, treasurer
):
    """Either the return comes first and the sign-off is refused, or the sign-off comes
    first and the return then voids it: never a half of each."""
    for _trial in range(TRIALS):
        decision = make_draft()
        decision.submit(by=officer)
        step = fresh(decision)

        results = at_once(
            step("sign_off", by=treasurer, comments="Affordable."),
            step("return_to_draft", by=officer, comments="I need to add the annual cost."),
        )

        decision.refresh_from_db()
        assert decision.status == Status.DRAFT
        assert not decision.signatures.filter(voided_at__isnull=True).exists()
        steps = list(
            decision.workflow_events.filter(outcome=WorkflowOutcome.ALLOWED).values_list(
                "step", flat=True
            )
        )
        if results[0] == "done":
            assert results[1] == "done"
            assert steps == ["submit", "sign_off", "return_to_draft"]
            assert (
                decision.signatures.get().void_reason == "Returned to draft by Precious Williamson."
            )
        else:
            assert isinstance(results[0], WorkflowError)
            assert "returned it to draft" in results[0].message
            assert steps == ["submit", "return_to_draft"]
            assert not decision.signatures.exists()
            assert not decision.comments.exists()


def test_the_pcc_and_a_delegate_deciding_at_once_record_one_decision(
    make_draft, advance, pcc, delegate
):
    for _trial in range(TRIALS):
        decision = advance(make_draft(), Status.COMMENTED)
        step = fresh(decision)

        results = at_once(
            step("approve", by=pcc, comments=""),
            step("decline", by=delegate, comments="Not value for money."),
        )

        assert results.count("done") == 1
        (refusal,) = [result for result in results if isinstance(result, WorkflowError)]
        assert "now" in refusal.message
        decision.refresh_from_db()
        assert decision.status in (Status.APPROVED, Status.NOT_APPROVED)
        assert decision.signatures.filter(step__in=["approve", "decline"]).count() == 1
        expected_maker = (
            Decision.Maker.PCC if decision.status == Status.APPROVED else Decision.Maker.DELEGATE
        )
        assert decision.decision_maker == expected_maker
