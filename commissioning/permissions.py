"""Who may use the officer workspace.

Commissioning officers and administrators create and edit; the Treasurer, the Chief Executive
and Monitoring Officer, the Chief Officer and the Commissioner read. Anyone not signed in is
sent to sign in; a signed-in user with no staff role is refused (403), so that an account
made for some other purpose never sees the workspace.
"""

from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from commissioning.roles import Role, roles_of

STAFF_ROLES = frozenset(role.value for role in Role)
EDITOR_ROLES = frozenset({Role.OFFICER.value})


def holds_permission(user, permission: str) -> bool:
    """Whether a signed-in user holds a Django permission ("app_label.codename"): the one
    question asked of who may take each step of a decision's sign-off (see
    decisions.models.steps, which adds the author's and the delegate's cases)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(permission))


RECORD_DECIDED_REFUSAL = (
    "Recording decisions already taken needs the permission to do so: an administrator gives "
    "it to named officers."
)


def may_record_decided(user) -> bool:
    """Whether a user may record decisions already taken (importing them, signed and perhaps
    published): administrators, and the officers an administrator has given the permission."""
    return holds_permission(user, "decisions.record_decided")


def is_staff_member(user) -> bool:
    """Any staff role, or an administrator: may read everything in the workspace."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & STAFF_ROLES)


def can_edit(user) -> bool:
    """Commissioning officers and administrators: may create and edit records."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(roles_of(user) & EDITOR_ROLES)


class StaffRequiredMixin(AccessMixin):
    """A class-based view any member of staff may use."""

    def allowed(self, user) -> bool:
        return is_staff_member(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed(request.user):
            raise PermissionDenied("This page is for the office's staff.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user)
        return context


class OfficerRequiredMixin(StaffRequiredMixin):
    """A class-based view that changes records: officers and administrators only."""

    def allowed(self, user) -> bool:
        return can_edit(user)


def _require(check, message: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _require(is_staff_member, "This page is for the office's staff.")
officer_required = _require(can_edit, "Only commissioning officers can change records.")
