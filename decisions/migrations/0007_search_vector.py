"""A stored search vector for the public full-text search, and an index for "last changed".

Migration 0003 indexed the expression `to_tsvector('english', search_document)`. Matching
could use that index, but anything that read the vector itself (ranking, or checking a
match while walking the register's date order) had to parse the whole text again for every
row: a common word took seconds at 5,000 decisions. PostgreSQL now keeps the vector in a
generated column, `search_vector`, that the database itself computes from `search_document`
whenever a row is written, so every path that sets the public text (publishing,
republishing, the import, the benchmark's bulk seed) keeps it right without doing anything.

The column is PostgreSQL's alone and the model does not declare it: SQLite has no tsvector
and searches `search_document` with a plain word match instead (small installations only).
ANALYZE gathers statistics on the column, so the planner knows a common word from a rare one.
"""

from django.db import migrations, models

ADD_COLUMN = (
    "ALTER TABLE decisions_decision ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, search_document)) STORED"
)
DROP_OLD_GIN = "DROP INDEX IF EXISTS decision_search_gin"
# Without `fastupdate`, each write goes into the index itself rather than into a pending list
# that every search must read through until VACUUM next runs (measured: 40 ms for a rare word
# over a pending list, 0.1 ms without). Decisions are written a few times a day; they are
# searched all day.
CREATE_GIN = (
    "CREATE INDEX IF NOT EXISTS decision_search_gin ON decisions_decision "
    "USING gin (search_vector) WITH (fastupdate = off)"
)
DROP_COLUMN = "ALTER TABLE decisions_decision DROP COLUMN IF EXISTS search_vector"
CREATE_OLD_GIN = (
    "CREATE INDEX IF NOT EXISTS decision_search_gin ON decisions_decision "
    "USING gin (to_tsvector('english', search_document))"
)


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_OLD_GIN)
        schema_editor.execute(ADD_COLUMN)
        schema_editor.execute(CREATE_GIN)


def drop_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_OLD_GIN)
        schema_editor.execute(DROP_COLUMN)
        schema_editor.execute(CREATE_OLD_GIN)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0006_bench_indexes"),
    ]

    operations = [
        migrations.RunPython(add_vector, drop_vector),
        # `register_last_changed` (the public register's Last-Modified and ETag, asked on
        # every anonymous request) reads the newest `updated_at`: an index makes that one
        # step instead of a scan of every decision.
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["-updated_at"], name="decision_updated_idx"),
        ),
    ]
