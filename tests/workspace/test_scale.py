"""The officer pages at scale: long registers counted up to a cap and paged by a deferred
join, the timeline in a window of years, quick drop-downs, and the decision page's links."""

import datetime

import pytest
from django.urls import reverse

from commissioning import pagination
from commissioning.pagination import RegisterPaginator
from contracts.models import Extension
from decisions import workspace_views
from decisions.models import Decision, LinkKind
from decisions.workspace_filters import DecisionFilter
from tests.factories import (
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    JointArrangementFactory,
    LotFactory,
    ProgrammeFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
REGISTER = "/workspace/decisions/"
TIMELINE = "/workspace/timeline/"


def references(response) -> list[str]:
    return [decision.reference for decision in response.context["decisions"]]


@pytest.fixture
def reader(client_for, treasurer):
    return client_for(treasurer)


@pytest.fixture
def eight_decisions():
    for number in range(8):
        DecisionFactory(reference=f"R-{number}", decided_on=D(2020, 1, 1 + number))


def test_a_register_longer_than_the_cap_says_more_than_and_still_offers_the_next_page(
    reader, eight_decisions, monkeypatch
):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(workspace_views, "REGISTER_PAGE_SIZE", 3)

    second = reader.get(REGISTER, {"page": 2})

    content = second.content.decode()
    assert "More than 5 decisions" in content
    assert references(second) == ["R-4", "R-3", "R-2"]
    assert 'rel="next"' in content and 'rel="prev"' in content


def test_a_page_past_the_end_of_an_uncounted_register_shows_the_last_page_counted(
    reader, eight_decisions, monkeypatch
):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)
    monkeypatch.setattr(workspace_views, "REGISTER_PAGE_SIZE", 3)

    response = reader.get(REGISTER, {"page": 99})

    assert references(response) == ["R-1", "R-0"]
    assert "8 decisions" in response.content.decode()
    assert 'rel="next"' not in response.content.decode()


def test_a_register_within_the_cap_is_counted_exactly(reader, eight_decisions):
    response = reader.get(REGISTER)

    assert "8 decisions" in response.content.decode()


@pytest.mark.parametrize("cap", [0, 3, 100])
def test_every_page_lists_the_rows_offset_paging_would(eight_decisions, cap):
    """The deferred join (ids by offset, then their rows) gives the same pages, in order,
    whether or not the list was counted."""
    DecisionFactory(reference="R-same-day-a", decided_on=D(2020, 1, 3))
    DecisionFactory(reference="R-same-day-b", decided_on=D(2020, 1, 3))
    queryset = DecisionFilter({"sort": "decided"}, queryset=Decision.objects.for_register()).qs
    expected = [d.reference for d in queryset]

    pages = []
    for number in range(1, 5):
        page = RegisterPaginator(queryset, 3, cap=cap).get_page(number)
        pages.append([d.reference for d in page.object_list])

    assert pages == [expected[0:3], expected[3:6], expected[6:9], expected[9:10]]


def test_year_filter_offers_every_year_from_the_first_decision_to_the_last(reader):
    DecisionFactory(decided_on=D(2019, 5, 1))
    DecisionFactory(decided_on=D(2022, 5, 1))
    DecisionFactory(decided_on=None)

    form = reader.get(REGISTER).context["filter_form"]

    assert [value for value, _label in form.fields["year"].choices][1:] == [
        "2022",
        "2021",
        "2020",
        "2019",
    ]


def test_the_kept_year_drop_down_follows_a_decision_in_a_new_year(reader):
    """The filter form is kept between pages without reading the years; a decision dated
    in a year the register did not have yet shows that year on the very next page."""
    DecisionFactory(decided_on=D(2021, 5, 1))
    before = reader.get(REGISTER).content.decode()
    DecisionFactory(decided_on=D(2023, 2, 1))
    after = reader.get(REGISTER).content.decode()

    assert '<option value="2023">' not in before
    assert '<option value="2021">' in before
    assert '<option value="2023">2023</option>' in after
    assert '<option value="2022">2022</option>' in after


def test_provider_drop_down_marks_the_choice_and_escapes_names(reader):
    chosen = ProviderFactory(name="Smith & <Sons>")
    ProviderFactory(name="Other provider")

    content = reader.get(REGISTER, {"provider": chosen.pk}).content.decode()

    assert f'<option value="{chosen.pk}" selected>Smith &amp; &lt;Sons&gt;</option>' in content
    assert "<Sons>" not in content


