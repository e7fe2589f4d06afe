"""Separation of duties: no one takes a sign-off step on a decision they wrote, whichever
step it is, at the model, on the step's page and in the dashboard queue (issue 26, item 3)."""

import pytest
from django.contrib.messages import get_messages

from decisions.models import STEPS, Decision, DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import WorkflowError, content_hash

Status = DecisionStatus

# Each sign-off step: its page, the persona that takes it, and the status it is taken from
# (on a force-business decision, which needs every sign-off).
SIGN_OFF_STEPS = [
    (WorkflowStep.SIGN_OFF, "sign-off", "treasurer", Status.SUBMITTED),
    (WorkflowStep.COMMENT, "comment", "monitoring_officer", Status.SIGNED_OFF),
    (
        WorkflowStep.APPROVE_FORCE_BUSINESS,
        "approve-force-business",
        "chief_officer",
        Status.COMMENTED,
    ),
    (WorkflowStep.APPROVE, "approve", "pcc", Status.CHIEF_APPROVED),
    (WorkflowStep.DECLINE, "decline", "pcc", Status.CHIEF_APPROVED),
    (WorkflowStep.APPROVE, "approve", "delegate", Status.CHIEF_APPROVED),
    (WorkflowStep.DECLINE, "decline", "delegate", Status.CHIEF_APPROVED),
]
IDS = [f"{persona}-{page}" for _, page, persona, _ in SIGN_OFF_STEPS]


def url(decision, page: str) -> str:
    return f"/workspace/decisions/{decision.reference}/workflow/{page}/"


@pytest.fixture
def own_decision(request, make_draft, advance):
    """own_decision(persona, status): a force-business decision written by `persona`,
    taken through the real steps (by the other signers) to `status`."""

    def make(persona: str, status: str) -> Decision:
        author = request.getfixturevalue(persona)
        return advance(make_draft(author=author, is_force_business=True), status)

    return make


def test_every_step_that_signs_refuses_the_author():
    signing = [spec for spec in STEPS.values() if spec.signs]

    assert {spec.step for spec in signing} >= {
        WorkflowStep.SIGN_OFF,
        WorkflowStep.COMMENT,
        WorkflowStep.APPROVE_FORCE_BUSINESS,
        WorkflowStep.APPROVE,
        WorkflowStep.DECLINE,
    }
    for spec in signing:
        assert spec.author_refused.startswith("You wrote this decision"), spec.step


@pytest.mark.parametrize(("step", "page", "persona", "status"), SIGN_OFF_STEPS, ids=IDS)
def test_the_author_cannot_take_a_sign_off_step_on_their_own_decision(
    step, page, persona, status, request, own_decision
):
    decision = own_decision(persona, status)
    author = request.getfixturevalue(persona)

    assert decision.workflow_refusal(step, author).startswith("You wrote this decision")
    method = getattr(decision, step.value)
    with pytest.raises(WorkflowError, match="You wrote this decision"):
        method(by=author, comments="My own decision is sound.")

    decision.refresh_from_db()
    assert decision.status == status
    assert not decision.signatures.filter(user=author).exists()


@pytest.mark.parametrize(("step", "page", "persona", "status"), SIGN_OFF_STEPS, ids=IDS)
def test_the_step_page_refuses_the_author_with_a_clear_message(
    step, page, persona, status, request, own_decision, client_for
):
    decision = own_decision(persona, status)
    author = request.getfixturevalue(persona)
    client = client_for(author)

    shown = client.get(url(decision, page))
    confirmed = client.post(
        url(decision, page),
        {
            "confirm": "yes",
            "comments": "My own decision is sound.",
            "content_sha256": content_hash(decision),
        },
    )

    for response in (shown, confirmed):
        assert response.status_code == 302
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(m.startswith("You wrote this decision") for m in said), said
    decision.refresh_from_db()
    assert decision.status == status
    assert not decision.signatures.filter(user=author).exists()
    refused = decision.workflow_events.filter(actor=author, outcome=WorkflowOutcome.REFUSED)
    assert refused.filter(step=step).exists()


@pytest.mark.parametrize(("step", "page", "persona", "status"), SIGN_OFF_STEPS, ids=IDS)
def test_the_queue_does_not_offer_the_author_their_own_decision(
    step, page, persona, status, request, own_decision, make_draft, advance
):
    decision = own_decision(persona, status)
    someone_elses = advance(make_draft(is_force_business=True), status)
    author = request.getfixturevalue(persona)

    queue = set(Decision.objects.awaiting(author))

    assert someone_elses in queue  # the step is theirs to take on others' decisions
    assert decision not in queue
