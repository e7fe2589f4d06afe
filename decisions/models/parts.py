"""What a decision is made of besides its own fields: its sections (copied from its form),
appendices, the statutory comments of the officers who sign it off, the grants it awards, and
how it stands to other decisions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from decisions.models.fields import MONEY
from decisions.models.forms import TemplateSection
from decisions.models.withholding import Withholdable, withholding_constraints


class DecisionSection(Withholdable):
    """One section of a decision, copied from its form and then its own."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="sections"
    )
    template_section = models.ForeignKey(
        TemplateSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_sections",
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    part = models.CharField(max_length=100, blank=True)
    guidance = models.TextField(blank=True)
    is_mandatory = models.BooleanField(default=False)
    text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        # By the decision's key: ordering by "decision" would join every query of sections
        # to the decisions, to sort them in the decisions' own order first. The other parts
        # of a decision (and a contract's commissioners and extensions) are ordered the same.
        ordering = ["decision_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="decisionsection_unique_position"
            ),
            *withholding_constraints("decisionsection"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.heading}"


def appendix_path(instance: "Appendix", filename: str) -> str:
    return f"appendices/{instance.decision.reference}/{filename}"


class Appendix(Withholdable):
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="appendices"
    )
    title = models.CharField(max_length=250)
    file = models.FileField(upload_to=appendix_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        verbose_name_plural = "appendices"
        constraints = withholding_constraints("appendix")

    def __str__(self) -> str:
        return self.title


class CommentRole(models.TextChoices):
    TREASURER = "treasurer", "Treasurer"
    MONITORING_OFFICER = "monitoring_officer", "Chief Executive and Monitoring Officer"
    CHIEF_OFFICER = "chief_officer", "Chief Officer"


class StatutoryComment(models.Model):
    Role = CommentRole

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="comments"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    person = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField()
    made_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "role"], name="statutorycomment_one_per_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CommentRole.values), name="statutorycomment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Comments from the {self.get_role_display()}"


class Award(models.Model):
    """A grant or award made by a decision."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="awards"
    )
    recipient = models.CharField(max_length=250)
    provider = models.ForeignKey(
        "contracts.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
    )
    amount = models.DecimalField("amount (£)", **MONEY)
    purpose = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")),
                name="award_amount_not_negative",
                violation_error_message="An award cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,} to {self.recipient}"


class LinkKind(models.TextChoices):
    FOLLOWS = "follows", "Follows"
    SUPERSEDES = "supersedes", "Supersedes"
    AMENDS = "amends", "Amends"


class DecisionLink(models.Model):
    """How one decision stands to another: it follows, supersedes or amends it."""

    Kind = LinkKind

    from_decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="links_out"
    )
    to_decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="links_in"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_decision_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_decision", "to_decision", "kind"], name="decisionlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_decision=models.F("to_decision")),
                name="decisionlink_not_to_itself",
                violation_error_message="A decision cannot refer to itself.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="decisionlink_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_decision.reference} {self.kind} {self.to_decision.reference}"
