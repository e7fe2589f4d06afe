"""The public decision register's date range, provider filter, sorts and counts; its JSON of
the list being looked at and of one decision; and the Atom feeds of a category or a search."""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.licence import LICENCE_URL
from contracts.models import Contract
from decisions.models import Award, Decision, ProviderRole
from tests.factories import (
    ContractFactory,
    DecisionCategoryFactory,
    DecisionProviderFactory,
    ProviderFactory,
)
from tests.publication.conftest import costs_withheld, public_section

ATOM = "{http://www.w3.org/2005/Atom}"

pytestmark = pytest.mark.django_db


def listed(page: str) -> list[str]:
    """The references a register page lists, in its order."""
    return re.findall(r'href="/decisions/([^"]+)/"', page.split('id="results-heading"')[1])


def get(client, address: str, **params) -> str:
    response = client.get(address, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def register(make_decision, officer):
    grants = DecisionCategoryFactory(name="Grants", slug="grants")
    acorn = ProviderFactory(name="Acorn Housing")
    made = {
        "march": make_decision(
            reference="D-03",
            title="Beta housing grant",
            category=grants,
            decided_on=datetime.date(2024, 3, 10),
            signed_on=datetime.date(2024, 3, 10),
            sections=[public_section("Background information", "Housing for leavers.")],
            publish_by=officer,
        ),
        "june": make_decision(
            reference="D-06",
            title="Alpha recovery contract",
            decided_on=datetime.date(2024, 6, 20),
            signed_on=datetime.date(2024, 6, 20),
            sections=[public_section("Background information", "Recovery support.")],
            publish_by=officer,
        ),
        "secret": make_decision(
            reference="D-09",
            title="Gamma covert support",
            public_subject="Support for operations.",
            decided_on=datetime.date(2024, 9, 1),
            signed_on=datetime.date(2024, 9, 1),
            sections=[costs_withheld("All of it is secret.")],
            publish_by=officer,
        ),
    }
    # Publication follows the decisions' order, so "newest" is D-09, D-06, D-03.
    for day, decision in enumerate(made.values(), start=1):
        Decision.objects.filter(pk=decision.pk).update(published_on=datetime.date(2024, 10, day))
    ContractFactory(reference="C-1", provider=acorn).decisions.add(made["june"])
    Award.objects.create(
        decision=made["march"], recipient="Birch Youth Trust", amount=Decimal("5000")
    )
    # A wholly confidential decision about Acorn's contract: its link to a provider is not
    # public, so the provider filter does not find it.
    ContractFactory(reference="C-2", provider=acorn).decisions.add(made["secret"])
    made["grants"] = grants
    return made


def dates(prefix: str, day: datetime.date) -> dict:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


# -- counts, dates, providers, sorts --------------------------------------------------------


def test_register_says_which_decisions_it_shows_of_how_many(
    make_decision, officer, member_of_public
):
    for number in range(23):
        make_decision(reference=f"N-{number:02}", title=f"Decision {number}", publish_by=officer)

    assert "Showing 1 to 20 of 23 decisions" in get(member_of_public, "/decisions/")
    assert "Showing 21 to 23 of 23 decisions" in get(member_of_public, "/decisions/", page=2)


def test_decided_between_two_dates(register, member_of_public):
    params = dates("decided_from", datetime.date(2024, 6, 1)) | dates(
        "decided_to", datetime.date(2024, 9, 1)
    )

    page = get(member_of_public, "/decisions/", **params)

    # The dates of a wholly confidential decision are public: the range finds it.
    assert listed(page) == ["D-09", "D-06"]
    assert "Showing 1 to 2 of 2 decisions" in page


def test_decided_from_alone(register, member_of_public):
    page = get(member_of_public, "/decisions/", **dates("decided_from", datetime.date(2024, 6, 20)))

    assert listed(page) == ["D-09", "D-06"]


def test_a_date_that_is_not_real_is_refused_with_a_message(register, member_of_public):
    page = get(
        member_of_public,
        "/decisions/",
        decided_to_day="30",
        decided_to_month="2",
        decided_to_year="2024",
    )

    assert "There is a problem" in page
    assert "Decided on or before must be a real date" in page


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("acorn", ["D-06"]),  # the provider of a contract it concerns
        ("birch youth", ["D-03"]),  # the recipient of an award it makes
        ("nobody", []),
    ],
)
def test_provider_filter_through_contracts_and_awards(register, member_of_public, name, found):
    page = get(member_of_public, "/decisions/", provider=name)

    assert listed(page) == found


