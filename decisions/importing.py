"""Importing historic records: reading a CSV or JSON file, checking it, then writing it.

An import has two passes. The first reads the whole file and checks every row against the
register as it stands now, collecting problems (each naming its row, its column and the
reason) and a plan of what each row would create; it writes nothing, so it is also the dry
run. The second pass runs only for a file without problems and writes the whole plan in one
transaction. Every object it saves records the importer and the file in its history.

This module holds the reading and checking shared with contracts/importing.py, and the
import of decision records.

Rows are numbered as a spreadsheet shows them: in a CSV file the header is row 1 and the first
record row 2; in a JSON file the row is the record's position in the list, from 1.
"""

import csv
import datetime
import difflib
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import update_change_reason

from commissioning import audit
from commissioning.middleware import DATABASE_UNAVAILABLE
from decisions.models import (
    Award,
    CommentRole,
    Confidentiality,
    Decision,
    DecisionCategory,
    DecisionLink,
    DecisionMaker,
    DecisionSection,
    DecisionStatus,
    DecisionTemplate,
    Delegation,
    Exemption,
    LinkKind,
    Signature,
    StatutoryComment,
    TemplateSection,
    WorkflowStep,
)
from decisions.publication import public_search_text
from decisions.workflow import content_hash

# An upload or file larger than this is refused before it is read.
MAX_FILE_BYTES = 5 * 1024 * 1024


# -- problems and plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something wrong (or worth a second look) in the file: where, and why."""

    row: int | None  # None: the file as a whole
    column: str
    reason: str

    @property
    def where(self) -> str:
        place = "File" if self.row is None else f"Row {self.row}"
        return f"{place}, column {self.column}" if self.column else place

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class PlannedRow:
    """What one row of the file would create."""

    row: int
    reference: str
    title: str
    actions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"Row {self.row}: {self.reference} {self.title}".rstrip()]
        lines.extend(f"  - {action}" for action in self.actions)
        return "\n".join(lines)


class ImportRefused(Exception):
    """Raised by `write` when the file has problems, or the database refused a row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


# -- reading values --------------------------------------------------------------------------


def normalise_header(header: str) -> str:
    """How column names are compared: case, spaces and punctuation do not matter."""
    return re.sub(r"[^a-z0-9]", "", str(header).casefold())


def squash(text: str) -> str:
    """Text compared loosely: case and runs of spaces do not matter."""
    return " ".join(str(text).split()).casefold()


_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
DATE_FORMATS = [
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%d %B, %Y",
    "%B %d %Y",
    "%B %d, %Y",
]


def parse_date(value) -> datetime.date:
    """A date as offices write them: 2018-04-01, 01/04/2018 or 1 April 2018. ValueError if not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = " ".join(str(value).split())
    text = _ORDINAL.sub("", text)
    # A timestamp from a spreadsheet or an export: keep the day.
    text = re.sub(
        r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", r"\1", text
    )
    text = re.sub(r"^(\d{1,2}/\d{1,2}/\d{2,4}) \d{1,2}:\d{2}(:\d{2})?$", r"\1", text)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


# Money is stored with 14 digits, two of them pence.
MONEY_LIMIT = Decimal(10) ** 12


def parse_money(value) -> Decimal:
    """An amount in pounds: £1,234.56, 1234.5 or 1,234. ValueError if not."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    text = re.sub(r"(?i)^(gbp|£)|(gbp)$", "", text).lstrip("£")
    if text.startswith("-£"):
        text = "-" + text[2:]
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(value)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None


YES = {"yes", "y", "true", "t", "1", "x"}
NO = {"no", "n", "false", "f", "0"}


def parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(value)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def similar(a: str, b: str) -> float:
    """How alike two (normalised) names are, from 0 to 1."""
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.85 or matcher.quick_ratio() < 0.85:
        return 0.0
    return matcher.ratio()


# -- reading files ---------------------------------------------------------------------------


@dataclass
class Record:
    """One record of the file: its values under canonical keys, and the file's own names."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def has(self, key: str) -> bool:
        return not is_blank(self.values.get(key))


def decode(content: bytes | str) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252.

    Spreadsheets saved as CSV on Windows often use Windows-1252, where £ is one byte.
    """
    if isinstance(content, str):
        return content
    if b"\x00" in content[:4096]:
        raise ValueError("This is not a text file: save it as CSV (UTF-8) or JSON.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def file_format(filename: str, text: str) -> str:
    """ "json" or "csv": by the file's extension, else by its first character."""
    suffix = PurePath(filename or "").suffix.casefold()
    if suffix == ".json":
        return "json"
    if suffix in {".csv", ".tsv", ".txt"}:
        return "csv"
    return "json" if text.lstrip()[:1] in {"[", "{"} else "csv"


def read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows, each with its spreadsheet row number.

    The delimiter is whichever of comma, semicolon or tab the header uses most.
    """
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(reader, start=1):
        if header is None:
            if not any(cell.strip() for cell in cells):
                raise ValueError("The first row must name the columns, but it is empty.")
            header = [cell.strip() for cell in cells]
            continue
        if any(cell.strip() for cell in cells):
            rows.append((number, cells))
    if header is None:
        raise ValueError("The file is empty.")
    return header, rows


class Columns:
    """Maps a file's column names (loosely compared) onto the importer's canonical keys."""

    def __init__(self, aliases: dict[str, Iterable[str]], patterns=None):
        self.lookup: dict[str, str] = {}
        for key, names in aliases.items():
            self.lookup[normalise_header(key)] = key
            for name in names:
                self.lookup[normalise_header(name)] = key
        # Functions of the normalised name returning a key, or None: numbered columns.
        self.patterns: list[Callable[[str], str | None]] = list(patterns or [])

    def key(self, name: str) -> str | None:
        normalised = normalise_header(name)
        if normalised in self.lookup:
            return self.lookup[normalised]
        for pattern in self.patterns:
            found = pattern(normalised)
            if found:
                return found
        return None


def csv_records(
    text: str, columns: Columns, problems: list[Problem], warnings: list[Problem]
) -> tuple[set[str], list[Record]]:
    """The CSV file's records, and the canonical keys its header provides."""
    try:
        header, rows = read_csv(text)
    except (ValueError, csv.Error) as error:
        problems.append(Problem(None, "", f"The file cannot be read as CSV: {error}"))
        return set(), []
    keys: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, name in enumerate(header):
        if not name:
            continue
        key = columns.key(name)
        if key is None:
            warnings.append(Problem(1, name, "Not a column this import knows: it is ignored."))
            continue
        if key in seen:
            problems.append(
                Problem(1, name, f"This column repeats the column {seen[key]!r}: keep one.")
            )
            continue
        seen[key] = name
        keys[position] = key
    records = []
    for number, cells in rows:
        record = Record(row=number)
        for position, cell in enumerate(cells):
            if position >= len(header):
                if cell.strip():
                    problems.append(
                        Problem(number, "", "This row has more cells than there are columns.")
                    )
                    break
                continue
            if position in keys:
                record.values[keys[position]] = cell
                record.labels[keys[position]] = header[position]
        records.append(record)
    return set(seen), records


