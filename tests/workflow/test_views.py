"""The step pages: confirmation, permission checks in the view, refusals and messages."""

import pytest
from django.contrib.messages import get_messages

from decisions.models import DecisionStatus, WorkflowOutcome, WorkflowStep
from tests.factories import DecisionTemplateFactory, UserFactory

from .conftest import confirmed

Status = DecisionStatus

BUTTONS = {
    "submit": "Submit for sign-off",
    "sign-off": "Sign off",
    "comment": "Add comments and pass on",
    "approve-force-business": "Approve",
    "approve": "Approve and sign",
    "decline": "Do not approve",
    "return-to-draft": "Return to draft",
}


def url(decision, step: str = "") -> str:
    return f"/workspace/decisions/{decision.reference}/workflow/" + (f"{step}/" if step else "")


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("step", "status", "persona"),
    [
        ("submit", Status.DRAFT, "officer"),
        ("sign-off", Status.SUBMITTED, "treasurer"),
        ("comment", Status.SIGNED_OFF, "monitoring_officer"),
        ("approve-force-business", Status.COMMENTED, "chief_officer"),
        ("approve", Status.CHIEF_APPROVED, "pcc"),
        ("decline", Status.CHIEF_APPROVED, "pcc"),
        ("return-to-draft", Status.SUBMITTED, "treasurer"),
    ],
)
def test_each_step_page_asks_for_confirmation_with_its_button(
    step, status, persona, request, make_draft, advance, client_for
):
    decision = advance(make_draft(is_force_business=True), status)
    client = client_for(request.getfixturevalue(persona))

    page = client.get(url(decision, step))
    from_panel = client.post(url(decision, step))  # a button on the decision page

    for response in (page, from_panel):
        assert response.status_code == 200
        html = response.content.decode()
        assert f">{BUTTONS[step]}</button>" in html
        assert 'name="confirm" value="yes"' in html
    decision.refresh_from_db()
    assert decision.status == status  # nothing happens until it is confirmed


def test_confirming_takes_the_step_and_goes_back_to_the_decision(
    draft, advance, client_for, treasurer
):
    advance(draft, Status.SUBMITTED)

    response = client_for(treasurer).post(
        url(draft, "sign-off"), confirmed(draft, comments="Affordable within budget.")
    )

    draft.refresh_from_db()
    assert draft.status == Status.SIGNED_OFF
    assert response.status_code == 302
    assert response.url.startswith(f"/workspace/decisions/{draft.reference}/")
    assert ("success", f"You have signed off {draft.reference}.") in messages_of(response)
    assert draft.comments.get().text == "Affordable within budget."


def test_missing_comments_show_a_govuk_error_and_nothing_is_saved(
    draft, advance, client_for, treasurer
):
    advance(draft, Status.SUBMITTED)

    response = client_for(treasurer).post(url(draft, "sign-off"), confirmed(draft))

    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert 'href="#id_comments"' in html
    assert "Enter your comments as the Treasurer" in html
    assert "<title>Error:" in html
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert not draft.workflow_events.filter(step=WorkflowStep.SIGN_OFF).exists()


@pytest.mark.parametrize(
    ("step", "persona"),
    [
        ("sign-off", "officer"),
        ("sign-off", "pcc"),
        ("comment", "treasurer"),
        ("approve-force-business", "pcc"),
        ("approve", "treasurer"),
        ("decline", "monitoring_officer"),
        ("withdraw", "treasurer"),
        ("supersede", "pcc"),
        ("submit", "treasurer"),
        ("return-to-draft", "nobody"),
    ],
)
def test_the_view_refuses_a_role_without_the_permission_and_records_it(
    step, persona, request, draft, advance, client_for
):
    advance(draft, Status.SUBMITTED)
    user = (
        UserFactory(username="someone", roles=["Commissioning officers"])
        if persona == "nobody"
        else request.getfixturevalue(persona)
    )
    client = client_for(user)

    assert client.get(url(draft, step)).status_code == 403
    response = client.post(url(draft, step), confirmed(draft, comments="Trying."))

    assert response.status_code == 403
    event = draft.workflow_events.last()
    assert (event.step, event.outcome, event.actor) == (
        step.replace("-", "_"),
        WorkflowOutcome.REFUSED,
        user,
    )
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_refusal_by_the_model_is_shown_as_an_error_message(
    make_draft, advance, client_for, administrator
):
    decision = advance(make_draft(), Status.SUBMITTED)

    # An administrator has every permission, but is not the Treasurer.
    response = client_for(administrator).post(
        url(decision, "sign-off"), confirmed(decision, comments="As the admin.")
    )

    assert response.status_code == 302
    assert ("error", "Only the Treasurer can do this.") in messages_of(response)
    assert decision.workflow_events.last().outcome == WorkflowOutcome.REFUSED


