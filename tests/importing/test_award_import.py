"""Grants and awards in a JSON file of decisions: the `"awards"` list the register's own
export writes (decisions/export.py)."""

import datetime
from decimal import Decimal

import pytest

from decisions.importing import DecisionImport, ImportRefused
from decisions.models import Award, Decision
from tests.importing.conftest import DECISION_MODELS, counts, json_file

pytestmark = pytest.mark.django_db

# What an import of decisions may write, awards included.
WRITTEN = [*DECISION_MODELS, Award]


def record(**fields) -> dict:
    """A grant decision as the register's export writes it."""
    return {
        "reference": "WPCC3-0071",
        "title": "Grants from the community safety fund",
        "decision_maker": "pcc",
        "decision_maker_name": "Philip Seccombe",
        "decided_on": "2022-09-14",
        "published_on": "2022-09-30",
        "sections": [{"heading": "Background information", "text": "Three bids were received."}],
        **fields,
    }


def checked(*records: dict) -> DecisionImport:
    return DecisionImport(json_file(list(records)), "decisions.json")


def test_awards_are_recorded_with_the_decision_in_the_files_order(officer):
    result = checked(
        record(
            awards=[
                {"recipient": "Recovery cafe", "amount": "18250.50", "purpose": "Peer support"},
                {"to": "Youth boxing club", "value": "£4,000", "for": "Diversion"},
                {"recipient": "Street pastors", "amount": 0},
            ]
        )
    )

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    assert "Award: £18,250.50 to Recovery cafe" in result.rows[0].actions
    result.write(by=officer)
    decision = Decision.objects.get(reference="WPCC3-0071")
    assert [(a.recipient, a.amount, a.purpose) for a in decision.awards.order_by("pk")] == [
        ("Recovery cafe", Decimal("18250.50"), "Peer support"),
        ("Youth boxing club", Decimal("4000.00"), "Diversion"),
        ("Street pastors", Decimal("0.00"), ""),
    ]
    assert {award.history.get().history_user for award in decision.awards.all()} == {officer}
    assert decision.published_on == datetime.date(2022, 9, 30)


@pytest.mark.parametrize(
    ("awards", "problem"),
    [
        (
            [{"recipient": "Recovery cafe", "amount": "lots"}],
            ("awards[1].amount", "'lots' is not an amount of money, such as £12,500.00."),
        ),
        (
            [{"recipient": "Recovery cafe", "amount": "10"}, {"recipient": "Youth club"}],
            ("awards[2].amount", "The award's amount is needed here."),
        ),
        (
            [{"amount": "10", "purpose": "Peer support"}],
            (
                "awards[1].recipient",
                "The award's recipient (or, for a round of grants, its applications) is needed "
                "here.",
            ),
        ),
        (
            [{"recipient": "Recovery cafe", "amount": "-250"}],
            ("awards[1].amount", "An award cannot be negative."),
        ),
        (
            [{"recipient": "Recovery cafe", "amount": "10.005"}],
            ("awards[1].amount", "'10.005' has more than two decimal places."),
        ),
        ("Recovery cafe, £10", ("awards", "Awards must be a list.")),
        (["Recovery cafe"], ("awards[1]", "Each award must be an object.")),
    ],
)
def test_a_bad_award_names_its_place_in_the_file_and_nothing_is_written(awards, problem, officer):
    before = counts(WRITTEN)

    result = checked(record(awards=awards))

    assert not result.is_valid
    assert [(p.row, p.column, p.reason) for p in result.problems] == [(1, *problem)]
    with pytest.raises(ImportRefused):
        result.write(by=officer)
    assert counts(WRITTEN) == before


def test_a_field_an_award_does_not_have_is_a_warning():
    result = checked(record(awards=[{"recipient": "Cafe", "amount": "10", "colour": "blue"}]))

    assert result.is_valid
    assert [(w.column, w.reason) for w in result.warnings] == [
        ("awards[1].colour", "Not a field this import knows.")
    ]
