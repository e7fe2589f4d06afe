"""PostgreSQL goes away for a few seconds under load, then comes back.

A real app server (gunicorn, in a subprocess, on the committed test database) serves officers
adding providers and the public reading the register while the database becomes unreachable:

- by default through a TCP proxy between the app server and PostgreSQL, which drops every
  connection and refuses new ones for a few seconds. Only this test's app server is affected,
  so it can run alongside other test runs on the same PostgreSQL server;
- with FAULT_MODE=server, by really stopping and starting the local PostgreSQL server
  (`pg_ctlcluster`). That stops every database on it, so only a dedicated CI step uses it.

Every answer must be a page or a redirect, or 503 with Retry-After: never a server error and
never a dropped connection. A write the server acknowledged (with a redirect to the new
record) must be in the database afterwards with its history row naming the officer, exactly
once: after a 503 the officer's browser sends the same form again (with the same one-time
token), as the 503 page tells them they may.
"""

import http.client
import os
import re
import secrets
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import path

from commissioning.once import FIELD_NAME
from commissioning.roles import Role
from contracts.models import Provider
from tests.factories import UserFactory

FAULT_MODE = os.environ.get("FAULT_MODE", "proxy")
OUTAGE_SECONDS = 4
WRITERS = 3
READERS = 2
PUBLIC_PAGES = ["/", "/decisions/", "/contracts/", "/contracts.csv"]
BASE_DIR = Path(settings.BASE_DIR)
PROVIDER_PAGE = re.compile(r"^/workspace/providers/\d+/$")


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: the fault is a PostgreSQL server going away, and the app server "
            "runs in another process on the committed test database. "
            "Run with DATABASE_URL=postgres://..."
        )
    if FAULT_MODE not in {"proxy", "server"}:
        pytest.fail(f"FAULT_MODE must be proxy or server, not {FAULT_MODE!r}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the fault ---------------------------------------------------------------------------------


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut: every connection dropped, new ones refused.

    While cut it stops listening, so a new connection is refused just as by a stopped server.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        self.thread = threading.Thread(target=self.accept, args=(listener,), daemon=True)
        self.thread.start()

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener was closed
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self.pump, args=(client, server), daemon=True).start()

    def pump(self, client: socket.socket, server: socket.socket) -> None:
        ends = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select(list(ends), [], [], 1)
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        return
                    ends[end].sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for end in ends:
                end.close()

    def cut(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.listener.close()
        self.thread.join(timeout=5)
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()

    def restore(self) -> None:
        self.start()

    def stop(self) -> None:
        self.cut()


def cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    name = sorted(os.listdir(f"/etc/postgresql/{version}"))[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, name]


def postgres_server(action: str) -> None:
    """Stop or start the local server; whether it came back is checked by wait_for_postgres."""
    subprocess.run([*cluster(), action], check=action == "stop", timeout=60)  # noqa: S603


def wait_for_postgres() -> None:
    host, port = database_address()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready = subprocess.run(  # noqa: S603
            ["pg_isready", "-h", host, "-p", str(port), "-q"],  # noqa: S607
            check=False,
        )
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    pytest.fail("PostgreSQL did not come back within a minute")


def database_address() -> tuple[str, int]:
    database = connection.settings_dict
    return database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)


# -- the app server ----------------------------------------------------------------------------


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, body: dict | None = None, cookies: str = ""):
        """(status, headers) of one request on a fresh connection; the error if none came."""
        headers = {"Cookie": cookies} if cookies else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status, dict(response.getheaders())
        finally:
            conn.close()


@pytest.fixture
def app_server(postgres_only, tmp_path):
    """gunicorn on the test database: through a cuttable proxy, or straight to the server."""
    database = connection.settings_dict
    host, port = database_address()
    proxy = None
    if FAULT_MODE == "proxy":
        proxy = Proxy((host, port))
        proxy.start()
        host, port = "127.0.0.1", proxy.port
    credentials = quote(database["USER"] or "postgres")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    app_port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'])}",
        "DATABASE_POOL_MAX": "4",
        "DJANGO_SETTINGS_MODULE": "commissioning.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "commissioning.wsgi",
                "--bind",
                f"127.0.0.1:{app_port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = AppServer(app_port, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The app server did not start:\n{log.read_text()}")
            time.sleep(0.25)
        server.proxy = proxy
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if proxy is not None:
            proxy.stop()


