"""Three staff pages reached by clicking from the sign-in page, at 1,280 px and 375 px, with
no serious or critical accessibility problem: an officer records a draft's figures, an
administrator records a delegation and ends it, and an officer deletes a contract's notice."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Notice
from decisions.models import Delegation
from tests.browser.journeys import (
    WIDTHS,
    decision_at,
    fits,
    follow,
    form,  # noqa: F401 (a fixture)
    navigate,
    open_from_dashboard,
    people,  # noqa: F401 (a fixture)
    sign_in,
)
from tests.factories import ContractFactory, NoticeFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_records_a_drafts_figures(live_server, page, axe, people, form, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    draft = decision_at(people, form, after=None)

    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, draft, "Your drafts")
    follow(page, "Change the figures", heading="Money")
    axe(page)
    page.get_by_label("Total value").fill("125000")
    page.get_by_label("Revenue", exact=True).check()
    page.get_by_label("Budget it is met from (optional)").fill("Community safety fund 2025/26")
    year = page.get_by_role("group", name="Add a year")
    year.get_by_label("Financial year").fill("2025/26")
    year.get_by_label("Amount").fill("60000")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=draft.title, level=1).wait_for()
    fits(page)

    money = page.locator("#money + *")
    assert "£125,000.00" in money.inner_text()
    figures = draft.money_records.get()
    assert (figures.value, figures.spend_type) == (Decimal("125000.00"), "revenue")
    assert [(y.year, y.amount) for y in draft.yearly_figures.all()] == [(2025, Decimal("60000.00"))]


@pytest.mark.parametrize("width", WIDTHS)
def test_an_administrator_records_a_delegation_and_ends_it(live_server, page, axe, people, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})

    sign_in(page, live_server, people["admin"])
    follow(page, "Delegations", heading="Delegations", exact=True)
    page.get_by_role("button", name="Record a delegation").click()
    page.get_by_role("heading", name="Record a delegation", level=1).wait_for()
    fits(page)
    axe(page)
    page.get_by_label("Delegate's name").fill("Chief Finance Officer")
    page.get_by_label("Instrument", exact=True).fill("Scheme of delegation, paragraph 4.2")
    page.get_by_label("What the delegate may decide").fill("Grants of up to £50,000.")
    starts = page.get_by_role("group", name="Date it takes effect")
    starts.get_by_label("Day").fill("1")
    starts.get_by_label("Month").fill("4")
    starts.get_by_label("Year").fill("2023")
    page.get_by_role("button", name="Record the delegation").click()
    page.get_by_text("has been recorded").wait_for()
    fits(page)
    assert Delegation.objects.get().delegate_name == "Chief Finance Officer"

    page.get_by_role("link", name="End the delegation to Chief Finance Officer").click()
    page.get_by_role("heading", name="End a delegation", level=1).wait_for()
    fits(page)
    ends = page.get_by_role("group", name="Last day it stands")
    ends.get_by_label("Day").fill("31")
    ends.get_by_label("Month").fill("3")
    ends.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="End the delegation").click()
    page.get_by_role("heading", name="Delegations", level=1).wait_for()
    fits(page)
    assert Delegation.objects.get().ends_on == datetime.date(2025, 3, 31)
    assert page.get_by_text("Ended", exact=True).is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_deletes_a_contracts_notice(live_server, page, axe, people, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    contract = ContractFactory(title="Drugs and alcohol misuse service for young people")
    notice = NoticeFactory(contract=contract, identifier="2022/S 000-123456")

    sign_in(page, live_server, people["officer"])
    navigate(page, "Contracts")
    follow(page, contract.reference, heading=contract.title)
    page.get_by_role("link", name=f"Delete notice {notice.identifier}").click()
    page.get_by_role("heading", name="Delete this notice?", level=1).wait_for()
    fits(page)
    axe(page)
    page.get_by_role("button", name="Delete notice").click()
    page.get_by_text("has been deleted").wait_for()
    page.get_by_role("heading", name=contract.title, level=1).wait_for()
    fits(page)

    assert not Notice.objects.filter(pk=notice.pk).exists()
    assert (
        Notice.history.filter(id=notice.pk, history_type="-").get().history_user
        == people["officer"]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_changes_a_drafts_sections(live_server, page, axe, people, form, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    draft = decision_at(people, form, after=None)

    sign_in(page, live_server, people["officer"])
    open_from_dashboard(page, draft, "Your drafts")
    follow(page, "Change the sections", heading="Sections")
    axe(page)
    second = page.get_by_role("group", name="Section 2")
    second.get_by_label("Place").fill("1")
    page.get_by_role("group", name="Add a new one").get_by_label("Heading").fill("Risks")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name=draft.title, level=1).wait_for()
    fits(page)

    assert list(draft.sections.order_by("position").values_list("heading", flat=True)) == [
        "Costs (including any identified savings)",
        "Background information",
        "Risks",
    ]
