"""The public contract register and its open data, at the root of the site."""

from django.urls import path

from contracts import public_views

app_name = "contracts"

urlpatterns = [
    path("contracts/", public_views.register, name="register"),
    path("contracts.csv", public_views.contracts_csv, name="csv"),
    path("contracts.json", public_views.contracts_json, name="json"),
    path("contracts/ocds.json", public_views.ocds_json, name="ocds"),
    # A reference may hold a slash, as a decision's may: matched as a path, after the rest.
    path("contracts/<path:reference>/", public_views.contract_detail, name="detail"),
]