# -- the load ----------------------------------------------------------------------------------


@dataclass
class Load:
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list = field(default_factory=list)  # (method, path, status or error, retry-after)
    acknowledged: dict = field(default_factory=dict)  # (writer, name) -> when
    unexpected: list = field(default_factory=list)

    def note(self, method, path, outcome, headers) -> None:
        retry_after = headers.get("Retry-After") if headers else None
        with self.lock:
            self.answers.append((method, path, outcome, retry_after))
            acceptable = isinstance(outcome, int) and (
                200 <= outcome < 400 or (outcome == 503 and retry_after)
            )
            if not acceptable:
                self.unexpected.append((method, path, outcome, retry_after))

    def count(self, status: int) -> int:
        with self.lock:
            return sum(1 for answer in self.answers if answer[2] == status)

    def every_writer_acknowledged(self, times: int, since: float = 0.0) -> bool:
        """Each writer has had `times` writes acknowledged since the moment given."""
        with self.lock:
            counts = {number: 0 for number in range(WRITERS)}
            for (number, _), when in self.acknowledged.items():
                if when > since:
                    counts[number] += 1
            return min(counts.values()) >= times

    def every_reader_answered(self) -> bool:
        with self.lock:
            return len({path for method, path, *_ in self.answers if method == "GET"}) >= len(
                PUBLIC_PAGES
            )


def writer(server: AppServer, load: Load, cookies: str, csrf: str, number: int) -> None:
    """An officer adding providers; after a 503 the same form is sent again, token and all."""
    sequence = 0
    while not load.stop.is_set():
        sequence += 1
        name = f"Provider {number}-{sequence}"
        form = {"csrfmiddlewaretoken": csrf, FIELD_NAME: str(uuid.uuid4()), "name": name}
        while not load.stop.is_set():
            try:
                status, headers = server.request("POST", "/workspace/providers/new/", form, cookies)
            except OSError as error:
                load.note("POST", name, repr(error), None)
                time.sleep(0.2)
                continue
            if status == 302 and not PROVIDER_PAGE.match(headers.get("Location", "")):
                status = f"302 to {headers.get('Location')}"  # not the new provider's page
            load.note("POST", name, status, headers)
            if status == 302:
                with load.lock:
                    load.acknowledged[number, name] = time.monotonic()
                break
            if status != 503:
                break  # reported as unexpected: a form error would mean a lost or double save
            time.sleep(0.2)


def reader(server: AppServer, load: Load, cookies: str) -> None:
    pages = [*PUBLIC_PAGES, "/workspace/providers/"]
    turn = 0
    while not load.stop.is_set():
        path = pages[turn % len(pages)]
        turn += 1
        try:
            status, headers = server.request(
                "GET", path, cookies=cookies if path.startswith("/workspace/") else ""
            )
        except OSError as error:
            load.note("GET", path, repr(error), None)
            time.sleep(0.2)
            continue
        load.note("GET", path, status, headers)


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting: {what}")
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_requests_get_503_while_postgres_is_away_and_no_acknowledged_write_is_lost(app_server):
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    client = Client()
    client.force_login(officer)
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret the form may echo unmasked
    cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    cookies += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    load = Load()
    threads = [
        threading.Thread(target=writer, args=(app_server, load, cookies, csrf, number))
        for number in range(WRITERS)
    ] + [threading.Thread(target=reader, args=(app_server, load, cookies)) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: load.every_writer_acknowledged(2) and load.every_reader_answered(),
            90,
            "every writer and reader at work before the outage",
        )
        if FAULT_MODE == "proxy":
            app_server.proxy.cut()
            time.sleep(OUTAGE_SECONDS)
            app_server.proxy.restore()
        else:
            try:
                postgres_server("stop")
                time.sleep(OUTAGE_SECONDS)
            finally:
                postgres_server("start")
            wait_for_postgres()
        back = time.monotonic()
        wait_until(
            lambda: load.every_writer_acknowledged(2, since=back),
            90,
            "writes acknowledged after PostgreSQL came back",
        )
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    if FAULT_MODE == "server":
        # The test's own connections, and those its pool keeps, did not survive the restart.
        for each in connections.all():
            each.close()
            if getattr(each, "pool", None):
                each.close_pool()

    log = app_server.log.read_text()
    assert not load.unexpected, (load.unexpected[:20], log[-5000:])
    assert load.count(503) > 0, "the outage never reached a request: the test proved nothing"
    assert all(int(retry) > 0 for _, _, status, retry in load.answers if status == 503)
    acknowledged = {name for _, name in load.acknowledged}
    providers = set(Provider.objects.values_list("name", flat=True))
    assert sorted(acknowledged - providers) == [], "acknowledged writes lost"
    added = list(Provider.history.filter(history_type="+").values_list("name", "history_user_id"))
    # Each provider written, acknowledged or not, has exactly one "added" history row naming
    # the officer: nothing half-saved, nothing saved twice by a form sent again.
    assert sorted(name for name, _ in added) == sorted(providers)
    assert {user for _, user in added} == {officer.pk}


