"""The one designed exception to "one person, one signature per decision": a delegation may
let its delegate decide what they signed off in their own role (issue 26). The record then
shows both signatures."""

import pytest
from django.db import IntegrityError, transaction

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus, Signature, WorkflowStep
from decisions.publication import public_signatures
from decisions.workflow import WorkflowError, content_hash, now
from tests.factories import UserFactory

Status = DecisionStatus


@pytest.fixture
def signed_off_by_the_delegate(draft, officer, delegate):
    draft.submit(by=officer)
    draft.sign_off(by=delegate, comments="Affordable.")
    draft.comment(by=UserFactory(roles=[Role.MONITORING_OFFICER]), comments="Lawful.")
    return draft


def allow_two_capacities(delegate) -> None:
    delegation = delegate.delegations.get()
    delegation.signs_in_two_capacities = True
    delegation.save()


def test_a_delegation_allowing_it_lets_its_delegate_sign_in_two_capacities(
    signed_off_by_the_delegate, delegate
):
    decision = signed_off_by_the_delegate
    allow_two_capacities(delegate)
    assert decision in Decision.objects.awaiting(delegate)

    decision.approve(by=delegate, comments="Within my delegation.")

    delegation = delegate.delegations.get()
    assert decision.status == Status.APPROVED
    assert decision.decision_maker == Decision.Maker.DELEGATE
    assert decision.delegation == delegation
    signatures = decision.signatures.filter(user=delegate).order_by("signed_at", "pk")
    assert [(s.step, s.capacity, s.delegation) for s in signatures] == [
        (WorkflowStep.SIGN_OFF, "Treasurer", None),
        (WorkflowStep.APPROVE, delegation.signing_capacity, delegation),
    ]
    # The public record shows both.
    shown = [(s.name, s.role) for s in public_signatures(decision)]
    assert ("Chief Finance Officer", "Treasurer") in shown
    assert ("Chief Finance Officer", delegation.signing_capacity) in shown
    assert decision not in Decision.objects.awaiting(delegate)


def test_without_it_the_delegate_who_signed_off_cannot_decide(signed_off_by_the_delegate, delegate):
    decision = signed_off_by_the_delegate

    assert decision not in Decision.objects.awaiting(delegate)
    with pytest.raises(WorkflowError, match="One person cannot give two sign-offs"):
        decision.approve(by=delegate)


def test_it_does_not_stretch_beyond_what_the_delegation_covers(
    signed_off_by_the_delegate, delegate
):
    decision = signed_off_by_the_delegate
    allow_two_capacities(delegate)
    delegation = delegate.delegations.get()
    delegation.ends_on = delegation.starts_on
    delegation.save()

    assert decision not in Decision.objects.awaiting(delegate)
    with pytest.raises(WorkflowError, match="One person cannot give two sign-offs"):
        decision.approve(by=delegate)


def test_it_does_not_allow_two_signatures_in_ones_own_roles(draft, officer, delegate):
    delegate.groups.add(*UserFactory(roles=[Role.MONITORING_OFFICER]).groups.all())
    allow_two_capacities(delegate)
    draft.submit(by=officer)
    draft.sign_off(by=delegate, comments="Affordable.")

    with pytest.raises(WorkflowError, match="One person cannot give two sign-offs"):
        draft.comment(by=delegate, comments="Lawful.")
    # Nor does the database take a second signature in one's own capacity.
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            decision=draft,
            step=WorkflowStep.COMMENT,
            user=delegate,
            name="Chief Finance Officer",
            capacity="Chief Executive and Monitoring Officer",
            signed_at=now(),
            content_sha256=content_hash(draft),
        )
