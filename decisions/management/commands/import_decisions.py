"""manage.py import_decisions FILE [--dry-run] [--user USERNAME]

Imports historic decision records from CSV or JSON (the format is in the README; an example
is examples/decisions.csv). Every row is checked first; a file with any problem writes nothing
and the command exits with a non-zero status.
"""

from commissioning.importing.command import ImportCommand
from decisions.importing import DecisionImport


class Command(ImportCommand):
    help = "Import historic decision records from a CSV or JSON file, all or nothing."
    importer = DecisionImport
    file_help = "A .csv or .json file of decision records."
