"""manage.py import_decisions and import_contracts: dry runs, output, exit status."""

from unittest import mock

import pytest
from django.core.management.base import CommandError
from django.db import OperationalError

from commissioning.models import AuditEntry
from contracts.models import Contract, Provider
from decisions.models import Decision
from tests.importing.conftest import DECISION_MODELS, EXAMPLES, counts, csv_file

pytestmark = pytest.mark.django_db


def test_dry_run_shows_each_row_and_writes_nothing(run):
    before = counts(DECISION_MODELS)

    out, _err = run("import_decisions", EXAMPLES / "decisions.csv", "--dry-run")

    assert "Row 2: WPCC3-0058" in out
    assert "Row 3: WPCC3-0041" in out
    assert "Dry run: 3 decisions would be imported from decisions.csv. Nothing was written." in out
    assert counts(DECISION_MODELS) == before


def test_import_names_the_user_given(run, officer):
    out, _err = run("import_decisions", EXAMPLES / "decisions.json", "--user", officer.username)

    assert "Imported 3 decisions from decisions.json." in out
    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.history.earliest().history_user == officer


def test_import_without_a_user_says_the_history_will_not_name_one(run):
    out, _err = run("import_contracts", EXAMPLES / "contracts.csv")

    assert "No --user given" in out
    assert Contract.objects.count() == 2
    assert {h.history_user for h in Contract.history.all()} == {None}
    [entry] = AuditEntry.objects.filter(action__startswith="import.")
    assert (entry.action, entry.actor, entry.details["file"]) == (
        "import.contracts",
        None,
        "contracts.csv",
    )
    assert sorted(entry.details["references"]) == sorted(
        Contract.objects.values_list("reference", flat=True)
    )


def test_unknown_user_is_refused_before_anything_is_read(run):
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("import_decisions", EXAMPLES / "decisions.csv", "--user", "nobody")
    assert not Decision.objects.exists()


def test_missing_file_is_refused(run, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_contracts", tmp_path / "absent.csv")


def test_each_problem_is_counted_and_nothing_is_written(run, write_file):
    path = write_file(
        "contracts.csv",
        csv_file(
            [
                {
                    "Reference": "C-1",
                    "Title": "Service",
                    "Supplier": "Compass",
                    "Start Date": "01/04/2018",
                    "End Date": "31/03/2017",
                },
                {
                    "Reference": "C-1",
                    "Title": "Service",
                    "Supplier": "Compass",
                    "Start Date": "soon",
                    "End Date": "31/03/2023",
                },
            ]
        ),
    )

    with pytest.raises(CommandError) as refused:
        run("import_contracts", path, "--dry-run")

    assert "3 problems in contracts.csv: nothing was imported." in str(refused.value)
    assert not Provider.objects.exists()


def test_problems_go_to_standard_error(write_file):
    from io import StringIO

    from django.core.management import call_command

    path = write_file("decisions.csv", "reference,title,decided_on\nA-1,Title,yesterday\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_decisions", str(path), stdout=StringIO(), stderr=err)

    assert "Row 2, column decided_on: 'yesterday' is not a date" in err.getvalue()


def test_an_import_cut_off_by_the_database_says_so_and_writes_nothing(run, officer):
    from decisions.importing import DecisionImport

    real_store = DecisionImport.store

    def store(self, by):
        real_store(self, by)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(DecisionImport, "store", store), pytest.raises(CommandError) as error:
        run("import_decisions", EXAMPLES / "decisions.csv", "--user", officer.username)

    assert "The database could not be reached" in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert not Decision.objects.exists()
