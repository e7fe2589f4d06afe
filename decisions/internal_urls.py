"""Staff-only publication views (internal PDF, publishing preview), inside the workspace.

References can contain a slash (016/2021): the `path` converter matches them, and the longer
patterns come first.
"""

from django.urls import path

from decisions import internal_views

urlpatterns = [
    path(
        "decisions/<path:reference>/publish/preview.pdf",
        internal_views.publish_preview_pdf,
        name="decision-publish-preview-pdf",
    ),
    path(
        "decisions/<path:reference>/publish/",
        internal_views.publish,
        name="decision-publish",
    ),
    path(
        "decisions/<path:reference>/release/section/<int:pk>/",
        internal_views.release,
        {"kind": "section"},
        name="decision-release-section",
    ),
    path(
        "decisions/<path:reference>/release/appendix/<int:pk>/",
        internal_views.release,
        {"kind": "appendix"},
        name="decision-release-appendix",
    ),
    path(
        "decisions/<path:reference>.pdf",
        internal_views.internal_decision_pdf,
        name="decision-pdf",
    ),
]