# -- where the fault surfaces -------------------------------------------------------------------
# The same answer wherever the unreachable database is first noticed: opening the connection
# (the driver's error, or the pool's when no connection comes), in the view, in middleware
# before the view (the session behind request.user), or while a template is drawn. Django
# wraps the driver's and the pool's errors as its own OperationalError on the way out.


def connection_failures() -> list:
    failures = [connection.Database.OperationalError("connection refused")]
    if connection.vendor == "postgresql":
        from psycopg_pool import PoolTimeout

        failures.append(PoolTimeout("couldn't get a connection after 30.00 sec"))
    return failures


@contextmanager
def no_new_connections(error: Exception):
    """The connection is closed and cannot be opened again, as with the server stopped."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite's in-memory test database is lost if its connection is "
            "closed, so it cannot fail to reopen. Run with DATABASE_URL=postgres://..."
        )
    connection.close()
    with mock.patch.object(connection, "get_new_connection", side_effect=error):
        yield
    connection.close()


def lazy_page(request):
    """A page whose query runs only when its template is drawn, after the view returned."""
    from django.contrib.auth import get_user_model
    from django.template import engines
    from django.template.response import TemplateResponse

    template = engines["django"].from_string("{% for user in users %}{{ user }}{% endfor %}")
    return TemplateResponse(request, template, {"users": get_user_model().objects.all()})


# This module stands in as the URLconf for the page above, with the site's own 500 handler.
urlpatterns = [path("lazy/", lazy_page)]
handler500 = "commissioning.views.server_error"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["driver", "pool"])
def test_a_connection_that_cannot_be_opened_answers_503(which):
    failures = connection_failures()
    if which == "pool" and len(failures) < 2:
        pytest.skip("The connection pool is PostgreSQL's (psycopg_pool)")
    client = Client(raise_request_exception=False)

    with no_new_connections(failures[0 if which == "driver" else 1]):
        response = client.get("/decisions/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_answers_503_when_the_session_cannot_be_loaded(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)

    with no_new_connections(connection_failures()[0]):
        page = client.get("/workspace/providers/")
        form = client.post("/workspace/providers/new/", {"name": "Compass"})

    assert (page.status_code, form.status_code) == (503, 503)
    assert page["Retry-After"] == form["Retry-After"] == "5"
    assert not Provider.objects.filter(name="Compass").exists()


@pytest.mark.django_db(transaction=True)
def test_a_fault_while_a_template_is_drawn_answers_503(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    with no_new_connections(connection_failures()[0]):
        response = client.get("/lazy/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_a_create_form_with_its_token_answers_503_when_the_database_is_down(client_for, officer):
    """The token is looked up before the view runs: that look-up failing is a 503 as well."""
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    client = client_for(officer)
    refused = OperationalError("connection to server failed: Connection refused")

    with mock.patch.object(CursorWrapper, "execute", side_effect=refused):
        response = client.post(
            "/workspace/providers/new/", {"name": "Compass", FIELD_NAME: str(uuid.uuid4())}
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert not Provider.objects.filter(name="Compass").exists()
