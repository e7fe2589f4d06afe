"""A public reader may be given a page's version read up to PUBLIC_FRESHNESS_SECONDS ago,
never older; signed-in staff always get it afresh.

Time is moved on by hand (kept.time.monotonic), so these tests do not wait.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.speed import kept


@pytest.fixture
def clock(monkeypatch, settings):
    settings.PUBLIC_FRESHNESS_SECONDS = 1
    now = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])

    def move_on(seconds: float) -> None:
        now[0] += seconds

    return move_on


def queries_for(client, path) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return len(captured), response


def test_readers_within_the_second_are_answered_without_asking_the_database(
    seed_decision, member_of_public, clock
):
    path = seed_decision.get_absolute_url()
    _, first = queries_for(member_of_public, path)
    clock(0.5)
    count, again = queries_for(member_of_public, path)

    assert count == 0
    assert again.status_code == 200
    assert again.content == first.content


def test_a_withdrawal_reaches_public_readers_once_the_second_is_over(
    seed_decision, officer, member_of_public, clock
):
    path = seed_decision.get_absolute_url()
    assert member_of_public.get(path).status_code == 200
    assert member_of_public.get("/decisions/WPCC3-0058.pdf").status_code == 200

    seed_decision.withdraw(by=officer, reason="Published in error.")
    clock(1.01)

    assert member_of_public.get(path).status_code == 410
    assert member_of_public.get("/decisions/WPCC3-0058.pdf").status_code == 410
    assert "WPCC3-0058" not in member_of_public.get("/decisions/").content.decode()


def test_a_change_shows_once_the_second_is_over(seed_decision, officer, member_of_public, clock):
    path = seed_decision.get_absolute_url()
    member_of_public.get(path)
    category = seed_decision.category
    category.name = "Substance misuse"
    category._history_user = officer
    category.save()

    clock(1.01)

    assert "Substance misuse" in member_of_public.get(path).content.decode()


def test_signed_in_staff_get_the_version_afresh(seed_decision, officer, client_for, clock):
    path = seed_decision.get_absolute_url()
    client_for(officer).get(path)
    seed_decision.withdraw(by=officer, reason="Published in error.")

    assert client_for(officer).get(path).status_code == 410
