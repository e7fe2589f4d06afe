"""The project's addresses plus the benchmark's floor views, under /bench-floor/.

Used only by commissioning.bench_settings: the application never serves these."""

from django.urls import path

from commissioning.benchmark import floor
from commissioning.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench-floor/decisions/", floor.decisions, name="bench-floor-decisions"),
    path("bench-floor/contracts/", floor.contracts, name="bench-floor-contracts"),
    path("bench-floor/timeline/", floor.timeline, name="bench-floor-timeline"),
    path("bench-floor/public/", floor.public_register, name="bench-floor-public"),
    path(
        "bench-floor/public/<path:reference>/",
        floor.public_detail,
        name="bench-floor-public-detail",
    ),
    path("bench-floor/decision/<path:reference>/", floor.decision, name="bench-floor-decision"),
    *project_urlpatterns,
]
