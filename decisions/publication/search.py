"""What the public search and the sitemap know of published decisions: the words of each
public record (nothing withheld), and each record's address."""

import datetime

from decisions.models import Decision, ElementKind
from decisions.publication.addresses import decision_url
from decisions.publication.record import PublicRecord, public_record

# The elements whose words the search finds besides the record's own fields above.
SEARCHED_KINDS = {
    ElementKind.FIELD,
    ElementKind.AUTHOR,
    ElementKind.REPORT_AUTHOR,
    ElementKind.PROTECTIVE_MARKING,
}


def public_search_text(decision: Decision, record: PublicRecord | None = None) -> str:
    """The text the public search may match: the public record's words, nothing withheld.
    `record` is the decision's public record when the caller has built it already."""
    record = record or public_record(decision)
    parts = [record.reference, record.title, record.public_subject]
    if not record.is_wholly_confidential:
        parts.extend([record.category, record.decision_maker, record.lead_officers])
        parts.append(record.summary)
        parts.extend(f"{s.heading} {s.text}" for s in record.sections)
        parts.extend(a.title for a in record.appendices)
        parts.extend(c.text for c in record.comments)
        parts.extend(f"{a.recipient_in_words} {a.purpose}" for a in record.awards)
        parts.extend(provider.name for provider in record.providers)
        parts.extend(e.value for e in record.layout if e.kind in SEARCHED_KINDS and e.value)
    return "\n".join(part for part in parts if part)


def public_index() -> list[tuple[str, datetime.datetime]]:
    """The address of each published decision and when it last changed (for the sitemap)."""
    return [
        (decision_url(reference), updated_at)
        for reference, updated_at in Decision.objects.published()
        .order_by("-published_on", "reference")
        .values_list("reference", "updated_at")
    ]
