"""Existing forms get an office, named as the install's OFFICE_NAME, and the layout every
record was drawn with until now, as elements to edit; each published decision keeps that
layout (a `RecordLayout`), so a later change to its form does not change it."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# The layout the public page and PDFs had before forms were laid out: (kind, label, required),
# with the form's own labels where the label is None. A copy: a migration keeps its own data.
LAYOUT = (
    ("title", "Decision title", True),
    ("reference", "Decision reference number", True),
    ("lead_officers", "Lead officer", False),
    ("category", "Category", False),
    ("decision_maker", "Decision maker", False),
    ("force_business", "If force business, date approved by the Chief Officer", False),
    ("decided", None, False),
    ("status", "Status", False),
    ("published", None, False),
    ("summary", None, False),
    ("signatures", "Signature", False),
    ("sections", "", False),
    ("appendices", "Appendices", False),
    ("awards", "Grants and awards", False),
    ("comments", "Comments from the", False),
    ("declaration", "Declaration of interests", False),
    ("links", "Related decisions", False),
    ("contracts", "Contracts this decision concerns", False),
)
FORM_LABELS = {
    "decided": "decided_label",
    "published": "published_label",
    "summary": "summary_label",
}


def lay_out(apps, schema_editor):
    Office = apps.get_model("decisions", "Office")
    DecisionTemplate = apps.get_model("decisions", "DecisionTemplate")
    FormElement = apps.get_model("decisions", "FormElement")
    Decision = apps.get_model("decisions", "Decision")
    RecordLayout = apps.get_model("decisions", "RecordLayout")
    forms = list(DecisionTemplate.objects.all())
    if not forms:
        return
    office, _ = Office.objects.get_or_create(name=settings.OFFICE_NAME[:200])
    layouts = {}
    for form in forms:
        form.office = office
        form.save(update_fields=["office"])
        elements = []
        for position, (kind, label, required) in enumerate(LAYOUT, start=1):
            FormElement.objects.create(
                form=form,
                position=position,
                kind=kind,
                label="" if label is None else label,
                is_required=required,
            )
            elements.append(
                {
                    "kind": kind,
                    "label": getattr(form, FORM_LABELS[kind]) if label is None else label,
                    "part": "",
                    "text": "",
                    "public": True,
                    "required": required,
                    "name": kind,
                    "type": "",
                    "choices": [],
                }
            )
        layouts[form.pk] = {
            "office": {
                "id": office.pk,
                "name": office.name,
                "address": "",
                "approval_statement": "",
                "logo_description": "",
            },
            "numbering": "continuous",
            "elements": elements,
        }
    now = timezone.now()
    for decision in Decision.objects.filter(status="published").only("pk", "template_id"):
        RecordLayout.objects.get_or_create(
            decision=decision, defaults={"layout": layouts[decision.template_id], "taken_at": now}
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0013_office_and_form_layout")]

    operations = [migrations.RunPython(lay_out, migrations.RunPython.noop)]
