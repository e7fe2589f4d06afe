"""The workspace's pages for setting up the office's decision forms (`decisions.form_setup_views`),
under /workspace/forms/."""

from django.urls import path

from decisions import form_setup_views as views

urlpatterns = [
    path("forms/", views.FormListView.as_view(), name="form-list"),
    path("forms/new/", views.FormCreateView.as_view(), name="form-create"),
    path("forms/<int:pk>/", views.FormSetupView.as_view(), name="form-setup"),
    path("forms/<int:pk>/settings/", views.FormSettingsView.as_view(), name="form-settings"),
    path("forms/<int:pk>/office/", views.OfficeView.as_view(), name="form-office"),
    path("forms/<int:pk>/sections/", views.FormSectionsView.as_view(), name="form-sections"),
    path("forms/<int:pk>/preview/", views.FormPreviewView.as_view(), name="form-preview"),
    path("forms/<int:pk>/preview.pdf", views.FormPreviewPdfView.as_view(), name="form-preview-pdf"),
    path("forms/<int:pk>/history/", views.FormHistoryView.as_view(), name="form-history"),
    path("forms/<int:pk>/lay-out/", views.LayOutView.as_view(), name="form-lay-out"),
    path(
        "forms/<int:pk>/elements/new/",
        views.ElementCreateView.as_view(),
        name="form-element-create",
    ),
    path(
        "forms/<int:pk>/elements/<int:element>/",
        views.ElementUpdateView.as_view(),
        name="form-element-edit",
    ),
    path(
        "forms/<int:pk>/elements/<int:element>/move/",
        views.MoveElementView.as_view(),
        name="form-element-move",
    ),
    path(
        "forms/<int:pk>/elements/<int:element>/remove/",
        views.ElementRemoveView.as_view(),
        name="form-element-remove",
    ),
]
