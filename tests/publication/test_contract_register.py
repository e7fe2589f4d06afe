"""The public contract register at scale: its pages, search, filters, sorts, a page per
contract, and the downloads of the list being looked at under the Open Government Licence."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.licence import LICENCE_URL
from contracts.models import Commissioner, Contract, Extension
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    PartnerBodyFactory,
    ProviderFactory,
    extension_basis,
)

pytestmark = pytest.mark.django_db


def listed(page: str) -> list[str]:
    """The references of the contracts a register page lists, in its order."""
    return re.findall(r'href="/contracts/([^"/]+)/"', page)


def get(client, address: str, **params) -> str:
    response = client.get(address, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def register():
    """Contracts with different providers, ends, values and partners, one small, one planned."""
    acorn = ProviderFactory(name="Acorn Housing")
    birch = ProviderFactory(name="Birch Recovery")
    county = PartnerBodyFactory(name="Shire County Council")
    made = {
        "housing": ContractFactory(
            reference="C-HOUSING",
            title="Supported housing",
            provider=acorn,
            ends_on=datetime.date(2026, 3, 31),
            total_value=Decimal("400000"),
        ),
        "recovery": ContractFactory(
            reference="C-RECOVERY",
            title="Recovery service",
            provider=birch,
            ends_on=datetime.date(2025, 9, 30),
            total_value=Decimal("900000"),
            status=Contract.Status.ENDED,
        ),
        "outreach": ContractFactory(
            reference="C-OUTREACH",
            title="Street outreach",
            provider=birch,
            ends_on=datetime.date(2027, 6, 30),
            total_value=None,
            annual_value=Decimal("60000"),
        ),
        # At or below the threshold: its end date and status are not public.
        "small": ContractFactory(
            reference="C-SMALL",
            title="Leaflet printing",
            provider=acorn,
            ends_on=datetime.date(2025, 1, 31),
            total_value=Decimal("5000"),
        ),
        "planned": ContractFactory(
            reference="C-PLANNED",
            title="A service still being planned",
            provider=acorn,
            status=Contract.Status.PLANNED,
        ),
    }
    CommissionerFactory(contract=made["outreach"], body=county, role=Commissioner.Role.CO)
    made["acorn"], made["birch"], made["county"] = acorn, birch, county
    return made


# -- pages and counts -----------------------------------------------------------------------


def test_register_shows_twenty_a_page_and_says_which(member_of_public):
    ContractFactory.create_batch(25)

    first = get(member_of_public, "/contracts/")
    second = get(member_of_public, "/contracts/", page=2)

    assert "Showing 1 to 20 of 25 contracts" in first
    assert len(listed(first)) == 20
    assert 'class="govuk-pagination"' in first and "?page=2" in first
    assert "Showing 21 to 25 of 25 contracts" in second
    assert len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))


def test_register_lists_no_contract_still_being_planned(register, member_of_public):
    page = get(member_of_public, "/contracts/")

    assert "Showing 1 to 4 of 4 contracts" in page
    assert "C-PLANNED" not in listed(page)


@pytest.mark.parametrize("rows", [3, 30])
def test_register_page_queries_do_not_grow_with_the_rows(rows, member_of_public):
    def count(address):
        """The queries of a page as a reader finds it: the choices of provider and partner
        are kept (under the data's version) once any page has drawn them."""
        member_of_public.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert member_of_public.get(address).status_code == 200
        return len(queries)

    county = PartnerBodyFactory()
    for contract in ContractFactory.create_batch(rows):
        CommissionerFactory(contract=contract, body=county)
        Extension.objects.create(
            contract=contract,
            previous_ends_on=contract.ends_on,
            new_ends_on=contract.ends_on + datetime.timedelta(days=90),
            reason="Interim",
            basis=extension_basis("exemption"),
        )

    # The data's last change (1), the page (1), its commissioners with their bodies,
    # extensions, decisions and notices (5); the count is kept under the data's version, but
    # a search's is counted each time (1 more).
    assert count("/contracts/") == 7
    assert count("/contracts/?sort=value&status=active") == 7
    assert count("/contracts/?q=service&sort=value&status=active") == 8
    # The contract page: the data's last change, the contract, and the same five.
    assert count(f"/contracts/{Contract.objects.first().reference}/") == 7


# -- search ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("c-recovery", ["C-RECOVERY"]),  # the reference
        ("outreach", ["C-OUTREACH"]),  # the service
        ("acorn", ["C-HOUSING", "C-SMALL"]),  # the provider
        ("birch street", ["C-OUTREACH"]),  # every word, wherever it is
    ],
)
def test_search_finds_contracts_by_reference_service_or_provider(
    register, member_of_public, words, found
):
    page = get(member_of_public, "/contracts/", q=words, sort="reference")

    assert sorted(listed(page)) == sorted(found)
    assert f"of {len(found)} contract" in page


