"""The public register at / and /decisions/: published decisions only, filters and search."""

import datetime

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.test.html import parse_html

from decisions.models import Confidentiality, Decision, DecisionMaker
from decisions.public_filters import PublicDecisionFilter
from tests.factories import DecisionCategoryFactory, DecisionFactory, DelegationFactory
from tests.publication.conftest import costs_withheld, public_section


def titles(response) -> str:
    return response.content.decode()


@pytest.fixture
def register(make_decision, officer, category):
    """A small register: three published decisions over two years, one wholly confidential,
    and a draft."""
    estates = DecisionCategoryFactory(name="Estates", slug="estates")
    return {
        "joint": make_decision(
            reference="WPCC3-0058",
            title="Joint commissioning of drugs and alcohol services",
            decided_on=datetime.date(2022, 6, 15),
            signed_on=datetime.date(2022, 6, 29),
            summary="Extends the Change Grow Live and Compass contracts by twelve months.",
            sections=[
                public_section("Background information", "The contracts end in March 2023."),
                costs_withheld("The extension costs a confidential sum."),
            ],
            publish_by=officer,
        ),
        "estates": make_decision(
            reference="WPCC3-0031",
            title="Lease of the Leamington Spa office",
            category=estates,
            decided_on=datetime.date(2021, 3, 1),
            received_on=datetime.date(2021, 2, 1),
            signed_on=datetime.date(2021, 3, 2),
            published_on=datetime.date(2021, 3, 5),
            decision_maker=DecisionMaker.DELEGATE,
            delegation=DelegationFactory(),
            summary="A five-year lease of office space for the victims' hub.",
            sections=[public_section("Background information", "The current lease ends.")],
            publish_by=officer,
        ),
        "secret": make_decision(
            reference="WPCC3-0060",
            title="Covert operations support contract",
            public_subject="A contract supporting police operations.",
            decided_on=datetime.date(2022, 9, 1),
            signed_on=datetime.date(2022, 9, 2),
            summary="Tells how the covert support works.",
            sections=[costs_withheld("All of it is secret.")],
            publish_by=officer,
        ),
        "draft": DecisionFactory(reference="WPCC3-0061", title="A draft nobody has signed"),
    }


def test_home_and_register_list_only_published_decisions(register, member_of_public):
    for path in ("/", "/decisions/"):
        page = titles(member_of_public.get(path))

        assert "Joint commissioning of drugs and alcohol services" in page
        assert "Lease of the Leamington Spa office" in page
        assert "Covert operations support contract" in page
        assert "A draft nobody has signed" not in page
        assert "3 decisions" in page


def test_register_lists_newest_publication_first(register, member_of_public):
    page = titles(member_of_public.get("/decisions/"))

    assert page.index("WPCC3-0058") < page.index("WPCC3-0031")


def test_wholly_confidential_decision_is_listed_with_reference_title_subject_and_dates_only(
    register, member_of_public
):
    page = titles(member_of_public.get("/decisions/"))

    assert "WPCC3-0060" in page
    assert "A contract supporting police operations." in page
    assert "1 September 2022" in page
    assert "Tells how the covert support works." not in page


def test_register_filters_by_year(register, member_of_public):
    page = titles(member_of_public.get("/decisions/", {"year": "2021"}))

    assert "Lease of the Leamington Spa office" in page
    assert "Joint commissioning" not in page
    assert "1 decision" in page


def test_register_filters_by_category(register, member_of_public):
    page = titles(member_of_public.get("/decisions/", {"category": "estates"}))

    assert "Lease of the Leamington Spa office" in page
    assert "Joint commissioning" not in page


def test_category_filter_never_reveals_a_wholly_confidential_decisions_category(
    register, member_of_public
):
    page = titles(member_of_public.get("/decisions/", {"category": "commissioning"}))

    assert "Joint commissioning" in page
    assert "WPCC3-0060" not in page


def test_register_filters_by_confidentiality(register, member_of_public):
    page = titles(
        member_of_public.get("/decisions/", {"confidentiality": Confidentiality.CONFIDENTIAL})
    )

    assert "WPCC3-0060" in page
    assert "WPCC3-0058" not in page


def test_register_filters_by_decision_maker(register, member_of_public):
    page = titles(member_of_public.get("/decisions/", {"decision_maker": DecisionMaker.DELEGATE}))

    assert "Lease of the Leamington Spa office" in page
    assert "Joint commissioning" not in page


