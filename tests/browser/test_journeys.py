"""Journeys as people take them, in a real browser: every step reached by clicking from the
page before, starting at the sign-in page (staff) or the public home page (the public).
Typing an action page's address is not a journey; none is typed here.

One decision goes from its author's draft through the Treasurer, the Chief Executive and
Monitoring Officer and the Commissioner to publication, and a member of the public then finds
it on the register, reads it and downloads its PDF. Each journey runs at 1,280 px and 375 px.
"""

import pytest

from decisions.models import DecisionStatus
from tests.browser import test_workflow

# The people and the draft of the workflow's browser test.
people = test_workflow.people
decision = test_workflow.decision

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]


def sign_in(page, live_server, user) -> None:
    """Sign out, then in again as `user`, from the sign-in page."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"


# The elements whose right edge is beyond the window, innermost first: what to fix.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
    .filter((element) => ![...element.children].some(
        (child) => child.getBoundingClientRect().right > window.innerWidth + 0.5))
    .slice(0, 5)
    .map((element) => element.tagName.toLowerCase() + "." + [...element.classList].join("."))"""


def fits(page) -> None:
    """Nothing on the page makes it scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, (
        f"{page.url} is {width}px wide in a {viewport}px window: {page.evaluate(OVERFLOWING)}"
    )


def open_from_dashboard(page, axe, record, panel: str) -> None:
    """On the dashboard, follow the decision's link in the panel named `panel`."""
    page.wait_for_selector("h1:has-text('Dashboard')")
    axe(page)
    fits(page)
    column = page.locator(
        ".govuk-grid-column-one-half", has=page.get_by_role("heading", name=panel)
    )
    column.get_by_role("link", name=record.reference).click()
    page.wait_for_selector(f"h1:has-text('{record.title[:30]}')")
    axe(page)
    fits(page)


def take_step(page, axe, button: str, comments: str | None = None) -> None:
    """On the decision's page: press the step's button, then confirm it on the next page."""
    # A step's button is a form's button, or a link that looks like one (role="button").
    page.locator(".app-workflow").get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector('[name="confirm"]', state="attached")
    axe(page)
    fits(page)
    if comments is not None:
        page.get_by_label("Comments from").fill(comments)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_decision_is_signed_off_published_and_read_by_clicking(
    live_server,
    page,
    axe,
    people,  # noqa: F811 (the fixture above)
    decision,  # noqa: F811 (the fixture above)
    width,
):
    page.set_viewport_size({"width": width, "height": 900})

    # The officer finds the draft among their own and submits it.
    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, axe, decision, "Your drafts")
    take_step(page, axe, "Submit for sign-off")
    assert "has been submitted for sign-off" in page.content()

    # Each signer finds it waiting for them, and takes their step.
    for who, button, comments in (
        ("treasurer", "Sign off", "The office's share is met from the commissioning budget."),
        ("monitoring", "Add comments and pass on", "Legal and procurement advice was taken."),
        ("pcc", "Approve and sign", None),
    ):
        sign_in(page, live_server, people[who])
        open_from_dashboard(page, axe, decision, "Waiting for you")
        take_step(page, axe, button, comments)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED

    # The author finds it waiting to be published, previews it and publishes it.
    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, axe, decision, "Waiting for you")
    page.locator(".app-workflow").get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector("#publish")
    axe(page)
    fits(page)
    page.get_by_role("button", name="Publish this decision").click()
    page.wait_for_load_state()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PUBLISHED

    # A member of the public finds it from the home page, reads it and downloads its PDF.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    axe(page)
    fits(page)
    page.get_by_role("link", name=decision.title).first.click()
    page.wait_for_selector(f"h1:has-text('{decision.title[:30]}')")
    axe(page)
    fits(page)
    assert "The current contracts end on 31 March 2024" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this record as a PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
