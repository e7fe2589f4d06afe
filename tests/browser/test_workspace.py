"""The officer workspace in a real browser: an officer signs in, writes a decision on the
order-and-report form with a withheld section and a linked contract, records an extension
authorised by it, and finds both on the timeline and in the history."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from commissioning.roles import Role
from contracts.models import Contract
from decisions.models import Decision, Exemption
from tests.factories import (
    ContractFactory,
    DecisionTemplateFactory,
    LotFactory,
    ProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

ORDER_SECTIONS = [
    {"heading": "Order", "part": "Executive order", "is_mandatory": True},
    {"heading": "Reasons for the order", "part": "Executive order", "is_mandatory": True},
    {"heading": "Executive summary", "part": "Supporting report"},
    {"heading": "Financial implications", "part": "Supporting report", "is_mandatory": True},
    {"heading": "Legal implications", "part": "Supporting report"},
]


@pytest.fixture
def office(transactional_db):
    # A live server test flushes the database afterwards, so the role groups made by the
    # migration may be gone: make them again.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    officer = UserFactory(
        username="officer", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
    )
    DecisionTemplateFactory(
        name="Warwickshire decision record (WPCC3)",
        reference_format="WPCC3-{number:04}",
        sections=["Background information"],
    )
    DecisionTemplateFactory(
        name="Executive order and supporting report",
        reference_format="EXE{number:04}/{yy}",
        summary_label="Summary of the order",
        sections=ORDER_SECTIONS,
    )
    contract = ContractFactory(
        reference="WOPCC-DA-YOUTH-2018",
        title="Drugs and alcohol misuse service for young people",
        provider=ProviderFactory(name="Compass"),
        lot=LotFactory(number=5, title="Drugs and alcohol misuse: young people"),
        starts_on=datetime.date(2018, 4, 1),
        ends_on=datetime.date(2023, 3, 31),
        extension_options_remaining=0,
    )
    return {"officer": officer, "contract": contract}


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/workspace/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_officer_writes_a_decision_extends_a_contract_and_sees_it_everywhere(
    live_server, page, axe, office
):
    sign_in(page, live_server, "officer")
    axe(page)

    # A new decision, on the form that is not the first one offered.
    page.get_by_role("button", name="Start a new decision").first.click()
    axe(page)
    page.get_by_label("Executive order and supporting report").check()
    page.get_by_role("button", name="Continue").click()
    reference = page.get_by_label("Reference", exact=True).input_value()
    assert re.fullmatch(r"EXE0001/\d\d", reference)
    page.get_by_label("Title", exact=True).fill("Interim extension of the young people's service")
    page.get_by_label("Summary of the order").fill(
        "Extend the young people's service by twelve months while it is recommissioned."
    )
    axe(page)
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Check your answers before opening the draft")
    ).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Open the draft").click()

    # The editor follows the form: its parts and sections in order.
    expect(page.get_by_role("heading", name="Edit the decision")).to_be_visible()
    expect(page.get_by_role("heading", name="Executive order")).to_be_visible()
    expect(page.get_by_role("heading", name="Supporting report")).to_be_visible()
    page.get_by_role("textbox", name="Order", exact=True).fill(
        "The contract with Compass is extended to 31 March 2024."
    )
    page.get_by_role("textbox", name="Financial implications").fill(
        "The extension costs 96,000 pounds."
    )

    # Withholding a section reveals the exemption questions.
    withhold = page.get_by_role(
        "checkbox", name=re.compile("Withhold this section.*Financial implications")
    )
    exemption = page.locator("#id_sections-3-exemption")
    expect(exemption).to_be_hidden()
    withhold.check()
    expect(exemption).to_be_visible()
    axe(page)
    exemption.select_option(Exemption.S43_2.value)
    page.locator("#id_sections-3-public_interest_statement").fill(
        "Publishing the price now would weaken the coming tender."
    )
    page.get_by_label("Add contracts by reference").fill("WOPCC-DA-YOUTH-2018")
    page.get_by_role("button", name="Save changes").click()

    # The decision page lays the record out as the form does, withheld text marked.
    expect(page.get_by_text("Your changes have been saved.")).to_be_visible()
    expect(
        page.get_by_text("Withheld from publication: Section 43(2): commercial interests")
    ).to_be_visible()
    expect(page.get_by_role("link", name="WOPCC-DA-YOUTH-2018")).to_be_visible()
    axe(page)
    decision = Decision.objects.get(reference=reference)
    assert decision.confidentiality == Decision.Confidentiality.PARTLY
    assert list(decision.contracts.all()) == [office["contract"]]

    # Record an extension of the linked contract, authorised by the new decision.
    page.get_by_role("link", name="WOPCC-DA-YOUTH-2018").click()
    expect(
        page.get_by_role("heading", name="Drugs and alcohol misuse service for young people")
    ).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Record an extension").click()
    axe(page)
    new_end = page.get_by_role("group", name="New end date")
    new_end.get_by_label("Day").fill("31")
    new_end.get_by_label("Month").fill("3")
    new_end.get_by_label("Year").fill("2024")
    page.get_by_label("Reason").fill("Twelve months while the service is recommissioned.")
    page.get_by_label("An exemption from the Finance and Contract Regulations").check()
    page.get_by_label("Authorising decision (optional)").select_option(str(decision.pk))
    page.get_by_role("button", name="Record extension").click()
    expect(page.get_by_text("the contract now ends on 31 March 2024")).to_be_visible()
    expect(page.get_by_text("end moved from 31 March 2023 to 31 March 2024")).to_be_visible()
    assert Contract.objects.get().ends_on == datetime.date(2024, 3, 31)

    # The timeline draws the extension, and its table says so. It shows the years around
    # today unless asked for others: these run from 2018.
    page.get_by_role("link", name="Timeline", exact=True).click()
    page.goto(f"{page.url}?from_year=2018&to_year={datetime.date.today().year}")
    expect(
        page.locator(".app-contract-timeline__svg .app-contract-timeline__bar--extension")
    ).to_have_count(1)
    expect(
        page.get_by_role("cell", name=re.compile("Extension from 31 March 2023 to 31 March 2024"))
    ).to_be_visible()
    axe(page)

    # The contract's history has the extension; the decision's has the withheld section.
    page.goto(live_server.url + f"/workspace/contracts/{office['contract'].pk}/")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Extension to 31 March 2024")).to_be_visible()
    expect(page.get_by_text("By Sara Ansell").first).to_be_visible()
    axe(page)
    page.goto(live_server.url + f"/workspace/decisions/{reference}/history/")
    expect(
        page.get_by_role("heading", name="Changed: Section 4: Financial implications")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Section 43(2): commercial interests")).to_be_visible()


def test_a_form_with_errors_links_each_error_to_its_field(live_server, page, axe, office):
    sign_in(page, live_server, "officer")
    page.goto(live_server.url + f"/workspace/contracts/{office['contract'].pk}/extend/")

    page.get_by_role("button", name="Record extension").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter the new end date")).to_be_visible()
    axe(page)
    summary.get_by_role("link", name="Enter the reason for the extension").click()
    expect(page.get_by_label("Reason")).to_be_focused()
