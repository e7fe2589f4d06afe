"""`{% submission_token %}`: the one-time token a create form carries (commissioning/once.py)."""

from django import template
from django.utils.html import format_html

from commissioning.once import FIELD_NAME, new_token

register = template.Library()


@register.simple_tag
def submission_token() -> str:
    """A hidden field with a fresh token, drawn each time the form is drawn."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())
