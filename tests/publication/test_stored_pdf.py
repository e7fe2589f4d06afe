"""A public PDF is rendered in the background when its decision is published, kept in the
storage, and served from there: its first reader does not wait for a render."""

import io

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from commissioning.speed import kept
from decisions import pdf as decision_pdf
from decisions import public_views
from decisions.publication import public_record_of, release_section
from tests.publication.conftest import public_section

pytestmark = pytest.mark.usefixtures("pdf_rendered_on_publication")

WITHHELD = "The extension price is GBP 412,000 a year."


def no_rendering_now(monkeypatch) -> None:
    def refuse(html: str) -> bytes:
        raise AssertionError("rendered during the request")

    monkeypatch.setattr(decision_pdf, "html_to_pdf", refuse)


def another_app_server() -> None:
    """Nothing in memory or in the cache: only the storage is shared."""
    cache.clear()
    kept.memo.clear()
    kept.recent.clear()


def stored_pdfs() -> list[str]:
    try:
        return default_storage.listdir(decision_pdf.STORED_PDF_FOLDER)[1]
    except FileNotFoundError:
        return []


def test_publishing_renders_the_pdf_and_its_first_reader_gets_it_from_the_storage(
    make_decision, officer, member_of_public, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_decision(reference="WPCC3-0058", publish_by=officer)

    assert len(stored_pdfs()) == 1
    another_app_server()
    no_rendering_now(monkeypatch)

    response = member_of_public.get("/decisions/WPCC3-0058.pdf")

    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "WPCC3-0058" in text


def test_a_released_part_is_rendered_again_and_the_older_pdf_is_not_served(
    make_decision, officer, member_of_public, monkeypatch, django_capture_on_commit_callbacks
):
    decision = make_decision(
        reference="WPCC3-0101",
        sections=[
            public_section("Background information", "Public background."),
            {
                "heading": "Costs",
                "part": "Supporting information",
                "text": WITHHELD,
                "is_withheld": True,
                "exemption": "s43_2",
                "public_interest_statement": "Prices are commercially sensitive until signed.",
            },
        ],
        publish_by=officer,
    )
    before = set(stored_pdfs())

    with django_capture_on_commit_callbacks(execute=True):
        release_section(decision.sections.get(heading="Costs"), by=officer)

    after = set(stored_pdfs())
    assert len(after - before) == 1  # the released record's PDF, rendered in the background
    another_app_server()
    no_rendering_now(monkeypatch)
    response = member_of_public.get("/decisions/WPCC3-0101.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "412,000" in text


@pytest.mark.django_db(transaction=True)
def test_publishing_queues_the_render_for_the_worker(settings, make_decision, officer):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}
    }

    make_decision(reference="WPCC3-0102", publish_by=officer)

    queued = DBTaskResult.objects.get(task_path="decisions.pdf.render_public_pdf")
    assert queued.args_kwargs["kwargs"]["reference"] == "WPCC3-0102"
    assert stored_pdfs() == []  # nothing rendered in the request


def test_the_first_reader_after_publishing_is_served_without_the_record_being_built(
    make_decision, officer, member_of_public, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker points the record's version at the PDF it stored, in the shared cache: an
    app server that has never seen the record serves it from there and the storage."""
    with django_capture_on_commit_callbacks(execute=True):
        make_decision(reference="WPCC3-0058", publish_by=officer)
    kept.memo.clear()
    kept.recent.clear()
    record = public_record_of("WPCC3-0058")
    cache.delete(decision_pdf.public_pdf_cache_key(record))  # the PDF itself: in the storage only
    no_rendering_now(monkeypatch)

    def not_built(request, reference):
        raise AssertionError("the record was built for the request")

    monkeypatch.setattr(public_views, "_record", not_built)

    response = member_of_public.get("/decisions/WPCC3-0058.pdf")

    assert response.status_code == 200
    assert "WPCC3-0058" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
