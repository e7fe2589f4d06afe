"""Two app servers, one PostgreSQL, one Redis.

Two gunicorn servers (in subprocesses, on the committed test database, with the same
REDIS_URL under a key prefix of this test's own) stand for a site run on several machines
behind a load balancer. Everything a visitor depends on must hold whichever server answers:

- a decision withdrawn through one server is gone from the other within the freshness
  window (PUBLIC_FRESHNESS_SECONDS): each server may answer public readers from a version
  read up to that long ago, never older;
- failed sign-ins on one server count on the other: the lockout holds on both;
- with officers' writes spread over both servers, one server killed outright (SIGKILL to
  every one of its processes, as when a machine dies) loses no acknowledged write, and a
  form resent to the other server after the first died mid-answer is saved once.

Needs PostgreSQL and the machine's Redis (127.0.0.1:6379; SEVERAL_SERVERS_REDIS_URL to use
another). Without Redis the test is skipped, except in CI (CI=true), where it fails.
"""

import http.client
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from commissioning.once import FIELD_NAME
from commissioning.roles import Role
from contracts.models import Provider
from tests.factories import (
    DEMO_PASSWORD,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionSectionFactory,
    StatutoryCommentFactory,
    UserFactory,
)
from tests.hardening.test_database_faults import PROVIDER_PAGE, free_port, wait_until

REDIS_URL = os.environ.get("SEVERAL_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/5")
BASE_DIR = Path(settings.BASE_DIR)
# Longer than the default second, so that the window is wide enough to be seen in the test.
FRESHNESS_SECONDS = 2
WRITERS = 4
LOGIN = "/accounts/login/"


# -- the shared services ------------------------------------------------------------------------


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: the app servers run in other processes on the committed test "
            "database. Run with DATABASE_URL=postgres://..."
        )


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the machine's Redis; its keys (and only they) are
    deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Needs Redis at {REDIS_URL} ({error}); .ci/run starts one."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"several-servers-{secrets.token_hex(6)}"
    try:
        yield prefix
    finally:
        keys = redis_keys(f"{prefix}:*")
        if keys:
            client.delete(*keys)
        client.close()


def redis_keys(pattern: str) -> list[bytes]:
    import redis

    with redis.Redis.from_url(REDIS_URL, socket_timeout=5) as client:
        return list(client.scan_iter(match=pattern, count=1000))


def database_url() -> str:
    database = connection.settings_dict
    credentials = quote(database["USER"] or "postgres")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'])}"


# -- the app servers ----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def request(self, method: str, path: str, body: dict | None = None, cookies: str = ""):
        """One request on a fresh connection (as through a load balancer)."""
        headers = {"Cookie": cookies} if cookies else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            return Answer(response.status, response.getheaders(), text)
        finally:
            conn.close()

    def kill(self) -> None:
        """Every process of the server at once: master and workers, with no goodbye."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def start_server(name: str, tmp_path: Path, prefix: str) -> Server:
    port = free_port()
    log = tmp_path / f"gunicorn-{name}.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DATABASE_POOL_MAX": "4",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CACHE_DIR": "",
        "PUBLIC_FRESHNESS_SECONDS": str(FRESHNESS_SECONDS),
        "DJANGO_SETTINGS_MODULE": "commissioning.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (a fixed command line, no shell)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "commissioning.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
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
            start_new_session=True,  # its own process group, so that kill() reaches workers
        )
    return Server(name, port, process, log)


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            if server.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"App server {server.name} did not start:\n{server.log.read_text()}")
        time.sleep(0.25)


@pytest.fixture
def servers(postgres_only, redis_prefix, tmp_path):
    """Servers A and B on the same database and the same Redis."""
    started = [start_server(name, tmp_path, redis_prefix) for name in ("A", "B")]
    try:
        for server in started:
            wait_until_up(server)
        yield started
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.terminate()
                try:
                    server.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.process.pid, signal.SIGKILL)
                    server.process.wait(timeout=10)


# -- a browser ----------------------------------------------------------------------------------


class Browser:
    """Cookies kept as a browser keeps them, whichever server answered."""

    def __init__(self):
        self.cookies: dict[str, str] = {settings.CSRF_COOKIE_NAME: secrets.token_hex(16)}

    @property
    def csrf(self) -> str:
        # 32 characters: a CSRF secret that the form may echo unmasked.
        return self.cookies[settings.CSRF_COOKIE_NAME]

    def send(self, server: Server, method: str, path: str, form: dict | None = None) -> Answer:
        if form is not None:
            form = {"csrfmiddlewaretoken": self.csrf, **form}
        cookies = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        answer = server.request(method, path, form, cookies)
        for key, value in answer.headers:
            if key.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        return answer

    def sign_in(self, server: Server, username: str, password: str) -> Answer:
        return self.send(server, "POST", LOGIN, {"username": username, "password": password})


class FormFields(HTMLParser):
    """The inputs of each form on a page (name -> value), in order."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif tag in {"input", "textarea", "select"} and self.forms and attributes.get("name"):
            self.forms[-1][attributes["name"]] = attributes.get("value") or ""


