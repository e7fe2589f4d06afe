"""What a decision is made of besides its own fields: its sections (copied from its form),
appendices, the statutory comments of the officers who sign it off, the grants it awards, the
providers it concerns directly, and how it stands to other decisions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from commissioning.constraints import choice_valid
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
    heading = models.CharField(max_length=200, blank=True)
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
            choice_valid("role", CommentRole, "statutorycomment_role_valid"),
        ]

    def __str__(self) -> str:
        return f"Comments from the {self.get_role_display()}"


class AwardedTo:
    """Who an award went to, said the same way by the model and its public projection (each
    has a `recipient`, and a round's `applications` and `funded`)."""

    @property
    def is_aggregate(self) -> bool:
        """A round of grants recorded as a whole, with no one recipient."""
        return not self.recipient

    @property
    def recipient_in_words(self) -> str:
        """Its recipient, or for a round of grants recorded as a whole, "A round of grants:
        12 applications, 8 funded" (a number not recorded is not said)."""
        if self.recipient:
            return self.recipient
        counts = []
        if self.applications is not None:
            applications = self.applications
            counts.append(f"{applications} application{'' if applications == 1 else 's'}")
        if self.funded is not None:
            counts.append(f"{self.funded} funded")
        return "A round of grants" + (": " + ", ".join(counts) if counts else "")


class Award(AwardedTo, models.Model):
    """A grant or award made by a decision: to one named recipient, or a round of grants
    recorded as a whole ("12 applications, 8 funded, £84,000 in all"), with no recipient."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="awards"
    )
    recipient = models.CharField(
        max_length=250, blank=True, help_text="Leave empty for a round recorded as a whole."
    )
    provider = models.ForeignKey(
        "contracts.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
    )
    amount = models.DecimalField("amount (£)", **MONEY)
    purpose = models.CharField(max_length=300, blank=True)
    # What the Elected Local Policing Bodies (Specified Information) Order 2011 asks to be
    # published of each grant: its conditions, and why it serves crime reduction.
    conditions = models.TextField("conditions of the grant", blank=True)
    crime_reduction = models.TextField(
        "how it serves crime reduction",
        blank=True,
        help_text="The reasons the grant is expected to secure or contribute to crime reduction.",
    )
    applications = models.PositiveIntegerField(
        "applications received", null=True, blank=True, help_text="For a round of grants."
    )
    funded = models.PositiveIntegerField(
        "applications funded", null=True, blank=True, help_text="For a round of grants."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")),
                name="award_amount_not_negative",
                violation_error_message="An award cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(recipient="") | Q(applications__isnull=False),
                name="award_recipient_or_round",
                violation_error_message=(
                    "Name the recipient, or for a round of grants give the number of applications."
                ),
            ),
            models.CheckConstraint(
                condition=Q(funded__isnull=True)
                | Q(applications__isnull=True)
                | Q(funded__lte=models.F("applications")),
                name="award_funded_within_applications",
                violation_error_message="More applications cannot be funded than were received.",
            ),
        ]

    def __str__(self) -> str:
        if self.is_aggregate:
            return f"£{self.amount:,} in a round of {self.applications} applications"
        return f"£{self.amount:,} to {self.recipient}"


class ProviderRole(models.TextChoices):
    PREFERRED_BIDDER = "preferred_bidder", "Preferred bidder"
    CREATED = "created", "Created by the decision"
    FUNDED = "funded", "Funded"
    CONTRACTED = "contracted", "Contracted"
    OTHER = "other", "Other"


class DecisionProvider(models.Model):
    """A provider the decision concerns directly, and in what role: a preferred bidder before
    any contract, a company the Commissioner sets up, a body it funds."""

    Role = ProviderRole

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="provider_links"
    )
    provider = models.ForeignKey(
        "contracts.Provider", on_delete=models.PROTECT, related_name="decision_links"
    )
    role = models.CharField(max_length=30, choices=ProviderRole.choices)
    role_other = models.CharField("the other role", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "provider", "role"],
                name="decisionprovider_unique",
                violation_error_message="This provider is already linked in this role.",
            ),
            choice_valid("role", ProviderRole, "decisionprovider_role_valid"),
            models.CheckConstraint(
                condition=~Q(role=ProviderRole.OTHER) | ~Q(role_other=""),
                name="decisionprovider_other_role_named",
                violation_error_message="Say what the provider's role is.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.role_in_words}"

    @property
    def role_in_words(self) -> str:
        return self.role_other if self.role == ProviderRole.OTHER else self.get_role_display()


class LinkKind(models.TextChoices):
    FOLLOWS = "follows", "Follows"
    SUPERSEDES = "supersedes", "Supersedes"
    AMENDS = "amends", "Amends"


class DecisionLink(models.Model):
    """How one decision stands to another: it follows, supersedes or amends it.

    The other decision is one in the register (`to_decision`), or one the register does not
    hold (older than it, or another body's), kept by its reference, title, date and address.
    Such a link resolves to the register's own record when a decision with that reference is
    added later (`resolve_to`), and is read as that record until then (the public record
    looks the reference up)."""

    Kind = LinkKind

    from_decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="links_out"
    )
    to_decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        related_name="links_in",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The other decision when the register does not hold it.
    to_reference = models.CharField("reference of the other decision", max_length=60, blank=True)
    to_title = models.CharField("title of the other decision", max_length=300, blank=True)
    to_date = models.DateField("date of the other decision", null=True, blank=True)
    to_url = models.URLField("address of the other decision", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_decision_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_decision", "to_decision", "kind"], name="decisionlink_unique"
            ),
            models.UniqueConstraint(
                fields=["from_decision", "to_reference", "kind"],
                condition=Q(to_decision__isnull=True),
                name="decisionlink_unique_outside",
                violation_error_message="This link is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(from_decision=models.F("to_decision")),
                name="decisionlink_not_to_itself",
                violation_error_message="A decision cannot refer to itself.",
            ),
            choice_valid("kind", LinkKind, "decisionlink_kind_valid"),
            models.CheckConstraint(
                condition=Q(to_decision__isnull=False) | ~Q(to_reference=""),
                name="decisionlink_names_the_other",
                violation_error_message="Give the other decision's reference.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_decision.reference} {self.kind} {self.other_reference}"

    @property
    def other_reference(self) -> str:
        return self.to_decision.reference if self.to_decision_id else self.to_reference

    @property
    def is_outside_register(self) -> bool:
        return self.to_decision_id is None

    @classmethod
    def resolve_to(cls, decision, *, by=None) -> int:
        """Point the links that name `decision`'s reference, but were made before the register
        held it, at the register's record; how many were. Each change is in the history."""
        resolved = 0
        for link in cls.objects.filter(to_decision__isnull=True, to_reference=decision.reference):
            if link.from_decision_id == decision.pk:
                continue
            link._history_user = by
            already = cls.objects.filter(
                from_decision_id=link.from_decision_id, to_decision=decision, kind=link.kind
            )
            if already.exists():
                link.delete()  # the same link, made to the register's record meanwhile
                continue
            link.to_decision = decision
            link.save()
            resolved += 1
        return resolved

    resolve_to.alters_data = True
