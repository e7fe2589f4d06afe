"""What keeps the public pages fast at scale (issue 8), pinned as query counts and behaviour.

Query counts are the same with 1 decision as with 30, so a page's cost does not grow with the
register. An unchanged decision page is answered (304, or from the page cache) after one
query, without building the record; and whatever changes the public record changes the page
at once, cache or not.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from decisions import pdf as decision_pdf
from decisions import public_views
from decisions.models import Decision
from decisions.publication import record_version
from tests.factories import DecisionCategoryFactory, DecisionLinkFactory
from tests.publication.conftest import public_section


def queries_for(client, path, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    return len(captured), response


def publish_many(make_decision, officer, count: int, start: int = 0) -> list[Decision]:
    return [
        make_decision(
            reference=f"Q-{number:03}",
            title=f"Register decision {number}",
            summary=f"Summary {number} about victim services.",
            sections=[public_section("Background information", f"Text {number}.")],
            publish_by=officer,
        )
        for number in range(start, start + count)
    ]


@pytest.fixture
def fresh_pages(settings):
    """Every request builds its page: the cache never holds anything."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def test_register_queries_do_not_grow_with_the_register(
    make_decision, officer, member_of_public, fresh_pages
):
    publish_many(make_decision, officer, 1)
    one, first = queries_for(member_of_public, "/decisions/")
    publish_many(make_decision, officer, 29, start=1)
    thirty, again = queries_for(member_of_public, "/decisions/")

    assert first.status_code == again.status_code == 200
    assert "30 decisions" in again.content.decode()
    assert one == thirty
    assert thirty <= 12


def test_search_queries_do_not_grow_with_the_matches(
    make_decision, officer, member_of_public, fresh_pages
):
    publish_many(make_decision, officer, 1)
    one, _ = queries_for(member_of_public, "/decisions/?q=victim")
    publish_many(make_decision, officer, 29, start=1)
    thirty, response = queries_for(member_of_public, "/decisions/?q=victim")

    assert "30 decisions" in response.content.decode()
    assert one == thirty


def test_decision_page_queries_do_not_grow_with_the_register(
    make_decision, officer, member_of_public, fresh_pages
):
    first = publish_many(make_decision, officer, 1)[0]
    one, _ = queries_for(member_of_public, first.get_absolute_url())
    publish_many(make_decision, officer, 29, start=1)
    thirty, response = queries_for(member_of_public, first.get_absolute_url())

    assert response.status_code == 200
    assert one == thirty
    assert thirty <= 12


