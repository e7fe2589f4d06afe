"""What the journey tests (test_journey*.py) share: the people, a decision on the office's form
at any stage of its sign-off, and the moves a person makes (signing in, opening a record from
the dashboard, taking a step), each checking that the page fits the window.

A journey reaches every step by clicking from the page before, starting at the sign-in page
(staff) or the public home page (the public); it never types an action page's address.
Selectors name what a person sees (a role and its accessible name, a label), so that wording
around them may change. The browser and the live server are shared by every test of the
session; each test builds its own data with the factories.
"""

import datetime
import importlib

import pytest
from django.apps import apps

from commissioning.roles import Role
from decisions.models import Decision, Exemption
from tests.factories import DecisionTemplateFactory, StartedDecisionFactory, UserFactory

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]
PASSWORD = "demo"

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


def make_people() -> dict:
    """One person in each role, and an administrator; each signs in with PASSWORD."""
    # A live server test flushes the database afterwards, so the role groups made by the
    # migration may be gone: make them again.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    return {
        "officer": UserFactory(
            username="officer", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
        ),
        "treasurer": UserFactory(
            username="treasurer", first_name="Demo", last_name="Treasurer", roles=[Role.TREASURER]
        ),
        "monitoring": UserFactory(
            username="monitoring",
            first_name="Demo",
            last_name="Monitoring Officer",
            roles=[Role.MONITORING_OFFICER],
        ),
        "chief": UserFactory(
            username="chief", first_name="Debbie", last_name="Tedds", roles=[Role.CHIEF_OFFICER]
        ),
        "pcc": UserFactory(
            username="pcc", first_name="Philip", last_name="Seccombe", roles=[Role.COMMISSIONER]
        ),
        "admin": UserFactory(
            username="admin", first_name="Demo", last_name="Administrator", administrator=True
        ),
    }


@pytest.fixture
def people(transactional_db) -> dict:
    return make_people()


@pytest.fixture
def form(transactional_db):
    """The office's form, with the sections a journey writes."""
    return DecisionTemplateFactory(
        name="Warwickshire decision record (WPCC3)",
        reference_format="WPCC3-{number:04}",
        sections=[
            {"heading": "Background information", "is_mandatory": True},
            {"heading": "Costs (including any identified savings)", "is_mandatory": False},
        ],
    )


WITHHELD_COSTS = "The extension costs 412,000 for the adult service."

# The steps that take a draft to each stage: (status, [(person, method, comments)]).
ROUTE = [
    ("officer", "submit", None),
    ("treasurer", "sign_off", "The office's share is met from the commissioning budget."),
    ("monitoring", "comment", "Legal and procurement advice was taken."),
    ("chief", "approve_force_business", None),
    ("pcc", "approve", None),
    ("officer", "publish", None),
]


def decision_at(
    people: dict,
    form,
    *,
    after: str | None,
    force_business=False,
    costs_withheld_until: datetime.date | None = None,
    **fields,
) -> Decision:
    """A decision written by the officer on `form`, taken through the ROUTE's steps up to and
    including the step `after` (None: a draft). The Chief Officer's step is taken only for
    force business. With `costs_withheld_until`, its costs section is withheld under section
    43(2) until that date."""
    fields.setdefault("title", "Phase 2: joint procurement of drugs and alcohol services")
    fields.setdefault("summary", "To procure the adult and youth lots with the county council.")
    decision = StartedDecisionFactory(
        template=form, author=people["officer"], is_force_business=force_business, **fields
    )
    for section in decision.sections.all():
        section.text = f"The {section.heading.lower()} of the decision, in the officer's words."
        if costs_withheld_until and section.heading.startswith("Costs"):
            section.text = WITHHELD_COSTS
            section.is_withheld = True
            section.exemption = Exemption.S43_2
            section.public_interest_statement = "The prices would weaken the next tender."
            section.release_on = costs_withheld_until
        section._history_user = people["officer"]
        section.save()
    decision.refresh_confidentiality(by=people["officer"])
    if after is None:
        return decision
    for who, method, comments in ROUTE:
        if method == "approve_force_business" and not force_business:
            continue
        arguments = {"comments": comments} if comments else {}
        decision.refresh_from_db()
        getattr(decision, method)(by=people[who], **arguments)
        if method == after:
            break
    decision.refresh_from_db()
    return decision


def sign_in(page, live_server, user) -> None:
    """Sign out, then in again as `user`, from the sign-in page."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{user.username} could not sign in"
    fits(page)


def open_from_dashboard(page, record, panel: str) -> None:
    """On the dashboard, follow the decision's link in the panel headed `panel`."""
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    column = page.locator(
        ".govuk-grid-column-one-half", has=page.get_by_role("heading", name=panel)
    )
    column.get_by_role("link", name=record.reference).click()
    page.get_by_role("heading", name=record.title, level=1).wait_for()
    fits(page)


def follow(page, name: str, *, heading: str | None = None, exact=False) -> None:
    """Follow the link named `name`, then (if given) wait for the page's main heading."""
    page.get_by_role("link", name=name, exact=exact).first.click()
    if heading:
        page.get_by_role("heading", name=heading, level=1).wait_for()
    page.wait_for_load_state()
    fits(page)


def navigate(page, name: str) -> None:
    """Follow the service navigation's item `name`, opening the menu first on a phone."""
    navigation = page.get_by_role("navigation", name="Menu")
    toggle = page.locator(".govuk-service-navigation__toggle")
    if toggle.is_visible():
        toggle.click()
    navigation.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    fits(page)


def take_step(page, button: str, answers: dict | None = None, axe=None) -> None:
    """On the decision's page: press the step's button, then on the next page (checked by
    `axe` when given) give the `answers` ({label: text}) and confirm it."""
    # A step's button is a form's button, or a link that looks like one (role="button").
    page.locator(".app-workflow").get_by_role("button", name=button, exact=True).click()
    page.wait_for_selector('[name="confirm"]', state="attached")
    fits(page)
    if axe is not None:
        axe(page)
    for label, text in (answers or {}).items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    fits(page)
