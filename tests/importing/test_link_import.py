"""Links between decisions in a JSON file of decisions: the `"links"` list the register's own
export writes (decisions/export.py). The other decision may be in the register already or
anywhere in the same file."""

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
            [{"kind": "follows", "reference": "WPCC3-9999"}],
            (
                "links[1].reference",
                "No decision has the reference WPCC3-9999, in the register or in the file.",
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
