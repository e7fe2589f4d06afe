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
PARTS = [
    *((DecisionFactory, relation, "decisions_decision") for relation in DECISION_PARTS),
    *((ContractFactory, relation, "contracts_contract") for relation in CONTRACT_PARTS),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "relation", "owner_table"), PARTS)
def test_a_records_parts_are_read_without_its_table(factory, relation, owner_table):
    owner = factory()

    with CaptureQueriesContext(connection) as queries:
        list(getattr(owner, relation).all())

    assert len(queries) == 1
    assert f'"{owner_table}"' not in queries[0]["sql"]
    assert "ORDER BY" in queries[0]["sql"]
