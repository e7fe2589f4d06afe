"""The officer workspace, under /workspace/. Everything here needs a signed-in member of staff.

Decision references may contain a slash (EXE0044/23), so they are matched with the path
converter, and the more specific decision pages come before the decision page itself.
"""

from django.urls import include, path

from contracts import workspace_views as contracts
from decisions import autosave_views
from decisions import dashboard_views as dashboard
from decisions import delegation_views as delegations
from decisions import money_views as decision_money
from decisions import part_views as decision_parts
from decisions import planning_views as plans
from decisions import workspace_views as decisions

app_name = "workspace"


def record_pages(segment: str, name: str, listing, create, detail, update, history) -> list:
    """The five pages of a kind of record under `segment`/: its list, the form to add one,
    and one record's page, its form and its history, named `name`-list and so on."""
    return [
        path(f"{segment}/", listing.as_view(), name=f"{name}-list"),
        path(f"{segment}/new/", create.as_view(), name=f"{name}-create"),
        path(f"{segment}/<int:pk>/", detail.as_view(), name=f"{name}-detail"),
        path(f"{segment}/<int:pk>/edit/", update.as_view(), name=f"{name}-edit"),
        path(f"{segment}/<int:pk>/history/", history.as_view(), name=f"{name}-history"),
    ]