def json_items(text: str, container: str, problems: list[Problem]) -> list[dict]:
    """The list of objects in a JSON file: the top-level list, or the one under `container`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(None, "", f"The file is not valid JSON: {error.msg} at line {error.lineno}.")
        )
        return []
    if isinstance(data, dict) and container in data:
        data = data[container]
    if not isinstance(data, list):
        problems.append(
            Problem(None, "", f'The file must hold a list of records, or {{"{container}": [...]}}.')
        )
        return []
    items = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(number, "", "Each record must be a JSON object."))
            continue
        if holds_nul(item):
            problems.append(
                Problem(number, "", "This record holds a null character (\\u0000): remove it.")
            )
            continue
        items.append((number, item))
    return items


def holds_nul(value) -> bool:
    """Whether a JSON value holds a NUL character anywhere, keys included."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(each) for key, each in value.items())
    if isinstance(value, list):
        return any(holds_nul(each) for each in value)
    return False


# -- checking one record ---------------------------------------------------------------------


class Checker:
    """Reads one record's values, noting a problem for each one that does not make sense."""

    def __init__(self, record: Record, problems: list[Problem], warnings: list[Problem]):
        self.record = record
        self.problems = problems
        self.warnings = warnings
        self.failed = False

    def error(self, key: str, reason: str) -> None:
        self.failed = True
        self.problems.append(Problem(self.record.row, self.record.label(key), reason))

    def warn(self, key: str, reason: str) -> None:
        self.warnings.append(Problem(self.record.row, self.record.label(key), reason))

    def raw(self, key: str):
        return self.record.values.get(key)

    def has(self, key: str) -> bool:
        return self.record.has(key)

    def text(self, key: str, *, required: bool = False, what: str = "") -> str:
        value = self.raw(key)
        if is_blank(value):
            if required:
                self.error(key, f"{what or 'A value'} is needed here.")
            return ""
        if isinstance(value, dict | list):
            self.error(key, "Expected text here.")
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value).strip().replace("\r\n", "\n")

    def date(self, key: str) -> datetime.date | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return parse_date(value)
        except (ValueError, TypeError):
            self.error(
                key,
                f"{value!r} is not a date: write it as 2018-04-01, 01/04/2018 or 1 April 2018.",
            )
            return None

    def money(self, key: str) -> Decimal | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            amount = parse_money(value)
            if not amount.is_finite():  # JSON's Infinity and NaN
                raise ValueError(value)
            # Past the decimal context's 28 digits, rounding to pence itself fails.
            in_pence = amount.quantize(Decimal("0.01"))
        except (ValueError, TypeError, InvalidOperation):
            self.error(key, f"{value!r} is not an amount of money, such as £12,500.00.")
            return None
        if amount != in_pence:
            self.error(key, f"{value!r} has more than two decimal places.")
            return None
        if abs(amount) >= MONEY_LIMIT:
            self.error(key, f"{value!r} is too large: amounts go up to £999,999,999,999.99.")
            return None
        return amount

    def flag(self, key: str) -> bool | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return parse_flag(value)
        except ValueError:
            self.error(key, f"{value!r} is not yes or no.")
            return None

    def whole_number(self, key: str) -> int | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 0:
            self.error(key, f"{value!r} is not a whole number.")
            return None
        return number

    def items(self, key: str) -> list[str]:
        """A list, or text with the items separated by semicolons or new lines."""
        value = self.raw(key)
        if is_blank(value):
            return []
        parts = value if isinstance(value, list) else re.split(r"[;\n]", str(value))
        return [str(part).strip() for part in parts if not is_blank(part)]

    def choice(
        self, key: str, words: dict[str, str], *, accepted: str, default: str | None = None
    ) -> str | None:
        """One of `words` (compared loosely), or `default` when blank. `accepted` says, for
        the message, which values are accepted."""
        value = self.raw(key)
        if is_blank(value):
            return default
        lookup = {normalise_header(word): meaning for word, meaning in words.items()}
        found = lookup.get(normalise_header(value))
        if found is None:
            self.error(key, f"{value!r} is not one of the accepted values: {accepted}.")
        return found

    def model_errors(
        self,
        instance: models.Model,
        fields: dict[str, str],
        constraints: dict[str, str] | None = None,
        *,
        exclude: Iterable[str] = (),
    ) -> None:
        """Run the model's own validation and report each message against its column.

        `fields` maps model fields to keys of this record; `constraints` maps constraint names
        (or their ends) to keys, for the rules the database states as check constraints.
        """
        try:
            instance.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as invalid:
            by_message = constraint_keys(type(instance), constraints or {})
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    if name == NON_FIELD_ERRORS:
                        key = by_message.get(message, "")
                    else:
                        key = fields.get(name, name)
                    self.error(key, message)


def constraint_keys(model: type[models.Model], wanted: dict[str, str]) -> dict[str, str]:
    """The violation message of each wanted constraint, mapped to the key it concerns."""
    found = {}
    for constraint in model._meta.constraints:
        for end, key in wanted.items():
            if constraint.name.endswith(end):
                found[str(constraint.get_violation_error_message())] = key
    return found


# -- an import -------------------------------------------------------------------------------


class Import:
    """The checked contents of one file. `write(by=user)` stores them, all or nothing."""

    noun = "record"

    def __init__(self, content: bytes | str, filename: str):
        self.filename = PurePath(filename or "upload").name
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rows: list[PlannedRow] = []
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

    def check(self, text: str) -> None:
        raise NotImplementedError

    def store(self, by) -> None:
        raise NotImplementedError


# -- decisions: the columns ------------------------------------------------------------------

SECTION_ATTRIBUTES = {
    "heading": ["heading", "title"],
    "part": ["part"],
    "text": ["text", "content", "body"],
    "withheld": ["withheld", "iswithheld"],
    "exemption": ["exemption", "foiexemption"],
    "exemption_other": ["exemptionother", "otherexemption"],
    "public_interest": ["publicinterest", "publicintereststatement", "publicinteresttest"],
    "release_on": ["releaseon", "releasedate", "mayBeReleasedFrom"],
}
SECTION_WORDS = {
    normalise_header(name): attribute
    for attribute, names in SECTION_ATTRIBUTES.items()
    for name in [attribute, *names]
}

COMMENT_ROLES = {
    "treasurer": CommentRole.TREASURER,
    "monitoring_officer": CommentRole.MONITORING_OFFICER,
    "chief_officer": CommentRole.CHIEF_OFFICER,
}
COMMENT_ROLE_WORDS = {
    "treasurer": "treasurer",
    "chieffinanceofficer": "treasurer",
    "monitoringofficer": "monitoring_officer",
    "chiefexecutive": "monitoring_officer",
    "chiefexecutiveandmonitoringofficer": "monitoring_officer",
    "chiefofficer": "chief_officer",
    "chiefconstable": "chief_officer",
}


def _comment_aliases() -> dict[str, list[str]]:
    aliases = {}
    for prefix in COMMENT_ROLES:
        words = prefix.replace("_", " ")
        aliases[f"{prefix}_comment"] = [
            f"{words} comments",
            f"comments from the {words}",
            f"comment from the {words}",
        ]
        aliases[f"{prefix}_name"] = [f"{words} name", f"{words} person"]
        aliases[f"{prefix}_comment_on"] = [
            f"{words} comment date",
            f"{words} commented on",
            f"{words} comments date",
        ]
    return aliases


