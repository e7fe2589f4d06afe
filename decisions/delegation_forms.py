"""The forms of the workspace's delegation pages (decisions.delegation_views): recording a
written delegation, and ending one."""

import datetime

from django import forms
from django.contrib.auth import get_user_model

from commissioning.forms import GovukFormMixin
from decisions.models import Delegation


class DelegationForm(GovukFormMixin, forms.ModelForm):
    """A delegation as its instrument gives it. The delegate's account is optional: a
    delegate without one is named, and a decision they take is recorded as taken on paper."""

    instrument_url = forms.URLField(
        label="Instrument's web address (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the instrument's web address, like https://..."},
    )

    class Meta:
        model = Delegation
        fields = [
            "delegate_name",
            "delegate_role",
            "delegate",
            "instrument",
            "instrument_reference",
            "instrument_url",
            "made_under",
            "scope",
            "officers_consulted",
            "categories",
            "value_limit",
            "starts_on",
            "ends_on",
            "signs_in_two_capacities",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 3}),
            "officers_consulted": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "delegate_name": "Delegate's name",
            "delegate_role": "Delegate's role (optional)",
            "delegate": "Delegate's account in the register (optional)",
            "instrument": "Instrument",
            "instrument_reference": "Instrument's reference (optional)",
            "made_under": "Made under another delegation (optional)",
            "scope": "What the delegate may decide",
            "officers_consulted": "Officers consulted (optional)",
            "categories": "Categories of decision it covers (optional)",
            "value_limit": "Up to a value, in pounds (optional)",
            "starts_on": "Date it takes effect",
            "ends_on": "Date it ends (optional)",
            "signs_in_two_capacities": "Signing in two capacities",
        }
        help_texts = {
            "delegate_role": "For example, Chief Finance Officer.",
            "instrument": "The scheme or letter of delegation, with its paragraph.",
            "starts_on": "As the instrument gives it. For example, 1 4 2023",
            "ends_on": "Leave it empty while the delegation stands.",
            "categories": "Leave them all unticked if it covers every category.",
        }
        error_messages = {
            "delegate_name": {"required": "Enter the delegate's name"},
            "instrument": {"required": "Enter the instrument of delegation"},
            "scope": {"required": "Say what the delegate may decide"},
            "starts_on": {"required": "Enter the date the delegation takes effect"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        delegate = self.fields["delegate"]
        delegate.queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        delegate.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        delegate.empty_label = "No account"
        self.fields["made_under"].empty_label = "Not made under another"
        self.fields["value_limit"].error_messages["invalid"] = (
            "Enter the value limit as an amount in pounds, like 250000"
        )

    def clean_value_limit(self):
        value = self.cleaned_data.get("value_limit")
        if value is not None and value < 0:
            raise forms.ValidationError("The value limit cannot be negative")
        return value


class EndDelegationForm(GovukFormMixin, forms.Form):
    """The day a delegation ends: the last day a decision may be taken under it."""

    ends_on = forms.DateField(
        label="Last day it stands",
        help_text="No decision can be taken under it after this day. For example, 31 3 2025",
        error_messages={"required": "Enter the last day the delegation stands"},
    )

    def __init__(self, *args, delegation: Delegation, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        self.initial.setdefault("ends_on", today)

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        starts_on = self.delegation.starts_on
        if ends_on < starts_on:
            raise forms.ValidationError(
                f"The delegation cannot end before it took effect, {starts_on:%-d %B %Y}"
            )
        return ends_on
