"""Recording a decision already taken, on paper and signed in ink, through the workspace; and
correcting a decided record (issue 23).

An officer given the permission "record decisions already taken" writes the content as a
draft, then records it with the date of decision, the decision maker and the signatures as the
signed record shows them, and a scan of the signed copy, which is held by the office and never
published. A transcription fix is a correction, listed publicly with its reason, and the paper
signatures stand; a change of substance voids the signatures it touches.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.audit import AuditEntry
from decisions.models import (
    Correction,
    DecisionStatus,
    Signature,
    SignatureMethod,
    SignedCopy,
    WorkflowEvent,
    WorkflowStep,
)
from decisions.publication.record import RECORDED_FROM_SIGNED_RECORD
from decisions.workflow import DECISION_FORMAT, content_hash, today
from tests.conftest import give_permission
from tests.publication.leaks import assert_no_leaks, find_leaks, readings_of_pdf, readings_of_text
from tests.workspace.conftest import form_fields

Status = DecisionStatus
DECIDED_ON = datetime.date(2019, 3, 4)
SIGNED_ON = datetime.date(2019, 3, 5)
PUBLISHED_ON = datetime.date(2019, 3, 11)
# Found nowhere else: in the scan's name and in its bytes.
SCAN_NAME_MARKER = "qxzvbnmkhandwritten"
SCAN_BYTES_MARKER = "qxwrtpsdfgsignatureink"
SCAN = b"%PDF-1.4\n% " + SCAN_BYTES_MARKER.encode() + b"\n%%EOF\n"


@pytest.fixture
def recorder(officer):
    """A commissioning officer an administrator has given the permission."""
    return give_permission(officer, "decisions.record_decided")


@pytest.fixture
def paper_draft(make_draft, recorder):
    return make_draft(author=recorder, decision_maker_name="Ron Ball")


def record_url(decision) -> str:
    return reverse("workspace:decision-record-decided", args=[decision.reference])


def correct_url(decision) -> str:
    return reverse("workspace:decision-correct", args=[decision.reference])


def day(prefix: str, value: datetime.date) -> dict:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def maker_row(data: dict) -> str:
    """The signatures form's prefix of the decision maker's row."""
    return next(
        key[: -len("-step")]
        for key, value in data.items()
        if key.endswith("-step") and value == WorkflowStep.APPROVE
    )


def record_by_page(client, decision, *, publication="on", scan=True, **changes):
    data = form_fields(client.get(record_url(decision)))
    maker = maker_row(data)
    data.update(
        {
            "source": "The signed decision record in the office's 2019 decision file",
            **day("decided_on", DECIDED_ON),
            "decision_maker_name": "Ron Ball",
            f"{maker}-name": "Ron Ball",
            f"{maker}-capacity": "Police and Crime Commissioner",
            **day(f"{maker}-signed_on", SIGNED_ON),
            f"{maker}-method": SignatureMethod.WET,
            "publication": publication,
        }
    )
    if publication == "on":
        data.update(day("published_on", PUBLISHED_ON))
    if scan:
        data["signed_copy"] = SimpleUploadedFile(
            f"{SCAN_NAME_MARKER}.pdf", SCAN, content_type="application/pdf"
        )
    data.update(changes)
    return client.post(record_url(decision), data)


@pytest.fixture
def recorded(paper_draft, recorder, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = record_by_page(client_for(recorder), paper_draft)
    assert response.status_code == 302, response.content.decode()[:3000]
    paper_draft.refresh_from_db()
    return paper_draft


# -- who may ----------------------------------------------------------------------------------


def test_an_officer_without_the_permission_is_refused_on_every_new_page(
    make_draft, advance, officer, recorder, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = make_draft()
    decided = make_draft()
    record_by_page(client_for(recorder), decided, publication="not")
    copy = SignedCopy.objects.get(decision=decided)
    plain = make_draft().author  # the officer fixture, without the permission
    plain.user_permissions.clear()
    client = client_for(type(plain).objects.get(pk=plain.pk))
    urls = [
        reverse("workspace:decision-record-start"),
        record_url(draft),
        correct_url(decided),
        reverse("workspace:decision-signed-copy", args=[decided.reference, copy.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("persona", ["treasurer", "monitoring_officer", "chief_officer", "pcc"])
def test_signers_without_the_permission_are_refused(persona, request, paper_draft, client_for):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(reverse("workspace:decision-record-start")).status_code == 403
    assert client.get(record_url(paper_draft)).status_code == 403


def test_an_administrator_may_record(paper_draft, administrator, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = record_by_page(client_for(administrator), paper_draft)

    assert response.status_code == 302
    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.PUBLISHED


# -- recording, by clicking -------------------------------------------------------------------


def test_the_way_in_is_on_the_dashboard_and_the_register(recorder, officer, client_for):
    start = reverse("workspace:decision-record-start")
    for page in (reverse("workspace:dashboard"), reverse("workspace:decision-list")):
        assert f'href="{start}"' in client_for(recorder).get(page).content.decode()
    plain = client_for(officer)
    officer.user_permissions.clear()
    assert f'href="{start}"' not in plain.get(reverse("workspace:dashboard")).content.decode()


def test_the_draft_page_offers_recording_it(paper_draft, recorder, client_for):
    page = client_for(recorder).get(
        reverse("workspace:decision-detail", args=[paper_draft.reference])
    )

    assert f'href="{record_url(paper_draft)}"' in page.content.decode()


def test_a_recorded_decision_lands_decided_as_the_signed_record_says(recorded, recorder):
    assert recorded.status == Status.PUBLISHED
    assert recorded.decided_on == DECIDED_ON
    assert recorded.signed_on == SIGNED_ON
    assert recorded.published_on == PUBLISHED_ON
    assert recorded.decision_maker_name == "Ron Ball"
    assert recorded.recorded_from_signed_record
    signature = recorded.signatures.get()
    assert (signature.step, signature.name, signature.capacity, signature.method) == (
        WorkflowStep.APPROVE,
        "Ron Ball",
        "Police and Crime Commissioner",
        SignatureMethod.WET,
    )
    assert signature.user is None  # no account signed it in the register
    assert signature.signed_at.date() == SIGNED_ON
    assert signature.content_format == DECISION_FORMAT
    assert signature.content_sha256 == content_hash(recorded, content_format=DECISION_FORMAT)
    copy = SignedCopy.objects.get(decision=recorded)
    assert copy.file.read() == SCAN


def test_its_history_and_the_audit_log_say_who_recorded_it_and_from_what(recorded, recorder):
    source = "The signed decision record in the office's 2019 decision file"
    event = WorkflowEvent.objects.get(decision=recorded, step=WorkflowStep.RECORD)
    assert event.actor == recorder
    assert source in event.comments
    version = recorded.history.filter(status=Status.APPROVED).latest("history_id")
    assert version.history_user == recorder
    assert source[:40] in version.history_change_reason
    entry = AuditEntry.objects.get(action="decision.recorded")
    assert entry.actor == recorder
    assert entry.details["source"] == source
    assert entry.details["signatures"][0]["method"] == "wet"
    assert AuditEntry.objects.filter(action="workflow.record").exists()


def test_not_publishing_leaves_it_decided_with_no_date_published(
    paper_draft, recorder, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    record_by_page(client_for(recorder), paper_draft, publication="not", scan=False)

    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.APPROVED
    assert paper_draft.published_on is None
    assert not SignedCopy.objects.filter(decision=paper_draft).exists()


def test_publish_now_publishes_it_today(paper_draft, recorder, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    record_by_page(client_for(recorder), paper_draft, publication="now")

    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.PUBLISHED
    assert paper_draft.published_on == today()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            day("decided_on", today() + datetime.timedelta(days=2)),
            "The date of the decision cannot be in the future",
        ),
        ({"source": ""}, "Say what you are recording the decision from"),
        (
            {"published_on_day": "", "published_on_month": "", "published_on_year": ""},
            "Enter the date the decision was published",
        ),
    ],
)
def test_a_wrong_answer_is_shown_next_to_its_field_and_nothing_is_recorded(
    changes, message, paper_draft, recorder, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    response = record_by_page(client_for(recorder), paper_draft, **changes)

    assert response.status_code == 200
    assert message in response.content.decode()
    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.DRAFT
    assert not Signature.objects.filter(decision=paper_draft).exists()
    assert not SignedCopy.objects.exists()


def test_a_signature_needs_its_date(paper_draft, recorder, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(recorder)
    maker = maker_row(form_fields(client.get(record_url(paper_draft))))

    response = record_by_page(
        client,
        paper_draft,
        **{
            f"{maker}-signed_on_day": "",
            f"{maker}-signed_on_month": "",
            f"{maker}-signed_on_year": "",
        },
    )

    assert "The decision maker: enter the date signed" in response.content.decode()
    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.DRAFT


def test_content_changed_since_the_page_was_opened_is_not_recorded(
    paper_draft, recorder, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(recorder)
    data = form_fields(client.get(record_url(paper_draft)))
    paper_draft.summary = "Something else altogether."
    paper_draft.save()

    response = record_by_page(client, paper_draft, content_sha256=data["content_sha256"])

    assert response.status_code == 409
    paper_draft.refresh_from_db()
    assert paper_draft.status == Status.DRAFT


# -- the public record ------------------------------------------------------------------------


def test_its_public_page_pdf_and_json_show_the_record_as_recorded(recorded, member_of_public):
    page = member_of_public.get(reverse("decisions:detail", args=[recorded.reference]))
    pdf = member_of_public.get(reverse("decisions:pdf", args=[recorded.reference]))
    data = member_of_public.get(reverse("decisions:json")).json()

    text = readings_of_text(page.content)["text with HTML entities decoded"]
    pdf_text = readings_of_pdf(pdf.content)["extracted text"]
    for words in (text, " ".join(pdf_text.split())):
        assert "4 March 2019" in words  # the date of decision
        assert "5 March 2019" in words  # the date signed
        assert "11 March 2019" in words  # the date published
        assert "Ron Ball" in words
        assert "Wet signature held in the office" in words
        assert RECORDED_FROM_SIGNED_RECORD in words
    (item,) = [each for each in data["decisions"] if each["reference"] == recorded.reference]
    assert item["provenance"] == RECORDED_FROM_SIGNED_RECORD
    assert item["decided_on"] == "2019-03-04"


def test_no_byte_or_name_of_the_signed_copy_reaches_the_public(
    recorded, member_of_public, settings
):
    copy = SignedCopy.objects.get(decision=recorded)
    urls = [
        "/",
        reverse("decisions:register"),
        f"{reverse('decisions:register')}?q=signed",
        reverse("decisions:detail", args=[recorded.reference]),
        reverse("decisions:pdf", args=[recorded.reference]),
        reverse("decisions:json"),
        reverse("decisions:feed"),
        reverse("decisions:sitemap"),
    ]
    leaks = []
    for url in urls:
        response = member_of_public.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith(".pdf"):
            readings = readings_of_pdf(body)
        else:
            readings = readings_of_text(body)
        leaks += find_leaks(url, readings, [SCAN_NAME_MARKER, SCAN_BYTES_MARKER, copy.sha256])
    assert_no_leaks(leaks)
    # Nor at any address the public could guess: the appendix address, or the file itself.
    guessed = reverse("decisions:appendix", args=[recorded.reference, copy.pk])
    assert member_of_public.get(guessed).status_code == 404
    assert member_of_public.get(f"{settings.MEDIA_URL}{copy.file.name}").status_code == 404


def test_staff_with_the_permission_download_the_signed_copy_and_it_is_audited(
    recorded, recorder, client_for
):
    copy = SignedCopy.objects.get(decision=recorded)
    url = reverse("workspace:decision-signed-copy", args=[recorded.reference, copy.pk])

    response = client_for(recorder).get(url)

    assert b"".join(response.streaming_content) == SCAN
    assert AuditEntry.objects.filter(action="read.signed_copy", actor=recorder).exists()


# -- corrections and changes of substance ------------------------------------------------------


def change_summary(client, decision, summary: str, kind: str, reason: str):
    data = form_fields(client.get(correct_url(decision)))
    data.update({"summary": summary, "correction-kind": kind, "correction-reason": reason})
    return client.post(correct_url(decision), data)


def test_a_correction_keeps_the_paper_signature_and_is_listed_publicly(
    recorded, recorder, client_for, member_of_public
):
    signature = recorded.signatures.get()

    response = change_summary(
        client_for(recorder),
        recorded,
        "To commission drugs and alcohol services jointly with the county council (corrected).",
        "correction",
        "The summary was mistyped against the signed original.",
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    recorded.refresh_from_db()
    assert recorded.status == Status.PUBLISHED
    assert recorded.summary.endswith("(corrected).")
    signature.refresh_from_db()
    assert signature.voided_at is None
    assert signature.content_sha256 == content_hash(recorded, content_format=DECISION_FORMAT)
    assert signature.history.count() == 2  # the fingerprint it had before is kept
    correction = Correction.objects.get(decision=recorded)
    assert correction.made_by == recorder
    words = (
        f"Corrected on {today().day} {today():%B %Y}: "
        "The summary was mistyped against the signed original."
    )
    page = member_of_public.get(reverse("decisions:detail", args=[recorded.reference]))
    pdf = member_of_public.get(reverse("decisions:pdf", args=[recorded.reference]))
    data = member_of_public.get(reverse("decisions:json")).json()
    assert words in readings_of_text(page.content)["text with HTML entities decoded"]
    assert words in " ".join(readings_of_pdf(pdf.content)["extracted text"].split())
    (item,) = [each for each in data["decisions"] if each["reference"] == recorded.reference]
    assert item["corrections"] == [words]
    assert WorkflowEvent.objects.filter(decision=recorded, step=WorkflowStep.CORRECT).exists()


def test_a_change_of_substance_voids_the_signatures_it_touches(
    make_draft, advance, recorder, client_for
):
    decision = advance(make_draft(), Status.APPROVED)
    assert decision.signatures.filter(voided_at__isnull=True).count() == 3

    response = change_summary(
        client_for(recorder),
        decision,
        "To commission the services alone, without the county council.",
        "substance",
        "The council withdrew.",
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    assert not decision.signatures.filter(voided_at__isnull=True).exists()
    # Back to the first step the voided signatures belong to: the Treasurer's sign-off.
    assert decision.status == Status.SUBMITTED
    assert decision.next_step == WorkflowStep.SIGN_OFF
    assert not Correction.objects.exists()


def test_a_change_of_substance_to_a_published_record_goes_back_for_signing_and_is_noted(
    make_draft, advance, recorder, client_for, member_of_public
):
    decision = advance(make_draft(), Status.PUBLISHED)
    client = client_for(recorder)
    data = form_fields(client.get(correct_url(decision)))
    assert (
        "until it is signed and published again"
        in client.get(correct_url(decision)).content.decode()
    )
    data.update(
        {
            "summary": "To commission the services alone, without the county council.",
            "correction-kind": "substance",
            "correction-reason": "The council withdrew after publication.",
        }
    )

    response = client.post(correct_url(decision), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    # What the public reads is always what was signed: the changed record is signed again.
    assert decision.status != Status.PUBLISHED
    assert decision.signed_on is None
    assert not decision.signatures.filter(voided_at__isnull=True, step="approve").exists()
    assert Correction.objects.get(decision=decision).made_by == recorder
    page = member_of_public.get(reverse("decisions:detail", args=[decision.reference]))
    assert page.status_code == 410
    assert "being signed again" in page.content.decode()
    assert "without the county council" not in page.content.decode()
    found = member_of_public.get(reverse("decisions:register"), {"q": "alone"})
    assert decision.reference not in found.content.decode()


def test_a_decided_record_signed_in_the_register_cannot_be_corrected_as_a_typo(
    make_draft, advance, recorder, client_for
):
    decision = advance(make_draft(), Status.APPROVED)

    response = change_summary(
        client_for(recorder), decision, "Another summary.", "correction", "A typo."
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    decision.refresh_from_db()
    assert decision.summary != "Another summary."
    assert decision.signatures.filter(voided_at__isnull=True).count() == 3


def test_a_stale_correction_is_refused(recorded, recorder, client_for):
    client = client_for(recorder)
    data = form_fields(client.get(correct_url(recorded)))
    recorded.summary = "Changed by someone else meanwhile."
    recorded._history_user = recorder
    recorded.save()
    data.update(
        {"summary": "My change.", "correction-kind": "correction", "correction-reason": "Typo."}
    )

    response = client.post(correct_url(recorded), data)

    assert response.status_code == 409
    recorded.refresh_from_db()
    assert recorded.summary == "Changed by someone else meanwhile."
    assert not Correction.objects.exists()


def test_a_correction_needs_its_reason(recorded, recorder, client_for):
    response = change_summary(client_for(recorder), recorded, "Another.", "correction", "")

    assert "Say what changed and why" in response.content.decode()
    recorded.refresh_from_db()
    assert recorded.summary != "Another."


def test_changing_only_the_decision_maker_voids_only_the_approval(
    make_draft, advance, recorder, client_for
):
    decision = advance(make_draft(), Status.APPROVED)
    client = client_for(recorder)
    data = form_fields(client.get(correct_url(decision)))
    data.update(
        {
            "decision_maker_name": "Someone Else",
            "correction-kind": "substance",
            "correction-reason": "The decision was taken by the deputy.",
        }
    )

    response = client.post(correct_url(decision), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    decision.refresh_from_db()
    live = decision.signatures.filter(voided_at__isnull=True)
    assert sorted(live.values_list("step", flat=True)) == ["comment", "sign_off"]
    assert decision.status == Status.COMMENTED
    assert decision.next_step == WorkflowStep.APPROVE


def test_a_wrong_date_of_decision_is_corrected_against_the_signed_original(
    recorded, recorder, client_for
):
    client = client_for(recorder)
    data = form_fields(client.get(correct_url(recorded)))
    data.update(
        {
            **day("correction-decided_on", datetime.date(2019, 3, 3)),
            "correction-kind": "correction",
            "correction-reason": "The date of decision was mistyped: the record says 3 March.",
        }
    )

    response = client.post(correct_url(recorded), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    recorded.refresh_from_db()
    assert recorded.decided_on == datetime.date(2019, 3, 3)
    signature = recorded.signatures.get()
    assert signature.voided_at is None
    assert signature.content_sha256 == content_hash(recorded, content_format=DECISION_FORMAT)
