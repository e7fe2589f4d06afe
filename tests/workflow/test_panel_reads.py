"""The sign-off panel reads what the decision page has already loaded, and still shows
exactly what a fresh check of every step would."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.roles import Role
from decisions.models import OFFERED, Decision, DecisionStatus, WorkflowStep
from decisions.workflow import content_hash, panel_for
from tests.factories import (
    AppendixFactory,
    AwardFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionSectionFactory,
    DelegationFactory,
    SignatureFactory,
    UserFactory,
    WorkflowEventFactory,
)

pytestmark = pytest.mark.django_db

STEPS = [*OFFERED]  # every step with a button, publishing among them


def test_the_hash_shown_from_loaded_rows_is_the_hash_a_signature_is_given():
    """Sections written out of order, appendices and awards: the page's prefetched rows give
    the same fingerprint as the fresh read that signing uses."""
    decision = DecisionFactory()
    for position in (3, 1, 2):
        DecisionSectionFactory(decision=decision, position=position, text=f"Part {position}")
    AppendixFactory(decision=decision)
    AppendixFactory(decision=decision)
    AwardFactory(decision=decision, amount=Decimal("1250.50"))
    AwardFactory(decision=decision, amount=Decimal("99.00"))

    loaded = Decision.objects.for_workspace_page().get(pk=decision.pk)

    assert content_hash(loaded, loaded=True) == content_hash(decision)
    section = decision.sections.get(position=2)
    section.text = "Changed after loading"
    section.save()
    assert content_hash(loaded, loaded=True) != content_hash(decision)


def test_a_signature_made_before_an_edit_shows_as_no_longer_matching():
    decision = DecisionFactory(status=DecisionStatus.SIGNED_OFF)
    DecisionSectionFactory(decision=decision, position=1, text="As signed")
    SignatureFactory(decision=decision, content_sha256=content_hash(decision))
    page = Decision.objects.for_workspace_page().get(pk=decision.pk)
    assert [check.matches for check in panel_for(page, UserFactory()).signatures] == [True]

    decision.sections.update(text="Edited afterwards")
    page = Decision.objects.for_workspace_page().get(pk=decision.pk)
    assert [check.matches for check in panel_for(page, UserFactory()).signatures] == [False]


def people() -> dict:
    category = DecisionCategoryFactory()
    delegate = UserFactory(username="delegate", roles=[Role.TREASURER])
    delegation = DelegationFactory(delegate=delegate)
    delegation.categories.add(category)
    return {
        "officer": UserFactory(roles=[Role.OFFICER]),
        "treasurer": UserFactory(roles=[Role.TREASURER]),
        "monitoring officer": UserFactory(roles=[Role.MONITORING_OFFICER]),
        "chief officer": UserFactory(roles=[Role.CHIEF_OFFICER]),
        "commissioner": UserFactory(roles=[Role.COMMISSIONER]),
        "delegate": delegate,
        "administrator": UserFactory(administrator=True),
        "nobody in particular": UserFactory(),
        "_category": category,
    }


@pytest.mark.parametrize("status", DecisionStatus.values)
def test_the_panel_offers_exactly_the_steps_a_fresh_check_allows(status):
    """For every status and every kind of user, the buttons are the steps that
    `workflow_refusal`, asked afresh on a decision loaded without prefetching, allows; and a
    step the panel skips as not open is refused to everyone."""
    everyone = people()
    category = everyone.pop("_category")
    author = everyone["officer"]
    decision = DecisionFactory(status=status, author=author, category=category)
    DecisionSectionFactory(decision=decision, position=1)
    treasurer = everyone["treasurer"]
    if status not in (DecisionStatus.DRAFT, DecisionStatus.SUBMITTED):
        SignatureFactory(decision=decision, user=treasurer, content_sha256=content_hash(decision))
        WorkflowEventFactory(decision=decision, actor=treasurer, at=timezone.now())

    for name, user in everyone.items():
        fresh = Decision.objects.get(pk=decision.pk)
        expected = [step for step in OFFERED if fresh.workflow_refusal(step, user) is None]
        page = Decision.objects.for_workspace_page().get(pk=decision.pk)
        offered = [action.step for action in panel_for(page, user).actions]
        assert offered == expected, name
        for step in STEPS:
            if not fresh.step_is_open(step):
                assert fresh.workflow_refusal(step, user), (name, step)


def test_a_delegate_is_offered_the_decision_and_others_are_not():
    everyone = people()
    category = everyone.pop("_category")
    decision = DecisionFactory(
        status=DecisionStatus.SIGNED_OFF,
        category=category,
        received_on=datetime.date(2022, 6, 1),
    )
    decision.template.requires_monitoring_officer = False
    decision.template.save()
    page = Decision.objects.for_workspace_page().get(pk=decision.pk)
    assert page.next_step == WorkflowStep.APPROVE

    def offered(user):
        page = Decision.objects.for_workspace_page().get(pk=decision.pk)
        return {action.step for action in panel_for(page, user).actions}

    assert {WorkflowStep.APPROVE, WorkflowStep.DECLINE} <= offered(everyone["delegate"])
    assert {WorkflowStep.APPROVE, WorkflowStep.DECLINE} <= offered(everyone["commissioner"])
    assert not {WorkflowStep.APPROVE, WorkflowStep.DECLINE} & offered(everyone["treasurer"])
