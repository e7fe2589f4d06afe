"""Trigram indexes for the workspace register's text filter (PostgreSQL only).

Officers search the whole register, drafts and withheld decisions included, so the public
search's `search_vector` (published public text only, migration 0007) cannot serve them. Their
filter (`decisions.filters.DecisionFilter.search`) matches each word anywhere in the
reference, the title or the summary, whatever its case: Django writes that on PostgreSQL as
`UPPER("decisions_decision"."title"::text) LIKE UPPER('%word%')`. Without an index every
search reads every row, and a word that few decisions hold walks the whole register.

pg_trgm's GIN operator class answers `LIKE '%...%'` from an index on exactly that expression:
`upper(title::text)`, the expression Django's lookup uses, so the planner matches the two. The
three indexes are combined with a bitmap OR for each word, and the words with a bitmap AND.
ANALYZE also gathers statistics on each indexed expression, so the planner can tell a common
word (walk the date order and stop after a page) from a rare one (ask the indexes).

A word of one or two letters has no trigram: the planner then leaves these indexes alone and
filters as before, so short words still work, only without the index.

Without `fastupdate`, as for the public search's index (0007): writes go into the index itself
rather than into a pending list that every search must read until VACUUM next runs.

SQLite has no pg_trgm: there the migration does nothing (small installations only). Reversing
drops the indexes but keeps the extension, which other databases' objects may use.
"""

from django.db import migrations

EXPRESSIONS = {
    "decision_reference_trgm": "reference",
    "decision_title_trgm": "title",
    "decision_summary_trgm": "summary",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in EXPRESSIONS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON decisions_decision "
            f"USING gin ((upper({column}::text)) gin_trgm_ops) WITH (fastupdate = off)"
        )
    schema_editor.execute("ANALYZE decisions_decision")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSIONS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0008_register_page_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
