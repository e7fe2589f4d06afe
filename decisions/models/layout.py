"""A form's layout: the record's elements in the form's order, each with its label, its part,
whether the public sees it and whether it is required; the form's own typed fields among
them; the values of those fields on each decision; and the layout a published decision keeps.

The layout is read as plain data (`DecisionTemplate.layout_data`): the public record, the
staff page and both PDFs walk it, and publication stores a copy of it with the decision
(`RecordLayout`), so that changing a form later never changes a record already published.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commissioning.constraints import choice_valid
from commissioning.dates import PreciseDate, parse_precise
from commissioning.placed import save_in_places
from decisions.models.withholding import Withholdable, withholding_constraints


class ElementKind(models.TextChoices):
    """The elements a record can be made of: built in, or one of the form's own fields."""

    DOCUMENT_TITLE = "document_title", "Document title (e.g. Executive order)"
    PROTECTIVE_MARKING = "protective_marking", "Protective marking"
    TITLE = "title", "Title"
    REFERENCE = "reference", "Reference"
    CATEGORY = "category", "Category"
    AUTHOR = "author", "Author and job role"
    LEAD_OFFICERS = "lead_officers", "Lead officer(s)"
    RECEIVED = "received", "Date received"
    DECIDED = "decided", "Date of decision"
    PUBLISHED = "published", "Date published"
    REPORT_DATE = "report_date", "Date of report"
    REPORT_AUTHOR = "report_author", "Author of report"
    DECISION_MAKER = "decision_maker", "Decision maker and delegation"
    FORCE_BUSINESS = "force_business", "If force business, date approved by the Chief Officer"
    STATUS = "status", "Confidentiality status"
    SUMMARY = "summary", "Summary"
    DECLARATION = "declaration", "Declaration of interests"
    SECTIONS = "sections", "Sections"
    COMMENTS = "comments", "Statutory comments"
    SIGNATURES = "signatures", "Signatures"
    APPROVAL = "approval", "Approval statement"
    WORDING = "wording", "Printed wording"
    AWARDS = "awards", "Grants and awards"
    CONTRACTS = "contracts", "What the decision concerns"
    APPENDICES = "appendices", "Appendices"
    LINKS = "links", "Related decisions"
    FIELD = "field", "One of the form's own fields"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    LONG_TEXT = "long_text", "Long text"
    DATE = "date", "Date (a day, a month or a year)"
    MONEY = "money", "Amount of money"
    CHOICE = "choice", "A choice from a list"
    YES_NO = "yes_no", "Yes or no"
    PERSON = "person", "A person"


class Numbering(models.TextChoices):
    NONE = "none", "Not numbered"
    CONTINUOUS = "continuous", "Numbered straight through the form"
    PER_PART = "per_part", "Numbered from 1 in each part"


# Elements drawn as a row of the record's details (a label and a value); the others are
# blocks of their own, with a heading.
ROW_KINDS = frozenset(
    {
        ElementKind.TITLE,
        ElementKind.REFERENCE,
        ElementKind.CATEGORY,
        ElementKind.AUTHOR,
        ElementKind.LEAD_OFFICERS,
        ElementKind.RECEIVED,
        ElementKind.DECIDED,
        ElementKind.PUBLISHED,
        ElementKind.REPORT_DATE,
        ElementKind.REPORT_AUTHOR,
        ElementKind.DECISION_MAKER,
        ElementKind.FORCE_BUSINESS,
        ElementKind.STATUS,
        ElementKind.PROTECTIVE_MARKING,
    }
)

# Elements whose value a decision holds as a `FieldValue` (the decision has no column for
# them), under the element's kind; a form's own field is held under its name.
VALUE_KINDS = frozenset(
    {ElementKind.REPORT_DATE, ElementKind.REPORT_AUTHOR, ElementKind.PROTECTIVE_MARKING}
)

# What a wholly confidential record shows: its reference, title and dates, nothing more.
CONFIDENTIAL_KINDS = frozenset(
    {
        ElementKind.DOCUMENT_TITLE,
        ElementKind.PROTECTIVE_MARKING,
        ElementKind.TITLE,
        ElementKind.REFERENCE,
        ElementKind.DECIDED,
        ElementKind.STATUS,
        ElementKind.PUBLISHED,
    }
)

# The type of the value of each value kind.
VALUE_KIND_TYPES = {
    ElementKind.REPORT_DATE: FieldType.DATE,
    ElementKind.REPORT_AUTHOR: FieldType.PERSON,
    ElementKind.PROTECTIVE_MARKING: FieldType.TEXT,
}


