"""The site's absolute addresses, for what is read away from the site: e-mails, feeds, PDFs."""

from django.conf import settings


def site_address(path: str) -> str:
    """`path` (starting with /) under SITE_URL, with no doubled slash between them."""
    return settings.SITE_URL.rstrip("/") + path
