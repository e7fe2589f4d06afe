"""Importing historic decision records from a CSV or JSON file, on the import engine of
commissioning.importing (read, check every record, then write all or nothing).

- columns: the columns of a decision file and the words its values may be written in;
- flattening: a nested JSON decision flattened to the keys of a CSV row;
- decision_import: `DecisionImport`, checking each record and the register it joins;
- sections, parts, signatures: the checks of a record's sections and form, its comments,
  awards and links, and its signatures;
- writing: the plan in words, and the writing of the file.
"""

from commissioning.importing import (
    MAX_FILE_BYTES,
    Import,
    ImportRefused,
    PlannedRow,
    Problem,
    parse_date,
    parse_money,
)
from decisions.importing.columns import guess_reference_format, heading_key
from decisions.importing.decision_import import DecisionImport
from decisions.importing.sections import wholly_confidential_placeholder

__all__ = [
    "MAX_FILE_BYTES",
    "DecisionImport",
    "Import",
    "ImportRefused",
    "PlannedRow",
    "Problem",
    "guess_reference_format",
    "heading_key",
    "parse_date",
    "parse_money",
    "wholly_confidential_placeholder",
]
