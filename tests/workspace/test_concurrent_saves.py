"""Two officers saving the same form at the same moment: one save wins, the other is
refused and shown what changed. Real concurrent connections on PostgreSQL, where the
record's row lock makes the second save wait for the first and then see it."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from commissioning.roles import Role
from tests.factories import StartedDecisionFactory, UserFactory
from tests.workspace.conftest import form_fields

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TRIALS = 5


@pytest.fixture(autouse=True)
def row_locks():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite has no row locks (it serialises whole-database writes), "
            "so two saves cannot overlap on it. Run with DATABASE_URL=postgres://..."
        )


def at_once(*posts) -> list:
    """Run the posts in threads, each with its own connection, released together."""
    barrier = threading.Barrier(len(posts))
    results: list = [None] * len(posts)

    def run(index, post):
        try:
            barrier.wait(timeout=10)
            results[index] = post()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_of_two_saves_from_the_same_version_exactly_one_is_kept():
    first = UserFactory(username="first", roles=[Role.OFFICER])
    second = UserFactory(username="second", roles=[Role.OFFICER])
    for trial in range(TRIALS):
        draft = StartedDecisionFactory(author=first, title="Interim extension")
        url = reverse("workspace:decision-edit", args=[draft.reference])
        clients = []
        for user in (first, second):
            client = Client()
            client.force_login(user)
            clients.append(client)
        data = form_fields(clients[0].get(url))

        def save(client, title, url=url, data=data):
            return lambda: client.post(url, {**data, "title": title}).status_code

        results = at_once(save(clients[0], "First's title"), save(clients[1], "Second's title"))

        assert sorted(results) == [302, 409], (trial, results)
        draft.refresh_from_db()
        winner = "First's title" if results[0] == 302 else "Second's title"
        assert draft.title == winner
