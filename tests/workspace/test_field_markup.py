"""Every workspace form field is drawn by the govuk_field tag, with the markup the template it
replaced drew: each kind of widget, with and without hint and errors, with the options an
include can pass, and hostile text escaped."""

from pathlib import Path

import pytest
from django import forms
from django.template import engines
from django.test.html import parse_html

from commissioning.forms import GovukFormMixin

render = engines["django"].from_string

# workspace/includes/field.html as it was before the tag drew it.
TEMPLATE_FIELD = render(
    (Path(__file__).parent.parent / "data" / "field_before_tag.html").read_text()
)
TAG_FIELD = render('{% include "workspace/includes/field.html" %}')
HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"
CHOICES = [("a", "Apple & pear"), ("b", "<b>Banana</b>")]


class EveryKind(GovukFormMixin, forms.Form):
    name = forms.CharField(label=HOSTILE, help_text=f"First line\n{HOSTILE}")
    plain = forms.CharField(required=False)
    notes = forms.CharField(widget=forms.Textarea, help_text="Say why.")
    colour = forms.ChoiceField(choices=[("", "Choose"), *CHOICES], label="Colour")
    agreed = forms.BooleanField(label=f"I agree {HOSTILE}", help_text=HOSTILE)
    quiet = forms.BooleanField(required=False, label="Quiet")
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    decided_on = forms.DateField(label="Decided on", help_text="For example, 15 6 2022")
    kind = forms.ChoiceField(widget=forms.RadioSelect, choices=CHOICES, label=HOSTILE)
    fruit = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=CHOICES, required=False
    )
    nothing = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[], required=False, label="Nothing"
    )

    def clean_name(self):
        raise forms.ValidationError(["Too long", f"Not allowed: {HOSTILE}"])


FORMS = {
    "unbound": lambda: EveryKind(initial={"name": HOSTILE, "notes": HOSTILE, "secret": HOSTILE}),
    "bound, with errors": lambda: EveryKind(
        {"name": "x", "notes": "", "colour": "b", "decided_on_day": "40", "fruit": ["a"]}
    ),
    "bound, valid parts": lambda: EveryKind(
        {"name": HOSTILE, "notes": HOSTILE, "agreed": "on", "kind": "a", "secret": "1"}
    ),
}
OPTIONS = {
    "no options": {},
    "label class": {"label_class": "govuk-label--m"},
    "heading": {"heading": 3, "label_class": "govuk-label--s"},
    "legend class": {"legend_class": "govuk-fieldset__legend--m"},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("make_form", FORMS.values(), ids=FORMS.keys())
def test_every_field_is_the_markup_the_template_drew(make_form, options):
    form = make_form()
    for field in form:
        context = {"field": field, **options}
        assert parse_html(TAG_FIELD.render(context)) == parse_html(
            TEMPLATE_FIELD.render(context)
        ), field.name


def test_a_field_escapes_its_label_hint_and_errors():
    form = FORMS["bound, with errors"]()
    drawn = TAG_FIELD.render({"field": form["name"]})
    assert "<script>" not in drawn
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in drawn
    assert "First line<br>" in drawn
    assert 'class="govuk-form-group govuk-form-group--error"' in drawn
    assert "Too long. Not allowed:" in drawn


def test_a_heading_wraps_the_label():
    drawn = TAG_FIELD.render({"field": EveryKind()["plain"], "heading": 3})
    assert drawn.count('<h3 class="govuk-label-wrapper"><label ') == 1
