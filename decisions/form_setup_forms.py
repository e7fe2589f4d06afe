"""The forms of the workspace's form setup pages (`decisions.form_setup_views`): a form's own
settings, and one element of its layout (a built-in element or a field of the form's own).

An element's rules are the model's (`FormElement.clean` and its constraints): the form only
turns the list of choices into the model's list and back, one choice a line."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from commissioning.forms import GovukDeleteMixin, GovukFormMixin
from commissioning.placed import PlacedRowFormMixin, PlacedRowsMixin
from decisions.models import DecisionTemplate, FormElement, Office, TemplateSection
from decisions.models.layout import ElementKind, FieldType

# Kinds whose printed wording the form asks for.
WORDED_KINDS = frozenset(
    {
        ElementKind.DOCUMENT_TITLE,
        ElementKind.WORDING,
        ElementKind.APPROVAL,
        ElementKind.PROTECTIVE_MARKING,
    }
)


# The sign-off a form's decisions go through, and whether they record grants, as the settings
# and create pages ask for them.
SIGN_OFF_FIELDS = [
    "requires_treasurer",
    "requires_monitoring_officer",
    "requires_chief_officer_for_force_business",
    "awards_grants",
]
SIGN_OFF_LABELS = {
    "requires_treasurer": "The Treasurer comments before the decision",
    "requires_monitoring_officer": "The Chief Executive and Monitoring Officer comments",
    "requires_chief_officer_for_force_business": "The Chief Officer approves force business",
    "awards_grants": "Its decisions record grants or awards",
}
SIGN_OFF_HELP = {
    "requires_treasurer": "Leave unticked for a form whose decisions the Treasurer does not see "
    "before they are taken, such as a record of a meeting's decisions.",
    "awards_grants": "For forms on which one decision awards several grants.",
}


class FormSettingsForm(GovukFormMixin, forms.ModelForm):
    """A form's name, office, the numbering of its sections, the sign-off its decisions go
    through and whether it is offered."""

    class Meta:
        model = DecisionTemplate
        fields = ["name", "office", "numbering", *SIGN_OFF_FIELDS, "is_active"]
        widgets = {"numbering": forms.RadioSelect}
        labels = {"is_active": "Offer this form for new decisions", **SIGN_OFF_LABELS}
        help_texts = {"name": "As officers choose it when they start a decision.", **SIGN_OFF_HELP}


class FormCreateForm(GovukFormMixin, forms.ModelForm):
    """A new form: its name, its office (one the register holds, or a new one by its name and
    address), how its references and sections are numbered, its sections' headings and
    whether it is offered for new decisions."""

    new_office_name = forms.CharField(
        label="Or a new office: its name",
        required=False,
        max_length=200,
        help_text="As it heads its records. Leave empty to use the office chosen above.",
    )
    new_office_address = forms.CharField(
        label="The new office's address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One line of the address a line.",
    )
    section_headings = forms.CharField(
        label="Sections",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The headings of the sections every decision on this form starts with, "
        "one a line, e.g. Background.",
    )

    class Meta:
        model = DecisionTemplate
        fields = ["name", "office", "reference_format", "numbering", *SIGN_OFF_FIELDS, "is_active"]
        widgets = {"numbering": forms.RadioSelect}
        labels = {
            "office": "Office",
            "reference_format": "References",
            "is_active": "Offer this form for new decisions",
            **SIGN_OFF_LABELS,
        }
        help_texts = {
            **SIGN_OFF_HELP,
            "name": "As officers choose it when they start a decision.",
            "office": "Whose records are made on this form.",
            "reference_format": "How references are written: {number}, or {number:04} for "
            "four digits, with {year} or {yy} if numbering starts again each year. "
            "For example DN-{number:03}/{yy}.",
        }

    field_order = [
        "name",
        "office",
        "new_office_name",
        "new_office_address",
        "reference_format",
        "numbering",
        "section_headings",
        *SIGN_OFF_FIELDS,
        "is_active",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        office = self.fields["office"]
        office.queryset = Office.objects.order_by("name")
        office.empty_label = "The register's own office"
        self.fields["is_active"].initial = True

    def clean_new_office_name(self) -> str:
        name = " ".join(self.cleaned_data.get("new_office_name", "").split())
        if name and Office.objects.filter(name__iexact=name).exists():
            raise ValidationError("The register already holds this office: choose it above.")
        return name

    def clean_section_headings(self) -> list[str]:
        lines = self.cleaned_data.get("section_headings") or ""
        headings = [line.strip() for line in lines.splitlines() if line.strip()]
        limit = TemplateSection._meta.get_field("heading").max_length
        if any(len(heading) > limit for heading in headings):
            raise ValidationError(f"Keep each heading to at most {limit} characters.")
        if len({heading.casefold() for heading in headings}) < len(headings):
            raise ValidationError("Give each section a heading of its own.")
        return headings

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("new_office_name")
        if name and cleaned.get("office"):
            self.add_error("new_office_name", "Choose an office above or name a new one, not both.")
        address = cleaned.get("new_office_address", "").strip()
        if address and not name and "new_office_name" in cleaned:
            self.add_error("new_office_address", "Give the new office's name too.")
        return cleaned

    def save_new(self, *, by) -> DecisionTemplate:
        """The form, its new office if one was named and its sections, each with `by` in its
        history; in the caller's transaction."""
        form = self.instance
        name = self.cleaned_data["new_office_name"]
        if name:
            office = Office(name=name, address=self.cleaned_data["new_office_address"].strip())
            office._history_user = by
            office.save()
            form.office = office
        form._history_user = by
        form.save()
        for position, heading in enumerate(self.cleaned_data["section_headings"], start=1):
            section = TemplateSection(template=form, position=position, heading=heading)
            section._history_user = by
            section.save()
        form.lay_out_default(by=by)
        return form


