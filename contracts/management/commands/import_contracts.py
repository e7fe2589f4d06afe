"""manage.py import_contracts FILE [--dry-run] [--user USERNAME]

Imports a contract register laid out with the Local Government Transparency Code's columns
(the format is in the README; an example is examples/contracts.csv). Every row is checked
first; a file with any problem writes nothing and the command exits with a non-zero status.
"""

from django.core.management.base import BaseCommand

from contracts.importing import ContractImport
from decisions.importing import run_import_command


class Command(BaseCommand):
    help = "Import contracts from a Transparency Code CSV file (or JSON), all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv (or .json) file of contracts.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show, row by row, what would be created. Writes nothing.",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Whom the records' history names as importer."
        )

    def handle(self, *args, **options) -> None:
        run_import_command(
            self,
            ContractImport,
            options["file"],
            dry_run=options["dry_run"],
            username=options["user"],
        )
