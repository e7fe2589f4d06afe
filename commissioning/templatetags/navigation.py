"""The workspace's service navigation: its items as data, drawn by one loop.

They were one template include each; eight includes cost more than the markup they drew, on
every workspace page. Plain paths rather than `reverse`, as in the public navigation, so the
frame draws before every app is wired up.
"""

from django import template

register = template.Library()

# (path, label, the workspace_section a view sets to mark it as current)
WORKSPACE = (
    ("/workspace/", "Dashboard", "dashboard"),
    ("/workspace/decisions/", "Decisions", "decisions"),
    ("/workspace/contracts/", "Contracts", "contracts"),
    ("/workspace/timeline/", "Timeline", "timeline"),
    ("/workspace/providers/", "Providers", "providers"),
    ("/workspace/partners/", "Partners", "partners"),
    ("/workspace/programmes/", "Programmes", "programmes"),
    ("/workspace/arrangements/", "Arrangements", "arrangements"),
)


@register.simple_tag
def workspace_navigation() -> tuple:
    return WORKSPACE
