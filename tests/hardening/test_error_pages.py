"""Errors are shown as GOV.UK pages; a database that cannot be reached means 503, not 500."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from commissioning.views import server_error


def database_down(exception_class=OperationalError):
    """Every query fails as it would with the database server stopped."""
    return mock.patch.object(
        CursorWrapper,
        "execute",
        side_effect=exception_class("connection to server failed: Connection refused"),
    )


@pytest.mark.django_db
def test_an_unknown_address_shows_the_page_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in content
    assert "govuk-template" in content


def test_a_refused_page_shows_the_permission_page(client_for, treasurer):
    response = client_for(treasurer).get("/workspace/contracts/new/")

    assert response.status_code == 403
    assert '<h1 class="govuk-heading-l">You cannot see this page</h1>' in (
        response.content.decode()
    )


def test_the_server_error_page_renders_without_a_request_or_context():
    content = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in content
    assert "govuk-template" in content


def test_the_server_error_view_answers_500_for_an_ordinary_fault():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.parametrize("exception_class", [OperationalError, InterfaceError])
def test_the_server_error_view_answers_503_when_the_database_is_down(exception_class):
    request = RequestFactory().get("/")
    try:
        raise exception_class("server closed the connection unexpectedly")
    except exception_class:
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
@pytest.mark.parametrize("exception_class", [OperationalError, InterfaceError])
def test_a_public_page_answers_503_with_retry_after_when_the_database_is_down(
    client, exception_class
):
    with database_down(exception_class):
        response = client.get("/decisions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    content = response.content.decode()
    assert "Sorry, the service is unavailable" in content
    assert "Try again in a few seconds" in content


def test_a_workspace_page_answers_503_when_the_database_is_down(client_for, officer):
    client = client_for(officer)

    with database_down():
        response = client.get("/workspace/contracts/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_form_posted_while_the_database_is_down_answers_503_and_saves_nothing(
    client_for, officer
):
    from contracts.models import Provider

    client = client_for(officer)

    with database_down():
        response = client.post("/workspace/providers/new/", {"name": "Compass"})

    assert response.status_code == 503
    assert not Provider.objects.filter(name="Compass").exists()


@pytest.mark.django_db
def test_a_fault_outside_a_view_still_answers_503(client):
    """Loading the session happens outside the view: the 500 handler turns it into 503."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32

    with database_down():
        response = client.get("/workspace/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
