"""Atom feeds of published decisions, newest publication first, from the public records.

`/decisions/feed/` follows every publication. With the register's own parameters it follows
what the reader is looking at: `?category=grants` is the feed of a category, `?q=housing` of a
search, and any mix of the register's filters works the same way. The register links to the
feed of its current list.

Each entry's id is absolute and stable: the decision's public address under `SITE_URL` (the
site's configured address, not the host a request came by), which never changes while it is
published. Atom requires an id to be an absolute IRI; a relative one made readers show an
entry twice when the feed was fetched by another address.

A person who follows the feed's link in a browser would see raw XML. The feed's address
answers by content negotiation instead of sending them to a separate page: a browser, whose
Accept header prefers text/html to the Atom type, gets a page that explains what a feed is and
how to follow this one; a feed reader, which asks for Atom or XML or for anything (`*/*`), gets
the feed. Both answers say `Vary: Accept`, so a cache keeps them apart. One address serves
both, so the link people copy from their browser's address bar is the feed's own.
"""

import datetime
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import condition, require_safe

from commissioning.addresses import site_address
from decisions.public_filters import PublicDecisionFilter
from decisions.publication import (
    PublicRecord,
    public_decisions,
    public_record,
    register_last_changed,
    register_version,
)

FEED_LENGTH = 50
ATOM = "application/atom+xml"

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class Following:
    """What a feed follows: the register's filters as asked for, and how to say them."""

    def __init__(self, request):
        self.query = request.GET.urlencode()
        self.filterset = PublicDecisionFilter(
            request.GET or None, queryset=public_decisions(), version=register_version().etag
        )

    def describe(self) -> str:
        """The filters in words, e.g. "in Grants, matching “housing”" ("" for none)."""
        filterset = self.filterset
        if not filterset.is_bound:
            return ""
        form = filterset.form
        data = form.cleaned_data if form.is_valid() else {}

        def chosen(name: str) -> str:
            return str(dict(form.fields[name].choices).get(data[name], data[name]))

        words = []
        if data.get("category"):
            words.append(f"in {chosen('category')}")
        if data.get("year"):
            words.append(f"decided in {data['year']}")
        if data.get("decision_maker"):
            words.append(
                f"decided by {chosen('decision_maker')[0].lower()}{chosen('decision_maker')[1:]}"
            )
        if data.get("confidentiality"):
            words.append(chosen("confidentiality").lower())
        if data.get("provider"):
            words.append(f"about “{data['provider']}”")
        if data.get("decided_from"):
            words.append(f"decided from {data['decided_from']:%-d %B %Y}")
        if data.get("decided_to"):
            words.append(f"decided up to {data['decided_to']:%-d %B %Y}")
        if data.get("q"):
            words.append(f"matching “{data['q']}”")
        # XML cannot hold control characters: a search or provider typed with one is named
        # without it.
        return CONTROL_CHARACTERS.sub("", ", ".join(words))

    def decisions(self):
        filterset = self.filterset
        if filterset.is_bound:
            return filterset.qs
        return filterset.queryset.order_by("-published_on", "-updated_at", "reference")

    def with_query(self, path: str) -> str:
        return f"{path}?{self.query}" if self.query else path


class PublicationsFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def get_object(self, request, *args, **kwargs) -> Following:
        return Following(request)

    def title(self, following: Following) -> str:
        title = f"Decisions published by the {settings.OFFICE_NAME}"
        described = following.describe()
        return f"{title}, {described}" if described else title

    def subtitle(self, following: Following) -> str:
        return "Each commissioning decision as it is published on the public register."

    def link(self, following: Following) -> str:
        return following.with_query(reverse("decisions:register"))

    def feed_url(self, following: Following) -> str:
        return following.with_query(reverse("decisions:feed"))

    def feed_guid(self, following: Following) -> str:
        return site_address(following.with_query(reverse("decisions:feed")))

    def author_name(self) -> str:
        return settings.OFFICE_NAME

    def items(self, following: Following) -> list[PublicRecord]:
        return [public_record(decision) for decision in following.decisions()[:FEED_LENGTH]]

    def item_title(self, item: PublicRecord) -> str:
        return item.title_line

    def item_description(self, item: PublicRecord) -> str:
        # Atom's summary is declared as HTML (Django's Atom1Feed says type="html"), while an
        # officer's words are plain text: escaped, a feed reader shows them as typed.
        return escape(item.listing_text)

    def item_link(self, item: PublicRecord) -> str:
        return item.url

    def item_guid(self, item: PublicRecord) -> str:
        return site_address(item.url)

    def item_pubdate(self, item: PublicRecord) -> datetime.datetime | None:
        return _start_of(item.published_on) if item.published_on else item.updated_at

    def item_updateddate(self, item: PublicRecord) -> datetime.datetime | None:
        return item.updated_at

    def item_categories(self, item: PublicRecord) -> list[str]:
        return [item.category] if item.category else []


def wants_html(request) -> bool:
    """Whether the reader prefers a web page to the feed: a browser does (it lists text/html
    before anything else), a feed reader asks for Atom, XML or anything."""
    return request.get_preferred_type([ATOM, "application/xml", "text/html"]) == "text/html"


def _last_changed(request, *args, **kwargs):
    return register_last_changed()


publications_feed = PublicationsFeed()


@require_safe
@condition(last_modified_func=_last_changed)
def feed(request):
    """The feed for a feed reader, the page that explains it for a browser (see above)."""
    if wants_html(request):
        following = Following(request)
        response = render(
            request,
            "public/feed.html",
            {
                "described": following.describe(),
                "feed_address": site_address(following.with_query(reverse("decisions:feed"))),
                "register_address": following.with_query(reverse("decisions:register")),
            },
        )
    else:
        response = publications_feed(request)
    patch_vary_headers(response, ["Accept"])
    return response
