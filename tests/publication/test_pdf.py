"""The public PDF (from the public record, tagged, numbered) and the internal staff PDF."""

import io

import pytest
from pypdf import PdfReader

from decisions import pdf as decision_pdf
from decisions.publication import public_record
from tests.factories import UserFactory
from tests.publication.conftest import costs_withheld, public_section

LONG_TEXT = "\n\n".join(
    "The joint commissioning process brings the office's timetable into line with the "
    "county council's, so that one procurement serves both. " * 6
    for _ in range(12)
)


@pytest.fixture
def long_decision(make_decision, officer):
    return make_decision(
        reference="WPCC3-0077",
        title="Recommissioning of victim services",
        author_name="Internal Author Name",
        author_job_role="Internal Job Title",
        sections=[
            public_section("Background information", LONG_TEXT),
            costs_withheld("The contract price is 987,654 over three years."),
        ],
        publish_by=officer,
    )


def reader_for(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def test_public_pdf_has_title_language_and_author(seed_decision, member_of_public):
    reader = reader_for(member_of_public.get("/decisions/WPCC3-0058.pdf"))
    root = reader.trailer["/Root"]

    assert reader.metadata.title == (
        "WPCC3-0058: Joint-Commissioning of Drugs and Alcohol Misuse Services with "
        "Warwickshire County Council"
    )
    assert reader.metadata.author == "Office of the Police and Crime Commissioner for Warwickshire"
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_public_pdf_is_tagged_for_accessibility(seed_decision, member_of_public):
    reader = reader_for(member_of_public.get("/decisions/WPCC3-0058.pdf"))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")

    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert "pdfuaid:part" in xmp  # declares PDF/UA-1


def test_public_pdf_uses_arial_or_liberation_sans_embedded(seed_decision, member_of_public):
    reader = reader_for(member_of_public.get("/decisions/WPCC3-0058.pdf"))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile3", "/FontFile"))

    assert fonts
    names = {name.split("+", 1)[-1].replace("-", "") for name in fonts}
    assert all(name.startswith(("Arial", "LiberationSans")) for name in names), fonts


def test_every_page_says_page_n_of_m(long_decision, member_of_public):
    reader = reader_for(member_of_public.get("/decisions/WPCC3-0077.pdf"))
    total = len(reader.pages)

    assert total > 1
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {total}" in text
        assert "WPCC3-0077" in text


def test_public_pdf_shows_the_exemption_not_the_withheld_text(long_decision, member_of_public):
    reader = reader_for(member_of_public.get("/decisions/WPCC3-0077.pdf"))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")

    assert "Withheld under section 43(2) of the Freedom of Information Act" in text
    assert "987,654" not in text


def test_public_pdf_holds_no_internal_detail(long_decision, member_of_public):
    content = member_of_public.get("/decisions/WPCC3-0077.pdf").content
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)

    assert "Internal Author Name" not in text
    assert "Internal Job Title" not in text
    assert b"/workspace/" not in content
    assert "Approved" not in text  # the workflow status is internal


def test_html_given_to_weasyprint_has_no_withheld_text(long_decision):
    html = decision_pdf.public_pdf_html(public_record(long_decision))

    assert '<html lang="en-GB">' in html
    assert "<title>WPCC3-0077: Recommissioning of victim services</title>" in html
    assert "987,654" not in html


def test_repeat_request_is_served_from_the_cache(seed_decision, member_of_public, monkeypatch):
    rendered = []
    real = decision_pdf.html_to_pdf
    monkeypatch.setattr(decision_pdf, "html_to_pdf", lambda html: rendered.append(1) or real(html))

    first = member_of_public.get("/decisions/WPCC3-0058.pdf")
    second = member_of_public.get("/decisions/WPCC3-0058.pdf")

    assert first.content == second.content
    assert len(rendered) == 1


def test_a_changed_public_record_is_rendered_again(
    seed_decision, officer, member_of_public, monkeypatch
):
    rendered = []
    real = decision_pdf.html_to_pdf
    monkeypatch.setattr(decision_pdf, "html_to_pdf", lambda html: rendered.append(1) or real(html))
    member_of_public.get("/decisions/WPCC3-0058.pdf")
    comment = seed_decision.comments.get()
    comment.text = "A corrected comment from the Treasurer."
    comment._history_user = officer
    comment.save()

    again = member_of_public.get("/decisions/WPCC3-0058.pdf")

    assert len(rendered) == 2
    assert "A corrected comment" in PdfReader(io.BytesIO(again.content)).pages[-1].extract_text()


def test_pdf_answers_conditional_requests(seed_decision, member_of_public):
    first = member_of_public.get("/decisions/WPCC3-0058.pdf")

    again = member_of_public.get("/decisions/WPCC3-0058.pdf", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# -- the internal PDF -------------------------------------------------------------------------


INTERNAL = "/workspace/decisions/WPCC3-0077.pdf"


def test_internal_pdf_is_marked_not_for_publication_on_every_page(
    long_decision, client_for, officer
):
    reader = reader_for(client_for(officer).get(INTERNAL))

    assert len(reader.pages) > 1
    for page in reader.pages:
        assert "NOT FOR PUBLICATION" in page.extract_text()
    assert reader.metadata.title.startswith("NOT FOR PUBLICATION")


def test_internal_pdf_holds_the_withheld_text(long_decision, client_for, officer):
    response = client_for(officer).get(INTERNAL)
    text = " ".join(page.extract_text() for page in reader_for(response).pages)

    assert "987,654" in text
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "persona", ["treasurer", "monitoring_officer", "chief_officer", "pcc", "administrator"]
)
def test_any_member_of_staff_may_read_the_internal_pdf(long_decision, client_for, persona, request):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(INTERNAL).status_code == 200


def test_internal_pdf_asks_the_public_to_sign_in(long_decision, member_of_public):
    response = member_of_public.get(INTERNAL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_internal_pdf_is_refused_to_an_account_without_a_staff_role(long_decision, client_for):
    assert client_for(UserFactory()).get(INTERNAL).status_code == 403
