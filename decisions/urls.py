"""The public site's decision pages, at the root of the site.

References can contain a slash (016/2021), so they are matched with the `path` converter, and
the more specific patterns (the feed, the PDF, appendices) come before the record's own page.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.http import condition, require_safe

from decisions import alert_views, feeds, planning_views, public_views
from decisions.publication import register_last_changed
from decisions.sitemaps import SITEMAPS

app_name = "decisions"


def _last_changed(request, *args, **kwargs):
    return register_last_changed()


urlpatterns = [
    path("", public_views.register, name="home"),
    path("decisions/", public_views.register, name="register"),
    path("decisions/feed/", feeds.feed, name="feed"),
    path(
        "sitemap.xml",
        require_safe(condition(last_modified_func=_last_changed)(sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("forward-plan/", planning_views.forward_plan, name="forward-plan"),
    path(
        "forward-plan/feed/",
        require_safe(planning_views.ForwardPlanFeed()),
        name="forward-plan-feed",
    ),
    path("alerts/", alert_views.subscribe, name="alerts"),
    path("alerts/confirm/<str:token>/", alert_views.confirm, name="alerts-confirm"),
    path("alerts/unsubscribe/<str:token>/", alert_views.unsubscribe, name="alerts-unsubscribe"),
    # Before the record's own patterns, which match any path under decisions/.
    path("decisions.json", public_views.export_json, name="json"),
    path("decisions/<path:reference>.pdf", public_views.pdf, name="pdf"),
    path("decisions/<path:reference>.json", public_views.record_json, name="record-json"),
    path(
        "decisions/<path:reference>/appendices/<int:pk>/",
        public_views.appendix,
        name="appendix",
    ),
    path("decisions/<path:reference>/", public_views.detail, name="detail"),
]
