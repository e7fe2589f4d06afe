"""What an import finds wrong with a file, and what each of its rows would create."""

from dataclasses import dataclass, field


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
