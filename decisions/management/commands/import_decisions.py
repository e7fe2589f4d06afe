"""manage.py import_decisions FILE [--dry-run] [--user USERNAME]

Imports historic decision records from CSV or JSON (the format is in the README; an example
is examples/decisions.csv). Every row is checked first; a file with any problem writes nothing
and the command exits with a non-zero status.
"""

from django.core.management.base import BaseCommand

from decisions.importing import DecisionImport, run_import_command


class Command(BaseCommand):
    help = "Import historic decision records from a CSV or JSON file, all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A .csv or .json file of decision records.")
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
            DecisionImport,
            options["file"],
            dry_run=options["dry_run"],
            username=options["user"],
        )
