"""Setting up an office's form in the Django admin: its office, and its layout as labelled
elements that can be moved several at once."""

import re

import pytest
from django.test import Client

from decisions.models import DecisionTemplate, ElementKind, Office
from tests.factories import DecisionTemplateFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def form(administrator) -> DecisionTemplate:
    form = DecisionTemplateFactory(sections=["Background"])
    form.lay_out_default(by=administrator)
    return form


def test_every_input_of_the_layout_has_a_label(admin_client, form):
    page = admin_client.get(f"/admin/decisions/decisiontemplate/{form.pk}/change/")
    content = page.content.decode()

    fields = re.findall(r"<(?:input|select|textarea)[^>]*>", content)
    inputs = {
        re.search(r'\bid="([^"]+)"', tag).group(1)
        for tag in fields
        if 'id="id_elements-' in tag and 'type="hidden"' not in tag and "__prefix__" not in tag
    }
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', content))
    assert len(inputs) >= 18 * 9
    assert inputs - labelled == set()


def test_moving_several_elements_in_one_save_renumbers_the_layout(admin_client, form):
    url = f"/admin/decisions/decisiontemplate/{form.pk}/change/"
    data = form_fields(admin_client.get(url))
    places = {
        key: value
        for key, value in data.items()
        if key.endswith("-place") and "__prefix__" not in key
    }
    # The summary (10th) to the top, and the title and reference swapped.
    data["elements-9-place"] = "1"
    data["elements-0-place"], data["elements-1-place"] = "2", "2"
    data["elements-0-label"] = "Subject"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    kinds = list(form.elements.order_by("position").values_list("kind", "label"))
    assert kinds[:3] == [
        (ElementKind.SUMMARY, ""),
        (ElementKind.TITLE, "Subject"),
        (ElementKind.REFERENCE, "Decision reference number"),
    ]
    assert list(form.elements.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(places) + 1)
    )


def test_an_office_with_a_crest_that_runs_a_script_is_refused(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    crest = SimpleUploadedFile(
        "crest.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    )
    response = admin_client.post(
        "/admin/decisions/office/add/", {"name": "Office of the Commissioner", "logo": crest}
    )

    assert response.status_code == 200
    assert "holds a script" in response.content.decode()
    assert not Office.objects.exists()
