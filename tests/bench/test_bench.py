"""The benchmark's own parts: the seed, the floor views and the report's targets."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from benchmark import report
from benchmark.client import Sample, form_fields, load_run, measure_turns, percentile
from benchmark.seed import HISTORY_VERSIONS, OFFICER, Size, counts, seed
from contracts.models import Contract
from decisions.models import Decision, RecordLayout


@pytest.fixture
def seeded(db):
    return seed(Size.for_decisions(50))


def test_the_seed_makes_the_requested_counts_with_several_versions(seeded):
    assert seeded["decisions"] == 50
    assert seeded["sections"] == 50 * 4
    assert seeded["contracts"] == 10
    assert seeded["providers"] == 1
    assert seeded["decision_history"] == 50 * HISTORY_VERSIONS
    assert Decision.objects.published().exists()


def test_a_seeded_decision_is_published_with_its_layout_as_publishing_keeps_it(seeded):
    """The officer's page of a published decision is drawn from the layout it was published
    with, as every decision published through the register or imported is."""
    for decision in Decision.objects.select_related("template"):
        published = decision.status == Decision.Status.PUBLISHED
        kept = RecordLayout.objects.filter(decision=decision).first()
        assert (kept is not None) == published, decision.reference
        if kept:
            assert kept.layout == decision.template.layout_data()


def test_the_seed_tops_up_rather_than_starting_again(seeded):
    seed(Size.for_decisions(60))
    now = counts()
    assert now["decisions"] == 60
    assert now["contracts"] == 12
    assert Decision.objects.filter(reference="BENCH-000060").exists()


def test_each_floor_view_answers(seeded, settings):
    settings.ROOT_URLCONF = "benchmark.urls"
    reference = Decision.objects.published().first().reference
    workspace_floors = [
        "/bench-floor/decisions/",
        "/bench-floor/decisions/?q=community&page=2",
        "/bench-floor/contracts/",
        "/bench-floor/timeline/",
        f"/bench-floor/decision/{reference}/",
    ]
    officer = Client()
    officer.force_login(get_user_model().objects.get(username=OFFICER))
    for path in workspace_floors:
        assert officer.get(path).status_code == 200, path
    anybody = Client()
    for path in [
        "/bench-floor/public/",
        "/bench-floor/public/?q=community",
        "/bench-floor/public-contracts/",
        "/bench-floor/public-contracts/?q=community",
        f"/bench-floor/public/{reference}/",
        "/bench-floor/anonymous/decisions/",
        "/bench-floor/anonymous/contracts/",
    ]:
        assert anybody.get(path).status_code == 200, path
    # A workspace page's floor asks for a member of staff, as the page does.
    for path in workspace_floors:
        assert anybody.get(path).status_code == 302, path
    assert Contract.objects.count() == 10


def test_a_page_at_both_sizes_and_its_floor_are_timed_in_turns():
    asked = []

    class Clock:
        def get(self, path):
            asked.append(path)
            return Sample(200, {"/small": 0.008, "/large": 0.010}.get(path, 0.004), 2, 0, {})

    client = Clock()
    turns = [(client, "/small"), (client, "/large"), (client, "/floor")]
    small, large, floor = measure_turns(turns, count=3, warm=1)

    assert asked == ["/small", "/large", "/floor"] * 4
    assert (small.median_ms, large.median_ms, floor.median_ms) == (8.0, 10.0, 4.0)
    assert len(small.samples) == len(large.samples) == len(floor.samples) == 3
    assert large.rps == pytest.approx(100.0)


def measures(**values):
    return {
        name: {"median_ms": v, "p95_ms": v, "queries": 5, "rps": v} for name, v in values.items()
    }


def test_the_report_says_which_targets_are_met():
    results = {
        "pages": {
            "large": {
                **measures(officer_decisions=12.0, officer_contracts=30.0, public_decision=600.0),
                "officer_decisions_q": {"median_ms": 20, "p95_ms": 40.0, "queries": 5, "rps": 1},
                "public_decision_304": {"statuses": [304], "median_ms": 1, "p95_ms": 1},
            },
            "small": {
                **measures(officer_decisions=10.0, officer_contracts=10.0),
                "officer_decisions_q": {"median_ms": 20, "p95_ms": 40.0, "queries": 6, "rps": 1},
            },
        },
        "references": measures(
            floor_decisions=10.0,
            floor_contracts=10.0,
            admin_decisions=40.0,
            admin_contracts=50.0,
            static_page=1000.0,
        ),
        "load": {
            "total": {"errors": 0},
            "public": {"p99_ms": 300.0},
            "write": {"p99_ms": 100.0},
        },
    }
    targets = report.build_targets(results)
    assert targets["officer_decisions / floor"] == {"value": 1.2, "limit": 1.5, "met": True}
    assert targets["officer_contracts / floor"]["met"] is False  # 3.0 > 1.5
    assert targets["officer_decisions / admin changelist"]["met"] is True  # 0.3
    assert targets["officer_contracts / admin changelist"]["met"] is False  # 0.6
    assert targets["officer_decisions at large / at 1,000"]["met"] is True  # 1.2
    assert targets["officer_contracts at large / at 1,000"]["met"] is False  # 3.0
    assert targets["officer text filter p95 / plain list median"]["met"] is False  # 40 / 12
    assert targets["officer_decisions queries"]["met"] is True
    assert targets["officer_decisions_q queries"]["met"] is False  # 5 here, 6 at 1,000
    assert targets["public decision rps / static file rps"] == {
        "value": 0.6,
        "limit": 0.6,
        "met": True,
    }
    assert targets["public decision answers 304 when unchanged"]["met"] is True
    assert targets["load errors"]["met"] is True
    assert targets["load p99 public (ms)"]["met"] is False
    assert targets["load p99 writes (ms)"]["met"] is True
    # Whatever was not measured is not met.
    assert targets["PDF first render / WeasyPrint alone"]["met"] is False
    assert "| officer_decisions / floor | 1.2 | 1.5 | yes |" in report.markdown(results, targets)


def test_the_public_contract_register_and_its_search_are_measured_at_both_sizes(seeded):
    """Both pages are asked of each size's server, counted among the pages compared at both
    sizes (100,000 decisions and 20,000 contracts against 1,000: at most 1.3 times, with a
    constant query count) and compared with a floor of their own (at most 1.5 times)."""
    from benchmark.run import Plan

    plan = Plan(decision="X", deep=1, pdf_records=[], officer={}, admin={})
    pages, floors = plan.public_pages("community"), plan.floors("community")

    assert pages["public_contracts"] == "/contracts/"
    assert pages["public_contracts_q"] == "/contracts/?q=community"
    assert {"public_contracts", "public_contracts_q"} <= set(report.MEASURED_PAGES)
    for page, floor in report.PUBLIC_LISTS.items():
        assert page in pages and floors[floor].startswith("/bench-floor/public-contracts/")
    # The seed has a contract for every five decisions: 20,000 at the full size.
    from benchmark.seed import SIZES

    assert SIZES["full"].contracts == 20_000


def test_the_report_compares_the_public_contract_register_with_its_floor():
    results = {
        "pages": {
            "large": measures(public_contracts=14.0, public_contracts_q=40.0),
            "small": measures(public_contracts=12.0, public_contracts_q=10.0),
        },
        "references": measures(floor_public_contracts=10.0, floor_public_contracts_q=20.0),
    }

    targets = report.build_targets(results)

    assert targets["public_contracts / floor"] == {"value": 1.4, "limit": 1.5, "met": True}
    assert targets["public_contracts_q / floor"]["met"] is False  # 2.0
    assert targets["public_contracts at large / at 1,000"]["met"] is True  # 1.17
    assert targets["public_contracts_q at large / at 1,000"]["met"] is False  # 4.0
    assert targets["public_contracts queries"]["met"] is True


def test_the_load_run_posts_what_a_browser_would():
    html = b"""<form method="get"><input name="q" value="no"></form>
    <form method="post"><input name="csrfmiddlewaretoken" value="sign-out"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="title" value="A title"><textarea name="summary">Old</textarea>
    <input type="checkbox" name="force" checked><input type="checkbox" name="other">
    <select name="category"><option value="1">a</option><option value="2" selected>b</option>
    </select><button type="submit">Save</button></form>"""
    assert form_fields(html) == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "A title"),
        ("summary", "Old"),
        ("force", "on"),
        ("category", "2"),
    ]


def test_percentiles_pick_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([], 99) == 0.0


def test_public_search_is_compared_with_the_register_built_not_cached():
    """The register's page is cached; a search never is. The target compares like with like."""
    large = {
        "public_register": {"median_ms": 5.0, "p95_ms": 6.0, "queries": 1, "rps": 200},
        "public_register_built": {"median_ms": 50.0, "p95_ms": 60.0, "queries": 3, "rps": 20},
        "public_search": {"median_ms": 80.0, "p95_ms": 100.0, "queries": 3, "rps": 12},
    }
    targets = report.build_targets({"pages": {"large": large, "small": {}}})

    search = targets["public search p95 / public register (built) median"]
    assert search == {"value": 2.0, "limit": 3, "met": True}


def test_a_load_run_whose_requests_all_fail_meets_no_latency_target():
    def fails(index):
        raise TimeoutError("timed out")

    summary = load_run([("write", fails)], users=2, seconds=0.05)
    targets = report.build_targets({"load": summary})

    assert summary["write"]["errors"] == summary["write"]["requests"] > 0
    assert summary["write"]["p99_ms"] is None
    assert targets["load p99 writes (ms)"]["met"] is False
