"""The sitemap: the public pages and every published decision."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from decisions.publication import public_index


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["decisions:register", "contracts:register"]

    def location(self, item: str) -> str:
        return reverse(item)


class DecisionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return public_index()

    def location(self, item) -> str:
        return item[0]

    def lastmod(self, item):
        return item[1]


SITEMAPS = {"pages": PublicPagesSitemap, "decisions": DecisionSitemap}
