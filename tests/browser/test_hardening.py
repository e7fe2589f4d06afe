"""In a real browser: the strict Content-Security-Policy blocks nothing the pages need, and
the error and lockout pages are accessible."""

import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from tests.factories import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/decisions/WPCC3-0058/",
    "/contracts/",
    "/accounts/login/",
]
WORKSPACE_PAGES = [
    "/workspace/",
    "/workspace/decisions/WPCC3-0059/",
    "/workspace/decisions/WPCC3-0061/edit/",
    "/workspace/contracts/new/",
    "/workspace/timeline/",
    "/workspace/arrangements/",
]


@pytest.fixture
def demo(transactional_db):
    # A live server test flushes the database afterwards: make the role groups again.
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
    call_command("load_demo", stdout=io.StringIO())


def watch_policy_violations(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def sign_in(page, live_server, username: str, password: str = DEMO_PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_policy_blocks_nothing_on_public_and_workspace_pages(live_server, page, demo):
    refused = watch_policy_violations(page)
    for path in PUBLIC_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "js-enabled" in (page.locator("body").get_attribute("class") or ""), path
    sign_in(page, live_server, "officer")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    for path in WORKSPACE_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "js-enabled" in (page.locator("body").get_attribute("class") or ""), path

    assert refused == []


def test_the_error_pages_are_accessible(live_server, page, axe, demo):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    axe(page)

    sign_in(page, live_server, "treasurer")
    response = page.goto(live_server.url + "/workspace/contracts/new/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot see this page", level=1)).to_be_visible()
    axe(page)


def test_the_lockout_page_is_accessible(live_server, page, axe, demo):
    for _ in range(5):
        sign_in(page, live_server, "officer", password="wrong")

    expect(page.get_by_role("heading", name="Sign in is locked for now", level=1)).to_be_visible()
    assert re.search(r"locked for 30 minutes", page.content())
    axe(page)
