"""Turns the benchmark's measurements into targets met or missed, a Markdown table and JSON.

`results` is a plain dict (what `benchmark.run` measured):

    {"pages": {"large": {name: measure}, "small": {name: measure}},
     "references": {name: measure or number}, "load": {...}, "sizes": {...}}

where a measure is {"median_ms", "p95_ms", "queries", "rps", "statuses", ...}. Every target is
{"value", "limit", "met"}: `met` is value <= limit for "at most" targets and value >= limit for
"at least" ones. A target whose measurement is missing is reported as not met.
"""

import json
from pathlib import Path

OFFICER_LISTS = {"officer_decisions": "floor_decisions", "officer_contracts": "floor_contracts"}
ADMIN_OF = {"officer_decisions": "admin_decisions", "officer_contracts": "admin_contracts"}
# The pages whose cost is compared at both sizes and whose queries are counted.
MEASURED_PAGES = [
    "officer_decisions",
    "officer_decisions_q",
    "officer_decisions_deep",
    "officer_decision",
    "officer_contracts",
    "officer_timeline",
    "public_register",
    "public_register_built",
    "public_decision",
    "public_search",
    "public_search_rare",
]


def at_most(value, limit) -> dict:
    met = value is not None and value <= limit
    return {"value": _round(value), "limit": limit, "met": bool(met)}


def at_least(value, limit) -> dict:
    met = value is not None and value >= limit
    return {"value": _round(value), "limit": limit, "met": bool(met)}


def _round(value):
    return round(value, 3) if isinstance(value, float) else value


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _get(measures: dict, name: str, key: str):
    measure = measures.get(name)
    return measure.get(key) if isinstance(measure, dict) else None


def build_targets(results: dict) -> dict:
    large = results.get("pages", {}).get("large", {})
    small = results.get("pages", {}).get("small", {})
    refs = results.get("references", {})
    targets = {}
    for page, floor in OFFICER_LISTS.items():
        median = _get(large, page, "median_ms")
        targets[f"{page} / floor"] = at_most(_ratio(median, _get(refs, floor, "median_ms")), 1.5)
        admin = _get(refs, ADMIN_OF[page], "median_ms")
        targets[f"{page} / admin changelist"] = at_most(_ratio(median, admin), 0.4)
    for page in MEASURED_PAGES:
        ratio = _ratio(_get(large, page, "median_ms"), _get(small, page, "median_ms"))
        targets[f"{page} at large / at 1,000"] = at_most(ratio, 1.3)
    targets["officer text filter p95 / plain list median"] = at_most(
        _ratio(
            _get(large, "officer_decisions_q", "p95_ms"),
            _get(large, "officer_decisions", "median_ms"),
        ),
        3,
    )
    # A search is never served from the page cache, so it is compared with the register's
    # page built for the request, not with the cached copy (which is also reported).
    plain = "public_register_built" if "public_register_built" in large else "public_register"
    targets["public search p95 / public register (built) median"] = at_most(
        _ratio(_get(large, "public_search", "p95_ms"), _get(large, plain, "median_ms")), 3
    )
    targets["public rare-word search p95 / public register (built) median"] = at_most(
        _ratio(_get(large, "public_search_rare", "p95_ms"), _get(large, plain, "median_ms")), 3
    )
    targets["deep page / page 1"] = at_most(
        _ratio(
            _get(large, "officer_decisions_deep", "median_ms"),
            _get(large, "officer_decisions", "median_ms"),
        ),
        2,
    )
    for page in MEASURED_PAGES:
        counts = {_get(large, page, "queries"), _get(small, page, "queries")}
        value = _get(large, page, "queries")
        constant = len(counts) == 1 and value is not None
        target = at_most(value, 10)
        target["constant"] = constant
        target["met"] = target["met"] and constant
        targets[f"{page} queries"] = target
    targets["public decision rps / static file rps"] = at_least(
        _ratio(_get(large, "public_decision", "rps"), _get(refs, "static_page", "rps")), 0.6
    )
    statuses = _get(large, "public_decision_304", "statuses") or []
    targets["public decision answers 304 when unchanged"] = {
        "value": statuses,
        "limit": [304],
        "met": statuses == [304],
    }
    targets["PDF first render / WeasyPrint alone"] = at_most(
        _ratio(_get(large, "public_pdf_first", "median_ms"), _get(refs, "weasyprint", "median_ms")),
        1.2,
    )
    targets["PDF repeat rps / static file rps"] = at_least(
        _ratio(_get(large, "public_pdf", "rps"), _get(refs, "static_pdf", "rps")), 0.5
    )
    load = results.get("load") or {}
    targets["load errors"] = at_most((load.get("total") or {}).get("errors"), 0)
    targets["load p99 public (ms)"] = at_most((load.get("public") or {}).get("p99_ms"), 250)
    targets["load p99 writes (ms)"] = at_most((load.get("write") or {}).get("p99_ms"), 500)
    return targets


def _cell(measure) -> list[str]:
    if not isinstance(measure, dict):
        return ["", "", "", ""]
    queries = measure.get("queries")
    return [
        f"{measure.get('median_ms', 0):.1f}",
        f"{measure.get('p95_ms', 0):.1f}",
        "" if queries is None else str(queries),
        f"{measure.get('rps', 0):.0f}",
    ]


def markdown(results: dict, targets: dict) -> str:
    large = results.get("pages", {}).get("large", {})
    small = results.get("pages", {}).get("small", {})
    sizes = results.get("sizes", {})
    lines = [
        f"Pages at {sizes.get('large', '?')} decisions "
        f"(and at {sizes.get('small', '?')} for comparison)",
        "",
        "| page | median ms | p95 ms | queries | req/s | median ms at small | queries at small |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in sorted(set(large) | set(small)):
        here, there = _cell(large.get(name)), _cell(small.get(name))
        lines.append(f"| {name} | {' | '.join(here)} | {there[0]} | {there[2]} |")
    lines += [
        "",
        "| reference | median ms | p95 ms | queries | req/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, measure in sorted(results.get("references", {}).items()):
        lines.append(f"| {name} | {' | '.join(_cell(measure))} |")
    load = results.get("load") or {}
    if load:
        lines += [
            "",
            "| load run | requests | errors | median ms | p99 ms |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, row in sorted(load.items()):
            if kind == "total":
                continue
            lines.append(
                f"| {kind} | {row.get('requests')} | {row.get('errors')} | "
                f"{row.get('median_ms')} | {row.get('p99_ms')} |"
            )
        total = load.get("total", {})
        lines.append(
            f"| total ({total.get('users')} users, {total.get('seconds')} s, "
            f"{total.get('think_seconds', 0)} s pauses) | "
            f"{total.get('requests')} | {total.get('errors')} | | |"
        )
    lines += ["", "| target | value | limit | met |", "|---|---:|---:|:---:|"]
    for name, target in targets.items():
        lines.append(
            f"| {name} | {target['value']} | {target['limit']} | "
            f"{'yes' if target['met'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def write(results: dict, path: Path) -> dict:
    targets = build_targets(results)
    document = {**results, "targets": targets}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str))
    return document