def test_a_step_no_longer_open_sends_the_user_back_with_what_happened(
    draft, advance, client_for, treasurer
):
    advance(draft, Status.SIGNED_OFF)

    response = client_for(treasurer).get(url(draft, "sign-off"))

    assert response.status_code == 302
    ((level, text),) = messages_of(response)
    assert level == "error"
    assert "cannot be signed off now: Sara Treasurer signed it off as the Treasurer" in text


def test_the_workspace_needs_a_signed_in_member_of_staff(draft, client, client_for):
    assert client.get(url(draft)).status_code == 302
    assert client.post(url(draft, "submit"), {"confirm": "yes"}).status_code == 302
    outsider = client_for(UserFactory(username="outsider"))
    assert outsider.get(url(draft)).status_code == 403
    assert outsider.post(url(draft, "submit"), {"confirm": "yes"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_supersede_page_names_the_later_decision(make_draft, advance, client_for, officer):
    earlier = advance(make_draft(), Status.PUBLISHED)
    later = advance(make_draft(), Status.APPROVED)
    client = client_for(officer)

    unknown = client.post(url(earlier, "supersede"), confirmed(earlier, later_reference="X"))
    assert "There is no decision with the reference X" in unknown.content.decode()

    client.post(url(earlier, "supersede"), confirmed(earlier, later_reference=later.reference))
    earlier.refresh_from_db()
    assert earlier.status == Status.SUPERSEDED


def test_the_panel_shows_signatures_their_check_timeline_and_this_users_buttons(
    draft, advance, client_for, pcc, officer
):
    advance(draft, Status.COMMENTED)

    html = client_for(pcc).get(url(draft)).content.decode()

    assert "Waiting for the Police and Crime Commissioner to decide." in html
    assert html.count(">Matches</strong>") == 2
    assert "Sara Treasurer" in html and "Chief Executive and Monitoring Officer" in html
    for label in ("Submitted for sign-off", "Signed off by the Treasurer"):
        assert label in html
    for button in ("Approve and sign", "Do not approve", "Return to draft"):
        assert f">{button}</button>" in html
    assert ">Sign off</button>" not in html

    officers_view = client_for(officer).get(url(draft)).content.decode()
    assert ">Approve and sign</button>" not in officers_view
    assert ">Return to draft</button>" in officers_view  # the author may take it back

    section = draft.sections.first()
    section.text = "Changed after signing, without telling anyone."
    section.save()
    html = client_for(pcc).get(url(draft)).content.decode()
    assert html.count("Changed since signing") == 2


def test_steps_work_for_references_containing_a_slash(make_draft, client_for, officer):
    order_form = DecisionTemplateFactory(reference_format="EXE{number:04}/{yy}", sections=[])
    decision = make_draft(template=order_form)
    assert "/" in decision.reference
    client = client_for(officer)

    assert "/workflow/submit/" in client.get(url(decision)).content.decode()
    client.post(url(decision, "submit"), confirmed(decision))

    decision.refresh_from_db()
    assert decision.status == Status.SUBMITTED


def test_publishing_is_offered_like_any_step_and_leads_to_the_preview(
    draft, advance, client_for, officer, treasurer
):
    advance(draft, Status.APPROVED)
    preview = f"/workspace/decisions/{draft.reference}/publish/"

    html = client_for(officer).get(url(draft)).content.decode()

    # A link to look at the public record first, not a button that publishes at once.
    assert f'<a href="{preview}" role="button"' in html
    assert ">Publish</a>" in html
    assert ">Mark as superseded</button>" in html
    assert ">Publish</a>" not in client_for(treasurer).get(url(draft)).content.decode()
    page = client_for(officer).get(preview)
    assert page.status_code == 200
    assert ">Publish this decision</button>" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED


def test_the_page_and_the_model_ask_the_same_question_of_who_may_publish(
    draft, advance, client_for, officer, treasurer, administrator
):
    from decisions.models import STEPS

    advance(draft, Status.APPROVED)
    preview = f"/workspace/decisions/{draft.reference}/publish/"
    publishing = STEPS[WorkflowStep.PUBLISH]

    for user in (officer, treasurer, administrator):
        page = client_for(user).get(preview)
        assert page.context["may_publish"] == publishing.may(user, draft)
        assert (draft.workflow_refusal(WorkflowStep.PUBLISH, user) is None) == publishing.may(
            user, draft
        )
