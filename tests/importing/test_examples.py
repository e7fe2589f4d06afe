"""The example files the README points at import cleanly, so they never fall out of date."""

import pytest

from contracts.importing import ContractImport
from decisions.importing import DecisionImport
from decisions.models import Confidentiality, Decision, DecisionStatus
from tests.importing.conftest import EXAMPLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["decisions.csv", "decisions.json"])
def test_example_decisions_pass_the_dry_run(name):
    result = DecisionImport((EXAMPLES / name).read_bytes(), name)

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    assert [row.reference for row in result.rows] == ["WPCC3-0058", "WPCC3-0041", "WPCC3-0060"]


def test_example_contracts_pass_the_dry_run(settings):
    settings.OFFICE_NAME = "Office of the Police and Crime Commissioner for Warwickshire"
    result = ContractImport((EXAMPLES / "contracts.csv").read_bytes(), "contracts.csv")

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    assert [row.reference for row in result.rows] == [
        "WOPCC-DA-ADULT-2018",
        "WOPCC-DA-YOUTH-2018",
    ]


def test_csv_and_json_examples_describe_the_same_records():
    from_csv = DecisionImport((EXAMPLES / "decisions.csv").read_bytes(), "decisions.csv")
    from_json = DecisionImport((EXAMPLES / "decisions.json").read_bytes(), "decisions.json")

    assert [row.actions for row in from_csv.rows] == [row.actions for row in from_json.rows]


def test_example_decisions_import_as_historic_published_records(officer):
    DecisionImport((EXAMPLES / "decisions.csv").read_bytes(), "decisions.csv").write(by=officer)

    records = {d.reference: d for d in Decision.objects.all()}
    assert {d.status for d in records.values()} == {DecisionStatus.PUBLISHED}
    assert records["WPCC3-0058"].confidentiality == Confidentiality.PARTLY
    assert records["WPCC3-0041"].delegation.delegate_name == "Chief Finance Officer"
    assert records["WPCC3-0060"].confidentiality == Confidentiality.CONFIDENTIAL
    signature = records["WPCC3-0058"].signatures.get()
    assert "wet signature held by the office" in signature.capacity
