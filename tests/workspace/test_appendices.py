"""Appendices: PDF, Word, Excel or OpenDocument files, judged by their content."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.models import Appendix, Decision, Exemption
from tests.factories import StartedDecisionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
PLAIN_ZIP = zipped({"notes.txt": b"hello"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(officer):
    return StartedDecisionFactory(author=officer)


def upload(client, decision, name, content, **fields):
    return client.post(
        reverse("workspace:decision-appendix-create", args=[decision.reference]),
        {"title": "Evaluation summary", "file": SimpleUploadedFile(name, content), **fields},
    )


@pytest.mark.parametrize(
    ("name", "content", "stored_as"),
    [
        ("report.pdf", PDF, ".pdf"),
        ("report.docx", DOCX, ".docx"),
        ("prices.xlsx", XLSX, ".xlsx"),
        ("minutes.odt", ODT, ".odt"),
        # Named wrongly: judged by content, and stored under the right name.
        ("report.pdf", DOCX, ".docx"),
        ("scan", PDF, ".pdf"),
    ],
)
def test_accepted_files_are_stored_with_their_checksum(
    client_for, officer, draft, name, content, stored_as
):
    response = upload(client_for(officer), draft, name, content)

    assert response.status_code == 302
    appendix = Appendix.objects.get()
    assert appendix.file.name.endswith(stored_as)
    assert appendix.sha256 == hashlib.sha256(content).hexdigest()
    assert appendix.history.first().history_user == officer


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"This is only text pretending to be a PDF."),
        ("prices.xlsx", PLAIN_ZIP),
        ("sheet.odt", ODS),
        ("program.exe", b"MZ\x90\x00\x03"),
    ],
)
def test_other_files_are_refused_whatever_their_name(client_for, officer, draft, name, content):
    response = upload(client_for(officer), draft, name, content)

    content_text = response.content.decode()
    assert response.status_code == 200
    assert "must be a PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file" in (
        content_text
    )
    assert 'href="#id_file"' in content_text
    assert not Appendix.objects.exists()


def test_files_over_the_size_limit_are_refused(client_for, officer, draft, monkeypatch):
    monkeypatch.setattr("decisions.forms.MAX_APPENDIX_BYTES", 16)

    response = upload(client_for(officer), draft, "report.pdf", PDF)

    assert "The file must be smaller than 20 MB" in response.content.decode()
    assert not Appendix.objects.exists()


def test_a_file_is_required(client_for, officer, draft):
    response = client_for(officer).post(
        reverse("workspace:decision-appendix-create", args=[draft.reference]),
        {"title": "Evaluation summary"},
    )

    assert "Select a file to upload" in response.content.decode()


def test_a_withheld_appendix_makes_the_decision_partly_confidential(client_for, officer, draft):
    response = upload(
        client_for(officer),
        draft,
        "prices.xlsx",
        XLSX,
        is_withheld="on",
        exemption=Exemption.S43_2,
        public_interest_statement="The prices would prejudice the coming procurement.",
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.confidentiality == Decision.Confidentiality.PARTLY


def test_staff_download_the_file_they_see_listed(client_for, officer, treasurer, draft):
    upload(client_for(officer), draft, "report.pdf", PDF)
    appendix = Appendix.objects.get()

    page = client_for(treasurer).get(reverse("workspace:decision-detail", args=[draft.reference]))
    download = client_for(treasurer).get(
        reverse("workspace:decision-appendix", args=[draft.reference, appendix.pk])
    )

    assert "Evaluation summary" in page.content.decode()
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
