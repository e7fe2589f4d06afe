"""The lists of objects in a JSON record (sections, awards, links and signatures) are read
alike: a value that is not a list, an item that is not an object, and a field the import does
not know are each named by their place in the file."""

import pytest

from decisions.importing import DecisionImport
from tests.importing.conftest import json_file

pytestmark = pytest.mark.django_db

RECORD = {
    "reference": "WPCC3-0071",
    "title": "Decision WPCC3-0071",
    "decision_maker": "pcc",
    "decided_on": "2022-09-14",
    "published_on": "2022-09-30",
}


def problems_and_warnings(**fields) -> tuple[set, set]:
    result = DecisionImport(json_file([RECORD | fields]), "decisions.json")
    return (
        {(problem.column, problem.reason) for problem in result.problems},
        {(warning.column, warning.reason) for warning in result.warnings},
    )


@pytest.mark.parametrize(
    ("name", "noun"),
    [("sections", "section"), ("awards", "award"), ("links", "link"), ("signatures", "signature")],
)
def test_each_list_refuses_what_is_not_a_list_of_objects_and_warns_of_unknown_fields(name, noun):
    problems, _ = problems_and_warnings(**{name: "not a list"})
    assert (name, f"{noun.capitalize()}s must be a list.") in problems

    problems, _ = problems_and_warnings(**{name: ["not an object"]})
    assert (f"{name}[1]", f"Each {noun} must be an object.") in problems

    _, warnings = problems_and_warnings(**{name: [{"colour": "blue"}]})
    assert (f"{name}[1].colour", "Not a field this import knows.") in warnings
