"""The project's addresses plus the benchmark's floor views, under /bench-floor/.

Used only by benchmark.settings: the application never serves these.

A workspace page cannot be served to someone not signed in, so the floor of each is behind
the same check as the page (`staff_required`): the session, the signed-in user and their
roles are read for it too. The lists' floors are also served without the check, under
/bench-floor/anonymous/, so the report can show what signing in costs."""

from django.urls import path

from benchmark import floor
from commissioning.permissions import staff_required
from commissioning.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench-floor/decisions/", staff_required(floor.decisions), name="bench-floor-decisions"),
    path("bench-floor/contracts/", staff_required(floor.contracts), name="bench-floor-contracts"),
    path("bench-floor/timeline/", staff_required(floor.timeline), name="bench-floor-timeline"),
    path("bench-floor/anonymous/decisions/", floor.decisions),
    path("bench-floor/anonymous/contracts/", floor.contracts),
    path("bench-floor/public/", floor.public_register, name="bench-floor-public"),
    path(
        "bench-floor/public-contracts/",
        floor.public_contracts,
        name="bench-floor-public-contracts",
    ),
    path(
        "bench-floor/public/<path:reference>/",
        floor.public_detail,
        name="bench-floor-public-detail",
    ),
    path(
        "bench-floor/decision/<path:reference>/",
        staff_required(floor.decision),
        name="bench-floor-decision",
    ),
    *project_urlpatterns,
]
