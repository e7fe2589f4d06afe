"""Hostile request headers and addresses: no header value, and no control character in an
address, makes a server error, on any kind of page.

The sign-in pages store the client's address and User-Agent in the lockout's tables
(django-axes), and the public pages read the conditional-request headers, so those are the
pages and headers tried here, as the sign-in form would post and a browser would read."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HEADERS = [
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_REFERER",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_COOKIE",
]
# Values a server lets through: long, non-ASCII, quoted, not an address, not a date.
ALLOWED = ["x" * 10_000, "é" * 600, '"', "not-an-ip", "999.1.1.1", "Mon, 32 Foo 2020", "\tx"]
# Control characters, which RFC 9110 does not allow in a header (gunicorn refuses them too).
CONTROL = ["\x00", "203.0.113.7\x00", "\x1b[31m", "\x7f"]


def requests(officer):
    """The pages tried: a failed and a good sign-in, a public and a workspace page."""
    return [
        ("post", LOGIN, {"username": officer.username, "password": "wrong"}, None),
        ("post", LOGIN, {"username": officer.username, "password": DEMO_PASSWORD}, None),
        ("get", "/decisions/", None, None),
        ("get", "/workspace/decisions/", None, officer),
    ]


def send(officer, header: str, value: str) -> list[int]:
    statuses = []
    for method, url, data, user in requests(officer):
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data, REMOTE_ADDR="10.0.0.5", **{header: value})
        statuses.append(response.status_code)
    return statuses


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    """One proxy in front, so that X-Forwarded-For is read (commissioning.middleware)."""
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def officer(officer, settings):
    """The officer, with a password hashed quickly: it is checked hundreds of times here."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    officer.set_password(DEMO_PASSWORD)
    officer.save(update_fields=["password"])
    return officer


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("value", ALLOWED, ids=range(len(ALLOWED)))
def test_an_odd_header_value_is_never_a_server_error(officer, header, value):
    statuses = send(officer, header, value)

    assert all(status < 500 for status in statuses), statuses
    assert statuses[1] == 302  # the right password still signs in


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("value", CONTROL, ids=range(len(CONTROL)))
def test_a_header_with_a_control_character_is_refused_and_stores_nothing(officer, header, value):
    statuses = send(officer, header, value)

    assert statuses == [400, 400, 400, 400]
    assert not AccessAttempt.objects.exists()


def test_a_forwarded_address_that_is_not_an_address_counts_against_the_proxys(officer):
    """A proxy writes an address; anything else in its place came from the client, and the
    failed sign-in is counted against the address the request came from."""
    client = Client(raise_request_exception=False)

    response = client.post(
        LOGIN,
        {"username": officer.username, "password": "wrong"},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="not-an-ip",
    )

    assert response.status_code == 200
    [attempt] = AccessAttempt.objects.all()
    assert attempt.ip_address == "10.0.0.5"


# Each address that reads a decision's reference from the path, as a reader or an officer
# would ask for it; %00 is a NUL once decoded, which PostgreSQL refuses in a query.
ADDRESSES = [
    ("get", "/decisions/{}/"),
    ("get", "/decisions/{}.pdf"),
    ("get", "/decisions/{}/appendices/1/"),
    ("get", "/workspace/decisions/{}/"),
    ("get", "/workspace/decisions/{}/history/"),
    ("post", "/workspace/decisions/{}/edit/"),
    ("post", "/workspace/decisions/{}/workflow/submit/"),
]


@pytest.mark.parametrize(("method", "address"), ADDRESSES)
@pytest.mark.parametrize("reference", ["%00", "WPCC3-%000058", "%01", "%7f"])
def test_an_address_with_a_control_character_is_not_found(officer, method, address, reference):
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    response = getattr(client, method)(address.format(reference))

    assert response.status_code == 404
