"""The sign-off workflow in a real browser: one decision from draft to decided, taken by four
different people, each signed in through the sign-in page."""

import pytest

from decisions.models import Decision, DecisionStatus
from tests.browser.journeys import people, sign_in  # noqa: F401 (people is a fixture)
from tests.factories import DecisionTemplateFactory, StartedDecisionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def decision(people) -> Decision:  # noqa: F811
    form = DecisionTemplateFactory(
        name="Warwickshire decision record (WPCC3)",
        reference_format="WPCC3-{number:04}",
        sections=[{"heading": "Background information", "is_mandatory": True}],
    )
    decision = StartedDecisionFactory(
        template=form,
        author=people["officer"],
        reference="WPCC3-0062",
        title="Phase 2: joint procurement of drugs and alcohol services",
        summary="To procure the adult and youth lots jointly with the county council.",
    )
    section = decision.sections.get()
    section.text = "The current contracts end on 31 March 2024 and cannot be extended again."
    section._history_user = people["officer"]
    section.save()
    return decision


def take_step(page, live_server, axe, decision, button: str, comments: str | None) -> None:
    """From the workflow page: press the step's button, confirm it with comments."""
    page.goto(f"{live_server.url}/workspace/decisions/{decision.reference}/workflow/")
    axe(page)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector("h1")
    assert 'name="confirm"' in page.content()
    axe(page)
    if comments is not None:
        page.get_by_label("Comments from").fill(comments)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_a_decision_goes_from_draft_to_decided_through_four_people(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    decision,
):
    sign_in(page, live_server, people["officer"])
    take_step(page, live_server, axe, decision, "Submit for sign-off", None)
    assert "has been submitted for sign-off" in page.content()

    sign_in(page, live_server, people["treasurer"])
    # Confirming without the statutory comments is refused with an error summary.
    page.goto(f"{live_server.url}/workspace/decisions/{decision.reference}/workflow/sign-off/")
    page.get_by_role("button", name="Sign off", exact=True).click()
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error:")
    axe(page)
    take_step(
        page,
        live_server,
        axe,
        decision,
        "Sign off",
        "The office's share is met from the commissioning budget.",
    )
    assert f"You have signed off {decision.reference}" in page.content()

    sign_in(page, live_server, people["monitoring"])
    take_step(
        page,
        live_server,
        axe,
        decision,
        "Add comments and pass on",
        "Legal and procurement advice has been taken.",
    )

    sign_in(page, live_server, people["pcc"])
    take_step(page, live_server, axe, decision, "Approve and sign", None)
    assert f"You have approved and signed {decision.reference}" in page.content()

    page.goto(f"{live_server.url}/workspace/decisions/{decision.reference}/workflow/")
    panel = page.locator(".app-workflow")
    assert "Approved and signed" in panel.inner_text()
    assert panel.locator("text=Matches").count() == 3
    for name in ("Demo Treasurer", "Demo Monitoring Officer", "Philip Seccombe"):
        assert name in panel.inner_text()
    axe(page)

    # The panel as the workspace's decision page shows it.
    page.goto(f"{live_server.url}/workspace/decisions/{decision.reference}/")
    assert page.locator(".app-workflow").count() == 1
    axe(page)

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert [s.user.username for s in decision.signatures.all()] == [
        "treasurer",
        "monitoring",
        "pcc",
    ]
    assert [e.actor.username for e in decision.workflow_events.filter(outcome="allowed")] == [
        "officer",
        "treasurer",
        "monitoring",
        "pcc",
    ]