def test_search_never_finds_a_contract_still_being_planned(register, member_of_public):
    page = get(member_of_public, "/contracts/", q="planned")

    assert listed(page) == []
    assert "No contract matches" in page


# -- filters --------------------------------------------------------------------------------


def test_filter_by_provider(register, member_of_public):
    page = get(member_of_public, "/contracts/", provider=register["birch"].pk)

    assert sorted(listed(page)) == ["C-OUTREACH", "C-RECOVERY"]


def test_provider_filter_offers_only_providers_with_a_listed_contract(member_of_public):
    ContractFactory(provider=ProviderFactory(name="Only Planned Ltd"), status="planned")
    ContractFactory(provider=ProviderFactory(name="Listed Ltd"))

    page = get(member_of_public, "/contracts/")

    assert "Listed Ltd" in page
    assert "Only Planned Ltd" not in page


def test_filter_by_status_leaves_out_contracts_listed_by_value_alone(register, member_of_public):
    active = get(member_of_public, "/contracts/", status="active")
    ended = get(member_of_public, "/contracts/", status="ended")

    # The small contract is active too, but its status is not public.
    assert sorted(listed(active)) == ["C-HOUSING", "C-OUTREACH"]
    assert listed(ended) == ["C-RECOVERY"]


def test_status_filter_does_not_offer_planned(register, member_of_public):
    page = get(member_of_public, "/contracts/", status="planned")

    assert 'value="planned"' not in page
    assert "There is a problem" in page


def test_filter_by_partner_body_commissioning(register, member_of_public):
    page = get(member_of_public, "/contracts/", commissioner=register["county"].pk)

    assert listed(page) == ["C-OUTREACH"]


def test_filter_by_ending_between_two_dates(register, member_of_public):
    page = get(
        member_of_public,
        "/contracts/",
        **{
            "ends_from_day": "1",
            "ends_from_month": "1",
            "ends_from_year": "2025",
            "ends_to_day": "31",
            "ends_to_month": "12",
            "ends_to_year": "2026",
        },
    )

    # C-SMALL ends in January 2025, but its end date is not public.
    assert sorted(listed(page)) == ["C-HOUSING", "C-RECOVERY"]


def test_an_impossible_date_is_refused_with_a_message(register, member_of_public):
    page = get(
        member_of_public,
        "/contracts/",
        ends_from_day="31",
        ends_from_month="2",
        ends_from_year="2025",
    )

    assert "There is a problem" in page
    assert "must be a real date" in page


# -- sorts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        # Ending soonest; a contract whose end is not public (the small one) comes last.
        ("ends", ["C-RECOVERY", "C-HOUSING", "C-OUTREACH", "C-SMALL"]),
        # The value: the total, or the annual value where there is no total.
        ("value", ["C-RECOVERY", "C-HOUSING", "C-OUTREACH", "C-SMALL"]),
        ("provider", ["C-HOUSING", "C-SMALL", "C-OUTREACH", "C-RECOVERY"]),
        ("reference", ["C-HOUSING", "C-OUTREACH", "C-RECOVERY", "C-SMALL"]),
    ],
)
def test_sorts(register, member_of_public, sort, order):
    assert listed(get(member_of_public, "/contracts/", sort=sort)) == order


