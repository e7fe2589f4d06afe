"""/healthz: what a load balancer or uptime monitor asks before sending traffic."""

from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert not response.has_header("Retry-After")


def test_healthz_answers_503_with_retry_after_when_the_database_is_down(client):
    # What a lost server looks like to Django: connecting raises OperationalError.
    refused = OperationalError("connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused) as db:
        response = client.get("/healthz")

    assert db.called
    assert response.status_code == 503
    assert response.json()["status"] != "ok"
    assert int(response["Retry-After"]) > 0


def test_healthz_answers_503_when_the_query_fails(client):
    # A connection that is open but broken: the query itself fails.
    wrapper = type(connections["default"])
    with mock.patch.object(
        wrapper, "create_cursor", side_effect=OperationalError("server closed unexpectedly")
    ) as broken:
        response = client.get("/healthz")

    assert broken.called
    assert response.status_code == 503
    assert response.has_header("Retry-After")