def test_the_kept_provider_drop_down_follows_every_change(reader):
    """The options are kept between pages, and a provider added, renamed or deleted shows
    on the very next page; the one chosen is marked on each."""
    first = ProviderFactory(name="Aardvark Services")
    second = ProviderFactory(name="Beacon Trust")

    def options(**query) -> str:
        return reader.get(REGISTER, query).content.decode()

    assert "Aardvark Services" in options()
    added = ProviderFactory(name="Cedar Partnership")
    assert "Cedar Partnership" in options()
    first.name = "Alder Services"
    first.save()
    renamed = options(provider=first.pk)
    assert f'<option value="{first.pk}" selected>Alder Services</option>' in renamed
    assert "Aardvark Services" not in renamed
    added.delete()
    after_delete = options(provider=second.pk)
    assert "Cedar Partnership" not in after_delete
    assert f'<option value="{second.pk}" selected>Beacon Trust</option>' in after_delete
    assert f'<option value="{first.pk}">Alder Services</option>' in after_delete


def test_the_kept_filter_form_follows_what_its_drop_downs_list(reader):
    """The filter form is kept between pages; a record added or renamed anywhere its
    drop-downs draw from shows on the very next page, and a bad value still gets its
    message next to the field, every time."""
    lot = LotFactory(phase__name="Phase A", phase__programme=ProgrammeFactory(title="Cycle A"))
    contracts = "/workspace/contracts/"

    assert "Cycle A, Phase A" in reader.get(contracts).content.decode()
    assert "Cycle A, Phase A" in reader.get(contracts).content.decode()
    programme = lot.phase.programme
    programme.title = "Cycle B"
    programme.save()
    assert "Cycle B, Phase A" in reader.get(contracts).content.decode()

    reader.get(REGISTER)
    DecisionCategoryFactory(name="Estates")
    assert ">Estates</option>" in reader.get(REGISTER).content.decode()

    for _ in range(2):
        refused = reader.get(REGISTER, {"provider": "999999"}).content.decode()
        assert "govuk-form-group--error" in refused
        assert "Select a valid choice" in refused


# -- the timeline --------------------------------------------------------------------------


def test_timeline_shows_this_year_and_two_either_side_by_default(reader):
    this_year = datetime.date.today().year
    ContractFactory(
        reference="NOW-1", starts_on=D(this_year - 1, 4, 1), ends_on=D(this_year, 3, 31)
    )
    ContractFactory(reference="OLD-1", starts_on=D(2001, 4, 1), ends_on=D(2003, 3, 31))

    response = reader.get(TIMELINE)

    rows = response.context["timeline"].contract_rows
    assert [row.contract.reference for row in rows] == ["NOW-1"]
    assert (response.context["first_year"], response.context["last_year"]) == (
        this_year - 2,
        this_year + 2,
    )
    content = response.content.decode()
    assert f"from_year={this_year - 7}&amp;to_year={this_year - 3}" in content  # earlier years


def test_timeline_moves_to_the_years_asked_for_and_cuts_bars_at_their_edges(reader):
    ContractFactory(reference="OLD-1", starts_on=D(2001, 4, 1), ends_on=D(2003, 3, 31))

    response = reader.get(TIMELINE, {"from_year": 2002, "to_year": 2004})

    timeline = response.context["timeline"]
    (row,) = timeline.contract_rows
    term = row.segments[0]
    assert term.x == timeline.label_width  # started before 2002: drawn from the left edge
    assert (timeline.start, timeline.end) == (D(2002, 1, 1), D(2005, 1, 1))
    # The table still gives the whole term.
    assert "1 April 2001 to 31 March 2003" in response.content.decode()


def test_timeline_pages_through_many_contracts(reader, monkeypatch):
    from contracts import workspace_views as contracts_views

    monkeypatch.setattr(contracts_views, "TIMELINE_PAGE_SIZE", 2)
    this_year = datetime.date.today().year
    for number in range(5):
        ContractFactory(
            reference=f"T-{number}",
            provider=ProviderFactory(name=f"Provider {number}"),
            starts_on=D(this_year, 1, 1),
            ends_on=D(this_year, 12, 31),
        )

    pages = [reader.get(TIMELINE, {"page": number}) for number in (1, 2, 3)]

    listed = [[r.contract.reference for r in p.context["timeline"].contract_rows] for p in pages]
    assert listed == [["T-0", "T-1"], ["T-2", "T-3"], ["T-4"]]
    assert 'rel="next"' in pages[0].content.decode()
    assert 'rel="next"' not in pages[2].content.decode()


