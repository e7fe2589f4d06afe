"""Links between decisions in a JSON file of decisions: the `"links"` list the register's own
export writes (decisions/export.py). The other decision may be in the register already,
anywhere in the same file, or outside the register (kept by its reference, title, date and
address until the register holds it)."""

import datetime

import pytest

from decisions.importing import DecisionImport, ImportRefused
from decisions.models import DecisionLink
from tests.factories import DecisionFactory
from tests.importing.conftest import DECISION_MODELS, counts, json_file

pytestmark = pytest.mark.django_db

WRITTEN = [*DECISION_MODELS, DecisionLink]


def record(reference: str = "WPCC3-0071", **fields) -> dict:
    return {
        "reference": reference,
        "title": f"Decision {reference}",
        "decision_maker": "pcc",
        "decision_maker_name": "Philip Seccombe",
        "decided_on": "2022-09-14",
        "published_on": "2022-09-30",
        "sections": [{"heading": "Background information", "text": "The background."}],
        **fields,
    }


def checked(*records: dict) -> DecisionImport:
    return DecisionImport(json_file(list(records)), "decisions.json")


def test_links_reach_a_decision_in_the_register_and_one_later_in_the_file(officer):
    DecisionFactory(reference="WPCC3-0031", title="The first extension")
    result = checked(
        record(
            links=[
                {"kind": "follows", "reference": "WPCC3-0031"},
                {"kind": "Amends", "to": "WPCC3-0072"},
            ]
        ),
        record("WPCC3-0072"),
    )

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    assert {"Follows WPCC3-0031", "Amends WPCC3-0072"} <= set(result.rows[0].actions)
    result.write(by=officer)
    links = DecisionLink.objects.order_by("kind")
    assert [
        (link.from_decision.reference, link.kind, link.to_decision.reference) for link in links
    ] == [
        ("WPCC3-0071", "amends", "WPCC3-0072"),
        ("WPCC3-0071", "follows", "WPCC3-0031"),
    ]
    assert {link.history.get().history_user for link in links} == {officer}


@pytest.mark.parametrize(
    ("links", "problem"),
    [
        (
            [{"kind": "replaces", "reference": "WPCC3-0072"}],
            ("links[1].kind", "'replaces' is not follows, supersedes or amends."),
        ),
        (
            [{"kind": "follows", "reference": "33/16", "url": "the old website"}],
            ("links[1].url", "Enter a valid URL."),
        ),
        (
            [{"kind": "follows", "reference": "33/16", "date": "sometime in 2016"}],
            (
                "links[1].date",
                "'sometime in 2016' is not a date: write it as 2018-04-01, 01/04/2018 or "
                "1 April 2018.",
            ),
        ),
        (
            [{"kind": "follows", "reference": "WPCC3-0071"}],
            ("links[1].reference", "A decision cannot refer to itself."),
        ),
        (
            [{"kind": "follows", "reference": "WPCC3-0072"}] * 2,
            ("links[2].reference", "The same link is given twice."),
        ),
        (
            [{"kind": "follows"}],
            ("links[1].reference", "The other decision's reference is needed here."),
        ),
        ([{"reference": "WPCC3-0072"}], ("links[1].kind", "The kind of link is needed here.")),
        ("WPCC3-0072", ("links", "Links must be a list.")),
        (["WPCC3-0072"], ("links[1]", "Each link must be an object.")),
    ],
)
def test_a_bad_link_names_its_place_in_the_file_and_nothing_is_written(links, problem, officer):
    before = counts(WRITTEN)

    result = checked(record(links=links), record("WPCC3-0072"))

    assert not result.is_valid
    assert [(p.row, p.column, p.reason) for p in result.problems] == [(1, *problem)]
    with pytest.raises(ImportRefused):
        result.write(by=officer)
    assert counts(WRITTEN) == before


def test_a_link_to_a_decision_older_than_the_register_is_kept_and_resolves_when_it_arrives(
    officer,
):
    result = checked(
        record(
            links=[
                {
                    "kind": "follows",
                    "reference": "33/16",
                    "title": "Victim services grant 2016",
                    "date": "2016-07-01",
                    "url": "https://www.warwickshire-pcc.gov.uk/decisions/33-16.pdf",
                }
            ]
        )
    )

    assert result.is_valid, [str(problem) for problem in result.problems]
    assert "Follows 33/16 (not in the register)" in result.rows[0].actions
    result.write(by=officer)
    link = DecisionLink.objects.get()
    assert (link.to_decision, link.to_reference, link.to_title, link.to_date) == (
        None,
        "33/16",
        "Victim services grant 2016",
        datetime.date(2016, 7, 1),
    )
    assert link.to_url == "https://www.warwickshire-pcc.gov.uk/decisions/33-16.pdf"

    later = checked(record("33/16", title="Victim services grant 2016"))
    assert later.is_valid, [str(problem) for problem in later.problems]
    later.write(by=officer)

    link.refresh_from_db()
    assert link.to_decision.reference == "33/16"
    assert link.history.first().history_user == officer