def test_register_is_ending_soonest_first_unless_asked(register, member_of_public):
    assert listed(get(member_of_public, "/contracts/"))[0] == "C-RECOVERY"


def test_value_sort_puts_a_contract_without_a_value_last(register, member_of_public):
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)

    assert listed(get(member_of_public, "/contracts/", sort="value"))[-1] == "C-UNVALUED"


# -- a page per contract --------------------------------------------------------------------


def test_contract_page_at_its_reference(register, member_of_public, make_decision, officer):
    decision = make_decision(reference="D-0001", title="Extend the housing", publish_by=officer)
    draft = make_decision(reference="D-DRAFT", title="A draft about housing")
    housing = register["housing"]
    housing.decisions.add(decision, draft)
    housing.extend(
        new_end=datetime.date(2027, 3, 31),
        reason="While the new service is procured.",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=decision,
    )

    page = get(member_of_public, "/contracts/C-HOUSING/")

    assert "<h1" in page and "Supported housing" in page
    assert "Acorn Housing" in page
    assert "Extension from 31 March 2026 to 31 March 2027" in page
    assert 'href="/decisions/D-0001/"' in page
    assert "D-DRAFT" not in page
    # The timeline picture: the term, the extension and the decision's marker.
    assert 'class="app-contract-timeline__svg"' in page
    assert "app-contract-timeline__bar--extension" in page
    assert "app-contract-timeline__marker--decision" in page
    assert f'href="/contracts/?provider={register["acorn"].pk}"' in page


def test_contract_still_being_planned_has_no_public_page(register, member_of_public):
    assert member_of_public.get("/contracts/C-PLANNED/").status_code == 404
    assert member_of_public.get("/contracts/NO-SUCH/").status_code == 404


def test_small_contract_page_has_no_dates_or_timeline(register, member_of_public):
    page = get(member_of_public, "/contracts/C-SMALL/")

    assert "£5,000.00" in page
    assert "31 January 2025" not in page
    assert "app-contract-timeline__svg" not in page


def test_contract_page_of_a_reference_with_a_slash(member_of_public):
    ContractFactory(reference="OPCC/2024/7", title="Custody healthcare")

    page = get(member_of_public, "/contracts/")
    assert 'href="/contracts/OPCC/2024/7/"' in page
    assert "Custody healthcare" in get(member_of_public, "/contracts/OPCC/2024/7/")


# -- downloads of the list ------------------------------------------------------------------


def test_csv_holds_the_filtered_list_in_its_order_with_the_licence(register, member_of_public):
    response = member_of_public.get("/contracts.csv", {"provider": register["birch"].pk})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [row["Reference"] for row in rows] == ["C-RECOVERY", "C-OUTREACH"]
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'


def test_csv_and_json_take_every_page_of_the_list(member_of_public):
    ContractFactory.create_batch(23)

    rows = list(
        csv.DictReader(io.StringIO(member_of_public.get("/contracts.csv").content.decode()))
    )
    data = json.loads(member_of_public.get("/contracts.json", {"page": "2"}).content)

    assert len(rows) == 23
    assert data["count"] == 23


def test_json_holds_the_filtered_list_with_the_licence(register, member_of_public):
    response = member_of_public.get("/contracts.json", {"q": "acorn", "sort": "reference"})

    data = json.loads(response.content)
    assert response["Content-Type"].startswith("application/json")
    assert response["Link"] == f'<{LICENCE_URL}>; rel="license"'
    assert data["licence"] == {"name": "Open Government Licence v3.0", "url": LICENCE_URL}
    assert data["source"].endswith("/contracts.json?q=acorn&sort=reference")
    assert [c["reference"] for c in data["contracts"]] == ["C-HOUSING", "C-SMALL"]
    housing, small = data["contracts"]
    assert housing["ends_on"] == "2026-03-31"
    assert housing["supplier"]["name"] == "Acorn Housing"
    # At or below the threshold: the value, the parties and the purpose only.
    assert "ends_on" not in small and "status" not in small and "description" not in small
    assert small["value"] == "5000.00"


