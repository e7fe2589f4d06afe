"""A signature recorded from the office's signed record is known to the day: it is kept at
midday where the office is, read back as that day, and printed as the day alone in the
workspace and on the public record, never with a made-up time (issue 23)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import DecisionStatus, SignatureMethod, WorkflowStep
from decisions.models.workflow import signed_on_the_day
from decisions.publication import public_record
from tests.factories import DecisionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2019, 3, 5)


@pytest.fixture
def paper_decision():
    decision = DecisionFactory(status=DecisionStatus.APPROVED, decision_maker_name="Ron Ball")
    SignatureFactory(
        decision=decision,
        user=None,
        step=WorkflowStep.APPROVE,
        name="Ron Ball",
        capacity="Police and Crime Commissioner",
        method=SignatureMethod.WET,
        signed_at=signed_on_the_day(SIGNED),
    )
    SignatureFactory(
        decision=decision,
        user=None,
        name="Elizabeth Hall",
        signed_at=signed_on_the_day(SIGNED),
        voided_at=timezone.now(),
        void_reason="Changed after the decision: the summary was wrong.",
    )
    return decision


def test_a_signature_known_to_the_day_shows_no_time_in_the_workspace(
    paper_decision, client_for, officer
):
    page = client_for(officer).get(
        reverse("workspace:decision-detail", args=[paper_decision.reference])
    )

    text = page.content.decode()
    assert "5 March 2019" in text
    assert "Elizabeth Hall, Treasurer, signed 5 March 2019." in text  # the void one too
    assert "5 March 2019 at" not in text


def test_its_day_is_the_same_on_the_public_record_and_after_a_change_of_time_zone(
    paper_decision,
):
    signature = paper_decision.signatures.get(voided_at__isnull=True)
    assert timezone.localtime(signature.signed_at).time() == datetime.time(12)

    with timezone.override("America/New_York"):
        assert signature.signed_on == SIGNED
    with timezone.override("Asia/Kolkata"):
        assert signature.signed_on == SIGNED
    [shown] = public_record(paper_decision).signatures
    assert (shown.name, shown.signed_on) == ("Ron Ball", SIGNED)
