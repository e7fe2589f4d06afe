"""The pages of recording a decision already taken and of correcting a decided record.

Both need the permission "record decisions already taken" (`may_record_decided`), which
administrators hold and may give to named officers; anyone else is refused (403) on every
page here. Recording starts from the dashboard or the decision register ("Record a decision
already taken"): the content is written in the editor as a draft, then recorded as decided
with what the signed record says (`RecordDecidedView`). A decided record is changed on the
correction page (`CorrectView`), the editor with the kind of change and its reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from commissioning import audit
from commissioning.forms import error_summary
from commissioning.permissions import (
    RECORD_DECIDED_REFUSAL,
    StaffRequiredMixin,
    may_record_decided,
)
from decisions.models import STEPS, Decision, SignedCopy, WorkflowStep
from decisions.recording import (
    CORRECTION,
    PUBLISH_NOW,
    PUBLISH_ON,
    CorrectionForm,
    RecordDecidedForm,
    RecordedSignatureFormSet,
    check_signature_dates,
)
from decisions.workflow import ContentChanged, WorkflowError, decision_page_url
from decisions.workflow_views import seen_fingerprint
from decisions.workspace_views import DecisionEditView, decision_or_404


class RecorderRequiredMixin(StaffRequiredMixin):
    """A page for those who may record decisions already taken: 403 for anyone else."""

    def allowed(self, user) -> bool:
        return super().allowed(user) and may_record_decided(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_record_decided(request.user):
            raise PermissionDenied(RECORD_DECIDED_REFUSAL)
        return super().dispatch(request, *args, **kwargs)


class RecordStartView(RecorderRequiredMixin, TemplateView):
    """How recording a decision already taken goes, with the recorder's drafts to record."""

    template_name = "workspace/record_decided_start.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "workspace_section": "decisions",
                "drafts": list(Decision.objects.drafts_of(self.request.user)[:20]),
            }
        )
        return context


