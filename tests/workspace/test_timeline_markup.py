"""The timeline's contracts are drawn by tags (contracts/templatetags/timelines.py), with the
markup the template drew before them: the whole page is compared with the old template
rendered from the same context."""

import datetime
from pathlib import Path

import pytest
from django.template import engines
from django.test.html import parse_html

from contracts.models import Extension
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
BEFORE = engines["django"].from_string(
    (Path(__file__).parent.parent / "data" / "timeline_before_tags.html").read_text()
)
HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"


@pytest.fixture
def contracts(officer):
    extended = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        title=f"Adult drugs and alcohol {HOSTILE}",
        provider=ProviderFactory(name=f"Change Grow Live {HOSTILE}"),
        lot=LotFactory(number=4, title="Adult drugs and alcohol"),
        starts_on=D(2018, 4, 1),
        ends_on=D(2023, 3, 31),
    )
    decision = DecisionFactory(reference="WPCC3-0058", decided_on=D(2022, 6, 15))
    extended.extend(
        new_end=D(2024, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=decision,
    )
    extended.extend(
        new_end=D(2024, 9, 30),
        reason="While the new service starts",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
    )
    ContractFactory(reference="PLAIN-1", starts_on=D(2019, 1, 1), ends_on=D(2021, 12, 31))
    # Starts before the years drawn: its bar is cut at the left edge.
    ContractFactory(reference="LONG-1", starts_on=D(2010, 1, 1), ends_on=D(2026, 12, 31))
    ProcurementPhaseFactory(
        name=f"Phase 2 {HOSTILE}",
        starts_on=D(2022, 12, 1),
        ends_on=D(2024, 3, 31),
        prior_information_notice_on=D(2022, 11, 1),
        service_starts_on=D(2024, 4, 1),
    )
    ProcurementPhaseFactory(name="Phase without dates", starts_on=None, ends_on=None)


@pytest.mark.parametrize(
    "query",
    [
        {"from_year": 2018, "to_year": 2026},
        {"from_year": 2018, "to_year": 2026, "group": "lot"},
        {"from_year": 2020, "to_year": 2022},
        {"from_year": 2030, "to_year": 2031},
    ],
    ids=["by provider", "by lot", "a narrow window", "no contracts"],
)
def test_the_timeline_is_the_markup_the_template_drew(contracts, client_for, officer, query):
    response = client_for(officer).get(TIMELINE, query)
    assert response.status_code == 200
    context = response.context[0].flatten()
    before = BEFORE.render(context, response.wsgi_request)

    assert parse_html(response.content.decode()) == parse_html(before)


def test_the_timeline_escapes_what_it_draws(contracts, client_for, officer):
    page = client_for(officer).get(TIMELINE, {"from_year": 2018, "to_year": 2026})
    html = page.content.decode()
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;"
    assert f"Adult drugs and alcohol {escaped}" in html
    assert f"Phase 2 {escaped}" in html
