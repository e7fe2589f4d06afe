"""Forms of the officer workspace for decisions, on the GOV.UK form kit (commissioning.forms)."""

import hashlib
import re
import zipfile
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from commissioning.dates import PreciseDate, PreciseDateField, PreciseDatesMixin
from commissioning.forms import GovukDeleteMixin, GovukFormMixin
from contracts.models import Contract, Extension, JointArrangement, Programme
from decisions.models import (
    QUALIFIED_EXEMPTIONS,
    Appendix,
    Decision,
    DecisionLink,
    DecisionSection,
    DecisionTemplate,
    ElementKind,
    Exemption,
    FieldType,
    FieldValue,
)
from decisions.models.layout import clean_value as stored_value
from decisions.models.layout import precise_value
from decisions.record_text import decision_too_long
from decisions.staff_layout import values_by_name

# How a section or an appendix is withheld, and until when.
WITHHOLDING_FIELDS = [
    "is_withheld",
    "exemption",
    "exemption_other",
    "public_interest_statement",
    "release_on",
]

DETAIL_FIELDS = [
    "title",
    "category",
    "author_name",
    "author_job_role",
    "lead_officers",
    "decision_maker",
    "decision_maker_name",
    "delegation",
    "is_force_business",
    "chief_officer_approved_on",
    "received_on",
    "summary",
    "public_subject",
    "declaration_of_interests",
]


# The record's own fields each element of a form's layout asks for (`follow_layout`).
LAYOUT_FIELDS = {
    ElementKind.TITLE: ["title"],
    ElementKind.CATEGORY: ["category"],
    ElementKind.AUTHOR: ["author_name", "author_job_role"],
    ElementKind.LEAD_OFFICERS: ["lead_officers"],
    ElementKind.DECISION_MAKER: ["decision_maker", "decision_maker_name", "delegation"],
    ElementKind.FORCE_BUSINESS: ["is_force_business", "chief_officer_approved_on"],
    ElementKind.RECEIVED: ["received_on"],
    ElementKind.SUMMARY: ["summary"],
    ElementKind.DECLARATION: ["declaration_of_interests"],
}
# Rows not asked for when the form has no place for them. The others are always asked for:
# the title and summary are the record's, the decision maker is who signs, and the author
# and the date received are the office's own bookkeeping.
OPTIONAL_KINDS = frozenset(
    {
        ElementKind.CATEGORY,
        ElementKind.LEAD_OFFICERS,
        ElementKind.FORCE_BUSINESS,
        ElementKind.DECLARATION,
    }
)


# A record published with its summary and decision maker, its papers restricted: the editor's.
PAPERS_FIELDS = [
    "papers_restricted",
    "papers_exemption",
    "papers_exemption_other",
    "papers_public_interest",
]


class TemplateChoiceForm(GovukFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        queryset=DecisionTemplate.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Which form is the decision written on?",
        error_messages={
            "required": "Select the form the decision is written on",
            "invalid_choice": "Select one of the forms offered",
        },
    )


