"""Sign-off journeys in a real browser, each step reached by clicking from the page before,
starting at the sign-in page, at 1,280 px and 375 px: an officer drafts a decision and
submits it; the Treasurer returns one with a comment the officer then sees; force business
goes through the Monitoring Officer's comments and the Chief Officer's approval to the
Commissioner, who declines it. (Signing off, approving and publishing: test_journeys.py.)"""

import pytest

from decisions.models import Decision, DecisionStatus
from tests.browser.journeys import (
    WIDTHS,
    decision_at,
    fits,
    form,  # noqa: F401 (a fixture)
    open_from_dashboard,
    people,  # noqa: F401 (a fixture)
    sign_in,
    take_step,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_drafts_a_decision_and_submits_it(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    title = "Phase 1 victim services: award of Lot 4, modern slavery service"

    sign_in(page, live_server, people["officer"])
    page.get_by_role("button", name="Start a new decision").click()
    page.get_by_label(form.name).check()
    fits(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_role("textbox", name=form.summary_label).fill(
        "To award Lot 4, the new modern slavery and human trafficking service."
    )
    fits(page)
    page.get_by_role("button", name="Continue").click()
    fits(page)
    page.get_by_role("button", name="Open the draft").click()
    page.wait_for_load_state()
    fits(page)

    # The new draft opens in the editor, where its sections are written.
    decision = Decision.objects.get(title=title)
    page.get_by_role("textbox", name="Background information").fill(
        "Lot 4 is new in this cycle: victims had no local service of their own."
    )
    fits(page)
    if width == 375:
        axe(page)
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name=title, level=1).wait_for()
    fits(page)

    take_step(page, "Submit for sign-off", axe=axe if width == 375 else None)
    assert page.get_by_text("has been submitted for sign-off").count()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SUBMITTED
    assert decision.sections.get(heading="Background information").text.startswith("Lot 4")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_treasurer_returns_a_decision_and_the_officer_reads_why(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    decision = decision_at(people, form, after="submit")
    why = "Please set out the annual cost and the budget it is met from."

    sign_in(page, live_server, people["treasurer"])
    open_from_dashboard(page, decision, "Waiting for you")
    take_step(
        page, "Return to draft", {"What needs to change?": why}, axe=axe if width == 375 else None
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    # The officer finds it back among the things waiting for them, and reads the comment.
    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, decision, "Waiting for you")
    assert page.get_by_text(why).first.is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_force_business_is_commented_on_approved_by_the_chief_officer_and_declined(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    decision = decision_at(
        people,
        form,
        after="sign_off",
        force_business=True,
        title="Drug testing on arrest: a further year of the force's testing service",
    )
    check = axe if width == 375 else None

    sign_in(page, live_server, people["monitoring"])
    open_from_dashboard(page, decision, "Waiting for you")
    take_step(
        page,
        "Add comments and pass on",
        {"Comments from the Chief Executive and Monitoring Officer": "This is force business."},
        axe=check,
    )

    sign_in(page, live_server, people["chief"])
    open_from_dashboard(page, decision, "Waiting for you")
    take_step(page, "Approve", axe=check)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CHIEF_APPROVED

    sign_in(page, live_server, people["pcc"])
    open_from_dashboard(page, decision, "Waiting for you")
    take_step(
        page,
        "Do not approve",
        {"Why is it not approved?": "The testing is to be funded by the force."},
        axe=check,
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.NOT_APPROVED
    assert page.get_by_text("The testing is to be funded by the force.").first.is_visible()
