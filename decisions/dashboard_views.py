"""The workspace's dashboard: what waits for the signed-in person, their drafts, contracts at
risk or with no recorded value, partners whose position changed, withheld parts due for
release and planned decisions whose date has passed; each list its first rows, its total and a
link to all of it."""

import datetime
from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from commissioning.permissions import StaffRequiredMixin
from contracts.models import Contract, PartnerPosition
from decisions.models import Decision, PlannedDecision
from decisions.publication import appendices_due_for_release, sections_due_for_release

POSITION_WINDOW_DAYS = 90


def recent_position_changes(today: datetime.date):
    """Partners whose position in a joint arrangement changed in the last 90 days."""
    earlier = PartnerPosition.objects.filter(
        partner=OuterRef("partner"), as_of__lt=OuterRef("as_of")
    ).order_by("-as_of", "-pk")
    return (
        PartnerPosition.objects.filter(
            as_of__gte=today - datetime.timedelta(days=POSITION_WINDOW_DAYS), as_of__lte=today
        )
        .annotate(previous=Subquery(earlier.values("position")[:1]))
        .filter(previous__isnull=False)
        .exclude(previous=F("position"))
        .select_related("partner__arrangement", "partner__body")
        .order_by("-as_of", "-pk")
    )


@dataclass
class Panel:
    """One of the dashboard's lists: its first rows, how many there are in all, and the page
    that lists them all ("" when there is none)."""

    rows: list
    total: int
    see_all: str = ""

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def panel(queryset, size: int, see_all: str = "") -> Panel:
    """The first `size` rows; counted in the database only when there may be more."""
    rows = list(queryset[:size])
    total = queryset.count() if len(rows) == size else len(rows)
    return Panel(rows, total, see_all)


class DashboardView(StaffRequiredMixin, TemplateView):
    template_name = "workspace/dashboard.html"
    section = "dashboard"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        position_labels = dict(PartnerPosition.Position.choices)
        changes = panel(recent_position_changes(today), 20)
        for change in changes.rows:
            change.previous_display = position_labels.get(change.previous, change.previous)
        decisions = reverse("workspace:decision-list")
        awaiting = panel(Decision.objects.awaiting(user), 10, f"{decisions}?mine=waiting")
        drafts = panel(Decision.objects.drafts_of(user), 10, f"{decisions}?mine=drafts")
        at_risk = panel(
            Contract.objects.at_risk(today),
            20,
            reverse("workspace:contract-list") + "?risk=at_risk&sort=ends",
        )
        due_sections = panel(sections_due_for_release(today), 20)
        due_appendices = panel(appendices_due_for_release(today), 20)
        overdue_plans = panel(
            PlannedDecision.objects.overdue(today),
            10,
            reverse("workspace:plan-list") + "?status=planned",
        )
        unvalued = panel(
            Contract.objects.value_not_recorded(),
            10,
            reverse("workspace:contract-list") + "?value=not_recorded",
        )
        context.update(
            {
                "workspace_section": self.section,
                "unvalued_panel": unvalued,
                "awaiting_panel": awaiting,
                "drafts_panel": drafts,
                "at_risk_panel": at_risk,
                "position_panel": changes,
                # The rows alone, as before, for what reads them.
                "drafts": drafts.rows,
                "awaiting": awaiting.rows,
                "at_risk": at_risk.rows,
                "position_changes": changes.rows,
                "published": list(Decision.objects.recently_published()[:5]),
                "due_sections_panel": due_sections,
                "due_appendices_panel": due_appendices,
                "due_sections": due_sections.rows,
                "due_appendices": due_appendices.rows,
                "overdue_plans_panel": overdue_plans,
                "today": today,
            }
        )
        return context
