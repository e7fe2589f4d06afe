"""PostgreSQL goes away for several seconds under load, then comes back.

A real app server (gunicorn, in a subprocess) serves officers adding providers and the public
reading the register while the database becomes unreachable:

- by default through a TCP proxy between the app server and the test database, which drops
  every connection and refuses new ones. Only this test's app server is affected, so it runs
  in the normal suite, alongside other test runs on the same PostgreSQL server;
- with FAULT_MODE=server, by really stopping (immediate mode) and starting a PostgreSQL server
  of the test's own: a cluster created for the test in a temporary folder, on a free port,
  holding a copy of the test database, and removed afterwards. The shared server that other
  tests and databases use is never stopped.

Every answer must be a page or a redirect, or 503 with Retry-After: never a server error and
never a dropped connection. The load balancer in front must see answers, not timeouts: while
the database is away every request is answered within FAIL_FAST_SECONDS, and the service
answers again within RECOVERY_SECONDS of the database accepting connections. A write the
server acknowledged (with a redirect to the new record) must be in the database afterwards
with its history row naming the officer, exactly once: after a 503 the officer's browser sends
the same form again (with the same one-time token), as the 503 page tells them they may.
"""

import http.client
import os
import re
import secrets
import select
import shutil
import socket
import subprocess
import sys
import tempfile
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
from django.db import connection
from django.test import Client
from django.urls import path

from commissioning.once import FIELD_NAME
from commissioning.roles import Role
from contracts.models import Provider
from tests.factories import UserFactory

FAULT_MODE = os.environ.get("FAULT_MODE", "proxy")
# Longer than the app server's pool and connect timeouts several times over, and than the
# pool's first reconnection delays: the whole outage must be answered quickly, not only its
# first seconds.
OUTAGE_SECONDS = 8
# While the database is away every request is answered (503) within this...
FAIL_FAST_SECONDS = 3.0
# ...and once it accepts connections again, the service answers within this.
RECOVERY_SECONDS = 2.0
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


def shared_test_database() -> dict:
    """psycopg's connection arguments for the test database on the shared server."""
    database = connection.settings_dict
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": int(database["PORT"] or 5432),
        "dbname": database["NAME"],
        "user": database["USER"] or "postgres",
        "password": database["PASSWORD"] or None,
    }


def database_url(arguments: dict) -> str:
    credentials = quote(arguments["user"])
    if arguments.get("password"):
        credentials += ":" + quote(arguments["password"])
    return (
        f"postgres://{credentials}@{arguments['host']}:{arguments['port']}/"
        f"{quote(arguments['dbname'])}"
    )


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


class ProxyFault:
    """The test database on the shared server, reached by the app server through a Proxy."""

    def __init__(self):
        self.database = shared_test_database()
        self.proxy = Proxy((self.database["host"], self.database["port"]))
        self.proxy.start()
        self.app_url = database_url({**self.database, "host": "127.0.0.1", "port": self.proxy.port})

    def go_away(self) -> None:
        self.proxy.cut()

    def come_back(self) -> float:
        """Accept connections again; when it did (time.monotonic())."""
        self.proxy.restore()
        return time.monotonic()

    def close(self) -> None:
        self.proxy.stop()


