from django.conf import settings


def site(request):
    """The office's own name and the service's phase, for the page frame."""
    return {
        "office_name": settings.OFFICE_NAME,
        "service_name": settings.SERVICE_NAME,
        "phase": settings.SERVICE_PHASE,
    }
