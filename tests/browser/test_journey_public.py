"""A member of the public, from the home page, at 1,280 px and 375 px: finds a decision by
searching, reads it (a withheld part says when it may be released, never its text), downloads
its PDF, follows the contract it concerns to its page on the contract register, goes on to
the register and downloads it; and prints the record without the site around it."""

import csv
import datetime
import io

import pytest

from tests.browser.journeys import (
    WIDTHS,
    WITHHELD_COSTS,
    decision_at,
    fits,
    form,  # noqa: F401 (a fixture)
    people,  # noqa: F401 (a fixture)
)
from tests.factories import ContractFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def published(people, form):  # noqa: F811
    decision = decision_at(
        people,
        form,
        after="publish",
        title="Joint-Commissioning of Drugs and Alcohol Misuse Services",
        costs_withheld_until=datetime.date(2027, 4, 1),
    )
    decision.contracts.add(
        ContractFactory(
            reference="WOPCC-DA-ADULT-2018",
            title="Drugs and alcohol misuse service for adults",
        )
    )
    return decision


def downloaded(page, link: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    with open(download.value.path(), "rb") as file:
        return file.read()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_public_find_read_and_download_a_decision_and_its_contract(
    live_server,
    page,
    axe,
    published,
    width,
):
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"{live_server.url}/")
    fits(page)
    page.get_by_role("searchbox").fill("drugs alcohol")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()
    fits(page)
    page.get_by_role("link", name=published.title).first.click()
    page.get_by_role("heading", name=published.title, level=1).wait_for()
    fits(page)
    if width == 375:
        axe(page)

    # The withheld costs: their heading, the exemption and when they may be released.
    withheld = page.locator(".app-withheld")
    assert "section 43(2)" in withheld.inner_text()
    assert "May be released from 1 April 2027." in withheld.inner_text()
    assert WITHHELD_COSTS not in page.content()

    assert downloaded(page, "Download this record as a PDF")[:5] == b"%PDF-"

    # The contract it concerns, on its own page of the contract register, and from there the
    # register itself.
    page.get_by_role("link", name="WOPCC-DA-ADULT-2018: Drugs and alcohol misuse service").click()
    page.get_by_role(
        "heading", name="Drugs and alcohol misuse service for adults", level=1
    ).wait_for()
    fits(page)
    assert "WOPCC-DA-ADULT-2018" in page.locator(".govuk-summary-list").first.inner_text()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Contracts").click()
    page.get_by_role("heading", name="Contracts", level=1).wait_for()
    fits(page)
    register = downloaded(page, "Download as a spreadsheet (CSV)")
    rows = list(csv.DictReader(io.StringIO(register.decode("utf-8-sig"))))
    assert [row["Reference"] for row in rows] == ["WOPCC-DA-ADULT-2018"]


def test_a_printed_record_leaves_out_the_site_around_it_and_gives_link_addresses(
    live_server,
    page,
    published,
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=published.title).first.click()
    page.get_by_role("heading", name=published.title, level=1).wait_for()

    page.emulate_media(media="print")
    # The print stylesheet is fetched when print media is first asked for: wait for it.
    page.get_by_role("navigation", name="Menu").wait_for(state="hidden", timeout=10_000)

    assert not page.get_by_role("navigation", name="Menu").is_visible()
    assert not page.get_by_role("link", name="Sign in").is_visible()
    assert not page.get_by_role("link", name="Accessibility statement").is_visible()
    assert not page.get_by_role("link", name="give your feedback").is_visible()
    assert page.get_by_role("heading", name=published.title, level=1).is_visible()
    contract = page.get_by_role("link", name="WOPCC-DA-ADULT-2018: Drugs and alcohol misuse")
    after = contract.evaluate("link => getComputedStyle(link, '::after').content")
    assert after == '" (/contracts/WOPCC-DA-ADULT-2018/)"'

    page.emulate_media(media="screen")
    assert page.get_by_role("navigation", name="Menu").is_visible()