def test_an_invalid_year_is_reported_not_a_server_error(reader):
    response = reader.get(TIMELINE, {"from_year": "soon"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


# -- the decision page ---------------------------------------------------------------------


def test_decision_page_lists_what_the_decision_concerns(reader, officer):
    decision = DecisionFactory(reference="WPCC3-0100")
    contract = ContractFactory(reference="C-1", title="Drug services", provider__name="CGL")
    decision.contracts.add(contract)
    contract.extend(
        new_end=D(2030, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=decision,
    )
    decision.programmes.add(ProgrammeFactory(title="Substance misuse"))
    decision.arrangements.add(JointArrangementFactory(title="Joint drugs commissioning"))
    DecisionLinkFactory(
        from_decision=decision, to_decision=DecisionFactory(reference="OLD-9"), kind="supersedes"
    )
    DecisionLinkFactory(
        from_decision=DecisionFactory(reference="NEW-2"), to_decision=decision, kind="amends"
    )

    response = reader.get(reverse("workspace:decision-detail", args=[decision.reference]))

    content = " ".join(response.content.decode().split())
    assert "C-1</a> Drug services (CGL)" in content
    assert "C-1</a>: extension to 31 March 2030" in content
    assert "Substance misuse</a>" in content
    assert "Joint drugs commissioning</a>" in content
    assert f"{LinkKind.SUPERSEDES.label} <a" in content and "OLD-9</a>" in content
    assert "NEW-2</a>" in content and "amends this decision" in content


def test_what_a_decision_concerns_is_read_for_that_decision_alone(officer):
    """On PostgreSQL the query is compiled once and run for each decision's key: two
    decisions read one after the other each get their own rows, with dates as dates, the
    same rows the ORM reads."""
    first, second = DecisionFactory(reference="D-1"), DecisionFactory(reference="D-2")
    contract = ContractFactory(reference="C-1", title="Drug services", provider__name="CGL")
    first.contracts.add(contract)
    second.contracts.add(ContractFactory(reference="C-2"))
    contract.extend(
        new_end=D(2030, 3, 31),
        reason="Interim",
        basis=Extension.Basis.EXEMPTION,
        by=officer,
        authorising_decision=first,
    )
    second.programmes.add(ProgrammeFactory(title="Substance misuse"))
    DecisionLinkFactory(from_decision=second, to_decision=first, kind="supersedes")

    concerns = {d.reference: workspace_views.concerns_of(d) for d in (first, second, first)}

    assert [c.reference for c in concerns["D-1"]["contracts"]] == ["C-1"]
    assert [c.reference for c in concerns["D-2"]["contracts"]] == ["C-2"]
    assert concerns["D-1"]["extensions"][0].on == D(2030, 3, 31)
    assert concerns["D-1"]["programmes"] == []
    assert [c.title for c in concerns["D-2"]["programmes"]] == ["Substance misuse"]
    assert [c.reference for c in concerns["D-1"]["links_in"]] == ["D-2"]
    assert [c.reference for c in concerns["D-2"]["links_out"]] == ["D-1"]
    for decision in (first, second):
        by_orm = list(workspace_views._concerns_query(decision.pk))
        drawn = workspace_views.concerns_of(decision)
        read = [(kind, c.pk, c.reference, c.on) for kind, rows in drawn.items() for c in rows]
        assert sorted(read, key=str) == sorted(
            [
                (kind, pk, reference, on)
                for kind, pk, reference, _title, _note, on, _address in by_orm
            ],
            key=str,
        )


def test_an_empty_list_is_counted_and_not_fetched():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = RegisterPaginator(Decision.objects.for_register(), 25).get_page(1)
        rows = list(page.object_list)

    assert rows == []
    assert page.paginator.count == 0
    assert len(captured) == 1


def test_a_search_is_counted_to_a_lower_cap_than_the_whole_register(
    reader, eight_decisions, monkeypatch
):
    """Checking each match of a common word costs more than reading an index, so a search
    says "more than" sooner; the pages still follow one another."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 100)
    monkeypatch.setattr(workspace_views, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(workspace_views, "REGISTER_PAGE_SIZE", 3)

    listed = reader.get(REGISTER)
    searched = reader.get(REGISTER, {"q": "R-", "page": 2})

    assert "8 decisions." in listed.content.decode()
    assert "8 decisions." in reader.get(REGISTER, {"page": 2}).content.decode()
    assert "More than 5 decisions match the filters" in searched.content.decode()
    assert references(searched) == ["R-4", "R-3", "R-2"]
