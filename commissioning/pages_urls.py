"""The footer's information pages, at the root of the site: /accessibility/, /privacy/, ..."""

from django.urls import path

from commissioning import information
from commissioning.models import InformationTopic

app_name = "pages"

# One address per page of the fixed set, named as its topic ("pages:open-data").
urlpatterns = [
    path(f"{topic}/", information.page, {"topic": topic}, name=topic)
    for topic in InformationTopic.values
]
