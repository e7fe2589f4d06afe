"""Workspace pages for what a decision is made of beyond its form's sections, each a list of
rows to add to, change or remove, reached from the decision's page while it may be edited:
the providers it concerns directly, its grants and awards, and its links to decisions the
register does not hold."""

from django.db.models import QuerySet
from django.shortcuts import redirect

from commissioning.forms import error_summary
from commissioning.placed import save_in_places
from decisions.models import Award, Decision, DecisionLink, DecisionProvider, DecisionSection
from decisions.part_forms import (
    AwardFormSet,
    OutsideLinkFormSet,
    ProviderLinkFormSet,
    SectionShapeFormSet,
)
from decisions.workspace_views import (
    DecisionEditPage,
)


class DecisionPartsView(DecisionEditPage):
    """One kind of row of a decision, as a formset: its rows, and an empty one to add."""

    template_name = "workspace/decisions/parts_form.html"
    formset_class: type
    title: str
    intro: str
    row_name: str  # the legend of each row
    saved: str

    def rows(self, decision: Decision) -> QuerySet:
        raise NotImplementedError

    def forms(self, data=None) -> dict:
        decision = self.object
        formset = self.formset_class(
            data, instance=decision, queryset=self.rows(decision), prefix="rows"
        )
        return {"formset": formset}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "title": self.title,
                "intro": self.intro,
                "row_name": self.row_name,
                "error_summary": error_summary(kwargs.get("formset")),
            }
        )
        return context

    def save_if_valid(self, forms: dict):
        formset = forms["formset"]
        if not formset.is_valid():
            return None
        user = self.request.user
        self.save_rows(formset, user)
        self.object.content_edited(by=user)
        return redirect("workspace:decision-detail", self.object.reference)

    def save_rows(self, formset, user) -> None:
        """Each row the officer changed saved, or removed where it was ticked for removal,
        in the history under `user`; untouched rows are not written."""
        for form in formset.forms:
            if not form.has_changed():
                continue
            row = form.instance
            row._history_user = user
            if form.cleaned_data.get("DELETE"):
                if row.pk:
                    row.delete()
                continue
            row = form.save(commit=False)
            row._history_user = user
            self.before_save(row)
            row.save()

    def before_save(self, row) -> None:
        """A last word on a row before it is saved."""


class ProviderLinksView(DecisionPartsView):
    formset_class = ProviderLinkFormSet
    title = "Providers the decision concerns"
    intro = (
        "Providers the decision concerns directly, besides those of its contracts and awards: "
        "a preferred bidder, a company the decision sets up, a body it funds. They are on the "
        "public record with their roles."
    )
    row_name = "Provider"
    saved = "The providers have been saved."

    def rows(self, decision):
        return DecisionProvider.objects.filter(decision=decision).select_related("provider")


class AwardsView(DecisionPartsView):
    formset_class = AwardFormSet
    title = "Grants and awards"
    intro = (
        "Each grant or award the decision makes, to a named recipient; or a round of grants "
        "recorded as a whole, with how many applied, how many were funded and the total."
    )
    row_name = "Award"
    saved = "The grants and awards have been saved."

    def rows(self, decision):
        return Award.objects.filter(decision=decision)


class OutsideLinksView(DecisionPartsView):
    formset_class = OutsideLinkFormSet
    title = "Decisions outside the register"
    intro = (
        "Earlier decisions this one follows, supersedes or amends that the register does not "
        "hold: older than it, or another body's. If the register later holds a decision with "
        "the same reference, the link goes to that record."
    )
    row_name = "Link"
    saved = "The links have been saved."

    def rows(self, decision):
        return DecisionLink.objects.filter(from_decision=decision, to_decision__isnull=True)

    def before_save(self, link) -> None:
        # A reference the register holds is linked to its record at once.
        link.to_decision = Decision.objects.filter(reference=link.to_reference).first()


class SectionsView(DecisionPartsView):
    """A draft's own sections: their headings and parts, a new one, one removed, or a new
    order, saved as one change (the editor writes their text)."""

    formset_class = SectionShapeFormSet
    title = "Sections"
    intro = (
        "The sections of this draft, copied from its form when it was started: change a "
        "heading or the part a section sits in, give the sections new places to reorder them, "
        "add one, or remove one with its text. The form itself is not changed."
    )
    row_name = "Section"
    saved = "The sections have been saved."

    def rows(self, decision):
        return DecisionSection.objects.filter(decision=decision).order_by("position")

    def save_if_valid(self, forms: dict):
        formset = forms["formset"]
        if not formset.is_valid():
            return None
        user = self.request.user
        ordered = formset.ordered()
        for section in ordered:
            section.decision = self.object
        save_in_places(ordered, by=user, removed=formset.removed(), changed=formset.changed())
        self.object.content_edited(by=user)
        return redirect("workspace:decision-detail", self.object.reference)
