"""Every step, tried by every role: who may take it, and what it records."""

import datetime

import pytest

from decisions.models import (
    CommentRole,
    Decision,
    DecisionStatus,
    Signature,
    StatutoryComment,
    WorkflowEvent,
    WorkflowOutcome,
    WorkflowStep,
)
from decisions.workflow import WorkflowError
from tests.factories import UserFactory

ROLES = [
    "author",
    "other_officer",
    "treasurer",
    "monitoring_officer",
    "chief_officer",
    "pcc",
    "delegate",
    "administrator",
    "no_role",
]

Status = DecisionStatus

# step: (the status it is tried at, the status it leads to, the roles that may take it).
STEPS = {
    WorkflowStep.SUBMIT: (
        Status.DRAFT,
        Status.SUBMITTED,
        {"author", "other_officer", "administrator"},
    ),
    WorkflowStep.SIGN_OFF: (Status.SUBMITTED, Status.SIGNED_OFF, {"treasurer", "delegate"}),
    WorkflowStep.COMMENT: (Status.SIGNED_OFF, Status.COMMENTED, {"monitoring_officer"}),
    WorkflowStep.APPROVE_FORCE_BUSINESS: (
        Status.COMMENTED,
        Status.CHIEF_APPROVED,
        {"chief_officer"},
    ),
    WorkflowStep.APPROVE: (Status.CHIEF_APPROVED, Status.APPROVED, {"pcc", "delegate"}),
    WorkflowStep.DECLINE: (Status.CHIEF_APPROVED, Status.NOT_APPROVED, {"pcc", "delegate"}),
    WorkflowStep.RETURN_TO_DRAFT: (
        Status.SUBMITTED,
        Status.DRAFT,
        {"author", "treasurer", "monitoring_officer", "chief_officer", "pcc", "delegate"},
    ),
    WorkflowStep.PUBLISH: (
        Status.APPROVED,
        Status.PUBLISHED,
        {"author", "other_officer", "administrator"},
    ),
    WorkflowStep.WITHDRAW: (
        Status.PUBLISHED,
        Status.WITHDRAWN,
        {"author", "other_officer", "administrator"},
    ),
}


@pytest.fixture
def people(officer, treasurer, monitoring_officer, chief_officer, pcc, administrator, delegate):
    from commissioning.roles import Role

    return {
        "author": officer,
        "other_officer": UserFactory(username="other-officer", roles=[Role.OFFICER]),
        "treasurer": treasurer,
        "monitoring_officer": monitoring_officer,
        "chief_officer": chief_officer,
        "pcc": pcc,
        "delegate": delegate,
        "administrator": administrator,
        "no_role": UserFactory(username="nobody"),
    }


def take(decision: Decision, step: str, user) -> None:
    if step == WorkflowStep.PUBLISH:
        decision.publish(by=user)
    elif step == WorkflowStep.WITHDRAW:
        decision.withdraw(by=user, reason="The record was published in error.")
    else:
        getattr(decision, step)(by=user, comments="Checked against the budget and the law.")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_role_may_take_only_its_own_steps(step, role, people, make_draft, advance):
    at, leads_to, allowed = STEPS[step]
    decision = advance(make_draft(is_force_business=True), at)
    user = people[role]

    if role in allowed:
        take(decision, step, user)
        assert decision.status == leads_to
        event = decision.workflow_events.order_by("pk").last()
        assert (event.step, event.outcome, event.actor) == (step, WorkflowOutcome.ALLOWED, user)
        assert (event.from_status, event.to_status) == (at, leads_to)
    else:
        with pytest.raises(WorkflowError):
            take(decision, step, user)
        decision.refresh_from_db()
        assert decision.status == at
        event = decision.workflow_events.order_by("pk").last()
        assert (event.step, event.outcome, event.actor) == (step, WorkflowOutcome.REFUSED, user)
        assert event.refusal


