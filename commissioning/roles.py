"""The office's roles. Each is a Django group, assigned in the admin."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "Commissioning officers", "Commissioning officer"
    TREASURER = "Treasurer", "Treasurer"
    MONITORING_OFFICER = (
        "Chief Executive and Monitoring Officer",
        "Chief Executive and Monitoring Officer",
    )
    CHIEF_OFFICER = "Chief Officer", "Chief Officer"
    COMMISSIONER = "Police and Crime Commissioner", "Police and Crime Commissioner"


def roles_of(user) -> set[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role.value in roles_of(user)
