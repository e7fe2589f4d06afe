"""What the public is told of a decision that was published and no longer is."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from decisions.models import (
    Decision,
    DecisionLink,
    LinkKind,
    WorkflowOutcome,
    WorkflowStep,
)
from decisions.publication.addresses import decision_url


@dataclass(frozen=True)
class NoLongerPublished:
    """What the public is told at the address of a decision that was published and has since
    been withdrawn or superseded, or changed in substance and gone back to be signed again. The
    address may be cited in an FOI reply or a news story, so
    it says what happened rather than "not found". It holds nothing of the record but its
    reference (which is in the address): not its title, which may be why it was withdrawn,
    nor the reason given."""

    reference: str
    superseded: bool  # False: withdrawn from publication (or being corrected)
    on: datetime.date | None  # the day of the step, when it is recorded
    successor_reference: str = ""  # the published decision that supersedes it, if there is one
    successor_url: str = ""
    # Changed in substance after publication: it is published again once signed again.
    being_corrected: bool = False


def no_longer_published(reference: str) -> NoLongerPublished | None:
    """The notice for a decision once published and now withdrawn, superseded or being
    signed again after a change of substance; None for any other reference (never published,
    still published, or unknown)."""
    decision = (
        Decision.objects.filter(reference=reference, published_on__isnull=False)
        .exclude(status=Decision.Status.PUBLISHED)
        .only("pk", "reference", "status")
        .first()
    )
    if decision is None:
        return None
    if decision.status not in (Decision.Status.WITHDRAWN, Decision.Status.SUPERSEDED):
        changed = (
            decision.workflow_events.filter(
                step=WorkflowStep.CORRECT, outcome=WorkflowOutcome.ALLOWED
            )
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        return NoLongerPublished(
            reference=decision.reference,
            superseded=False,
            on=timezone.localdate(changed) if changed else None,
            being_corrected=True,
        )
    superseded = decision.status == Decision.Status.SUPERSEDED
    taken = (
        decision.workflow_events.filter(
            step=WorkflowStep.SUPERSEDE if superseded else WorkflowStep.WITHDRAW,
            outcome=WorkflowOutcome.ALLOWED,
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    successor = ""
    if superseded:
        successor = (
            DecisionLink.objects.filter(
                to_decision=decision,
                kind=LinkKind.SUPERSEDES,
                from_decision__status=Decision.Status.PUBLISHED,
            )
            .order_by("-from_decision__published_on", "-pk")
            .values_list("from_decision__reference", flat=True)
            .first()
        ) or ""
    return NoLongerPublished(
        reference=decision.reference,
        superseded=superseded,
        on=timezone.localdate(taken) if taken else None,
        successor_reference=successor,
        successor_url=decision_url(successor) if successor else "",
    )