# The layout of a form that has not been laid out: the register's first form, Warwickshire's
# decision record, with the form's own labels for its dates and summary (`label` None).
# Each is (kind, label, required); all are public.
DEFAULT_LAYOUT = (
    (ElementKind.TITLE, "Decision title", True),
    (ElementKind.REFERENCE, "Decision reference number", True),
    (ElementKind.LEAD_OFFICERS, "Lead officer", False),
    (ElementKind.CATEGORY, "Category", False),
    (ElementKind.DECISION_MAKER, "Decision maker", False),
    (ElementKind.FORCE_BUSINESS, "If force business, date approved by the Chief Officer", False),
    (ElementKind.DECIDED, None, False),
    (ElementKind.STATUS, "Status", False),
    (ElementKind.PUBLISHED, None, False),
    (ElementKind.SUMMARY, None, False),
    (ElementKind.SIGNATURES, "Signature", False),
    (ElementKind.SECTIONS, "", False),
    (ElementKind.APPENDICES, "Appendices", False),
    (ElementKind.AWARDS, "Grants and awards", False),
    (ElementKind.COMMENTS, "Comments from the", False),
    (ElementKind.DECLARATION, "Declaration of interests", False),
    (ElementKind.LINKS, "Related decisions", False),
    (ElementKind.CONTRACTS, "Contracts this decision concerns", False),
)

# The form's own labels, for the elements whose label a form has kept as a field of its own
# since before layouts (the editor uses them too).
FORM_LABELS = {
    ElementKind.RECEIVED: "received_label",
    ElementKind.DECIDED: "decided_label",
    ElementKind.PUBLISHED: "published_label",
    ElementKind.SUMMARY: "summary_label",
}

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Names a field of the form's own cannot take: the keys a decision already has in the open
# data export and the import (`decisions.export`, `decisions.importing`), and the names the
# built-in elements' values are held under.
RESERVED_NAMES = frozenset(
    {
        "reference",
        "title",
        "status",
        "confidentiality",
        "public_subject",
        "received_on",
        "decided_on",
        "signed_on",
        "published_on",
        "late_publication_reason",
        "form",
        "office",
        "recorded_from_signed_record",
        "category",
        "decision_maker",
        "decision_maker_name",
        "delegate_name",
        "delegate_role",
        "delegation_instrument",
        "delegation_starts_on",
        "lead_officers",
        "force_business",
        "chief_officer_approved_on",
        "summary",
        "declaration_of_interests",
        "sections",
        "comments",
        "awards",
        "contracts",
        "links",
        "signatures",
        "signature",
        "signed_by",
        "signature_kind",
        "withheld_fields",
        "author_name",
        "author_job_role",
        "reference_format",
        *ElementKind.values,
    }
)