def postgres_program(name: str) -> str:
    """The newest installed PostgreSQL's program (Debian keeps them out of the PATH)."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda program: int(program.parts[-3]) if program.parts[-3].isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    found = shutil.which(name)
    if not found:
        pytest.skip(f"FAULT_MODE=server needs PostgreSQL's {name} to create a server of its own")
    return found


class OwnCluster:
    """A PostgreSQL server of the test's own, which it may stop and start at will.

    A new cluster (initdb) in a temporary folder, listening on 127.0.0.1 at a free port,
    owned by the postgres user when the test runs as root (PostgreSQL refuses to run as root).
    `remove` stops it and deletes the folder. The shared server is never touched.
    """

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="faulttest-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def run(self, program: str, *arguments: str, check: bool = True):
        return subprocess.run(  # noqa: S603
            [*self.as_owner, postgres_program(program), *arguments],
            check=check,
            timeout=120,
            capture_output=True,
            text=True,
        )

    def create(self) -> None:
        self.run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--auth",
            "trust",
            "--username",
            "postgres",
            "--encoding",
            "UTF8",
            "--no-sync",  # only initdb's own files; the server itself syncs as usual
        )

    def start(self) -> None:
        """Start the server without waiting: `wait_until_accepting` says when it does."""
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        self.run(
            "pg_ctl",
            "--pgdata",
            str(self.data),
            "--log",
            str(self.folder / "server.log"),
            "--options",
            options,
            "--no-wait",
            "start",
        )

    def wait_until_accepting(self) -> float:
        """When the server first accepted a connection (time.monotonic())."""
        import psycopg

        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(**self.arguments("postgres"), connect_timeout=2).close()
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    pytest.fail(f"The test's PostgreSQL server did not start:\n{self.log()}")
                time.sleep(0.05)
            else:
                return time.monotonic()

    def stop(self) -> None:
        """Stop at once, as a crash would: no checkpoint, every connection dropped."""
        self.run("pg_ctl", "--pgdata", str(self.data), "--mode", "immediate", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(
                "pg_ctl", "--pgdata", str(self.data), "--mode", "immediate", "stop", check=False
            )
        shutil.rmtree(self.folder, ignore_errors=True)

    def arguments(self, database: str) -> dict:
        return {"host": "127.0.0.1", "port": self.port, "dbname": database, "user": "postgres"}

    def log(self) -> str:
        try:
            return (self.folder / "server.log").read_text()[-5000:]
        except OSError:
            return ""

    def copy_database(self, source: dict, name: str) -> None:
        """A copy of `source` (schema and rows) as the database `name` on this server."""
        import psycopg

        with psycopg.connect(**self.arguments("postgres"), autocommit=True) as server:
            server.execute(f'CREATE DATABASE "{name}"')
        environment = {**os.environ, "PGPASSWORD": source.get("password") or ""}
        dump = subprocess.Popen(  # noqa: S603
            [
                postgres_program("pg_dump"),
                "--no-owner",
                "--no-privileges",
                f"--host={source['host']}",
                f"--port={source['port']}",
                f"--username={source['user']}",
                source["dbname"],
            ],
            stdout=subprocess.PIPE,
            env=environment,
        )
        subprocess.run(  # noqa: S603
            [
                postgres_program("psql"),
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                "--host=127.0.0.1",
                f"--port={self.port}",
                "--username=postgres",
                f"--dbname={name}",
            ],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
            timeout=120,
        )
        dump.stdout.close()
        assert dump.wait(timeout=60) == 0, "pg_dump of the test database failed"


class ServerFault:
    """A copy of the test database on a PostgreSQL server of the test's own, really stopped
    (immediate mode) and started again."""

    def __init__(self):
        self.cluster = OwnCluster()
        try:
            self.cluster.create()
            self.cluster.start()
            self.cluster.wait_until_accepting()
            self.cluster.copy_database(shared_test_database(), "faults")
        except BaseException:
            self.cluster.remove()
            raise
        self.database = self.cluster.arguments("faults")
        self.app_url = database_url(self.database)

    def go_away(self) -> None:
        self.cluster.stop()

    def come_back(self) -> float:
        self.cluster.start()
        return self.cluster.wait_until_accepting()

    def close(self) -> None:
        self.cluster.remove()


@dataclass
class SignedIn:
    officer: object
    cookies: str
    csrf: str


@pytest.fixture
def signed_in(postgres_only) -> SignedIn:
    """An officer signed in, in the test database (before any copy of it is made)."""
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    client = Client()
    client.force_login(officer)
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret the form may echo unmasked
    cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    cookies += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    return SignedIn(officer, cookies, csrf)


@pytest.fixture
def fault(postgres_only, signed_in):
    """What the app server's database is and how it goes away; always undone afterwards."""
    chosen = ServerFault() if FAULT_MODE == "server" else ProxyFault()
    try:
        yield chosen
    finally:
        chosen.close()


