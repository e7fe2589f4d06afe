"""Queries run on every request, compiled once per process and, on PostgreSQL, planned once
per database connection.

Some queries run on nearly every request: the signed-in user with their roles and
permissions (commissioning.roles), and the version of a public page (decisions.publication).
Each is a query of several subqueries. Building its SQL took Django longer than the database
took to run it, and PostgreSQL took longer to plan it than to run it (what the benchmark
measures for it: commissioning/speed/README.md). So:

- the SQL is compiled once per process, from a QuerySet built with a placeholder in place of
  the one value that changes (a reference, a user's id), and that value is put in its place
  among the parameters on each run;
- on PostgreSQL it is PREPAREd once on each connection (the pool keeps connections, so that
  is once in a long while) and EXECUTEd after. Django's cursors bind parameters on the client
  and cannot prepare, so it is done in SQL. The PREPARE is set-up of the connection, as
  Django's own is (its time zone, say), and is not counted among the page's queries; the
  EXECUTE is.
- a statement registered with `prepare_on_connect` is also prepared, and planned, as each new
  connection is opened (`prepare_registered`, called by commissioning.postgresql's backend as
  it sets a connection up). A pool opens several connections and hands them out in turn: the
  first request to meet a connection that had not run the version query waited for PostgreSQL
  to plan it, while a page's request that found one which had did not.
"""

import functools
import hashlib
import itertools
import logging
import re
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from django.db import connection
from django.db.models import QuerySet

Params = list[Any]
_compiled: dict[str, tuple[str, Params]] = {}

# Stands for a row's key while a query is compiled, to be replaced by the key it is run for:
# a key no database gives, and within the range of a 32-bit id column (the user's), where
# Django would drop a lookup of a value out of range as matching nothing.
KEY_PLACEHOLDER = -2_147_483_000
# The statements each connection has prepared; a connection that is closed drops out.
_prepared: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
# The statements every new connection prepares: name -> its SQL and parameters for a value
# that matches no row (running it once makes PostgreSQL keep its one generic plan).
_on_connect: dict[str, Callable[[], tuple[str, Params]]] = {}

logger = logging.getLogger(__name__)


def compiled(
    name: str, build: Callable[[Any], QuerySet[Any, Any]], placeholder: Any
) -> tuple[str, Params]:
    """The SQL and parameters of the QuerySet `build(placeholder)`, compiled once per process."""
    return compiled_sql(name, lambda value: build(value).query.sql_with_params(), placeholder)


def compiled_sql(
    name: str, build: Callable[[Any], tuple[str, Sequence[Any]]], placeholder: Any
) -> tuple[str, Params]:
    """`build(placeholder)`'s SQL and parameters, worked out once per process."""
    if name not in _compiled:
        sql, params = build(placeholder)
        _compiled[name] = (sql, list(params))
    return _compiled[name]


def bound(
    name: str, build: Callable[[Any], QuerySet[Any, Any]], placeholder: Any, value: Any
) -> tuple[str, Params]:
    """The compiled SQL of the QuerySet `build(placeholder)`, with `value` in the
    placeholder's places."""
    return _with_value(compiled(name, build, placeholder), placeholder, value)


def bound_sql(
    name: str, build: Callable[[Any], tuple[str, Sequence[Any]]], placeholder: Any, value: Any
) -> tuple[str, Params]:
    """`build(placeholder)`'s SQL, worked out once, with `value` in the placeholder's places."""
    return _with_value(compiled_sql(name, build, placeholder), placeholder, value)


def _with_value(
    compiled_query: tuple[str, Params], placeholder: Any, value: Any
) -> tuple[str, Params]:
    sql, params = compiled_query
    return sql, [value if param == placeholder else param for param in params]


def fetchone(
    name: str, build: Callable[[Any], QuerySet[Any, Any]], placeholder: Any, value: Any
) -> tuple[Any, ...] | None:
    """The first row of the query `build(placeholder)` makes, run for `value`."""
    row: tuple[Any, ...] | None = run_sql(name, *bound(name, build, placeholder, value))
    return row


def fetchall(
    name: str, build: Callable[[Any], QuerySet[Any, Any]], placeholder: Any, value: Any
) -> list[tuple[Any, ...]]:
    """Every row of the query `build(placeholder)` makes, run for `value`."""
    rows: list[tuple[Any, ...]] = run_sql(name, *bound(name, build, placeholder, value), rows=True)
    return rows


def run_sql(name: str, sql: str, params: Params, *, rows: bool = False) -> Any:
    """The first row of `sql` (prepared once per connection on PostgreSQL, as `name`), or
    with `rows` every row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute_prepared(cursor, name, sql, params)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall() if rows else cursor.fetchone()


def _statement(name: str, sql: str) -> tuple[str, str]:
    """The statement's name on the server, and its SQL with numbered parameters."""
    numbers = itertools.count(1)
    numbered = re.sub(
        r"%%|%s", lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql
    )
    return f"{name}_{hashlib.sha256(numbered.encode()).hexdigest()[:16]}", numbered


def _execute_prepared(cursor: Any, name: str, sql: str, params: Params) -> None:
    statement, numbered = _statement(name, sql)
    raw = connection.connection
    done = _prepared.setdefault(raw, set())
    if statement not in done:
        # The statement's text is a query this project compiled: nobody's input is in it
        # (that is a parameter of EXECUTE), so building the SQL here is safe (ruff S608).
        # On the raw connection psycopg's own errors come out; Django's wrapper turns them
        # into django.db's, as for every other query, so that a server that has gone away
        # is a 503 (commissioning.middleware), not a server error.
        with connection.wrap_database_errors:
            raw.execute(f"PREPARE {statement} AS {numbered}")
        done.add(statement)
    cursor.execute(f"EXECUTE {statement}{_arguments(params)}", params)


def _arguments(params: Params) -> str:
    return f"({', '.join(['%s'] * len(params))})" if params else ""


def prepare_on_connect(name: str, statement: Callable[[], tuple[str, Params]]) -> None:
    """Have every new PostgreSQL connection prepare the statement `name` and plan it, before
    any request uses the connection. `statement()` gives its SQL (compiled without a
    database) and parameters that match no row."""
    _on_connect[name] = statement


def prepare_query_on_connect(
    name: str, build: Callable[[Any], QuerySet[Any, Any]], placeholder: Any, no_row: Any
) -> None:
    """`prepare_on_connect` for the query `fetchone(name, build, placeholder, ...)` runs,
    planned with `no_row`, a value that matches no row."""
    prepare_on_connect(name, functools.partial(bound, name, build, placeholder, no_row))


def prepare_registered(raw: psycopg.Connection) -> None:
    """Prepare and plan the registered statements on a connection being set up, which is
    left idle. A statement that fails (its tables not made yet, before the migrations) is
    left to be prepared on first use, as any other is: setting a connection up never fails
    for it."""
    done = _prepared.setdefault(raw, set())
    for name, make in _on_connect.items():
        sql, params = make()
        statement, numbered = _statement(name, sql)
        if statement in done:
            continue
        try:
            with psycopg.ClientCursor(raw) as cursor:
                cursor.execute(f"PREPARE {statement} AS {numbered}")
                cursor.execute(f"EXECUTE {statement}{_arguments(params)}", params)
        except psycopg.Error as error:
            logger.info("Not prepared as the connection opened: %s (%s)", statement, error)
            if not raw.autocommit:
                raw.rollback()
            continue
        if not raw.autocommit:
            raw.commit()
        done.add(statement)
