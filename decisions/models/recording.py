"""Decisions taken outside the register, and corrections to decided records: the steps
`Decision` takes from the `RecordingSteps` mixin here. Each goes through `_take_step`
(`decisions.models.signoff`), like every other step.

- `record_as_decided`: a draft recorded as a decision already taken on paper, from the office's
  signed record;
- `correct_transcription`: a record taken on paper made to say what its signed original says
  (a correction, listed publicly; the paper signatures stand);
- `change_substance`: a change of substance to a decided record, which voids the signatures
  it touches. One not yet published goes back through their steps; a published one stays on
  the public register, the change listed there as a correction with its reason.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from commissioning import audit
from decisions.models.signoff import _road_index, signed_format
from decisions.models.steps import ROAD, DecisionStatus, WorkflowStep
from decisions.models.workflow import (
    Correction,
    Signature,
    SignatureMethod,
    SignedCopy,
    person_name,
    signed_on_the_day,
)
from decisions.workflow import WorkflowError, content_hash, now, signature_matches, today

# The steps a signature recorded from a paper record may be given at, in the road's order.
RECORDED_STEPS = (
    WorkflowStep.SIGN_OFF,
    WorkflowStep.COMMENT,
    WorkflowStep.APPROVE_FORCE_BUSINESS,
    WorkflowStep.APPROVE,
)


@dataclass(frozen=True)
class RecordedSignature:
    """A signature as the office's signed record shows it: who, in what capacity, on which
    day, at which step, and whether in ink (wet) or electronically."""

    step: str
    name: str
    capacity: str
    signed_on: datetime.date
    method: str = SignatureMethod.WET


class RecordingSteps:
    """The steps of recording a decision taken outside the register and of correcting a
    decided record. Mixed into `Decision` with `SignOffSteps`, whose `_take_step` they use."""

    def record_as_decided(
        self,
        *,
        by,
        source: str,
        decided_on: datetime.date,
        decision_maker_name: str,
        signatures: list[RecordedSignature],
        signed_copy=None,
        seen: str | None = None,
    ) -> None:
        """Record a draft as a decision already taken outside the register (on paper), from
        the office's signed record: its date of decision and decision maker as on the record,
        its signatures as they were given, and the signed copy as an internal appendix. The
        record then says it was recorded from the office's signed record; its history and the
        audit log say who recorded it and from what (`source`)."""
        source = (source or "").strip()

        def act(decision) -> None:
            decision._require(source, "Say what the decision is recorded from.")
            if decided_on > today():
                raise WorkflowError("The date of the decision cannot be in the future.")
            steps = [signature.step for signature in signatures]
            if len(set(steps)) != len(steps):
                raise WorkflowError("Give one signature for each step at most.")
            if not set(steps) <= set(RECORDED_STEPS):
                raise WorkflowError("A recorded signature is given at a step of the sign-off.")
            decision.decided_on = decided_on
            decision.decision_maker_name = (decision_maker_name or "").strip()
            maker = next((s for s in signatures if s.step == WorkflowStep.APPROVE), None)
            decision.signed_on = maker.signed_on if maker else None
            decision.recorded_from_signed_record = True
            decision._change_reason = f"Recorded from the office's signed record: {source}"[:100]
            for recorded in signatures:
                decision._record_signature(recorded, by)
            copy = None
            if signed_copy is not None:
                copy = decision._keep_signed_copy(signed_copy, by)
            audit.record(
                "decision.recorded",
                actor=by,
                obj=decision,
                details={
                    "reference": decision.reference,
                    "source": source,
                    "decided_on": decided_on,
                    "signatures": [
                        {
                            "name": each.name,
                            "capacity": each.capacity,
                            "signed_on": each.signed_on,
                            "method": each.method,
                        }
                        for each in signatures
                    ],
                    "signed_copy_sha256": copy.sha256 if copy else "",
                },
            )

        self._take_step(
            WorkflowStep.RECORD,
            by=by,
            comments=f"Recorded from: {source}" if source else "",
            act=act,
            seen=seen,
        )

    record_as_decided.alters_data = True

    def _record_signature(self, recorded: RecordedSignature, by) -> Signature:
        content_format = signed_format(recorded.step)
        signed_at = signed_on_the_day(recorded.signed_on)
        signature = Signature(
            decision=self,
            step=recorded.step,
            method=recorded.method,
            user=None,  # given outside the register: no account signed it here
            name=recorded.name.strip(),
            capacity=recorded.capacity.strip(),
            delegation=self.delegation if recorded.step == WorkflowStep.APPROVE else None,
            signed_at=signed_at,
            content_sha256=content_hash(self, content_format=content_format),
            content_format=content_format,
        )
        signature._history_user = by
        try:
            signature.full_clean(exclude=["decision"])
        except ValidationError as invalid:
            raise WorkflowError(" ".join(invalid.messages)) from None
        signature.save()
        return signature

    def _keep_signed_copy(self, upload, by) -> SignedCopy:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        copy = SignedCopy(decision=self, uploaded_by=by, sha256=digest.hexdigest())
        copy.file.save(upload.name, upload, save=False)
        copy._history_user = by
        copy.save()
        return copy

    def correct_transcription(self, *, by, reason: str) -> None:
        """After a transcription fix (the record said otherwise than its signed original):
        keep the correction with its reason, listed publicly, and leave the paper signatures
        standing, their fingerprints taken again of the corrected transcription (their
        history keeps the old ones). Only for a record taken outside the register, all of
        whose signatures were recorded from it."""
        reason = (reason or "").strip()

        def act(decision) -> None:
            decision._require(reason, "Say what was corrected and why.")
            live = list(decision.signatures.filter(voided_at__isnull=True))
            if not decision.recorded_from_signed_record or any(s.user_id for s in live):
                raise WorkflowError(
                    "Only a record taken on paper can be corrected against its signed "
                    "original; a change to what was signed here is a change of substance."
                )
            for signature in live:
                signature.content_sha256 = content_hash(
                    decision, content_format=signature.content_format
                )
                signature._history_user = by
                signature._change_reason = "Corrected transcription"
                signature.save()
            decision._note_correction(by, reason)
            decision._change_reason = f"Corrected: {reason}"[:100]

        self.refresh_confidentiality(by=by)
        self._take_step(WorkflowStep.CORRECT, by=by, comments=f"Correction: {reason}", act=act)
        self._republish_later()

    correct_transcription.alters_data = True

    def change_substance(self, *, by, reason: str) -> None:
        """After a change of substance to a decided record: void the signatures it touches
        (those that no longer match).

        The record goes back to the first step they belong to, to be taken again: what the
        public reads is always what was signed. A published one leaves the public register until
        it is signed and published again (its address says so meanwhile), and is then listed
        with the change as a correction with its reason."""
        reason = (reason or "").strip()

        def act(decision) -> None:
            decision._require(reason, "Say what changed and why.")
            published = decision.status == DecisionStatus.PUBLISHED
            hashes: dict[int, str] = {}
            live = list(decision.signatures.filter(voided_at__isnull=True))
            touched = [s for s in live if not signature_matches(s, decision, hashes=hashes)]
            if published:
                decision._note_correction(by, reason)
                decision._change_reason = f"Changed after publication: {reason}"[:100]
            if not touched:
                return
            for signature in touched:
                if signature.step == WorkflowStep.APPROVE_FORCE_BUSINESS:
                    decision.chief_officer_approved_on = None
                if signature.step in (WorkflowStep.APPROVE, WorkflowStep.DECLINE):
                    decision.signed_on = None
                signature.voided_at = now()
                signature.void_reason = f"Changed after the decision: {reason}"[:300]
                signature._history_user = by
                signature.save()
            first = min(_road_index(signature.step) for signature in touched)
            decision.status = next(
                spec.status_after for spec in reversed(ROAD[:first]) if spec.needed(decision)
            )
            standing = [s for s in live if s not in touched]
            decision.recorded_from_signed_record = decision.recorded_from_signed_record and any(
                s.user_id is None for s in standing
            )

        self.refresh_confidentiality(by=by)
        self._take_step(
            WorkflowStep.CORRECT, by=by, comments=f"Change of substance: {reason}", act=act
        )
        self._republish_later()

    change_substance.alters_data = True

    def _note_correction(self, by, reason: str) -> Correction:
        """The correction the public record lists: when, and why (never by whom)."""
        correction = Correction(
            decision=self, made_on=today(), made_by=by, made_by_name=person_name(by), reason=reason
        )
        correction._history_user = by
        correction.full_clean()
        correction.save()
        if self.status == DecisionStatus.PUBLISHED:
            # The public search matches the record as it now reads.
            from decisions.publication import public_search_text

            self.search_document = public_search_text(self)
        return correction

    def _republish_later(self) -> None:
        """A published record changed: its public PDF is rendered again once the step has
        committed (decisions.pdf reads the models, so it is imported here)."""
        if self.status != DecisionStatus.PUBLISHED:
            return
        from decisions.pdf import render_public_pdf_later

        render_public_pdf_later(self.reference)
