from django.urls import path
from django.views.generic import TemplateView

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("decisions/<str:reference>/", views.public_detail, name="detail"),
]
