"""E-mail alerts for the public: a reader's subscription to new decisions (all of them, one
category, or a saved search), to the forward plan, or to changes in the contract register.

Only what an alert needs is kept: the address, what it follows, how often, and when it was
confirmed and last sent. There is no history of subscriptions (a history would keep an
address after its owner asked for it to be deleted), no page or export lists addresses, and
the admin does not show them. An address not confirmed within UNCONFIRMED_DAYS is deleted by
the daily work; one that unsubscribes is deleted at once.
"""

import datetime
import secrets

from django.db import models
from django.utils import timezone

from decisions.models.forms import DecisionCategory

UNCONFIRMED_DAYS = 7


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> "SubscriptionQuerySet":
        return self.filter(confirmed_at__isnull=False)

    def stale(self, now: datetime.datetime | None = None) -> "SubscriptionQuerySet":
        """Not confirmed within UNCONFIRMED_DAYS of asking."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=UNCONFIRMED_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


class Subscription(models.Model):
    class Topic(models.TextChoices):
        DECISIONS = "decisions", "New published decisions"
        FORWARD_PLAN = "forward_plan", "The forward plan"
        CONTRACTS = "contracts", "Changes to the contract register"

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", "As soon as something is published"
        DAILY = "daily", "Once a day, in one e-mail"

    email = models.EmailField(max_length=254)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    category = models.ForeignKey(
        DecisionCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    search = models.CharField("search words", max_length=200, blank=True)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # What the next daily e-mail covers starts here.
    last_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["topic", "frequency"], name="subscription_topic_idx")]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        """What it follows, in words (never the address)."""
        if self.topic != self.Topic.DECISIONS:
            return self.get_topic_display()
        about = []
        if self.category_id:
            about.append(f"in the category {self.category}")
        if self.search:
            about.append(f"matching “{self.search}”")
        return "New published decisions" + (" " + " and ".join(about) if about else "")
