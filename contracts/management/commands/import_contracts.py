"""manage.py import_contracts FILE [--dry-run] [--user USERNAME]

Imports a contract register laid out with the Local Government Transparency Code's columns
(the format is in the README; an example is examples/contracts.csv). Every row is checked
first; a file with any problem writes nothing and the command exits with a non-zero status.
"""

from commissioning.importing.command import ImportCommand
from contracts.importing import ContractImport


class Command(ImportCommand):
    help = "Import contracts from a Transparency Code CSV file (or JSON), all or nothing."
    importer = ContractImport
    file_help = "A .csv (or .json) file of contracts."
