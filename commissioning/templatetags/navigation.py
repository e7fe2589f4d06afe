"""The service navigation, public and workspace: its items as data, drawn by one loop
(templates/includes/navigation_list.html).

They were one template include each; eight includes cost more than the markup they drew, on
every workspace page. Plain paths rather than `reverse`, so the frame draws before every app
is wired up.
"""

from django import template

register = template.Library()

# (path, label): the public pages, then the workspace or signing in.
PUBLIC = (("/decisions/", "Published decisions"), ("/contracts/", "Contracts"))
SIGNED_IN = ("/workspace/", "Workspace")
SIGNED_OUT = ("/accounts/login/", "Sign in")

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


@register.simple_tag(takes_context=True)
def public_navigation(context) -> list[tuple[str, str, bool]]:
    """(path, label, current): a link is current when the page's path starts with it."""
    path = getattr(context.get("request"), "path", "")
    signed_in = getattr(context.get("user"), "is_authenticated", False)
    links = [*PUBLIC, SIGNED_IN if signed_in else SIGNED_OUT]
    return [(href, text, path.startswith(href)) for href, text in links]


@register.simple_tag(takes_context=True)
def workspace_navigation(context) -> list[tuple[str, str, bool]]:
    """(path, label, current): the current item is the section the view names."""
    section = context.get("workspace_section")
    return [(href, text, key == section) for href, text, key in WORKSPACE]