# Each step, by someone entitled to it, at every status where it does not apply.
ACTORS = {
    WorkflowStep.SUBMIT: "author",
    WorkflowStep.SIGN_OFF: "treasurer",
    WorkflowStep.COMMENT: "monitoring_officer",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "chief_officer",
    WorkflowStep.APPROVE: "pcc",
    WorkflowStep.DECLINE: "pcc",
    WorkflowStep.RETURN_TO_DRAFT: "chief_officer",
    WorkflowStep.PUBLISH: "author",
    WorkflowStep.WITHDRAW: "author",
}
ALL_STATUSES = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.SIGNED_OFF,
    Status.COMMENTED,
    Status.CHIEF_APPROVED,
    Status.APPROVED,
    Status.NOT_APPROVED,
    Status.PUBLISHED,
    Status.WITHDRAWN,
    Status.SUPERSEDED,
]
OPEN_AT = {
    WorkflowStep.RETURN_TO_DRAFT: set(Decision.IN_FLIGHT),
    WorkflowStep.PUBLISH: {Status.APPROVED, Status.WITHDRAWN},
}


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (step, status)
        for step in STEPS
        for status in ALL_STATUSES
        if status not in OPEN_AT.get(step, {STEPS[step][0]})
    ],
)
def test_a_step_is_refused_at_a_stage_where_it_does_not_apply(
    step, status, people, make_draft, advance
):
    decision = advance(make_draft(is_force_business=True), status)

    with pytest.raises(WorkflowError, match="cannot be .* now"):
        take(decision, step, people[ACTORS[step]])

    decision.refresh_from_db()
    assert decision.status == status
    assert decision.workflow_events.last().outcome == WorkflowOutcome.REFUSED


def test_the_full_path_records_comments_signatures_and_dates(
    make_draft, officer, treasurer, monitoring_officer, chief_officer, pcc
):
    decision = make_draft(is_force_business=True)

    decision.submit(by=officer)
    decision.sign_off(by=treasurer, comments="The extension is met from the budget.")
    decision.comment(by=monitoring_officer, comments="Legal advice has been taken.")
    decision.approve_force_business(by=chief_officer, comments="Operationally sound.")
    decision.approve(by=pcc)

    today = datetime.date.today()
    assert decision.status == Status.APPROVED
    assert decision.decided_on == decision.signed_on == decision.chief_officer_approved_on
    assert abs((decision.decided_on - today).days) <= 1  # Europe/London vs the test host
    assert decision.decision_maker == Decision.Maker.PCC
    assert decision.decision_maker_name == "Philip Seccombe"
    comments = {
        c.role: (c.text, c.user) for c in StatutoryComment.objects.filter(decision=decision)
    }
    assert comments == {
        CommentRole.TREASURER: ("The extension is met from the budget.", treasurer),
        CommentRole.MONITORING_OFFICER: ("Legal advice has been taken.", monitoring_officer),
        CommentRole.CHIEF_OFFICER: ("Operationally sound.", chief_officer),
    }
    signatures = list(decision.signatures.order_by("pk"))
    assert [(s.step, s.user, s.capacity) for s in signatures] == [
        (WorkflowStep.SIGN_OFF, treasurer, "Treasurer"),
        (WorkflowStep.COMMENT, monitoring_officer, "Chief Executive and Monitoring Officer"),
        (WorkflowStep.APPROVE_FORCE_BUSINESS, chief_officer, "Chief Officer"),
        (WorkflowStep.APPROVE, pcc, "Police and Crime Commissioner"),
    ]
    assert [e.step for e in decision.workflow_events.all()] == [
        WorkflowStep.SUBMIT,
        WorkflowStep.SIGN_OFF,
        WorkflowStep.COMMENT,
        WorkflowStep.APPROVE_FORCE_BUSINESS,
        WorkflowStep.APPROVE,
    ]


def test_each_step_writes_history_with_the_actor(draft, officer, treasurer):
    draft.submit(by=officer)
    draft.sign_off(by=treasurer, comments="Affordable.")

    latest = draft.history.order_by("-history_id").first()
    assert latest.status == Status.SIGNED_OFF
    assert latest.history_user == treasurer
    assert Signature.history.get(decision_id=draft.pk).history_user == treasurer


def test_a_date_of_decision_already_entered_is_kept(make_draft, advance, pcc):
    decision = advance(make_draft(decided_on=datetime.date(2022, 6, 15)), Status.COMMENTED)

    decision.approve(by=pcc)

    assert decision.decided_on == datetime.date(2022, 6, 15)
    assert decision.signed_on >= decision.decided_on