DECISION_COLUMNS = {
    "reference": ["decision reference", "decision reference number", "reference number", "ref"],
    "title": ["decision title"],
    "form": ["template", "decision form", "form name"],
    "reference_format": [],
    "category": [],
    "author_name": ["author"],
    "author_job_role": ["author job title", "author role"],
    "lead_officers": ["lead officer", "lead officer(s)"],
    "decision_maker": ["decision taken by"],
    "decision_maker_name": ["name of the decision maker", "commissioner name"],
    "delegate_name": ["delegate"],
    "delegate_role": ["delegate job title"],
    "delegation_instrument": ["delegation", "instrument", "delegated under"],
    "delegation_starts_on": ["delegation start date"],
    "force_business": ["is force business"],
    "chief_officer_approved_on": [
        "date approved by chief officer",
        "if force business date approved by chief officer",
    ],
    "received_on": ["date received"],
    "decided_on": ["decision date", "date of decision", "date", "date decided"],
    "signed_on": ["date signed", "signature date"],
    "published_on": ["date published", "publication date"],
    "status": ["record status"],
    "confidentiality": ["confidentiality status"],
    "late_publication_reason": ["why published late"],
    "summary": ["decision summary", "executive summary"],
    "public_subject": ["subject", "public subject"],
    "declaration_of_interests": ["declaration of interest", "declarations of interest"],
    "signed_by": ["signatory", "signature name"],
    "signature": ["signature as recorded", "signature note"],
    "signature_kind": ["signature type"],
    "signed_as": ["signature capacity", "signatory capacity"],
    "signature_signed_on": ["signature signed on"],
    "signature_step": ["signature step"],
    "contracts": ["contract references"],
    **_comment_aliases(),
}


def section_key(normalised: str) -> str | None:
    """section_3_heading and friends ("Section 3 heading" works too)."""
    match = re.fullmatch(r"section(\d+)([a-z]+)", normalised)
    if not match or int(match[1]) < 1:
        return None
    attribute = SECTION_WORDS.get(match[2])
    return f"section_{int(match[1])}_{attribute}" if attribute else None


DECISION_FILE_COLUMNS = Columns(DECISION_COLUMNS, [section_key])

STATUS_WORDS = {
    "published": DecisionStatus.PUBLISHED,
    "approved": DecisionStatus.APPROVED,
    "decided": DecisionStatus.APPROVED,
    "signed": DecisionStatus.APPROVED,
    "not approved": DecisionStatus.NOT_APPROVED,
    "rejected": DecisionStatus.NOT_APPROVED,
    "withdrawn": DecisionStatus.WITHDRAWN,
    "superseded": DecisionStatus.SUPERSEDED,
}
MAKER_WORDS = {
    "pcc": DecisionMaker.PCC,
    "commissioner": DecisionMaker.PCC,
    "policeandcrimecommissioner": DecisionMaker.PCC,
    "thepoliceandcrimecommissioner": DecisionMaker.PCC,
    "delegate": DecisionMaker.DELEGATE,
    "delegation": DecisionMaker.DELEGATE,
    "officerunderdelegation": DecisionMaker.DELEGATE,
    "anofficerunderdelegation": DecisionMaker.DELEGATE,
}
CONFIDENTIALITY_WORDS = {
    "non": Confidentiality.NON,
    "nonconfidential": Confidentiality.NON,
    "none": Confidentiality.NON,
    "public": Confidentiality.NON,
    "partly": Confidentiality.PARTLY,
    "partlyconfidential": Confidentiality.PARTLY,
    "partconfidential": Confidentiality.PARTLY,
    "confidential": Confidentiality.CONFIDENTIAL,
    "whollyconfidential": Confidentiality.CONFIDENTIAL,
}
SIGNATURE_KINDS = {"electronic": "electronic", "wet": "wet", "wetsignature": "wet"}
# The steps of the sign-off that record a signature, by code or by name.
SIGNATURE_STEPS = {
    **{
        step.value: step
        for step in (
            WorkflowStep.SIGN_OFF,
            WorkflowStep.COMMENT,
            WorkflowStep.APPROVE_FORCE_BUSINESS,
            WorkflowStep.APPROVE,
            WorkflowStep.DECLINE,
        )
    },
    "treasurer": WorkflowStep.SIGN_OFF,
    "monitoring_officer": WorkflowStep.COMMENT,
    "chief_officer": WorkflowStep.APPROVE_FORCE_BUSINESS,
}
SIGNATURE_STEP_CODES = "sign_off, comment, approve_force_business, approve or decline"

# The fields of one grant or award in a JSON record's "awards" list, as the export writes them
# and under other names a file might give them.
AWARD_FIELDS = {
    "recipient": "recipient",
    "to": "recipient",
    "amount": "amount",
    "value": "amount",
    "purpose": "purpose",
    "for": "purpose",
}


# The fields of one link in a JSON record's "links" list: how the decision stands to another
# decision, named by its reference.
LINK_FIELDS = {
    "kind": "kind",
    "reference": "reference",
    "to": "reference",
    "decision": "reference",
}
LINK_KIND_WORDS = {normalise_header(value): value for value in LinkKind.values} | {
    normalise_header(label): value for value, label in LinkKind.choices
}


# A signature object's fields in a JSON file, and what each is called among the record's keys.
SIGNATURE_FIELDS = {
    "signedby": "signed_by",
    "by": "signed_by",
    "name": "signed_by",
    "kind": "kind",
    "type": "kind",
    "note": "note",
    "asrecorded": "note",
    "text": "note",
    "signedas": "signed_as",
    "capacity": "signed_as",
    "signedon": "signed_on",
    "date": "signed_on",
    "step": "step",
}
# The single signature's keys (a CSV's columns, or a JSON record's "signature" object).
SIGNATURE_KEYS = {
    "signed_by": "signed_by",
    "note": "signature",
    "kind": "signature_kind",
    "signed_as": "signed_as",
    "signed_on": "signature_signed_on",
    "step": "signature_step",
}


def listed_signature_keys(number: int) -> dict[str, str]:
    """The keys of the `number`th signature of a JSON record's "signatures" list."""
    return {name: f"signature_{number}_{name}" for name in SIGNATURE_KEYS}


EXEMPTION_CODES = ", ".join(Exemption.values[:-1]) + " or other"
EXEMPTION_WORDS = {
    "tradesecrets": Exemption.S43_1,
    "commercialinterests": Exemption.S43_2,
    "commerciallysensitive": Exemption.S43_2,
    "personalinformation": Exemption.S40,
    "personaldata": Exemption.S40,
    "informationprovidedinconfidence": Exemption.S41,
    "providedinconfidence": Exemption.S41,
    "lawenforcement": Exemption.S31,
    "prohibitionsondisclosure": Exemption.S44,
    "statutoryprohibition": Exemption.S44,
    "other": Exemption.OTHER,
}


def parse_exemption(value: str) -> str | None:
    """s43_2, s.43(2), Section 43(2) or "commercial interests" all mean the same exemption."""
    key = normalise_header(value)
    if key in EXEMPTION_WORDS:
        return EXEMPTION_WORDS[key]
    key = key.removeprefix("section").removeprefix("s").removesuffix("foia")
    match = re.fullmatch(r"(\d\d)(\d*)(foia)?", key)
    if not match:
        return None
    section, subsection = match[1], match[2]
    if section == "43":
        return {"1": Exemption.S43_1, "2": Exemption.S43_2}.get(subsection)
    return {"40": Exemption.S40, "41": Exemption.S41, "31": Exemption.S31, "44": Exemption.S44}.get(
        section
    )


_NUMBERING = re.compile(r"^\s*(\d+(\.\d+)*|[a-z])[.)]\s+", re.IGNORECASE)


def heading_key(heading: str) -> str:
    """Headings compared loosely: "1. Background information:" matches "Background information"."""
    return squash(_NUMBERING.sub("", heading)).rstrip(" :.")