class FormElement(models.Model):
    """One element of a form's layout, in its place."""

    Kind = ElementKind
    Type = FieldType

    form = models.ForeignKey(
        "decisions.DecisionTemplate", on_delete=models.CASCADE, related_name="elements"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=30, choices=ElementKind.choices)
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text="As the form prints it. Empty: the element's usual label.",
    )
    part = models.CharField(
        max_length=100,
        blank=True,
        help_text="The part of the form it sits in, e.g. 'Supporting report'. A part's name "
        "is printed as a heading where the part begins.",
    )
    text = models.TextField(
        "printed wording",
        blank=True,
        help_text="Wording the form prints here: the document title, the protective marking, "
        "the approval statement (empty: the office's standard one) or other printed wording.",
    )
    is_public = models.BooleanField("on the public record", default=True)
    is_required = models.BooleanField(
        "required",
        default=False,
        help_text="A required public element left empty is refused at publication, unless "
        "it is recorded as not recorded.",
    )
    name = models.SlugField(
        max_length=60,
        blank=True,
        help_text="For the form's own fields: its name in exports and imports, e.g. "
        "funding_source. Lower case letters, digits and underscores.",
    )
    field_type = models.CharField("type", max_length=20, choices=FieldType.choices, blank=True)
    choices = models.JSONField(
        "choices",
        default=list,
        blank=True,
        help_text='For a choice from a list: the choices, e.g. ["Grant", "Contract"].',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["form_id", "position"]
        verbose_name = "element of the form"
        verbose_name_plural = "elements of the form"
        constraints = [
            models.UniqueConstraint(
                fields=["form", "position"],
                name="formelement_unique_position",
            ),
            models.UniqueConstraint(
                fields=["form", "name"],
                condition=~Q(name=""),
                name="formelement_unique_name",
                violation_error_message="The form already has a field of this name.",
            ),
            choice_valid("kind", ElementKind, "formelement_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=ElementKind.FIELD) | (~Q(name="") & ~Q(field_type="")),
                name="formelement_field_named_and_typed",
                violation_error_message="A field of the form's own needs a name and a type.",
            ),
            models.CheckConstraint(
                condition=Q(kind=ElementKind.FIELD) | (Q(name="") & Q(field_type="")),
                name="formelement_only_fields_named",
                violation_error_message="Only the form's own fields have a name and a type.",
            ),
            choice_valid("field_type", FieldType, "formelement_field_type_valid", or_blank=True),
        ]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()

    def clean(self) -> None:
        if self.kind == ElementKind.FIELD:
            if self.name and not NAME_PATTERN.match(self.name):
                raise ValidationError(
                    {"name": "Use lower case letters, digits and underscores, from a letter."}
                )
            if self.name in RESERVED_NAMES or self.name.startswith(("section_", "treasurer_")):
                raise ValidationError(
                    {"name": "The record has this name already: give the field another."}
                )
            if not self.label:
                raise ValidationError({"label": "Give the field a label."})
            if self.field_type == FieldType.CHOICE and not (
                isinstance(self.choices, list)
                and self.choices
                and all(isinstance(choice, str) and choice for choice in self.choices)
            ):
                raise ValidationError({"choices": "List the choices, as words in quotes."})
        if self.kind in (ElementKind.DOCUMENT_TITLE, ElementKind.WORDING) and not self.text:
            raise ValidationError({"text": "Give the wording the form prints here."})

    @property
    def key(self) -> str:
        """What the element's value is held under on a decision (`FieldValue.name`)."""
        return self.name if self.kind == ElementKind.FIELD else self.kind

    def as_data(self) -> dict:
        """The element as the layout's plain data (`DecisionTemplate.layout_data`)."""
        label = self.label
        if not label and self.kind in FORM_LABELS:
            label = getattr(self.form, FORM_LABELS[self.kind])
        return {
            "kind": self.kind,
            "label": label
            or ("" if self.kind == ElementKind.SECTIONS else self.get_kind_display()),
            "part": self.part,
            "text": self.text,
            "public": self.is_public,
            "required": self.is_required,
            "name": self.key,
            "type": self.field_type or VALUE_KIND_TYPES.get(self.kind, ""),
            "choices": list(self.choices or []),
        }


def default_layout_data(form) -> list[dict]:
    """`DEFAULT_LAYOUT` as a form's layout data, with the form's own labels."""
    elements = []
    for kind, label, required in DEFAULT_LAYOUT:
        if label is None:
            label = getattr(form, FORM_LABELS[kind])
        elements.append(
            {
                "kind": kind.value,
                "label": label,
                "part": "",
                "text": "",
                "public": True,
                "required": required,
                "name": kind.value,
                "type": "",
                "choices": [],
            }
        )
    return elements


class LayoutEditing:
    """Changing a form's layout, each change in one transaction: what the form's setup page
    and the admin call. Mixed into `DecisionTemplate`."""

    def lay_out_default(self, *, by=None) -> None:
        """Give a form with no elements the register's first layout, as elements to edit."""
        with transaction.atomic():
            if self.elements.exists():
                return
            for position, data in enumerate(default_layout_data(self), start=1):
                element = FormElement(
                    form=self,
                    position=position,
                    kind=data["kind"],
                    label="" if data["kind"] in FORM_LABELS else data["label"],
                    is_required=data["required"],
                )
                element._history_user = by
                element.save()

    lay_out_default.alters_data = True

    def add_element(self, *, by=None, position: int | None = None, **fields) -> FormElement:
        """Add an element at `position` (counted from 1; the end if None), moving those
        after it down one."""
        with transaction.atomic():
            elements = list(self.elements.select_for_update().order_by("position"))
            if position is None or position > len(elements):
                position = len(elements) + 1
            position = max(position, 1)
            element = FormElement(form=self, position=position, **fields)
            element.full_clean(exclude=["position"], validate_unique=False)
            elements.insert(position - 1, element)
            self.save_in_order(elements, by=by)
        return element

    add_element.alters_data = True

    def remove_element(self, element: FormElement, *, by=None) -> None:
        """Take an element out of the layout and close the gap. The values decisions hold
        for one of the form's own fields are kept: a published record keeps its layout."""
        with transaction.atomic():
            elements = [
                each
                for each in self.elements.select_for_update().order_by("position")
                if each.pk != element.pk
            ]
            element._history_user = by
            element.delete()
            self.save_in_order(elements, by=by)

    remove_element.alters_data = True

    def reorder_elements(self, order: list[int], *, by=None) -> None:
        """Put the elements in the order of these ids, all of the form's and each once."""
        with transaction.atomic():
            elements = {each.pk: each for each in self.elements.select_for_update()}
            if sorted(order) != sorted(elements):
                raise ValidationError("Give every element of the form once, in its new order.")
            self.save_in_order([elements[pk] for pk in order], by=by)

    reorder_elements.alters_data = True

    def save_in_order(
        self, elements: list[FormElement], *, by, changed: frozenset = frozenset()
    ) -> None:
        """Save the form's elements at positions 1, 2, 3... in this order (with the ones in
        `changed`, edited in memory, saved whether they move or not), by
        `commissioning.placed.save_in_places`."""
        stored = self.elements.aggregate(highest=models.Max("position"))["highest"] or 0
        save_in_places(elements, by=by, changed=changed, highest=stored)


class FieldValue(Withholdable):
    """A decision's value of one of its form's own fields, or of a built-in element the
    decision has no column for (the report's date and author, the protective marking).

    The value is text: a date as ISO text with its precision ("2021", "2021-03" or
    "2021-03-15"), an amount as "1250.00", yes or no as "yes" or "no". A required element the
    record does not give is recorded as not recorded, never made up."""

    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="field_values"
    )
    name = models.CharField(max_length=60)
    value = models.TextField(blank=True)
    is_not_recorded = models.BooleanField(
        "not recorded",
        default=False,
        help_text="The record, taken outside the register, does not give it.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "name"], name="fieldvalue_unique_name"),
            models.CheckConstraint(
                condition=Q(is_not_recorded=False) | Q(value=""),
                name="fieldvalue_not_recorded_is_empty",
                violation_error_message="A value recorded as not recorded has no value.",
            ),
            *withholding_constraints("fieldvalue"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


DATE_VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def clean_value(field_type: str, value: str, choices: list | None = None) -> str:
    """A field's value as it is stored, or ValidationError saying what is wrong."""
    value = (value or "").strip()
    if not value:
        return ""
    if field_type == FieldType.DATE:
        # As precise as the record is: a day, a month or a year (commissioning.dates).
        try:
            return parse_precise(value).iso
        except ValueError:
            raise ValidationError(
                "Enter a date as a year (2021), a month (March 2021 or 2021-03) or a day "
                "(15 March 2021 or 2021-03-15)."
            ) from None
    if field_type == FieldType.MONEY:
        try:
            amount = Decimal(value.replace("£", "").replace(",", ""))
        except InvalidOperation:
            raise ValidationError("Enter an amount in pounds, e.g. 1250.00.") from None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise ValidationError("Enter an amount in pounds, e.g. 1250.00.")
        return f"{amount.quantize(Decimal('0.01'))}"
    if field_type == FieldType.YES_NO:
        answer = value.lower()
        if answer in ("yes", "y", "true", "1"):
            return "yes"
        if answer in ("no", "n", "false", "0"):
            return "no"
        raise ValidationError("Answer yes or no.")
    if field_type == FieldType.CHOICE and value not in (choices or []):
        raise ValidationError(f"Choose one of: {', '.join(choices or [])}.")
    return value


def precise_value(value: str) -> PreciseDate | None:
    """A stored date value ("2021", "2021-03" or "2021-03-15") as the PreciseDate it is, or
    None if it is not one."""
    match = DATE_VALUE.match(value or "")
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        return PreciseDate.of(year, month, day)
    except ValueError:
        return None


def value_in_words(field_type: str, value: str) -> str:
    """A stored value as the record prints it."""
    if not value:
        return ""
    if field_type == FieldType.DATE:
        date = precise_value(value)
        return date.display if date else value
    if field_type == FieldType.MONEY:
        try:
            return f"£{Decimal(value):,.2f}"
        except InvalidOperation:
            return value
    if field_type == FieldType.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(value, value)
    return value


class RecordLayout(models.Model):
    """The layout a decision was published with: its form's layout and office, as they were
    then. A published record is drawn from this, so a later change to the form, or to its
    office's name or wording, never changes it."""

    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.CASCADE, related_name="published_layout"
    )
    layout = models.JSONField()
    taken_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "layout as published"

    def __str__(self) -> str:
        return f"Layout of {self.decision_id} as published"

    @classmethod
    def keep(cls, decision, *, by=None) -> "RecordLayout":
        """Keep the decision's form's layout with it, as it is now, unless it keeps one
        already: a record published, corrected and published again keeps its first."""
        kept = cls.objects.filter(decision=decision).first()
        if kept is None:
            kept = cls(decision=decision, layout=decision.template.layout_data())
            kept._history_user = by
            kept.save()
            decision.published_layout = kept
        return kept

    keep.alters_data = True
