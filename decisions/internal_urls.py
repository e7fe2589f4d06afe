"""Staff-only publication views (internal PDF, publishing preview), inside the workspace."""

urlpatterns: list = []