def guess_reference_format(reference: str) -> str:
    """A reference scheme guessed from one reference: WPCC3-0058 gives WPCC3-{number:04}.

    A four-digit year becomes {year}; the longest other run of digits is the number.
    """
    runs = list(re.finditer(r"\d+", reference))
    if not runs:
        return reference.replace("{", "{{").replace("}", "}}") + "-{number}"
    year = None
    if len(runs) > 1:
        year = next((run for run in runs if re.fullmatch(r"(19|20)\d\d", run[0])), None)
    candidates = [run for run in runs if run is not year]
    number = max(candidates, key=lambda run: len(run[0]))
    result, last = "", 0
    for run in sorted([r for r in (year, number) if r is not None], key=lambda r: r.start()):
        result += reference[last : run.start()].replace("{", "{{").replace("}", "}}")
        if run is year:
            result += "{year}"
        else:
            digits = run[0]
            result += f"{{number:0{len(digits)}}}" if digits.startswith("0") else "{number}"
        last = run.end()
    return result + reference[last:].replace("{", "{{").replace("}", "}}")


# -- decisions: flattening JSON --------------------------------------------------------------


def flatten_decision(number: int, item: dict, warnings: list[Problem], problems: list[Problem]):
    """A JSON decision as a Record with the same keys as a CSV row.

    Sections, comments and the signature may be nested; their labels are JSON paths.
    """
    record = Record(row=number)

    def put(key: str, value, label: str) -> None:
        record.values[key] = value
        record.labels[key] = label

    def put_listed(name: str, value, noun: str, fields: tuple[str, ...], words: dict) -> None:
        """A list of objects (sections, awards, links, signatures) under `{noun}_{index}_{field}`
        keys.
        Each of `fields` is named by its path in the file even when an object leaves it out,
        so that a missing one is reported there."""
        if not isinstance(value, list):
            problems.append(Problem(number, name, f"{noun.capitalize()}s must be a list."))
            return
        for index, listed in enumerate(value, start=1):
            if not isinstance(listed, dict):
                problems.append(
                    Problem(number, f"{name}[{index}]", f"Each {noun} must be an object.")
                )
                continue
            for field_name in fields:
                put(f"{noun}_{index}_{field_name}", "", f"{name}[{index}].{field_name}")
            for attribute_name, attribute_value in listed.items():
                field_name = words.get(normalise_header(attribute_name))
                label = f"{name}[{index}].{attribute_name}"
                if field_name is None:
                    warnings.append(Problem(number, label, "Not a field this import knows."))
                    continue
                put(f"{noun}_{index}_{field_name}", attribute_value, label)

    for name, value in item.items():
        normalised = normalise_header(name)
        if normalised == "sections":
            put_listed(name, value, "section", (), SECTION_WORDS)
        elif normalised == "comments":
            if not isinstance(value, list):
                problems.append(Problem(number, name, "Comments must be a list."))
                continue
            for index, comment in enumerate(value, start=1):
                label = f"{name}[{index}]"
                if not isinstance(comment, dict):
                    problems.append(Problem(number, label, "Each comment must be an object."))
                    continue
                role = COMMENT_ROLE_WORDS.get(normalise_header(comment.get("role", "")))
                if role is None:
                    problems.append(
                        Problem(
                            number,
                            f"{label}.role",
                            f"{comment.get('role', '')!r} is not treasurer, monitoring_officer "
                            "or chief_officer.",
                        )
                    )
                    continue
                if f"{role}_comment" in record.values:
                    problems.append(
                        Problem(number, f"{label}.role", "There is already a comment in this role.")
                    )
                    continue
                record.values[f"{role}_comment"] = ""
                for attribute_name, attribute_value in comment.items():
                    attribute = normalise_header(attribute_name)
                    key = {
                        "text": f"{role}_comment",
                        "comment": f"{role}_comment",
                        "person": f"{role}_name",
                        "name": f"{role}_name",
                        "madeon": f"{role}_comment_on",
                        "date": f"{role}_comment_on",
                    }.get(attribute)
                    if attribute == "role":
                        continue
                    if key is None:
                        warnings.append(
                            Problem(
                                number,
                                f"{label}.{attribute_name}",
                                "Not a field this import knows.",
                            )
                        )
                        continue
                    put(key, attribute_value, f"{label}.{attribute_name}")
                record.labels.setdefault(f"{role}_comment", f"{label}.text")
        elif normalised == "signature" and isinstance(value, dict):
            for attribute_name, attribute_value in value.items():
                field_name = SIGNATURE_FIELDS.get(normalise_header(attribute_name))
                label = f"{name}.{attribute_name}"
                if field_name is None:
                    warnings.append(Problem(number, label, "Not a field this import knows."))
                    continue
                put(SIGNATURE_KEYS[field_name], attribute_value, label)
        elif normalised == "awards":
            put_listed(name, value, "award", ("recipient", "amount", "purpose"), AWARD_FIELDS)
        elif normalised == "links":
            put_listed(name, value, "link", ("kind", "reference"), LINK_FIELDS)
        elif normalised == "signatures":
            # Several signatures, as the register's own export gives them: each names the
            # step of the sign-off it was given at (under `listed_signature_keys`).
            put_listed(name, value, "signature", (), SIGNATURE_FIELDS)
        else:
            key = DECISION_FILE_COLUMNS.key(name)
            if key is None:
                warnings.append(Problem(number, name, "Not a field this import knows: ignored."))
                continue
            put(key, value, name)
    return record


# -- decisions: the import -------------------------------------------------------------------

IMPORTED_DELEGATION_SCOPE = (
    "Not recorded. This delegation was added when historic decisions citing it were imported; "
    "its instrument sets out what the delegate may decide."
)


@dataclass
class NewTemplate:
    """A form to be made from the headings of the file's records."""

    template: DecisionTemplate
    sections: dict[str, TemplateSection] = field(default_factory=dict)  # by heading key
    announced: bool = False  # whether a row of the plan already says it is made


@dataclass
class DecisionDraft:
    record: Record
    decision: Decision
    final_status: str
    template: DecisionTemplate
    category: DecisionCategory | None
    delegation: Delegation | None
    sections: list[tuple[DecisionSection, str]]  # section, heading key
    comments: list[StatutoryComment]
    signature: Signature | None
    signature_kind: str
    contracts: list
    # The signatures of a "signatures" list, each with its kind (electronic or wet).
    signatures: list[tuple[Signature, str]] = field(default_factory=list)
    # The grants or awards of an "awards" list.
    awards: list[Award] = field(default_factory=list)
    # The links of a "links" list: (kind, the other decision's reference).
    links: list[tuple[str, str]] = field(default_factory=list)


