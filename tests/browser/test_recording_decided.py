"""Recording a decision taken on paper years ago, in a real browser, by clicking: an officer
given the permission writes its content, records it with its wet signature and the scan of
the signed copy, and its public page shows the dates and the signatory as recorded, with
where the record came from. At 1,280 px and 375 px, with axe."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from commissioning.roles import Role
from decisions.models import Decision, DecisionStatus, SignatureMethod, SignedCopy
from decisions.publication.record import RECORDED_FROM_SIGNED_RECORD
from tests.browser.test_journeys import fits
from tests.conftest import give_permission
from tests.factories import DecisionTemplateFactory, UserFactory

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]
SCAN = b"%PDF-1.4\n% a scan of the signed paper record\n%%EOF\n"


@pytest.fixture
def office(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # A live server test flushes the database afterwards: make the role groups again.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    officer = UserFactory(
        username="recorder", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
    )
    give_permission(officer, "decisions.record_decided")
    DecisionTemplateFactory(
        name="Warwickshire decision record (WPCC3)",
        reference_format="WPCC3-{number:04}",
        sections=["Background information"],
    )
    return officer


def fill_date(page, prefix: str, day: datetime.date) -> None:
    page.locator(f"#{prefix}_day").fill(str(day.day))
    page.locator(f"#{prefix}_month").fill(str(day.month))
    page.locator(f"#{prefix}_year").fill(str(day.year))


def checked(page, axe) -> None:
    axe(page)
    fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_records_a_paper_decision_and_the_public_reads_it(
    live_server, page, axe, office, width, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/workspace/")
    page.get_by_label("Username").fill("recorder")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    checked(page, axe)

    # From the dashboard: how it goes, then the content, written as a draft.
    page.get_by_role("button", name="Record a decision already taken").click()
    expect(page.get_by_role("heading", name="Record a decision already taken")).to_be_visible()
    checked(page, axe)
    page.get_by_role("button", name="Write its content").click()
    page.get_by_label("Warwickshire decision record (WPCC3)").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Title", exact=True).fill("Victims' services grant for 2019 to 2020")
    page.get_by_label("Decision summary").fill(
        "To award the victims' services grant for the year from April 2019."
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Open the draft").click()
    expect(page.get_by_role("heading", name="Edit the decision")).to_be_visible()
    page.get_by_role("textbox", name="Background information").fill(
        "The Ministry of Justice grant funds victims' services commissioned locally."
    )
    page.get_by_role("button", name="Save changes").click()

    # On its page, recorded as decided with what the signed record says.
    page.locator(".app-workflow").get_by_role(
        "button", name="Record as a decision already taken"
    ).click()
    expect(page.get_by_role("heading", name="Record as a decision already taken")).to_be_visible()
    checked(page, axe)
    page.get_by_label("What are you recording it from?").fill(
        "The signed decision record in the office's 2019 decision file"
    )
    fill_date(page, "id_decided_on", datetime.date(2019, 3, 4))
    page.get_by_label("Decision maker, as named on the record").fill("Ron Ball")
    maker = page.locator("fieldset", has=page.get_by_text("The decision maker", exact=True))
    maker.get_by_label("Name").fill("Ron Ball")
    maker_prefix = maker.get_by_label("Name").get_attribute("id")[: -len("-name")]
    fill_date(page, f"{maker_prefix}-signed_on", datetime.date(2019, 3, 4))
    maker.get_by_label("In ink (a wet signature held by the office)").check()
    scan = tmp_path / "signed record.pdf"
    scan.write_bytes(SCAN)
    # The GOV.UK file upload puts a "Choose file" button, with the field's id, in front of the
    # file input.
    with page.expect_file_chooser() as chooser:
        page.locator("#id_signed_copy").click()
    chooser.value.set_files(str(scan))
    page.get_by_label("It was published: give the date").check()
    fill_date(page, "id_published_on", datetime.date(2019, 3, 11))
    checked(page, axe)
    page.get_by_role("button", name="Record as decided").click()
    expect(page.get_by_text("has been recorded as decided and published")).to_be_visible()
    checked(page, axe)

    decision = Decision.objects.get(title__startswith="Victims' services grant")
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.signatures.get().method == SignatureMethod.WET
    assert SignedCopy.objects.get(decision=decision).file.read() == SCAN

    # The public finds it on the register and reads it as recorded.
    page.context.clear_cookies()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=decision.title).first.click()
    expect(page.get_by_role("heading", name=re.compile("Victims' services grant"))).to_be_visible()
    checked(page, axe)
    text = page.locator("main").inner_text()
    assert "Ron Ball" in text
    assert "4 March 2019" in text
    assert "11 March 2019" in text
    assert "Wet signature held in the office" in text
    assert RECORDED_FROM_SIGNED_RECORD in text
    assert "signed record.pdf" not in page.content()