def written(database: dict) -> tuple[set, list]:
    """The providers in the database, and their "added" history rows (name, officer)."""
    import psycopg
    from psycopg import sql

    table = sql.Identifier(Provider._meta.db_table)
    history = sql.Identifier(Provider.history.model._meta.db_table)
    with psycopg.connect(**database) as reading:
        providers = {
            name for (name,) in reading.execute(sql.SQL("SELECT name FROM {}").format(table))
        }
        added = reading.execute(
            sql.SQL("SELECT name, history_user_id FROM {} WHERE history_type = '+'").format(history)
        ).fetchall()
    return providers, added


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
def app_server(fault, tmp_path):
    """gunicorn on the fault's database, with the timeouts production has by default."""
    app_port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": fault.app_url,
        "DATABASE_POOL_MAX": "4",
        "DJANGO_SETTINGS_MODULE": "commissioning.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_CONNECT_TIMEOUT", "DATABASE_POOL_TIMEOUT"):
        env.pop(name, None)
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
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# -- the load ----------------------------------------------------------------------------------


@dataclass
class Answer:
    method: str
    path: str
    outcome: object  # the status, or the error if no answer came
    retry_after: str | None
    started: float
    finished: float

    @property
    def seconds(self) -> float:
        return self.finished - self.started


@dataclass
class Load:
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[Answer] = field(default_factory=list)
    acknowledged: dict = field(default_factory=dict)  # (writer, name) -> when
    unexpected: list = field(default_factory=list)

    def note(self, method, path, outcome, headers, started) -> None:
        retry_after = headers.get("Retry-After") if headers else None
        answer = Answer(method, path, outcome, retry_after, started, time.monotonic())
        with self.lock:
            self.answers.append(answer)
            acceptable = isinstance(outcome, int) and (
                200 <= outcome < 400 or (outcome == 503 and retry_after)
            )
            if not acceptable:
                self.unexpected.append(answer)

    def count(self, status: int) -> int:
        with self.lock:
            return sum(1 for answer in self.answers if answer.outcome == status)

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
            read = {answer.path for answer in self.answers if answer.method == "GET"}
        return set(PUBLIC_PAGES) <= read


def writer(server: AppServer, load: Load, cookies: str, csrf: str, number: int) -> None:
    """An officer adding providers; after a 503 the same form is sent again, token and all."""
    sequence = 0
    while not load.stop.is_set():
        sequence += 1
        name = f"Provider {number}-{sequence}"
        form = {"csrfmiddlewaretoken": csrf, FIELD_NAME: str(uuid.uuid4()), "name": name}
        while not load.stop.is_set():
            started = time.monotonic()
            try:
                status, headers = server.request("POST", "/workspace/providers/new/", form, cookies)
            except OSError as error:
                load.note("POST", name, repr(error), None, started)
                time.sleep(0.2)
                continue
            if status == 302 and not PROVIDER_PAGE.match(headers.get("Location", "")):
                status = f"302 to {headers.get('Location')}"  # not the new provider's page
            load.note("POST", name, status, headers, started)
            if status == 302:
                with load.lock:
                    load.acknowledged[number, name] = time.monotonic()
                break
            if status != 503:
                break  # reported as unexpected: a form error would mean a lost or double save
            time.sleep(0.2)


