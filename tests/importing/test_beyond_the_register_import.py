"""Importing what reaches beyond the register's own records: providers a decision concerns
directly, rounds of grants, records whose papers are restricted, and delegations made under
others. A bad value names its place in the file, and nothing is written."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Provider
from decisions.importing import DecisionImport, ImportRefused
from decisions.models import (
    Award,
    Confidentiality,
    Correction,
    Decision,
    DecisionProvider,
    Delegation,
)
from tests.factories import DelegationFactory, ProviderFactory
from tests.importing.conftest import DECISION_MODELS, counts, json_file
from tests.importing.test_round_trip import main_content, wipe_decisions

pytestmark = pytest.mark.django_db

WRITTEN = [*DECISION_MODELS, Award, DecisionProvider, Provider, Delegation, Correction]


def record(**fields) -> dict:
    return {
        "reference": "WPCC3-0071",
        "title": "Community safety fund 2023",
        "decision_maker": "pcc",
        "decision_maker_name": "Philip Seccombe",
        "decided_on": "2023-02-14",
        "published_on": "2023-02-28",
        "summary": "Grants to community safety projects.",
        "sections": [{"heading": "Background information", "text": "Twelve bids came in."}],
        **fields,
    }


def imported(officer, **fields) -> Decision:
    result = DecisionImport(json_file([record(**fields)]), "decisions.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)
    return Decision.objects.get(reference="WPCC3-0071")


def test_providers_are_matched_by_name_or_recorded_in_their_roles(officer):
    known = ProviderFactory(name="Change Grow Live")

    decision = imported(
        officer,
        providers=[
            {"name": "change grow live", "role": "preferred_bidder"},
            {"name": "Warwickshire Safety CIC", "role": "Created by the decision"},
            {"name": "Compass", "role": "other", "role_other": "Incumbent provider"},
        ],
    )

    links = list(decision.provider_links.order_by("pk"))
    assert [(link.provider.name, link.role_in_words) for link in links] == [
        ("Change Grow Live", "Preferred bidder"),
        ("Warwickshire Safety CIC", "Created by the decision"),
        ("Compass", "Incumbent provider"),
    ]
    assert links[0].provider == known
    assert Provider.objects.get(name="Compass").history.get().history_user == officer


def test_a_round_of_grants_is_imported_without_a_recipient(officer):
    decision = imported(
        officer,
        awards=[{"applications": 12, "funded": 8, "total": "£84,000.00", "purpose": "Fund"}],
    )

    award = decision.awards.get()
    assert (award.recipient, award.applications, award.funded) == ("", 12, 8)
    assert award.amount == Decimal("84000.00")


def test_a_record_with_restricted_papers_is_imported_as_such(officer):
    decision = imported(
        officer,
        confidentiality="restricted",
        papers_exemption="s31",
        papers_public_interest="Publishing the papers would prejudice an operation.",
    )

    assert decision.confidentiality == Confidentiality.RESTRICTED
    assert decision.papers_restricted_because.startswith("Withheld under section 31")


def test_a_delegation_made_under_another_is_recorded_with_its_chain(officer):
    scheme = DelegationFactory(
        delegate_name="Chief Executive", instrument="Scheme of Consent and Delegation 2021"
    )

    decision = imported(
        officer,
        decision_maker="delegate",
        delegate_name="Chief Finance Officer",
        delegation_instrument="Letter of delegation LD-7",
        delegation_instrument_reference="LD-7",
        delegation_instrument_url="https://www.example.gov.uk/ld-7.pdf",
        delegation_starts_on="2022-01-04",
        delegation_ends_on="2024-05-01",
        delegation_made_under=[
            {
                "delegate_name": "Chief Executive",
                "instrument": "Scheme of Consent and Delegation 2021",
            }
        ],
    )

    delegation = decision.delegation
    assert (delegation.instrument_reference, delegation.ends_on) == (
        "LD-7",
        datetime.date(2024, 5, 1),
    )
    assert delegation.instrument_url == "https://www.example.gov.uk/ld-7.pdf"
    assert delegation.made_under == scheme


def test_corrections_are_imported_and_go_round_the_public_json_unchanged(officer, client):
    decision = imported(
        officer,
        corrections=[
            "Corrected on 3 March 2023: The date of decision was mistyped: 14 February.",
            {"made_on": "2023-04-01", "reason": "A recipient's name was misspelt."},
        ],
    )

    corrections = list(decision.corrections.order_by("made_on"))
    assert [(c.made_on, c.reason) for c in corrections] == [
        (datetime.date(2023, 3, 3), "The date of decision was mistyped: 14 February."),
        (datetime.date(2023, 4, 1), "A recipient's name was misspelt."),
    ]
    # Who made them is not recorded; the history says who imported them.
    assert {(c.made_by, c.made_by_name) for c in corrections} == {(None, "")}
    assert corrections[0].history.get().history_user == officer
    page = main_content(client.get("/decisions/WPCC3-0071/"))
    assert "Corrected on 1 April 2023: A recipient&#x27;s name was misspelt." in page
    exported = client.get("/decisions.json")
    [item] = exported.json()["decisions"]
    assert item["corrections"] == [
        "Corrected on 3 March 2023: The date of decision was mistyped: 14 February.",
        "Corrected on 1 April 2023: A recipient's name was misspelt.",
    ]
    wipe_decisions()

    again = DecisionImport(exported.content, "decisions.json")
    assert again.is_valid, [str(problem) for problem in again.problems]
    assert again.warnings == [], [str(warning) for warning in again.warnings]
    again.write(by=officer)

    assert client.get("/decisions.json").content == exported.content
    assert main_content(client.get("/decisions/WPCC3-0071/")) == page


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"providers": [{"name": "Compass", "role": "heir"}]},
            (
                "providers[1].role",
                "'heir' is not one of the accepted values: preferred_bidder, created, funded, "
                "contracted or other.",
            ),
        ),
        (
            {"providers": [{"name": "Compass", "role": "other"}]},
            ("providers[1].role_other", "Say what the provider's role is."),
        ),
        (
            {"corrections": ["A typing error was fixed."]},
            ("corrections[1].made_on", "The date of the correction is needed here."),
        ),
        (
            {"awards": [{"applications": 3, "funded": 4, "amount": "100"}]},
            ("awards[1].funded", "More applications cannot be funded than were received."),
        ),
        (
            {"confidentiality": "restricted", "papers_exemption": "s31"},
            (
                "papers_public_interest",
                "Say why the public interest favours restricting the papers: the public record "
                "shows this statement.",
            ),
        ),
        (
            {
                "decision_maker": "delegate",
                "delegate_name": "Chief Finance Officer",
                "delegation_instrument": "Letter LD-7",
                "delegation_made_under": [{"delegate_name": "Chief Executive", "instrument": "X"}],
            },
            (
                "delegation_made_under[1].starts_on",
                "The delegation is new to the register and needs the date it took effect.",
            ),
        ),
    ],
)
def test_a_bad_value_names_its_place_and_nothing_is_written(fields, problem, officer):
    before = counts(WRITTEN)

    result = DecisionImport(json_file([record(**fields)]), "decisions.json")

    assert not result.is_valid
    assert [(p.row, p.column, p.reason) for p in result.problems] == [(1, *problem)]
    with pytest.raises(ImportRefused):
        result.write(by=officer)
    assert counts(WRITTEN) == before
