"""The workspace forms of what a decision is made of beyond its form's sections: the
providers it concerns directly, its grants and awards (rounds of grants too), and its links
to decisions the register does not hold. Each is a formset of rows, one page each."""

from django import forms

from commissioning.forms import GovukDeleteMixin, GovukFormMixin
from commissioning.placed import PlacedRowFormMixin, PlacedRowsMixin
from contracts.models import Provider
from decisions.models import Award, Decision, DecisionLink, DecisionProvider, DecisionSection


class ProviderLinkForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = DecisionProvider
        fields = ["provider", "role", "role_other"]
        labels = {
            "provider": "Provider",
            "role": "Its role",
            "role_other": "If another role, what it is",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.order_by("name")
        self.fields["provider"].empty_label = "Choose a provider"
        self.fields["role"].choices = [("", "Choose its role"), *DecisionProvider.Role.choices]


class AwardForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Award
        fields = [
            "recipient",
            "provider",
            "purpose",
            "conditions",
            "crime_reduction",
            "amount",
            "applications",
            "funded",
        ]
        widgets = {
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "crime_reduction": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "recipient": "Recipient",
            "provider": "The recipient in the provider register, if it is there",
            "purpose": "Purpose",
            "conditions": "Conditions of the grant (optional)",
            "crime_reduction": "How it serves crime reduction (optional)",
            "amount": "Amount, or a round's total (£)",
            "applications": "For a round of grants: applications received",
            "funded": "For a round of grants: applications funded",
        }
        help_texts = {
            "recipient": "Leave empty for a round of grants recorded as a whole.",
            "crime_reduction": (
                "Why the grant is expected to secure or contribute to crime reduction, as the "
                "Specified Information Order asks an office to publish."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.order_by("name")
        self.fields["provider"].empty_label = "Not in the provider register"


class OutsideLinkForm(GovukFormMixin, forms.ModelForm):
    """A decision the register does not hold: older than it, or another body's."""

    to_url = forms.URLField(
        label="Its address on the web",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="For example, https://www.example.gov.uk/decisions/33-16.pdf",
    )

    class Meta:
        model = DecisionLink
        fields = ["kind", "to_reference", "to_title", "to_date", "to_url"]
        labels = {
            "kind": "This decision",
            "to_reference": "Reference of the other decision",
            "to_title": "Its title",
            "to_date": "Its date",
            "to_url": "Its address on the web",
        }
        help_texts = {
            "to_date": "For example, 1 7 2016",
            "to_url": "For example, https://www.example.gov.uk/decisions/33-16.pdf",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose how they relate"), *DecisionLink.Kind.choices]
        self.fields["to_reference"].required = True

    def clean_to_reference(self):
        reference = self.cleaned_data["to_reference"].strip()
        if reference == self.instance.from_decision.reference:
            raise forms.ValidationError("A decision cannot refer to itself")
        return reference


class BasePartFormSet(GovukDeleteMixin, forms.BaseInlineFormSet):
    delete_label = "Remove this row"

    def validate_unique(self):
        # The model's own checks name each duplicate on its row (validate_unique per form).
        pass


def part_formset(model, form, formset=BasePartFormSet, **kwargs):
    return forms.inlineformset_factory(
        Decision,
        model,
        form=form,
        formset=formset,
        extra=1,
        can_delete=True,
        **kwargs,
    )


ProviderLinkFormSet = part_formset(DecisionProvider, ProviderLinkForm)
AwardFormSet = part_formset(Award, AwardForm)
OutsideLinkFormSet = part_formset(DecisionLink, OutsideLinkForm, fk_name="from_decision")


class SectionShapeForm(PlacedRowFormMixin, GovukFormMixin, forms.ModelForm):
    """A draft's section as a row of its shape: its heading, the part it sits in and its place
    (its text is written in the editor)."""

    class Meta:
        model = DecisionSection
        fields = ["heading", "part"]
        labels = {"heading": "Heading", "part": "Part of the record (optional)"}
        help_texts = {
            "heading": "Leave empty for a section the form prints without a heading.",
            "part": "A headed group it sits in, e.g. Supporting report.",
        }


class BaseSectionShapeFormSet(PlacedRowsMixin, BasePartFormSet):
    delete_label = "Remove this section and its text"
    unique_field = "heading"
    unique_message = "Another section has this heading: give each its own"


SectionShapeFormSet = part_formset(
    DecisionSection, SectionShapeForm, formset=BaseSectionShapeFormSet
)
