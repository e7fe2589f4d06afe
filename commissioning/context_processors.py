from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The office's own name and the service's phase, for the page frame."""
    return {
        "office_name": settings.OFFICE_NAME,
        "service_name": settings.SERVICE_NAME,
        "phase": settings.SERVICE_PHASE,
    }
