import sys

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.http import require_safe

from commissioning.audit import record
from commissioning.middleware import (
    NEVER_KEPT,
    STORE_UNAVAILABLE,
    service_unavailable,
)


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 (with Retry-After) when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "down"}, status=503)
        response["Retry-After"] = "5"
        # Without asking who is signed in (the session is in the database that failed).
        response["Cache-Control"] = NEVER_KEPT
        return response
    return JsonResponse({"status": "ok", "database": "up"})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 page when the failure was an unreachable database or cache.

    Most database faults are turned into 503 by DatabaseUnavailableMiddleware; this catches
    the ones raised outside a view (loading the session, for instance). Neither page needs
    the request or the database to render.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, STORE_UNAVAILABLE):
        return service_unavailable()
    return HttpResponseServerError(render_to_string("500.html"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page; the refusal is recorded in the audit log with who tried what."""
    record(
        "access.refused",
        actor=request.user,
        details={
            "method": request.method,
            "path": request.path[:500],
            "reason": str(exception)[:500],
        },
    )
    return defaults.permission_denied(request, exception)
