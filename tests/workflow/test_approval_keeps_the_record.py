"""Approving keeps what the record holds: the page shows the decision maker as the editor holds
it and asks for the date of decision (today unless the signer says otherwise, never in the
future); the decision maker's signature binds both (issue 23)."""

import datetime

import pytest
from django.urls import reverse

from decisions.models import DecisionStatus, Signature, WorkflowStep
from decisions.workflow import CONTENT_FORMAT, DECISION_FORMAT, content_hash, panel_for, today
from tests.workspace.conftest import form_fields

Status = DecisionStatus
TAKEN_ON = datetime.date(2019, 3, 4)


def approve_url(decision) -> str:
    return reverse("workspace:workflow-approve", args=[decision.reference])


def date_fields(day: datetime.date) -> dict:
    return {
        "decided_on_day": str(day.day),
        "decided_on_month": str(day.month),
        "decided_on_year": str(day.year),
    }


@pytest.fixture
def ready(make_draft, advance):
    """Waiting for the Commissioner, with the decision maker named in the editor."""
    decision = make_draft(decision_maker_name="Deborah Tracey")
    return advance(decision, Status.COMMENTED)


def test_the_approval_page_shows_the_decision_maker_and_asks_for_the_date(ready, pcc, client_for):
    page = client_for(pcc).get(approve_url(ready))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Deborah Tracey" in text
    fields = form_fields(page)
    assert fields["decided_on_day"] == str(today().day)
    assert fields["decided_on_year"] == str(today().year)


def test_approving_keeps_the_name_and_records_the_date_given(ready, pcc, client_for):
    client = client_for(pcc)
    data = {**form_fields(client.get(approve_url(ready))), **date_fields(TAKEN_ON)}

    response = client.post(approve_url(ready), data)

    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == Status.APPROVED
    assert ready.decided_on == TAKEN_ON
    # The name typed in the editor, not the signing account's ("Demo PCC" or the like).
    assert ready.decision_maker_name == "Deborah Tracey"
    assert pcc.get_full_name() != "Deborah Tracey"
    signature = ready.signatures.get(step=WorkflowStep.APPROVE)
    assert signature.name == pcc.get_full_name()


def test_the_decision_makers_signature_binds_the_date_and_the_name(ready, pcc):
    ready.approve(by=pcc, decided_on=TAKEN_ON)

    signature = ready.signatures.get(step=WorkflowStep.APPROVE)
    assert signature.content_format == DECISION_FORMAT
    assert signature.content_sha256 == content_hash(ready, content_format=DECISION_FORMAT)
    assert signature.content_sha256 != content_hash(ready, content_format=CONTENT_FORMAT)
    # Another date, or another name, is another fingerprint: the signature no longer matches.
    ready.decided_on = TAKEN_ON + datetime.timedelta(days=1)
    assert content_hash(ready, content_format=DECISION_FORMAT) != signature.content_sha256
    ready.refresh_from_db()
    ready.decision_maker_name = "Someone Else"
    assert content_hash(ready, content_format=DECISION_FORMAT) != signature.content_sha256
    ready.refresh_from_db()
    # As it is, every signature on the record (the sign-offs in their own shape) matches.
    assert ready.content_matches_signatures()
    assert all(check.matches for check in panel_for(ready, pcc).signatures)


def test_a_date_in_the_future_is_refused_next_to_the_field(ready, pcc, client_for):
    client = client_for(pcc)
    tomorrow = today() + datetime.timedelta(days=1)
    data = {**form_fields(client.get(approve_url(ready))), **date_fields(tomorrow)}

    response = client.post(approve_url(ready), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert "The date of the decision cannot be in the future" in text
    assert 'href="#id_decided_on_day"' in text  # the error summary leads to the field
    ready.refresh_from_db()
    assert ready.status == Status.COMMENTED
    assert not ready.signatures.filter(step=WorkflowStep.APPROVE).exists()


def test_an_empty_date_is_refused(ready, pcc, client_for):
    client = client_for(pcc)
    data = {**form_fields(client.get(approve_url(ready))), **date_fields(TAKEN_ON)}
    data.update(decided_on_day="", decided_on_month="", decided_on_year="")

    response = client.post(approve_url(ready), data)

    assert "Enter the date of the decision" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == Status.COMMENTED


def test_a_date_before_the_record_was_received_is_refused(make_draft, advance, pcc, client_for):
    decision = advance(make_draft(received_on=datetime.date(2020, 1, 10)), Status.COMMENTED)
    client = client_for(pcc)
    data = {**form_fields(client.get(approve_url(decision))), **date_fields(TAKEN_ON)}

    response = client.post(approve_url(decision), data)

    assert "cannot be before the date it was received, 10 January 2020" in (
        response.content.decode()
    )
    decision.refresh_from_db()
    assert decision.status == Status.COMMENTED


def test_a_name_changed_after_the_page_was_opened_is_refused(ready, pcc, officer, client_for):
    client = client_for(pcc)
    data = {**form_fields(client.get(approve_url(ready))), **date_fields(TAKEN_ON)}
    ready.decision_maker_name = "Someone Else"
    ready._history_user = officer
    ready.save()

    response = client.post(approve_url(ready), data)

    assert response.status_code == 409
    ready.refresh_from_db()
    assert ready.status == Status.COMMENTED
    assert not Signature.objects.filter(decision=ready, step=WorkflowStep.APPROVE).exists()


def test_an_unnamed_decision_maker_takes_the_signers_name(make_draft, advance, pcc):
    decision = advance(make_draft(), Status.COMMENTED)
    assert decision.decision_maker_name == ""

    decision.approve(by=pcc)

    assert decision.decision_maker_name == pcc.get_full_name()
    assert abs((decision.decided_on - datetime.date.today()).days) <= 1


def test_declining_records_the_day_and_the_signer_as_before(ready, pcc):
    ready.decline(by=pcc, comments="The costs need more work.")

    assert ready.status == Status.NOT_APPROVED
    assert ready.decided_on == today()
    assert ready.decision_maker_name == pcc.get_full_name()