def form_with(page: str, name: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    return next(form for form in parser.forms if name in form)


def published_decision(officer):
    decision = DecisionFactory(
        decided=True,
        category=DecisionCategoryFactory(name="Commissioning", slug="commissioning"),
        decision_maker_name="Philip Seccombe",
    )
    DecisionSectionFactory(
        decision=decision,
        position=1,
        heading="Background information",
        part="Supporting information",
        text="Both contracts began in April 2018.",
    )
    StatutoryCommentFactory(decision=decision)
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)
    decision.refresh_from_db()
    return decision


# -- 1. a withdrawal ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_on_one_server_reaches_the_other_within_the_freshness_window(
    servers, redis_prefix
):
    a, b = servers
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    decision = published_decision(officer)
    reference = decision.reference
    public_paths = {"page": decision.get_absolute_url(), "pdf": f"/decisions/{reference}.pdf"}
    reader = Browser()
    # Readers on B, on both its workers (each keeps its own versions), see it published.
    for _ in range(6):
        for path in public_paths.values():
            assert reader.send(b, "GET", path).status == 200
    assert reference in reader.send(b, "GET", "/decisions/").body

    # The officer signs in on A and withdraws the decision with the real form, read from A.
    officer_browser = Browser()
    signed_in = officer_browser.sign_in(a, "officer", DEMO_PASSWORD)
    assert (signed_in.status, signed_in.header("Location")) == (302, "/workspace/")
    # The session is shared: the same cookie is signed in on B, and it is read through Redis.
    assert officer_browser.send(b, "GET", "/workspace/").status == 200
    session = officer_browser.cookies[settings.SESSION_COOKIE_NAME]
    assert redis_keys(f"{redis_prefix}:*{session}"), "the session is not in the shared cache"
    withdraw = f"/workspace/decisions/{reference}/workflow/withdraw/"
    confirmation = officer_browser.send(a, "GET", withdraw)
    assert confirmation.status == 200
    form = form_with(confirmation.body, "confirm")
    form.update(comments="Published in error.")
    form.pop("csrfmiddlewaretoken", None)
    # Readers on B just before the withdrawal: B's workers now hold a fresh version.
    for _ in range(4):
        assert reader.send(b, "GET", public_paths["page"]).status == 200
    withdrawn = officer_browser.send(a, "POST", withdraw, form)
    acknowledged = time.monotonic()
    assert withdrawn.status == 302, withdrawn.body[-2000:]
    decision.refresh_from_db()
    assert decision.status == "withdrawn"

    # B may still answer from a version read just before the withdrawal, for at most the
    # window; every request sent after the window must find it gone.
    answers = []  # (seconds after the withdrawal, what, status or listed)
    while time.monotonic() < acknowledged + FRESHNESS_SECONDS + 2:
        started = time.monotonic() - acknowledged
        for what, path in public_paths.items():
            answers.append((started, what, reader.send(b, "GET", path).status))
        listed = reference in reader.send(b, "GET", "/decisions/").body
        answers.append((started, "register", 200 if listed else 410))
        time.sleep(0.05)
    late = [answer for answer in answers if answer[0] >= FRESHNESS_SECONDS]
    assert late, "no request was sent after the window"
    assert all(status == 410 for _, _, status in late), late
    last_seen = max((started for started, _, status in answers if status != 410), default=0)
    print(
        f"\nwithdrawal: {len(answers)} answers from B; still published on B up to "
        f"{last_seen:.2f} s after A acknowledged it (window {FRESHNESS_SECONDS} s)"
    )


