"""The one-pass form renderer draws plain inputs and text areas exactly as Django's templates
do, and leaves every other widget to them."""

import datetime
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from commissioning.speed.renderers import INPUT_TEMPLATES, OnePassRenderer

DJANGO = DjangoTemplates()
ONE_PASS = OnePassRenderer()
WIDGET_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"

WIDGETS = {
    "text": forms.TextInput(),
    "text with attributes": forms.TextInput(
        attrs={
            "class": "govuk-input govuk-input--error",
            "aria-describedby": 'hint "quoted" <b>',
            "disabled": True,
            "readonly": False,
            "maxlength": 200,
            "placeholder": mark_safe("<i>already safe</i>"),
        }
    ),
    "number": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    "email": forms.EmailInput(),
    "url": forms.URLInput(),
    "password": forms.PasswordInput(render_value=True),
    "hidden": forms.HiddenInput(),
    "date": forms.DateInput(format="%d/%m/%Y"),
    "file": forms.FileInput(),
    "checkbox": forms.CheckboxInput(),
    "textarea": forms.Textarea(),
    "textarea with attributes": forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
}
VALUES = {
    "nothing": None,
    "empty": "",
    "hostile": "</textarea><script>alert('x')</script> & \"quotes\"",
    "marked safe": mark_safe("<b>bold</b>"),
    "zero": 0,
    "true": True,
    "false": False,
    "decimal": 3.5,
    "date": datetime.date(2022, 6, 15),
    "lines": "First line\nSecond line\r\n",
}


@pytest.mark.parametrize("value", VALUES.values(), ids=VALUES.keys())
@pytest.mark.parametrize("widget", WIDGETS.values(), ids=WIDGETS.keys())
def test_a_widget_is_the_markup_djangos_templates_draw(widget, value):
    attrs = {"id": 'id_"name"'}
    expected = widget.render("field<name>", value, attrs=attrs, renderer=DJANGO)
    drawn = widget.render("field<name>", value, attrs=attrs, renderer=ONE_PASS)
    assert drawn == expected


def test_other_widgets_are_drawn_by_django():
    choices = [("a", "Apple & pear"), ("b", "<b>Banana</b>")]
    for widget in (
        forms.RadioSelect(choices=choices),
        forms.CheckboxSelectMultiple(choices=choices),
        forms.ClearableFileInput(),
        forms.Select(choices=choices),
    ):
        assert widget.render("pick", "b", renderer=ONE_PASS) == widget.render(
            "pick", "b", renderer=DJANGO
        )


@pytest.mark.parametrize("name", sorted(INPUT_TEMPLATES))
def test_each_template_drawn_in_python_is_still_djangos_plain_input(name):
    """If Django changes one of these templates, drawing it in Python would be out of step."""
    source = (WIDGET_TEMPLATES / name).read_text()
    assert source.strip() == '{% include "django/forms/widgets/input.html" %}'


def test_djangos_input_and_textarea_templates_are_the_ones_drawn_in_python():
    widgets = WIDGET_TEMPLATES / "django" / "forms" / "widgets"
    assert (widgets / "input.html").read_text().strip() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"'
        "{% if widget.value != None %} value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>'
    )
    assert (widgets / "textarea.html").read_text().strip() == (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>"
    )
    assert (widgets / "attrs.html").read_text().strip() == (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    )


def test_the_site_draws_its_forms_with_it(client):
    assert isinstance(get_default_renderer(), OnePassRenderer)
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page
