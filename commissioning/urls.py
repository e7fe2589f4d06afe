from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from commissioning import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico whatever a page links to: send them to the
    # site's own icon (not the GOV.UK crown, which is only for GOV.UK).
    path(
        "favicon.ico",
        RedirectView.as_view(
            url=static("images/favicon.svg"), permanent=True, http_method_names=["get", "head"]
        ),
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("workspace/", include("commissioning.workspace_urls")),
    # The public site: decisions (with / as their register) and contracts.
    path("", include("decisions.urls")),
    path("", include("contracts.urls")),
    path("", include("commissioning.pages_urls")),
]

handler403 = "commissioning.views.permission_denied"
handler500 = "commissioning.views.server_error"
