"""The demo data's workflow: WPCC3-0058 signed as the seed shows, and decisions part-way."""

import datetime
import io

import pytest
from django.core.management import call_command

from decisions.models import CommentRole, Decision, DecisionStatus, Signature, WorkflowEvent

Status = DecisionStatus


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_wpcc3_0058_went_through_its_sign_offs_as_the_seed_shows(demo):
    decision = Decision.objects.get(reference="WPCC3-0058")

    assert decision.status == Status.PUBLISHED
    assert decision.decided_on == datetime.date(2022, 6, 15)
    assert decision.signed_on == datetime.date(2022, 6, 29)
    assert decision.published_on == datetime.date(2022, 6, 29)
    assert decision.decision_maker_name == "Philip Seccombe"
    signatures = [
        (s.user.username, s.capacity, s.signed_at.date()) for s in decision.signatures.all()
    ]
    assert signatures == [
        ("treasurer", "Treasurer", datetime.date(2022, 6, 15)),
        ("monitoring", "Chief Executive and Monitoring Officer", datetime.date(2022, 6, 15)),
        ("pcc", "Police and Crime Commissioner", datetime.date(2022, 6, 29)),
    ]
    assert decision.content_matches_signatures()
    comments = {comment.role: comment.text for comment in decision.comments.all()}
    assert comments[CommentRole.TREASURER].startswith("Extending the current contracts")
    assert "best value for money" in comments[CommentRole.MONITORING_OFFICER]
    assert [event.step for event in decision.workflow_events.all()] == [
        "submit",
        "sign_off",
        "comment",
        "approve",
        "publish",
    ]


def test_the_demo_has_decisions_at_several_stages(demo):
    stages = {
        d.reference: (d.status, d.waiting_for)
        for d in Decision.objects.filter(reference__in=["WPCC3-0059", "WPCC3-0060", "WPCC3-0061"])
    }

    assert stages == {
        "WPCC3-0059": (Status.SUBMITTED, "Waiting for the Treasurer to sign it off"),
        "WPCC3-0060": (
            Status.COMMENTED,
            "Waiting for the Police and Crime Commissioner to decide",
        ),
        "WPCC3-0061": (Status.DRAFT, "Waiting to be submitted for sign-off"),
    }
    returned = Decision.objects.get(reference="WPCC3-0061").workflow_events.last()
    assert returned.step == "return_to_draft"
    assert returned.actor.username == "treasurer"
    assert "annual cost" in returned.comments


def test_each_demo_signer_has_a_decision_in_their_queue(demo):
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}

    def queue(username):
        return list(Decision.objects.awaiting(users[username]).values_list("reference", flat=True))

    assert queue("treasurer") == ["WPCC3-0059"]
    assert queue("pcc") == ["WPCC3-0060"]
    assert queue("officer") == ["WPCC3-0061"]


def test_loading_the_demo_twice_changes_no_workflow_record(demo):
    before = (WorkflowEvent.objects.count(), Signature.objects.count(), Signature.history.count())

    call_command("load_demo", stdout=io.StringIO())

    after = (WorkflowEvent.objects.count(), Signature.objects.count(), Signature.history.count())
    assert after == before
