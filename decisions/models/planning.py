"""The forward plan: decisions the office expects to take, published before they are taken.

A planned decision is public from the moment it is added: its title, what it is about, when it
is expected, who will take it, its category and, if it is expected to be taken in private, why.
Nothing else about it is published; in particular nothing of the draft it becomes, which is
published only as the decision record, once decided.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.models.decision import Decision, DecisionMaker
from decisions.models.forms import DecisionCategory


class PlannedDecisionQuerySet(models.QuerySet):
    def on_the_plan(self) -> "PlannedDecisionQuerySet":
        """What the public forward plan lists: planned decisions not withdrawn whose decision
        is not yet published (once published, its record takes over)."""
        return (
            self.exclude(status=PlannedDecision.Status.WITHDRAWN)
            .exclude(decision__status=Decision.Status.PUBLISHED)
            .select_related("category", "decision")
            .order_by("expected_on", "title", "pk")
        )

    def overdue(self, today: datetime.date | None = None) -> "PlannedDecisionQuerySet":
        """Planned decisions whose expected date has passed and that nobody has started."""
        return self.filter(
            status=PlannedDecision.Status.PLANNED,
            expected_on__lt=today or timezone.localdate(),
        ).order_by("expected_on", "pk")


class PlannedDecision(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        STARTED = "started", "Being prepared"
        WITHDRAWN = "withdrawn", "Taken off the plan"

    title = models.CharField(max_length=300)
    description = models.TextField(
        "what the decision is about",
        help_text="Public: a few sentences a reader can understand without the papers.",
    )
    expected_on = models.DateField("expected date of decision")
    decision_maker = models.CharField(
        max_length=20, choices=DecisionMaker.choices, default=DecisionMaker.PCC
    )
    category = models.ForeignKey(
        DecisionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_decisions",
    )
    in_private = models.BooleanField("expected to be taken in private", default=False)
    private_reason = models.TextField(
        "why it is expected to be taken in private",
        blank=True,
        help_text="Public: for example the exemption the papers are expected to fall under.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    withdrawn_reason = models.TextField("why it was taken off the plan", blank=True)
    decision = models.OneToOneField(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PlannedDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["expected_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(in_private=True, private_reason=""),
                name="planneddecision_private_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workspace:plan-detail", args=[self.pk])

    def clean(self) -> None:
        if self.in_private and not self.private_reason.strip():
            raise ValidationError(
                {"private_reason": "Say why it is expected to be taken in private"}
            )
        if not self.in_private:
            self.private_reason = ""
        if self.status == self.Status.WITHDRAWN and not self.withdrawn_reason.strip():
            raise ValidationError({"withdrawn_reason": "Say why it is taken off the plan"})

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PLANNED and self.expected_on < timezone.localdate()
