"""Trigram indexes for the contract register's text filter (PostgreSQL only).

`contracts.filters.ContractFilter.search` matches each word anywhere in the reference or the
title, whatever its case; Django writes that on PostgreSQL as
`UPPER("contracts_contract"."title"::text) LIKE UPPER('%word%')`. pg_trgm's GIN operator class
answers that from an index on the same expression, as decisions 0009 does for the decision
register (which see). A word of one or two letters has no trigram and is matched without
the index. SQLite has no pg_trgm: there the migration does nothing. Reversing drops the
indexes but keeps the extension.
"""

from django.db import migrations

EXPRESSIONS = {
    "contract_reference_trgm": "reference",
    "contract_title_trgm": "title",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in EXPRESSIONS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON contracts_contract "
            f"USING gin ((upper({column}::text)) gin_trgm_ops) WITH (fastupdate = off)"
        )
    # Statistics on the new expressions, so that the planner tells a common word from a rare one.
    schema_editor.execute("ANALYZE contracts_contract")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSIONS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0004_partnerposition_as_of_index"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