def reader(server: AppServer, load: Load, cookies: str, pages: list[str]) -> None:
    turn = 0
    while not load.stop.is_set():
        path = pages[turn % len(pages)]
        turn += 1
        started = time.monotonic()
        try:
            status, headers = server.request(
                "GET", path, cookies=cookies if path.startswith("/workspace/") else ""
            )
        except OSError as error:
            load.note("GET", path, repr(error), None, started)
            time.sleep(0.2)
            continue
        load.note("GET", path, status, headers, started)
        if path == "/healthz":
            time.sleep(0.1)  # a load balancer's health check, ten times a second


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting: {what}")
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_requests_get_503_quickly_while_postgres_is_away_and_no_acknowledged_write_is_lost(
    signed_in, fault, app_server
):
    cookies, csrf = signed_in.cookies, signed_in.csrf
    load = Load()
    threads = (
        [
            threading.Thread(target=writer, args=(app_server, load, cookies, csrf, number))
            for number in range(WRITERS)
        ]
        + [
            threading.Thread(
                target=reader,
                args=(app_server, load, cookies, [*PUBLIC_PAGES, "/workspace/providers/"]),
            )
            for _ in range(READERS)
        ]
        + [threading.Thread(target=reader, args=(app_server, load, "", ["/healthz"]))]
    )
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: load.every_writer_acknowledged(2) and load.every_reader_answered(),
            90,
            "every writer and reader at work before the outage",
        )
        away = time.monotonic()
        fault.go_away()
        try:
            time.sleep(OUTAGE_SECONDS)
        finally:
            back = fault.come_back()
        wait_until(
            lambda: (
                load.every_writer_acknowledged(2, since=back)
                and time.monotonic() > back + RECOVERY_SECONDS + FAIL_FAST_SECONDS
            ),
            90,
            "writes acknowledged after PostgreSQL came back",
        )
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=120)

    log = app_server.log.read_text()
    assert not load.unexpected, (load.unexpected[:20], log[-5000:])
    assert load.count(503) > 0, "the outage never reached a request: the test proved nothing"
    assert all(int(answer.retry_after) > 0 for answer in load.answers if answer.outcome == 503)

    # Fail fast: every request that was waiting at any moment of the outage was answered
    # within FAIL_FAST_SECONDS, from its first second to its last.
    during = [answer for answer in load.answers if answer.finished > away and answer.started < back]
    slowest = max(answer.seconds for answer in during)
    health = [answer for answer in during if answer.path == "/healthz" and answer.started > away]
    print(
        f"\n{FAULT_MODE}: {len(during)} answers during the {back - away:.1f} s outage, "
        f"the slowest in {slowest:.2f} s; /healthz answered {len(health)} times"
    )
    assert slowest <= FAIL_FAST_SECONDS, [
        (round(answer.seconds, 2), round(answer.started - away, 2), answer.method, answer.path)
        for answer in during
        if answer.seconds > FAIL_FAST_SECONDS
    ]
    assert health and all(answer.outcome == 503 for answer in health if answer.finished < back)

    # Back quickly: /healthz answered 200 within RECOVERY_SECONDS of the database accepting
    # connections, and no request started after that was turned away.
    recovered = min(
        answer.finished
        for answer in load.answers
        if answer.path == "/healthz" and answer.outcome == 200 and answer.finished > back
    )
    late = [
        (round(answer.started - back, 2), answer.path, answer.outcome)
        for answer in load.answers
        if answer.started > back + RECOVERY_SECONDS and answer.outcome == 503
    ]
    print(
        f"{FAULT_MODE}: /healthz answered 200 {recovered - back:.2f} s after the database came back"
    )
    assert recovered - back <= RECOVERY_SECONDS
    assert not late, late[:10]

    acknowledged = {name for _, name in load.acknowledged}
    providers, added = written(fault.database)
    assert sorted(acknowledged - providers) == [], "acknowledged writes lost"
    # Each provider written, acknowledged or not, has exactly one "added" history row naming
    # the officer: nothing half-saved, nothing saved twice by a form sent again.
    assert sorted(name for name, _ in added) == sorted(providers)
    assert {user for _, user in added} == {signed_in.officer.pk}


def test_the_pool_stops_making_requests_wait_once_it_cannot_connect():
    """With every attempt to connect refused, psycopg_pool made each request wait its whole
    timeout; FailFastPool answers within QUICK_SECONDS (no PostgreSQL server needed)."""
    from psycopg_pool import PoolTimeout

    from commissioning.postgresql.base import QUICK_SECONDS, FailFastPool

    nothing_listens = {"host": "127.0.0.1", "port": free_port(), "user": "postgres"}
    pool = FailFastPool(
        kwargs=nothing_listens, min_size=1, timeout=2, reconnect_timeout=1, open=True
    )
    waits = []
    try:
        for _ in range(4):
            started = time.monotonic()
            with pytest.raises(PoolTimeout):
                pool.getconn()
            waits.append(time.monotonic() - started)
    finally:
        pool.close()

    assert max(waits[1:]) < QUICK_SECONDS + 0.25, waits
    assert waits[0] <= 2.25, waits


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
