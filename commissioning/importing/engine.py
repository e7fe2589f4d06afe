"""An import: the checked contents of one file, written all or nothing.

An import has two passes. The first reads the whole file and checks every row against the
register as it stands now, collecting problems (each naming its row, its column and the
reason) and a plan of what each row would create; it writes nothing, so it is also the dry
run. The second pass runs only for a file without problems and writes the whole plan in one
transaction. Every object it saves records the importer and the file in its history.

Rows are numbered as a spreadsheet shows them: in a CSV file the header is row 1 and the first
record row 2; in a JSON file the row is the record's position in the list, from 1.
"""

import hashlib
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from commissioning import audit
from commissioning.importing.checking import Checker
from commissioning.importing.files import (
    Columns,
    Record,
    csv_records,
    decode,
    file_format,
    json_items,
)
from commissioning.importing.problems import ImportRefused, PlannedRow, Problem
from commissioning.limits import (
    FIELD_MAX_CHARACTERS,
    add_parts,
    field_too_long,
    record_too_long,
    text_length,
)
from commissioning.middleware import DATABASE_UNAVAILABLE

# An upload or file larger than this is refused before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024


class Import:
    """The checked contents of one file. `write(by=user)` stores them, all or nothing."""

    noun = "record"
    # The file's columns, those it must have (key: the words for it in a message), and the
    # key of a JSON file's list of records.
    columns: Columns
    required: dict[str, str] = {}
    container = ""
    # The references already in the register, read by `check` before the records are.
    existing_references: set[str]

    def __init__(self, content: bytes | str, filename: str):
        self.filename = PurePath(filename or "upload").name
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: list[PlannedRow] = []
        self.record_rows: set[int] = set()  # the rows of the file's records, sound or not
        self.format = ""
        self.text = ""
        if isinstance(content, bytes) and len(content) > MAX_FILE_BYTES:
            self.problems.append(
                Problem(None, "", f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
            )
            return
        try:
            text = decode(content)
        except ValueError as error:
            self.problems.append(Problem(None, "", str(error)))
            return
        self.text = text
        self.format = file_format(self.filename, text)
        if "\x00" in text:
            # PostgreSQL cannot store a NUL character in text, nor look one up.
            line = text.count("\n", 0, text.index("\x00")) + 1
            self.problems.append(
                Problem(None, "", f"Line {line} holds a null character: remove it and try again.")
            )
            return
        self.check(text)
        if not self.rows and not self.problems:
            self.problems.append(Problem(None, "", f"The file has no {self.noun}s in it."))

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def change_reason(self) -> str:
        # simple-history keeps up to 100 characters of a reason.
        return f"Imported from {self.filename}"[:100]

    def digest(self) -> str:
        """A fingerprint of the plan, to tell whether it changed between check and import."""
        lines = [str(row) for row in self.rows] + [str(w) for w in self.warnings]
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def report(self) -> str:
        """The plan, row by row, and any warnings, as text for the command line."""
        lines = [str(row) for row in self.rows]
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  {warning}" for warning in self.warnings)
        return "\n".join(lines)

    def stamp(self, instance: models.Model, by) -> models.Model:
        """Make the next history record of `instance` name the importer and the file."""
        instance._history_user = by
        instance._change_reason = self.change_reason
        return instance

    def save(self, instance: models.Model, by) -> models.Model:
        self.stamp(instance, by)
        instance.save()
        return instance

    def save_under(self, parent: models.Model, field: str, rows: Iterable[Any], by) -> None:
        """Each of `rows` (or None, passed over) saved as the `field` of `parent`, which is
        saved already."""
        for row in rows:
            if row is not None:
                setattr(row, field, parent)
                self.save(row, by)

    def write(self, *, by) -> int:
        """Write everything the file holds, in one transaction; the number of rows written.

        The import goes in the audit log in the same transaction: who imported which file,
        and the references it brought in. A decision imported as published was signed off
        outside the register, so this entry is where its arrival is accounted for."""
        if not self.is_valid:
            raise ImportRefused(self.problems)
        try:
            with transaction.atomic():
                self.store(by)
                audit.record(
                    f"import.{self.noun}s",
                    actor=by,
                    details={
                        "file": self.filename,
                        "digest": self.digest(),
                        "references": [row.reference for row in self.rows],
                    },
                )
        except DATABASE_UNAVAILABLE:
            # The database went away (or a lock wait ran out) part way: nothing was written,
            # and the register did not refuse the file. The pages answer 503, try again
            # shortly (commissioning.middleware.DatabaseUnavailableMiddleware), and the check
            # stays open to be imported then.
            raise
        except (DatabaseError, ValidationError) as error:
            # Something changed since the check, or a rule only the database knows: nothing
            # was written, and the person importing is told rather than shown a server error.
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ImportRefused(
                [Problem(None, "", f"Nothing was imported: the register refused it ({reason}).")]
            ) from error
        return len(self.rows)

    def csv_records(self, text: str, columns: Columns, required: dict[str, str]) -> list[Record]:
        """The records of a CSV file. A column `required` names (key: the words for it) that
        the file lacks is a problem, when the file has any records."""
        provided, records = csv_records(text, columns, self.problems, self.warnings)
        if records:
            for key, words in required.items():
                if key not in provided:
                    self.problems.append(
                        Problem(1, words, f"The file has no {words} column, which is required.")
                    )
        return records

    def plan_row(self, check: Checker, seen: dict[str, int]) -> PlannedRow:
        """The plan of a record, by its reference and title, both required. A reference is
        refused when an earlier row of the file (`seen`) or the register
        (`self.existing_references`) has it already."""
        record = check.record
        reference = check.text("reference", required=True, what=f"The {self.noun}'s reference")
        title = check.text("title", required=True, what=f"The {self.noun}'s title")
        if reference in seen:
            check.error("reference", f"{reference} is also in row {seen[reference]} of this file.")
        elif reference in self.existing_references:
            check.error("reference", f"{reference} is already in the register.")
        if reference:
            seen.setdefault(reference, record.row)
        return PlannedRow(row=record.row, reference=reference, title=title)

    def check(self, text: str) -> None:
        """Read the file's records, read what the register holds of them, check each record,
        then what they create together. Without problems, `self.rows` is the plan."""
        self.prepare()
        if self.format == "json":
            items = json_items(text, self.container, self.problems)
            records = [self.json_record(number, item) for number, item in items]
        else:
            records = self.csv_records(text, self.columns, self.required)
        self.record_rows = {record.row for record in records}
        if self.format != "json" and self.problems:
            return
        self.load_register(records)
        seen: dict[str, int] = {}
        for record in records:
            if self.within_limits(record):
                self.check_record(record, seen)
        self.settle()

    def within_limits(self, record: Record) -> bool:
        """Whether the record's text keeps to the register's limits
        (commissioning.limits): no field over FIELD_MAX_CHARACTERS, and not more than
        RECORD_MAX_CHARACTERS in all. A record over them is a problem naming the field, or
        its largest fields, and is not checked further."""
        parts: dict[str, int] = {}
        fits = True
        for key, value in record.values.items():
            label = record.label(key)
            characters = text_length(value)
            add_parts(parts, label, characters)
            if characters > FIELD_MAX_CHARACTERS:
                fits = False
                self.problems.append(
                    Problem(record.row, label, field_too_long("the text here", characters) + ".")
                )
        problem = record_too_long(parts, noun=self.noun)
        if problem:
            fits = False
            self.problems.append(Problem(record.row, "", problem))
        return fits

    def prepare(self) -> None:
        """Set up what the checks collect (new records to make), before any is read."""

    def json_record(self, number: int, item: dict) -> Record:
        """One object of a JSON file as a record: its fields named as the columns are."""
        record = Record(row=number)
        for name, value in item.items():
            key = self.columns.key(name)
            if key is None:
                self.warnings.append(Problem(number, name, "Not a field this import knows."))
                continue
            record.values[key] = value
            record.labels[key] = name
        return record

    def load_register(self, records: list[Record]) -> None:
        """Read what the register holds of the records (`existing_references` at least)."""
        raise NotImplementedError

    def check_record(self, record: Record, seen: dict[str, int]) -> None:
        """Check one record; plan its row in `self.rows` if it has no problem."""
        raise NotImplementedError

    def settle(self) -> None:
        """Check what the records create together. A file with problems plans nothing."""
        if self.problems:
            self.rows = []

    def store(self, by) -> None:
        raise NotImplementedError
