"""The workspace's list pages (contracts, providers, partners, programmes, arrangements) are
counted only up to a cap and paged by a deferred join, as the decision register is: past the
cap they say "more than" and offer the next page without a last page number."""

import datetime
import html
import re

import pytest

from commissioning import pagination
from contracts import workspace_blocks
from contracts.models import Contract, Programme
from tests.factories import (
    ArrangementPartnerFactory,
    ContractFactory,
    JointArrangementFactory,
    LotFactory,
    PartnerBodyFactory,
    ProgrammeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = "/workspace/contracts/"


def listed(response) -> list[str]:
    return [contract.reference for contract in response.context["object_list"]]


def text(response) -> str:
    """The page as a reader sees it: tags dropped, white space run together."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def link(response, rel: str) -> str | None:
    """The address of the page's "next" or "prev" pagination link, if it has one."""
    found = re.search(rf'href="([^"]*)" rel="{rel}"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def page_links(response) -> list[str]:
    """The numbered page links, in order, with "…" for each gap."""
    nav = re.search(r'<nav class="govuk-pagination".*?</nav>', response.content.decode(), re.S)
    if not nav:
        return []
    found = re.findall(r'aria-label="Page (\d+)"|(&ctdot;)', nav.group(0))
    return [number or "…" for number, _gap in found]


@pytest.fixture
def reader(client_for, monitoring_officer):
    return client_for(monitoring_officer)


@pytest.fixture
def eight_contracts():
    """K-1 to K-8, in the register's order (by end date)."""
    for number in range(1, 9):
        ContractFactory(reference=f"K-{number}", ends_on=D(2024, 1, number))


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of three rows, counted up to five."""
    monkeypatch.setattr(workspace_blocks, "PAGE_SIZE", 3)
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)


def test_a_register_longer_than_the_cap_says_more_than_and_its_next_link_works(
    reader, eight_contracts, small_pages
):
    first = reader.get(REGISTER)

    assert "More than 5 contracts. See them on the timeline" in text(first)
    assert listed(first) == ["K-1", "K-2", "K-3"]
    assert link(first, "prev") is None
    # No last page number: the next page, then a gap for the rest.
    assert page_links(first) == ["1", "2", "…"]
    assert "Contracts, page 1" in text(first) and "page 1 of" not in text(first)

    second = reader.get(REGISTER + link(first, "next"))

    assert listed(second) == ["K-4", "K-5", "K-6"]
    assert "More than 5 contracts." in text(second)  # a page or a sort is not a filter
    assert "More than 5 contracts." in text(reader.get(REGISTER, {"page": 2, "sort": "-ends"}))
    assert link(second, "prev") == "?page=1"
    assert link(second, "next") == "?page=3"


def test_the_next_link_keeps_the_filters(reader, small_pages):
    for number in range(1, 9):
        ContractFactory(reference=f"A-{number}", ends_on=D(2024, 1, number))
        ContractFactory(reference=f"E-{number}", status=Contract.Status.ENDED)

    first = reader.get(REGISTER, {"status": "active", "sort": "-ends"})

    assert "More than 5 contracts match the filters." in text(first)
    assert listed(first) == ["A-8", "A-7", "A-6"]
    second = reader.get(REGISTER + link(first, "next"))
    assert listed(second) == ["A-5", "A-4", "A-3"]


def test_a_deep_page_of_an_uncounted_register_lists_its_own_rows(reader, small_pages):
    for number in range(1, 31):
        ContractFactory(reference=f"K-{number:02}", ends_on=D(2024, 1, number))

    deep = reader.get(REGISTER, {"page": 7})

    assert listed(deep) == ["K-19", "K-20", "K-21"]
    assert "More than 5 contracts" in text(deep)
    assert page_links(deep) == ["1", "…", "5", "6", "7", "8", "…"]
    assert link(deep, "prev") == "?page=6"
    assert link(deep, "next") == "?page=8"

    last = reader.get(REGISTER, {"page": 10})

    assert listed(last) == ["K-28", "K-29", "K-30"]
    assert link(last, "next") is None


def test_a_page_past_the_end_of_an_uncounted_register_lands_on_the_last_page(
    reader, eight_contracts, small_pages
):
    response = reader.get(REGISTER, {"page": 99})

    assert response.status_code == 200
    assert listed(response) == ["K-7", "K-8"]
    # Counting was needed to find the last page, so the total is now exact.
    assert "8 contracts" in text(response) and "More than" not in text(response)
    assert link(response, "next") is None
    assert page_links(response) == ["1", "2", "3"]


def test_a_page_number_that_is_not_a_page_shows_the_first_or_the_last(
    reader, eight_contracts, small_pages
):
    for page in ("two", "0", "-3"):
        assert listed(reader.get(REGISTER, {"page": page})) == ["K-1", "K-2", "K-3"], page
    # A number too big for the database's OFFSET is past the end like any other.
    assert listed(reader.get(REGISTER, {"page": "9" * 40})) == ["K-7", "K-8"]


def test_a_register_within_the_cap_shows_its_exact_total_and_every_page_number(
    reader, eight_contracts, monkeypatch
):
    monkeypatch.setattr(workspace_blocks, "PAGE_SIZE", 3)

    first = reader.get(REGISTER)

    assert "8 contracts. See them on the timeline" in text(first)
    assert page_links(first) == ["1", "2", "3"]
    assert "Contracts, page 1 of 3" in text(first)
    assert link(first, "next") == "?page=2"

    past_the_end = reader.get(REGISTER, {"page": 4})

    assert listed(past_the_end) == ["K-7", "K-8"]


def test_a_short_register_has_no_pages_and_counts_one_contract_in_the_singular(reader):
    ContractFactory(reference="K-1", status=Contract.Status.ENDED)
    ContractFactory(reference="K-2")

    response = reader.get(REGISTER, {"status": "ended"})

    assert "1 contract matches the filters." in text(response)
    assert page_links(response) == []

    nothing = reader.get(REGISTER, {"q": "nothing like it"})

    assert "0 contracts match the filters. See them on the timeline" in text(nothing)
    assert "No contracts match" in text(nothing)


def providers(n):
    for number in range(1, n + 1):
        provider = ProviderFactory(name=f"Provider {number}")
        ContractFactory(provider=provider)
        ContractFactory(provider=provider)
    return (
        "/workspace/providers/",
        "providers",
        "contract_count",
        ["Provider 4", "Provider 5", "Provider 6"],
    )


def partners(n):
    for number in range(1, n + 1):
        body = PartnerBodyFactory(name=f"Partner {number}")
        ArrangementPartnerFactory(body=body)
        ArrangementPartnerFactory(body=body)
    return (
        "/workspace/partners/",
        "partner bodies",
        "arrangement_count",
        ["Partner 4", "Partner 5", "Partner 6"],
    )


def programmes(n):
    for number in range(1, n + 1):
        programme = ProgrammeFactory(title=f"Programme {number}")
        LotFactory(phase__programme=programme)
        LotFactory(phase__programme=programme)
    # Newest first; made in the same instant, they are in the order of their keys.
    newest_first = Programme.objects.order_by("-created_at", "pk")
    return (
        "/workspace/programmes/",
        "programmes",
        "lot_count",
        [programme.title for programme in newest_first[3:6]],
    )


def arrangements(n):
    for number in range(1, n + 1):
        arrangement = JointArrangementFactory(title=f"Arrangement {number}")
        ArrangementPartnerFactory(arrangement=arrangement)
        ArrangementPartnerFactory(arrangement=arrangement)
    return (
        "/workspace/arrangements/",
        "arrangements",
        "partner_count",
        ["Arrangement 4", "Arrangement 5", "Arrangement 6"],
    )


@pytest.mark.parametrize("make_rows", [providers, partners, programmes, arrangements])
def test_every_other_list_page_is_counted_up_to_the_cap_and_paged_the_same_way(
    reader, small_pages, make_rows
):
    """Each of these lists counts related rows per row: the second page still lists each
    row once, with its own counts."""
    url, noun, count, second_page = make_rows(7)

    first = reader.get(url)
    second = reader.get(url + link(first, "next"))

    assert f"More than 5 {noun}." in text(first)
    assert [str(row) for row in second.context["object_list"]] == second_page
    assert [getattr(row, count) for row in second.context["object_list"]] == [2, 2, 2]


def test_a_long_list_page_says_the_exact_total_within_the_cap(reader, monkeypatch):
    monkeypatch.setattr(workspace_blocks, "PAGE_SIZE", 3)
    providers(7)

    response = reader.get("/workspace/providers/")

    assert "7 providers." in text(response)
    assert page_links(response) == ["1", "2", "3"]
