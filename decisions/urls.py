from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("<str:reference>/", views.public_detail, name="detail"),
]
