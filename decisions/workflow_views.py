"""The sign-off workflow's pages: one small view per step, and the workflow page.

A step's view shows a confirmation page with a comments box (GET, or a POST from a button on
the decision page), then calls the step's model method when the form is confirmed. The view
asks the step's permission question (`StepSpec.may`, from the table of steps), and the model
asks the same again with the status, the signer's capacity and the separation of duties; a
refusal from either is recorded and shown as a message. Publishing, the step with a preview
of the public record, has its own page (decisions.internal_views.publish).

Every confirmation carries what it showed: the fingerprint of the decision's content
(`content_hash`) in a hidden field, and the version of its history. The model refuses the
step under the row lock when the content is no longer what the page showed, or when the
post does not say (`ContentChanged`); the page then comes back (409 Conflict) listing what
changed since it was opened, with the current fingerprint, and nothing is signed.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.decorators.http import require_safe

from commissioning.concurrency import changes_since, make_token
from commissioning.forms import GovukFormMixin, field_anchor
from commissioning.history import Track, Version, latest_ids
from commissioning.permissions import StaffRequiredMixin, is_staff_member
from decisions.models import STEPS, Award, Decision, WorkflowEvent, WorkflowStep
from decisions.models.decision import figures_recorded, money_prefetches
from decisions.models.workflow import person_name
from decisions.recording import decided_on_checked
from decisions.workflow import ContentChanged, WorkflowError, decision_page_url, today
from decisions.workspace_views import decision_tracks

# The hidden fields of a confirmation: the fingerprint of the content it showed, and the
# version of the decision's history when it was drawn (to list what changed since).
SEEN_FIELD = "content_sha256"
VERSION_FIELD = "version"


def content_tracks(decision: Decision) -> list[Track]:
    """The history of everything a decision's fingerprint covers: the decision's own
    history, and its awards."""
    awards = Track(
        Award.history.filter(decision_id=decision.pk), lambda r: f"Award to {r.recipient}"
    )
    return [*decision_tracks(decision), awards]


def seen_fingerprint(request: HttpRequest) -> str:
    """The fingerprint the confirmation page showed, as posted back: a SHA-256 in hex, or ""
    for anything else (missing, altered or forged), which the step refuses as changed."""
    seen = request.POST.get(SEEN_FIELD, "")
    return seen if FINGERPRINT.fullmatch(seen) else ""


FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def changes_since_seen(decision: Decision, token: str) -> list[Version]:
    """What changed in the decision since the confirmation page with this version token
    was drawn (nothing listed when the token is missing or malformed)."""
    tracks = content_tracks(decision)
    return changes_since(tracks, token, latest_ids(tracks)) or []


class CommentsForm(forms.Form):
    comments = forms.CharField(
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 6}),
        required=False,
        strip=True,
    )

    def __init__(self, *args, label: str, hint: str, required: bool, message: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comments"]
        field.label = label
        field.help_text = hint
        field.required = required
        field.error_messages["required"] = message


class ApproveForm(GovukFormMixin, CommentsForm):
    """The approval: the date of decision (today unless the signer says otherwise, never in
    the future) and optional comments."""

    decided_on = forms.DateField(
        label="Date of decision",
        help_text="The day the decision was taken. For example, 15 6 2022",
        error_messages={"required": "Enter the date of the decision"},
    )
    field_order = ["decided_on", "comments"]

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision
        if not self.is_bound:
            self.initial["decided_on"] = decision.decided_on or today()

    def clean_decided_on(self):
        return decided_on_checked(self.cleaned_data["decided_on"], self.decision)


class SupersedeForm(forms.Form):
    later_reference = forms.CharField(
        label="Reference of the later decision",
        help_text="For example, WPCC3-0062. It must have been approved.",
        error_messages={"required": "Enter the reference of the later decision"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-one-third"}),
    )

    def clean_later_reference(self) -> Decision:
        reference = self.cleaned_data["later_reference"].strip()
        later = Decision.objects.filter(reference=reference).first()
        if later is None:
            raise forms.ValidationError(f"There is no decision with the reference {reference}")
        return later


class StepView(StaffRequiredMixin, View):
    """A workflow step's confirmation page. Subclasses say which step and how it is put;
    who may try it is the table's (`StepSpec.may`)."""

    step: str
    heading: str
    explanation: str
    comments_label = "Comments (optional)"
    comments_hint = ""
    comments_required = False
    comments_message = "Enter your comments"
    success: str

    @property
    def spec(self):
        return STEPS[self.step]

    def permitted(self, user, decision: Decision) -> bool:
        """The step's permission question: the one the model asks first too."""
        return self.spec.may(user, decision)

    def perform(self, decision: Decision, user, data: dict) -> None:
        """Take the step. `data` is the form's, with "seen": the fingerprint the page
        showed."""
        raise NotImplementedError

    def get_form(self, data=None, decision: Decision | None = None) -> forms.Form:
        return CommentsForm(
            data,
            label=self.comments_label,
            hint=self.comments_hint,
            required=self.comments_required,
            message=self.comments_message,
        )

    def get_decision(self, reference: str) -> Decision:
        return get_object_or_404(
            Decision.objects.select_related("template", "author"), reference=reference
        )

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        decision = self.get_decision(reference)
        if not self.permitted(request.user, decision):
            raise PermissionDenied("You cannot take this step.")
        return self.confirmation(request, decision, self.get_form(decision=decision))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        decision = self.get_decision(reference)
        if not self.permitted(request.user, decision):
            self.record_refusal(
                request,
                decision,
                "Refused by the page: the user does not have the permission for this step.",
            )
            raise PermissionDenied("You cannot take this step.")
        if request.POST.get("confirm") != "yes":
            # A button on the decision page: show the confirmation page first.
            return self.confirmation(request, decision, self.get_form(decision=decision))
        form = self.get_form(request.POST, decision=decision)
        refusal = decision.workflow_refusal(self.step, request.user)
        if refusal:
            # Refused whatever the form says (the model asks again under the row lock).
            self.record_refusal(request, decision, refusal)
            messages.error(request, refusal)
            return redirect(decision_page_url(decision))
        if not form.is_valid():
            return self.invalid(request, decision, form)
        data = {**form.cleaned_data, "seen": seen_fingerprint(request)}
        try:
            self.perform(decision, request.user, data)
        except ContentChanged as changed:
            return self.confirmation(
                request,
                decision,
                form,
                changed=changed,
                changes=changes_since_seen(decision, request.POST.get(VERSION_FIELD, "")),
            )
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(decision_page_url(decision))
        messages.success(request, self.success.format(reference=decision.reference))
        for warning in getattr(decision, "notification_warnings", []):
            messages.warning(request, warning)
        return redirect(decision_page_url(decision))

    def record_refusal(self, request, decision: Decision, reason: str) -> None:
        """Record an attempt at the step that the page refused, with what was sent."""
        WorkflowEvent.record_refusal(
            decision,
            self.step,
            request.user,
            request.POST.get("comments", ""),
            reason,
            decision.status,
        )

    def invalid(self, request, decision: Decision, form) -> HttpResponse:
        """The page again with the form's errors; and, as the step itself would say, with
        what changed when the content is no longer what the page showed (409)."""
        seen = seen_fingerprint(request)
        current = decision.confirmation_fingerprint(self.step)
        if seen == current:
            return self.confirmation(request, decision, form)
        changed = ContentChanged(self.spec.verb, seen, current)
        self.record_refusal(request, decision, changed.message)
        changes = changes_since_seen(decision, request.POST.get(VERSION_FIELD, ""))
        return self.confirmation(request, decision, form, changed=changed, changes=changes)

    def extra_context(self, decision: Decision, user) -> dict:
        """What a step's page shows besides the common parts."""
        return {}

    def confirmation(
        self,
        request,
        decision: Decision,
        form,
        *,
        changed: ContentChanged | None = None,
        changes: list[Version] | None = None,
    ) -> HttpResponse:
        """The confirmation page. After a step refused because the content changed since
        the page was opened (`changed`), the page again, with what changed (`changes`), the
        fingerprint of the content now, and status 409."""
        refusal = decision.workflow_refusal(self.step, request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect(decision_page_url(decision))
        error_list = [
            {"href": f"#{field_anchor(form[name])}", "text": " ".join(errors)}
            for name, errors in form.errors.items()
        ]
        if changed is not None:
            error_list.insert(0, {"href": "#changes-since-opened", "text": changed.message})
        context = {
            "decision": decision,
            "form": form,
            "step": self.step,
            "heading": self.heading.format(reference=decision.reference),
            "explanation": self.explanation,
            "button": self.spec.label,
            "button_style": self.spec.style,
            "signs": self.spec.signs,
            "content_sha256": decision.confirmation_fingerprint(self.step),
            "version_token": make_token(latest_ids(content_tracks(decision))),
            "changed": changed,
            "changes": changes or [],
            "back_url": decision_page_url(decision),
            "error_list": error_list,
            "missing_sections": (
                [s.heading for s in decision.sections.all() if s.is_mandatory and not s.text]
                if self.step == WorkflowStep.SUBMIT
                else []
            ),
            **self.extra_context(decision, request.user),
        }
        return render(
            request, "workflow/confirm.html", context, status=409 if changed is not None else 200
        )


class SubmitView(StepView):
    step = WorkflowStep.SUBMIT
    heading = "Submit {reference} for sign-off"
    explanation = (
        "The decision goes to the people who must sign it off, in the order its form sets. "
        "Once the first of them has signed, any change to its content sends it back to draft."
    )
    comments_label = "Note for the signers (optional)"
    success = "{reference} has been submitted for sign-off."

    def perform(self, decision, user, data) -> None:
        decision.submit(by=user, comments=data["comments"], seen=data["seen"])


class SignOffView(StepView):
    step = WorkflowStep.SIGN_OFF
    heading = "Sign off {reference} as the Treasurer"
    explanation = (
        "Your comments appear on the record as the comments from the Treasurer, and on the "
        "public page once the decision is published."
    )
    comments_label = "Comments from the Treasurer"
    comments_hint = "For example, how the cost is met from the budget."
    comments_required = True
    comments_message = "Enter your comments as the Treasurer"
    success = "You have signed off {reference}."

    def perform(self, decision, user, data) -> None:
        decision.sign_off(by=user, comments=data["comments"], seen=data["seen"])

    def extra_context(self, decision: Decision, user) -> dict:
        # The figures beside the prose: what the Treasurer checks the costs against.
        figures = (
            Decision.objects.annotate(has_figures=figures_recorded())
            .prefetch_related(*money_prefetches())
            .get(pk=decision.pk)
        )
        return {"figures": figures}


class CommentView(StepView):
    step = WorkflowStep.COMMENT
    heading = "Comment on {reference}"
    explanation = (
        "Your comments appear on the record as the comments from the Chief Executive and "
        "Monitoring Officer, and on the public page once the decision is published. The "
        "decision then passes to the next step."
    )
    comments_label = "Comments from the Chief Executive and Monitoring Officer"
    comments_hint = "For example, whether legal and procurement advice has been taken."
    comments_required = True
    comments_message = "Enter your comments as the Chief Executive and Monitoring Officer"
    success = "Your comments on {reference} have been added and it has been passed on."

    def perform(self, decision, user, data) -> None:
        decision.comment(by=user, comments=data["comments"], seen=data["seen"])


class ApproveForceBusinessView(StepView):
    step = WorkflowStep.APPROVE_FORCE_BUSINESS
    heading = "Approve {reference} as force business"
    explanation = (
        "As force business, the decision needs the Chief Officer's approval before the "
        "Police and Crime Commissioner decides. Today's date is recorded as the date of your "
        "approval."
    )
    comments_label = "Comments from the Chief Officer (optional)"
    success = "You have approved {reference}."

    def perform(self, decision, user, data) -> None:
        decision.approve_force_business(by=user, comments=data["comments"], seen=data["seen"])


class ApproveView(StepView):
    step = WorkflowStep.APPROVE
    heading = "Approve and sign {reference}"
    explanation = (
        "You take the decision and sign it. Your signature binds the record's content, the "
        "decision maker named below and the date of decision you give."
    )
    success = "You have approved and signed {reference}."

    def get_form(self, data=None, decision: Decision | None = None) -> forms.Form:
        return ApproveForm(
            data,
            decision=decision,
            label=self.comments_label,
            hint=self.comments_hint,
            required=False,
            message=self.comments_message,
        )

    def extra_context(self, decision: Decision, user) -> dict:
        # The decision maker as the editor holds it: the approval never overwrites it.
        return {
            "decision_maker_name": decision.decision_maker_name.strip(),
            "signer_name": person_name(user),
        }

    def perform(self, decision, user, data) -> None:
        decision.approve(
            by=user, comments=data["comments"], seen=data["seen"], decided_on=data["decided_on"]
        )


class DeclineView(StepView):
    step = WorkflowStep.DECLINE
    heading = "Do not approve {reference}"
    explanation = (
        "The decision is recorded as not approved, with your reasons, and signed by you. "
        "Its author is told."
    )
    comments_label = "Why is it not approved?"
    comments_required = True
    comments_message = "Enter why the decision is not approved"
    success = "{reference} has been recorded as not approved."

    def perform(self, decision, user, data) -> None:
        decision.decline(by=user, comments=data["comments"], seen=data["seen"])


class ReturnToDraftView(StepView):
    step = WorkflowStep.RETURN_TO_DRAFT
    heading = "Return {reference} to draft"
    explanation = (
        "The decision goes back to its author with your comments. Every signature given so "
        "far is voided, and it must be signed again after it is resubmitted."
    )
    comments_label = "What needs to change?"
    comments_required = True
    comments_message = "Enter what needs to change"
    success = "{reference} has been returned to draft."

    def perform(self, decision, user, data) -> None:
        decision.return_to_draft(by=user, comments=data["comments"], seen=data["seen"])


class WithdrawView(StepView):
    step = WorkflowStep.WITHDRAW
    heading = "Withdraw {reference} from publication"
    explanation = "The decision comes off the public register. Its record and signatures are kept."
    comments_label = "Why is it withdrawn?"
    comments_required = True
    comments_message = "Enter why the decision is withdrawn from publication"
    success = "{reference} has been withdrawn from publication."

    def perform(self, decision, user, data) -> None:
        decision.withdraw(by=user, reason=data["comments"], seen=data["seen"])


class SupersedeView(StepView):
    step = WorkflowStep.SUPERSEDE
    heading = "Mark {reference} as superseded"
    explanation = "Name the later decision that replaces this one. The two are linked."
    success = "{reference} has been marked as superseded."

    def get_form(self, data=None, decision: Decision | None = None) -> forms.Form:
        return SupersedeForm(data)

    def perform(self, decision, user, data) -> None:
        decision.supersede(by=user, by_decision=data["later_reference"], seen=data["seen"])


@require_safe
def workflow_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The decision's sign-off: signatures, timeline and the steps open to this user."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not is_staff_member(request.user):
        raise PermissionDenied("This page is for the office's staff.")
    decision = get_object_or_404(
        Decision.objects.select_related("template", "author", "category"), reference=reference
    )
    return render(request, "workflow/detail.html", {"decision": decision})