class DecisionImport(Import):
    """Decision records from a CSV or JSON file."""

    noun = "decision"

    def check(self, text: str) -> None:
        self.drafts: list[DecisionDraft] = []
        self.new_categories: dict[str, DecisionCategory] = {}
        self.new_templates: dict[str, NewTemplate] = {}
        self.new_delegations: dict[tuple[str, str], tuple[Delegation, list[Record]]] = {}

        if self.format == "json":
            records = [
                flatten_decision(number, item, self.warnings, self.problems)
                for number, item in json_items(text, "decisions", self.problems)
            ]
        else:
            provided, records = csv_records(
                text, DECISION_FILE_COLUMNS, self.problems, self.warnings
            )
            for key in ("reference", "title"):
                if records and key not in provided:
                    self.problems.append(
                        Problem(1, key, f"The file has no {key} column, which is required.")
                    )
            if self.problems:
                return
        self.load_register(records)
        seen: dict[str, int] = {}
        for record in records:
            self.check_record(record, seen)
        self.settle_new_records()

    # The register as it stands, read once.

    def load_register(self, records: list[Record]) -> None:
        from contracts.models import Contract

        references = {
            str(record.values.get("reference", "")).strip()
            for record in records
            if record.has("reference")
        }
        self.existing_references = set(
            Decision.objects.filter(reference__in=references).values_list("reference", flat=True)
        )
        self.file_references = references
        linked = {
            str(value).strip()
            for record in records
            for key, value in record.values.items()
            if key.startswith("link_") and key.endswith("_reference") and isinstance(value, str)
        }
        self.linked_decisions = {
            decision.reference: decision
            for decision in Decision.objects.filter(reference__in=linked - references)
        }
        self.templates = list(DecisionTemplate.objects.prefetch_related("sections"))
        self.template_names = {squash(t.name): t for t in self.templates}
        self.categories = {squash(c.name): c for c in DecisionCategory.objects.all()}
        self.delegations = list(Delegation.objects.all())
        wanted = set()
        for record in records:
            wanted.update(Checker(record, [], []).items("contracts"))
        self.contracts = {c.reference: c for c in Contract.objects.filter(reference__in=wanted)}

    def check_record(self, record: Record, seen: dict[str, int]) -> None:
        check = Checker(record, self.problems, self.warnings)
        reference = check.text("reference", required=True, what="The decision's reference")
        title = check.text("title", required=True, what="The decision's title")
        if reference in seen:
            check.error("reference", f"{reference} is also in row {seen[reference]} of this file.")
        elif reference in self.existing_references:
            check.error("reference", f"{reference} is already in the register.")
        if reference:
            seen.setdefault(reference, record.row)
        plan = PlannedRow(row=record.row, reference=reference, title=title)

        dates = {
            key: check.date(key)
            for key in (
                "received_on",
                "decided_on",
                "signed_on",
                "published_on",
                "chief_officer_approved_on",
                "delegation_starts_on",
            )
        }
        maker = check.choice(
            "decision_maker", MAKER_WORDS, accepted="pcc or delegate", default=DecisionMaker.PCC
        )
        force_business = check.flag("force_business")
        if force_business is None:
            # A date of approval by the Chief Officer only exists for force business.
            force_business = dates["chief_officer_approved_on"] is not None
        status = self.check_status(check, dates["published_on"])

        sections = self.check_sections(check)
        stated = check.choice(
            "confidentiality",
            CONFIDENTIALITY_WORDS,
            accepted="non-confidential, partly confidential or confidential",
        )
        # A wholly confidential record as the public sees it (and as the register's own export
        # gives it) has no sections: it is kept confidential behind one withheld placeholder.
        placeholder = []
        if stated == Confidentiality.CONFIDENTIAL and not sections:
            section = wholly_confidential_placeholder()
            placeholder = [(section, heading_key(section.heading))]
        confidentiality = derived_confidentiality([s for s, _key in sections + placeholder])
        if stated and stated != confidentiality and not check.failed:
            check.error(
                "confidentiality",
                f"The file says {Confidentiality(stated).label.lower()}, but its sections make "
                f"it {Confidentiality(confidentiality).label.lower()}: mark each withheld "
                "section with its exemption, or correct this column.",
            )

        decision = Decision(
            reference=reference,
            title=title,
            author_name=check.text("author_name"),
            author_job_role=check.text("author_job_role"),
            lead_officers=check.text("lead_officers"),
            decision_maker=maker or DecisionMaker.PCC,
            decision_maker_name=check.text("decision_maker_name"),
            is_force_business=bool(force_business),
            chief_officer_approved_on=dates["chief_officer_approved_on"],
            received_on=dates["received_on"],
            decided_on=dates["decided_on"],
            signed_on=dates["signed_on"],
            published_on=dates["published_on"],
            late_publication_reason=check.text("late_publication_reason"),
            summary=check.text("summary"),
            public_subject=check.text("public_subject"),
            declaration_of_interests=check.text("declaration_of_interests"),
            confidentiality=confidentiality,
            status=status or DecisionStatus.APPROVED,
        )
        check.model_errors(
            decision,
            fields=DECISION_FIELD_KEYS,
            constraints={
                "chief_officer_only_for_force_business": "chief_officer_approved_on",
                "signed_after_decided": "signed_on",
                "decided_after_received": "decided_on",
                "confidential_has_public_subject": "public_subject",
            },
            exclude=["template", "author", "category", "delegation", "search_document"],
        )
        template = self.check_template(check, reference, sections, plan)
        sections = sections + placeholder
        category = self.check_category(check, plan)
        delegation = None
        if maker == DecisionMaker.DELEGATE:
            delegation = self.check_delegation(check, dates, plan)
        comments = self.check_comments(check)
        awards = self.check_awards(check)
        links = self.check_links(check, reference)
        signature, signature_kind = self.check_signature(check, decision, delegation)
        signatures = self.check_listed_signatures(check, decision, delegation)
        if signature is not None and signatures:
            check.error("signatures", "Give the signature or a list of signatures, not both.")
        contracts = []
        for contract_reference in check.items("contracts"):
            contract = self.contracts.get(contract_reference)
            if contract is None:
                check.error("contracts", f"No contract has the reference {contract_reference}.")
            else:
                contracts.append(contract)
        if check.failed:
            return

        draft = DecisionDraft(
            record=record,
            decision=decision,
            final_status=status,
            template=template,
            category=category,
            delegation=delegation,
            sections=sections,
            comments=comments,
            signature=signature,
            signature_kind=signature_kind,
            contracts=contracts,
            signatures=signatures,
            awards=awards,
            links=links,
        )
        self.drafts.append(draft)
        self.describe(plan, draft)
        self.rows.append(plan)

    def check_status(self, check: Checker, published_on: datetime.date | None) -> str:
        default = DecisionStatus.PUBLISHED if published_on else DecisionStatus.APPROVED
        status = check.choice(
            "status",
            STATUS_WORDS,
            accepted="published, approved, not approved, withdrawn or superseded",
            default=default,
        )
        if (
            status == DecisionStatus.PUBLISHED
            and published_on is None
            and not check.has("published_on")
        ):
            check.error("published_on", "A published record needs the date it was published.")
        if status in {DecisionStatus.APPROVED, DecisionStatus.NOT_APPROVED} and published_on:
            check.error(
                "status",
                f"The record has a publication date but the status {check.text('status')!r}: "
                "say published, or leave the status empty.",
            )
        return status or default

    def check_sections(self, check: Checker) -> list[tuple[DecisionSection, str]]:
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("section_")}
        )
        sections = []
        headings: dict[str, int] = {}
        for number in numbers:
            key = f"section_{number}_"
            if not any(check.has(key + attribute) for attribute in SECTION_ATTRIBUTES):
                continue
            heading = check.text(key + "heading", required=True, what="The section's heading")
            exemption_text = check.text(key + "exemption")
            exemption = ""
            if exemption_text:
                exemption = parse_exemption(exemption_text) or ""
                if not exemption:
                    check.error(
                        key + "exemption",
                        f"{exemption_text!r} is not an exemption this register knows: use "
                        f"{EXEMPTION_CODES} (naming it in {key}exemption_other).",
                    )
            withheld = check.flag(key + "withheld")
            if withheld is None:
                # Citing an exemption means the section is withheld.
                withheld = bool(exemption_text)
            section = DecisionSection(
                position=len(sections) + 1,
                heading=heading,
                part=check.text(key + "part"),
                text=check.text(key + "text"),
                is_withheld=withheld,
                exemption=exemption,
                exemption_other=check.text(key + "exemption_other"),
                public_interest_statement=check.text(key + "public_interest"),
                release_on=check.date(key + "release_on"),
            )
            if exemption_text and not exemption:
                section.exemption = ""
                section.is_withheld = False  # already reported: no second message
            check.model_errors(
                section,
                fields={
                    "heading": key + "heading",
                    "part": key + "part",
                    "text": key + "text",
                    "exemption": key + "exemption",
                    "exemption_other": key + "exemption_other",
                    "public_interest_statement": key + "public_interest",
                    "release_on": key + "release_on",
                    "is_withheld": key + "withheld",
                },
                constraints={
                    "withheld_needs_exemption": key + "exemption",
                    "exemption_only_when_withheld": key + "withheld",
                    "other_exemption_named": key + "exemption_other",
                    "qualified_needs_public_interest": key + "public_interest",
                    "exemption_valid": key + "exemption",
                },
                exclude=["decision", "template_section", "position"],
            )
            loose = heading_key(heading)
            if heading and loose in headings:
                check.error(
                    key + "heading", f"Section {headings[loose]} of this record has this heading."
                )
            headings.setdefault(loose, number)
            sections.append((section, loose))
        return sections

    def check_template(
        self, check: Checker, reference: str, sections, plan: PlannedRow
    ) -> DecisionTemplate | None:
        name = check.text("form")
        keys = [key for _section, key in sections]
        if name:
            existing = self.template_names.get(squash(name))
            if existing is not None:
                known = {heading_key(s.heading) for s in existing.sections.all()}
                for section, key in sections:
                    if key not in known:
                        check.warn(
                            "form",
                            f"The form {existing.name!r} has no section headed "
                            f"{section.heading!r}: the record keeps it as a section of its own.",
                        )
                plan.actions.append(f"On the form {existing.name!r}")
                return existing
            new = self.new_template(check, name, reference, named=True)
        else:
            wanted = set(keys)
            candidates = []
            for template in self.templates:
                headings = {heading_key(s.heading) for s in template.sections.all()}
                if wanted <= headings:
                    candidates.append((len(headings - wanted), template.name, template))
            if candidates:
                template = min(candidates, key=lambda c: (c[0], c[1]))[2]
                plan.actions.append(f"On the form {template.name!r} (its headings match)")
                return template
            new = self.new_template(check, f"Imported form ({self.filename})", reference)
        if new is None:
            return None
        for section, key in sections:
            if key not in new.sections:
                new.sections[key] = TemplateSection(
                    position=len(new.sections) + 1,
                    heading=section.heading,
                    part=section.part,
                )
        if not new.announced:
            new.announced = True
            plan.actions.append(
                f"New form {new.template.name!r} (reference scheme "
                f"{new.template.reference_format}) made from the file's headings"
            )
        else:
            plan.actions.append(f"On the new form {new.template.name!r}")
        return new.template

    def new_template(
        self, check: Checker, name: str, reference: str, *, named: bool = False
    ) -> NewTemplate | None:
        if squash(name) in self.new_templates:
            return self.new_templates[squash(name)]
        if not named:
            base, counter = name, 1
            taken = set(self.template_names)
            while squash(name) in taken:
                counter += 1
                name = f"{base} {counter}"
        reference_format = check.text("reference_format") or guess_reference_format(
            reference or "IMPORT-0001"
        )
        template = DecisionTemplate(
            name=name,
            description=(
                f"Made from the section headings of decisions imported from {self.filename}. "
                "Not offered for new decisions until an administrator turns it on."
            ),
            reference_format=reference_format,
            is_active=False,
        )
        try:
            template.full_clean()
        except ValidationError as invalid:
            for field_name, messages in invalid.message_dict.items():
                column = "reference_format" if field_name == "reference_format" else "form"
                for message in messages:
                    check.error(column, message)
            return None
        except re.error as error:
            # DecisionTemplate.clean() lets this through for a format such as {number}/{number}.
            check.error("reference_format", f"This format cannot be used: {error}.")
            return None
        new = NewTemplate(template=template)
        self.new_templates[squash(name)] = new
        return new

    def check_category(self, check: Checker, plan: PlannedRow) -> DecisionCategory | None:
        name = check.text("category")
        if not name:
            return None
        existing = self.categories.get(squash(name))
        if existing is not None:
            return existing
        if squash(name) not in self.new_categories:
            category = DecisionCategory(name=name)
            try:
                category.full_clean(exclude=["slug"])
            except ValidationError as invalid:
                for messages in invalid.message_dict.values():
                    for message in messages:
                        check.error("category", message)
                return None
            self.new_categories[squash(name)] = category
            plan.actions.append(f"New category {name!r}")
        return self.new_categories[squash(name)]

    def check_delegation(self, check: Checker, dates: dict, plan: PlannedRow) -> Delegation | None:
        instrument = check.text("delegation_instrument")
        name = check.text("delegate_name")
        if not instrument:
            check.error(
                "delegation_instrument",
                "A decision taken under delegation must cite the delegation: give its "
                "instrument (the scheme or letter, with its paragraph).",
            )
            return None
        matches = [d for d in self.delegations if squash(d.instrument) == squash(instrument)]
        if name:
            matches = [d for d in matches if squash(d.delegate_name) == squash(name)]
        if len(matches) > 1 and dates["decided_on"]:
            decided = dates["decided_on"]
            in_force = [
                d
                for d in matches
                if d.starts_on <= decided and (d.ends_on is None or d.ends_on >= decided)
            ]
            matches = in_force or matches
        if matches:
            delegation = max(matches, key=lambda d: d.starts_on)
            plan.actions.append(f"Decided by {delegation}")
            return delegation
        if not name:
            check.error(
                "delegate_name",
                f"No delegation in the register cites {instrument!r}: give the delegate's "
                "name so that one can be recorded.",
            )
            return None
        key = (squash(instrument), squash(name))
        if key not in self.new_delegations:
            delegation = Delegation(
                delegate_name=name,
                delegate_role=check.text("delegate_role"),
                instrument=instrument,
                scope=IMPORTED_DELEGATION_SCOPE,
                starts_on=dates["delegation_starts_on"],
            )
            self.new_delegations[key] = (delegation, [])
            plan.actions.append(f"New delegation: {name} under {instrument}")
        else:
            plan.actions.append(f"Decided by {name} under {instrument}")
        self.new_delegations[key][1].append(check.record)
        delegation = self.new_delegations[key][0]
        first = dates["delegation_starts_on"] or dates["decided_on"] or dates["signed_on"]
        if first and (delegation.starts_on is None or first < delegation.starts_on):
            delegation.starts_on = first
        return delegation

    def check_comments(self, check: Checker) -> list[StatutoryComment]:
        comments = []
        for prefix, role in COMMENT_ROLES.items():
            text_key, name_key, date_key = (
                f"{prefix}_comment",
                f"{prefix}_name",
                f"{prefix}_comment_on",
            )
            text = check.text(text_key)
            person = check.text(name_key)
            made_on = check.date(date_key)
            if not text:
                if person or made_on:
                    check.error(text_key, "The comment's text is missing.")
                continue
            comment = StatutoryComment(role=role, person=person, text=text, made_on=made_on)
            check.model_errors(
                comment,
                fields={"person": name_key, "text": text_key, "made_on": date_key},
                exclude=["decision", "user"],
            )
            comments.append(comment)
        return comments

    def check_awards(self, check: Checker) -> list[Award]:
        """The grants or awards of a JSON record's "awards" list, in its order."""
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("award_")}
        )
        awards = []
        for number in numbers:
            keys = {name: f"award_{number}_{name}" for name in ("recipient", "amount", "purpose")}
            recipient = check.text(keys["recipient"], required=True, what="The award's recipient")
            amount = None
            if is_blank(check.raw(keys["amount"])):
                check.error(keys["amount"], "The award's amount is needed here.")
            else:
                amount = check.money(keys["amount"])
            if not recipient or amount is None:
                continue
            award = Award(recipient=recipient, amount=amount, purpose=check.text(keys["purpose"]))
            check.model_errors(
                award,
                fields=keys,
                constraints={"award_amount_not_negative": keys["amount"]},
                exclude=["decision", "provider"],
            )
            awards.append(award)
        return awards

    def check_links(self, check: Checker, reference: str) -> list[tuple[str, str]]:
        """The links of a JSON record's "links" list. The other decision is one in the file or
        already in the register; the links are made once every decision of the file is."""
        numbers = sorted(
            {int(key.split("_")[1]) for key in check.record.values if key.startswith("link_")}
        )
        links: list[tuple[str, str]] = []
        for number in numbers:
            kind_key, reference_key = f"link_{number}_kind", f"link_{number}_reference"
            written = check.text(kind_key, required=True, what="The kind of link")
            other = check.text(reference_key, required=True, what="The other decision's reference")
            kind = LINK_KIND_WORDS.get(normalise_header(written))
            if written and kind is None:
                check.error(kind_key, f"{written!r} is not follows, supersedes or amends.")
            if not other or kind is None:
                continue
            if other == reference:
                check.error(reference_key, "A decision cannot refer to itself.")
            elif other not in self.file_references and other not in self.linked_decisions:
                check.error(
                    reference_key,
                    f"No decision has the reference {other}, in the register or in the file.",
                )
            elif (kind, other) in links:
                check.error(reference_key, "The same link is given twice.")
            else:
                links.append((kind, other))
        return links

    def check_signature(
        self,
        check: Checker,
        decision: Decision,
        delegation: Delegation | None,
        keys: dict[str, str] = SIGNATURE_KEYS,
    ) -> tuple[Signature | None, str]:
        """The decision maker's signature as the record shows it, and whether it was wet ink.

        `keys` names the record's keys for the signature's fields: by default the single
        signature's columns, or one of a "signatures" list (`listed_signature_keys`). What
        it was signed as and when default to the decision maker and the date signed.
        """
        signed_by = check.text(keys["signed_by"])
        as_recorded = check.text(keys["note"])
        kind = check.choice(keys["kind"], SIGNATURE_KINDS, accepted="electronic or wet")
        signed_as = check.text(keys["signed_as"])
        signed_on = check.date(keys["signed_on"])
        step = check.choice(keys["step"], SIGNATURE_STEPS, accepted=SIGNATURE_STEP_CODES)
        if not (signed_by or as_recorded or kind or signed_as or signed_on or step):
            return None, ""
        if not kind:
            kind = "wet" if "wet" in as_recorded.casefold() else "electronic"
        name = signed_by or decision.decision_maker_name
        if not name and delegation is not None:
            name = delegation.delegate_name
        if not name:
            check.error(keys["signed_by"], "Say who signed the record.")
            return None, kind
        on = signed_on or decision.signed_on or decision.decided_on
        if on is None:
            check.error("signed_on", "Give the date the record was signed.")
            return None, kind
        if step is None:
            if decision.status == DecisionStatus.NOT_APPROVED:
                step = WorkflowStep.DECLINE
            else:
                step = WorkflowStep.APPROVE
        if signed_as:
            capacity = f"{signed_as} ({as_recorded})" if as_recorded else signed_as
        else:
            capacity = signature_capacity(decision, delegation, as_recorded)
        signature = Signature(
            step=step,
            method=Signature.Method.WET if kind == "wet" else Signature.Method.ELECTRONIC,
            name=name,
            capacity=capacity,
            signed_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time())),
            # The fingerprint is taken once the record's content has been written.
            content_sha256="0" * 64,
        )
        check.model_errors(
            signature,
            fields={"name": keys["signed_by"], "capacity": keys["signed_as"]},
            exclude=["decision", "user", "delegation"],
        )
        return signature, kind

    def check_listed_signatures(
        self, check: Checker, decision: Decision, delegation: Delegation | None
    ) -> list[tuple[Signature, str]]:
        """The signatures of a JSON record's "signatures" list: one for each step at most."""
        numbers = sorted(
            {
                int(key.split("_")[1])
                for key in check.record.values
                if re.fullmatch(r"signature_\d+_[a-z_]+", key)
            }
        )
        signatures: list[tuple[Signature, str]] = []
        steps: dict[str, int] = {}
        for number in numbers:
            keys = listed_signature_keys(number)
            signature, kind = self.check_signature(check, decision, delegation, keys)
            if signature is None:
                continue
            if signature.step in steps:
                check.error(
                    keys["step"],
                    f"Signature {steps[signature.step]} of this record was given at this step.",
                )
                continue
            steps[signature.step] = number
            signatures.append((signature, kind))
        return signatures

    def settle_new_records(self) -> None:
        """Check what the file's records create together: delegations need a start date."""
        for delegation, records in self.new_delegations.values():
            if delegation.starts_on is None:
                for record in records:
                    Checker(record, self.problems, self.warnings).error(
                        "delegation_starts_on",
                        "The delegation is new to the register and needs the date it took "
                        "effect: give delegation_starts_on, or the date of the decision.",
                    )
                continue
            try:
                delegation.full_clean(exclude=["delegate"])
            except ValidationError as invalid:
                for field_name, messages in invalid.message_dict.items():
                    key = {"delegate_role": "delegate_role", "delegate_name": "delegate_name"}
                    for message in messages:
                        Checker(records[0], self.problems, self.warnings).error(
                            key.get(field_name, "delegation_instrument"), message
                        )
        for new in self.new_templates.values():
            for section in new.sections.values():
                section.template = new.template
                try:
                    section.full_clean(exclude=["template"], validate_unique=False)
                except ValidationError as invalid:
                    self.problems.append(
                        Problem(None, "", f"Form {new.template.name!r}: {invalid.messages[0]}")
                    )
        if self.problems:
            self.rows = []

    def describe(self, plan: PlannedRow, draft: "DecisionDraft") -> None:
        decision = draft.decision
        status = DecisionStatus(draft.final_status).label.lower()
        plan.actions.insert(0, f"Create decision {decision.reference} ({status})")
        if decision.decision_maker == DecisionMaker.PCC:
            name = decision.decision_maker_name
            plan.actions.append("Decided by the Commissioner" + (f", {name}" if name else ""))
        dates = [
            f"{label} {day(value)}"
            for label, value in (
                ("received", decision.received_on),
                ("decided", decision.decided_on),
                ("signed", decision.signed_on),
                ("published", decision.published_on),
            )
            if value
        ]
        if dates:
            plan.actions.append("Dates: " + ", ".join(dates))
        sections = [section for section, _key in draft.sections]
        words = f"{len(sections)} section{'' if len(sections) == 1 else 's'}"
        withheld = [f"{s.heading} ({exemption_label(s)})" for s in sections if s.is_withheld]
        if withheld:
            words += ", withheld: " + "; ".join(withheld)
        plan.actions.append(f"{words} ({decision.get_confidentiality_display().lower()})")
        if draft.comments:
            roles = ", ".join(comment.get_role_display() for comment in draft.comments)
            plan.actions.append(f"Statutory comments: {roles}")
        signatures = [(draft.signature, draft.signature_kind)] if draft.signature else []
        for signature, kind in signatures + draft.signatures:
            how = "wet signature" if kind == "wet" else "electronic signature"
            plan.actions.append(f"Signature ({how}): {signature.name}, {signature.capacity}")
        for award in draft.awards:
            plan.actions.append(f"Award: £{award.amount:,.2f} to {award.recipient}")
        for kind, other in draft.links:
            plan.actions.append(f"{LinkKind(kind).label} {other}")
        if draft.contracts:
            references = ", ".join(contract.reference for contract in draft.contracts)
            plan.actions.append(f"Linked to contracts {references}")

    # Writing.

    def store(self, by) -> None:
        for category in self.new_categories.values():
            self.save(category, by)
        for new in self.new_templates.values():
            self.save(new.template, by)
            for section in new.sections.values():
                section.template = new.template
                self.save(section, by)
        for delegation, _records in self.new_delegations.values():
            self.save(delegation, by)
        for draft in self.drafts:
            self.store_decision(draft, by)
        stored = {draft.decision.reference: draft.decision for draft in self.drafts}
        for draft in self.drafts:
            for kind, other in draft.links:
                to_decision = stored.get(other) or self.linked_decisions[other]
                link = DecisionLink(
                    from_decision=draft.decision, to_decision=to_decision, kind=kind
                )
                self.save(link, by)

    def store_decision(self, draft: "DecisionDraft", by) -> None:
        decision = draft.decision
        decision.template = draft.template
        decision.category = draft.category
        decision.delegation = draft.delegation
        published = draft.final_status == DecisionStatus.PUBLISHED
        # Recorded as decided, then published the way the register publishes any record.
        decision.status = DecisionStatus.APPROVED if published else draft.final_status
        self.save(decision, by)
        on_form = {heading_key(s.heading): s for s in draft.template.sections.all()}
        for section, key in draft.sections:
            template_section = on_form.get(key)
            section.decision = decision
            section.template_section = template_section
            if template_section is not None:
                section.part = section.part or template_section.part
                section.guidance = template_section.guidance
                section.is_mandatory = template_section.is_mandatory
            self.save(section, by)
        for comment in draft.comments:
            comment.decision = decision
            self.save(comment, by)
        for award in draft.awards:
            award.decision = decision
            self.save(award, by)
        if draft.contracts:
            self.stamp(decision, by)
            decision.contracts.add(*draft.contracts)
        self.stamp(decision, by)
        decision.refresh_confidentiality(by=by)
        signatures = [draft.signature] if draft.signature is not None else []
        signatures += [signature for signature, _kind in draft.signatures]
        for signature in signatures:
            signature.decision = decision
            if signature.step in {WorkflowStep.APPROVE, WorkflowStep.DECLINE}:
                # The decision maker's own signature: under the delegation, if delegated.
                signature.delegation = draft.delegation
            signature.content_sha256 = content_hash(decision)
            self.save(signature, by)
        if published:
            self.publish(decision, by)

    def publish(self, decision: Decision, by) -> None:
        """Put an imported record on the public register, keeping its publication date.

        Through the register's own publish step when the importer may publish; otherwise
        (a command run without --user) by setting what that step sets.
        """
        if by is not None and decision.workflow_refusal(WorkflowStep.PUBLISH, by) is None:
            decision.publish(by=by, on=decision.published_on)
            # The step saves a fresh copy of the row: give its history record the reason too.
            update_change_reason(decision, self.change_reason)
            return
        decision.status = DecisionStatus.PUBLISHED
        decision.search_document = public_search_text(decision)
        self.save(decision, by)