urlpatterns = [
    path("", include("decisions.workflow_urls")),
    path("", include("decisions.internal_urls")),
    path("", include("decisions.import_urls")),
    path("", include("decisions.form_setup_urls")),
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    # Decisions
    path("decisions/", decisions.DecisionListView.as_view(), name="decision-list"),
    path("decisions/export.csv", decisions.DecisionExportView.as_view(), name="decision-export"),
    path("decisions/new/", decisions.ChooseTemplateView.as_view(), name="decision-create"),
    path(
        "decisions/new/<int:template>/",
        decisions.NewDecisionView.as_view(),
        name="decision-create-details",
    ),
    path(
        "decisions/<path:reference>/edit/",
        decisions.DecisionEditView.as_view(),
        name="decision-edit",
    ),
    path(
        "decisions/<path:reference>/edit/unsaved/",
        autosave_views.AutosaveView.as_view(),
        name="decision-autosave",
    ),
    path(
        "decisions/<path:reference>/edit/unsaved/discard/",
        autosave_views.DiscardView.as_view(),
        name="decision-autosave-discard",
    ),
    path(
        "decisions/<path:reference>/history/",
        decisions.DecisionHistoryView.as_view(),
        name="decision-history",
    ),
    path(
        "decisions/<path:reference>/appendices/new/",
        decisions.AppendixCreateView.as_view(),
        name="decision-appendix-create",
    ),
    path(
        "decisions/<path:reference>/providers/",
        decision_parts.ProviderLinksView.as_view(),
        name="decision-providers",
    ),
    path(
        "decisions/<path:reference>/sections/",
        decision_parts.SectionsView.as_view(),
        name="decision-sections",
    ),
    path(
        "decisions/<path:reference>/awards/",
        decision_parts.AwardsView.as_view(),
        name="decision-awards",
    ),
    path(
        "decisions/<path:reference>/money/",
        decision_money.MoneyView.as_view(),
        name="decision-money",
    ),
    path(
        "decisions/<path:reference>/outside-links/",
        decision_parts.OutsideLinksView.as_view(),
        name="decision-outside-links",
    ),
    path(
        "decisions/<path:reference>/appendices/<int:pk>/",
        decisions.AppendixDownloadView.as_view(),
        name="decision-appendix",
    ),
    path(
        "decisions/<path:reference>/",
        decisions.DecisionDetailView.as_view(),
        name="decision-detail",
    ),
    # The forward plan
    *record_pages(
        "forward-plan",
        "plan",
        plans.PlanListView,
        plans.PlanCreateView,
        plans.PlanDetailView,
        plans.PlanUpdateView,
        plans.PlanHistoryView,
    ),
    path("forward-plan/<int:pk>/start/", plans.PlanStartView.as_view(), name="plan-start"),
    path("forward-plan/<int:pk>/withdraw/", plans.PlanWithdrawView.as_view(), name="plan-withdraw"),
    # Delegations
    path("delegations/", delegations.DelegationListView.as_view(), name="delegation-list"),
    path("delegations/new/", delegations.DelegationCreateView.as_view(), name="delegation-create"),
    path(
        "delegations/<int:pk>/end/", delegations.DelegationEndView.as_view(), name="delegation-end"
    ),
    # Contracts
    *record_pages(
        "contracts",
        "contract",
        contracts.ContractListView,
        contracts.ContractCreateView,
        contracts.ContractDetailView,
        contracts.ContractUpdateView,
        contracts.ContractHistoryView,
    ),
    path(
        "contracts/<int:pk>/extend/", contracts.ContractExtendView.as_view(), name="contract-extend"
    ),
    path(
        "contracts/<int:pk>/notices/new/",
        contracts.ContractNoticeCreateView.as_view(),
        name="contract-notice-create",
    ),
    path(
        "phases/<int:pk>/notices/new/",
        contracts.PhaseNoticeCreateView.as_view(),
        name="phase-notice-create",
    ),
    path("notices/<int:pk>/edit/", contracts.NoticeUpdateView.as_view(), name="notice-edit"),
    path("notices/<int:pk>/delete/", contracts.NoticeDeleteView.as_view(), name="notice-delete"),
    # Providers
    *record_pages(
        "providers",
        "provider",
        contracts.ProviderListView,
        contracts.ProviderCreateView,
        contracts.ProviderDetailView,
        contracts.ProviderUpdateView,
        contracts.ProviderHistoryView,
    ),
    # Partner bodies
    *record_pages(
        "partners",
        "partner",
        contracts.PartnerListView,
        contracts.PartnerCreateView,
        contracts.PartnerDetailView,
        contracts.PartnerUpdateView,
        contracts.PartnerHistoryView,
    ),
    # Programmes, with their phases and lots
    *record_pages(
        "programmes",
        "programme",
        contracts.ProgrammeListView,
        contracts.ProgrammeCreateView,
        contracts.ProgrammeDetailView,
        contracts.ProgrammeUpdateView,
        contracts.ProgrammeHistoryView,
    ),
    path(
        "programmes/<int:pk>/phases/new/",
        contracts.PhaseCreateView.as_view(),
        name="phase-create",
    ),
    path("phases/<int:pk>/edit/", contracts.PhaseUpdateView.as_view(), name="phase-edit"),
    path("phases/<int:pk>/lots/new/", contracts.LotCreateView.as_view(), name="lot-create"),
    path("lots/<int:pk>/edit/", contracts.LotUpdateView.as_view(), name="lot-edit"),
    # Joint commissioning arrangements
    *record_pages(
        "arrangements",
        "arrangement",
        contracts.ArrangementListView,
        contracts.ArrangementCreateView,
        contracts.ArrangementDetailView,
        contracts.ArrangementUpdateView,
        contracts.ArrangementHistoryView,
    ),
    path(
        "arrangements/<int:pk>/partners/new/",
        contracts.ArrangementPartnerCreateView.as_view(),
        name="arrangement-partner-create",
    ),
    path(
        "arrangement-partners/<int:pk>/positions/new/",
        contracts.PositionCreateView.as_view(),
        name="position-create",
    ),
    path(
        "arrangements/<int:pk>/risks/new/", contracts.RiskCreateView.as_view(), name="risk-create"
    ),
    path("risks/<int:pk>/edit/", contracts.RiskUpdateView.as_view(), name="risk-edit"),
    path("arrangements/<int:pk>/asks/new/", contracts.AskCreateView.as_view(), name="ask-create"),
    path("asks/<int:pk>/edit/", contracts.AskUpdateView.as_view(), name="ask-edit"),
    # The timeline picture
    path("timeline/", contracts.TimelineView.as_view(), name="timeline"),
]
