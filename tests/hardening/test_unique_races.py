"""Two officers saving the same unique name at once: the second is told the name is taken.

A form checks that a name is free before it saves. Another officer's save can take the name
in between, and the database then refuses the insert. That used to be a server error (3 of 20
simultaneous tries, in an adversarial test); it is the form's own "already on the register"
message, and nothing is saved twice.
"""

import pytest
from django.db import connection
from django.forms.models import BaseModelForm
from django.test import Client
from django.urls import reverse

from commissioning.roles import Role
from contracts.models import JointArrangement, Provider
from tests.factories import ProviderFactory, UserFactory
from tests.workspace.conftest import form_fields
from tests.workspace.test_concurrent_saves import at_once

TAKEN = "A provider with this name is already on the register"


@pytest.fixture
def check_passes_once(monkeypatch):
    """The form's unique check passes the first time it runs, as it would just before another
    officer's save took the name; it runs as usual after that."""
    original = BaseModelForm.validate_unique
    calls = {"count": 0}

    def validate_unique(form):
        calls["count"] += 1
        if calls["count"] > 1:
            original(form)

    monkeypatch.setattr(BaseModelForm, "validate_unique", validate_unique)
    return calls


def post(client, url, **values):
    data = form_fields(client.get(url))
    data.update(values)
    return client.post(url, data)


@pytest.mark.django_db
def test_a_provider_name_taken_between_the_check_and_the_save_is_a_form_error(
    client_for, officer, check_passes_once
):
    ProviderFactory(name="Compass")

    response = post(client_for(officer), reverse("workspace:provider-create"), name="Compass")

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    assert Provider.objects.filter(name="Compass").count() == 1


@pytest.mark.django_db
def test_an_arrangement_title_taken_between_the_check_and_the_save_is_a_form_error(
    client_for, officer, check_passes_once
):
    title = "LLR substance misuse recommissioning"
    JointArrangement.objects.create(title=title, subject="Another service")

    response = post(
        client_for(officer),
        reverse("workspace:arrangement-create"),
        title=title,
        subject="Substance misuse treatment services",
    )

    assert response.status_code == 200
    assert "already" in response.content.decode()
    assert JointArrangement.objects.count() == 1


@pytest.mark.django_db
def test_a_rename_to_a_name_taken_meanwhile_is_a_form_error(client_for, officer, check_passes_once):
    provider = ProviderFactory(name="Change Grow Live")
    ProviderFactory(name="Compass")

    response = post(
        client_for(officer), reverse("workspace:provider-edit", args=[provider.pk]), name="Compass"
    )

    assert response.status_code == 200
    assert TAKEN in response.content.decode()
    provider.refresh_from_db()
    assert provider.name == "Change Grow Live"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_creates_of_one_name_never_answer_a_server_error():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises whole-database writes, so two inserts cannot "
            "overlap on it. Run with DATABASE_URL=postgres://..."
        )
    clients = []
    for name in ("first", "second"):
        client = Client()
        client.force_login(UserFactory(username=name, roles=[Role.OFFICER]))
        clients.append(client)
    url = reverse("workspace:provider-create")
    for trial in range(20):
        name = f"Provider of trial {trial}"
        opened = [form_fields(client.get(url)) for client in clients]

        def create(index: int, name: str = name, opened: list = opened) -> tuple[int, bool]:
            response = clients[index].post(url, {**opened[index], "name": name})
            return response.status_code, TAKEN in response.content.decode()

        results = at_once(lambda: create(0), lambda: create(1))

        # A server error would be raised by the test client, and caught here as the result.
        assert sorted(results) == [(200, True), (302, False)], (trial, results)
        assert Provider.objects.filter(name=name).count() == 1, trial