class DecisionDetailsForm(PreciseDatesMixin, GovukFormMixin, forms.ModelForm):
    """The record's own fields, labelled as the decision's form labels them. Its dates may be
    a day, a month or a year (commissioning.dates)."""

    precise_dates = ("chief_officer_approved_on", "received_on")

    class Meta:
        model = Decision
        fields = [*DETAIL_FIELDS, *PAPERS_FIELDS]
        widgets = {
            "papers_public_interest": forms.Textarea(attrs={"rows": 3}),
            "decision_maker": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "declaration_of_interests": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": "Title",
            "category": "Category",
            "author_name": "Author",
            "author_job_role": "Author's job title",
            "lead_officers": "Lead officer or officers",
            "decision_maker": "Who takes the decision?",
            "decision_maker_name": "Name of the decision maker",
            "delegation": "Delegation the decision is taken under",
            "is_force_business": "This is force business",
            "public_subject": "One-line subject for the public register",
            "declaration_of_interests": "Declaration of interests",
            "papers_restricted": "Publish the summary and decision maker only",
            "papers_exemption": "Exemption the papers are restricted under",
            "papers_exemption_other": "If another exemption, which",
            "papers_public_interest": "Why the public interest favours restricting the papers",
        }
        help_texts = {
            "papers_restricted": (
                "The public record then shows the summary, the decision maker, the exemption "
                "and the public-interest statement, and nothing else."
            ),
            "decision_maker_name": "For example, the Commissioner's name.",
            "delegation": "Only for a decision taken by an officer under delegation.",
            "is_force_business": "The Chief Officer approves force business first.",
            "public_subject": (
                "Needed if every section is withheld: the public register shows this instead."
            ),
            "chief_officer_approved_on": (
                "Only for force business. For example, 27 3 2022, or 3 2022 if the day is not known"
            ),
        }
        error_messages = {
            "title": {"required": "Enter a title"},
        }

    def __init__(self, *args, template: DecisionTemplate, layout: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["decision_maker"].choices = list(Decision.Maker.choices)
        self.fields["summary"].label = template.summary_label
        self.fields["received_on"].label = template.received_label
        self.fields[
            "received_on"
        ].help_text = "For example, 1 6 2022, or 6 2022 if the day is not known"
        self.fields["delegation"].empty_label = "None"
        self.fields["category"].empty_label = "Not categorised"
        self.fields["chief_officer_approved_on"].label = "Date approved by the Chief Officer"
        self.follow_layout(layout or template.layout_data())

    def follow_layout(self, layout: dict) -> None:
        """Ask for the record's own fields in its form's order, with its labels, leaving out
        the rows the form has no place for (`LAYOUT_FIELDS`)."""
        elements = layout["elements"]
        kinds = {element["kind"] for element in elements}
        for kind in OPTIONAL_KINDS - kinds:
            for name in LAYOUT_FIELDS[kind]:
                self.fields.pop(name, None)
        order = []
        for element in elements:
            names = [name for name in LAYOUT_FIELDS.get(element["kind"], ()) if name in self.fields]
            # The title keeps its own label: every form has one, and "Title" says it.
            if len(names) == 1 and element["label"] and element["kind"] != ElementKind.TITLE:
                self.fields[names[0]].label = element["label"]
            order.extend(name for name in names if name not in order)
        self.order_fields([*(["reference"] if "reference" in self.fields else []), *order])

    def clean(self):
        cleaned = super().clean()
        maker = cleaned.get("decision_maker")
        if maker == Decision.Maker.DELEGATE and not cleaned.get("delegation"):
            self.add_error("delegation", "Select the delegation the decision is taken under")
        if cleaned.get("chief_officer_approved_on") and not cleaned.get("is_force_business"):
            self.add_error(
                "chief_officer_approved_on",
                "Only force business is approved by the Chief Officer: leave the date empty",
            )
        if cleaned.get("papers_restricted"):
            if not cleaned.get("papers_exemption"):
                self.add_error(
                    "papers_exemption", "Choose the exemption the papers are restricted under"
                )
            elif cleaned["papers_exemption"] == "other" and not cleaned.get(
                "papers_exemption_other"
            ):
                self.add_error("papers_exemption_other", "Name the exemption")
            if not cleaned.get("papers_public_interest", "").strip():
                self.add_error(
                    "papers_public_interest",
                    "Say why the public interest favours restricting the papers",
                )
        elif "papers_restricted" in self.fields:
            # Not restricted: nothing of a restriction is kept.
            cleaned["papers_exemption"] = cleaned["papers_exemption_other"] = ""
            cleaned["papers_public_interest"] = ""
            self.instance.papers_exemption = self.instance.papers_exemption_other = ""
            self.instance.papers_public_interest = ""
        return cleaned

    def _post_clean(self):
        # The template is set by the view before validation; the model's own constraints
        # then run against the whole record.
        self.instance.template = self.template
        super()._post_clean()


class NewDecisionForm(DecisionDetailsForm):
    """The details asked for before a draft is opened, with the reference the scheme offers."""

    class Meta(DecisionDetailsForm.Meta):
        fields = ["reference", *DETAIL_FIELDS]  # a restriction is set in the editor
        labels = {**DecisionDetailsForm.Meta.labels, "reference": "Reference"}
        help_texts = {
            **DecisionDetailsForm.Meta.help_texts,
            "reference": "The next free reference in the form's scheme. You can change it.",
        }
        error_messages = {
            **DecisionDetailsForm.Meta.error_messages,
            "reference": {
                "required": "Enter a reference",
                "unique": "A decision with this reference already exists",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        if not self.is_bound and not self.initial.get("reference"):
            self.initial["reference"] = self.template.next_reference()
        # The public subject is asked for when a section is withheld, later.
        for name in ("public_subject", "declaration_of_interests"):
            self.fields.pop(name, None)


# The labels of the withholding fields, the same on every part that can be withheld.
WITHHOLDING_LABELS = {
    "exemption": "Exemption",
    "exemption_other": "Name the exemption",
    "public_interest_statement": "Public interest statement",
    "release_on": "Release date (optional)",
}


class WithholdingFormMixin:
    """A form of a part that can be withheld (a section, a field's value, an appendix, the
    figures): the exemption's choices, the checkbox that reveals the withholding fields, and
    their rules. A form whose part cannot be withheld drops the fields; the rest still works."""

    fields: dict
    prefix: str | None
    is_bound: bool
    instance: object

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exemption"].choices = [("", "Choose an exemption"), *Exemption.choices]
        self.fields["is_withheld"].widget.attrs["data-aria-controls"] = self.conditional_id

    @property
    def conditional_id(self) -> str:
        return f"conditional-{self.prefix}-withhold"

    @property
    def reveal_withholding(self) -> bool:
        if self.is_bound:
            return self["is_withheld"].value() in (True, "on", "true", "True")  # type: ignore[index]
        return self.instance.is_withheld  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]
        if "is_withheld" not in self.fields:
            return cleaned
        return clean_withholding(self, cleaned)


def clean_withholding(form, cleaned: dict) -> dict:
    """The rules of a withheld part, as field errors; a part not withheld cites nothing."""
    if not cleaned.get("is_withheld"):
        cleaned.update(
            exemption="", exemption_other="", public_interest_statement="", release_on=None
        )
        for name in ("exemption", "exemption_other", "public_interest_statement", "release_on"):
            form.errors.pop(name, None)
            setattr(form.instance, name, cleaned[name])
        return cleaned
    exemption = cleaned.get("exemption")
    label = getattr(form.instance, "heading", "") or "this appendix"
    if not exemption:
        form.add_error("exemption", f"Choose the exemption for withholding {label}")
    elif exemption == Exemption.OTHER and not cleaned.get("exemption_other"):
        form.add_error("exemption_other", f"Name the exemption for withholding {label}")
    if exemption in QUALIFIED_EXEMPTIONS and not cleaned.get("public_interest_statement"):
        form.add_error(
            "public_interest_statement",
            f"Say why the public interest favours withholding {label}",
        )
    if exemption != Exemption.OTHER:
        cleaned["exemption_other"] = ""
    return cleaned


class SectionForm(WithholdingFormMixin, GovukFormMixin, forms.ModelForm):
    """One section's text and whether it is withheld from publication, and why."""

    def _post_clean(self):
        # A section sent back unchanged is not checked against the model's rules again: the
        # stored row already keeps them (the database enforces its constraints), and Django
        # checks each constraint with a query inside a savepoint, three queries apiece. The
        # editor sends every section with every save; it saves only the changed ones.
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()

    class Meta:
        model = DecisionSection
        fields = ["text", *WITHHOLDING_FIELDS]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "public_interest_statement": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "is_withheld": "Withhold this section",
            **WITHHOLDING_LABELS,
        }
        help_texts = {
            "is_withheld": "Its heading and the exemption are published; its text is not.",
            "public_interest_statement": (
                "Why the public interest favours withholding. Needed for section 43 and section 31."
            ),
            "release_on": (
                "When the reason for withholding no longer applies. For example, 1 4 2024"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = self.instance
        self.fields["text"].label = section.heading
        hints = [section.guidance] if section.guidance else []
        if section.is_mandatory:
            hints.append("Must be completed before the decision is submitted.")
        self.fields["text"].help_text = " ".join(hints)


class FieldValueForm(WithholdingFormMixin, GovukFormMixin, forms.ModelForm):
    """The decision's value of one of its form's own fields (or of the report's date and
    author, or the protective marking), labelled and typed as the form's layout gives it
    (`element`, one element of `DecisionTemplate.layout_data`), withheld like a section."""

    class Meta:
        model = FieldValue
        fields = ["value", "is_not_recorded", *WITHHOLDING_FIELDS]
        labels = {
            "is_not_recorded": "Not recorded",
            "is_withheld": "Withhold this",
            **WITHHOLDING_LABELS,
        }
        help_texts = {
            "is_not_recorded": "The record, taken outside the register, does not give it.",
            "is_withheld": "Its label and the exemption are published; its value is not.",
        }

    HINTS = {
        FieldType.MONEY: "In pounds, for example 1250.00",
    }

    def __init__(self, *args, element: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.element = element
        self.instance.heading = element["label"]  # named in withholding's messages
        field_type = element["type"]
        value = self.fields["value"]
        value.label = element["label"]
        value.help_text = self.HINTS.get(field_type, "")
        if field_type == FieldType.DATE:
            # A day, a month or a year, in GOV.UK's date input (commissioning.dates).
            self.fields["value"] = PreciseDateField(
                label=element["label"],
                required=False,
                help_text="For example, 15 3 2021, or 3 2021 or 2021 if that is all the "
                "record says",
            )
            self.initial["value"] = precise_value(self.instance.value)
        elif field_type == FieldType.LONG_TEXT:
            value.widget = forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"})
        elif field_type in (FieldType.CHOICE, FieldType.YES_NO):
            options = (
                [("yes", "Yes"), ("no", "No")]
                if field_type == FieldType.YES_NO
                else [(choice, choice) for choice in element["choices"]]
            )
            value.widget = forms.RadioSelect(choices=[("", "Not given"), *options])
            value.widget.attrs = {"class": "govuk-radios__input"}
        else:
            value.widget = forms.TextInput(attrs={"class": "govuk-input"})
        if not element["public"]:
            for name in WITHHOLDING_FIELDS:
                del self.fields[name]

    def clean_value(self) -> str:
        value = self.cleaned_data.get("value", "")
        if isinstance(value, PreciseDate):
            return value.iso
        return stored_value(self.element["type"], value or "", self.element["choices"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_not_recorded") and cleaned.get("value"):
            self.add_error("is_not_recorded", "Give a value or say it is not recorded, not both")
        return cleaned


def own_field_forms(decision, data=None, layout: dict | None = None) -> list[FieldValueForm]:
    """A form for each value the decision's form's layout holds by name, in the form's
    order."""
    values = values_by_name(decision)
    forms_ = []
    for element in (layout or decision.template.layout_data())["elements"]:
        if not element["type"]:
            continue
        instance = values.get(element["name"]) or FieldValue(
            decision=decision, name=element["name"]
        )
        forms_.append(
            FieldValueForm(
                data, instance=instance, element=element, prefix=f"own-{element['name']}"
            )
        )
    return forms_


class BaseSectionFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        """Each form's hidden id is looked up among the sections the formset has already read,
        not with a query of its own (Django's default: one query per section on every save).
        An id that is not one of them is refused as Django refuses it."""
        super().add_fields(form, index)
        field = form.fields.get(self.model._meta.pk.name)
        if field is None:
            return
        known = getattr(self, "_sections_by_id", None)
        if known is None:
            read = getattr(self, "_object_dict", None)  # Django's own, if it has read them
            sections = read.values() if read is not None else self.get_queryset()
            known = self._sections_by_id = {str(section.pk): section for section in sections}

        def to_python(value, field=field, known=known):
            if value in field.empty_values:
                return None
            section = known.get(str(getattr(value, "pk", value)))
            if section is None:
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
            return section

        field.to_python = to_python

    def clean(self):
        """The record as it would be saved is refused over the record limit: the decision's
        details as the editor's details form read them (it is checked first, and sets them on
        the decision each section belongs to), these sections as sent, and the rest as
        stored."""
        super().clean()
        stored = list(self.get_queryset())
        if not stored:
            return
        decision = stored[0].decision
        # A form that is not one of the sections is never saved (edit_only): not counted.
        sent = {
            form.instance.pk: form
            for form in self.forms
            if form.instance.pk is not None and hasattr(form, "cleaned_data")
        }
        sections = [
            (section, sent[section.pk].cleaned_data if section.pk in sent else None)
            for section in stored
        ]
        problem = decision_too_long(decision, sections=sections)
        if problem:
            raise ValidationError(problem, code="record_too_long")


# The editor changes the sections the decision's form gave it; it never adds one (a posted
# form beyond them, or one without its id, is ignored rather than saved without a place).
SectionFormSet = forms.modelformset_factory(
    DecisionSection,
    form=SectionForm,
    formset=BaseSectionFormSet,
    extra=0,
    can_delete=False,
    edit_only=True,
)


def contract_label(contract) -> str:
    return f"{contract.reference}: {contract.title} ({contract.provider})"


class LinksForm(GovukFormMixin, forms.ModelForm):
    """The contracts, extensions, programmes and joint arrangements the decision concerns."""

    extensions = forms.ModelMultipleChoiceField(
        queryset=Extension.objects.none(),
        required=False,
        label="Extensions and variations it authorises",
        help_text="Only those not already authorised by another decision are offered.",
    )

    class Meta:
        model = Decision
        fields = ["contracts", "programmes", "arrangements"]
        labels = {
            "contracts": "Contracts",
            "programmes": "Commissioning programmes",
            "arrangements": "Joint commissioning arrangements",
        }

    field_order = ["contracts", "add_contracts", "programmes", "arrangements", "extensions"]

    add_contracts = forms.CharField(
        label="Add contracts by reference",
        help_text="One or more contract references, separated by commas or spaces.",
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any contract may be linked, but only the linked ones are listed, to untick: an
        # office has thousands of contracts, and a box for each made the editor take seconds
        # to draw (and to use). Others are added by their reference.
        self.fields["contracts"].queryset = Contract.objects.all()
        self.fields["contracts"].label = "Contracts it concerns"
        self.fields["contracts"].help_text = "Untick a contract to take it off this decision."
        self.fields["contracts"].widget.choices = [
            (contract.pk, contract_label(contract)) for contract in self._listed_contracts()
        ]
        self.fields["programmes"].queryset = Programme.objects.order_by("title")
        self.fields["arrangements"].queryset = JointArrangement.objects.order_by("title")
        decision = self.instance
        self.fields["extensions"].queryset = (
            Extension.objects.filter(
                Q(authorising_decision__isnull=True) | Q(authorising_decision=decision)
            )
            .select_related("contract")
            .order_by("contract__reference", "new_ends_on")
        )
        self.fields["extensions"].label_from_instance = lambda extension: (
            f"{extension.contract.reference}: {extension.get_kind_display().lower()} to "
            f"{extension.new_ends_on:%-d %B %Y}"
        )
        # Set whether bound or not: what changed is judged against it.
        self.initial["extensions"] = list(decision.extensions.values_list("pk", flat=True))

    def _listed_contracts(self):
        """The contracts linked now, and any ticked in the form as sent."""
        chosen = {contract.pk for contract in self.initial.get("contracts") or []}
        if self.is_bound:
            sent = self.data.getlist(self.add_prefix("contracts"))
            chosen |= {int(value) for value in sent if value.isdigit() and len(value) < 19}
        return (
            Contract.objects.filter(pk__in=chosen).select_related("provider").order_by("reference")
        )

    def clean_add_contracts(self) -> list:
        references = list(dict.fromkeys(re.split(r"[\s,;]+", self.cleaned_data["add_contracts"])))
        references = [reference for reference in references if reference]
        found = {c.reference: c for c in Contract.objects.filter(reference__in=references)}
        missing = [reference for reference in references if reference not in found]
        if missing:
            raise ValidationError(
                f"There is no contract with the reference {', '.join(missing)}"
                if len(missing) < 4
                else f"There are no contracts with {len(missing)} of these references, "
                f"{', '.join(missing[:3])} among them"
            )
        return [found[reference] for reference in references]

    def clean(self):
        cleaned = super().clean()
        added = cleaned.get("add_contracts") or []
        if added and "contracts" in cleaned:
            linked = list(cleaned["contracts"])
            cleaned["contracts"] = linked + [c for c in added if c not in linked]
        return cleaned

    def changed_links(self) -> list[str]:
        """Which of contracts, programmes and arrangements to save."""
        changed = [name for name in ("programmes", "arrangements") if name in self.changed_data]
        if "contracts" in self.changed_data or self.cleaned_data.get("add_contracts"):
            changed.insert(0, "contracts")
        return changed

    def save_extensions(self, *, by) -> None:
        """Point the chosen extensions at this decision, and release those unticked."""
        decision = self.instance
        chosen = set(self.cleaned_data["extensions"])
        current = set(decision.extensions.all())
        for extension in chosen - current:
            extension.authorising_decision = decision
            extension._history_user = by
            extension.save()
        for extension in current - chosen:
            extension.authorising_decision = None
            extension._history_user = by
            extension.save()


class DecisionLinkForm(GovukFormMixin, forms.ModelForm):
    """Another decision this one follows, supersedes or amends, named by its reference."""

    to_decision = forms.ModelChoiceField(
        queryset=Decision.objects.all(),
        to_field_name="reference",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        label="Reference of the other decision",
        required=False,
        error_messages={"invalid_choice": "There is no decision with that reference"},
    )

    class Meta:
        model = DecisionLink
        fields = ["kind", "to_decision"]
        labels = {"kind": "This decision"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose how they relate"), *DecisionLink.Kind.choices]
        self.fields["kind"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["to_decision"] = self.instance.to_decision.reference

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("DELETE"):
            return cleaned
        other, kind = cleaned.get("to_decision"), cleaned.get("kind")
        if other and not kind:
            self.add_error("kind", "Choose how this decision relates to the other one")
        if kind and not other and "to_decision" not in self.errors:
            self.add_error("to_decision", "Enter the reference of the other decision")
        if other and other.pk == self.instance.from_decision_id:
            self.add_error("to_decision", "A decision cannot refer to itself")
        return cleaned

    def validate_unique(self):
        # An empty extra row has nothing to check; filled rows are checked as usual.
        if self.cleaned_data.get("to_decision"):
            super().validate_unique()


class BaseDecisionLinkFormSet(GovukDeleteMixin, forms.BaseInlineFormSet):
    delete_label = "Remove this link"

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("to_decision"), form.cleaned_data.get("kind"))
            if key[0] is None:
                continue
            if key in seen:
                form.add_error("to_decision", "This link is listed twice")
            seen.add(key)


DecisionLinkFormSet = forms.inlineformset_factory(
    Decision,
    DecisionLink,
    fk_name="from_decision",
    form=DecisionLinkForm,
    formset=BaseDecisionLinkFormSet,
    extra=2,
    can_delete=True,
)


# -- appendices -------------------------------------------------------------------------------

MAX_APPENDIX_BYTES = 20 * 1024 * 1024

DOCUMENT_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "docx": (
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "Excel spreadsheet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
}


def detect_document_type(upload) -> str | None:
    """What the file is, judged from its bytes: "pdf", "docx", "xlsx", "odt" or None.

    A PDF starts with "%PDF-". The other three are zip archives: an OpenDocument text names
    itself in a first entry called "mimetype"; Word and Excel files hold
    word/document.xml or xl/workbook.xml beside [Content_Types].xml.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                return "odt" if mimetype == DOCUMENT_TYPES["odt"][1].encode() else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


class AppendixForm(WithholdingFormMixin, GovukFormMixin, forms.ModelForm):
    """An appendix: a PDF, Word, Excel or OpenDocument file, withheld or not."""

    class Meta:
        model = Appendix
        fields = ["title", "file", *WITHHOLDING_FIELDS]
        widgets = {"public_interest_statement": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": "Title",
            "file": "Upload a file",
            "is_withheld": "Withhold this appendix",
            **WITHHOLDING_LABELS,
        }
        help_texts = {
            "file": (
                "A PDF, Word (DOCX), Excel (XLSX) or OpenDocument text (ODT) file, up to 20 MB."
            ),
            "is_withheld": "Its title and the exemption are published; the file is not.",
        }
        error_messages = {"title": {"required": "Enter a title for the appendix"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = True
        self.fields["file"].error_messages["required"] = "Select a file to upload"

    conditional_id = "conditional-appendix-withhold"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        if upload.size > MAX_APPENDIX_BYTES:
            raise ValidationError("The file must be smaller than 20 MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        kind = detect_document_type(upload)
        if kind is None:
            raise ValidationError(
                "The selected file must be a PDF, Word (DOCX), Excel (XLSX) or "
                "OpenDocument text (ODT) file"
            )
        self.document_type = kind
        # Name the file for what it is, whatever it was called on the officer's computer.
        stem = PurePath(upload.name).stem or "appendix"
        upload.name = f"{stem}.{kind}"
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        self.instance.sha256 = digest.hexdigest()
        return upload
