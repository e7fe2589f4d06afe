"""A form's preview as the public page and PDF (issue 22): a specimen decision drawn by the
public templates from a public record that is made and rolled back, so nothing of it is kept;
an element kept off the public record is left out of the preview too."""

import io

import pytest
from pypdf import PdfReader

from commissioning.models import AuditEntry
from decisions.models import Decision, DecisionTemplate, ElementKind, FieldType
from tests.factories import DecisionTemplateFactory, OfficeFactory
from tests.publication.test_stored_pdf import stored_pdfs

pytestmark = pytest.mark.django_db

OFFICE = "Office of the Police, Fire and Crime Commissioner for North Yorkshire"


@pytest.fixture
def form(administrator) -> DecisionTemplate:
    form = DecisionTemplateFactory(
        name="Executive decision notice",
        office=OfficeFactory(name=OFFICE),
        sections=["Background", "Recommendation"],
    )
    form.lay_out_default(by=administrator)
    form.add_element(
        by=administrator,
        kind=ElementKind.FIELD,
        label="Police and Crime Plan priority",
        name="plan_priority",
        field_type=FieldType.CHOICE,
        choices=["Safer communities", "Victims first"],
    )
    form.add_element(
        by=administrator,
        kind=ElementKind.FIELD,
        label="Internal cost centre",
        name="cost_centre",
        field_type=FieldType.TEXT,
        is_public=False,
    )
    return form


def kept_rows() -> tuple:
    return (
        Decision.objects.count(),
        Decision.history.count(),
        AuditEntry.objects.count(),
        len(stored_pdfs()),
    )


def test_the_preview_is_linked_from_the_forms_page_and_reads_as_the_public_page(
    client_for, administrator, form
):
    client = client_for(administrator)
    setup = client.get(f"/workspace/forms/{form.pk}/").content.decode()
    assert f'href="/workspace/forms/{form.pk}/preview/"' in setup
    before = kept_rows()

    page = client.get(f"/workspace/forms/{form.pk}/preview/")

    assert page.status_code == 200
    html = page.content.decode()
    assert OFFICE in html
    assert "The title of a decision on this form" in html
    assert "Police and Crime Plan priority" in html and "Safer communities" in html
    assert "The text of the section “Background”." in html
    assert "Internal cost centre" not in html  # not on the public record
    assert kept_rows() == before  # the specimen was rolled back


def test_the_preview_pdf_is_rendered_and_never_kept(client_for, administrator, form):
    before = kept_rows()

    response = client_for(administrator).get(f"/workspace/forms/{form.pk}/preview.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert OFFICE in text and "Police and Crime Plan priority" in text
    assert "Internal cost centre" not in text
    assert kept_rows() == before


def test_the_next_decision_on_the_form_takes_the_next_reference_as_before(
    client_for, administrator, officer, form
):
    expected = form.next_reference()
    client_for(administrator).get(f"/workspace/forms/{form.pk}/preview/")

    decision = Decision.start(template=form, by=officer, title="A real decision")

    assert decision.reference == expected
