"""The publish journey in a real browser, every step by clicking from the sign-in page or the
public home, at 1,280 and 375 px (the other journeys: test_journey_*.py).

One decision goes from its author's draft through the Treasurer, the Chief Executive and
Monitoring Officer and the Commissioner to publication, and a member of the public then finds
it on the register, reads it and downloads its PDF.
"""

import pytest

from decisions.models import DecisionStatus
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
def test_a_decision_is_signed_off_published_and_read_by_clicking(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    decision = decision_at(people, form, after=None)
    # Axe at the narrower width only: the pages are the same, and axe is slow.
    check = axe if width == 375 else (lambda page: None)

    # The officer finds the draft among their own and submits it.
    sign_in(page, live_server, people["officer"])
    check(page)
    open_from_dashboard(page, decision, "Your drafts")
    check(page)
    take_step(page, "Submit for sign-off", axe=check)
    assert "has been submitted for sign-off" in page.content()

    # Each signer finds it waiting for them, and takes their step.
    for who, button, answers in (
        (
            "treasurer",
            "Sign off",
            {"Comments from the Treasurer": "The share is met from the commissioning budget."},
        ),
        (
            "monitoring",
            "Add comments and pass on",
            {
                "Comments from the Chief Executive and Monitoring Officer": (
                    "Legal and procurement advice was taken."
                )
            },
        ),
        ("pcc", "Approve and sign", None),
    ):
        sign_in(page, live_server, people[who])
        open_from_dashboard(page, decision, "Waiting for you")
        take_step(page, button, answers, axe=check)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED

    # The author finds it waiting to be published, previews it and publishes it.
    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, decision, "Waiting for you")
    page.locator(".app-workflow").get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector("#publish")
    check(page)
    fits(page)
    page.get_by_role("button", name="Publish this decision").click()
    page.wait_for_load_state()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PUBLISHED

    # A member of the public finds it from the home page, reads it and downloads its PDF.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    check(page)
    fits(page)
    page.get_by_role("link", name=decision.title).first.click()
    page.get_by_role("heading", name=decision.title, level=1).wait_for()
    check(page)
    fits(page)
    assert "The background information of the decision" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this record as a PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
