"""Shares of one contract may not add up to more than 100%.

A CHECK constraint sees one row, so the total across a contract's commissioners is kept by a
trigger, written for each database the project supports.
"""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION contracts_commissioner_share_total() RETURNS trigger AS $$
BEGIN
    IF (SELECT COALESCE(SUM(share), 0) FROM contracts_commissioner
        WHERE contract_id = NEW.contract_id) > 100 THEN
        RAISE EXCEPTION 'commissioner_share_total: shares of a contract exceed 100 percent'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER commissioner_share_total
    AFTER INSERT OR UPDATE OF share, contract_id ON contracts_commissioner
    FOR EACH ROW EXECUTE FUNCTION contracts_commissioner_share_total();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS commissioner_share_total ON contracts_commissioner;
DROP FUNCTION IF EXISTS contracts_commissioner_share_total();
"""

SQLITE_INSERT = """
CREATE TRIGGER commissioner_share_total_insert
AFTER INSERT ON contracts_commissioner
WHEN (SELECT COALESCE(SUM(share), 0) FROM contracts_commissioner
      WHERE contract_id = NEW.contract_id) > 100
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: commissioner_share_total');
END;
"""
SQLITE_UPDATE = """
CREATE TRIGGER commissioner_share_total_update
AFTER UPDATE OF share, contract_id ON contracts_commissioner
WHEN (SELECT COALESCE(SUM(share), 0) FROM contracts_commissioner
      WHERE contract_id = NEW.contract_id) > 100
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: commissioner_share_total');
END;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_INSERT)
        schema_editor.execute(SQLITE_UPDATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS commissioner_share_total_insert")
        schema_editor.execute("DROP TRIGGER IF EXISTS commissioner_share_total_update")


class Migration(migrations.Migration):
    dependencies = [("contracts", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
