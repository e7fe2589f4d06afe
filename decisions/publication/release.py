"""Publishing steps after a decision is first published: releasing a withheld part once its
release date has passed, which republishes the record and writes its own audit entry."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from commissioning import audit
from decisions.models import (
    Appendix,
    Decision,
    DecisionSection,
    Withholdable,
)
from decisions.publication.search import public_search_text


def sections_due_for_release(today: datetime.date | None = None) -> models.QuerySet:
    """Withheld sections of published decisions whose release date has come.

    For the dashboard: each is a reminder to review and, if the reason has lapsed, release.
    """
    return _due_for_release(DecisionSection, today, "position")


def appendices_due_for_release(today: datetime.date | None = None) -> models.QuerySet:
    """Withheld appendices of published decisions whose release date has come."""
    return _due_for_release(Appendix, today, "pk")


def _due_for_release(model, today: datetime.date | None, order: str) -> models.QuerySet:
    return (
        model.objects.filter(
            is_withheld=True,
            release_on__isnull=False,
            release_on__lte=today or timezone.localdate(),
            decision__status=Decision.Status.PUBLISHED,
        )
        .select_related("decision")
        .order_by("release_on", "decision__reference", order)
    )


def release_section(section: DecisionSection, *, by) -> None:
    """Release a withheld section of a published decision, and republish the record."""
    _release(section, "section", by=by)


release_section.alters_data = True


def release_appendix(appendix: Appendix, *, by) -> None:
    """Release a withheld appendix of a published decision, and republish the record."""
    _release(appendix, "appendix", by=by)


release_appendix.alters_data = True


def _release(part: Withholdable, kind: str, *, by) -> None:
    """Release the part and record it in the audit log (`release.section`, with it); a
    refusal is recorded too (`release.section.refused`), and raised."""
    details = {"reference": part.decision.reference, kind: part.pk, "exemption": part.exemption}
    try:
        with transaction.atomic():
            _release_part(part, by=by)
            audit.record(f"release.{kind}", actor=by, obj=part.decision, details=details)
    except ValidationError as error:
        details["refusal"] = " ".join(error.messages)
        audit.record(f"release.{kind}.refused", actor=by, obj=part.decision, details=details)
        raise


def _release_part(part: Withholdable, *, by) -> None:
    """The step itself, in the caller's transaction."""
    part = type(part).objects.select_for_update().select_related("decision").get(pk=part.pk)
    decision = Decision.objects.select_for_update().get(pk=part.decision_id)
    if decision.status != Decision.Status.PUBLISHED:
        raise ValidationError("Only a part of a published decision can be released.")
    if not part.is_withheld:
        raise ValidationError("This part is not withheld: there is nothing to release.")
    if decision.is_wholly_confidential:
        # Releasing one part would publish the rest of the record (its summary, comments
        # and signatures) as well: that needs the whole record reviewed, not this step.
        raise ValidationError(
            "This decision is wholly confidential. Review the whole record before "
            "releasing any of it."
        )
    withheld_under = part.exemption_in_words
    part.is_withheld = False
    part.exemption = ""
    part.exemption_other = ""
    part.public_interest_statement = ""
    part._history_user = by
    part._change_reason = f"Released: {withheld_under}"[:100]
    part.full_clean()
    part.save()
    decision.refresh_confidentiality(by=by)
    republish(decision, by=by, reason=f"Republished after releasing {part}"[:100])


def republish(decision: Decision, *, by, reason: str = "Republished") -> None:
    """Refresh a published record's public search text after its public content changed.

    Its publication date stays the date it was first published; its `updated_at` moves on, so
    the pages' Last-Modified and ETag change with it.
    """
    if decision.status != Decision.Status.PUBLISHED:
        raise ValidationError("Only a published decision can be republished.")
    decision = Decision.objects.get(pk=decision.pk)
    decision.search_document = public_search_text(decision)
    decision._history_user = by
    decision._change_reason = reason
    decision.save()
    # decisions.pdf reads the public record built here.
    from decisions.pdf import render_public_pdf_later

    render_public_pdf_later(decision.reference)


republish.alters_data = True
