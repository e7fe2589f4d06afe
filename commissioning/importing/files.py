"""Reading a CSV or JSON file into records, each value under the importer's canonical key."""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from commissioning.importing.problems import Problem
from commissioning.importing.values import is_blank, normalise_header


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
        unstorable = unstorable_character(item)
        if unstorable:
            problems.append(Problem(number, "", UNSTORABLE_MESSAGES[unstorable]))
            continue
        items.append((number, item))
    return items


# What a database cannot keep in text, although JSON can spell it: PostgreSQL refuses a NUL
# character, and a lone half of a surrogate pair ("\\ud800") is not a character at all in
# UTF-8, so a record holding either would be a server error at the save, not a problem.
UNSTORABLE_MESSAGES = {
    "nul": "This record holds a null character (\\u0000): remove it.",
    "surrogate": (
        "This record holds half of a surrogate pair (\\ud800 to \\udfff) that is not a "
        "character: remove it, or give the whole character."
    ),
}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_character(value) -> str:
    """Which character a JSON value holds anywhere, keys included, that no database keeps.

    "nul", "surrogate", or "" when the value can be stored.
    """
    if isinstance(value, str):
        if "\x00" in value:
            return "nul"
        return "surrogate" if _LONE_SURROGATE.search(value) else ""
    if isinstance(value, dict):
        for key, each in value.items():
            found = unstorable_character(key) or unstorable_character(each)
            if found:
                return found
        return ""
    if isinstance(value, list):
        for each in value:
            found = unstorable_character(each)
            if found:
                return found
    return ""
