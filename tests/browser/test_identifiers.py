"""An officer records a contract's Find a Tender notice by clicking from the contract register,
and the public reads it on the contract's own page, clicked from the public contract register,
at 1,280 px and 375 px."""

import datetime
import re

import pytest

from commissioning.roles import Role
from tests.browser.test_journeys import WIDTHS, fits, sign_in
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.browser

ADDRESS = "https://www.find-tender.service.gov.uk/Notice/031247-2022?origin=SearchResults&p=1"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_adds_a_notice_and_the_public_sees_it(live_server, page, axe, width):
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2024", ends_on=datetime.date(2099, 3, 31))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, officer)

    page.goto(f"{live_server.url}/workspace/")
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # a narrow window folds the navigation into a menu
        menu.click()
    page.get_by_role("link", name="Contracts", exact=True).first.click()
    page.get_by_role("link", name=contract.reference).first.click()
    page.get_by_role("link", name="Add a notice").click()
    axe(page)
    fits(page)
    page.get_by_label("Find a Tender").check()
    page.get_by_label("Notice identifier").fill("2022/S 000-031247")
    page.get_by_label(re.compile(r"^Address")).fill("ftp://" + ADDRESS.removeprefix("https://"))
    page.get_by_role("button", name="Add notice").click()
    assert page.get_by_text("starting https:// or http://").first.is_visible()
    axe(page)
    page.get_by_label(re.compile(r"^Address")).fill(ADDRESS)
    page.get_by_role("button", name="Add notice").click()
    page.wait_for_selector("text=Notice added.")
    assert page.get_by_role("link", name="2022/S 000-031247", exact=True).is_visible()
    axe(page)
    fits(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/contracts/")
    page.get_by_role("link", name=contract.title, exact=True).click()
    page.get_by_role("heading", name=contract.title, level=1).wait_for()
    link = page.get_by_role("link", name="2022/S 000-031247", exact=True)
    assert link.get_attribute("href") == ADDRESS
    axe(page)
    fits(page)
