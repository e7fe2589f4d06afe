"""The import engine the apps' importers share: reading a CSV or JSON file, checking each
record, and writing the whole file in one transaction (engine.Import), with the management
command that runs an import from the command line (command.ImportCommand).

An app's importer subclasses `Import`, naming its `noun`, and writes `check(text)` (read the
records, check each, plan each row) and `store(by)` (write the plan).
"""

from commissioning.importing.checking import Checker, constraint_keys
from commissioning.importing.engine import MAX_FILE_BYTES, Import
from commissioning.importing.files import (
    Columns,
    Record,
    csv_records,
    decode,
    file_format,
    json_items,
    read_csv,
    unstorable_character,
)
from commissioning.importing.problems import ImportRefused, PlannedRow, Problem
from commissioning.importing.values import (
    DATE_FORMATS,
    MONEY_LIMIT,
    day,
    is_blank,
    normalise_header,
    parse_date,
    parse_flag,
    parse_money,
    similar,
    squash,
)

__all__ = [
    "DATE_FORMATS",
    "MAX_FILE_BYTES",
    "MONEY_LIMIT",
    "Checker",
    "Columns",
    "Import",
    "ImportRefused",
    "PlannedRow",
    "Problem",
    "Record",
    "constraint_keys",
    "csv_records",
    "day",
    "decode",
    "file_format",
    "is_blank",
    "json_items",
    "normalise_header",
    "parse_date",
    "parse_flag",
    "parse_money",
    "read_csv",
    "similar",
    "squash",
    "unstorable_character",
]
