"""The footer's information pages in a real browser, reached by clicking from the public home
page, on a laptop's width and a phone's."""

import importlib

import pytest
from django.apps import apps

from tests.browser.journeys import fits

pytestmark = pytest.mark.browser

MIGRATION = importlib.import_module("commissioning.migrations.0004_information_page_defaults")

# The footer link's text, and the heading of the page it opens.
FOOTER_LINKS = [
    ("Accessibility statement", "Accessibility statement"),
    ("Privacy notice", "Privacy notice"),
    ("Cookies", "Cookies"),
    (
        "Contact and freedom of information requests",
        "Contact us and freedom of information requests",
    ),
    ("Open data licence", "Open data licence"),
]


@pytest.fixture
def information_pages(transactional_db):
    """The pages of migration 0004: a live server's test flushes them between tests."""
    MIGRATION.create_pages(apps, None)


def test_each_footer_page_opens_from_the_home_page_without_a_problem(
    information_pages, live_server, screen, axe
):
    for link, heading in FOOTER_LINKS:
        screen.goto(live_server.url + "/")
        screen.locator("footer").get_by_role("link", name=link, exact=True).click()

        screen.wait_for_load_state()
        assert screen.locator("h1").inner_text() == heading
        axe(screen)
        fits(screen)


def test_the_phase_banners_feedback_link_opens_the_contact_pages_feedback_section(
    information_pages, live_server, screen
):
    screen.goto(live_server.url + "/")
    banner = screen.locator(".govuk-phase-banner")
    # In the header's banner landmark, not loose on the page.
    assert screen.locator("header .govuk-phase-banner").count() == 1

    banner.get_by_role("link", name="give your feedback").click()

    screen.wait_for_url("**/contact/#feedback")
    assert screen.locator("#feedback").inner_text() == "Feedback"
    assert screen.locator("#feedback").is_visible()