class RecordDecidedView(RecorderRequiredMixin, TemplateView):
    """A draft recorded as decided, with the dates, decision maker and signatures of the
    office's signed record, its signed copy, and its publication."""

    template_name = "workspace/record_decided.html"
    step = WorkflowStep.RECORD

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.decision = decision_or_404(
                kwargs["reference"], Decision.objects.select_related("template")
            )
        return super().dispatch(request, *args, **kwargs)

    def may_publish(self) -> bool:
        return STEPS[WorkflowStep.PUBLISH].may(self.request.user, self.decision)

    def forms(self, data=None, files=None) -> dict:
        return {
            "form": RecordDecidedForm(
                data, files, decision=self.decision, may_publish=self.may_publish()
            ),
            "signatures": RecordedSignatureFormSet(
                data, decision=self.decision, prefix="signatures"
            ),
        }

    def refused(self) -> HttpResponse | None:
        refusal = self.decision.workflow_refusal(self.step, self.request.user)
        if refusal:
            messages.error(self.request, refusal)
            return redirect(decision_page_url(self.decision))
        return None

    def get(self, request, *args, **kwargs):
        return self.refused() or self.render_to_response(self.get_context_data(**self.forms()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, signatures = kwargs.get("form"), kwargs.get("signatures")
        summary = error_summary(form, signatures)
        changed = kwargs.get("changed")
        if changed is not None:
            summary.insert(0, {"href": "#main-content", "text": changed.message})
        context.update(
            {
                "workspace_section": "decisions",
                "decision": self.decision,
                "content_sha256": self.decision.confirmation_fingerprint(self.step),
                "error_summary": summary,
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        refused = self.refused()
        if refused:
            return refused
        forms = self.forms(request.POST, request.FILES)
        form, signatures = forms["form"], forms["signatures"]
        valid = form.is_valid() & signatures.is_valid()
        if valid:
            check_signature_dates(form, signatures)
            valid = not any(each.errors for each in signatures.forms)
        if not valid:
            return self.render_to_response(self.get_context_data(**forms))
        data = form.cleaned_data
        try:
            with transaction.atomic():
                self.decision.record_as_decided(
                    by=request.user,
                    source=data["source"],
                    decided_on=data["decided_on"],
                    decision_maker_name=data["decision_maker_name"],
                    signatures=signatures.recorded(),
                    signed_copy=data.get("signed_copy"),
                    seen=seen_fingerprint(request),
                )
                if data["publication"] in (PUBLISH_ON, PUBLISH_NOW):
                    self.decision.publish(by=request.user, on=data.get("published_on"))
        except ContentChanged as changed:
            self.decision.refresh_from_db()
            context = self.get_context_data(**forms, changed=changed)
            return self.render_to_response(context, status=409)
        except WorkflowError as error:
            self.decision.refresh_from_db()
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(**forms))
        published = self.decision.status == Decision.Status.PUBLISHED
        messages.success(
            request,
            f"{self.decision.reference} has been recorded as decided"
            + (" and published." if published else "."),
        )
        return redirect(decision_page_url(self.decision))


class SignedCopyDownloadView(RecorderRequiredMixin, View):
    """The office's signed copy of a decision, for those who record decisions already taken
    (it may carry handwritten signatures); each read goes in the audit log."""

    def get(self, request: HttpRequest, reference: str, pk: int) -> FileResponse:
        copy = get_object_or_404(
            SignedCopy.objects.select_related("decision"), pk=pk, decision__reference=reference
        )
        if not copy.file:
            raise Http404("This signed copy has no file.")
        audit.record(
            "read.signed_copy",
            actor=request.user,
            obj=copy.decision,
            details={"reference": copy.decision.reference, "signed_copy": copy.pk},
        )
        return FileResponse(copy.file.open("rb"), as_attachment=True, filename=copy.filename)


class CorrectView(RecorderRequiredMixin, DecisionEditView):
    """The editor, for a decided record: with the kind of change (a correction against the
    signed original, or a change of substance) and its reason. Stale edits are refused as in
    the editor (commissioning.concurrency)."""

    template_name = "workspace/record_decided_correct.html"

    def may_change(self) -> bool:
        return self.object.workflow_refusal(WorkflowStep.CORRECT, self.request.user) is None

    def forms(self, data=None):
        return {
            **super().forms(data),
            "correction": CorrectionForm(data, decision=self.object, prefix="correction"),
        }

    def get(self, request, *args, **kwargs):
        if not self.may_change():
            return self.read_only()
        return self.render_to_response(self.get_context_data(**self.forms()))

    def read_only(self):
        refusal = self.object.workflow_refusal(WorkflowStep.CORRECT, self.request.user)
        messages.info(self.request, refusal or "This record cannot be corrected now.")
        return redirect("workspace:decision-detail", self.object.reference)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_summary"] = context["error_summary"] + error_summary(
            kwargs.get("correction")
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            with transaction.atomic():
                self.object = self.lock(self.object, Decision.objects.select_related("template"))
                if self.object is None:
                    raise Http404("No decision has that reference.")
                if not self.may_change():
                    return self.read_only()
                response = self.save_if_current(self.forms(request.POST), self.save_if_valid)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect("workspace:decision-detail", self.object.reference)
        except (IntegrityError, ValidationError) as error:
            # A rule between fields of two of the page's forms (the date received, on the
            # details, against the date of decision, on the correction) that neither form
            # checks alone: nothing was saved (the transaction is rolled back).
            problem = (
                " ".join(error.messages)
                if isinstance(error, ValidationError)
                else "its dates do not fit together: it cannot be decided before it was received."
            )
            messages.error(request, f"The record was not changed: {problem}")
            return redirect(request.path)
        if response.status_code == 302:
            messages.success(request, f"{self.object.reference} has been changed.")
        return response

    def save_if_valid(self, forms: dict):
        correction = forms["correction"]
        if not correction.is_valid():
            for name in ("details", "sections", "links", "decision_links"):
                forms[name].is_valid()  # so that every form shows its own errors too
            return None
        if (
            not correction.date_changed
            and not any(
                form.has_changed()
                for name, form in forms.items()
                if name in ("details", "links", "decision_links")
            )
            and not any(form.has_changed() for form in forms["sections"].forms)
        ):
            correction.add_error(None, "Nothing has changed: change the record, or cancel")
            return None
        return super().save_if_valid(forms)

    def after_save(self, decision: Decision) -> None:
        correction = self.forms_correction
        data = correction.cleaned_data
        if correction.date_changed:
            decision.decided_on = data["decided_on"]
            decision._history_user = self.request.user
            decision.full_clean(validate_unique=False)
            decision.save()
        if data["kind"] == CORRECTION:
            decision.correct_transcription(by=self.request.user, reason=data["reason"])
        else:
            decision.change_substance(by=self.request.user, reason=data["reason"])

    def save(self, forms) -> None:
        self.forms_correction = forms["correction"]
        super().save(forms)
