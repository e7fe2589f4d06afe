"""The forward plan's pages: the public "Forward plan" and its feed, and the officers' pages
under /workspace/forward-plan/ to add, change, start and take off planned decisions.

The public page shows a planned decision's own public fields only (decisions.models.planning);
a started one says it is being prepared, and nothing of its draft.
"""

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from commissioning.addresses import site_address
from commissioning.filters import search_filter, search_words
from commissioning.forms import FilterForm, GovukFormMixin, error_summary
from commissioning.permissions import OfficerRequiredMixin
from contracts.workspace_blocks import (
    FilteredListView,
    RecordCreateView,
    RecordDetailView,
    RecordHistory,
    RecordUpdateView,
)
from decisions.alerts import alert_plan_later
from decisions.models import Decision, DecisionTemplate, PlannedDecision

Status = PlannedDecision.Status


class PlannedDecisionForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = PlannedDecision
        fields = [
            "title",
            "description",
            "expected_on",
            "decision_maker",
            "category",
            "in_private",
            "private_reason",
        ]
        widgets = {"decision_maker": forms.RadioSelect}
        labels = {
            "title": "Title",
            "description": "What the decision is about",
            "expected_on": "Expected date of decision",
            "decision_maker": "Who is expected to take it",
            "category": "Category (optional)",
            "in_private": "It is expected to be taken in private",
            "private_reason": "Why it is expected to be taken in private",
        }
        help_texts = {
            "description": "Published on the forward plan: write for a member of the public.",
            "expected_on": "For example, 27 3 2027. A day in the month you expect will do.",
            "private_reason": "Published: for example the exemption the papers are expected "
            "to fall under. Only if the box above is ticked.",
        }
        error_messages = {
            "title": {"required": "Enter the title"},
            "description": {"required": "Say what the decision is about"},
            "expected_on": {"required": "Enter the date it is expected to be taken"},
        }


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is it taken off the plan?",
        help_text="Published on the plan's history; it stays listed as taken off.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why it is taken off the plan"},
    )


class StartForm(GovukFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        label="Which form is the decision written on?",
        queryset=DecisionTemplate.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the form the decision is written on"},
    )


class PlannedDecisionFilter(django_filters.FilterSet):
    q = search_filter("Title or what it is about")
    status = django_filters.ChoiceFilter(label="Status", choices=Status.choices, empty_label="Any")

    class Meta:
        model = PlannedDecision
        fields = ["q", "status"]
        form = FilterForm

    def search(self, queryset, name, value):
        for word in search_words(value):
            queryset = queryset.filter(title__icontains=word) | queryset.filter(
                description__icontains=word
            )
        return queryset


# -- the officers' pages ---------------------------------------------------------------------


class PlanListView(FilteredListView):
    template_name = "workspace/plans/list.html"
    filterset_class = PlannedDecisionFilter
    section = "plans"
    heading = "Forward plan"

    def get_queryset(self):
        return PlannedDecision.objects.select_related("category", "decision").order_by(
            "expected_on", "title", "pk"
        )


class PlanDetailView(RecordDetailView):
    template_name = "workspace/plans/detail.html"
    model = PlannedDecision
    section = "plans"
    record_name = "plan"

    def rows(self, plan) -> dict:
        return {"today": timezone.localdate()}


class PlanCreateView(RecordCreateView):
    model = PlannedDecision
    form_class = PlannedDecisionForm
    section = "plans"
    heading = "Add a decision to the forward plan"
    submit_label = "Add to the forward plan"

    def form_valid(self, form):
        form.instance.added_by = self.request.user
        response = super().form_valid(form)
        if self.object.pk:  # added: those who follow the plan are alerted
            alert_plan_later(self.object.pk)
        return response


class PlanUpdateView(RecordUpdateView):
    model = PlannedDecision
    form_class = PlannedDecisionForm
    section = "plans"


class PlanHistoryView(RecordHistory):
    model = PlannedDecision
    section = "plans"


