"""Importing historic records, inside the workspace."""

urlpatterns: list = []
