"""Every confirmation carries what it showed: the fingerprint of the content on the page. A
step confirmed after the content changed, or by a post that does not say what it saw, is
refused with what changed, and nothing is signed (issue 26, item 2)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from decisions.models import DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import ContentChanged, content_hash
from tests.workspace.conftest import form_fields

Status = DecisionStatus
NEW_COSTS = "Met from the reserves, not the commissioning budget."


def sign_off_url(decision) -> str:
    return reverse("workspace:workflow-sign-off", args=[decision.reference])


def edit_costs_in_the_editor(client, decision) -> None:
    """The officer changes the costs section through the workspace editor, as they may
    while the decision waits for its first sign-off."""
    url = reverse("workspace:decision-edit", args=[decision.reference])
    data = form_fields(client.get(url))
    costs = str(decision.sections.get(heading__startswith="Costs").pk)
    form = next(
        key[: -len("-id")] for key, value in data.items() if value == costs and key.endswith("-id")
    )
    data[f"{form}-text"] = NEW_COSTS
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def submitted(draft, officer):
    draft.submit(by=officer)
    return draft


def test_the_confirmation_carries_the_fingerprint_it_shows(submitted, treasurer, client_for):
    page = client_for(treasurer).get(sign_off_url(submitted))

    shown = content_hash(submitted)
    html = page.content.decode()
    assert shown in html
    assert form_fields(page)["content_sha256"] == shown
    assert "govuk-label-wrapper" not in html  # the comments' label is a label, not a heading


def test_the_treasurer_cannot_sign_content_changed_after_the_page_was_opened(
    submitted, officer, treasurer, client_for
):
    treasurer_client = client_for(treasurer)
    page = treasurer_client.get(sign_off_url(submitted))
    opened_on = content_hash(submitted)
    edit_costs_in_the_editor(client_for(officer), submitted)
    assert content_hash(submitted) != opened_on

    confirmation = {**form_fields(page), "comments": "Affordable within the budget."}
    response = treasurer_client.post(sign_off_url(submitted), confirmation)

    assert response.status_code == 409
    html = response.content.decode()
    assert "has not been signed off: its content changed after you opened the page" in html
    assert "What changed since you opened the page" in html
    assert NEW_COSTS in html  # what changed, listed
    assert "Affordable within the budget." in html  # the comments typed are kept
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.signatures.exists()
    assert not submitted.comments.exists()
    refused = submitted.workflow_events.get(step=WorkflowStep.SIGN_OFF)
    assert refused.outcome == WorkflowOutcome.REFUSED
    assert "content changed" in refused.refusal

    # The page now shows the content as it is; confirmed from it, the sign-off goes through
    # and the signature vouches for what it showed.
    again = form_fields(response)
    assert again["content_sha256"] == content_hash(submitted)
    assert treasurer_client.post(sign_off_url(submitted), again).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.SIGNED_OFF
    signature = submitted.signatures.get()
    assert signature.content_sha256 == again["content_sha256"]


@pytest.mark.parametrize("fingerprint", [None, "", "0" * 64])
def test_a_confirmation_that_does_not_say_what_it_saw_is_refused(
    fingerprint, submitted, treasurer, client_for
):
    data = {"confirm": "yes", "comments": "Affordable within the budget."}
    if fingerprint is not None:
        data["content_sha256"] = fingerprint

    response = client_for(treasurer).post(sign_off_url(submitted), data)

    assert response.status_code == 409
    assert "has not been signed off" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.signatures.exists()


@pytest.mark.parametrize(
    ("page", "persona", "status"),
    [
        ("submit", "officer", Status.DRAFT),
        ("comment", "monitoring_officer", Status.SIGNED_OFF),
        ("approve-force-business", "chief_officer", Status.COMMENTED),
        ("approve", "pcc", Status.CHIEF_APPROVED),
        ("decline", "pcc", Status.CHIEF_APPROVED),
        ("return-to-draft", "treasurer", Status.SUBMITTED),
        ("withdraw", "officer", Status.PUBLISHED),
    ],
)
def test_every_step_page_refuses_a_confirmation_without_its_fingerprint(
    page, persona, status, request, make_draft, advance, client_for
):
    decision = advance(make_draft(is_force_business=True), status)
    client = client_for(request.getfixturevalue(persona))
    url = reverse(f"workspace:workflow-{page}", args=[decision.reference])

    stale = client.post(url, {"confirm": "yes", "comments": "Fine."})

    assert stale.status_code == 409
    decision.refresh_from_db()
    assert decision.status == status
    # The same confirmation, from the page, goes through.
    confirmed = client.post(url, {**form_fields(client.get(url)), "comments": "Fine."})
    assert confirmed.status_code == 302
    assert [m.level_tag for m in get_messages(confirmed.wsgi_request)] == ["success"]
    decision.refresh_from_db()
    assert decision.status != status


def test_the_model_refuses_a_step_on_content_other_than_what_was_seen(submitted, treasurer):
    seen = content_hash(submitted)
    costs = submitted.sections.get(heading__startswith="Costs")
    costs.text = NEW_COSTS
    costs.save()

    with pytest.raises(ContentChanged, match="its content changed after you opened the page"):
        submitted.sign_off(by=treasurer, comments="Affordable.", seen=seen)

    assert submitted.status == Status.SUBMITTED
    assert not submitted.signatures.exists()
    submitted.sign_off(by=treasurer, comments="Affordable.", seen=content_hash(submitted))
    assert submitted.signatures.get().content_sha256 == content_hash(submitted)