class PlanStepView(OfficerRequiredMixin, TemplateView):
    """A step on a planned decision that is still only planned: its form, then the step."""

    template_name = "workspace/plans/step.html"
    form_class: type[forms.Form] = forms.Form
    heading = ""
    submit_label = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = get_object_or_404(PlannedDecision, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.form_class()
        context.update(
            {
                "workspace_section": "plans",
                "plan": self.plan,
                "form": form,
                "heading": self.heading,
                "submit_label": self.submit_label,
                "error_summary": error_summary(form),
                "is_planned": self.plan.status == Status.PLANNED,
            }
        )
        return context

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if self.plan.status != Status.PLANNED:
            messages.error(request, "Only a decision that is still planned can be changed so.")
            return redirect("workspace:plan-detail", self.plan.pk)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return self.step(form)

    def step(self, form) -> HttpResponse:
        raise NotImplementedError


class PlanStartView(PlanStepView):
    """Start the decision: a draft on the chosen form, with the plan's title, maker and
    category, linked to the plan (which then says it is being prepared)."""

    form_class = StartForm
    heading = "Start the decision"
    submit_label = "Open the draft"

    def step(self, form) -> HttpResponse:
        plan = self.plan
        try:
            with transaction.atomic():
                locked = PlannedDecision.objects.select_for_update().get(pk=plan.pk)
                if locked.status != Status.PLANNED:
                    raise ValidationError("Someone else has just started or withdrawn it.")
                decision = Decision.start(
                    template=form.cleaned_data["template"],
                    by=self.request.user,
                    title=plan.title,
                    category=plan.category,
                    decision_maker=plan.decision_maker,
                )
                locked.decision = decision
                locked.status = Status.STARTED
                locked._history_user = self.request.user
                locked._change_reason = f"Started as {decision.reference}"
                locked.save()
        except (ValidationError, IntegrityError) as error:
            problem = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else "The draft could not be opened: try again."
            )
            form.add_error(None, problem)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, f"Draft {decision.reference} opened from the forward plan.")
        return redirect("workspace:decision-edit", decision.reference)


class PlanWithdrawView(PlanStepView):
    form_class = WithdrawForm
    heading = "Take it off the forward plan"
    submit_label = "Take it off the plan"

    def step(self, form) -> HttpResponse:
        plan = self.plan
        plan.status = Status.WITHDRAWN
        plan.withdrawn_reason = form.cleaned_data["reason"]
        plan._history_user = self.request.user
        plan._change_reason = "Taken off the plan"
        plan.full_clean()
        plan.save()
        messages.success(self.request, f"“{plan.title}” has been taken off the forward plan.")
        return redirect("workspace:plan-detail", plan.pk)


# -- the public pages ------------------------------------------------------------------------


@require_safe
def forward_plan(request: HttpRequest) -> HttpResponse:
    plans = list(PlannedDecision.objects.on_the_plan())
    return render(
        request,
        "public/forward_plan.html",
        {"plans": plans, "office_name": settings.OFFICE_NAME},
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ForwardPlanFeed(Feed):
    """The forward plan as an Atom feed: each planned decision as it is added or changed."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return f"Forward plan of the {settings.OFFICE_NAME}"

    def subtitle(self) -> str:
        return "Decisions the office expects to take, before they are taken."

    def link(self) -> str:
        return reverse("decisions:forward-plan")

    def feed_url(self) -> str:
        return reverse("decisions:forward-plan-feed")

    def items(self) -> list[PlannedDecision]:
        return list(PlannedDecision.objects.on_the_plan().order_by("-updated_at")[:100])

    def item_title(self, item: PlannedDecision) -> str:
        return f"{item.title} (expected {item.expected_on:%-d %B %Y})"

    def item_description(self, item: PlannedDecision) -> str:
        # Declared as HTML by Atom1Feed; an officer's words are plain text, so escaped.
        return escape(item.description)

    def item_link(self, item: PlannedDecision) -> str:
        return f"{reverse('decisions:forward-plan')}#plan-{item.pk}"

    def item_guid(self, item: PlannedDecision) -> str:
        return site_address(f"/forward-plan/{item.pk}")

    def item_guid_is_permalink(self, item: PlannedDecision) -> bool:
        return False

    def item_updateddate(self, item: PlannedDecision) -> datetime.datetime:
        return item.updated_at

    def item_pubdate(self, item: PlannedDecision) -> datetime.datetime:
        return item.created_at
