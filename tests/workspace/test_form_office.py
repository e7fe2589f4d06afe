"""The office that heads a form's records, changed in the workspace from the form's page (issue
22: the crest, address and printed wording without the Django admin), and the sign-off a form
asks for, chosen on its settings page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.roles import Role
from decisions.models import DecisionTemplate, Office
from tests.factories import DecisionTemplateFactory, OfficeFactory, UserFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def form(administrator) -> DecisionTemplate:
    office = OfficeFactory(name="Office of the Police, Fire and Crime Commissioner for Essex")
    form = DecisionTemplateFactory(name="Decision notice", office=office, sections=["Background"])
    form.lay_out_default(by=administrator)
    return form


def office_url(form) -> str:
    return f"/workspace/forms/{form.pk}/office/"


def test_the_office_page_is_linked_from_the_forms_page(client_for, administrator, form):
    page = client_for(administrator).get(f"/workspace/forms/{form.pk}/").content.decode()
    assert f'href="{office_url(form)}"' in page
    assert "Change the office's details" in page


def test_an_address_crest_and_wording_are_saved_with_their_user_in_the_history(
    client_for, administrator, form
):
    client = client_for(administrator)
    data = form_fields(client.get(office_url(form)))
    data.update(
        address="Kelvedon Park\nRivenhall\nWitham CM8 3HB",
        approval_statement="I approve the recommendation set out above.",
        logo_description="The county's three seaxes",
        logo=SimpleUploadedFile("crest.png", PNG, content_type="image/png"),
    )

    response = client.post(office_url(form), data)

    assert response.status_code == 302
    office = Office.objects.get(pk=form.office_id)
    assert office.address.startswith("Kelvedon Park")
    assert office.approval_statement == "I approve the recommendation set out above."
    assert office.logo and office.logo_data_uri().startswith("data:image/png;base64,")
    assert office.history.latest().history_user == administrator
    page = client.get(f"/workspace/forms/{form.pk}/").content.decode()
    assert "Kelvedon Park" in page and "The county&#x27;s three seaxes" in page


def test_a_file_that_is_not_an_image_is_refused_beside_the_field_and_nothing_changes(
    client_for, administrator, form
):
    client = client_for(administrator)
    data = form_fields(client.get(office_url(form)))
    data.update(
        address="Changed address",
        logo=SimpleUploadedFile("crest.png", b"<html>not an image</html>"),
    )

    response = client.post(office_url(form), data)

    assert response.status_code == 200
    assert "Upload the crest or logo as a PNG, JPEG or SVG image." in response.content.decode()
    assert 'id="id_logo_error"' in response.content.decode()
    office = Office.objects.get(pk=form.office_id)
    assert (office.address, bool(office.logo)) == ("", False)


def test_a_crest_can_be_removed(client_for, administrator, form):
    client = client_for(administrator)
    data = form_fields(client.get(office_url(form)))
    data["logo"] = SimpleUploadedFile("crest.png", PNG)
    client.post(office_url(form), data)
    data = form_fields(client.get(office_url(form)))
    data["remove_logo"] = "on"

    assert client.post(office_url(form), data).status_code == 302
    assert not Office.objects.get(pk=form.office_id).logo


def test_a_page_opened_before_someone_else_saved_is_refused(client_for, administrator, form):
    client = client_for(administrator)
    stale = form_fields(client.get(office_url(form)))
    fresh = form_fields(client.get(office_url(form)))
    client.post(office_url(form), {**fresh, "address": "First change"})

    response = client.post(office_url(form), {**stale, "address": "Second change"})

    assert response.status_code == 409
    assert Office.objects.get(pk=form.office_id).address == "First change"


def test_a_form_headed_by_the_registers_own_office_has_no_office_page(client_for, administrator):
    form = DecisionTemplateFactory(office=None)
    assert client_for(administrator).get(office_url(form)).status_code == 404


def test_staff_without_the_permission_cannot_change_the_office(client_for, form):
    client = client_for(UserFactory(roles=[Role.OFFICER]))
    assert client.get(office_url(form)).status_code == 403
    assert client.post(office_url(form), {"name": "Taken over"}).status_code == 403
    assert Office.objects.get(pk=form.office_id).name.startswith("Office of the Police, Fire")


def test_the_settings_page_chooses_the_sign_off_the_forms_decisions_go_through(
    client_for, administrator, form
):
    client = client_for(administrator)
    url = f"/workspace/forms/{form.pk}/settings/"
    data = form_fields(client.get(url))
    for name in ("requires_treasurer", "requires_chief_officer_for_force_business"):
        data.pop(name, None)  # unticked
    data["awards_grants"] = "on"

    assert client.post(url, data).status_code == 302

    form.refresh_from_db()
    assert (form.requires_treasurer, form.requires_monitoring_officer) == (False, True)
    assert (form.requires_chief_officer_for_force_business, form.awards_grants) == (False, True)
    page = client.get(f"/workspace/forms/{form.pk}/").content.decode()
    assert "Treasurer's comments: not asked for" in page
