"""The officer workspace, under /workspace/. Everything here needs a signed-in member of staff.

Decision references may contain a slash (EXE0044/23), so they are matched with the path
converter, and the more specific decision pages come before the decision page itself.
"""

from django.urls import include, path

from contracts import workspace_views as contracts
from decisions import workspace_views as decisions

app_name = "workspace"

urlpatterns = [
    path("", include("decisions.workflow_urls")),
    path("", include("decisions.internal_urls")),
    path("", include("decisions.import_urls")),
    path("", decisions.DashboardView.as_view(), name="dashboard"),
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
        "decisions/<path:reference>/appendices/<int:pk>/",
        decisions.AppendixDownloadView.as_view(),
        name="decision-appendix",
    ),
    path(
        "decisions/<path:reference>/",
        decisions.DecisionDetailView.as_view(),
        name="decision-detail",
    ),
    # Contracts
    path("contracts/", contracts.ContractListView.as_view(), name="contract-list"),
    path("contracts/new/", contracts.ContractCreateView.as_view(), name="contract-create"),
    path("contracts/<int:pk>/", contracts.ContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/edit/", contracts.ContractUpdateView.as_view(), name="contract-edit"),
    path(
        "contracts/<int:pk>/extend/", contracts.ContractExtendView.as_view(), name="contract-extend"
    ),
    path(
        "contracts/<int:pk>/history/",
        contracts.ContractHistoryView.as_view(),
        name="contract-history",
    ),
    # Providers
    path("providers/", contracts.ProviderListView.as_view(), name="provider-list"),
    path("providers/new/", contracts.ProviderCreateView.as_view(), name="provider-create"),
    path("providers/<int:pk>/", contracts.ProviderDetailView.as_view(), name="provider-detail"),
    path("providers/<int:pk>/edit/", contracts.ProviderUpdateView.as_view(), name="provider-edit"),
    path(
        "providers/<int:pk>/history/",
        contracts.ProviderHistoryView.as_view(),
        name="provider-history",
    ),
    # Partner bodies
    path("partners/", contracts.PartnerListView.as_view(), name="partner-list"),
    path("partners/new/", contracts.PartnerCreateView.as_view(), name="partner-create"),
    path("partners/<int:pk>/", contracts.PartnerDetailView.as_view(), name="partner-detail"),
    path("partners/<int:pk>/edit/", contracts.PartnerUpdateView.as_view(), name="partner-edit"),
    path(
        "partners/<int:pk>/history/",
        contracts.PartnerHistoryView.as_view(),
        name="partner-history",
    ),
    # Programmes, with their phases and lots
    path("programmes/", contracts.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/new/", contracts.ProgrammeCreateView.as_view(), name="programme-create"),
    path("programmes/<int:pk>/", contracts.ProgrammeDetailView.as_view(), name="programme-detail"),
    path(
        "programmes/<int:pk>/edit/", contracts.ProgrammeUpdateView.as_view(), name="programme-edit"
    ),
    path(
        "programmes/<int:pk>/history/",
        contracts.ProgrammeHistoryView.as_view(),
        name="programme-history",
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
    path("arrangements/", contracts.ArrangementListView.as_view(), name="arrangement-list"),
    path(
        "arrangements/new/",
        contracts.ArrangementCreateView.as_view(),
        name="arrangement-create",
    ),
    path(
        "arrangements/<int:pk>/",
        contracts.ArrangementDetailView.as_view(),
        name="arrangement-detail",
    ),
    path(
        "arrangements/<int:pk>/edit/",
        contracts.ArrangementUpdateView.as_view(),
        name="arrangement-edit",
    ),
    path(
        "arrangements/<int:pk>/history/",
        contracts.ArrangementHistoryView.as_view(),
        name="arrangement-history",
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
