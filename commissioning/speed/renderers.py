"""Form widgets drawn in one pass.

Django draws every widget through templates: a text box is three of them (text.html includes
input.html, which includes attrs.html), and attrs.html loops over the attributes in the
template language. On the decision editor, with its 46 widgets, those templates were a large
part of the page (commissioning/speed/README.md). `OnePassRenderer` writes the plain inputs
and text areas directly, with the same markup, character for character
(tests/test_renderers.py compares it with Django's own drawing), and leaves every other
template (choices, forms, error lists) to Django.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

# Django's widget templates that are nothing but `{% include "django/forms/widgets/input.html" %}`
# and a line break (tests/test_renderers.py checks that each still is).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _formatted(value: object) -> str:
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless marked safe."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    return text if isinstance(value, SafeData) else escape(text)


def _attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"` for each, ` name` for True, nothing
    for False."""
    drawn = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            drawn.append(f" {conditional_escape(name)}")
        else:
            drawn.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(drawn)


# Django's renderer strips the line breaks around what a template drew, so neither drawing
# below ends with one.


def draw_input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attributes(widget["attrs"])}>'
    )


def draw_textarea(widget: dict[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        f"\n{value}</textarea>"
    )


class OnePassRenderer(DjangoTemplates):
    """Django's form renderer, with the plain inputs and text areas drawn in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name in INPUT_TEMPLATES:
            drawn = draw_input(context["widget"])
        elif template_name == TEXTAREA_TEMPLATE:
            drawn = draw_textarea(context["widget"])
        else:
            return super().render(template_name, context, request)
        # Every value and name above was escaped (or was already marked safe).
        return mark_safe(drawn)  # noqa: S308
