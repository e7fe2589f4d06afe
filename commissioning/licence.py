"""The licence of the register's open data, shared by the decision and contract downloads.

The footer's open-data page (/open-data/) says the same in words. Each download names the
licence in its own metadata where it has any (JSON) and in a Link header with the registered
relation "license" (RFC 6903), which a CSV, having no place for metadata, can carry too.
"""

from django.http import HttpResponse

LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def licence_metadata() -> dict[str, str]:
    """The licence as a JSON download states it."""
    return {"name": LICENCE_NAME, "url": LICENCE_URL}


def licensed(response: HttpResponse) -> HttpResponse:
    """The response, with the licence in its headers."""
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response
