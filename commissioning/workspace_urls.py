"""The officer workspace, under /workspace/. Everything here needs a signed-in member of staff."""

from django.urls import include, path

app_name = "workspace"

urlpatterns = [
    path("", include("decisions.workflow_urls")),
    path("", include("decisions.internal_urls")),
    path("", include("decisions.import_urls")),
]
