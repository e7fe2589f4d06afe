"""Separation of duties, delegations, and the steps a form leaves out."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from commissioning.roles import Role
from decisions.models import Decision, DecisionMoney, DecisionStatus, WorkflowStep
from decisions.workflow import WorkflowError, today
from tests.factories import (
    AwardFactory,
    ContractFactory,
    DecisionCategoryFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    UserFactory,
)

from .conftest import SECTIONS

Status = DecisionStatus


def test_the_author_cannot_sign_off_their_own_decision_as_treasurer(make_draft, treasurer):
    decision = make_draft(author=treasurer)
    decision.submit(by=treasurer)

    with pytest.raises(WorkflowError, match="You wrote this decision"):
        decision.sign_off(by=treasurer, comments="Affordable.")

    assert decision.status == Status.SUBMITTED


def test_the_author_cannot_decide_their_own_decision(make_draft, advance, pcc):
    decision = advance(make_draft(author=pcc), Status.COMMENTED)

    for step in (decision.approve, decision.decline):
        with pytest.raises(WorkflowError, match="You wrote this decision, so you cannot decide"):
            step(by=pcc, comments="Fine.")

    assert decision.status == Status.COMMENTED


def test_one_person_cannot_give_two_sign_offs(draft, advance, treasurer):
    treasurer.groups.add(Group.objects.get(name=Role.MONITORING_OFFICER.value))
    advance(draft, Status.SIGNED_OFF)

    with pytest.raises(WorkflowError, match="already signed this decision as Treasurer"):
        draft.comment(by=treasurer, comments="Lawful.")

    assert draft.status == Status.SIGNED_OFF


def test_a_delegate_who_signed_off_cannot_also_decide(draft, delegate, officer):
    draft.submit(by=officer)
    draft.sign_off(by=delegate, comments="Affordable.")
    monitoring = UserFactory(roles=[Role.MONITORING_OFFICER])
    draft.comment(by=monitoring, comments="Lawful.")

    with pytest.raises(WorkflowError, match="One person cannot give two sign-offs"):
        draft.approve(by=delegate)


def test_a_delegate_decides_within_scope_and_is_recorded_as_such(draft, advance, delegate):
    advance(draft, Status.COMMENTED)

    draft.approve(by=delegate, comments="Within my delegation.")

    delegation = delegate.delegations.get()
    assert draft.status == Status.APPROVED
    assert draft.decision_maker == Decision.Maker.DELEGATE
    assert draft.delegation == delegation
    signature = draft.signatures.get(step=WorkflowStep.APPROVE)
    assert signature.delegation == delegation
    assert signature.capacity == "Treasurer under delegation"


@pytest.fixture
def ready(draft, advance):
    return advance(draft, Status.COMMENTED)


def change_delegation(user, **fields) -> None:
    delegation = user.delegations.get()
    for name, value in fields.items():
        setattr(delegation, name, value)
    delegation.save()


def test_a_delegation_not_yet_started_does_not_cover(ready, delegate):
    change_delegation(delegate, starts_on=datetime.date.today() + datetime.timedelta(days=7))

    with pytest.raises(WorkflowError, match="starts on"):
        ready.approve(by=delegate)


def test_a_delegation_that_has_ended_does_not_cover(ready, delegate):
    change_delegation(delegate, ends_on=datetime.date(2022, 3, 31))

    with pytest.raises(WorkflowError, match="ended on 31 March 2022"):
        ready.approve(by=delegate)


def test_a_delegation_ending_today_still_covers(ready, delegate):
    change_delegation(delegate, ends_on=today())

    ready.approve(by=delegate)

    assert ready.status == Status.APPROVED


def test_a_delegation_covers_only_its_categories(ready, delegate):
    estates = DecisionCategoryFactory(name="Estates")
    delegate.delegations.get().categories.add(estates)

    with pytest.raises(WorkflowError, match="covers Estates decisions only"):
        ready.decline(by=delegate, comments="No.")

    ready.category = estates
    ready.save()
    ready.decline(by=delegate, comments="Not value for money.")
    assert ready.status == Status.NOT_APPROVED


def test_a_delegation_covers_awards_up_to_its_value_limit(ready, delegate):
    AwardFactory(decision=ready, recipient="Compass", amount=Decimal("60000.00"))
    AwardFactory(decision=ready, recipient="Change Grow Live", amount=Decimal("40000.00"))
    assert ready.workflow_refusal(WorkflowStep.APPROVE, delegate) is None

    AwardFactory(decision=ready, recipient="Another project", amount=Decimal("0.01"))

    with pytest.raises(WorkflowError, match=r"up to £100,000.00; this one commits £100,000.01"):
        ready.approve(by=delegate)


def test_a_delegation_value_limit_counts_the_linked_contracts(ready, delegate):
    ready.contracts.add(ContractFactory(total_value=Decimal("1250000.00")))

    with pytest.raises(WorkflowError, match="commits £1,250,000.00"):
        ready.approve(by=delegate)


def test_a_delegation_value_limit_counts_the_decision_s_recorded_value(ready, delegate):
    # The figure the Treasurer signs off is what the decision commits, even with no awards.
    DecisionMoney.objects.create(decision=ready, value=Decimal("250000.00"))

    with pytest.raises(WorkflowError, match="commits £250,000.00"):
        ready.approve(by=delegate)


def test_someone_without_a_delegation_or_the_pcc_role_cannot_decide(ready, officer):
    with pytest.raises(WorkflowError, match="Only the Police and Crime Commissioner"):
        ready.approve(by=UserFactory(roles=[Role.CHIEF_OFFICER]))


def test_the_pcc_needs_no_delegation(ready, pcc):
    DelegationFactory(
        delegate=pcc, starts_on=datetime.date(2021, 1, 1), ends_on=datetime.date(2022, 1, 1)
    )

    ready.approve(by=pcc)

    assert (ready.decision_maker, ready.delegation) == (Decision.Maker.PCC, None)


# Which steps apply comes from the form.


@pytest.mark.parametrize(
    ("treasurer_needed", "monitoring_needed", "force_business", "chief_needed", "expected"),
    [
        (True, True, False, True, ["sign_off", "comment", "approve"]),
        (True, True, True, True, ["sign_off", "comment", "approve_force_business", "approve"]),
        (True, True, True, False, ["sign_off", "comment", "approve"]),
        (True, False, False, True, ["sign_off", "approve"]),
        (False, True, False, True, ["comment", "approve"]),
        (False, False, True, True, ["approve_force_business", "approve"]),
        (False, False, False, True, ["approve"]),
    ],
)
def test_the_form_decides_which_sign_offs_apply(
    make_draft,
    officer,
    treasurer,
    monitoring_officer,
    chief_officer,
    pcc,
    treasurer_needed,
    monitoring_needed,
    force_business,
    chief_needed,
    expected,
):
    form = DecisionTemplateFactory(
        requires_treasurer=treasurer_needed,
        requires_monitoring_officer=monitoring_needed,
        requires_chief_officer_for_force_business=chief_needed,
        sections=SECTIONS,
    )
    decision = make_draft(template=form, is_force_business=force_business)
    decision.submit(by=officer)
    by = {
        "sign_off": treasurer,
        "comment": monitoring_officer,
        "approve_force_business": chief_officer,
        "approve": pcc,
    }

    taken = []
    while decision.status != Status.APPROVED:
        step = decision.next_step
        taken.append(step)
        if step in ("sign_off", "comment"):
            getattr(decision, step)(by=by[step], comments="Seen and agreed.")
        else:
            getattr(decision, step)(by=by[step])

    assert taken == expected


def test_a_step_the_form_leaves_out_is_refused(make_draft, officer, treasurer):
    form = DecisionTemplateFactory(requires_monitoring_officer=False, sections=SECTIONS)
    decision = make_draft(template=form)
    decision.submit(by=officer)
    decision.sign_off(by=treasurer, comments="Affordable.")
    monitoring = UserFactory(roles=[Role.MONITORING_OFFICER])

    assert decision.waiting_for == "Waiting for the Police and Crime Commissioner to decide"
    with pytest.raises(WorkflowError, match="cannot be commented on now"):
        decision.comment(by=monitoring, comments="Lawful.")
