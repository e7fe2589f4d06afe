"""The forward plan in a real browser: a member of the public reaches it from the home page,
and an officer adds a planned decision and starts it, each by clicking, on a laptop's width
and a phone's."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from commissioning.roles import Role
from decisions.models import PlannedDecision
from tests.browser.journeys import fits
from tests.factories import DecisionTemplateFactory, UserFactory

pytestmark = pytest.mark.browser

ROLES = importlib.import_module("decisions.migrations.0002_roles")


def open_menu_item(page, name: str) -> None:
    """Click a service navigation link; on a phone the links are behind the Menu button."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()
    page.wait_for_load_state()


def test_a_reader_finds_the_forward_plan_from_the_home_page(
    transactional_db, live_server, screen, axe
):
    PlannedDecision.objects.create(
        title="Community safety grants",
        description="Grants from the crime reduction budget.",
        expected_on=timezone.localdate() + datetime.timedelta(days=30),
    )

    screen.goto(live_server.url + "/")
    open_menu_item(screen, "Forward plan")

    assert screen.locator("h1").inner_text() == "Forward plan"
    assert screen.get_by_role("heading", name="Community safety grants").is_visible()
    axe(screen)
    fits(screen)


def test_an_officer_adds_a_planned_decision_and_starts_it(
    transactional_db, live_server, screen, axe
):
    ROLES.create_roles(apps, None)
    UserFactory(username="olive", roles=[Role.OFFICER])
    DecisionTemplateFactory(name="Decision record")

    screen.goto(live_server.url + "/accounts/login/")
    screen.get_by_label("Username").fill("olive")
    screen.get_by_label("Password").fill("demo")
    screen.get_by_role("button", name="Sign in").click()
    screen.wait_for_load_state()
    open_menu_item(screen, "Forward plan")
    axe(screen)
    screen.get_by_role("button", name="Add a planned decision").click()

    screen.get_by_label("Title").fill("Renewal of the custody visiting scheme")
    screen.get_by_label("What the decision is about").fill("The scheme's agreement is due.")
    screen.get_by_label("Day").fill("1")
    screen.get_by_label("Month").fill("3")
    screen.get_by_label("Year").fill("2027")
    screen.get_by_label("The Police and Crime Commissioner").check()
    axe(screen)
    fits(screen)
    screen.get_by_role("button", name="Add to the forward plan").click()
    screen.wait_for_load_state()

    # The new planned decision's page opens.
    assert screen.locator("h1").inner_text() == "Renewal of the custody visiting scheme"
    screen.get_by_role("button", name="Start the decision").click()
    screen.get_by_label("Decision record").check()
    axe(screen)
    screen.get_by_role("button", name="Open the draft").click()
    screen.wait_for_load_state()

    assert (
        "opened from the forward plan" in screen.locator(".govuk-notification-banner").inner_text()
    )
    plan = PlannedDecision.objects.get()
    assert plan.status == PlannedDecision.Status.STARTED
    assert screen.url.endswith(f"/workspace/decisions/{plan.decision.reference}/edit/")
