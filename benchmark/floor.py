"""The floor: each measured page's own query, rendered into a bare template.

A floor view does what the page must do at the least (the same QuerySet, the same filter and
paginator) and nothing else: no layout, no navigation, no forms. The gap between a page and its
floor is the cost of everything else. They are served only by the benchmark's URLconf, on
127.0.0.1; the floors of workspace pages ask for a member of staff, as the pages do
(benchmark.urls).
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from commissioning.pagination import RegisterPaginator
from contracts.models import Contract
from contracts.workspace_filters import ContractFilter, TimelineFilter
from decisions.models import Decision
from decisions.public_filters import PublicDecisionFilter
from decisions.publication import (
    listed_record,
    listed_rows,
    public_decisions,
    public_record,
)
from decisions.workspace_filters import DecisionFilter

BARE = engines["django"].from_string(
    "<!DOCTYPE html><html lang=en><title>floor</title><table>"
    "{% for row in rows %}<tr><td>{{ row.reference }}</td><td>{{ row.title }}</td>"
    "<td>{{ row.status }}</td></tr>{% endfor %}</table>{{ total }}</html>"
)
BARE_RECORD = engines["django"].from_string(
    "<!DOCTYPE html><html lang=en><title>{{ record.reference }}</title><h1>{{ record.title }}</h1>"
    "<p>{{ record.summary }}</p>{% for section in sections %}<h2>{{ section.heading }}"
    "</h2><p>{{ section.text }}</p>{% endfor %}</html>"
)


def bare(rows, total) -> HttpResponse:
    return HttpResponse(BARE.render({"rows": rows, "total": total}))


def page_of(queryset, request, size: int):
    # The registers' own paginator: the same capped count and page query as the page.
    page = RegisterPaginator(queryset, size).get_page(request.GET.get("page"))
    return bare(list(page.object_list), page.paginator.count)


def decisions(request):
    from decisions.workspace_views import register_paginator

    filterset = DecisionFilter(request.GET, queryset=Decision.objects.for_register())
    page = register_paginator(filterset).get_page(request.GET.get("page"))
    return bare(list(page.object_list), page.paginator.count)


def contracts(request):
    from contracts.workspace_blocks import PAGE_SIZE

    filterset = ContractFilter(request.GET, queryset=Contract.objects.for_register())
    return page_of(filterset.qs, request, PAGE_SIZE)


def timeline(request):
    """The timeline page's own queries (contracts.workspace_views.timeline_page)."""
    from contracts.workspace_views import timeline_page

    filterset = TimelineFilter(request.GET, queryset=Contract.objects.for_timeline())
    _page, rows, phases = timeline_page(filterset, "provider", request.GET.get("page"))
    rows = rows + list(phases)
    return bare(rows, len(rows))


def decision(request, reference):
    record = get_object_or_404(Decision.objects.with_form(), reference=reference)
    return HttpResponse(BARE_RECORD.render({"record": record, "sections": record.sections.all()}))


def public_register(request):
    from decisions.public_views import PAGE_SIZE

    filterset = PublicDecisionFilter(request.GET or None)
    queryset = (
        filterset.qs
        if filterset.is_bound
        else filterset.queryset.order_by("-published_on", "-decided_on", "reference")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = listed_rows(page.object_list)
    return bare([listed_record(row) for row in rows], page.paginator.count)


def public_contracts(request):
    """The public contract register's own queries: its filter set, its paginator (the kept
    or capped count) and the public view of the page's contracts."""
    from commissioning.pagination import public_list_paginator
    from contracts.public_filters import PublicContractFilter
    from contracts.public_views import PAGE_SIZE
    from contracts.publication import contracts_last_changed, public_contracts

    changed = contracts_last_changed()
    version = changed.isoformat() if changed else "-"
    filterset = PublicContractFilter(request.GET or None, version=version)
    paginator = public_list_paginator(
        filterset.ordered(), PAGE_SIZE, filterset, name="floor-public-contracts", version=version
    )
    page = paginator.get_page(request.GET.get("page"))
    return bare(public_contracts(page.object_list), page.paginator.count)


def public_detail(request, reference):
    decision = get_object_or_404(public_decisions(), reference=reference)
    record = public_record(decision)
    return HttpResponse(BARE_RECORD.render({"record": record, "sections": record.sections}))
