"""The sign-off workflow's records: the delegations under which an officer decides for the
Commissioner, the electronic signatures, and the audit trail of every step taken or refused.
The steps themselves are in `decisions.models.steps` (the table) and
`decisions.models.signoff` (the methods that take them)."""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning import audit
from commissioning.constraints import choice_valid
from decisions.models.fields import MONEY
from decisions.models.steps import STEPS, DecisionStatus, WorkflowOutcome, WorkflowStep
from decisions.workflow import delegation_refusal, in_words, now

if TYPE_CHECKING:
    from decisions.models.decision import Decision


class Delegation(models.Model):
    """A written delegation under which a named officer decides for the PCC.

    The delegate is a person by name, with an account in the register or not: only one with
    an account signs in the register's sign-off; a decision taken under the delegation on
    paper is recorded as it was. A delegation may be made under another (`made_under`): the
    Chief Executive's, say, under the Commissioner's scheme of delegation."""

    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        help_text="The delegate's account, if they have one: without it they cannot sign here.",
    )
    delegate_name = models.CharField(max_length=200)
    delegate_role = models.CharField(max_length=200, blank=True)
    instrument = models.CharField(
        max_length=250, help_text="The scheme or letter of delegation, with its paragraph."
    )
    instrument_reference = models.CharField(
        "the instrument's reference", max_length=100, blank=True
    )
    instrument_url = models.URLField("the instrument's address", max_length=500, blank=True)
    made_under = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations_under",
        verbose_name="made under the delegation",
        help_text="For a delegation made by a delegate, the delegation it was made under.",
    )
    scope = models.TextField(help_text="What the delegate may decide.")
    officers_consulted = models.TextField(
        blank=True, help_text="Officers the delegate consults, by name and role: one a line."
    )
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
            models.CheckConstraint(
                condition=~Q(made_under=models.F("id")),
                name="delegation_not_under_itself",
                violation_error_message="A delegation cannot be made under itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_name} under {self.instrument}"

    def clean(self) -> None:
        super().clean()
        # Made under itself is the database's rule (delegation_not_under_itself).
        if self.made_under_id not in (None, self.pk) and self.pk is not None:
            if any(each.pk == self.pk for each in self.made_under.chain()):
                raise ValidationError(
                    {"made_under": "A delegation cannot be made under one made under it."}
                )

    @property
    def signing_capacity(self) -> str:
        """What the delegate signs as. The signature cites the delegation itself, so the
        instrument's wording is not copied into it (a long one made the capacity too long
        to store, and the approval failed)."""
        return f"{self.delegate_role or 'Officer'} under delegation"

    def chain(self) -> list["Delegation"]:
        """This delegation and those it was made under, the nearest first (one query each)."""
        chain, seen, current = [], set(), self
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.made_under
        return chain

    def submission_problems(self, decision: "Decision", on: datetime.date) -> list[str]:
        """What stops the delegate deciding `decision` under this delegation, found when it is
        submitted rather than at the delegate's step, each naming the field to put right."""
        field = "Delegation the decision is taken under"
        problems = []
        try:
            self.full_clean(exclude=["delegate"], validate_unique=False)
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                label = (
                    self._meta.get_field(name).verbose_name if name != "__all__" else "delegation"
                )
                problems.extend(f"{field}: {label}: {message}" for message in messages)
        if self.delegate_id is None:
            problems.append(
                f"{field}: {self.delegate_name} has no account in the register, so cannot sign "
                "here. Ask an administrator to give the delegation their account, or record "
                "the decision as taken on paper."
            )
        refusal = delegation_refusal(self, decision, on)
        if refusal and self.starts_on <= on:
            problems.append(f"{field}: {refusal.replace('Your delegation', 'The delegation')}")
        return problems


def signed_on_the_day(day: datetime.date) -> datetime.datetime:
    """What a signature known only to the day (one recorded from a signed record) keeps as its
    time: midday where the office is, so that the day read back stays the same even if the
    site's time zone later moves by up to eleven hours (midnight would slip to the day before
    an hour west). It is never shown: such a signature prints its day only
    (`Signature.dated_to_the_day`)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


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
    # The shape of what the fingerprint covers (decisions.workflow.CONTENT_FORMAT: the
    # content; DECISION_FORMAT: the content with the date of decision and the decision
    # maker's name, which the decision maker's approval binds).
    content_format = models.PositiveSmallIntegerField(default=1)
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
            choice_valid("step", WorkflowStep, "signature_step_valid"),
            choice_valid("method", SignatureMethod, "signature_method_valid"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="signature_void_has_reason",
                violation_error_message="Say why the signature is void.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.name}, {self.capacity}"

    @property
    def dated_to_the_day(self) -> bool:
        """Recorded from the office's signed record (no account signed it here): the record
        gives the day it was signed, never a time, so none is shown (`signed_on_the_day`)."""
        return self.user_id is None

    @property
    def signed_on(self) -> datetime.date:
        """The day it was signed, where the office is."""
        return timezone.localtime(self.signed_at).date()


def signed_copy_path(instance: "SignedCopy", filename: str) -> str:
    # Kept apart from the appendices: nothing public reads this folder or this table.
    return f"signed-copies/{instance.decision.reference}/{filename}"


class SignedCopy(models.Model):
    """The office's signed copy of a decision taken outside the register (a scan of the paper
    record, perhaps with handwritten signatures): an internal appendix, held for staff and
    never published. The public record says only that the office holds it."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="signed_copies"
    )
    file = models.FileField(upload_to=signed_copy_path, max_length=255)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        verbose_name = "signed copy"
        verbose_name_plural = "signed copies"

    def __str__(self) -> str:
        return f"{self.decision.reference}: signed copy"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class Correction(models.Model):
    """A transcription fix to a decided record taken on paper (a typo against the signed
    original): kept with its reason, listed publicly, and leaving the paper signatures as
    they stand."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="corrections"
    )
    made_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Empty when not recorded: a correction imported with its record names nobody.
    made_by_name = models.CharField(max_length=200, blank=True)
    reason = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "made_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="correction_has_reason",
                violation_error_message="Say what was corrected and why.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: corrected on {self.made_on:%-d %B %Y}"


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
            choice_valid("step", WorkflowStep, "workflowevent_step_valid"),
            choice_valid("outcome", WorkflowOutcome, "workflowevent_outcome_valid"),
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
