"""The shared page layout (templates/base.html), checked in a real browser."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def home(live_server, page):
    page.goto(live_server.url + "/")
    return page


def test_skip_link_moves_focus_to_main_content(home):
    home.keyboard.press("Tab")
    focused = home.evaluate("document.activeElement.className")
    assert "govuk-skip-link" in focused

    home.keyboard.press("Enter")

    # GOV.UK Frontend's skip link JS focuses the target; without JS the
    # browser only scrolls to it, so accept either outcome.
    home.wait_for_function(
        "document.activeElement.id === 'main-content' || location.hash === '#main-content'"
    )


def test_header_names_the_office_without_the_crown(live_server, page, settings):
    settings.OFFICE_NAME = "Office of the Police, Fire and Crime Commissioner for Testshire"
    page.goto(live_server.url + "/")

    header = page.locator("header .govuk-header")
    assert settings.OFFICE_NAME in header.inner_text()
    assert settings.OFFICE_NAME in page.title()
    assert page.locator(".govuk-header__logotype").count() == 0
    assert header.locator("svg").count() == 0


@pytest.mark.parametrize("selector", ["body", ".govuk-header", ".govuk-body"])
def test_text_is_arial_not_gds_transport(home, selector):
    font_family = home.evaluate(
        "selector => getComputedStyle(document.querySelector(selector)).fontFamily", selector
    ).lower()
    assert "arial" in font_family
    assert "gds transport" not in font_family


def test_govuk_frontend_stylesheet_is_applied(home):
    background = home.evaluate(
        "getComputedStyle(document.querySelector('.govuk-header')).backgroundColor"
    )
    assert background not in ("", "transparent", "rgba(0, 0, 0, 0)")


def test_javascript_runs_from_files_without_inline_script(home):
    home.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    assert home.evaluate("document.body.classList.contains('js-enabled')")
    # initAll() has run: the service navigation has been initialised.
    home.wait_for_selector(
        '[data-module="govuk-service-navigation"][data-govuk-service-navigation-init]',
        state="attached",
    )

    inline_scripts = home.locator("script:not([src])")
    assert inline_scripts.count() == 0


def test_page_has_no_serious_accessibility_violations(home, axe):
    axe(home)
