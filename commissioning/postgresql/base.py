"""Django's PostgreSQL backend (psycopg 3), whose pool stops making requests wait once the
database is known to be gone.

psycopg_pool makes a request wait for a connection up to the pool's timeout. With the database
gone every request waits that long, holding an app server thread all the while, so requests
queue behind each other and a load balancer sees timeouts rather than 503. `FailFastPool`
notes when its attempts to connect fail: from then until one succeeds, a request waits only
QUICK_SECONDS, just long enough to take a connection that a reconnection attempt brings back.
Each waiting request starts a reconnection attempt if none is under way, so the service is back
as soon as a request arrives after the database is.
"""

import select

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

from commissioning.speed import precompiled

# How long a request waits for a connection while the database is known to be unreachable.
QUICK_SECONDS = 0.25


class FailFastPool(ConnectionPool):
    def __init__(self, *args, connection_class=psycopg.Connection, **kwargs):
        pool = self
        self.unreachable = False

        class Connection(connection_class):
            """The pool's connections, opened through here so that the pool sees each
            attempt's outcome (psycopg_pool calls `connection_class.connect`)."""

            @classmethod
            def connect(cls, *args, **kwargs):
                try:
                    connection = super().connect(*args, **kwargs)
                except psycopg.OperationalError:
                    pool.unreachable = True
                    raise
                pool.unreachable = False
                return connection

        super().__init__(*args, connection_class=Connection, **kwargs)

    def getconn(self, timeout: float | None = None):
        if self.unreachable:
            timeout = min(QUICK_SECONDS, self.timeout if timeout is None else timeout)
        return super().getconn(timeout)


def check_unless_quiet(connection: psycopg.Connection) -> None:
    """The pool's check of a connection as a request takes it: psycopg_pool's own (an empty
    query, a round trip to the server) only when the server has sent something since the
    connection was last used. A healthy idle connection hears nothing; one the server ended,
    or lost through its restart, has the server's farewell or the end of the stream waiting
    to be read, so it is tested, found dead and replaced before any request uses it. That
    took a round trip off every request."""
    if connection.closed or connection.broken:
        raise psycopg.OperationalError("The connection is closed.")
    waiting, _, _ = select.select([connection.fileno()], [], [], 0)
    if waiting:
        ConnectionPool.check_connection(connection)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        """Django's own pool (django.db.backends.postgresql.base), as a FailFastPool."""
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            if pool_options is True:
                pool_options = {}
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets it properly later on
            enable_checks = self.settings_dict["CONN_HEALTH_CHECKS"]
            pool = FailFastPool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,
                check=check_unless_quiet if enable_checks else None,
                **pool_options,
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]

    def _configure_connection(self, connection) -> bool:
        """Django's set-up of a new connection (its time zone and role), then the statements
        that nearly every request runs, prepared and planned (commissioning.speed.precompiled)
        so that no reader waits for their planning."""
        commit = super()._configure_connection(connection)
        if commit and not connection.autocommit:
            connection.commit()  # the time zone kept, whatever a statement below does
        precompiled.prepare_registered(connection)
        return False