@pytest.mark.parametrize(
    ("step", "status", "message"),
    [
        (WorkflowStep.SIGN_OFF, Status.SUBMITTED, "Enter your comments as the Treasurer"),
        (WorkflowStep.COMMENT, Status.SIGNED_OFF, "Enter your comments as the Chief Executive"),
        (WorkflowStep.DECLINE, Status.COMMENTED, "Say why the decision is not approved"),
        (WorkflowStep.RETURN_TO_DRAFT, Status.SUBMITTED, "Say what needs to change"),
    ],
)
def test_steps_that_record_comments_need_them(step, status, message, people, draft, advance):
    advance(draft, status)
    actor = {
        WorkflowStep.SIGN_OFF: "treasurer",
        WorkflowStep.COMMENT: "monitoring_officer",
        WorkflowStep.DECLINE: "pcc",
        WorkflowStep.RETURN_TO_DRAFT: "treasurer",
    }[step]

    with pytest.raises(WorkflowError, match=message):
        getattr(draft, step)(by=people[actor], comments="   ")

    assert draft.status == status


def test_withdrawing_needs_a_reason(draft, advance, officer):
    advance(draft, Status.PUBLISHED)

    with pytest.raises(WorkflowError, match="Say why"):
        draft.withdraw(by=officer, reason="")


def test_submitting_needs_the_mandatory_sections(draft, officer):
    section = draft.sections.get(heading="Costs (including any identified savings)")
    section.text = ""
    section.save()

    with pytest.raises(WorkflowError, match="Complete these sections.*Costs"):
        draft.submit(by=officer)

    assert draft.status == Status.DRAFT


def test_returning_to_draft_voids_the_signatures(draft, advance, pcc):
    advance(draft, Status.COMMENTED)

    draft.return_to_draft(by=pcc, comments="Please add the annual cost.")

    assert draft.status == Status.DRAFT
    assert not draft.signatures.filter(voided_at__isnull=True).exists()
    assert set(draft.signatures.values_list("void_reason", flat=True)) == {
        "Returned to draft by Philip Seccombe."
    }


def test_after_returning_to_draft_the_same_people_can_sign_again(
    draft, advance, officer, treasurer
):
    advance(draft, Status.SIGNED_OFF)
    draft.return_to_draft(by=treasurer, comments="Add the annual cost.")

    draft.submit(by=officer)
    draft.sign_off(by=treasurer, comments="Now affordable and costed.")

    assert draft.status == Status.SIGNED_OFF
    assert draft.comments.get(role=CommentRole.TREASURER).text == "Now affordable and costed."
    assert draft.signatures.filter(voided_at__isnull=True).count() == 1


def test_supersede_links_the_later_decision(make_draft, advance, officer):
    earlier = advance(make_draft(), Status.PUBLISHED)
    later = advance(make_draft(), Status.APPROVED)

    earlier.supersede(by=officer, by_decision=later)

    assert earlier.status == Status.SUPERSEDED
    assert later.links_out.get().to_decision == earlier


def test_only_an_approved_decision_can_supersede(make_draft, advance, officer):
    earlier = advance(make_draft(), Status.PUBLISHED)
    later = make_draft()

    with pytest.raises(WorkflowError, match="has not been approved"):
        earlier.supersede(by=officer, by_decision=later)
    with pytest.raises(WorkflowError, match="cannot supersede itself"):
        earlier.supersede(by=officer, by_decision=earlier)

    assert earlier.status == Status.PUBLISHED


def test_publish_indexes_the_public_text_only(draft, advance, officer):
    section = draft.sections.get(heading="Costs (including any identified savings)")
    section.text = "The price is £1,234,567."
    section.is_withheld = True
    section.exemption = "s43_2"
    section.public_interest_statement = "It would harm the providers' commercial interests."
    section.save()
    advance(draft, Status.APPROVED)

    draft.publish(by=officer, on=datetime.date(2022, 6, 29))

    assert draft.published_on == datetime.date(2022, 6, 29)
    assert "1,234,567" not in draft.search_document
    assert "drugs and alcohol" in draft.search_document


def test_refusals_and_steps_are_in_the_audit_trail(draft, officer, treasurer):
    with pytest.raises(WorkflowError):
        draft.sign_off(by=treasurer, comments="Too early.")
    draft.submit(by=officer)

    events = list(WorkflowEvent.objects.filter(decision=draft).order_by("pk"))
    assert [(e.step, e.outcome, e.actor) for e in events] == [
        (WorkflowStep.SIGN_OFF, WorkflowOutcome.REFUSED, treasurer),
        (WorkflowStep.SUBMIT, WorkflowOutcome.ALLOWED, officer),
    ]
    assert events[0].comments == "Too early."
    assert events[0].from_status == Status.DRAFT and events[0].to_status == ""
    assert "cannot be signed off now: it is a draft" in events[0].refusal
