"""The management command that runs an import: check the file, show the plan, then write it
or not (`--dry-run`). An app's command names its importer and what its file holds:

    class Command(ImportCommand):
        help = "Import ... from a CSV or JSON file, all or nothing."
        importer = DecisionImport
        file_help = "A .csv or .json file of decision records."

A file with any problem writes nothing and raises CommandError, so the command exits with a
non-zero status.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commissioning.importing.engine import MAX_FILE_BYTES, Import
from commissioning.importing.problems import ImportRefused
from commissioning.middleware import DATABASE_UNAVAILABLE


class ImportCommand(BaseCommand):
    importer: type[Import]
    file_help = "A .csv or .json file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=self.file_help)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show, row by row, what would be created. Writes nothing.",
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="Whom the records' history names as importer."
        )

    def handle(self, *args, **options) -> None:
        by = self.importer_user(options["user"])
        path = options["file"]
        file = Path(path)
        checked = self.importer(self.read(path), file.name)
        if not checked.is_valid:
            for problem in checked.problems:
                self.stderr.write(str(problem))
            for warning in checked.warnings:
                self.stderr.write(f"Warning: {warning}")
            count = len(checked.problems)
            raise CommandError(
                f"{count} problem{'' if count == 1 else 's'} in {file.name}: nothing was imported."
            )
        nouns = f"{self.importer.noun}s"
        self.stdout.write(checked.report())
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: {len(checked.rows)} {nouns} would be imported from {file.name}. "
                "Nothing was written."
            )
            return
        if by is None:
            self.stdout.write(
                self.style.WARNING("No --user given: the history will not say who imported.")
            )
        try:
            written = checked.write(by=by)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        except DATABASE_UNAVAILABLE as error:
            raise CommandError(
                f"The database could not be reached ({error}): nothing was imported. "
                "Run the import again when it is back."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {written} {nouns} from {file.name}."))

    @staticmethod
    def importer_user(username: str | None):
        """The user the history names as importer: None without --user."""
        if not username:
            return None
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"There is no user called {username!r}.")
        return by

    @staticmethod
    def read(path: str) -> bytes:
        """The file's content, named in a message as the command line named it."""
        file = Path(path)
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            return file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
