"""Request-level guards: refused methods, an unreachable database, the client's address."""

import ipaddress
import logging
import re
from collections.abc import Callable
from typing import Any

import redis.exceptions
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

GetResponse = Callable[[HttpRequest], HttpResponse]

ALLOWED_METHODS = ("GET", "HEAD", "POST")
RETRY_AFTER_SECONDS = 5


class AllowedMethodsMiddleware:
    """Refuse TRACE, PUT, DELETE, OPTIONS and the rest with 405: the site only reads and posts."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


# Control characters other than the tab: RFC 9110 (section 5.5) says a field value holding one
# is invalid, and gunicorn refuses such a request before it reaches Django. No address of the
# site holds any control character.
INVALID_IN_HEADERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
INVALID_IN_PATHS = re.compile(r"[\x00-\x1f\x7f]")


class ControlCharactersMiddleware:
    """Control characters in a request, answered before anything reads them.

    - A header holding one (other than the tab) is refused with 400. gunicorn does this
      already; the development server and other WSGI servers do not, and a NUL in the
      User-Agent then reached the sign-in lockout's table, where PostgreSQL refuses it.
    - An address holding one (`/decisions/%00/`, decoded) names no page: 404. Every server
      passes it on, and the reference, looked up as it was, made PostgreSQL refuse the query
      (a server error, on a public page)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str):
                if INVALID_IN_HEADERS.search(value):
                    return HttpResponseBadRequest(
                        "A header of the request holds a control character.",
                        content_type="text/plain; charset=utf-8",
                    )
        if INVALID_IN_PATHS.search(request.path_info):
            raise Http404("No page has a control character in its address.")
        return self.get_response(request)


# What the drivers raise when the database cannot be reached, or cannot answer in time (see
# DatabaseUnavailableMiddleware): each means "try again shortly", not "refused".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# What the shared cache raises when Redis (REDIS_URL) cannot be reached or does not answer in
# time: likewise "try again shortly". (redis-py's TimeoutError is a ConnectionError's sibling.)
CACHE_UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Either store gone: the page answers 503 with Retry-After.
STORE_UNAVAILABLE = DATABASE_UNAVAILABLE + CACHE_UNAVAILABLE


def service_unavailable() -> HttpResponse:
    """The 503 page, rendered without the request so that nothing touches the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Said here, so that CachingHeadersMiddleware does not ask who is signed in: that loads
    # the session from the database that just failed, and waited for it a second time.
    response["Cache-Control"] = NEVER_KEPT
    return response


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached means 503 with Retry-After, not a server error.

    OperationalError and InterfaceError are what the drivers raise when the server is down,
    restarting, refusing connections or out of pool connections (Django wraps psycopg's and
    psycopg_pool's errors, PoolTimeout included, as its own on the way out), and for a lock
    timeout or deadlock, where trying again shortly is also the right answer. This catches
    them in the view and while its template is drawn, and the same for a shared cache (Redis)
    that cannot be reached; `commissioning.views.server_error`
    catches those raised outside the view (loading the session in middleware, for instance).
    A create form sent again after a 503 is saved at most once (commissioning/once.py), so
    the client may safely send it again.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, STORE_UNAVAILABLE):
            logger.error(
                "Database or cache unavailable during %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return service_unavailable()
        return None


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address, for sign-in lockout.

    With TRUSTED_PROXY_COUNT proxies in front, each appends the address it saw to
    X-Forwarded-For, so the client's is that many entries from the right; anything further
    left was written by the client and is not trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded: list[str] = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count and _is_address(forwarded[-count]):
            return forwarded[-count]
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def _is_address(value: str) -> bool:
    """Whether `value` is an IP address. A proxy writes one; anything else in its place came
    from the client (a proxy that passes the header on, or one proxy fewer than configured),
    and the lockout's address column would refuse it on PostgreSQL."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# The lockout table's username column holds 255 characters; no real username is longer than
# the user table's 150.
SIGN_IN_USERNAME_LENGTH = 150


def sign_in_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The username a sign-in attempt is counted under, for lockout.

    Django's sign-in form sets its username's length limit without adding a validator, so a
    very long username reaches the lockout handler; stored as sent, it was a database error
    (500) on PostgreSQL. Cut to the longest real username, it is counted and refused like any
    other wrong one.
    """
    # django-axes gives this setting its default (axes.conf), which the stubs cannot see.
    field = settings.AXES_USERNAME_FORM_FIELD  # type: ignore[misc]
    if credentials:
        username = credentials.get(field)
    else:
        username = request.POST.get(field)
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:SIGN_IN_USERNAME_LENGTH]


# Public pages may be kept by a browser or a shared cache, but must be checked again on every
# use (their ETag and Last-Modified make that a cheap 304), so that a withdrawal or a release
# is seen at once.
PUBLIC_CACHING = "public, max-age=0, must-revalidate"
# Anything shown to a signed-in user, a page that sets a cookie, and every answer to a post:
# never kept anywhere. Staff pages show withheld text and personal data.
NEVER_KEPT = "private, no-store"
# Answers whose status says nothing worth keeping (errors, redirects to sign in).
CACHEABLE_STATUSES = frozenset({200, 203, 204, 206, 300, 301, 304, 308, 404, 410})


class CachingHeadersMiddleware:
    """Every answer says how it may be kept, unless its view already said so.

    - Signed in, a post, a page that sets a cookie or holds a CSRF token (the sign-in form):
      `private, no-store`.
    - A public page read anonymously: `public, max-age=0, must-revalidate`.
    - Anything else (a redirect to sign in, an error): `private, no-store`.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = cache_control_for(request, response)
        return response


def cache_control_for(request: HttpRequest, response: HttpResponse) -> str:
    user = getattr(request, "user", None)
    if (
        request.method not in ("GET", "HEAD")
        or (user is not None and user.is_authenticated)
        or response.cookies
        # A page holding a CSRF token (a form that posts) is one person's.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or response.status_code not in CACHEABLE_STATUSES
    ):
        return NEVER_KEPT
    return PUBLIC_CACHING
