"""Repeated wrong passwords lock one username from one address for 30 minutes (django-axes)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DEMO_PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = "203.0.113.7"):
    """Sign in with a wrong password `times` times; the last answer."""
    for _ in range(times):
        response = sign_in(client, username, "not-the-password", address)
    return response


def test_the_right_password_signs_in(officer):
    response = sign_in(Client(), "officer", DEMO_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_four_failures_still_allow_the_right_password(officer):
    client = Client()
    assert fail(client, "officer", 4).status_code == 200  # the form again, with its error

    assert sign_in(client, "officer", DEMO_PASSWORD).status_code == 302


def test_five_failures_lock_the_username_from_that_address(officer):
    client = Client()
    assert fail(client, "officer", 5).status_code == 429

    response = sign_in(client, "officer", DEMO_PASSWORD)

    assert response.status_code == 429
    content = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in is locked for now</h1>' in content
    assert "locked for 30 minutes" in content
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_username_and_address_only(officer, treasurer):
    fail(Client(), "officer", 5)

    assert sign_in(Client(), "officer", DEMO_PASSWORD, address="198.51.100.20").status_code == 302
    assert sign_in(Client(), "treasurer", DEMO_PASSWORD).status_code == 302


def test_the_lock_lifts_after_30_minutes(officer, settings):
    from axes.models import AccessAttempt

    fail(Client(), "officer", 5)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )

    assert sign_in(Client(), "officer", DEMO_PASSWORD).status_code == 302


def test_lockout_settings_match_the_policy(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=30)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        ("", 0, "10.0.0.5"),
        ("203.0.113.7", 0, "10.0.0.5"),
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7, 10.0.0.9", 2, "203.0.113.7"),
        ("", 1, "10.0.0.5"),
        ("not-an-ip", 1, "10.0.0.5"),
        ("203.0.113.7, 999.1.1.1", 1, "10.0.0.5"),
        ("2001:db8::7", 1, "2001:db8::7"),
    ],
    ids=[
        "direct",
        "direct-ignores-header",
        "one-proxy",
        "spoofed-left",
        "two-proxies",
        "none",
        "not-an-address",
        "not-an-address-right",
        "ipv6",
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    rf, settings, forwarded, proxies, expected
):
    from commissioning.middleware import client_ip_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip_address(request) == expected


def test_the_admin_sign_in_is_locked_too(administrator):
    client = Client()
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "administrator", "password": "wrong"}, REMOTE_ADDR="1.2.3.4")

    response = client.post(
        url, {"username": "administrator", "password": DEMO_PASSWORD}, REMOTE_ADDR="1.2.3.4"
    )

    assert response.status_code == 429


@pytest.mark.parametrize("path", [LOGIN, "/admin/login/"])
def test_a_very_long_username_is_refused_and_counted_not_a_server_error(path, db):
    """Found by the hostile-input test: the sign-in forms pass a username of any length to
    the lockout handler, whose table holds 255 characters (a 500 on PostgreSQL)."""
    from axes.models import AccessAttempt

    client = Client(raise_request_exception=False)
    response = client.post(
        path, {"username": "x" * 100_000, "password": "wrong"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    [attempt] = AccessAttempt.objects.all()
    assert attempt.username == "x" * 150
