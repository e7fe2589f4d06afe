"""An administrator sets up the office's form in the workspace by clicking from signing in:
lays it out, adds a field of its own, moves it and sees it in the preview, at a laptop's and a
phone's width, with no serious or critical accessibility problem."""

import pytest

from decisions.models import ElementKind
from tests.browser.journeys import fits, follow, form, people, sign_in  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_administrator_adds_a_field_of_the_forms_own_by_clicking(
    people,  # noqa: F811
    form,  # noqa: F811
    live_server,
    screen,
    axe,
):
    sign_in(screen, live_server, people["admin"])
    follow(screen, "Set up your office's forms", heading="Decision forms")
    follow(screen, form.name, heading=form.name)
    screen.get_by_role("button", name="Start from the register's first layout").click()
    screen.get_by_text("now has the register's first layout").wait_for()

    screen.get_by_role("button", name="Add an element").click()
    screen.get_by_role("heading", name="Add an element", level=1).wait_for()
    fits(screen)
    screen.get_by_label("What it is").select_option(label="One of the form's own fields")
    screen.get_by_label("Label", exact=True).fill("Police and Crime Plan priority")
    screen.get_by_label("Field name").fill("plan_priority")
    screen.get_by_label("Type of field").select_option(label="A choice from a list")
    screen.get_by_label("Choices").fill("Victims and witnesses\nReducing reoffending")
    screen.get_by_label("Place").fill("3")
    screen.get_by_label("Field name").fill("Plan Priority")  # not a name exports can use
    screen.get_by_role("button", name="Add element").click()
    error = screen.locator("#id_name_error")
    error.wait_for()
    assert "Enter a valid" in error.inner_text()
    fits(screen)

    screen.get_by_label("Field name").fill("plan_priority")
    screen.get_by_role("button", name="Add element").click()
    screen.get_by_text("has been added to the form").wait_for()
    screen.get_by_role("button", name="Move up Police and Crime Plan priority").click()
    screen.get_by_role("heading", name="2. Police and Crime Plan priority").wait_for()
    fits(screen)
    axe(screen)

    preview = screen.locator(".app-form-preview")
    assert preview.get_by_text("Police and Crime Plan priority").is_visible()
    assert preview.get_by_text("A choice from a list").is_visible()
    field = form.elements.get(name="plan_priority")
    assert (field.kind, field.position) == (ElementKind.FIELD, 2)
    assert field.choices == ["Victims and witnesses", "Reducing reoffending"]


def test_an_administrator_changes_the_forms_sections_and_opens_its_preview(
    people,  # noqa: F811
    form,  # noqa: F811
    live_server,
    screen,
    axe,
):
    sign_in(screen, live_server, people["admin"])
    follow(screen, "Set up your office's forms", heading="Decision forms")
    follow(screen, form.name, heading=form.name)
    follow(screen, "Change the form's sections", heading="The form's sections")
    axe(screen)
    new = screen.get_by_role("group", name="Add a section")
    new.get_by_label("Heading").fill("Recommendation")
    new.get_by_label("Place").fill("1")
    screen.get_by_role("button", name="Save").click()
    screen.get_by_text("The form's sections have been saved").wait_for()
    fits(screen)
    assert list(form.sections.values_list("heading", flat=True))[0] == "Recommendation"

    follow(
        screen,
        "See a specimen decision on this form as the public page and PDF show it",
        heading="Preview of a decision on this form",
    )
    axe(screen)
    preview = screen.locator(".app-preview")
    assert preview.get_by_role("heading", name="The title of a decision on this form").is_visible()
    assert preview.get_by_role("heading", name="Recommendation").first.is_visible()
    link = screen.get_by_role("link", name="Open the specimen as the public PDF")
    answer = screen.request.get(live_server.url + link.get_attribute("href"))
    assert answer.status == 200 and answer.body().startswith(b"%PDF")
