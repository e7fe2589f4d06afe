"""Forms of the officer workspace for contracts, providers, procurement and partners."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from commissioning.dates import PreciseDatesMixin
from commissioning.forms import GovukDeleteMixin, GovukFormMixin
from contracts import models as register
from decisions.models import Decision

WIDE = {"class": "govuk-input govuk-!-width-two-thirds"}
MONEY_INPUT = {"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}


def money_field(form, name: str) -> None:
    field = form.fields[name]
    field.widget = forms.TextInput(attrs=MONEY_INPUT)
    field.error_messages["invalid"] = f"{field.label} must be an amount of money, like 12500.00"


class CpvCodesField(forms.CharField):
    """CPV codes as an officer types them, separated by commas, semicolons or spaces; stored
    as the model keeps them ("85312300-2; 85000000-9")."""

    def clean(self, value):
        return register.parse_cpv_codes(super().clean(value))


CPV_LABEL = "CPV codes (optional)"
CPV_HELP = (
    "Common Procurement Vocabulary codes, separated by commas. For example, 85312300-2, 85312310-5"
)
OUTCOME_CHOICES = [("", "Not recorded"), *register.PhaseOutcome.choices]


def not_recorded_choice(form, name: str, words: str = "Not recorded") -> None:
    """A choice field's empty choice, in words."""
    form.fields[name].choices = [
        (value, label) for value, label in form.fields[name].choices if value
    ]
    form.fields[name].choices = [("", words), *form.fields[name].choices]


class ProviderForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.Provider
        fields = ["name", "company_number", "charity_number", "is_sme", "is_vcse"]
        labels = {
            "name": "Name",
            "company_number": "Companies House number (optional)",
            "charity_number": "Charity number (optional)",
            "is_sme": "Small or medium-sized enterprise (SME)",
            "is_vcse": "Voluntary, community or social enterprise (VCSE)",
        }
        error_messages = {
            "name": {
                "required": "Enter the provider's name",
                "unique": "A provider with this name is already on the register",
            }
        }


class PartnerBodyForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.PartnerBody
        fields = ["name", "kind"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"name": "Name", "kind": "What kind of body is it?"}
        error_messages = {
            "name": {
                "required": "Enter the body's name",
                "unique": "A partner body with this name is already on the register",
            },
            "kind": {"required": "Select what kind of body it is"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(register.PartnerBody.Kind.choices)


class ProgrammeForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.Programme
        fields = ["title", "description", "needs_assessment_on", "needs_assessment_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "title": "Title",
            "description": "Description (optional)",
            "needs_assessment_on": "Needs assessment completed (optional)",
            "needs_assessment_by": "Needs assessment carried out by (optional)",
        }
        help_texts = {"needs_assessment_on": "For example, 28 2 2022"}
        error_messages = {
            "title": {
                "required": "Enter the programme's title",
                "unique": "A programme with this title already exists",
            }
        }


class PhaseForm(PreciseDatesMixin, GovukFormMixin, forms.ModelForm):
    """A procurement phase; each date may be a day, a month or a year."""

    precise_dates = ("starts_on", "ends_on", "prior_information_notice_on", "service_starts_on")

    class Meta:
        model = register.ProcurementPhase
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "prior_information_notice_on",
            "route",
            "service_starts_on",
            "description",
            "cpv_codes",
            "tender_value",
            "number_of_bids",
            "outcome",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"cpv_codes": CpvCodesField}
        labels = {
            "name": "Name",
            "starts_on": "Procurement starts (optional)",
            "ends_on": "Procurement ends (optional)",
            "prior_information_notice_on": "Prior Information Notice published (optional)",
            "route": "Procurement route (optional)",
            "service_starts_on": "New services start (optional)",
            "description": "Description (optional)",
            "cpv_codes": CPV_LABEL,
            "tender_value": "Value of the tender, in pounds (optional)",
            "number_of_bids": "Bids received (optional)",
            "outcome": "Outcome (optional)",
        }
        help_texts = {
            "cpv_codes": CPV_HELP,
            "tender_value": "The value the procurement was advertised at.",
            "outcome": "",
        }
        error_messages = {
            "name": {"required": "Enter the phase's name"},
            "number_of_bids": {
                "invalid": "Bids received must be a whole number, like 4",
                "min_value": "Bids received cannot be negative",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        not_recorded_choice(self, "route", "Not decided")
        not_recorded_choice(self, "outcome")
        money_field(self, "tender_value")
        self._set_classes("tender_value", error=False)
        self.fields["tender_value"].error_messages["invalid"] = (
            "The value of the tender must be an amount of money, like 2400000.00"
        )
        self.fields["number_of_bids"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        self.fields["cpv_codes"].widget.attrs["class"] = "govuk-input govuk-!-width-two-thirds"

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends.last_day < starts.first_day:
            self.add_error("ends_on", "The phase must end on or after the day it starts")
        value = cleaned.get("tender_value")
        if value is not None and value < 0:
            self.add_error("tender_value", "The value of the tender cannot be negative")
        return cleaned

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = register.ProcurementPhase.objects.filter(
            programme=self.instance.programme_id, name=name
        )
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError("This programme already has a phase with that name")
        return name


class LotForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.Lot
        fields = ["number", "title", "service_area", "is_new", "cpv_codes"]
        field_classes = {"cpv_codes": CpvCodesField}
        labels = {
            "number": "Lot number",
            "title": "Title",
            "service_area": "Service area (optional)",
            "is_new": "This lot is new in this cycle",
            "cpv_codes": CPV_LABEL,
        }
        help_texts = {"cpv_codes": CPV_HELP}
        error_messages = {
            "number": {
                "required": "Enter the lot number",
                "invalid": "The lot number must be a whole number, like 4",
            },
            "title": {"required": "Enter the lot's title"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs["class"] = "govuk-input govuk-input--width-3"

    def clean_number(self):
        number = self.cleaned_data["number"]
        taken = register.Lot.objects.filter(phase=self.instance.phase_id, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError("This phase already has a lot with that number")
        return number


class ContractForm(PreciseDatesMixin, GovukFormMixin, forms.ModelForm):
    """A contract. Its provider and dates may be left empty when not known (a preferred
    bidder, a re-tender whose winner is not known, an old register row); a date may be a
    day, a month or a year."""

    precise_dates = ("starts_on", "ends_on", "review_on")

    class Meta:
        model = register.Contract
        fields = [
            "reference",
            "title",
            "description",
            "department",
            "provider",
            "lot",
            "starts_on",
            "ends_on",
            "review_on",
            "total_value",
            "annual_value",
            "irrecoverable_vat",
            "extension_options_remaining",
            "route",
            "cpv_codes",
            "status",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "status": forms.RadioSelect}
        field_classes = {"cpv_codes": CpvCodesField}
        labels = {
            "reference": "Reference",
            "title": "Service",
            "description": "Description (optional)",
            "department": "Department (optional)",
            "provider": "Provider (optional)",
            "lot": "Lot (optional)",
            "starts_on": "Start date (optional)",
            "ends_on": "End date (optional)",
            "review_on": "Review date (optional)",
            "total_value": "Value over the term, in pounds (optional)",
            "annual_value": "Annual value, in pounds (optional)",
            "irrecoverable_vat": "Irrecoverable VAT, in pounds (optional)",
            "extension_options_remaining": "Extension options left",
            "route": "How it was let (optional)",
            "cpv_codes": CPV_LABEL,
            "status": "Status",
        }
        help_texts = {
            "cpv_codes": CPV_HELP,
            "starts_on": "For example, 1 4 2018, or 4 2018 if the day is not known",
            "ends_on": "For example, 31 3 2023, or 2023 if only the year is known",
            "extension_options_remaining": "How many extension options the contract still has.",
        }
        error_messages = {
            "reference": {
                "required": "Enter the contract's reference",
                "unique": "A contract with this reference is already on the register",
            },
            "title": {"required": "Enter the service the contract is for"},
            "extension_options_remaining": {
                "invalid": "Extension options left must be a whole number, like 0",
                "min_value": "Extension options left cannot be negative",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].empty_label = "Not known yet"
        self.fields["lot"].empty_label = "No lot"
        self.fields["lot"].queryset = register.Lot.objects.select_related("phase__programme")
        self.fields["lot"].label_from_instance = lambda lot: f"{lot.phase}: {lot}"
        not_recorded_choice(self, "route")
        self.fields["cpv_codes"].widget.attrs["class"] = "govuk-input govuk-!-width-two-thirds"
        self.fields["status"].choices = list(register.Contract.Status.choices)
        widths = {"reference": 20, "extension_options_remaining": 3}
        for name, width in widths.items():
            self.fields[name].widget.attrs["class"] = f"govuk-input govuk-input--width-{width}"
        for name in ("total_value", "annual_value", "irrecoverable_vat"):
            money_field(self, name)
            self._set_classes(name, error=False)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends.last_day < starts.first_day:
            self.add_error("ends_on", "The contract must end on or after the day it starts")
        negative = {
            "total_value": "The value over the term cannot be negative",
            "annual_value": "The annual value cannot be negative",
            "irrecoverable_vat": "Irrecoverable VAT cannot be negative",
        }
        for name, message in negative.items():
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, message)
        return cleaned


class CommissionerForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.Commissioner
        fields = ["body", "role", "share"]
        labels = {"body": "Body", "role": "Role", "share": "Share, per cent (optional)"}
        error_messages = {
            "share": {"invalid": "The share must be a number, like 50"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].empty_label = "This office"
        self.fields["body"].required = False
        self.fields["role"].choices = [("", "Choose a role"), *register.Commissioner.Role.choices]
        self.fields["share"].widget = forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"}
        )

    def _post_clean(self):
        # Shares are added up across the whole formset (BaseCommissionerFormSet.clean). The
        # model's own check (Commissioner.clean) compares one row with the rows as stored,
        # which this formset may be changing in the same save, so it is skipped here.
        self.instance.clean = lambda: None
        try:
            super()._post_clean()
        finally:
            del self.instance.clean

    def clean(self):
        cleaned = super().clean()
        share = cleaned.get("share")
        if share is not None and not (Decimal(0) <= share <= Decimal(100)):
            self.add_error("share", "A share must be between 0 and 100 per cent")
        return cleaned


class BaseCommissionerFormSet(GovukDeleteMixin, forms.BaseInlineFormSet):
    delete_label = "Remove this commissioner"

    def clean(self):
        super().clean()
        total = Decimal(0)
        bodies = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            if not form.cleaned_data.get("role"):
                if form.has_changed():
                    form.add_error("role", "Choose the body's role")
                continue
            body = form.cleaned_data.get("body")
            key = body.pk if body else None
            if key in bodies:
                form.add_error("body", "This body is listed twice")
            bodies.add(key)
            total += form.cleaned_data.get("share") or 0
        if total > 100:
            raise ValidationError(f"The shares add up to {total}%: they can be 100% at most")

    def ordered_saves(self, user):
        """Save the rows so that the shares never add up to more than 100% on the way.

        The database checks the total after every row, so rows that are removed or whose
        share goes down are written before rows whose share goes up.
        """
        for form in self.deleted_forms:
            if form.instance.pk:
                form.instance._history_user = user
                form.instance.delete()
        changed = []
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            if not form.cleaned_data.get("role"):
                continue
            before = form.initial.get("share") or 0
            after = form.cleaned_data.get("share") or 0
            changed.append((Decimal(after) - Decimal(before), form))
        for _growth, form in sorted(changed, key=lambda pair: pair[0]):
            commissioner = form.save(commit=False)
            commissioner.contract = self.instance
            commissioner._history_user = user
            commissioner.save()


CommissionerFormSet = forms.inlineformset_factory(
    register.Contract,
    register.Commissioner,
    form=CommissionerForm,
    formset=BaseCommissionerFormSet,
    extra=2,
    can_delete=True,
)


class NoticeForm(GovukFormMixin, forms.ModelForm):
    """A notice published outside the register, of a procurement phase or a contract."""

    class Meta:
        model = register.Notice
        fields = ["kind", "identifier", "url", "published_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "url": forms.TextInput(attrs={**WIDE, "spellcheck": "false"}),
        }
        labels = {
            "kind": "Where was it published?",
            "identifier": "Notice identifier (optional if you give the address)",
            "url": "Address (optional if you give the identifier)",
            "published_on": "Date published (optional)",
        }
        help_texts = {
            "identifier": "As the notice gives it. For example, 2022/S 000-031247",
            "url": "The notice's web address, starting https://",
            "published_on": "For example, 1 11 2022",
        }
        error_messages = {"kind": {"required": "Select where the notice was published"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(register.Notice.Kind.choices)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("identifier") and not cleaned.get("url") and "url" not in self.errors:
            self.add_error("identifier", "Enter the notice's identifier, its address or both")
        return cleaned


class ExtensionForm(GovukFormMixin, forms.Form):
    """Record an extension (or a variation) of a contract, in one go."""

    kind = forms.ChoiceField(
        label="Is this an extension or a variation?",
        choices=register.Extension.Kind.choices,
        widget=forms.RadioSelect,
        initial=register.Extension.Kind.EXTENSION,
        error_messages={"required": "Select whether this is an extension or a variation"},
    )
    new_end = forms.DateField(
        label="New end date",
        help_text="For example, 31 3 2024",
        error_messages={"required": "Enter the new end date"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for the extension"},
    )
    takes_effect_on = forms.DateField(
        label="When did it take effect? (optional)",
        required=False,
        help_text="Leave empty if it is not known. For example, 1 4 2023",
    )
    basis = forms.ModelChoiceField(
        label="On what basis?",
        queryset=register.ExtensionBasis.objects.filter(is_offered=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the basis for the extension",
            "invalid_choice": "Select the basis for the extension",
        },
    )
    authorising_decision = forms.ModelChoiceField(
        label="Authorising decision (optional)",
        queryset=Decision.objects.order_by("-created_at"),
        required=False,
        empty_label="None recorded yet",
        help_text="The decision that authorised it, if it is on the register.",
    )

    def __init__(self, *args, contract: register.Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.fields["authorising_decision"].label_from_instance = lambda decision: (
            f"{decision.reference}: {decision.title}"
        )
        if contract.extension_options_remaining < 1:
            self.fields["basis"].help_text = (
                "The contract has no extension options left, so an extension needs another "
                "basis, such as an exemption from the Finance and Contract Regulations."
            )

    def clean(self):
        cleaned = super().clean()
        new_end, kind = cleaned.get("new_end"), cleaned.get("kind")
        contract = self.contract
        if new_end and contract.ends_on is None:
            self.add_error(
                "new_end",
                "The contract's end date is not recorded: add it to the contract first",
            )
        elif new_end and kind == register.Extension.Kind.EXTENSION and new_end <= contract.ends_on:
            self.add_error(
                "new_end", f"The new end date must be after the current end, {contract.ends}"
            )
        if new_end and contract.starts_on and new_end < contract.starts_on:
            self.add_error(
                "new_end",
                f"The new end date cannot be before the contract starts, {contract.starts}",
            )
        basis = cleaned.get("basis")
        if basis and basis.uses_option and contract.extension_options_remaining < 1:
            self.add_error(
                "basis", "The contract has no extension options left: it needs another basis"
            )
        return cleaned


class ArrangementForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.JointArrangement
        fields = ["title", "subject", "description", "is_precedent", "contracts"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "title": "Title",
            "subject": "Service being commissioned",
            "description": "Description (optional)",
            "is_precedent": "This arrangement is cited as a precedent",
            "contracts": "Contracts under the arrangement",
        }
        help_texts = {"subject": ""}
        error_messages = {
            "title": {
                "required": "Enter the arrangement's title",
                "unique": "An arrangement with this title already exists",
            },
            "subject": {"required": "Enter the service being commissioned"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contracts"].required = False
        self.fields["contracts"].queryset = register.Contract.objects.select_related(
            "provider"
        ).order_by("reference")
        self.fields["contracts"].label_from_instance = lambda contract: (
            f"{contract.reference}: {contract.title}"
            + (f" ({contract.provider})" if contract.provider_id else "")
        )


class ArrangementPartnerForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.ArrangementPartner
        fields = ["body", "role"]
        widgets = {"role": forms.RadioSelect}
        labels = {"body": "Partner body", "role": "Role in the arrangement"}
        error_messages = {
            "body": {"required": "Select the partner body"},
            "role": {"required": "Select the partner's role"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].empty_label = "Choose a partner body"
        self.fields["role"].choices = list(register.Commissioner.Role.choices)

    def clean_body(self):
        body = self.cleaned_data["body"]
        taken = register.ArrangementPartner.objects.filter(
            arrangement=self.instance.arrangement_id, body=body
        )
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError("This body is already a partner in the arrangement")
        return body


class PartnerPositionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.PartnerPosition
        fields = ["position", "as_of", "note"]
        widgets = {"position": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"position": "Position", "as_of": "From", "note": "Note (optional)"}
        help_texts = {"as_of": "When the partner took this position. For example, 1 6 2021"}
        error_messages = {
            "position": {"required": "Select the partner's position"},
            "as_of": {"required": "Enter the date the position was taken"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].choices = list(register.PartnerPosition.Position.choices)
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("as_of", timezone.localdate())


class RiskForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.ArrangementRisk
        fields = ["description", "likelihood", "impact", "mitigation", "owner"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "likelihood": forms.RadioSelect,
            "impact": forms.RadioSelect,
        }
        labels = {
            "description": "Risk",
            "likelihood": "Likelihood",
            "impact": "Impact",
            "mitigation": "Mitigation (optional)",
            "owner": "Owner (optional)",
        }
        error_messages = {
            "description": {"required": "Describe the risk"},
            "likelihood": {"required": "Select the likelihood"},
            "impact": {"required": "Select the impact"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("likelihood", "impact"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]


class AskForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = register.PartnerAsk
        fields = ["of_body", "request", "status", "asked_on", "respond_by", "resolved_on"]
        widgets = {"request": forms.Textarea(attrs={"rows": 3}), "status": forms.RadioSelect}
        labels = {
            "of_body": "Asked of",
            "request": "What we asked",
            "status": "Status",
            "asked_on": "Asked on",
            "respond_by": "Answer wanted by (optional)",
            "resolved_on": "Resolved on (optional)",
        }
        error_messages = {
            "of_body": {"required": "Select the body the ask was made of"},
            "request": {"required": "Enter what was asked"},
            "asked_on": {"required": "Enter the date of the ask"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["of_body"].empty_label = "Choose a partner body"
        self.fields["status"].choices = list(register.PartnerAsk.Status.choices)

    def clean(self):
        cleaned = super().clean()
        asked, resolved = cleaned.get("asked_on"), cleaned.get("resolved_on")
        if asked and resolved and resolved < asked:
            self.add_error("resolved_on", "An ask cannot be resolved before it was made")
        return cleaned