DECISION_FIELD_KEYS = {
    "reference": "reference",
    "title": "title",
    "author_name": "author_name",
    "author_job_role": "author_job_role",
    "lead_officers": "lead_officers",
    "decision_maker": "decision_maker",
    "decision_maker_name": "decision_maker_name",
    "is_force_business": "force_business",
    "chief_officer_approved_on": "chief_officer_approved_on",
    "received_on": "received_on",
    "decided_on": "decided_on",
    "signed_on": "signed_on",
    "published_on": "published_on",
    "late_publication_reason": "late_publication_reason",
    "summary": "summary",
    "public_subject": "public_subject",
    "declaration_of_interests": "declaration_of_interests",
    "status": "status",
    "confidentiality": "confidentiality",
}


def exemption_label(section: DecisionSection) -> str:
    if section.exemption == Exemption.OTHER:
        return section.exemption_other
    return Exemption(section.exemption).label


WHOLLY_CONFIDENTIAL_HEADING = "Withheld"


def wholly_confidential_placeholder() -> DecisionSection:
    """The one section of a record the file gives as confidential without any sections.

    The public sees nothing of a wholly confidential record's sections, so nothing of this
    one either; staff see that the record was imported without its content.
    """
    return DecisionSection(
        position=1,
        heading=WHOLLY_CONFIDENTIAL_HEADING,
        text="",
        is_withheld=True,
        exemption=Exemption.OTHER,
        exemption_other="Not stated: imported as a wholly confidential record without content",
    )


