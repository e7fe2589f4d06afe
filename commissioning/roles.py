"""The office's roles. Each is a Django group, assigned in the admin."""

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection, models
from django.db.models import Aggregate, Exists, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat

from commissioning.speed import precompiled


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
    """The role names a user holds, cached on the user object for the request (the sign-in
    backend reads them with the user; see `RegisterBackend`)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if getattr(user, "_role_names", None) is None:
        loaded = with_roles_and_permissions(type(user)._default_manager.filter(pk=user.pk))
        remember_roles_and_permissions(user, loaded.get())
    return user._role_names


def has_role(user, role: Role) -> bool:
    return role.value in roles_of(user)


def holds_delegation(user) -> bool:
    """Whether the user holds a written delegation to decide for the Commissioner: the one way
    to take a step without its Django permission. Read with the user on sign-in (see
    `RegisterBackend`); asked of the database for a user loaded otherwise."""
    if not getattr(user, "is_authenticated", False):
        return False
    known = getattr(user, "_holds_delegation", None)
    if known is not None:
        return known
    from decisions.models import Delegation  # decisions.models imports this module

    return Delegation.objects.filter(delegate=user).exists()


# -- the user, their roles and their permissions in one query --------------------------------

SEPARATOR = "\n"


class JoinedText(Aggregate):
    """A column's values joined into one text, newline-separated: PostgreSQL's STRING_AGG,
    SQLite's GROUP_CONCAT (both take the value and the separator)."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(SEPARATOR), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _joined(queryset, user_field: str, expression) -> Subquery:
    """One row: `expression` over `queryset`'s rows, grouped by the one user they are for."""
    rows = queryset.order_by().values(user_field).annotate(joined=JoinedText(expression))
    return Subquery(rows.values("joined"))


def with_roles_and_permissions(users):
    """`users`, each with its group names and its permissions read in the same query.

    Nearly every staff page asks for the user's roles, and most then ask `has_perm`, which
    Django's ModelBackend answers with two more queries (the user's own permissions, then
    their groups'). Here they are subqueries of the query that reads the user."""
    from django.contrib.auth.models import Group, Permission

    from decisions.models import Delegation  # decisions.models imports this module

    through_groups = Permission.objects.filter(group__user=OuterRef("pk"))
    label = Concat("content_type__app_label", Value("."), "codename", output_field=TextField())
    return users.annotate(
        joined_roles=_joined(Group.objects.filter(user=OuterRef("pk")), "user", "name"),
        joined_group_permissions=_joined(through_groups, "group__user", label),
        joined_own_permissions=_joined(
            Permission.objects.filter(user=OuterRef("pk")), "user", label
        ),
        # Whether they may decide under a delegation: the sign-off panel asks on every
        # decision waiting for a decision, and almost nobody holds one.
        holds_delegation=Exists(Delegation.objects.filter(delegate=OuterRef("pk"))),
    )


def _split(text: str | None) -> set[str]:
    return set(text.split(SEPARATOR)) if text else set()


def remember_roles_and_permissions(user, loaded) -> None:
    """Keep what `with_roles_and_permissions` read on `user` for the request: the roles for
    `roles_of`, the permissions where ModelBackend looks first (`_perm_cache`, as
    "app_label.codename"). A superuser's are not kept: Django grants them everything."""
    user._role_names = _split(loaded.joined_roles)
    user._holds_delegation = loaded.holds_delegation
    if not user.is_superuser:
        user._perm_cache = _split(loaded.joined_group_permissions) | _split(
            loaded.joined_own_permissions
        )


ANNOTATIONS = ("joined_roles", "joined_group_permissions", "joined_own_permissions")


def _user_fields() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def _signed_in_user_query(user_id):
    users = with_roles_and_permissions(get_user_model()._default_manager.filter(pk=user_id))
    return users.values_list(*_user_fields(), *ANNOTATIONS, "holds_delegation")


# Every signed-in request runs it: each new connection prepares and plans it first.
precompiled.prepare_query_on_connect(
    "signed_in_user", _signed_in_user_query, precompiled.KEY_PLACEHOLDER, 0
)


class RegisterBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user's roles and permissions with the user
    on each request: one query where there were up to four. It runs on every request, so it
    is compiled once per process (commissioning.speed.precompiled)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        if connection.vendor == "postgresql":
            # psycopg gives typed values (aware datetimes, booleans), as the ORM would.
            row = precompiled.fetchone(
                "signed_in_user", _signed_in_user_query, precompiled.KEY_PLACEHOLDER, user_id
            )
        else:
            # SQLite's raw rows hold text for dates: its converters run through the ORM.
            row = _signed_in_user_query(user_id).first()
        if row is None:
            return None
        fields = _user_fields()
        user = get_user_model().from_db(connection.alias, fields, row[: len(fields)])
        if not self.user_can_authenticate(user):
            return None
        loaded = dict(zip((*ANNOTATIONS, "holds_delegation"), row[len(fields) :], strict=True))
        remember_roles_and_permissions(user, SimpleNamespace(**loaded))
        return user
