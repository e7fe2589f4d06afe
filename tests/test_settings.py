"""Settings come from the environment; a malformed value stops the start and says which."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from commissioning.settings import BASE_DIR, database_from_url, envbool, envint, envlist


@pytest.fixture(autouse=True)
def no_pool_size(monkeypatch):
    for name in ("DATABASE_POOL_MAX", "DATABASE_CONNECT_TIMEOUT", "DATABASE_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


# Fail fast when the database is gone: a connection attempt, or a dead connection, gives up
# after 2 seconds (tests/hardening/test_database_faults.py measures the whole outage).
SHORT_TIMEOUTS = {
    "connect_timeout": 2,
    "tcp_user_timeout": 2000,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 1,
    "keepalives_count": 3,
    "options": "-c plan_cache_mode=force_generic_plan",
}
POOL = {"min_size": 1, "max_size": 10, "timeout": 2, "reconnect_timeout": 1}


@pytest.mark.parametrize("url", [None, ""])
def test_no_database_url_means_the_local_sqlite_file(url):
    assert database_from_url("DATABASE_URL", url) == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }


def test_sqlite_url_names_the_file():
    absolute = database_from_url("DATABASE_URL", "sqlite:////var/lib/register/db.sqlite3")
    relative = database_from_url("DATABASE_URL", "sqlite:///data/register.sqlite3")

    assert absolute["NAME"] == "/var/lib/register/db.sqlite3"
    assert relative["NAME"] == str(BASE_DIR / "data" / "register.sqlite3")


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_url_means_postgresql_through_the_pool(scheme):
    url = f"{scheme}://register:s%40fe%2Fpass@db.internal:6543/decisions?sslmode=require"

    database = database_from_url("DATABASE_URL", url)

    assert database == {
        "ENGINE": "commissioning.postgresql",
        "NAME": "decisions",
        "USER": "register",
        "PASSWORD": "s@fe/pass",
        "HOST": "db.internal",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require", **SHORT_TIMEOUTS, "pool": POOL},
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": True,
    }


def test_pool_size_comes_from_database_pool_max(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX", "25")

    database = database_from_url("DATABASE_URL", "postgres://u@localhost/decisions")

    assert database["OPTIONS"]["pool"] == {**POOL, "max_size": 25}
    assert database["PORT"] == ""


def test_timeouts_come_from_the_environment_and_the_url_wins(monkeypatch):
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "5")
    monkeypatch.setenv("DATABASE_POOL_TIMEOUT", "4")

    database = database_from_url("DATABASE_URL", "postgres://u@localhost/decisions")
    explicit = database_from_url("DATABASE_URL", "postgres://u@localhost/d?connect_timeout=9")

    assert database["OPTIONS"]["connect_timeout"] == 5
    assert database["OPTIONS"]["tcp_user_timeout"] == 5000
    assert database["OPTIONS"]["pool"]["timeout"] == 4
    assert explicit["OPTIONS"]["connect_timeout"] == "9"


def test_pool_can_be_turned_off_in_the_url():
    database = database_from_url("DATABASE_URL", "postgres://u@localhost/decisions?pool=false")

    assert "pool" not in database["OPTIONS"]
    assert database["OPTIONS"]["connect_timeout"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "mysql://register@db.internal/decisions",
        "db.internal/decisions",
        "postgres://register@db.internal:fivefour/decisions",
        "postgres://register@db.internal:99999/decisions",
        "postgres://register@db.internal:5432/",
        "postgres://register@db.internal",
        "sqlite://",
    ],
    ids=[
        "mysql",
        "no-scheme",
        "port-not-number",
        "port-out-of-range",
        "no-db",
        "no-path",
        "sqlite-no-file",
    ],
)
def test_malformed_database_url_is_refused_by_name(url):
    with pytest.raises(ImproperlyConfigured, match="^DATABASE_URL "):
        database_from_url("DATABASE_URL", url)


def test_malformed_pool_size_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_MAX", "ten")

    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_MAX"):
        database_from_url("DATABASE_URL", "postgres://u@localhost/decisions")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("Off", False),
    ],
)
def test_envbool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("DEBUG", value)

    assert envbool("DEBUG", not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_envbool_unset_or_empty_gives_the_default(monkeypatch, default):
    monkeypatch.delenv("DEBUG", raising=False)
    assert envbool("DEBUG", default) is default
    monkeypatch.setenv("DEBUG", "")
    assert envbool("DEBUG", default) is default


def test_envbool_refuses_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match=r"^DEBUG .*'maybe'"):
        envbool("DEBUG", False)


def test_envint_reads_a_whole_number_or_the_default(monkeypatch):
    monkeypatch.delenv("DATABASE_POOL_MAX", raising=False)
    assert envint("DATABASE_POOL_MAX", 10) == 10
    monkeypatch.setenv("DATABASE_POOL_MAX", "12")
    assert envint("DATABASE_POOL_MAX", 10) == 12


@pytest.mark.parametrize("value", ["twelve", "1.5", "12 connections"])
def test_envint_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("DATABASE_POOL_MAX", value)

    with pytest.raises(ImproperlyConfigured, match="^DATABASE_POOL_MAX "):
        envint("DATABASE_POOL_MAX", 10)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " decisions.opcc.example, ,localhost ")

    assert envlist("ALLOWED_HOSTS", []) == ["decisions.opcc.example", "localhost"]
