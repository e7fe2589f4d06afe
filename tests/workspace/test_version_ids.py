"""A decision's version, as the editor reads it to refuse a stale save: the newest history row
of each of its tracks, read with SQL compiled once per process (history.latest_ids_of)."""

import datetime

import pytest

from commissioning.history import latest_ids, latest_ids_of
from contracts.models import Extension
from decisions.workspace_views import decision_tracks, decision_tracks_of
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    DecisionLinkFactory,
    StatutoryCommentFactory,
)

pytestmark = pytest.mark.django_db


def compiled_ids(decision) -> list[int]:
    return latest_ids_of("decision_latest_ids", decision_tracks_of, decision.pk)


def test_each_decision_read_in_turn_gets_its_own_version(officer):
    first = DecisionFactory(reference="D-1", sections=["Background", "Costs"])
    second = DecisionFactory(reference="D-2")
    StatutoryCommentFactory(decision=second)
    DecisionLinkFactory(from_decision=first, to_decision=second)
    ContractFactory(reference="C-1").extend(
        new_end=datetime.date(2030, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=second,
    )

    read = [(d.reference, compiled_ids(d)) for d in (first, second, first)]

    assert read == [(d.reference, latest_ids(decision_tracks(d))) for d in (first, second, first)]
    by_reference = dict(read)
    # Tracks: the record, sections, appendices, links, awards, the three of the figures
    # (value, yearly figures, funding), providers, comments, extensions.
    assert [bool(each) for each in by_reference["D-1"]] == [
        True,
        True,
        False,
        True,
        False,
        *[False] * 3,
        False,
        False,
        False,
    ]
    assert [bool(each) for each in by_reference["D-2"]] == [
        True,
        False,
        False,
        False,
        False,
        *[False] * 3,
        False,
        True,
        True,
    ]


def test_a_change_to_a_decisions_section_moves_its_version_and_no_other():
    first = DecisionFactory(reference="D-1", sections=["Background"])
    second = DecisionFactory(reference="D-2", sections=["Background"])
    before = compiled_ids(first), compiled_ids(second)

    section = first.sections.get()
    section.text = "Changed."
    section.save()

    assert compiled_ids(first)[1] > before[0][1]
    assert compiled_ids(first)[0] == before[0][0]
    assert compiled_ids(second) == before[1]
