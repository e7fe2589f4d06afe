from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from commissioning import views

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("decisions/", include("decisions.urls")),
    path("admin/", admin.site.urls),
]
