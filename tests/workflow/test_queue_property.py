"""The dashboard queue and the workflow's rules agree: for every status, on any form, for
every kind of user, a decision is in the user's queue ("Waiting for you",
`Decision.objects.awaiting`) exactly when the user may take its next step.

The author's own queue is the one allowance: it holds their drafts once sent back to them,
and their decisions approved and waiting to be published (whoever publishes them), less any
they have signed. A delegation's value limit is left to the step (the queue does not add up
what a decision commits), so the delegations here have none.
"""

import datetime
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus, WorkflowOutcome, WorkflowStep
from tests.factories import (
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    SignatureFactory,
    UserFactory,
    WorkflowEventFactory,
)

PERSONAS = {
    "officer": [Role.OFFICER],
    "other officer": [Role.OFFICER],
    "treasurer": [Role.TREASURER],
    "monitoring officer": [Role.MONITORING_OFFICER],
    "treasurer and monitoring officer": [Role.TREASURER, Role.MONITORING_OFFICER],
    "chief officer": [Role.CHIEF_OFFICER],
    "commissioner": [Role.COMMISSIONER],
    "delegate": [Role.TREASURER],  # the Chief Finance Officer, holding a delegation
    "administrator": None,
    "nobody in particular": [],
}
AUTHORS = [
    "officer",
    "treasurer",
    "monitoring officer",
    "chief officer",
    "commissioner",
    "delegate",
]
# The steps a live signature can be for: each signer signs once, for a step of their own.
SIGNED_STEPS = [
    WorkflowStep.SIGN_OFF,
    WorkflowStep.COMMENT,
    WorkflowStep.APPROVE_FORCE_BUSINESS,
    WorkflowStep.APPROVE,
]


@pytest.fixture
def people(db) -> dict:
    made = {}
    for name, roles in PERSONAS.items():
        username = name.replace(" ", "-")
        if roles is None:
            made[name] = UserFactory(username=username, administrator=True)
        else:
            made[name] = UserFactory(username=username, roles=roles)
    return made


@contextmanager
def rolled_back():
    """Each example starts from the same database: its rows are rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


forms = st.fixed_dictionaries(
    {
        "requires_treasurer": st.booleans(),
        "requires_monitoring_officer": st.booleans(),
        "requires_chief_officer_for_force_business": st.booleans(),
    }
)
delegations = st.fixed_dictionaries(
    {
        "period": st.sampled_from(["current", "ended", "not started"]),
        "categories": st.sampled_from(["all", "this decision's", "another"]),
    }
)


def expected_in_queue(decision: Decision, user, *, returned: bool, signers: set) -> bool:
    """The rule, from the workflow's own answers: whether the user may take the next step;
    for a draft or an approved decision, whether it is in its author's own queue."""
    step = decision.next_step
    if step is None:
        return False
    if decision.status in Decision.IN_FLIGHT:
        return decision.workflow_refusal(step, user) is None
    if user.pk != decision.author_id or user.pk in signers:
        return False
    if decision.status == DecisionStatus.DRAFT:
        return returned
    return decision.status == DecisionStatus.APPROVED


def make_delegation(delegate, plan: dict, category, other) -> None:
    today = timezone.localdate()
    period = {
        "current": {"starts_on": datetime.date(2021, 5, 13)},
        "ended": {"starts_on": datetime.date(2021, 5, 13), "ends_on": today.replace(day=1)},
        "not started": {"starts_on": today + datetime.timedelta(days=30)},
    }[plan["period"]]
    if plan["period"] == "ended" and period["ends_on"] >= today:
        period["ends_on"] = today - datetime.timedelta(days=1)
    delegation = DelegationFactory(delegate=delegate, value_limit=None, **period)
    if plan["categories"] == "this decision's":
        delegation.categories.add(category)
    elif plan["categories"] == "another":
        delegation.categories.add(other)


@pytest.mark.parametrize("status", DecisionStatus.values)
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    form=forms,
    is_force_business=st.booleans(),
    author=st.sampled_from(AUTHORS),
    returned=st.booleans(),
    signers=st.lists(st.sampled_from(list(PERSONAS)), unique=True, max_size=len(SIGNED_STEPS)),
    delegation=delegations,
)
def test_a_decision_is_queued_exactly_for_whoever_may_take_its_next_step(
    status, form, is_force_business, author, returned, signers, delegation, people
):
    with rolled_back():
        category = DecisionCategoryFactory(name="Commissioning")
        other = DecisionCategoryFactory(name="Estates")
        make_delegation(people["delegate"], delegation, category, other)
        decision = DecisionFactory(
            template=DecisionTemplateFactory(sections=[], **form),
            status=status,
            is_force_business=is_force_business,
            author=people[author],
            category=category,
        )
        if returned:
            WorkflowEventFactory(
                decision=decision,
                step=WorkflowStep.RETURN_TO_DRAFT,
                outcome=WorkflowOutcome.ALLOWED,
                actor=people["treasurer"],
                from_status=DecisionStatus.SUBMITTED,
                to_status=DecisionStatus.DRAFT,
            )
        for name, step in zip(signers, SIGNED_STEPS, strict=False):
            SignatureFactory(decision=decision, user=people[name], step=step)
        signer_ids = {people[name].pk for name in signers}

        for name, user in people.items():
            queued = Decision.objects.awaiting(user).filter(pk=decision.pk).exists()
            fresh = Decision.objects.get(pk=decision.pk)
            expected = expected_in_queue(fresh, user, returned=returned, signers=signer_ids)
            assert queued == expected, (name, fresh.next_step)
