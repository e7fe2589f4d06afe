"""An Atom feed of published decisions, newest publication first, from the public records."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from decisions.publication import PublicRecord, public_decisions, public_record

FEED_LENGTH = 50


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PublicationsFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def title(self) -> str:
        return f"Decisions published by the {settings.OFFICE_NAME}"

    def subtitle(self) -> str:
        return "Each commissioning decision as it is published on the public register."

    def link(self) -> str:
        return reverse("decisions:register")

    def feed_url(self) -> str:
        return reverse("decisions:feed")

    def author_name(self) -> str:
        return settings.OFFICE_NAME

    def items(self) -> list[PublicRecord]:
        decisions = public_decisions().order_by("-published_on", "-updated_at", "reference")
        return [public_record(decision) for decision in decisions[:FEED_LENGTH]]

    def item_title(self, item: PublicRecord) -> str:
        return item.title_line

    def item_description(self, item: PublicRecord) -> str:
        # Atom's summary is declared as HTML (Django's Atom1Feed says type="html"), while an
        # officer's words are plain text: escaped, a feed reader shows them as typed.
        return escape(item.listing_text)

    def item_link(self, item: PublicRecord) -> str:
        return item.url

    def item_guid(self, item: PublicRecord) -> str:
        return item.url

    def item_pubdate(self, item: PublicRecord) -> datetime.datetime | None:
        return _start_of(item.published_on) if item.published_on else item.updated_at

    def item_updateddate(self, item: PublicRecord) -> datetime.datetime | None:
        return item.updated_at

    def item_categories(self, item: PublicRecord) -> list[str]:
        return [item.category] if item.category else []