def derived_confidentiality(sections: list[DecisionSection]) -> str:
    """What Decision.derive_confidentiality will say once the sections are saved."""
    withheld = [section.is_withheld for section in sections]
    if withheld and all(withheld):
        return Confidentiality.CONFIDENTIAL
    if any(withheld):
        return Confidentiality.PARTLY
    return Confidentiality.NON


def signature_capacity(decision: Decision, delegation: Delegation | None, as_recorded: str) -> str:
    """What the signatory signed as, with any note the record made of the signature.

    How it is held (electronic or on paper) is the signature's `method`.
    """
    if decision.decision_maker == DecisionMaker.DELEGATE and delegation is not None:
        role = f"{delegation.delegate_role or 'Officer'} under {delegation.instrument}"
    else:
        role = "Police and Crime Commissioner"
    return f"{role} ({as_recorded})" if as_recorded else role


# -- the command line -------------------------------------------------------------------------


def run_import_command(
    command: BaseCommand,
    importer: type[Import],
    path: str,
    *,
    dry_run: bool,
    username: str | None,
) -> None:
    """What `import_decisions` and `import_contracts` do: check, show, then write or not.

    A file with any problem writes nothing and raises CommandError, so the command exits
    with a non-zero status.
    """
    by = None
    if username:
        by = get_user_model().objects.filter(username=username).first()
        if by is None:
            raise CommandError(f"There is no user called {username!r}.")
    file = Path(path)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
        content = file.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from None
    checked = importer(content, file.name)
    nouns = f"{importer.noun}s"
    if not checked.is_valid:
        for problem in checked.problems:
            command.stderr.write(str(problem))
        for warning in checked.warnings:
            command.stderr.write(f"Warning: {warning}")
        count = len(checked.problems)
        raise CommandError(
            f"{count} problem{'' if count == 1 else 's'} in {file.name}: nothing was imported."
        )
    command.stdout.write(checked.report())
    if dry_run:
        command.stdout.write(
            f"Dry run: {len(checked.rows)} {nouns} would be imported from {file.name}. "
            "Nothing was written."
        )
        return
    if by is None:
        command.stdout.write(
            command.style.WARNING("No --user given: the history will not say who imported.")
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
    command.stdout.write(command.style.SUCCESS(f"Imported {written} {nouns} from {file.name}."))
