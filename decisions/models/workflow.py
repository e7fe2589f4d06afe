"""The sign-off workflow's records: the delegations under which an officer decides for the
Commissioner, the electronic signatures, and the audit trail of every step taken or refused.
The steps themselves are in `decisions.models.steps` (the table) and
`decisions.models.signoff` (the methods that take them)."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning import audit
from decisions.models.fields import MONEY
from decisions.models.steps import STEPS, DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import in_words, now

if TYPE_CHECKING:
    from decisions.models.decision import Decision


class Delegation(models.Model):
    """A written delegation under which a named officer decides for the PCC."""

    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
    )
    delegate_name = models.CharField(max_length=200)
    delegate_role = models.CharField(max_length=200, blank=True)
    instrument = models.CharField(
        max_length=250, help_text="The scheme or letter of delegation, with its paragraph."
    )
    scope = models.TextField(help_text="What the delegate may decide.")
    categories = models.ManyToManyField("DecisionCategory", blank=True)
    value_limit = models.DecimalField("up to a value of (£)", **MONEY, null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    # The one designed exception to "one person, one signature per decision".
    signs_in_two_capacities = models.BooleanField(
        "may also decide what the delegate signed off in their own role",
        default=False,
        help_text=(
            "For example, the Chief Finance Officer who signed a decision off as the "
            "Treasurer may then decide it under this delegation. The record shows both "
            "signatures."
        ),
    )

    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_start",
                violation_error_message="A delegation must end on or after the day it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_name} under {self.instrument}"


def person_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_full_name() or user.username


class SignatureMethod(models.TextChoices):
    ELECTRONIC = "electronic", "Signed electronically"
    WET = "wet", "Wet signature held in the office"


class Signature(models.Model):
    """An electronic signature: who signed, in what capacity, when, and a SHA-256 fingerprint
    of the content as signed (see decisions.workflow.signed_content).

    A signature is voided, never deleted, when the record returns to draft or its signed
    content is edited.
    """

    Step = WorkflowStep
    Method = SignatureMethod

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="signatures"
    )
    method = models.CharField(
        max_length=20, choices=SignatureMethod.choices, default=SignatureMethod.ELECTRONIC
    )
    step = models.CharField(max_length=30, choices=WorkflowStep.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_signatures",
    )
    name = models.CharField(max_length=200)
    capacity = models.CharField("signed as", max_length=400)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    signed_at = models.DateTimeField()
    content_sha256 = models.CharField("SHA-256 of the content as signed", max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "step"],
                condition=Q(voided_at__isnull=True),
                name="signature_one_live_per_step",
                violation_error_message="This step has already been signed.",
            ),
            # One signature per person in their own capacity; a delegate's second, under a
            # delegation that allows it (Delegation.signs_in_two_capacities), is checked by
            # the step (SignOffRules._second_signature_refusal).
            models.UniqueConstraint(
                fields=["decision", "user"],
                condition=Q(voided_at__isnull=True, user__isnull=False, delegation__isnull=True),
                name="signature_one_live_per_person",
                violation_error_message="One person cannot give two sign-offs on one decision.",
            ),
            models.CheckConstraint(
                condition=models.lookups.Exact(models.functions.Length("content_sha256"), 64),
                name="signature_sha256_length",
            ),
            models.CheckConstraint(
                condition=Q(step__in=WorkflowStep.values), name="signature_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=SignatureMethod.values), name="signature_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="signature_void_has_reason",
                violation_error_message="Say why the signature is void.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.name}, {self.capacity}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class WorkflowEvent(models.Model):
    """The audit trail of the workflow: every step taken, and every attempt refused."""

    Step = WorkflowStep
    Outcome = WorkflowOutcome

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="workflow_events"
    )
    step = models.CharField(max_length=30, choices=WorkflowStep.choices)
    outcome = models.CharField(max_length=10, choices=WorkflowOutcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workflow_events",
    )
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    comments = models.TextField("comments or reason", blank=True)
    refusal = models.TextField("why it was refused", blank=True)
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices, blank=True)

    class Meta:
        ordering = ["decision_id", "at", "pk"]
        indexes = [models.Index(fields=["decision", "at"], name="workflowevent_decision_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=WorkflowStep.values), name="workflowevent_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=WorkflowOutcome.values),
                name="workflowevent_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(Q(outcome=WorkflowOutcome.ALLOWED) & ~Q(to_status=""))
                | (Q(outcome=WorkflowOutcome.REFUSED) & Q(to_status="") & ~Q(refusal="")),
                name="workflowevent_outcome_consistent",
                violation_error_message=(
                    "A step taken records the status it led to; a refused one, the reason."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.get_step_display()} ({self.outcome})"

    def save(self, *args, **kwargs):
        """Save, and copy a new event into the hash-chained audit log in the same transaction.

        This table can be edited by anyone with database access; the audit log's chain shows
        any such edit. Both are written together, so a step is never in one and not the other.
        """
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                self._add_to_audit_log()

    def _add_to_audit_log(self) -> None:
        refused = self.outcome == WorkflowOutcome.REFUSED
        audit.record(
            f"workflow.{self.step}.refused" if refused else f"workflow.{self.step}",
            actor=self.actor,
            obj=self.decision,
            details={
                "reference": self.decision.reference,
                "event": self.pk,
                "outcome": self.outcome,
                "from_status": self.from_status,
                "to_status": self.to_status,
                "refusal": self.refusal,
                # When a loader replays a step taken on paper, the step's own time.
                "at": self.at,
            },
        )

    @property
    def was_refused(self) -> bool:
        return self.outcome == WorkflowOutcome.REFUSED

    @property
    def in_words(self) -> str:
        """'Demo Treasurer signed it off as the Treasurer on 15 June 2022 at 2:05pm'."""
        who = self.actor_name or "Someone"
        return f"{who} {STEPS[self.step].event_phrase} on {in_words(self.at)}"

    @classmethod
    def record_refusal(
        cls, decision: "Decision", step: str, by, comments: str, refusal: str, from_status: str
    ) -> "WorkflowEvent":
        """Record a refused attempt in its own transaction, after the step's rollback."""
        with transaction.atomic():
            event = cls(
                decision_id=decision.pk,
                step=step,
                outcome=WorkflowOutcome.REFUSED,
                actor=by if getattr(by, "pk", None) else None,
                actor_name=person_name(by),
                at=now(),
                # Kept as sent, less any NUL character (which PostgreSQL cannot store): a
                # refused attempt's comments come unchecked from the page.
                comments=(comments or "").replace("\x00", ""),
                refusal=refusal,
                from_status=from_status,
            )
            event.save()
        return event
