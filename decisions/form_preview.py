"""A specimen decision on a form, as the public page and PDF would show it, for the form's
setup page: made in a transaction that is rolled back, so the preview is drawn by the same
code as a real record (`public_record`, the public templates) and nothing of it is kept.

Every value in it says what it stands for ("The title of a decision on this form"), so it
cannot be taken for a record; the PDF is rendered, never stored or cached.
"""

from django.db import transaction
from django.utils import timezone

from decisions.models import Decision, DecisionTemplate, FieldType, FieldValue
from decisions.models.layout import clean_value
from decisions.publication import PublicRecord, public_record

SPECIMEN_REFERENCE = "SPECIMEN"


class _Discard(Exception):
    """Raised to roll the specimen back once its public record is built."""


def specimen_value(element: dict) -> str:
    """What a specimen shows in one of the form's own fields, by its type."""
    field_type = element["type"]
    label = element["label"]
    if field_type == FieldType.DATE:
        return timezone.localdate().isoformat()
    if field_type == FieldType.MONEY:
        return "1000.00"
    if field_type == FieldType.CHOICE:
        return element["choices"][0] if element["choices"] else ""
    if field_type == FieldType.YES_NO:
        return "yes"
    if field_type == FieldType.PERSON:
        return f"The name of the {label[:1].lower()}{label[1:]}"
    return clean_value(field_type, f"The {label[:1].lower()}{label[1:]}", element["choices"])


def specimen_record(form: DecisionTemplate, by) -> PublicRecord:
    """The public record of a specimen decision on `form`, laid out as the form is now."""
    today = timezone.localdate()
    built: dict[str, PublicRecord] = {}
    try:
        with transaction.atomic():
            decision = Decision.start(
                template=form,
                by=by,
                reference=SPECIMEN_REFERENCE,
                title="The title of a decision on this form",
                summary="A summary of the decision, as the officer writes it.",
                author_name="The author's name",
                author_job_role="The author's job role",
                decision_maker_name="The decision maker's name",
                received_on=today,
                decided_on=today,
                signed_on=today,
            )
            decision.status = Decision.Status.PUBLISHED
            decision.published_on = today
            decision.save()
            for section in decision.sections.all():
                section.text = f"The text of the section “{section.heading}”."
                section.save()
            for element in form.layout_data()["elements"]:
                if element["type"]:
                    FieldValue.objects.create(
                        decision=decision, name=element["name"], value=specimen_value(element)
                    )
            built["record"] = public_record(decision)
            raise _Discard
    except _Discard:
        pass
    return built["record"]
