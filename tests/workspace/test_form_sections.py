"""A form's sections set in the workspace, from the form's page (issue 22: a form's own
sections without the Django admin): renamed, added, removed and reordered in one save; new
decisions start with them, decisions already started keep theirs."""

import pytest

from commissioning.roles import Role
from decisions.models import Decision, DecisionTemplate, TemplateSection
from tests.factories import DecisionTemplateFactory, UserFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(administrator) -> DecisionTemplate:
    form = DecisionTemplateFactory(
        name="Decision notice", sections=["Background", "Options", "Costs"]
    )
    form.lay_out_default(by=administrator)
    return form


def url(form) -> str:
    return f"/workspace/forms/{form.pk}/sections/"


def headings(form) -> list[str]:
    return list(form.sections.order_by("position").values_list("heading", flat=True))


def test_an_administrator_changes_the_forms_sections_in_one_save(
    client_for, administrator, officer, form
):
    started = Decision.start(template=form, by=officer, title="Started before the change")
    client = client_for(administrator)
    assert f'href="{url(form)}"' in client.get(f"/workspace/forms/{form.pk}/").content.decode()
    data = form_fields(client.get(url(form)))
    data.update(
        {
            "rows-0-heading": "Background and context",
            "rows-1-DELETE": "on",
            "rows-2-place": "1",
            "rows-3-heading": "Recommendation",
            "rows-3-is_mandatory": "on",
        }
    )

    response = client.post(url(form), data)

    assert response.status_code == 302
    assert headings(form) == ["Costs", "Background and context", "Recommendation"]
    assert form.sections.get(heading="Recommendation").is_mandatory
    assert TemplateSection.history.filter(history_type="-").get().history_user == administrator
    new = Decision.start(template=form, by=officer, title="Started after the change")
    assert list(new.sections.values_list("heading", flat=True)) == headings(form)
    assert list(started.sections.order_by("position").values_list("heading", flat=True)) == [
        "Background",
        "Options",
        "Costs",
    ]


def test_a_heading_given_twice_is_named_on_its_row_and_nothing_is_saved(
    client_for, administrator, form
):
    client = client_for(administrator)
    data = {**form_fields(client.get(url(form))), "rows-3-heading": "options"}

    response = client.post(url(form), data)

    assert response.status_code == 200
    assert "Another section of the form has this heading" in response.content.decode()
    assert headings(form) == ["Background", "Options", "Costs"]


def test_a_page_opened_before_another_change_saves_nothing(client_for, administrator, form):
    client = client_for(administrator)
    stale = form_fields(client.get(url(form)))
    fresh = form_fields(client.get(url(form)))
    client.post(url(form), {**fresh, "rows-0-heading": "First change"})

    response = client.post(url(form), {**stale, "rows-0-heading": "Second change"})

    assert response.status_code == 409
    assert headings(form)[0] == "First change"


def test_an_officer_cannot_change_a_forms_sections(client_for, form):
    client = client_for(UserFactory(roles=[Role.OFFICER]))
    assert client.get(url(form)).status_code == 403
    data = {"rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0", "rows-0-heading": "Added"}
    assert client.post(url(form), data).status_code == 403
    assert headings(form) == ["Background", "Options", "Costs"]
