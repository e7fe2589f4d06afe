"""Creating a decision form in the workspace: who may, what a new form starts with, and bad
input refused next to its field with nothing made."""

import pytest

from commissioning.roles import Role
from decisions.models import DecisionTemplate, ElementKind, Office
from tests.conftest import give_permission
from tests.factories import DecisionTemplateFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/workspace/forms/new/"
VALID = {
    "name": "Decision notice",
    "reference_format": "DN-{number:03}/{yy}",
    "numbering": "none",
    "section_headings": "Background\n\nRecommendation\n",
    "is_active": "on",
}


@pytest.mark.parametrize(
    "role",
    [Role.OFFICER, Role.TREASURER, Role.MONITORING_OFFICER, Role.CHIEF_OFFICER, Role.COMMISSIONER],
)
def test_staff_without_the_permissions_are_refused_the_page_and_the_post(client_for, role):
    client = client_for(UserFactory(roles=[role]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert not DecisionTemplate.objects.filter(name=VALID["name"]).exists()


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.post(URL, VALID)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not DecisionTemplate.objects.exists()


def test_changing_forms_without_adding_them_does_not_offer_or_allow_creating(client_for):
    setter = give_permission(UserFactory(roles=[Role.OFFICER]), "decisions.change_decisiontemplate")
    client = client_for(setter)
    assert "Create a form" not in client.get("/workspace/forms/").content.decode()
    assert client.post(URL, VALID).status_code == 403
    creator = give_permission(setter, "decisions.add_decisiontemplate")
    assert "Create a form" in client_for(creator).get("/workspace/forms/").content.decode()


def test_a_new_form_for_a_new_office_starts_from_the_first_layout(client_for, administrator):
    client = client_for(administrator)
    assert f'href="{URL}"' in client.get("/workspace/forms/").content.decode()

    response = client.post(
        URL,
        {
            **VALID,
            "new_office_name": "Office of the Mayor for Policing",
            "new_office_address": "1 High Street\nAnytown",
        },
    )

    form = DecisionTemplate.objects.get(name="Decision notice")
    assert response.status_code == 302
    assert response.url == f"/workspace/forms/{form.pk}/"
    assert (form.office.name, form.office.address) == (
        "Office of the Mayor for Policing",
        "1 High Street\nAnytown",
    )
    assert (form.numbering, form.is_active) == ("none", True)
    assert list(form.sections.values_list("heading", flat=True)) == [
        "Background",
        "Recommendation",
    ]
    assert form.elements.order_by("position").first().kind == ElementKind.TITLE
    assert form.history.first().history_user == administrator
    assert form.office.history.first().history_user == administrator
    assert form.elements.first().history.first().history_user == administrator
    assert form.format_reference(7, 2026) == "DN-007/26"


def test_a_new_form_for_an_office_the_register_holds(client_for, administrator):
    office = OfficeFactory()
    response = client_for(administrator).post(URL, {**VALID, "office": office.pk, "is_active": ""})

    assert response.status_code == 302
    form = DecisionTemplate.objects.get(name="Decision notice")
    assert (form.office, form.is_active) == (office, False)
    assert Office.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Taken"}, "name", "already exists"),
        ({"reference_format": "DN-{year}"}, "reference_format", "exactly once"),
        ({"reference_format": "DN-{nmber}"}, "reference_format", "cannot be used"),
        ({"new_office_name": "Held office"}, "new_office_name", "already holds this office"),
        ({"new_office_name": "New", "office": "held"}, "new_office_name", "not both"),
        ({"new_office_address": "1 High Street"}, "new_office_address", "name too"),
        ({"section_headings": "Background\nbackground"}, "section_headings", "of its own"),
        ({"numbering": "sideways"}, "numbering", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_made(
    client_for, administrator, data, field, message
):
    DecisionTemplateFactory(name="Taken")
    held = OfficeFactory(name="Held office")
    data = {key: held.pk if value == "held" else value for key, value in data.items()}

    response = client_for(administrator).post(URL, {**VALID, **data})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert DecisionTemplate.objects.count() == 1
    assert Office.objects.count() == 1
