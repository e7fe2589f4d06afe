"""A delegation's problems are found when a decision taken under it is submitted, each naming
the field to put right, never at the delegate's own step; and a delegate signs whatever the
wording of their delegation."""

import datetime

import pytest

from decisions.models import Decision, DecisionStatus, WorkflowStep
from decisions.workflow import WorkflowError
from tests.factories import DecisionCategoryFactory

pytestmark = pytest.mark.django_db

FIELD = "Delegation the decision is taken under"


def under(decision, delegation):
    decision.decision_maker = Decision.Maker.DELEGATE
    decision.delegation = delegation
    decision.save()
    return decision


def test_a_delegate_approves_under_a_delegation_with_long_wording(draft, advance, delegate):
    # The wording was copied into the signature: a 200-character role and a 250-character
    # instrument made a 457-character capacity, refused as "at most 400 characters".
    delegation = delegate.delegations.get()
    delegation.delegate_role = "Chief Finance Officer and Deputy Chief Executive " * 4
    delegation.instrument = ("Scheme of Consent and Delegation (2021), Part 4, para 4.2. " * 5)[
        :250
    ]
    delegation.save()
    advance(draft, DecisionStatus.COMMENTED)

    draft.approve(by=delegate)

    signature = draft.signatures.get(step=WorkflowStep.APPROVE)
    assert signature.delegation == delegation
    assert signature.capacity == f"{delegation.delegate_role} under delegation"
    assert draft.status == DecisionStatus.APPROVED


def test_submitting_under_a_delegation_whose_delegate_has_no_account_names_the_field(
    draft, officer, delegate
):
    delegation = delegate.delegations.get()
    delegation.delegate = None
    delegation.save()
    under(draft, delegation)

    with pytest.raises(WorkflowError) as refused:
        draft.submit(by=officer)

    assert f"{FIELD}: Chief Finance Officer has no account in the register" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == DecisionStatus.DRAFT


def test_submitting_under_a_delegation_that_has_ended_names_the_field(draft, officer, delegate):
    delegation = delegate.delegations.get()
    delegation.ends_on = datetime.date(2022, 3, 31)
    delegation.save()
    under(draft, delegation)

    with pytest.raises(WorkflowError, match=f"{FIELD}: The delegation .* ended on 31 March 2022"):
        draft.submit(by=officer)


def test_submitting_under_a_delegation_for_another_category_names_the_field(
    draft, officer, delegate
):
    delegation = delegate.delegations.get()
    delegation.categories.set([DecisionCategoryFactory(name="Estates")])
    under(draft, delegation)

    with pytest.raises(WorkflowError, match=f"{FIELD}: .*covers Estates decisions only"):
        draft.submit(by=officer)


def test_submitting_under_a_delegation_in_order_goes_ahead(draft, officer, delegate):
    under(draft, delegate.delegations.get())

    draft.submit(by=officer)

    assert draft.status == DecisionStatus.SUBMITTED
