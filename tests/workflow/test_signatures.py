"""Electronic signatures: bound to the content as signed, and frozen content."""

import hashlib
import json

import pytest

from decisions.models import DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import content_hash, signed_content
from tests.factories import AppendixFactory, AwardFactory

Status = DecisionStatus


def test_the_hash_is_sha256_of_the_canonical_json_of_the_content(draft):
    content = signed_content(draft)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    assert content_hash(draft) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert content["reference"] == draft.reference
    assert content["title"] == draft.title
    assert content["summary"] == draft.summary
    assert [s["heading"] for s in content["sections"]] == [
        "Background information",
        "Costs (including any identified savings)",
        "Equality implications",
    ]


def test_the_signature_records_the_hash_of_the_content_as_signed(draft, advance, treasurer):
    before = content_hash(draft)

    advance(draft, Status.SIGNED_OFF)

    signature = draft.signatures.get()
    assert signature.content_sha256 == before
    assert len(signature.content_sha256) == 64
    assert (signature.name, signature.capacity) == ("Sara Treasurer", "Treasurer")
    assert signature.user == treasurer


def edit_section(decision, **changes):
    section = decision.sections.get(heading="Background information")
    for name, value in changes.items():
        setattr(section, name, value)
    section.save()


@pytest.mark.parametrize(
    "change",
    [
        lambda d: edit_section(d, text="The contracts end in March 2024."),
        lambda d: edit_section(d, heading="Background"),
        lambda d: edit_section(d, is_withheld=True, exemption="s41", public_interest_statement=""),
        lambda d: setattr(d, "summary", "A different summary.") or d.save(),
        lambda d: setattr(d, "title", "A different title") or d.save(),
        lambda d: AppendixFactory(decision=d, title="Briefing note", sha256="ab" * 32),
        lambda d: AwardFactory(decision=d, recipient="Compass", amount="25000.00"),
    ],
    ids=["text", "heading", "withholding", "summary", "title", "appendix", "award"],
)
def test_any_change_to_the_signed_content_changes_the_hash(draft, change):
    before = content_hash(draft)

    change(draft)

    assert content_hash(draft) != before


def test_line_endings_from_a_browser_do_not_change_the_hash(draft):
    edit_section(draft, text="Line one\nLine two")
    unix = content_hash(draft)
    edit_section(draft, text="Line one\r\nLine two")
    assert content_hash(draft) == unix


def test_the_decision_page_check_shows_a_mismatch_after_an_edit(draft, advance, pcc):
    advance(draft, Status.APPROVED)
    assert draft.content_matches_signatures()

    edit_section(draft, text="Edited after the decision was signed.")

    assert not draft.content_matches_signatures()


def test_editing_signed_content_returns_it_to_draft_and_voids_the_signatures(
    draft, advance, officer
):
    advance(draft, Status.COMMENTED)
    assert draft.edit_voids_signatures

    edit_section(draft, text="The contracts now end in March 2024.")
    draft.content_edited(by=officer)

    assert draft.status == Status.DRAFT
    assert not draft.edit_voids_signatures
    assert draft.signatures.count() == 2
    assert not draft.signatures.filter(voided_at__isnull=True).exists()
    event = draft.workflow_events.last()
    assert (event.step, event.outcome, event.actor) == (
        WorkflowStep.EDIT,
        WorkflowOutcome.ALLOWED,
        officer,
    )
    assert (event.from_status, event.to_status) == (Status.COMMENTED, Status.DRAFT)
    assert draft.history.first().status == Status.DRAFT
    assert draft.history.first().history_user == officer


def test_saving_without_changing_the_content_keeps_the_signatures(draft, advance, officer):
    advance(draft, Status.SIGNED_OFF)

    draft.content_edited(by=officer)

    assert draft.status == Status.SIGNED_OFF
    assert draft.signatures.filter(voided_at__isnull=True).count() == 1


def test_before_the_first_sign_off_an_edit_keeps_the_record_submitted(draft, officer):
    draft.submit(by=officer)
    assert not draft.edit_voids_signatures

    edit_section(draft, text="A late correction before anyone has signed.")
    draft.content_edited(by=officer)

    assert draft.status == Status.SUBMITTED


def test_an_edit_after_the_decision_is_recorded_but_does_not_undo_it(draft, advance, officer):
    advance(draft, Status.APPROVED)
    assert draft.content_is_locked

    edit_section(draft, text="Changed after the decision.")
    draft.content_edited(by=officer)

    assert draft.status == Status.APPROVED
    event = draft.workflow_events.last()
    assert event.step == WorkflowStep.EDIT
    assert "no longer matches" in event.comments
    assert not draft.content_matches_signatures()


def test_content_edited_keeps_confidentiality_in_step(draft, officer):
    edit_section(draft, is_withheld=True, exemption="s41")

    draft.content_edited(by=officer)

    assert draft.confidentiality == draft.Confidentiality.PARTLY


def test_times_are_given_in_the_office_time_zone_in_govuk_style():
    import datetime as dt

    from django.utils import timezone

    from decisions.workflow import in_words

    summer = timezone.make_aware(dt.datetime(2022, 6, 29, 14, 5))
    assert in_words(summer) == "29 June 2022 at 2:05pm"
    assert in_words(summer.astimezone(dt.UTC)) == "29 June 2022 at 2:05pm"
    assert in_words(timezone.make_aware(dt.datetime(2022, 12, 1, 12, 0))) == (
        "1 December 2022 at midday"
    )
    assert in_words(timezone.make_aware(dt.datetime(2022, 12, 1, 9, 30))) == (
        "1 December 2022 at 9:30am"
    )
