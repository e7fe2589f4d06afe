"""Queries prepared once per connection: prepared as each connection opens, and failing as
any other query does; and the pool's check of a connection as a request takes it."""

import time

import django.db
import pytest
from django.db import connection, connections

from commissioning.speed import precompiled

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_a_failed_prepare_is_djangos_database_error_not_psycopgs():
    """A PREPARE on a connection the server has dropped raised psycopg's OperationalError,
    which the 503 middleware does not know: a page answered 500 during an outage
    (tests/hardening/test_database_faults.py). Errors now come out as Django's."""
    with pytest.raises(django.db.ProgrammingError):
        precompiled.run_sql("broken_on_purpose", "SELEC 1", [])


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Prepared statements and the pool are PostgreSQL's"
)


def _raw_connection(**overrides):
    """A psycopg connection of its own to the test database (or another), outside the pool."""
    import psycopg

    params = {**connection.get_connection_params(), "autocommit": True, **overrides}
    params.pop("cursor_factory", None)
    return psycopg.connect(**params)


def _prepared_on(raw) -> dict[str, int]:
    rows = raw.execute("SELECT name, generic_plans FROM pg_prepared_statements").fetchall()
    return {name.rsplit("_", 1)[0]: plans for name, plans in rows}


@needs_postgresql
def test_a_new_pooled_connection_has_the_version_queries_planned_before_its_first_request():
    """A pool holds several connections and hands them out in turn. The first request to meet
    one that had never run the version query waited for PostgreSQL to plan it (ten times the
    time of serving the stored PDF): each connection now prepares and plans it as it opens."""
    wrapper = type(connections["default"])(
        dict(connection.settings_dict), alias="prepared_on_connect"
    )
    try:
        wrapper.pool.open(wait=True)
        with wrapper.pool.connection() as raw:
            prepared = _prepared_on(raw)
    finally:
        wrapper.close_pool()

    for name in ("public_record", "public_register", "signed_in_user", "contracts_last_changed"):
        assert prepared.get(name) == 1, name  # prepared, and its one generic plan made


@needs_postgresql
def test_a_statement_already_prepared_on_the_connection_is_only_executed():
    raw = _raw_connection()
    try:
        connection._configure_connection(raw)
        connection._configure_connection(raw)  # again: nothing is prepared twice
        assert _prepared_on(raw)["public_record"] == 1
    finally:
        raw.close()


@needs_postgresql
def test_a_connection_to_a_database_without_the_tables_is_still_set_up():
    """Before the migrations have run (a new database), the statements cannot be prepared:
    the connection is set up all the same, idle, and they are prepared on first use."""
    import psycopg

    raw = _raw_connection(dbname="postgres")
    try:
        connection._configure_connection(raw)
        assert raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert _prepared_on(raw) == {}
        assert raw.execute("SELECT 1").fetchone() == (1,)
    finally:
        raw.close()


@needs_postgresql
def test_the_pool_tests_a_connection_only_when_the_server_has_spoken_since(monkeypatch):
    """A connection leaving the pool costs no round trip while it is quiet; one whose server
    process has ended is tested, fails the test, and is not handed to a request."""
    import psycopg
    from psycopg_pool import ConnectionPool

    from commissioning.postgresql.base import check_unless_quiet

    tested = []
    real_check = ConnectionPool.check_connection
    monkeypatch.setattr(
        ConnectionPool,
        "check_connection",
        staticmethod(lambda conn: (tested.append(conn), real_check(conn))),
    )
    raw, other = _raw_connection(), _raw_connection()
    try:
        check_unless_quiet(raw)
        assert tested == []

        pid = raw.info.backend_pid
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
        with pytest.raises(psycopg.OperationalError):
            for _ in range(50):  # the server's farewell arrives within moments
                check_unless_quiet(raw)
                time.sleep(0.05)
        assert tested == [raw]
    finally:
        raw.close()
        other.close()
