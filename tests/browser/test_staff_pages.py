"""The staff pages on a desktop and a phone: who is signed in, a navigation that fits, the
dashboard and the editor, and a draft of the editor's text that survives a closed tab."""

import datetime

import pytest
from django.test import Client

from commissioning.roles import Role
from tests.browser.test_journeys import fits
from tests.factories import (
    ContractFactory,
    DecisionTemplateFactory,
    StartedDecisionFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(1280, id="1280px"), pytest.param(375, id="375px")]


@pytest.fixture
def officer(transactional_db):
    return UserFactory(
        username="officer", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
    )


@pytest.fixture
def draft(officer):
    form = DecisionTemplateFactory(
        name="Executive order",
        sections=[
            {"heading": "Order", "part": "Executive order", "is_mandatory": True},
            {"heading": "Financial implications", "part": "Supporting report"},
        ],
    )
    return StartedDecisionFactory(template=form, author=officer, title="Phase 1 award of Lot 4")


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


def one_row(page) -> None:
    """The service navigation's items sit on one line."""
    tops = page.evaluate(
        "[...document.querySelectorAll('.govuk-service-navigation__item')]"
        ".map((item) => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_and_editor_fit_the_screen(live_server, page, axe, officer, draft, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, officer)
    for path in ("/workspace/", f"/workspace/decisions/{draft.reference}/edit/"):
        page.goto(live_server.url + path)
        assert page.get_by_text("Signed in as").is_visible()
        axe(page)
        fits(page)
        if width == 1280:
            one_row(page)
        else:
            menu = page.get_by_role("button", name="Menu")
            assert menu.is_visible()
            assert not page.get_by_role("link", name="Arrangements").is_visible()
            menu.click()
            assert page.get_by_role("link", name="Arrangements").is_visible()
            fits(page)


@pytest.fixture
def returned_and_resubmitted(officer, draft):
    """A decision the Treasurer returned, changed since and submitted again: its sign-off
    page lists what changed since the Treasurer last saw it."""
    treasurer = UserFactory(username="treasurer", roles=[Role.TREASURER])
    for section in draft.sections.all():
        section.text = "The contracts end on 31 March 2023 with no extension options left."
        section._history_user = officer
        section.save()
    draft.submit(by=officer)
    draft.return_to_draft(by=treasurer, comments="Add the annual cost.")
    section = draft.sections.order_by("position").last()
    section.text = "The annual cost is 412,750 pounds, met from the commissioning budget."
    section._history_user = officer
    section.save()
    draft.submit(by=officer)
    for number in range(25):
        ContractFactory(ends_on=datetime.date.today() + datetime.timedelta(days=30 + number))
    return treasurer


@pytest.mark.parametrize("width", WIDTHS)
def test_the_record_and_its_sign_off_page_fit_the_screen(
    live_server, page, axe, draft, returned_and_resubmitted, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, returned_and_resubmitted)
    page.goto(live_server.url + "/workspace/")
    # The dashboard's panel stops at 20 contracts, and links to all 25.
    page.get_by_role("link", name="See all 25 contracts at risk").wait_for()
    axe(page)
    fits(page)
    # From "Waiting for you" to the step itself.
    page.get_by_role("link", name="Sign off this decision").click()
    page.wait_for_selector("text=What changed since you last saw it")
    assert page.locator(".app-steps__item[aria-current=step]").inner_text().split() == [
        "Treasurer",
        "Now",
    ]
    axe(page)
    fits(page)
    page.goto(f"{live_server.url}/workspace/decisions/{draft.reference}/")
    page.wait_for_selector(".app-steps")
    axe(page)
    fits(page)


def test_unsaved_changes_warn_before_leaving_and_survive_a_closed_tab(
    live_server, page, axe, officer, draft, settings
):
    settings.EDITOR_AUTOSAVE_SECONDS = 1
    sign_in(page, live_server, officer)
    editor = f"{live_server.url}/workspace/decisions/{draft.reference}/edit/"
    page.goto(editor)
    box = page.locator("textarea[name='sections-0-text']")
    box.click()
    page.keyboard.type("The Commissioner extends both contracts by twelve months.")
    # The copy kept on the server, and the page says so.
    page.wait_for_selector("[data-editor-kept]:has-text('Your changes were kept')")

    # Closing the tab asks first.
    dialogs = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert dialogs == ["beforeunload"]

    # A new tab: the editor offers the changes back, and restores them.
    again = page.context.new_page()
    again.goto(editor)
    assert again.get_by_text("You have unsaved changes from").is_visible()
    assert not again.locator("textarea[name='sections-0-text']").input_value()
    axe(again)
    again.get_by_role("button", name="Restore my changes").click()
    again.wait_for_selector("text=They are not saved until you select")
    restored = again.locator("textarea[name='sections-0-text']").input_value()
    assert restored == "The Commissioner extends both contracts by twelve months."
    axe(again)
    fits(again)

    # Saving makes it the record (no warning: the form is being sent).
    again.get_by_role("button", name="Save changes").click()
    again.wait_for_selector("text=Your changes have been saved.")
    section = draft.sections.order_by("position").first()
    assert section.text == "The Commissioner extends both contracts by twelve months."
