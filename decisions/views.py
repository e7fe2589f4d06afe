from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from decisions.models import Decision
from decisions.publication import public_record


def public_detail(request: HttpRequest, reference: str) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.published().with_form(), reference=reference)
    return render(request, "decisions/public_detail.html", {"record": public_record(decision)})
