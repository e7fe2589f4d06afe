"""The signed-in user's roles and permissions are read with the user, once per request, and
say exactly what Django's own permission checks would."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.roles import RegisterBackend, Role, has_role, roles_of
from tests.factories import DelegationFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_roles_and_permissions_come_with_the_user_and_match_djangos_answer():
    user = UserFactory(roles=[Role.TREASURER, Role.OFFICER])
    user.user_permissions.add(Permission.objects.get(codename="view_logentry"))

    signed_in = RegisterBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as captured:
        roles = roles_of(signed_in)
        permissions = signed_in.get_all_permissions()
        may_publish = signed_in.has_perm("decisions.publish_decision")

    assert len(captured) == 0
    assert roles == {Role.TREASURER.value, Role.OFFICER.value}
    assert permissions == ModelBackend().get_all_permissions(fresh(user))
    assert "admin.view_logentry" in permissions
    assert may_publish == ModelBackend().has_perm(fresh(user), "decisions.publish_decision")


def test_someone_with_no_role_has_no_roles_and_no_permissions():
    signed_in = RegisterBackend().get_user(UserFactory().pk)
    assert roles_of(signed_in) == set()
    assert signed_in.get_all_permissions() == set()
    assert not signed_in.has_perm("decisions.change_decision")


def test_an_administrator_keeps_every_permission():
    signed_in = RegisterBackend().get_user(UserFactory(administrator=True).pk)
    assert signed_in.has_perm("decisions.delete_decision")
    assert signed_in.get_all_permissions() == ModelBackend().get_all_permissions(signed_in)


def test_a_deactivated_account_is_signed_out():
    user = UserFactory(roles=[Role.OFFICER], is_active=False)
    assert RegisterBackend().get_user(user.pk) is None


def test_a_user_made_elsewhere_reads_their_roles_once():
    user = UserFactory(roles=[Role.COMMISSIONER])
    user = fresh(user)
    with CaptureQueriesContext(connection) as captured:
        assert has_role(user, Role.COMMISSIONER)
        assert not has_role(user, Role.TREASURER)
    assert len(captured) == 1


def test_holding_a_delegation_is_read_with_the_user():
    plain = RegisterBackend().get_user(UserFactory().pk)
    delegate = UserFactory()
    DelegationFactory(delegate=delegate)
    assert plain._holds_delegation is False
    assert RegisterBackend().get_user(delegate.pk)._holds_delegation is True


def test_a_role_taken_away_takes_effect_on_the_next_page(client_for):
    treasurer = UserFactory(roles=[Role.TREASURER])
    client = client_for(treasurer)
    assert client.get("/workspace/").status_code == 200

    treasurer.groups.clear()

    assert client.get("/workspace/").status_code == 403
