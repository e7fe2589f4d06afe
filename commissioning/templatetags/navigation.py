"""The service navigation, public and workspace: its items as data, drawn by one loop
(templates/includes/navigation_list.html).

They were one template include each; eight includes cost more than the markup they drew, on
every workspace page. Plain paths rather than `reverse`, so the frame draws before every app
is wired up.
"""

from django import template

from commissioning.roles import Role, roles_of

register = template.Library()

# (path, label): the public pages, then the workspace or signing in.
PUBLIC = (
    ("/decisions/", "Published decisions"),
    ("/forward-plan/", "Forward plan"),
    ("/contracts/", "Contracts"),
)
SIGNED_IN = ("/workspace/", "Workspace")
SIGNED_OUT = ("/accounts/login/", "Sign in")

# (path, label, the workspace_section a view sets to mark it as current)
WORKSPACE = (
    ("/workspace/", "Dashboard", "dashboard"),
    ("/workspace/decisions/", "Decisions", "decisions"),
    ("/workspace/forward-plan/", "Forward plan", "plans"),
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


@register.simple_tag(takes_context=True)
def signed_in_as(context) -> tuple[str, str] | None:
    """(name, roles) of the signed-in user for the header, None for nobody. The roles are read
    with the user on sign-in (`roles_of`), so the header asks the database nothing more."""
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return None
    held = roles_of(user)
    roles = [role.label for role in Role if role.value in held]
    if user.is_superuser:
        roles.append("Administrator")
    return user.get_full_name() or user.get_username(), ", ".join(roles) or "no staff role"
