"""No page scrolls sideways on a phone (WCAG 2.2, 1.4.10 Reflow): every page of the
authorisation matrix's list (tests/hardening/test_authorisation_matrix.py), on the demo
office, opened as a role allowed to see it, at 320 px and 375 px. Axe finds no serious or
critical violation at 375 px on one page of each kind.

A page that is not HTML (a PDF, a CSV, a feed, a download) is left out: it has no width.
Problems are gathered over every page and reported together, so one run shows all to fix."""

import importlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import AXE_TAGS, BLOCKING_IMPACTS, describe_violation
from tests.browser.journeys import OVERFLOWING
from tests.hardening.test_authorisation_matrix import CLASSIFIED, ROLES, Data, url_names

pytestmark = pytest.mark.browser

WIDTHS = (320, 375)

# Axe takes about a second a page on the machine the suite runs on, so it checks one page of
# each kind: these draw the same list, form and history templates as the contract pages (and
# their own detail pages are alike), which are checked. Their widths are checked all the same.
AXE_SAME_AS_CONTRACTS = re.compile(
    r"^workspace:(provider|partner|programme|phase|lot|arrangement|arrangement-partner"
    r"|position|risk|ask)-(list|create|edit|history)$"
)

# Drawn by Django's admin templates (registration/password_*.html from django.contrib.admin),
# not ours: their breadcrumbs fail axe's link-in-text-block. Their widths are still checked.
AXE_LEFT_OUT = {
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def readers() -> dict[str, Client]:
    """A signed-in test client for each role (the demo's people), and one for the public."""
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}
    clients = {"anonymous": Client()}
    for role in ROLES[1:]:
        clients[role] = Client()
        clients[role].force_login(users[role])
    return clients


def html_pages(data, clients) -> list[tuple[str, str, str]]:
    """(name, url, role) for every HTML page of the matrix, with the first role allowed to see it
    (the public first, then the officer, the signers and the administrator)."""
    pages = []
    for name in sorted(set(url_names()) & set(CLASSIFIED)):
        entry = CLASSIFIED[name]
        role = next((role for role in ROLES if entry.expected[role] == 200), None)
        if role is None:
            continue
        url = reverse(name, kwargs=entry.kwargs(data) if entry.kwargs else None)
        response = clients[role].get(url)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and is_html and "Content-Disposition" not in response:
            pages.append((name, url, role))
    return pages


def test_no_page_scrolls_sideways_on_a_phone_and_axe_passes_at_375px(
    live_server, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # An earlier live server test's flush took the role groups the demo's people join.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    data = Data()
    clients = readers()
    pages = html_pages(data, clients)
    assert len(pages) > 40, pages

    contexts = {}
    for role, client in clients.items():
        context = browser.new_context()
        if "sessionid" in client.cookies:
            context.add_cookies(
                [
                    {
                        "name": "sessionid",
                        "value": client.cookies["sessionid"].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts[role] = context.new_page()

    axe_script = None
    problems = []
    try:
        for name, url, role in pages:
            page = contexts[role]
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(f"{live_server.url}{url}")
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    problems.append(
                        f"{url} as {role} is {scroll_width}px wide at {width}px: "
                        f"{page.evaluate(OVERFLOWING)}"
                    )
            # At 375 px (the last width): axe.
            if name in AXE_LEFT_OUT or AXE_SAME_AS_CONTRACTS.match(name):
                continue
            if axe_script is None:
                from tests.browser.conftest import AXE_SCRIPT

                axe_script = AXE_SCRIPT.read_text(encoding="utf-8")
            page.evaluate(axe_script)
            results = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            problems.extend(
                f"{url} as {role} at 375px: {describe_violation(violation)}"
                for violation in results["violations"]
                if violation["impact"] in BLOCKING_IMPACTS
            )
    finally:
        for page in contexts.values():
            page.context.close()

    assert not problems, "\n".join(problems)