def test_provider_filter_through_an_awards_provider(register, member_of_public):
    Award.objects.create(
        decision=register["june"],
        recipient="A trading name",
        provider=ProviderFactory(name="Cedar Counselling"),
        amount=Decimal("100"),
    )

    assert listed(get(member_of_public, "/decisions/", provider="cedar")) == ["D-06"]


def test_provider_filter_through_a_direct_link(register, member_of_public):
    DecisionProviderFactory(
        decision=register["march"],
        provider=ProviderFactory(name="Dunmore Community Interest Company"),
        role=ProviderRole.CREATED,
    )

    assert listed(get(member_of_public, "/decisions/", provider="dunmore")) == ["D-03"]


def test_provider_filter_finds_nothing_through_routes_the_public_record_does_not_show(
    register, make_decision, officer, member_of_public
):
    elm = ProviderFactory(name="Elm Partners")
    # A contract still planned is not on the public register.
    ContractFactory(provider=elm, status=Contract.Status.PLANNED).decisions.add(register["june"])
    # A round of grants names no recipient, so its provider is not shown.
    Award.objects.create(
        decision=register["march"], provider=elm, applications=4, amount=Decimal("900")
    )
    # A record whose papers are restricted shows no providers at all.
    restricted = make_decision(
        reference="D-12",
        papers_restricted=True,
        papers_exemption="s31",
        papers_public_interest="Publishing would prejudice an operation.",
        publish_by=officer,
    )
    assert restricted.confidentiality == Decision.Confidentiality.RESTRICTED
    DecisionProviderFactory(decision=restricted, provider=elm)
    ContractFactory(provider=elm).decisions.add(restricted)

    assert listed(get(member_of_public, "/decisions/", provider="elm")) == []
    # The workspace's own question still sees every route.
    assert set(Decision.objects.linked_to_provider(elm)) == {
        register["june"],
        register["march"],
        restricted,
    }


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["D-09", "D-06", "D-03"]),
        ("newest", ["D-09", "D-06", "D-03"]),
        ("oldest", ["D-03", "D-06", "D-09"]),
        ("reference", ["D-03", "D-06", "D-09"]),
        ("title", ["D-06", "D-03", "D-09"]),
    ],
)
def test_sorts(register, member_of_public, sort, order):
    assert listed(get(member_of_public, "/decisions/", sort=sort)) == order


@pytest.mark.parametrize("rows", [2, 25])
def test_filtered_register_queries_do_not_grow_with_the_rows(
    rows, make_decision, officer, member_of_public
):
    provider = ProviderFactory(name="Acorn Housing")
    for number in range(rows):
        decision = make_decision(
            reference=f"Q-{number:02}",
            decided_on=datetime.date(2024, 5, 1),
            signed_on=datetime.date(2024, 5, 1),
            publish_by=officer,
        )
        ContractFactory(provider=provider).decisions.add(decision)
    address = (
        "/decisions/?provider=acorn&sort=title"
        "&decided_from_day=1&decided_from_month=1&decided_from_year=2024"
    )

    with CaptureQueriesContext(connection) as queries:
        assert member_of_public.get(address).status_code == 200

    # The register's version, the years and categories offered, the count (a typed name is
    # counted each time) and the page's rows with their public parts.
    assert len(queries) == 5


# -- the JSON ----------------------------------------------------------------------------------


def test_json_holds_the_list_being_looked_at_with_the_licence(register, member_of_public):
    response = member_of_public.get("/decisions.json", {"category": "grants"})

    data = response.json()
    assert [item["reference"] for item in data["decisions"]] == ["D-03"]
    assert data["licence"] == {"name": "Open Government Licence v3.0", "url": LICENCE_URL}
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'


