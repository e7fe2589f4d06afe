"""The editor's unsaved changes, kept on the server (decisions.models.EditorDraft).

The editor's script posts the form here every so often; the editor offers the last copy back
to its author, who restores or discards it. Only officers may edit, and each sees only their
own copy: the queries are by the signed-in user, so another officer's copy is never found.
Every answer says `no-store`: the copy may hold withheld text, and no cache, shared or the
browser's own, should keep it.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.views import View

from commissioning.permissions import OfficerRequiredMixin
from decisions.models import EditorDraft
from decisions.workspace_views import decision_or_404, is_editable

# The form's own bookkeeping, not what the officer typed.
NOT_KEPT = {"csrfmiddlewaretoken", "version"}


def version_of(request: HttpRequest) -> str:
    """The version the editor was opened on, as posted. One that is not a version token (too
    long, or with a NUL) is kept as none: a save of the restored text is then refused as
    stale, as any save without a version is."""
    version = request.POST.get("version", "")
    return "" if len(version) > MAX_VERSION or "\x00" in version else version


MAX_VERSION = EditorDraft._meta.get_field("version").max_length or 0


class AutosaveView(OfficerRequiredMixin, View):
    """POST: keep the editor's fields as they are now, for the signed-in officer. 204 No
    Content; 409 once the decision can no longer be edited; 400 for text no database keeps."""

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        decision = decision_or_404(reference)
        fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
        if not is_editable(decision):
            response = HttpResponse("This decision can no longer be edited.", status=409)
        elif any(
            "\x00" in name or any("\x00" in value for value in values)
            for name, values in fields.items()
        ):
            # No database keeps a NUL in text, and no one types one: the editor refuses it too.
            response = HttpResponse("The text holds a null character.", status=400)
        else:
            EditorDraft.objects.update_or_create(
                decision=decision,
                author=request.user,
                defaults={"fields": fields, "version": version_of(request)},
            )
            response = HttpResponse(status=204)
        add_never_cache_headers(response)
        return response


class DiscardView(OfficerRequiredMixin, View):
    """POST: forget the signed-in officer's unsaved changes, back to the editor."""

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        decision = decision_or_404(reference)
        EditorDraft.objects.filter(decision=decision, author=request.user).delete()
        messages.info(request, "Your unsaved changes have been discarded.")
        response = redirect("workspace:decision-edit", decision.reference)
        add_never_cache_headers(response)
        return response
