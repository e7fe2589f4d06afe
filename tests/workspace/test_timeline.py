"""The timeline picture: contracts as bars over time, with a table for screen readers."""

import datetime

import pytest
from django.utils import timezone

from contracts.models import Extension
from contracts.timeline import build_timeline
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    LotFactory,
    ProcurementPhaseFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TIMELINE = "/workspace/timeline/"
# The page shows a window of years around today by default; these tests' contracts run from
# 2018 to 2024, so they ask for a window from then to this year (which keeps "today" drawn).
SINCE_2018 = {"from_year": 2018, "to_year": timezone.localdate().year}


@pytest.fixture
def extended(officer):
    contract = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        provider=ProviderFactory(name="Change Grow Live"),
        lot=LotFactory(number=4, title="Adult drugs and alcohol"),
        starts_on=D(2018, 4, 1),
        ends_on=D(2023, 3, 31),
    )
    decision = DecisionFactory(reference="WPCC3-0058", decided_on=D(2022, 6, 15))
    contract.extend(
        new_end=D(2024, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=decision,
    )
    return contract


def test_a_contract_is_a_term_then_an_extension_with_its_decision_marked(extended):
    timeline = build_timeline([extended], today=D(2022, 7, 1))

    row = timeline.contract_rows[0]
    assert [(s.kind, s.start, s.end) for s in row.segments] == [
        ("term", D(2018, 4, 1), D(2023, 3, 31)),
        ("extension", D(2023, 3, 31), D(2024, 3, 31)),
    ]
    assert [m.on for m in row.markers] == [D(2022, 6, 15)]
    term, extension = row.segments
    assert term.x < extension.x
    assert extension.x == pytest.approx(term.x + term.width, abs=0.2)
    assert timeline.start == D(2018, 1, 1) and timeline.end == D(2025, 1, 1)
    assert timeline.today_x is not None


def test_page_draws_an_svg_with_a_table_alternative(client_for, treasurer, extended):
    response = client_for(treasurer).get(TIMELINE, SINCE_2018)

    content = response.content.decode()
    assert '<svg class="app-contract-timeline__svg"' in content
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in content
    assert "app-contract-timeline__bar--extension" in content
    assert "app-contract-timeline__marker--decision" in content
    assert "app-contract-timeline__today" in content
    assert "The timeline as a table" in content
    assert "Extension from 31 March 2023 to 31 March 2024" in content
    assert "Decision WPCC3-0058, 15 June 2022" in content


def test_contracts_are_grouped_by_provider_or_by_lot(client_for, officer, extended):
    client = client_for(officer)

    by_provider = client.get(TIMELINE, SINCE_2018).context["timeline"]
    by_lot = client.get(TIMELINE, {"group": "lot", **SINCE_2018}).context["timeline"]

    assert [g.label for g in by_provider.groups][0] == "Change Grow Live"
    assert "Lot 4: Adult drugs and alcohol" in [g.label for g in by_lot.groups][0]


def test_timeline_is_filtered_like_the_register(client_for, officer, extended):
    other = ContractFactory(reference="OTHER-1", ends_on=D(2030, 3, 31))

    response = client_for(officer).get(TIMELINE, {"provider": other.provider_id})

    rows = response.context["timeline"].contract_rows
    assert [row.contract.reference for row in rows] == ["OTHER-1"]


def test_procurement_phases_have_rows_of_their_own(client_for, officer):
    ProcurementPhaseFactory(
        name="Phase 2",
        starts_on=D(2022, 12, 1),
        ends_on=D(2024, 3, 31),
        service_starts_on=D(2024, 4, 1),
    )

    response = client_for(officer).get(TIMELINE, SINCE_2018)

    timeline = response.context["timeline"]
    assert timeline.groups[-1].label == "Procurement phases"
    assert "New services start, 1 April 2024" in response.content.decode()


def test_an_empty_timeline_says_so(client_for, officer):
    response = client_for(officer).get(TIMELINE)

    assert "No contracts or procurement phases match" in response.content.decode()