def test_json_gives_null_for_what_is_not_recorded(member_of_public):
    ContractFactory(reference="C-NO-REVIEW", review_on=None, department="")

    contract = json.loads(member_of_public.get("/contracts.json").content)["contracts"][0]

    assert contract["review_on"] is None
    assert contract["department"] is None


def test_register_offers_the_downloads_of_its_list_and_states_the_licence(
    register, member_of_public
):
    page = get(member_of_public, "/contracts/", q="acorn", page="1")

    assert 'href="/contracts.csv?q=acorn"' in page
    assert 'href="/contracts.json?q=acorn"' in page
    assert "Open Government Licence v3.0" in page
    assert f'rel="license" href="{LICENCE_URL}"' in page


def test_downloads_of_different_lists_are_not_mixed_up_in_the_cache(register, member_of_public):
    everything = member_of_public.get("/contracts.csv").content
    birch = member_of_public.get("/contracts.csv", {"provider": register["birch"].pk}).content

    assert everything != birch
    assert member_of_public.get("/contracts.csv").content == everything


def test_a_kept_count_changes_with_the_contracts(register, member_of_public):
    assert "of 4 contracts" in get(member_of_public, "/contracts/")

    ContractFactory(reference="C-NEW")

    assert "of 5 contracts" in get(member_of_public, "/contracts/")


# -- value headings -------------------------------------------------------------------------


def value_headings(page: str) -> dict[str, str]:
    """Each listed contract's reference and the value heading it is listed under."""
    items = re.findall(
        r'data-value-heading="[^"]+">([^<]+)</p>\s*<h3[^>]*><a class="govuk-link" '
        r'href="/contracts/([^"/]+)/"',
        page,
    )
    return {reference: heading for heading, reference in items}


def test_each_contract_is_listed_under_the_value_heading_its_value_meets(
    register, member_of_public
):
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)
    ContractFactory(reference="C-EXACTLY", total_value=Decimal("10000"))

    headings = value_headings(get(member_of_public, "/contracts/"))

    assert headings == {
        "C-HOUSING": "Over £10,000",
        "C-RECOVERY": "Over £10,000",
        "C-OUTREACH": "Over £10,000",  # £60,000 a year, its only recorded value
        "C-SMALL": "£10,000 or less",
        "C-EXACTLY": "£10,000 or less",
        # Listed in full, but never as a contract over £10,000.
        "C-UNVALUED": "Value not recorded",
    }


def test_a_contract_with_no_recorded_value_says_so_on_its_page(member_of_public):
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)

    page = get(member_of_public, "/contracts/C-UNVALUED/")

    assert "This contract's value has not been recorded." in page
    assert "worth £10,000 or less" not in page


# -- value filter ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bounds", "found"),
    [
        # The value over the term, or the annual value where that is all there is.
        ({"value_from": "60000"}, ["C-RECOVERY", "C-HOUSING", "C-OUTREACH"]),
        ({"value_from": "£50,000", "value_to": "400000"}, ["C-HOUSING", "C-OUTREACH"]),
        ({"value_to": "10000"}, ["C-SMALL"]),
    ],
)
def test_filter_by_value_from_and_to(register, member_of_public, bounds, found):
    ContractFactory(reference="C-UNVALUED", total_value=None, annual_value=None)

    # A contract with no recorded value meets no bound.
    assert listed(get(member_of_public, "/contracts/", **bounds)) == found


def test_a_value_that_is_not_an_amount_is_refused_with_a_message(register, member_of_public):
    page = get(member_of_public, "/contracts/", value_from="lots")

    assert "There is a problem" in page
    assert "Enter an amount in pounds" in page


def test_value_sort_lowest_first(register, member_of_public):
    order = listed(get(member_of_public, "/contracts/", sort="value-lowest"))

    assert order == ["C-SMALL", "C-OUTREACH", "C-HOUSING", "C-RECOVERY"]
