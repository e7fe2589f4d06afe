"""The register's search box as officers use it: every record, drafts and withheld ones too.

The public search reads a stored vector of published public text; the officers' search matches
each word anywhere in the reference, the title or the summary, whatever its case, on every
record. On PostgreSQL, trigram indexes (migration decisions 0009) serve that match.
"""

import datetime

import pytest
from django.db import connection

from decisions.models import Decision
from decisions.workspace_filters import DecisionFilter
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

REGISTER = "/workspace/decisions/"
# Each index and its expression as PostgreSQL shows it: Django's `icontains` compares
# `UPPER("column"::text)`, and the cast of a text column to text is no cast at all.
TRIGRAM_INDEXES = {
    "decision_reference_trgm": "upper((reference)::text)",
    "decision_title_trgm": "upper((title)::text)",
    "decision_summary_trgm": "upper(summary)",
}


def found(client, q: str) -> set[str]:
    response = client.get(REGISTER, {"q": q})
    assert response.status_code == 200
    return {decision.reference for decision in response.context["decisions"]}


@pytest.fixture
def search(client_for, officer):
    client = client_for(officer)
    return lambda q: found(client, q)


@pytest.fixture
def draft():
    return DecisionFactory(
        reference="DRAFT-0101",
        title="Refuge accommodation for survivors",
        summary="Extending the lease on the refuge in Harlow.",
        status=Decision.Status.DRAFT,
    )


@pytest.fixture
def withheld():
    """Wholly confidential: the public register shows its one-line subject and nothing else."""
    return DecisionFactory(
        reference="CONF-0202",
        title="Covert surveillance equipment",
        summary="Replacement of the unit's listening devices.",
        status=Decision.Status.APPROVED,
        received_on=datetime.date(2024, 3, 1),
        decided_on=datetime.date(2024, 3, 8),
        confidentiality=Decision.Confidentiality.CONFIDENTIAL,
        public_subject="Operational equipment",
    )


@pytest.fixture
def published():
    return DecisionFactory(
        reference="PUB-0303",
        title="Road safety grants",
        summary="Grants to parish councils for speed watch schemes.",
        status=Decision.Status.PUBLISHED,
        received_on=datetime.date(2023, 5, 1),
        decided_on=datetime.date(2023, 5, 9),
        signed_on=datetime.date(2023, 5, 9),
        published_on=datetime.date(2023, 5, 12),
    )


@pytest.fixture
def register(draft, withheld, published):
    return draft, withheld, published


def test_a_word_of_the_title_summary_or_reference_finds_drafts_and_withheld_decisions(
    search, register
):
    assert search("refuge") == {"DRAFT-0101"}  # title and summary
    assert search("Harlow") == {"DRAFT-0101"}  # summary only
    assert search("DRAFT-0101") == {"DRAFT-0101"}  # reference
    assert search("surveillance") == {"CONF-0202"}  # title of a withheld decision
    assert search("listening") == {"CONF-0202"}  # its summary
    assert search("CONF-02") == {"CONF-0202"}  # part of its reference
    assert search("grants") == {"PUB-0303"}


def test_a_word_matches_inside_longer_words(search, register):
    assert search("veill") == {"CONF-0202"}
    assert search("0202") == {"CONF-0202"}
    assert search("ant") == {"PUB-0303"}  # grANTs; "replacement" has "ent", not "ant"


def test_the_match_ignores_case(search, register):
    assert search("HARLOW") == {"DRAFT-0101"}
    assert search("conf-0202") == {"CONF-0202"}
    assert search("cOvErT") == {"CONF-0202"}


def test_every_word_must_match_but_each_may_match_a_different_field(search, register):
    # "covert" is in the title, "devices" in the summary and "conf" in the reference.
    assert search("covert devices conf") == {"CONF-0202"}
    # "refuge" finds the draft, "surveillance" the withheld decision: none holds both.
    assert search("refuge surveillance") == set()
    assert search("road nowhere") == set()


def test_words_too_short_for_the_trigram_index_still_match(search, register):
    assert search("ro") == {"PUB-0303"}  # ROad
    assert search("x") == {"DRAFT-0101"}  # eXtending
    assert search("v") == {"DRAFT-0101", "CONF-0202"}  # surViVors, coVert, deVices
    assert search("z") == set()
    assert search("c 0303") == {"PUB-0303"}


def test_like_wildcards_in_a_word_are_matched_as_themselves(search, register):
    DecisionFactory(reference="PCT-1", title="A 100% grant", summary="")
    DecisionFactory(reference="PCT-2", title="A 1000 grant", summary="")

    assert search("100%") == {"PCT-1"}
    assert search("_") == set()


def test_only_the_first_ten_words_count(search, register):
    assert search("refuge " * 10 + "nowhere") == {"DRAFT-0101"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_trigram_indexes_on_the_expressions_the_filter_uses():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'decisions_decision' AND indexname = ANY(%s)",
            [list(TRIGRAM_INDEXES)],
        )
        indexes = dict(cursor.fetchall())

    assert set(indexes) == set(TRIGRAM_INDEXES)
    for name, expression in TRIGRAM_INDEXES.items():
        assert f"USING gin ({expression} gin_trgm_ops)" in indexes[name]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_contract_registers_trigram_indexes_too():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'contracts_contract' "
            "AND indexname IN ('contract_reference_trgm', 'contract_title_trgm')"
        )
        indexes = dict(cursor.fetchall())

    assert "USING gin (upper((reference)::text) gin_trgm_ops)" in indexes["contract_reference_trgm"]
    assert "USING gin (upper((title)::text) gin_trgm_ops)" in indexes["contract_title_trgm"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_can_answer_the_filter_from_the_trigram_indexes(register):
    """The planner may use the indexes only if their expressions are the filter's own.

    With every other way of reading the table switched off, the plan shows which: a bitmap
    scan of the trigram indexes, or (if the expressions differed) a disabled sequential scan.
    """
    filterset = DecisionFilter({"q": "surveillance listening"}, queryset=Decision.objects.all())
    sql, params = filterset.qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    for name in TRIGRAM_INDEXES:
        assert f"Bitmap Index Scan on {name}" in plan
    assert "Seq Scan" not in plan
