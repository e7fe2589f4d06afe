"""Django's PostgreSQL backend, with a connection pool that fails fast when the database is
gone (see base.py). settings.database_from_url names it as the ENGINE."""
