"""`{% keep name key %}…{% endkeep %}`: a fragment kept under a key that names its content.

Django's `{% cache %}` reads the shared cache on every request: a file read, unpickling and
decompressing. The filter forms' fields were kept that way and still took a tenth of a
register page. Their key changes with everything they show (commissioning.forms.FilterForm), so
the fragment under a key never changes and can be kept in this process too
(commissioning.speed.kept). The key also holds a hash of the templates, so a deploy that changes
how the fragment looks does not find the old one.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe

from commissioning.speed import kept

register = template.Library()

FRAGMENT_SECONDS = 60 * 60


class KeepNode(template.Node):
    def __init__(self, nodelist, name: str, key: template.base.FilterExpression):
        self.nodelist = nodelist
        self.name = name
        self.key = key

    def render(self, context) -> str:
        shape = f"{kept.templates_fingerprint()}|{self.key.resolve(context)}"
        key = f"fragment:{self.name}:{hashlib.sha256(shape.encode()).hexdigest()[:32]}"
        fragment = kept.get(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            kept.put(key, fragment, FRAGMENT_SECONDS)
        # What was kept is what the nodelist rendered, escaped as the template escaped it.
        return mark_safe(fragment)  # noqa: S308


@register.tag
def keep(parser, token) -> KeepNode:
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a fragment name and a key")
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(nodelist, bits[1], parser.compile_filter(bits[2]))
