"""The workspace's service navigation: every part of the workspace, the current one marked."""

import re

import pytest

from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

ITEMS = [
    ("/workspace/", "Dashboard"),
    ("/workspace/decisions/", "Decisions"),
    ("/workspace/forward-plan/", "Forward plan"),
    ("/workspace/contracts/", "Contracts"),
    ("/workspace/timeline/", "Timeline"),
    ("/workspace/providers/", "Providers"),
    ("/workspace/partners/", "Partners"),
    ("/workspace/programmes/", "Programmes"),
    ("/workspace/arrangements/", "Arrangements"),
]


def navigation(response) -> str:
    html = response.content.decode()
    return html[html.index('<ul class="govuk-service-navigation__list') : html.index("</nav>")]


def current(response) -> list[tuple[str, str, str]]:
    """(path, aria-current, label) of each item marked as the current one."""
    return re.findall(
        r'--active">\s*<a class="govuk-service-navigation__link" href="([^"]+)" '
        r'aria-current="([a-z]+)">\s*<strong[^>]*>([^<]+)</strong>',
        navigation(response),
    )


def test_every_part_of_the_workspace_is_in_the_navigation_in_order(client_for, officer):
    menu = navigation(client_for(officer).get("/workspace/contracts/"))
    found = re.findall(r'href="(/workspace/[^"]*)"[^>]*>\s*(?:<strong[^>]*>)?([A-Za-z ]+)<', menu)
    assert found == ITEMS


def test_a_list_is_the_current_page_and_a_record_is_in_its_section(client_for, officer):
    client = client_for(officer)
    decision = DecisionFactory()

    assert current(client.get("/workspace/decisions/")) == [
        ("/workspace/decisions/", "page", "Decisions")
    ]
    on_record = client.get(f"/workspace/decisions/{decision.reference}/")
    assert current(on_record) == [("/workspace/decisions/", "true", "Decisions")]
    assert current(client.get("/workspace/")) == [("/workspace/", "page", "Dashboard")]
