"""Staff views of publication: the internal PDF, publishing with its preview, and releasing
a withheld part once its reason has lapsed.

Publishing is a workflow step like the others (its row in decisions.models.steps): the
decision page's "Publish" button leads here, where the officer sees exactly what the public
will see, the page and the PDF, both built from the public record, and confirms. Who may is
the step's own question (`StepSpec.may`), and the step itself is `Decision.publish`; this
view only asks for it and reports what it says.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from commissioning import audit
from commissioning.middleware import service_unavailable
from commissioning.permissions import can_edit, staff_required
from decisions.models import STEPS, Appendix, Decision, DecisionSection, WorkflowStep
from decisions.pdf import PdfUnavailable, internal_pdf, pdf_filename, public_pdf
from decisions.publication import public_record, release_appendix, release_section


def _messages_of(error: ValidationError) -> list[str]:
    return list(error.messages) or ["This decision cannot be published now."]


def _decision(reference: str) -> Decision:
    return get_object_or_404(Decision.objects.with_form(), reference=reference)


def staff_pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A PDF for staff, shown in the browser and never kept by a cache on the way."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@staff_required
def internal_decision_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The whole record, withheld parts included, marked on every page as not for publication."""
    decision = _decision(reference)
    try:
        pdf = internal_pdf(decision, record=public_record(decision))
    except PdfUnavailable:
        return service_unavailable()
    record_withheld_read("read.internal_pdf", request.user, decision, decision.sections.all())
    return staff_pdf_response(pdf, pdf_filename(decision.reference, suffix="-internal"))


def record_withheld_read(action: str, user, decision: Decision, sections) -> None:
    """Who read withheld text, and when, is kept in the audit log. Reads of a decision with
    nothing withheld in it are not, so that the log stays readable."""
    withheld = [section for section in sections if section.is_withheld]
    if withheld:
        audit.record(
            action,
            actor=user,
            obj=decision,
            details={
                "reference": decision.reference,
                "withheld_sections": [
                    {"id": section.pk, "exemption": section.exemption} for section in withheld
                ],
            },
        )


@require_safe
@staff_required
def publish_preview_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    """The public PDF as it will be once the decision is published.

    Not recorded in the audit log: it is built from the public record, so it holds nothing
    withheld.
    """
    decision = _decision(reference)
    try:
        pdf = public_pdf(public_record(decision))
    except PdfUnavailable:
        return service_unavailable()
    return staff_pdf_response(pdf, pdf_filename(decision.reference, suffix="-preview"))


PUBLISHING = STEPS[WorkflowStep.PUBLISH]


def refusal(decision: Decision, user) -> str:
    """Why this user cannot publish this decision now, or "" when they can."""
    return decision.workflow_refusal(PUBLISHING.step, user) or ""


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    decision = _decision(reference)
    may_publish = PUBLISHING.may(request.user, decision)
    errors: list[str] = []
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied("Only commissioning officers and administrators publish.")
        try:
            # The step guards itself (status, permission) and raises WorkflowError, a
            # ValidationError, when publishing is not allowed now.
            decision.publish(by=request.user)
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            messages.success(request, f"Decision {decision.reference} is published.")
            return redirect(decision.get_absolute_url())
        decision = _decision(reference)
    record = public_record(decision)
    return render(
        request,
        "public/publish_preview.html",
        {
            "decision_reference": decision.reference,
            "record": record,
            "errors": errors,
            "refusal": "" if not may_publish else refusal(decision, request.user),
            "may_publish": may_publish,
        },
        status=400 if errors else 200,
    )


RELEASABLE = {"section": DecisionSection, "appendix": Appendix}


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def release(request: HttpRequest, reference: str, kind: str, pk: int) -> HttpResponse:
    """Release a withheld section or appendix of a published decision: a recorded step that
    republishes the record. Officers and administrators confirm it; other staff may look."""
    model = RELEASABLE[kind]
    part = get_object_or_404(model, pk=pk, decision__reference=reference)
    may_release = can_edit(request.user)
    errors: list[str] = []
    if request.method == "POST":
        if not may_release:
            raise PermissionDenied("Only commissioning officers and administrators release.")
        try:
            # The step records itself in the audit log, a refusal included.
            (release_section if kind == "section" else release_appendix)(part, by=request.user)
        except ValidationError as error:
            errors = _messages_of(error)
        else:
            messages.success(request, f"“{part}” is released and the record republished.")
            return redirect(part.decision.get_absolute_url())
    return render(
        request,
        "public/release_confirm.html",
        {
            "part": part,
            "kind": kind,
            "decision": part.decision,
            "errors": errors,
            "may_release": may_release,
            "is_due": bool(part.release_on and part.release_on <= timezone.localdate()),
        },
        status=400 if errors else 200,
    )
