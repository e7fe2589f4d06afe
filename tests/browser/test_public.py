"""The public pages and the publishing preview in a real browser: no serious or critical
accessibility problem on any of them."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client

from commissioning.roles import Role
from contracts.models import Commissioner, Extension
from decisions.models import Decision, Exemption
from tests.factories import (
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionSectionFactory,
    ProviderFactory,
    StatutoryCommentFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def role_groups(transactional_db):
    """The role groups of migration 0002: a live server's test flushes them between tests."""
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)


@pytest.fixture
def officer(role_groups):
    return UserFactory(username="public-officer", roles=[Role.OFFICER])


@pytest.fixture
def site(officer):
    """A partly confidential decision, a wholly confidential one, one waiting to be published,
    one withdrawn after publication, and two contracts (one over £10,000, one under)."""
    category = DecisionCategoryFactory(name="Commissioning", slug="commissioning")
    partly = DecisionFactory(
        decided=True,
        reference="WPCC3-0058",
        title="Joint-Commissioning of Drugs and Alcohol Misuse Services",
        category=category,
        decision_maker_name="Philip Seccombe",
        sections=[
            {"heading": "Background information", "part": "Supporting information"},
            {
                "heading": "Costs (including any identified savings)",
                "part": "Supporting information",
                "text": "The extension costs 412,000 for the adult service.",
                "is_withheld": True,
                "exemption": Exemption.S43_2,
                "public_interest_statement": "Prices would weaken the coming tender.",
            },
        ],
    )
    StatutoryCommentFactory(decision=partly)
    confidential = DecisionFactory(
        decided=True,
        reference="WPCC3-0060",
        title="Operational support contract",
        public_subject="A contract supporting police operations.",
    )
    DecisionSectionFactory(decision=confidential, position=1, withheld=True)
    waiting = DecisionFactory(decided=True, reference="WPCC3-0061", title="Awaiting publication")
    withdrawn = DecisionFactory(decided=True, reference="WPCC3-0050", title="Published in error")
    DecisionSectionFactory(decision=withdrawn, position=1)
    for decision in (partly, confidential, withdrawn):
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer)
    withdrawn.withdraw(by=officer, reason="Published in error.")
    contract = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        provider=ProviderFactory(name="Change Grow Live"),
        total_value=Decimal("1250000.00"),
    )
    Commissioner.objects.create(contract=contract, role=Commissioner.Role.LEAD)
    contract.decisions.add(partly)
    contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim extension.",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=partly,
    )
    ContractFactory(reference="OPCC-S-001", title="Leaflets", total_value=Decimal("8500.00"))
    return {"partly": partly, "confidential": confidential, "waiting": waiting}


PUBLIC_PAGES = [
    "/",
    "/decisions/",
    "/decisions/?q=drugs+alcohol",
    "/decisions/?q=nothing+matches+this",
    "/decisions/?year=not-a-year",
    "/decisions/?confidentiality=confidential",
    "/decisions/WPCC3-0058/",
    "/decisions/WPCC3-0060/",
    "/contracts/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(site, live_server, page, axe, path):
    response = page.goto(live_server.url + path)

    assert response.status == 200
    axe(page)


def test_a_withdrawn_decisions_notice_has_no_serious_accessibility_violations(
    site, live_server, page, axe
):
    response = page.goto(live_server.url + "/decisions/WPCC3-0050/")

    assert response.status == 410
    assert "Decision WPCC3-0050 is no longer published" in page.content()
    axe(page)


def test_register_search_and_filters_work_from_the_keyboard(site, live_server, page):
    page.goto(live_server.url + "/decisions/")

    page.get_by_label("Search decisions").fill("drugs")
    page.keyboard.press("Enter")
    page.wait_for_url("**/decisions/?*q=drugs*")

    assert page.get_by_role("link", name="Joint-Commissioning of Drugs and Alcohol Misuse Services")
    assert "1 decision" in page.locator("#results-heading").inner_text()


def test_withheld_text_is_not_in_the_page_at_all(site, live_server, page):
    page.goto(live_server.url + "/decisions/WPCC3-0058/")

    html = page.content()
    assert "Withheld under section 43(2)" in html
    assert site["partly"].sections.get(is_withheld=True).text not in html


def signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_publish_preview_has_no_serious_accessibility_violations(
    site, live_server, page, axe, officer
):
    signed_in(page, live_server, officer)

    page.goto(live_server.url + "/workspace/decisions/WPCC3-0061/publish/")

    assert page.get_by_role("heading", name="Check what the public will see").is_visible()
    axe(page)


def test_officer_publishes_from_the_preview(site, live_server, page, officer):
    signed_in(page, live_server, officer)
    page.goto(live_server.url + "/workspace/decisions/WPCC3-0061/publish/")

    page.get_by_role("button", name="Publish this decision").click()
    page.wait_for_url("**/decisions/WPCC3-0061/")

    assert page.get_by_role("heading", name="Awaiting publication", level=1).is_visible()
    assert Decision.objects.get(reference="WPCC3-0061").status == Decision.Status.PUBLISHED


def test_release_page_has_no_serious_accessibility_violations(
    site, live_server, page, axe, officer
):
    section = site["partly"].sections.get(is_withheld=True)
    signed_in(page, live_server, officer)

    page.goto(f"{live_server.url}/workspace/decisions/WPCC3-0058/release/section/{section.pk}/")

    assert page.get_by_role("button", name="Release and republish").is_visible()
    axe(page)
