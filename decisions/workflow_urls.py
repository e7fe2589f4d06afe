"""Sign-off workflow steps, inside the workspace namespace."""

urlpatterns: list = []
