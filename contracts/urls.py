"""The public contract register."""

app_name = "contracts"

urlpatterns: list = []