def test_search_finds_public_text(register, member_of_public):
    page = titles(member_of_public.get("/decisions/", {"q": "Compass contracts"}))

    assert "Joint commissioning of drugs and alcohol services" in page
    assert "Lease of the Leamington" not in page


def test_search_finds_a_confidential_decision_by_its_public_subject(register, member_of_public):
    page = titles(member_of_public.get("/decisions/", {"q": "police operations"}))

    assert "WPCC3-0060" in page


def test_search_never_matches_withheld_text(register, member_of_public):
    for words in ("confidential sum", "secret", "covert support works"):
        page = titles(member_of_public.get("/decisions/", {"q": words}))

        assert "0 decisions" in page, words


def test_search_document_holds_no_withheld_text(register):
    document = Decision.objects.get(reference="WPCC3-0058").search_document

    assert "The contracts end in March 2023." in document
    assert "confidential sum" not in document


def test_bad_filter_value_shows_an_error_summary_linked_to_the_field(register, member_of_public):
    response = member_of_public.get("/decisions/", {"year": "last year"})
    page = titles(response)

    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_year"' in page
    assert 'id="id_year"' in page
    assert "govuk-select--error" in page


def test_register_pages_through_many_decisions(make_decision, officer, member_of_public):
    for number in range(25):
        make_decision(
            reference=f"P-{number:03}", title=f"Paged decision {number}", publish_by=officer
        )

    first = titles(member_of_public.get("/decisions/"))
    second = titles(member_of_public.get("/decisions/", {"page": "2"}))

    assert "25 decisions" in first
    assert first.count("Paged decision") == 20
    assert second.count("Paged decision") == 5
    assert 'rel="next"' in first


def test_register_answers_a_conditional_request_with_304(register, member_of_public):
    first = member_of_public.get("/decisions/")

    again = member_of_public.get("/decisions/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = member_of_public.get("/decisions/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first.status_code == 200
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert since.status_code == 304


def test_register_etag_changes_when_a_decision_is_published(
    register, make_decision, officer, member_of_public
):
    first = member_of_public.get("/decisions/")

    make_decision(reference="WPCC3-0070", title="A new decision", publish_by=officer)
    again = member_of_public.get("/decisions/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "A new decision" in titles(again)


def test_signed_in_staff_get_fresh_pages_not_304(register, client_for, officer):
    client = client_for(officer)

    response = client.get("/decisions/")

    assert response.status_code == 200
    assert not response.has_header("ETag")


@pytest.mark.postgres
def test_full_text_search_can_use_the_gin_index(register):
    if connection.vendor != "postgresql":
        pytest.skip("Full-text search with a GIN index needs PostgreSQL; SQLite scans instead.")
    from decisions.public_filters import search

    # The search expression must be the index's own expression for PostgreSQL to use it.
    # (With a handful of rows the planner prefers other plans, so sequential scans are
    # switched off and the status filter left out: the question is whether it *can*.)
    queryset = search(Decision.objects.all(), "drugs alcohol")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "decision_search_gin" in plan, plan
    assert [d.reference for d in search(Decision.objects.published(), "drugs alcohol")] == [
        "WPCC3-0058"
    ]


@pytest.mark.postgres
def test_full_text_search_understands_stemming_and_phrases(register):
    if connection.vendor != "postgresql":
        pytest.skip("Stemming is PostgreSQL's full-text search; SQLite matches words as typed.")
    from decisions.public_filters import search

    assert [d.reference for d in search(Decision.objects.published(), "extending")] == [
        "WPCC3-0058"
    ]
    assert not search(Decision.objects.published(), '"contracts Compass"').exists()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"year": "2021", "category": "estates", "confidentiality": "partly"},
        {"decision_maker": "delegate", "category": "<script>"},
        {"year": "last year"},
    ],
)
def test_register_drop_downs_are_the_markup_djangos_select_draws(register, query):
    """The register draws its drop-downs in one pass: the same markup as Django's Select,
    with the asked-for option selected, and its error class after a bad value."""
    data = QueryDict(mutable=True)
    data.update(query)
    form = PublicDecisionFilter(data or None).form
    form.is_valid()
    for name in ["year", "category", "confidentiality", "decision_maker"]:
        bound = form[name]
        djangos = forms.Select(attrs=bound.field.widget.attrs, choices=bound.field.widget.choices)
        assert parse_html(str(bound)) == parse_html(bound.as_widget(widget=djangos)), name
    if query.get("year") == "2021":
        assert '<option value="2021" selected>2021</option>' in str(form["year"])
