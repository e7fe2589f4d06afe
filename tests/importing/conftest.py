"""Helpers for the import tests: files written from rows, and the commands run on them."""

import csv
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.models import (
    Decision,
    DecisionCategory,
    DecisionSection,
    DecisionTemplate,
    Delegation,
    Signature,
    StatutoryComment,
    TemplateSection,
)
from tests.conftest import give_permission


@pytest.fixture
def officer(officer):
    """The officer of these tests records decisions already taken: an administrator has given
    them the permission (tests/importing/test_recording_permission.py covers officers without
    it)."""
    return give_permission(officer, "decisions.record_decided")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Everything an import of decisions may write, to check that a refused file wrote nothing.
DECISION_MODELS = [
    Decision,
    DecisionSection,
    StatutoryComment,
    Signature,
    DecisionTemplate,
    TemplateSection,
    Delegation,
    DecisionCategory,
]


def csv_file(rows: list[dict], columns: list[str] | None = None) -> str:
    """CSV text with a header of `columns` (or every key of the rows, in order)."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def json_file(records: list[dict], container: str = "decisions") -> str:
    return json.dumps({container: records})


def counts(models) -> dict[str, tuple[int, int]]:
    """Rows and history rows of each model."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in models}


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, text) puts a file in a temporary folder and returns its path."""

    def write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def run():
    """run(command, *args) calls a management command and returns (stdout, stderr)."""

    def call(command: str, *args) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command(command, *[str(arg) for arg in args], stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    return call
