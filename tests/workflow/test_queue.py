"""The dashboard queue: Decision.objects.awaiting(user)."""

import datetime

from django.contrib.auth.models import AnonymousUser, Group

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus
from tests.factories import DecisionCategoryFactory, DecisionTemplateFactory, UserFactory

from .conftest import SECTIONS

Status = DecisionStatus


def queue(user) -> list[str]:
    return list(Decision.objects.awaiting(user).values_list("reference", flat=True))


def test_each_signer_sees_the_decisions_waiting_for_them(
    make_draft, advance, officer, treasurer, monitoring_officer, chief_officer, pcc
):
    waiting_treasurer = advance(make_draft(), Status.SUBMITTED)
    waiting_monitoring = advance(make_draft(), Status.SIGNED_OFF)
    waiting_chief = advance(make_draft(is_force_business=True), Status.COMMENTED)
    waiting_pcc = advance(make_draft(), Status.COMMENTED)
    make_draft()  # a draft never submitted waits for nobody but its author

    assert queue(treasurer) == [waiting_treasurer.reference]
    assert queue(monitoring_officer) == [waiting_monitoring.reference]
    assert queue(chief_officer) == [waiting_chief.reference]
    assert queue(pcc) == [waiting_pcc.reference]


def test_the_queue_follows_the_form(make_draft, officer, monitoring_officer, pcc):
    no_treasurer = DecisionTemplateFactory(requires_treasurer=False, sections=SECTIONS)
    neither = DecisionTemplateFactory(
        requires_treasurer=False, requires_monitoring_officer=False, sections=SECTIONS
    )
    to_monitoring = make_draft(template=no_treasurer)
    to_pcc = make_draft(template=neither)
    to_monitoring.submit(by=officer)
    to_pcc.submit(by=officer)

    assert queue(monitoring_officer) == [to_monitoring.reference]
    assert queue(pcc) == [to_pcc.reference]


def test_the_author_sees_returned_drafts_and_approved_decisions(
    make_draft, advance, officer, treasurer
):
    returned = advance(make_draft(), Status.SUBMITTED)
    returned.return_to_draft(by=treasurer, comments="Add the annual cost.")
    approved = advance(make_draft(), Status.APPROVED)
    make_draft()

    assert queue(officer) == [returned.reference, approved.reference]


def test_nobody_is_queued_a_decision_they_cannot_act_on(make_draft, advance, treasurer, pcc):
    own = make_draft(author=treasurer)
    own.submit(by=treasurer)
    decided_by_pcc_as_author = advance(make_draft(author=pcc), Status.COMMENTED)

    assert own.reference not in queue(treasurer)
    assert decided_by_pcc_as_author.reference not in queue(pcc)
    assert queue(AnonymousUser()) == []
    assert queue(UserFactory()) == []


def test_a_delegate_sees_decisions_in_the_scope_and_period_of_their_delegation(
    make_draft, advance, delegate
):
    commissioning = DecisionCategoryFactory(name="Commissioning")
    estates = DecisionCategoryFactory(name="Estates")
    delegation = delegate.delegations.get()
    delegation.categories.add(commissioning)
    in_scope = advance(make_draft(category=commissioning), Status.COMMENTED)
    advance(make_draft(category=estates), Status.COMMENTED)

    assert queue(delegate) == [in_scope.reference]

    delegation.ends_on = datetime.date(2022, 3, 31)
    delegation.save()
    assert queue(delegate) == []


def test_the_queue_leaves_out_decisions_the_user_already_signed(
    make_draft, advance, officer, treasurer
):
    treasurer.groups.add(Group.objects.get(name=Role.MONITORING_OFFICER.value))
    signed = advance(make_draft(), Status.SIGNED_OFF)

    assert signed.reference not in queue(treasurer)
