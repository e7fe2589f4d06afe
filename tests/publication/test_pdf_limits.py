"""A PDF render is bounded (issue 26, item 8): a request waits a few seconds at most for its
turn, a large record's render is stopped at a time limit, and a render that failed is
remembered, so that asking again is answered 503 at once instead of tying up a worker.

The margins on time are generous: the machine running the tests may be shared and slow. What
is checked exactly is whether the renderer was called.
"""

import dataclasses
import io
import time

import pytest
from pypdf import PdfReader

from decisions import pdf as decision_pdf
from decisions.publication import public_record
from tests.publication.conftest import public_section

MARGIN_SECONDS = 20
INTERNAL = "/workspace/decisions/WPCC3-0058.pdf"
PREVIEW = "/workspace/decisions/WPCC3-0058/publish/preview.pdf"

# Two sections of 60,000 characters: the record's HTML is over LARGE_HTML_CHARS, so it is
# rendered in a subprocess (each section is within the editor's bound on a field).
PARAGRAPH = (
    "The joint commissioning process brings the office's timetable into line with the "
    "county council's, so that one procurement serves both. "
)
LONG_SECTION = "\n\n".join([PARAGRAPH * 4] * 110)[:60_000]


@pytest.fixture
def large_decision(make_decision, officer):
    return make_decision(
        reference="WPCC3-0900",
        title="A very large record",
        sections=[
            public_section("Background information", LONG_SECTION),
            public_section("Further background", LONG_SECTION),
        ],
        publish_by=officer,
    )


@pytest.fixture
def renders(monkeypatch):
    """Counts the renders, here and in a subprocess, still doing them."""
    calls = {"here": 0, "elsewhere": 0}
    here, elsewhere = decision_pdf._render_here, decision_pdf._render_elsewhere

    def count_here(html):
        calls["here"] += 1
        return here(html)

    def count_elsewhere(html):
        calls["elsewhere"] += 1
        return elsewhere(html)

    monkeypatch.setattr(decision_pdf, "_render_here", count_here)
    monkeypatch.setattr(decision_pdf, "_render_elsewhere", count_elsewhere)
    return calls


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def assert_try_again_later(response):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")


def test_large_record_html_is_over_the_threshold(large_decision):
    html = decision_pdf.public_pdf_html(public_record(large_decision))
    assert len(html) > decision_pdf.LARGE_HTML_CHARS


def test_a_render_over_the_time_limit_is_stopped_and_answered_503(
    large_decision, member_of_public, settings, renders
):
    settings.PDF_RENDER_SECONDS = 1

    response, seconds = timed_get(member_of_public, "/decisions/WPCC3-0900.pdf")

    assert_try_again_later(response)
    assert seconds < settings.PDF_RENDER_SECONDS + MARGIN_SECONDS
    assert renders == {"here": 0, "elsewhere": 1}


def test_a_failed_render_is_remembered_and_not_tried_again(
    large_decision, member_of_public, settings, renders, caplog
):
    settings.PDF_RENDER_SECONDS = 1
    assert_try_again_later(member_of_public.get("/decisions/WPCC3-0900.pdf"))
    logged = [r for r in caplog.records if r.name == "decisions.pdf" and r.levelname == "ERROR"]
    assert len(logged) == 1
    assert "was stopped" in logged[0].getMessage()
    caplog.clear()

    for _ in range(3):
        response, seconds = timed_get(member_of_public, "/decisions/WPCC3-0900.pdf")
        assert_try_again_later(response)
        assert seconds < MARGIN_SECONDS / 2  # no render: nothing to wait for

    assert renders == {"here": 0, "elsewhere": 1}
    assert not [r for r in caplog.records if r.name == "decisions.pdf" and r.levelname == "ERROR"]


def test_a_failed_render_is_remembered_by_content_as_well(large_decision, settings, renders):
    """Asked for through another way in (the publish preview, a new version with the same
    content), the same content is not rendered again either."""
    settings.PDF_RENDER_SECONDS = 1
    record = public_record(large_decision)
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(record)
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(record)

    assert renders == {"here": 0, "elsewhere": 1}


def test_a_changed_record_is_rendered_again(large_decision, settings, renders):
    settings.PDF_RENDER_SECONDS = 1
    record = public_record(large_decision)
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(record)

    changed = dataclasses.replace(record, title="A very large record, shortened")
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(changed)

    assert renders == {"here": 0, "elsewhere": 2}


def test_the_failure_is_forgotten_after_a_while(large_decision, settings, renders):
    settings.PDF_RENDER_SECONDS = 1
    settings.PDF_FAILURE_SECONDS = 1
    record = public_record(large_decision)
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(record)
    time.sleep(1.5)
    with pytest.raises(decision_pdf.PdfFailed):
        decision_pdf.public_pdf(record)

    assert renders == {"here": 0, "elsewhere": 2}


def test_a_large_record_within_the_limit_is_rendered_in_a_subprocess(
    large_decision, member_of_public, settings, renders
):
    settings.PDF_RENDER_SECONDS = 300  # generous: the point is the path, not the speed

    response = member_of_public.get("/decisions/WPCC3-0900.pdf")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "WPCC3-0900: A very large record"
    assert len(reader.pages) > 10
    assert renders == {"here": 0, "elsewhere": 1}


def test_the_subprocess_makes_the_same_pdf(settings):
    """The subprocess path (for large records) makes the PDF the render here makes; a small
    record, for speed."""
    html = decision_pdf.public_pdf_html(decision_pdf.sample_record())

    here = PdfReader(io.BytesIO(decision_pdf._render_here(html)))
    elsewhere = PdfReader(io.BytesIO(decision_pdf._render_elsewhere(html)))

    assert elsewhere.metadata.title == here.metadata.title == "WARM-UP: Warm-up"
    assert elsewhere.pages[0].extract_text() == here.pages[0].extract_text()
    assert "/StructTreeRoot" in elsewhere.trailer["/Root"]  # tagged, as PDF/UA asks


# -- waiting for a turn to render ---------------------------------------------------------------


def test_a_request_that_cannot_start_its_render_is_answered_503(
    seed_decision, member_of_public, settings, renders
):
    settings.PDF_QUEUE_SECONDS = 1
    assert decision_pdf._render_lock.acquire(timeout=60)  # another render, taking its time
    try:
        response, seconds = timed_get(member_of_public, "/decisions/WPCC3-0058.pdf")
    finally:
        decision_pdf._render_lock.release()

    assert_try_again_later(response)
    assert seconds < settings.PDF_QUEUE_SECONDS + MARGIN_SECONDS
    assert renders == {"here": 0, "elsewhere": 0}

    # Waiting is not failing: once the other render is done, the PDF is made.
    response = member_of_public.get("/decisions/WPCC3-0058.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert renders == {"here": 1, "elsewhere": 0}


def test_staff_pdfs_are_answered_503_too_when_no_render_can_start(
    seed_decision, client_for, officer, settings
):
    settings.PDF_QUEUE_SECONDS = 1
    client = client_for(officer)
    assert decision_pdf._render_lock.acquire(timeout=60)
    try:
        internal = client.get(INTERNAL)
        preview = client.get(PREVIEW)
    finally:
        decision_pdf._render_lock.release()

    assert_try_again_later(internal)
    assert_try_again_later(preview)
