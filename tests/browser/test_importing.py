"""The import pages in a real browser: upload, problems, the plan, the import; and axe."""

import pytest
from django.contrib.auth.models import Group

from commissioning.roles import Role
from decisions.models import Decision
from tests.conftest import give_permission
from tests.factories import UserFactory
from tests.importing.conftest import EXAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer_page(live_server, page, client):
    # A transactional test database is emptied after each test, the groups the migrations
    # made included: make sure the officers' group is there.
    Group.objects.get_or_create(name=Role.OFFICER.value)
    officer = give_permission(
        UserFactory(username="importing-officer", roles=[Role.OFFICER]),
        "decisions.record_decided",
    )
    client.force_login(officer)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def choose_file(page, path) -> None:
    """Choose the file as a person does: GOV.UK's file upload's button opens the chooser."""
    with page.expect_file_chooser() as chooser:
        page.locator(".govuk-file-upload-button").click()
    chooser.value.set_files(str(path))


def test_officer_checks_then_imports_the_example_decisions(live_server, officer_page, axe):
    page = officer_page
    page.goto(live_server.url + "/workspace/import/decisions/")
    assert page.locator("h1").inner_text() == "Import decision records"
    axe(page)

    choose_file(page, EXAMPLES / "decisions.csv")
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_selector("text=What will be imported")
    assert page.locator("tbody tr").count() == 3
    axe(page)
    assert not Decision.objects.exists()

    # The button is above the rows and below them.
    assert page.get_by_role("button", name="Import 3 decisions").count() == 2
    page.get_by_role("button", name="Import 3 decisions").first.click()
    page.wait_for_selector("text=3 decisions imported from decisions.csv.")
    axe(page)
    assert Decision.objects.count() == 3


def test_problems_are_summarised_and_each_links_to_its_row(
    live_server, officer_page, axe, tmp_path
):
    page = officer_page
    broken = tmp_path / "broken.csv"
    broken.write_text("reference,title,decided_on\nA-1,First,31/02/2022\n", encoding="utf-8")
    page.goto(live_server.url + "/workspace/import/decisions/")

    choose_file(page, broken)
    page.get_by_role("button", name="Check the file").click()

    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Row 2, column decided_on" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#problem-1"
    axe(page)


def test_choosing_no_file_shows_the_error_by_the_field(live_server, officer_page, axe):
    page = officer_page
    page.goto(live_server.url + "/workspace/import/contracts/")

    page.get_by_role("button", name="Check the file").click()

    page.wait_for_selector(".govuk-error-message")
    assert "Choose a CSV or JSON file" in page.locator(".govuk-error-message").inner_text()
    assert page.title().startswith("Error:")
    axe(page)