# -- 2. the sign-in lockout ---------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sign_in_lockout_on_one_server_holds_on_the_other(servers):
    a, b = servers
    UserFactory(username="officer", roles=[Role.OFFICER])
    UserFactory(username="treasurer", roles=[Role.TREASURER])
    attacker = Browser()

    answers = [
        attacker.sign_in(a, "officer", "not-the-password").status
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]

    # The right password on B, from the same address, is refused too, and signs no one in.
    on_b = Browser().sign_in(b, "officer", DEMO_PASSWORD)
    assert on_b.status == 429
    assert "Sign in is locked for now" in on_b.body
    assert not on_b.header("Location")
    # B is not simply refusing everyone: another username signs in there.
    assert Browser().sign_in(b, "treasurer", DEMO_PASSWORD).status == 302


# -- 3. a server killed under load --------------------------------------------------------------


@dataclass
class Writes:
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: dict = field(default_factory=dict)  # name -> (server, when)
    failovers: list = field(default_factory=list)  # (name, error) sent again to the other
    unexpected: list = field(default_factory=list)

    def acknowledged_since(self, when: float) -> dict[int, int]:
        with self.lock:
            counts = dict.fromkeys(range(WRITERS), 0)
            for name, (_, at) in self.acknowledged.items():
                if at > when:
                    counts[int(name.split()[1].split("-")[0])] += 1
            return counts


def writer(servers: list[Server], writes: Writes, cookies: str, csrf: str, number: int) -> None:
    """An officer adding providers through the load balancer: writer n starts on server
    n mod 2. A form whose server did not answer (refused, or cut off mid-answer) is sent again,
    token and all, to the next server; so is one answered 503."""
    turn = number
    sequence = 0
    while not writes.stop.is_set() and sequence < 200:
        sequence += 1
        name = f"Provider {number}-{sequence}"
        form = {"csrfmiddlewaretoken": csrf, FIELD_NAME: str(uuid.uuid4()), "name": name}
        for _attempt in range(20):
            server = servers[turn % len(servers)]
            turn += 1  # the next form, or the next attempt, goes to the other server
            try:
                answer = server.request("POST", "/workspace/providers/new/", form, cookies)
            except OSError as error:
                with writes.lock:
                    writes.failovers.append((name, server.name, repr(error)))
                continue
            location = answer.header("Location")
            if answer.status == 302 and PROVIDER_PAGE.match(location):
                with writes.lock:
                    writes.acknowledged[name] = (server.name, time.monotonic())
                break
            if answer.status != 503:
                with writes.lock:
                    writes.unexpected.append((name, server.name, answer.status, location))
                break
            time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_server_killed_under_load_loses_no_acknowledged_write(servers, client):
    a, b = servers
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    client.force_login(officer)
    csrf = secrets.token_hex(16)
    cookies = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    cookies += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
    writes = Writes()
    threads = [
        threading.Thread(target=writer, args=(servers, writes, cookies, csrf, number))
        for number in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    try:
        wait_until(
            lambda: min(writes.acknowledged_since(0).values()) >= 3,
            90,
            "every writer at work on both servers before the kill",
        )
        a.kill()
        killed = time.monotonic()
        wait_until(
            lambda: min(writes.acknowledged_since(killed).values()) >= 3,
            90,
            "every writer acknowledged again after server A was killed",
        )
    finally:
        writes.stop.set()
        for thread in threads:
            thread.join(timeout=120)

    first_after = min(at for _, at in writes.acknowledged.values() if at > killed) - killed
    by_server = {"A": 0, "B": 0}
    for server_name, _ in writes.acknowledged.values():
        by_server[server_name] += 1
    cut_off = [name for name, server, error in writes.failovers if "Refused" not in error]
    print(
        f"\nkill: {len(writes.acknowledged)} writes acknowledged ({by_server}), "
        f"{len(writes.failovers)} sent again to the other server, {len(cut_off)} of them "
        f"cut off mid-answer; first acknowledged on B {first_after:.2f} s after the kill"
    )
    assert not writes.unexpected, (writes.unexpected[:20], b.log.read_text()[-5000:])
    assert by_server["A"] > 0 and by_server["B"] > 0, "the load was not spread"
    assert any(server == "A" for _, server, _ in writes.failovers), "the kill reached no write"
    acknowledged = set(writes.acknowledged)
    providers = list(Provider.objects.values_list("name", flat=True))
    assert sorted(acknowledged - set(providers)) == [], "acknowledged writes lost"
    added = list(Provider.history.filter(history_type="+").values_list("name", "history_user_id"))
    # Every provider written, acknowledged or not, was saved once with its history row:
    # nothing saved twice by a form sent again to the other server.
    assert sorted(name for name, _ in added) == sorted(providers)
    assert len(providers) == len(set(providers))
    assert {user for _, user in added} == {officer.pk}
