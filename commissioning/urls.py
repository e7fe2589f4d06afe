from django.contrib import admin
from django.urls import include, path

from commissioning import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/", include("commissioning.workspace_urls")),
    # The public site: decisions (with / as their register) and contracts.
    path("", include("decisions.urls")),
    path("", include("contracts.urls")),
]

handler403 = "commissioning.views.permission_denied"
handler500 = "commissioning.views.server_error"
