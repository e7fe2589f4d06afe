"""The audit log: an append-only, hash-chained record of who did what.

Each entry's hash covers its own content and the previous entry's hash, so that editing,
deleting or reordering any entry breaks the chain from that point on; `manage.py verify_audit`
walks the chain and names the first entry that does not fit. The application only ever adds
entries (through `commissioning.audit.record`); it never changes or removes one.
"""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

GENESIS_HASH = "0" * 64


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are never changed or removed in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    at = models.DateTimeField(editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="Who acted; empty for the system itself.",
    )
    actor_name = models.CharField(max_length=150, blank=True, editable=False)
    action = models.CharField(max_length=100, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=100, blank=True, editable=False)
    details = models.JSONField(default=dict, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="audit_sequence_positive"
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.sequence}: {self.action} by {self.actor_name or 'the system'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries cannot be deleted.")

    def content(self) -> dict[str, Any]:
        """What the hash covers: everything but the hash itself."""
        return {
            "sequence": self.sequence,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class SubmissionToken(models.Model):
    """A create form that was saved, known by the one-time token it carried.

    Each create form carries a fresh token (`{% submission_token %}`). The row is written in
    the same transaction as the record the form creates, so it exists exactly when that
    record does, and the unique token makes a second copy of the form fail instead of
    creating a second record (commissioning/once.py). Kept in the database, not in a
    process's memory, so that it holds across several app servers.
    """

    token = models.UUIDField(unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    location = models.CharField(
        max_length=2000, editable=False, help_text="Where the first answer to the form went."
    )
    created_at = models.DateTimeField(auto_now_add=True, editable=False)

    def __str__(self) -> str:
        return f"{self.token} → {self.location}"


class InformationTopic(models.TextChoices):
    """The pages of `InformationPage`: the label is the footer link's text, the value the
    page's address."""

    ACCESSIBILITY = "accessibility", "Accessibility statement"
    PRIVACY = "privacy", "Privacy notice"
    COOKIES = "cookies", "Cookies"
    CONTACT = "contact", "Contact and freedom of information requests"
    OPEN_DATA = "open-data", "Open data licence"


class InformationPage(models.Model):
    """One of the pages every public-sector site must have, linked from the footer of every page.

    The set of pages is fixed (`InformationTopic`); their wording is the office's own, edited by an
    administrator in the admin and kept in the history with who changed it. The body is plain
    text with a little structure (commissioning/information.py reads it), never HTML, so that
    nothing typed into it can run in a reader's browser.
    """

    Topic = InformationTopic

    topic = models.CharField(max_length=20, choices=InformationTopic.choices, unique=True)
    title = models.CharField(
        max_length=150, help_text="The page's heading. {office} stands for the office's name."
    )
    body = models.TextField(
        help_text=(
            "Plain text, not HTML. Leave a blank line between paragraphs. A line starting "
            "'## ' is a heading ('### ' a smaller one); lines starting '- ' are a bulleted "
            "list; [words](/address) is a link, to an address on this site, https:// or "
            "mailto:. {office} stands for the office's name. The phase banner's feedback "
            "link goes to the heading 'Feedback' on the contact page."
        )
    )
    last_reviewed = models.DateField(help_text="When the office last checked this page was right.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__in=InformationTopic.values),
                name="information_page_topic_known",
                violation_error_message="An information page is one of the fixed set.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_topic_display()

    def get_absolute_url(self) -> str:
        return reverse(f"pages:{self.topic}")