def test_unchanged_decision_page_answers_304_after_one_query(seed_decision, member_of_public):
    first = member_of_public.get(seed_decision.get_absolute_url())

    count, again = queries_for(
        member_of_public, seed_decision.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert count == 1


def test_repeat_decision_page_comes_from_the_cache_after_one_query(seed_decision, member_of_public):
    first = member_of_public.get(seed_decision.get_absolute_url())

    count, again = queries_for(member_of_public, seed_decision.get_absolute_url())

    assert count == 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_repeat_pdf_comes_from_the_cache_after_one_query(seed_decision, member_of_public):
    first = member_of_public.get("/decisions/WPCC3-0058.pdf")

    count, again = queries_for(member_of_public, "/decisions/WPCC3-0058.pdf")

    assert count == 1
    assert again.content == first.content


def test_renaming_the_office_changes_cached_pages_and_their_etags(
    seed_decision, member_of_public, settings
):
    """The office's name is drawn on every page: a cache kept across a restart (CACHE_DIR)
    must not go on serving the old name, nor answer 304 to a browser holding it."""
    url = seed_decision.get_absolute_url()
    first = member_of_public.get(url)

    settings.OFFICE_NAME = "Office of the Police, Fire and Crime Commissioner for Elsewhere"
    again = member_of_public.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    register = member_of_public.get("/decisions/")

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Crime Commissioner for Elsewhere" in again.content.decode()
    assert "Crime Commissioner for Elsewhere" in register.content.decode()


def test_repeat_register_page_comes_from_the_cache(make_decision, officer, member_of_public):
    publish_many(make_decision, officer, 3)
    first = member_of_public.get("/decisions/", {"page": "1"})

    count, again = queries_for(member_of_public, "/decisions/?page=1")

    assert count == 1
    assert again.content == first.content


def test_a_withdrawn_decision_is_gone_from_its_cached_page(
    seed_decision, officer, member_of_public
):
    assert member_of_public.get(seed_decision.get_absolute_url()).status_code == 200

    seed_decision.withdraw(by=officer, reason="Published in error.")

    # Its address now says it was withdrawn (410), and nothing of the page kept before.
    for address in (seed_decision.get_absolute_url(), "/decisions/WPCC3-0058.pdf"):
        response = member_of_public.get(address)
        assert response.status_code == 410
        assert seed_decision.title not in response.content.decode()
    assert "WPCC3-0058" not in member_of_public.get("/decisions/").content.decode()


def test_a_renamed_category_changes_the_cached_decision_page(
    seed_decision, officer, member_of_public
):
    first = member_of_public.get(seed_decision.get_absolute_url())
    category = seed_decision.category
    category.name = "Substance misuse"
    category._history_user = officer
    category.save()

    again = member_of_public.get(seed_decision.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert "Substance misuse" in again.content.decode()


def test_a_linked_decision_withdrawn_leaves_the_cached_page(
    make_decision, officer, member_of_public
):
    earlier = make_decision(reference="L-001", title="The earlier decision", publish_by=officer)
    later = make_decision(reference="L-002", title="The later decision", publish_by=officer)
    DecisionLinkFactory(from_decision=later, to_decision=earlier)
    assert "The earlier decision" in member_of_public.get(later.get_absolute_url()).content.decode()

    earlier.withdraw(by=officer, reason="Published in error.")

    assert "The earlier decision" not in (
        member_of_public.get(later.get_absolute_url()).content.decode()
    )


def test_signed_in_staff_never_get_the_cached_public_page(seed_decision, client_for, officer):
    anonymous_first = seed_decision.get_absolute_url()
    client = client_for(officer)
    client.logout()
    client.get(anonymous_first)  # kept in the cache for visitors who are not signed in
    client.force_login(officer)

    page = client.get(anonymous_first).content.decode()

    assert "Sign out" in page


def test_the_version_covers_a_decision_that_is_not_published(make_decision):
    draft = make_decision(reference="D-001", title="A draft")

    assert record_version("D-001") is None
    assert record_version(draft.reference) is None


def test_a_search_with_very_many_matches_counts_only_so_far(
    make_decision, officer, member_of_public, monkeypatch
):
    monkeypatch.setattr(public_views, "SEARCH_COUNT_LIMIT", 3)
    publish_many(make_decision, officer, 5)

    page = member_of_public.get("/decisions/?q=victim").content.decode()

    assert "Showing 1 to 3 of more than 3 decisions" in page
    assert page.count("Register decision") == 3  # the pages offer the first 3 matches


def test_search_lists_the_newest_publication_first(make_decision, officer, member_of_public):
    older = make_decision(
        reference="S-001",
        title="Older victims decision",
        summary="Victims.",
        published_on=datetime.date(2021, 1, 4),
        publish_by=officer,
    )
    newer = make_decision(
        reference="S-002",
        title="Newer victims decision",
        summary="Victims.",
        published_on=datetime.date(2023, 1, 4),
        publish_by=officer,
    )

    page = member_of_public.get("/decisions/?q=victims").content.decode()

    assert page.index(newer.title) < page.index(older.title)


def test_a_filter_is_cached_but_a_made_up_parameter_is_not(
    make_decision, officer, member_of_public
):
    publish_many(make_decision, officer, 2)
    DecisionCategoryFactory(name="Unused", slug="unused")
    member_of_public.get("/decisions/?confidentiality=non")
    member_of_public.get("/decisions/?anything=at-all")

    cached, _ = queries_for(member_of_public, "/decisions/?confidentiality=non")
    built, _ = queries_for(member_of_public, "/decisions/?anything=at-all")

    assert cached == 1
    assert built > 1


def test_pdfs_rendered_one_after_another_share_fonts_but_nothing_else(
    make_decision, officer, member_of_public
):
    """The font configuration is kept between PDFs (see decisions.pdf): each PDF still
    embeds its fonts and holds its own record's text only."""
    first = make_decision(reference="F-001", title="Vehicle fleet renewal", publish_by=officer)
    second = make_decision(reference="F-002", title="Custody healthcare", publish_by=officer)
    documents = []
    for decision in (first, second):
        response = member_of_public.get(f"/decisions/{decision.reference}.pdf")
        documents.append(PdfReader(io.BytesIO(response.content)))
    texts = [" ".join(page.extract_text() for page in doc.pages) for doc in documents]

    assert decision_pdf._fonts() is decision_pdf._fonts()
    assert "Vehicle fleet renewal" in texts[0] and "Custody healthcare" not in texts[0]
    assert "Custody healthcare" in texts[1] and "Vehicle fleet renewal" not in texts[1]
    for document in documents:
        font = next(iter(document.pages[0]["/Resources"]["/Font"].values())).get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL: SQLite plans a query as it prepares it, so nothing is prepared.",
)
def test_the_version_query_is_planned_once_per_connection_on_postgresql(
    seed_decision, member_of_public
):
    """Planning the version query costs PostgreSQL several times what running it does: it is
    prepared once on each connection and then only executed, and still sees every change."""
    member_of_public.get(seed_decision.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        again = member_of_public.get(seed_decision.get_absolute_url())
    statements = [query["sql"] for query in captured]

    assert again.status_code == 200
    assert len(statements) == 1
    assert statements[0].startswith("EXECUTE public_record_")
    # and planned once: not afresh on each of its first five runs, as PostgreSQL would
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)

    seed_decision.title = "A title changed after publication"
    seed_decision.save()
    assert record_version(seed_decision.reference).etag != again["ETag"].strip('"').split("-")[0]


def counts_for(client, path) -> tuple[int, str]:
    """How many times the page counted its list, and the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    counting = [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    return len(counting), response.content.decode()


def test_a_register_list_is_counted_once_per_version_of_the_register(
    make_decision, officer, member_of_public
):
    publish_many(make_decision, officer, 21)
    counted, page = counts_for(member_of_public, "/decisions/")
    assert (counted, "21 decisions" in page) == (1, True)
    # Page 2 is not in the page cache: it is built, but the list is not counted again.
    counted, page = counts_for(member_of_public, "/decisions/?page=2")
    assert (counted, "21 decisions" in page) == (0, True)
    # A filtered list has a count of its own.
    counted, _ = counts_for(member_of_public, "/decisions/?confidentiality=non")
    assert counted == 1
    # Each count reads the decisions' keys alone.
    with CaptureQueriesContext(connection) as captured:
        response = member_of_public.get("/decisions/?decision_maker=pcc&page=2")
    counting = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "21 decisions" in response.content.decode()
    assert len(counting) == 1
    assert "JOIN DECISIONS_DECISIONTEMPLATE" not in counting[0].upper().replace('"', "")
    assert '"summary"' not in counting[0]

    # A decision published since is counted at once, on a page built before it or not.
    publish_many(make_decision, officer, 1, start=21)
    counted, page = counts_for(member_of_public, "/decisions/?page=2")
    assert (counted, "22 decisions" in page) == (1, True)
    counted, page = counts_for(member_of_public, "/decisions/")
    assert (counted, "22 decisions" in page) == (0, True)


def test_a_search_is_counted_by_its_keys_without_sorting_its_matches(
    make_decision, officer, member_of_public
):
    """The count stops at the cap; sorted first, every match would be read and ordered before
    it stopped, so a common word would cost more the bigger the register. Counting the rows a
    result shows would join each match to its form, category and delegation and read its
    text, up to the cap."""
    publish_many(make_decision, officer, 3)
    with CaptureQueriesContext(connection) as captured:
        response = member_of_public.get("/decisions/?q=victim")
    assert "3 decisions" in response.content.decode()
    counting = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1
    assert "ORDER BY" not in counting[0].upper()
    assert "JOIN" not in counting[0].upper()
    assert '"summary"' not in counting[0]
