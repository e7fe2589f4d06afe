"""The officer's decision page reads a fixed number of queries: the record, with its layout and
its form's office, comes in one, and each of its parts in one more."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from decisions.models import Decision, FieldValue
from decisions.models.layout import ROW_KINDS

pytestmark = pytest.mark.django_db

# The signed-in user; the decision with its form, office, category, author, delegation and
# published layout; its sections, appendices, comments, awards, signatures, steps taken and
# own field values (its form's own fields, and what is marked "not recorded": a decision with
# none costs no query for them); and what it concerns (one query of its contracts, links and
# providers).
PUBLISHED_PAGE_QUERIES = 10
# The test client's session is read from the database first. (A record not yet published
# is drawn with its form's elements as they are now, one query more: test_list_queries.py.)
SESSION = 1


@pytest.fixture
def officer_client(db):
    call_command("load_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(get_user_model().objects.get(username="officer"))
    return client


def queries_for(client, decision: Decision) -> list[str]:
    path = f"/workspace/decisions/{decision.reference}/"
    client.get(path)  # the session and the caches warmed, as for every page after the first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert decision.title in response.content.decode()
    return [query["sql"] for query in captured]


def test_a_published_decision_on_an_offices_own_form_is_read_in_ten_queries(officer_client):
    # One with no withheld section: showing one to staff also writes the read to the audit log.
    published = (
        Decision.objects.filter(status=Decision.Status.PUBLISHED, template__office__isnull=False)
        .exclude(published_layout=None)
        .exclude(sections__is_withheld=True)
        .first()
    )
    assert published is not None
    assert published.field_values.exists()

    assert len(queries_for(officer_client, published)) == SESSION + PUBLISHED_PAGE_QUERIES


def published_without_values() -> Decision:
    published = (
        Decision.objects.filter(status=Decision.Status.PUBLISHED)
        .exclude(published_layout=None)
        .exclude(sections__is_withheld=True)
        .first()
    )
    published.field_values.all().delete()
    return published


def test_a_decision_with_no_values_of_its_own_costs_no_query_for_them(officer_client):
    queries = queries_for(officer_client, published_without_values())

    assert len(queries) == SESSION + PUBLISHED_PAGE_QUERIES - 1
    assert not any("decisions_fieldvalue" in query.split(" WHERE ")[0] for query in queries)


def test_a_row_marked_not_recorded_still_says_so(officer_client):
    """The page reads the values whenever the decision has any."""
    published = published_without_values()
    path = f"/workspace/decisions/{published.reference}/"
    row = next(
        element["name"]
        for element in published.published_layout.layout["elements"]
        if element["kind"] in ROW_KINDS and element["name"]
    )
    before = officer_client.get(path).content.decode().count("Not recorded")
    FieldValue.objects.create(decision=published, name=row, is_not_recorded=True)

    assert officer_client.get(path).content.decode().count("Not recorded") == before + 1
