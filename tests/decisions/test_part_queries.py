"""Reading the parts of one record (a decision's sections, a contract's extensions) reads their
own table: ordering them by the record they belong to must not join that record's table to
sort by its order first. Every decision page and editor reads six such lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, DecisionFactory

DECISION_PARTS = [
    "sections",
    "appendices",
    "comments",
    "awards",
    "links_out",
    "signatures",
    "workflow_events",
]
CONTRACT_PARTS = ["commissioners", "extensions"]


def tables_read(read) -> str:
    with CaptureQueriesContext(connection) as queries:
        read()
    assert len(queries) == 1
    return queries[0]["sql"]


@pytest.mark.django_db
@pytest.mark.parametrize("relation", DECISION_PARTS)
def test_a_decisions_parts_are_read_without_the_decisions_table(relation):
    decision = DecisionFactory()

    sql = tables_read(lambda: list(getattr(decision, relation).all()))

    assert '"decisions_decision"' not in sql
    assert "ORDER BY" in sql


@pytest.mark.django_db
@pytest.mark.parametrize("relation", CONTRACT_PARTS)
def test_a_contracts_parts_are_read_without_the_contracts_table(relation):
    contract = ContractFactory()

    sql = tables_read(lambda: list(getattr(contract, relation).all()))

    assert '"contracts_contract"' not in sql
    assert "ORDER BY" in sql