class ElementForm(GovukFormMixin, forms.ModelForm):
    """One element of a form's layout. Its kind is chosen when it is added and kept after:
    a field of the form's own does not become the title."""

    place = forms.IntegerField(
        min_value=1,
        max_value=999,
        required=False,
        help_text="Its place in the form, counted from the top. Leave empty to put it last.",
    )
    choice_lines = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a choice from a list: one choice a line.",
    )

    class Meta:
        model = FormElement
        fields = [
            "kind",
            "label",
            "part",
            "text",
            "is_public",
            "is_required",
            "name",
            "field_type",
        ]
        labels = {
            "kind": "What it is",
            "label": "Label",
            "is_public": "On the public record",
            "is_required": "Required before publication",
            "name": "Field name",
            "field_type": "Type of field",
        }
        help_texts = {
            "name": "Only for a field of the form's own: what exports and imports call it, "
            "e.g. plan_priority. Lower case letters, digits and underscores.",
            "field_type": "Only for a field of the form's own.",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, form: DecisionTemplate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.form = form
        self.fields["field_type"].choices = [("", "Not a field of the form's own")] + [
            (value, label) for value, label in FieldType.choices
        ]
        if self.instance.pk is not None:
            del self.fields["kind"]
            self.fields["place"].initial = self.instance.position
            self.fields["choice_lines"].initial = "\n".join(self.instance.choices or [])
            if self.instance.kind != ElementKind.FIELD:
                for name in ("name", "field_type", "choice_lines"):
                    del self.fields[name]
            if self.instance.kind not in WORDED_KINDS:
                del self.fields["text"]
        else:
            self.fields["kind"].initial = ElementKind.FIELD

    def clean_choice_lines(self) -> list[str]:
        lines = self.cleaned_data.get("choice_lines") or ""
        return [line.strip() for line in lines.splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        if kind != ElementKind.FIELD:
            # Only the form's own fields have a name, a type and choices.
            for name in ("name", "field_type"):
                if cleaned.get(name):
                    self.add_error(name, "Only a field of the form's own has this.")
            cleaned["name"] = cleaned["field_type"] = ""
            self.instance.name = self.instance.field_type = ""
            self.instance.choices = []
        else:
            self.instance.choices = cleaned.get("choice_lines") or []
            if cleaned.get("field_type") != FieldType.CHOICE:
                self.instance.choices = []
        return cleaned

    def _update_errors(self, errors) -> None:
        # The model's message about the choices belongs next to the box they are typed in;
        # one about a field this form does not show is said above the form.
        if hasattr(errors, "error_dict"):
            moved: dict = {}
            for field, messages in errors.error_dict.items():
                if field == "choices" and "choice_lines" in self.fields:
                    field = "choice_lines"
                elif field not in self.fields:
                    field = NON_FIELD_ERRORS
                moved.setdefault(field, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)

    def element_fields(self) -> dict:
        """The element's own fields as the form gives them, for `DecisionTemplate.add_element`."""
        return {
            name: getattr(self.instance, name)
            for name in (
                "kind",
                "label",
                "part",
                "text",
                "is_public",
                "is_required",
                "name",
                "field_type",
                "choices",
            )
        }


class OfficeForm(GovukFormMixin, forms.ModelForm):
    """The office that heads a form's records: its name, crest or logo (checked as an image
    by the model), what the crest shows, its address and its standard approval wording."""

    remove_logo = forms.BooleanField(
        label="Remove the crest or logo",
        required=False,
        help_text="Its records are then headed by the office's name alone.",
    )

    class Meta:
        model = Office
        fields = ["name", "logo", "logo_description", "address", "approval_statement"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 4}),
            "approval_statement": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "name": "Name",
            "logo": "Crest or logo",
            "logo_description": "What the crest shows (optional)",
            "address": "Address (optional)",
            "approval_statement": "Standard approval statement (optional)",
        }

    field_order = ["name", "logo", "remove_logo", "logo_description", "address"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_logo") and self.files.get("logo"):
            self.add_error("remove_logo", "Upload a new crest or remove it, not both")
        return cleaned

    def save(self, commit: bool = True) -> Office:
        if self.cleaned_data.get("remove_logo"):
            self.instance.logo = ""
        return super().save(commit)


class TemplateSectionForm(PlacedRowFormMixin, GovukFormMixin, forms.ModelForm):
    """One of the sections every decision on the form starts with."""

    class Meta:
        model = TemplateSection
        fields = ["heading", "part", "guidance", "is_mandatory"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "heading": "Heading",
            "part": "Part of the record (optional)",
            "guidance": "Guidance for the officer (optional)",
            "is_mandatory": "Must be completed before the decision is submitted",
        }
        help_texts = {
            "heading": "Leave empty for a section the form prints without a heading.",
            "part": "A headed group it sits in, e.g. Supporting report.",
        }


class BaseTemplateSectionFormSet(PlacedRowsMixin, GovukDeleteMixin, forms.BaseInlineFormSet):
    delete_label = "Remove this section from the form"
    unique_field = "heading"
    unique_message = "Another section of the form has this heading: give each its own"


TemplateSectionFormSet = forms.inlineformset_factory(
    DecisionTemplate,
    TemplateSection,
    form=TemplateSectionForm,
    formset=BaseTemplateSectionFormSet,
    extra=1,
    can_delete=True,
)
