"""The workspace's delegation pages: the written delegations under which officers decide for
the Commissioner, recording a new one and ending one.

Every member of staff may read the list (each delegation is on the public record of the
decisions taken under it). Recording one needs the permission to add delegations, and ending
one the permission to change them: administrators hold both and may give them to named
people. A delegation changes who may decide, so officers do not hold them by default.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, TemplateView

from commissioning import once
from commissioning.concurrency import StaleEditMixin
from commissioning.forms import error_summary
from commissioning.history import Track
from commissioning.permissions import StaffRequiredMixin, holds_permission
from decisions.delegation_forms import DelegationForm, EndDelegationForm
from decisions.models import Delegation
from decisions.workflow import today

ADD = "decisions.add_delegation"
CHANGE = "decisions.change_delegation"
REFUSAL = (
    "Recording and ending delegations needs the permission to do so: an administrator gives it."
)


def list_url() -> str:
    return reverse("workspace:delegation-list")


class PermissionRequiredMixin(StaffRequiredMixin):
    """A page for those who hold `permission`: 403, saying why, for other staff."""

    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not holds_permission(request.user, self.permission):
            raise PermissionDenied(REFUSAL)
        return super().dispatch(request, *args, **kwargs)


class DelegationListView(StaffRequiredMixin, TemplateView):
    template_name = "workspace/delegations/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = today()
        delegations = list(
            Delegation.objects.select_related("delegate", "made_under").prefetch_related(
                "categories"
            )
        )
        for delegation in delegations:
            delegation.in_force = delegation.starts_on <= day and (
                delegation.ends_on is None or delegation.ends_on >= day
            )
            delegation.may_end = delegation.ends_on is None or delegation.ends_on >= day
        context.update(
            {
                "workspace_section": "decisions",
                "delegations": delegations,
                "may_add": holds_permission(self.request.user, ADD),
                "may_end": holds_permission(self.request.user, CHANGE),
            }
        )
        return context


class FormPage:
    """What workspace/form.html draws around a form."""

    heading = ""
    submit_label = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "workspace_section": "decisions",
                "heading": self.heading,
                "caption": "Delegations",
                "submit_label": self.submit_label,
                "back_url": list_url(),
                "error_summary": error_summary(context.get("form")),
            }
        )
        return context


class DelegationCreateView(PermissionRequiredMixin, FormPage, CreateView):
    template_name = "workspace/form.html"
    form_class = DelegationForm
    permission = ADD
    heading = "Record a delegation"
    submit_label = "Record the delegation"

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        # The delegation, its history and the form's one-time token commit together.
        with once.creating(self.request) as submission:
            self.object = form.save()
            submission.location = list_url()
        messages.success(self.request, f"The delegation to {self.object} has been recorded.")
        return HttpResponseRedirect(list_url())


class DelegationEndView(PermissionRequiredMixin, FormPage, StaleEditMixin, TemplateView):
    """The last day a delegation stands, once confirmed. A page opened before the delegation
    was changed is refused (commissioning.concurrency)."""

    template_name = "workspace/delegations/end.html"
    permission = CHANGE
    heading = "End a delegation"
    submit_label = "End the delegation"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(Delegation, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def tracks(self, obj) -> list[Track]:
        return [Track(Delegation.history.filter(id=obj.pk), lambda record: "The delegation")]

    def ended(self) -> bool:
        return self.object.ends_on is not None and self.object.ends_on < today()

    def refused(self):
        ended = f"{self.object.ends_on:%-d %B %Y}"
        messages.info(self.request, f"The delegation to {self.object} ended on {ended}.")
        return HttpResponseRedirect(list_url())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", EndDelegationForm(delegation=self.object, today=today()))
        context = super().get_context_data(**kwargs)
        context["delegation"] = self.object
        return context

    def get(self, request, *args, **kwargs):
        if self.ended():
            return self.refused()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.ended():
            return self.refused()
        form = EndDelegationForm(request.POST, delegation=self.object, today=today())
        return self.save_if_current({"form": form}, self.end)

    def end(self, forms: dict):
        if not forms["form"].is_valid():
            return None
        delegation = self.object
        delegation.ends_on = forms["form"].cleaned_data["ends_on"]
        delegation._history_user = self.request.user
        delegation._change_reason = "Ended"
        delegation.full_clean(exclude=["delegate"])
        delegation.save()
        messages.success(
            self.request,
            f"The delegation to {delegation} stands until {delegation.ends_on:%-d %B %Y}.",
        )
        return HttpResponseRedirect(list_url())
