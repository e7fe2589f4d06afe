"""What the public record tells a reader beyond the form's text: when a withheld part may be
released, the contracts it concerns, its own address on paper, what each appendix file is,
and, in the page's head, a description and the PDF as an alternate."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from decisions import pdf as decision_pdf
from decisions.publication import public_record
from tests.factories import AppendixFactory, ContractFactory
from tests.publication.conftest import costs_withheld, public_section

SITE = "https://decisions.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def pdf_text(client, decision) -> str:
    response = client.get(f"/decisions/{decision.reference}.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


def test_a_withheld_parts_planned_release_date_is_on_the_page_and_the_pdf(
    seed_decision, member_of_public
):
    page = member_of_public.get(seed_decision.get_absolute_url()).content.decode()

    withheld_box = page[page.index('class="govuk-inset-text app-withheld"') :]
    withheld_box = withheld_box[: withheld_box.index("</div>")]
    assert "May be released from 1 April 2024." in withheld_box
    assert "May be released from 1 April 2024." in pdf_text(member_of_public, seed_decision)


def test_no_release_date_is_shown_where_none_is_planned(make_decision, officer, member_of_public):
    decision = make_decision(
        sections=[public_section("Background", "Why."), costs_withheld("Prices.")],
        publish_by=officer,
    )

    page = member_of_public.get(decision.get_absolute_url()).content.decode()

    assert "May be released" not in page


def test_the_contracts_a_decision_concerns_are_linked_to_the_register(
    seed_decision, member_of_public
):
    contract = ContractFactory(reference="OPCC-C-0012", title="Young people's substance service")
    seed_decision.contracts.add(contract)

    page = member_of_public.get(seed_decision.get_absolute_url()).content.decode()

    # Each links to the contract's own page on the public contract register.
    assert (
        '<a class="govuk-link" href="/contracts/OPCC-C-0012/">'
        "OPCC-C-0012: Young people&#x27;s substance service</a>"
    ) in page
    assert member_of_public.get("/contracts/OPCC-C-0012/").status_code == 200
    assert f"{SITE}/contracts/OPCC-C-0012/" in decision_pdf.public_pdf_html(
        public_record(seed_decision)
    )
    assert "OPCC-C-0012: Young people's substance service" in pdf_text(
        member_of_public, seed_decision
    )


def test_the_pdf_carries_the_records_web_address(seed_decision, member_of_public):
    text = pdf_text(member_of_public, seed_decision)

    assert f"This record online: {SITE}/decisions/WPCC3-0058/" in text


def test_a_pdf_made_for_another_site_address_is_not_served_from_the_cache(seed_decision, settings):
    record = public_record(seed_decision)
    here = decision_pdf.public_pdf_cache_key(record)
    settings.SITE_URL = "https://elsewhere.example.org"

    assert decision_pdf.public_pdf_cache_key(record) != here


def test_no_withheld_box_is_split_across_pdf_pages(make_decision, officer, member_of_public):
    """Forty withheld sections of a dozen lines each run over many pages; each box starts
    and ends on the same page."""
    statement = " ".join(
        ["Publishing the prices now would weaken the office's position in the tender."] * 12
    )
    decision = make_decision(
        sections=[
            costs_withheld(
                f"Price {number}.",
                heading=f"Costs of lot {number}",
                public_interest_statement=f"Box{number:02}starts. {statement} Box{number:02}ends.",
            )
            for number in range(1, 41)
        ]
        + [public_section("Background", "Why.")],
        publish_by=officer,
    )
    response = member_of_public.get(f"/decisions/{decision.reference}.pdf")
    pages = [
        page.extract_text().replace("\n", " ")
        for page in PdfReader(io.BytesIO(response.content)).pages
    ]

    assert len(pages) > 3
    for number in range(1, 41):
        starts = [index for index, text in enumerate(pages) if f"Box{number:02}starts" in text]
        ends = [index for index, text in enumerate(pages) if f"Box{number:02}ends" in text]
        assert starts == ends, f"box {number} runs from page {starts} to page {ends}"


def appendix_with_file(decision, *, title: str, name: str, size: int, withheld=False):
    appendix = AppendixFactory.build(decision=decision, title=title, withheld=withheld)
    appendix.file.save(name, ContentFile(b"x" * size), save=False)
    appendix.save()
    return appendix


def test_appendices_say_their_format_and_size(make_decision, officer, member_of_public):
    decision = make_decision(sections=[public_section("Background", "Why.")])
    appendix_with_file(decision, title="Needs assessment", name="needs.pdf", size=240 * 1024)
    appendix_with_file(decision, title="Price schedule", name="prices.xlsx", size=9000)
    appendix_with_file(decision, title="Bids", name="bids.pdf", size=5000, withheld=True)
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)

    page = member_of_public.get(decision.get_absolute_url()).content.decode()
    record = public_record(decision)

    assert re.search(r"Needs assessment</a>\s*<span[^>]*>\(PDF, 240 KB\)</span>", page)
    assert re.search(r"Price schedule</a>\s*<span[^>]*>\(MS Excel Spreadsheet, 9 KB\)", page)
    assert [appendix.file_size for appendix in record.appendices] == [240 * 1024, 9000, None]
    assert "(published online with this record: PDF, 240 KB)" in pdf_text(
        member_of_public, decision
    )


def test_an_appendix_whose_file_is_missing_is_listed_without_a_size(
    make_decision, officer, member_of_public
):
    decision = make_decision(sections=[public_section("Background", "Why.")])
    appendix = appendix_with_file(decision, title="Map", name="map.pdf", size=10)
    appendix.file.storage.delete(appendix.file.name)
    decision.publish(by=officer)

    page = member_of_public.get(decision.get_absolute_url()).content.decode()

    assert re.search(r"Map</a>\s*<span[^>]*>\(PDF\)</span>", page)


def test_the_page_head_describes_the_record_and_offers_its_pdf(seed_decision, member_of_public):
    page = member_of_public.get(seed_decision.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]

    assert '<link rel="alternate" type="application/pdf" href="/decisions/WPCC3-0058.pdf"' in head
    description = re.search(r'<meta name="description" content="([^"]*)">', head).group(1)
    assert description.startswith("Decision record WPCC3-0058 of the Office of the Police")
    assert "To commission drugs and alcohol misuse services jointly" in description
    assert re.search(r'<link rel="stylesheet" href="[^"]*print\.[^"]*css" media="print">', head)


def test_a_wholly_confidential_records_description_gives_its_subject_only(
    make_decision, officer, member_of_public
):
    decision = make_decision(
        title="Custody suite contract",
        summary="A confidential summary that is never published.",
        public_subject="A contract for the custody suite.",
        sections=[costs_withheld("The whole record.")],
        publish_by=officer,
    )

    page = member_of_public.get(decision.get_absolute_url()).content.decode()

    assert decision.is_wholly_confidential
    assert "A contract for the custody suite." in page[: page.index("</head>")]
    assert "never published" not in page


def test_the_release_date_is_given_for_a_withheld_appendix(make_decision, officer):
    decision = make_decision(sections=[public_section("Background", "Why.")])
    appendix = appendix_with_file(decision, title="Bids", name="bids.pdf", size=5, withheld=True)
    appendix.release_on = datetime.date(2027, 4, 1)
    appendix.save()

    record = public_record(decision)

    assert record.appendices[0].release_on == datetime.date(2027, 4, 1)
    assert record.appendices[0].file_size is None