def test_json_of_every_decision_without_filters(register, member_of_public):
    data = member_of_public.get("/decisions.json").json()

    assert [item["reference"] for item in data["decisions"]] == ["D-03", "D-06", "D-09"]


def test_register_links_to_the_json_and_feed_of_its_list(register, member_of_public):
    page = get(member_of_public, "/decisions/", category="grants", page="1")

    assert 'href="/decisions.json?category=grants"' in page
    assert 'href="/decisions/feed/?category=grants"' in page
    assert "Follow these decisions" in page


def test_a_decision_as_json_at_its_own_address(register, member_of_public):
    response = member_of_public.get("/decisions/D-06.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    data = response.json()
    assert [item["reference"] for item in data["decisions"]] == ["D-06"]
    assert data["licence"]["url"] == LICENCE_URL
    assert data["source"] == "http://testserver/decisions/D-06.json"


def test_a_decision_page_links_to_its_json_in_head_and_body(register, member_of_public):
    page = get(member_of_public, "/decisions/D-06/")

    assert '<link rel="alternate" type="application/json"' in page
    assert page.count('href="/decisions/D-06.json"') == 2


def test_a_decision_json_is_not_found_unless_published(register, member_of_public):
    from tests.factories import DecisionFactory

    DecisionFactory(reference="D-DRAFT")

    assert member_of_public.get("/decisions/D-DRAFT.json").status_code == 404
    assert member_of_public.get("/decisions/NO-SUCH.json").status_code == 404


def test_a_wholly_confidential_decision_json_gives_what_its_page_does(register, member_of_public):
    data = member_of_public.get("/decisions/D-09.json").json()
    text = json.dumps(data)

    assert "Gamma covert support" in text
    assert "All of it is secret." not in text
    assert "Acorn" not in text


# -- feeds -------------------------------------------------------------------------------------


def entries(response) -> list:
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 (our own output)


def test_feed_entry_ids_are_absolute_and_stable(register, member_of_public, settings):
    settings.SITE_URL = "https://decisions.example.org"

    feed = member_of_public.get("/decisions/feed/")
    ids = [entry.find(f"{ATOM}id").text for entry in entries(feed)]

    assert ids == [
        "https://decisions.example.org/decisions/D-09/",
        "https://decisions.example.org/decisions/D-06/",
        "https://decisions.example.org/decisions/D-03/",
    ]
    # Asked by another host name, the ids are the same.
    again = member_of_public.get("/decisions/feed/", HTTP_HOST="localhost")
    assert [entry.find(f"{ATOM}id").text for entry in entries(again)] == ids


def test_a_feed_per_category(register, member_of_public):
    feed = member_of_public.get("/decisions/feed/", {"category": "grants"})

    root = ET.fromstring(feed.content)  # noqa: S314 (our own output)
    assert [e.find(f"{ATOM}title").text for e in entries(feed)] == ["D-03: Beta housing grant"]
    assert root.find(f"{ATOM}title").text.endswith(", in Grants")
    assert root.find(f"{ATOM}id").text.endswith("/decisions/feed/?category=grants")


def test_a_feed_per_search(register, member_of_public):
    feed = member_of_public.get("/decisions/feed/", {"q": "recovery"})

    assert [e.find(f"{ATOM}title").text for e in entries(feed)] == ["D-06: Alpha recovery contract"]


def test_a_browser_following_the_feed_link_gets_a_page_that_explains_it(register, member_of_public):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    response = member_of_public.get("/decisions/feed/", {"category": "grants"}, HTTP_ACCEPT=browser)

    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    assert "<h1" in page and "Follow new decisions" in page
    assert "news feed" in page
    assert 'value="http://127.0.0.1:8000/decisions/feed/?category=grants"' in page or (
        "/decisions/feed/?category=grants" in page
    )


@pytest.mark.parametrize(
    "accept",
    [
        "application/atom+xml,application/rss+xml;q=0.9,*/*;q=0.8",
        "*/*",
        "application/xml",
        "",
    ],
)
def test_a_feed_reader_gets_the_feed(register, member_of_public, accept):
    response = member_of_public.get("/decisions/feed/", HTTP_ACCEPT=accept)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Accept" in response["Vary"]
    assert len(entries(response)) == 3
