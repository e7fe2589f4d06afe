"""Importing historic records, inside the workspace: /workspace/import/..."""

from django.urls import path

from decisions import import_views

urlpatterns = [
    path("import/decisions/", import_views.import_decisions, name="import-decisions"),
    path("import/contracts/", import_views.import_contracts, name="import-contracts"),
]
