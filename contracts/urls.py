"""The public contract register and its open data, at the root of the site."""

from django.urls import path

from contracts import public_views

app_name = "contracts"

urlpatterns = [
    path("contracts/", public_views.register, name="register"),
    path("contracts.csv", public_views.contracts_csv, name="csv"),
    path("contracts/ocds.json", public_views.ocds_json, name="ocds"),
]
