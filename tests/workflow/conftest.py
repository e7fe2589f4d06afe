"""Fixtures for the sign-off workflow: a form, a draft on it, and a way to move a decision
to any stage through the real steps."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.mail.backends.base import BaseEmailBackend

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus
from tests.factories import (
    DecisionCategoryFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    StartedDecisionFactory,
    UserFactory,
)

SECTIONS = [
    {"heading": "Background information", "is_mandatory": True},
    {"heading": "Costs (including any identified savings)", "is_mandatory": True},
    {"heading": "Equality implications"},
]
TEXT = {
    "Background information": "The adult and young people's drugs and alcohol contracts "
    "end on 31 March 2023 with no extension options left.",
    "Costs (including any identified savings)": "Met from the commissioning budget.",
}


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("The mail server refused the connection")


FAILING_EMAIL_BACKEND = f"{__name__}.FailingEmailBackend"


def confirmed(decision, **fields) -> dict:
    """What a step's confirmation page posts, built by hand: "confirm", the fingerprint of
    the content the page showed (the content as it is now), and `fields`."""
    from decisions.workflow import content_hash

    return {"confirm": "yes", "content_sha256": content_hash(decision), **fields}


@pytest.fixture
def role_groups(db):
    """The role groups of migration 0002, made again: a transactional test's flush empties
    the tables, so tests that run after one cannot rely on the migration's rows."""
    migration = importlib.import_module("decisions.migrations.0002_roles")
    migration.create_roles(apps, None)


@pytest.fixture
def form(db):
    """The Warwickshire form: Treasurer, Monitoring Officer and, for force business, the
    Chief Officer."""
    return DecisionTemplateFactory(reference_format="WPCC3-{number:04}", sections=SECTIONS)


@pytest.fixture
def make_draft(db, officer, form):
    def make(template=None, author=None, **fields) -> Decision:
        decision = StartedDecisionFactory(
            template=template or form,
            author=author or officer,
            title="Joint-Commissioning of Drugs and Alcohol Misuse Services",
            summary="To commission drugs and alcohol services jointly with the county council.",
            **fields,
        )
        for section in decision.sections.all():
            section.text = TEXT.get(section.heading, "")
            section._history_user = officer
            section.save()
        return decision

    return make


@pytest.fixture
def draft(make_draft) -> Decision:
    return make_draft()


@pytest.fixture
def delegate(db):
    """The Chief Finance Officer, a Treasurer, who may decide under a written delegation."""
    user = UserFactory(
        username="cfo", first_name="Chief", last_name="Finance Officer", roles=[Role.TREASURER]
    )
    DelegationFactory(
        delegate=user,
        delegate_name="Chief Finance Officer",
        starts_on=datetime.date(2021, 5, 13),
        value_limit=Decimal("100000.00"),
    )
    return user


@pytest.fixture
def category(db):
    return DecisionCategoryFactory(name="Commissioning")


@pytest.fixture
def advance(officer, treasurer, monitoring_officer, chief_officer, pcc, administrator):
    """advance(decision, status) takes a decision to `status` through the real steps."""
    order = [
        DecisionStatus.SUBMITTED,
        DecisionStatus.SIGNED_OFF,
        DecisionStatus.COMMENTED,
        DecisionStatus.CHIEF_APPROVED,
        DecisionStatus.APPROVED,
        DecisionStatus.PUBLISHED,
    ]

    def take(decision: Decision, status: str) -> Decision:
        if status == DecisionStatus.DRAFT:
            return decision
        if status == DecisionStatus.NOT_APPROVED:
            take(
                decision,
                DecisionStatus.CHIEF_APPROVED
                if decision.is_force_business
                else DecisionStatus.COMMENTED,
            )
            decision.decline(by=pcc, comments="The costs need more work.")
            return decision
        if status in (DecisionStatus.WITHDRAWN, DecisionStatus.SUPERSEDED):
            take(decision, DecisionStatus.PUBLISHED)
            if status == DecisionStatus.WITHDRAWN:
                decision.withdraw(by=officer, reason="Published in error.")
            else:
                later = StartedDecisionFactory(
                    template=decision.template, author=officer, summary="A later decision."
                )
                for section in later.sections.all():
                    section.text = "Replaces the earlier decision."
                    section.save()
                take(later, DecisionStatus.APPROVED)
                decision.supersede(by=officer, by_decision=later)
            return decision
        for target in order[: order.index(status) + 1]:
            if decision.status in order and order.index(decision.status) >= order.index(target):
                continue
            if target == DecisionStatus.SUBMITTED:
                decision.submit(by=decision.author or officer)
            elif target == DecisionStatus.SIGNED_OFF:
                decision.sign_off(by=treasurer, comments="Affordable within the budget.")
            elif target == DecisionStatus.COMMENTED:
                decision.comment(by=monitoring_officer, comments="Legal advice has been taken.")
            elif target == DecisionStatus.CHIEF_APPROVED:
                if decision.is_force_business:
                    decision.approve_force_business(by=chief_officer)
            elif target == DecisionStatus.APPROVED:
                decision.approve(by=pcc)
            elif target == DecisionStatus.PUBLISHED:
                decision.publish(by=officer)
        assert decision.status == status, (decision.status, status)
        return decision

    return take
