"""Queries prepared once per connection fail as any other query does."""

import django.db
import pytest
from django.db import connection

from commissioning.speed import precompiled

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")
def test_a_failed_prepare_is_djangos_database_error_not_psycopgs():
    """A PREPARE on a connection the server has dropped raised psycopg's OperationalError,
    which the 503 middleware does not know: a page answered 500 during an outage
    (tests/hardening/test_database_faults.py). Errors now come out as Django's."""
    with pytest.raises(django.db.ProgrammingError):
        precompiled.run_sql("broken_on_purpose", "SELEC 1", [])
