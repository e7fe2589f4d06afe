"""Keeping the register, in a real browser, each step by clicking from the sign-in page, at
1,280 px and 375 px: an officer withdraws one published decision and marks another as
superseded, releases a withheld part, records a contract's extension and imports a file of
contracts; an administrator gives a new person a role in the admin, and that person signs in
to the workspace."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from commissioning.roles import Role, roles_of
from contracts.models import Contract
from decisions.models import DecisionStatus
from tests.browser.journeys import (
    PASSWORD,
    WIDTHS,
    WITHHELD_COSTS,
    decision_at,
    fits,
    follow,
    form,  # noqa: F401 (a fixture)
    navigate,
    people,  # noqa: F401 (a fixture)
    sign_in,
    take_step,
)
from tests.factories import ContractFactory

pytestmark = pytest.mark.browser

EXAMPLE_CONTRACTS = Path(__file__).resolve().parents[2] / "examples" / "contracts.csv"


def open_decision(page, decision) -> None:
    """From anywhere in the workspace: the decision register, then the decision."""
    navigate(page, "Decisions")
    follow(page, decision.reference, heading=decision.title)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_withdraws_one_decision_and_marks_another_superseded(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    check = axe if width == 375 else None
    mistaken = decision_at(people, form, after="publish", title="Published in error")
    old = decision_at(people, form, after="publish", title="Victim services: the 2022 plan")
    new = decision_at(people, form, after="approve", title="Victim services: the 2023 plan")

    sign_in(page, live_server, people["officer"])
    open_decision(page, mistaken)
    take_step(
        page,
        "Withdraw from publication",
        {"Why is it withdrawn?": "It was published before the partners had agreed it."},
        axe=check,
    )
    mistaken.refresh_from_db()
    assert mistaken.status == DecisionStatus.WITHDRAWN

    open_decision(page, old)
    take_step(
        page, "Mark as superseded", {"Reference of the later decision": new.reference}, axe=check
    )
    old.refresh_from_db()
    assert old.status == DecisionStatus.SUPERSEDED
    assert old.links_in.get().from_decision == new


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_releases_a_withheld_part(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    form,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    decision = decision_at(
        people, form, after="publish", costs_withheld_until=datetime.date(2024, 4, 1)
    )

    sign_in(page, live_server, people["officer"])
    open_decision(page, decision)
    page.get_by_role("link", name="Release “Costs (including any identified savings)”").click()
    page.get_by_role("button", name="Release and republish").wait_for()
    fits(page)
    if width == 375:
        axe(page)
    page.get_by_role("button", name="Release and republish").click()
    page.get_by_role("heading", name=decision.title, level=1).wait_for()

    # The public record now shows the costs.
    assert page.get_by_text(WITHHELD_COSTS).is_visible()
    fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_records_a_contracts_extension(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    contract = ContractFactory(
        reference="WOPCC-DA-YOUTH-2018",
        title="Drugs and alcohol misuse service for young people",
        ends_on=datetime.date(2023, 3, 31),
    )

    sign_in(page, live_server, people["officer"])
    navigate(page, "Contracts")
    follow(page, contract.reference, heading=contract.title)
    follow(page, "Record an extension")
    if width == 375:
        axe(page)
    end = page.get_by_role("group", name="New end date")
    end.get_by_label("Day").fill("31")
    end.get_by_label("Month").fill("3")
    end.get_by_label("Year").fill("2024")
    page.get_by_label("Reason").fill("Twelve months while the services are recommissioned.")
    page.get_by_label("An exemption from the Finance and Contract Regulations").check()
    page.get_by_role("button", name="Record extension").click()
    page.get_by_role("heading", name=contract.title, level=1).wait_for()
    fits(page)

    contract.refresh_from_db()
    assert contract.ends_on == datetime.date(2024, 3, 31)
    assert contract.extensions.get().reason.startswith("Twelve months")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_imports_a_file_of_contracts(
    live_server,
    page,
    axe,
    people,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})

    sign_in(page, live_server, people["officer"])
    navigate(page, "Contracts")
    page.get_by_role("button", name="Import contracts").click()
    # The GOV.UK file upload puts a "Choose file" button in front of the file input.
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a file").click()
    chooser.value.set_files(EXAMPLE_CONTRACTS)
    fits(page)
    page.get_by_role("button", name="Check the file").click()
    # The check lists what would be created; nothing is saved yet.
    importing = page.get_by_role("button", name="Import", exact=False).first
    importing.wait_for()
    fits(page)
    if width == 375:
        axe(page)
    assert not Contract.objects.exists()
    importing.click()
    page.wait_for_load_state()
    fits(page)

    assert Contract.objects.filter(reference="WOPCC-DA-ADULT-2018").exists()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_administrator_gives_a_new_person_a_role(
    live_server,
    page,
    people,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})

    sign_in(page, live_server, people["admin"])
    follow(page, "Administration")
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Username").fill("deputy.treasurer")
    # The password fields: Django 5.1 and later ask whether the user may sign in with one.
    usable = page.get_by_label("Enabled")
    if usable.count():
        usable.check()
    page.get_by_label("Password:", exact=True).fill(PASSWORD + "-but-longer-2026")
    page.get_by_label("Password confirmation").fill(PASSWORD + "-but-longer-2026")
    page.get_by_role("button", name="Save", exact=True).click()

    # The person's page: their role is a group.
    page.get_by_label("First name").fill("Deputy")
    page.get_by_label("Last name").fill("Treasurer")
    page.get_by_role("listbox", name="Available groups").select_option(label=Role.TREASURER.value)
    page.get_by_role("button", name="Choose selected groups").click()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()

    person = get_user_model().objects.get(username="deputy.treasurer")
    assert roles_of(person) == {Role.TREASURER.value}

    # They sign in to the workspace.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("deputy.treasurer")
    page.get_by_label("Password").fill(PASSWORD + "-but-longer-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Dashboard", level=1).wait_for()
    fits(page)
