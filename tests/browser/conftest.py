"""Fixtures for browser tests: Playwright driving the system Chromium.

We never download a browser: tests use CHROMIUM_PATH, or `chromium` on PATH.
Without one they are skipped locally and fail in CI.
"""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread, which makes
# Django refuse database access as "async unsafe" unless told otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Accessibility standards checked by axe: WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if not Path(executable).is_file():
        message = (
            f"Chromium not found at {executable}: install it "
            "(e.g. apt-get install chromium) or set CHROMIUM_PATH"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


class RequestsInFlight:
    """The live server's WSGI application, counting the requests it is answering."""

    def __init__(self, app):
        self.app = app
        self.busy = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.busy += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self.lock:
                self.busy -= 1


@pytest.fixture(scope="session")
def requests_in_flight(live_server) -> RequestsInFlight:
    server = live_server.thread.httpd
    counter = RequestsInFlight(server.get_app())
    server.set_app(counter)
    return counter


# How long a test's end waits for the live server to finish the requests it is answering.
SETTLE_SECONDS = 30


@pytest.fixture(autouse=True)
def live_server_settles(request):
    """After a browser test, and before its database is emptied for the next, wait until the
    live server has answered what it was asked: a test that fails while a page is loading
    would otherwise empty the tables under a request still using them (on SQLite, the same
    connection), and every test after it would start from what that left."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # emptied after this fixture ends
    counter = request.getfixturevalue("requests_in_flight")
    yield
    deadline = time.monotonic() + SETTLE_SECONDS
    while counter.busy and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(params=[1280, 375], ids=lambda width: f"{width}px")
def screen(request, browser):
    """A page on a laptop's width, then on a phone's: a test asking for it runs at both."""
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    yield context.new_page()
    context.close()


@pytest.fixture
def axe():
    """Return check_accessibility(page), which fails on serious or critical axe violations."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in {PROJECT_ROOT} first")

    def check_accessibility(page) -> None:
        # Evaluated rather than added as a <script> tag, which a strict
        # Content-Security-Policy (no inline script) would block.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        blocking = [
            violation
            for violation in results["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        assert not blocking, "Accessibility violations on {}:\n{}".format(
            page.url, "\n".join(describe_violation(v) for v in blocking)
        )

    return check_accessibility


def describe_violation(violation: dict) -> str:
    targets = [" ".join(str(part) for part in node["target"]) for node in violation["nodes"][:3]]
    return "- {id} ({impact}): {help}; e.g. {targets}".format(
        targets=", ".join(targets), **violation
    )
