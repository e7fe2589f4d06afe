"""Sending the public's e-mail alerts (decisions.models.alerts), always from the background
worker and always from the public projections: a decision's `PublicRecord`, a contract's
`PublicContract`, a planned decision's own public fields. Nothing withheld or internal can be
in an alert, because nothing of the kind is read to write one.

Each e-mail is its own job on the queue (commissioning.background.send_email), so the worker
sends them one after another, at the pace of the mail server, and one refused is tried again
without sending the others twice. Each carries a one-click unsubscribe (RFC 8058): the
`List-Unsubscribe` and `List-Unsubscribe-Post` headers, and the same link in its text.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from commissioning.addresses import site_address
from commissioning.background import enqueue_on_commit, retried, send_email
from contracts.publication import public_contract, public_contracts_queryset
from decisions.models import Decision, PlannedDecision, Subscription
from decisions.publication import public_record

Topic, Frequency = Subscription.Topic, Subscription.Frequency


def unsubscribe_url(subscription: Subscription) -> str:
    return site_address(reverse("decisions:alerts-unsubscribe", args=[subscription.token]))


def confirm_url(subscription: Subscription) -> str:
    return site_address(reverse("decisions:alerts-confirm", args=[subscription.token]))


def send_confirmation(subscription: Subscription) -> None:
    """Queue the e-mail asking the reader to confirm (double opt-in)."""
    body = render_to_string(
        "emails/alert_confirm.txt",
        {
            "subscription": subscription,
            "link": confirm_url(subscription),
            "days": 7,
            "office_name": settings.OFFICE_NAME,
        },
    )
    enqueue_on_commit(
        send_email,
        subject="Confirm your e-mail alerts from the decisions register",
        body=body,
        to=[subscription.email],
    )


def _send(subscription: Subscription, subject: str, items: list[dict]) -> None:
    link = unsubscribe_url(subscription)
    body = render_to_string(
        "emails/alert.txt",
        {
            "subscription": subscription,
            "items": items,
            "unsubscribe": link,
            "office_name": settings.OFFICE_NAME,
        },
    )
    send_email.enqueue(
        subject=subject,
        body=body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def matches(subscription: Subscription, decision: Decision) -> bool:
    """Whether a published decision is one the subscription follows. A saved search matches
    when each of its words is in the decision's public text (its public search document)."""
    if subscription.category_id and subscription.category_id != decision.category_id:
        return False
    text = (decision.search_document or "").lower()
    return all(word in text for word in subscription.search.lower().split())


def _decision_item(decision: Decision) -> dict:
    record = public_record(decision, parts=False)
    return {
        "title": record.title_line,
        "text": record.listing_text,
        "link": site_address(record.url),
    }


def _plan_item(plan: PlannedDecision) -> dict:
    return {
        "title": f"{plan.title} (expected {plan.expected_on:%-d %B %Y})",
        "text": plan.description,
        "link": site_address(reverse("decisions:forward-plan") + f"#plan-{plan.pk}"),
    }


def _decisions_followers(decision: Decision):
    return (
        Subscription.objects.confirmed()
        .filter(topic=Topic.DECISIONS, frequency=Frequency.IMMEDIATE)
        .filter(Q(category__isnull=True) | Q(category_id=decision.category_id))
        .select_related("category")
        .order_by("pk")
    )


def _newly_published(decision: Decision) -> bool:
    """Published today or yesterday: a record of years ago brought in by the import, or with
    no publication date kept, is not news, and alerts nobody."""
    published = decision.published_on
    return published is not None and published >= timezone.localdate() - datetime.timedelta(1)


@task()
def alert_publication(reference: str, attempt: int = 1) -> None:
    """Alert those who follow a decision as it is published."""
    with retried(alert_publication, attempt, reference=reference):
        decision = Decision.objects.published().filter(reference=reference).first()
        if decision is None or not _newly_published(decision):
            return
        item = _decision_item(decision)
        for subscription in _decisions_followers(decision).iterator():
            if matches(subscription, decision):
                _send(subscription, f"Decision published: {item['title']}", [item])


def alert_publication_later(reference: str) -> None:
    enqueue_on_commit(alert_publication, reference=reference)


@task()
def alert_plan(plan_pk: int, attempt: int = 1) -> None:
    """Alert those who follow the forward plan as a decision is added to it."""
    with retried(alert_plan, attempt, plan_pk=plan_pk):
        plan = PlannedDecision.objects.filter(pk=plan_pk).first()
        if plan is None:
            return
        item = _plan_item(plan)
        followers = Subscription.objects.confirmed().filter(
            topic=Topic.FORWARD_PLAN, frequency=Frequency.IMMEDIATE
        )
        for subscription in followers.order_by("pk").iterator():
            _send(subscription, f"Added to the forward plan: {plan.title}", [item])


def alert_plan_later(plan_pk: int) -> None:
    enqueue_on_commit(alert_plan, plan_pk=plan_pk)


def digest_items(subscription: Subscription, since: datetime.datetime) -> list[dict]:
    """What a daily e-mail lists: what the subscription follows, new since `since`."""
    if subscription.topic == Topic.DECISIONS:
        decisions = (
            Decision.objects.published()
            .filter(published_on__gte=timezone.localtime(since).date())
            .filter(published_on__lt=timezone.localdate())
            .order_by("published_on", "reference")
        )
        return [
            _decision_item(decision) for decision in decisions if matches(subscription, decision)
        ]
    if subscription.topic == Topic.FORWARD_PLAN:
        plans = PlannedDecision.objects.on_the_plan().filter(created_at__gte=since)
        return [_plan_item(plan) for plan in plans]
    contracts = public_contracts_queryset().filter(updated_at__gte=since)
    items = []
    for contract in contracts:
        public = public_contract(contract)
        items.append(
            {
                "title": f"{public.reference}: {public.title}",
                "text": f"Supplier: {public.supplier.name}",
                "link": site_address(reverse("contracts:register")),
            }
        )
    return items


DIGEST_SUBJECTS = {
    Topic.DECISIONS: "Decisions published since your last alert",
    Topic.FORWARD_PLAN: "Added to the forward plan since your last alert",
    Topic.CONTRACTS: "Changes to the contract register since your last alert",
}


def send_digests(now: datetime.datetime | None = None) -> int:
    """Queue each confirmed daily subscription's e-mail, if it has anything new; how many."""
    now = now or timezone.now()
    sent = 0
    daily = Subscription.objects.confirmed().filter(frequency=Frequency.DAILY)
    for subscription in daily.select_related("category").order_by("pk").iterator():
        since = subscription.last_sent_at or subscription.confirmed_at
        items = digest_items(subscription, since)
        if items:
            _send(subscription, DIGEST_SUBJECTS[Topic(subscription.topic)], items)
            sent += 1
        Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
    return sent


def delete_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Delete the addresses nobody confirmed in time; how many."""
    deleted, _ = Subscription.objects.stale(now).delete()
    return deleted
