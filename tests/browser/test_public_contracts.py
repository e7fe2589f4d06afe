"""A member of the public uses the contract register in a real browser, on a desktop and on a
phone: from the public home, finds a contract by search and filter, downloads the list and
opens the contract's page; filters the decision register by dates and sorts it; and follows
the decision feed's link. Every page is checked with axe, and none may scroll sideways."""

import csv
import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps

from commissioning.roles import Role
from contracts.models import Contract, Extension
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    DecisionSectionFactory,
    ProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

WIDTHS = [1280, 375]


@pytest.fixture
def sized_page(browser, request):
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def contracts(transactional_db):
    officer = UserFactory(username="register-officer")
    growing = ProviderFactory(name="Change Grow Live")
    adult = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        title="Drugs and alcohol service for adults",
        provider=growing,
        total_value=Decimal("1250000.00"),
    )
    adult.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim extension while the joint procurement runs.",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
    )
    ContractFactory(
        reference="WOPCC-DA-YP-2018",
        title="Drugs and alcohol service for young people",
        provider=growing,
        status=Contract.Status.ENDED,
    )
    for number in range(25):
        ContractFactory(reference=f"OPCC-C-{number:03}", title=f"Victim support {number}")


def fits_the_screen(page) -> None:
    """Nothing on the page makes it scroll sideways (WCAG 2.2, 1.4.10 Reflow)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= page.viewport_size["width"], f"{page.url} is {wide}px wide"


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True)
def test_member_of_public_finds_a_contract_and_downloads_the_list(
    contracts, live_server, sized_page, axe
):
    page = sized_page
    page.goto(live_server.url + "/")
    if page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()  # the phone's collapsed navigation
    page.get_by_role("link", name="Contracts", exact=True).click()
    page.wait_for_url("**/contracts/")

    assert "Showing 1 to 20 of 27 contracts" in page.locator("#results-heading").inner_text()
    # The spend charts, each a picture with its table, within the width of a phone too.
    assert page.get_by_role("img", name="Spend by provider").is_visible()
    assert page.get_by_role("region", name="Spend by provider").is_visible()
    fits_the_screen(page)
    axe(page)

    page.get_by_label("Search contracts").fill("drugs alcohol")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/contracts/?*q=drugs*")
    assert "of 2 contracts" in page.locator("#results-heading").inner_text()

    page.get_by_label("Status").select_option(label="Active")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/contracts/?*status=active*")
    assert "Showing 1 to 1 of 1 contract" in page.locator("#results-heading").inner_text()
    fits_the_screen(page)
    axe(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8"))))
    assert [row["Reference"] for row in rows] == ["WOPCC-DA-ADULT-2018"]

    page.get_by_role("link", name="Drugs and alcohol service for adults").click()
    page.wait_for_url("**/contracts/WOPCC-DA-ADULT-2018/")
    assert page.get_by_role("heading", name="Drugs and alcohol service for adults", level=1)
    assert "Extension from" in page.content()
    assert page.get_by_role("region", name="Timeline of contract WOPCC-DA-ADULT-2018").is_visible()
    fits_the_screen(page)
    axe(page)


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True)
def test_following_the_feed_link_in_a_browser_explains_the_feed(
    transactional_db, live_server, sized_page, axe
):
    page = sized_page
    page.goto(live_server.url + "/decisions/")

    page.get_by_role("link", name="Follow new publications (Atom feed)").click()
    page.wait_for_url("**/decisions/feed/")

    assert page.get_by_role("heading", name="Follow new decisions", level=1).is_visible()
    assert page.get_by_label("The feed's address").input_value().endswith("/decisions/feed/")
    fits_the_screen(page)
    axe(page)


@pytest.fixture
def decisions(transactional_db):
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    officer = UserFactory(username="register-publisher", roles=[Role.OFFICER])
    for number, (title, day) in enumerate(
        [
            ("Youth diversion grant", datetime.date(2023, 5, 1)),
            ("Adult recovery contract", datetime.date(2024, 2, 1)),
            ("Custody healthcare", datetime.date(2024, 8, 1)),
        ]
    ):
        decision = DecisionFactory(
            decided=True,
            reference=f"WPCC3-01{number:02}",
            title=title,
            decided_on=day,
            signed_on=day,
        )
        DecisionSectionFactory(decision=decision, position=1)
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer)


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True)
def test_member_of_public_filters_decisions_by_date_and_sorts_them(
    decisions, live_server, sized_page, axe
):
    page = sized_page
    page.goto(live_server.url + "/decisions/")

    dates = page.get_by_role("group", name="Decided on or after")
    dates.get_by_label("Day").fill("1")
    dates.get_by_label("Month").fill("1")
    dates.get_by_label("Year").fill("2024")
    page.get_by_label("Sort by").select_option(label="Title, A to Z")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/decisions/?*sort=title*")

    assert "Showing 1 to 2 of 2 decisions" in page.locator("#results-heading").inner_text()
    titles = page.locator(".app-results h2, .app-results h3").all_inner_texts()
    assert [title.strip() for title in titles][:2] == [
        "Adult recovery contract",
        "Custody healthcare",
    ]
    fits_the_screen(page)
    axe(page)
