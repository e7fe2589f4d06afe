"""The public addresses of a decision, its PDF and appendices, and a contract's page."""

from django.urls import get_script_prefix, get_urlconf, reverse

from commissioning.speed.reversing import reference_path


def decision_url(reference: str) -> str:
    return reference_path("decisions:detail", reference, get_script_prefix(), get_urlconf())


def decision_pdf_url(reference: str) -> str:
    return reference_path("decisions:pdf", reference, get_script_prefix(), get_urlconf())


def contract_url(reference: str) -> str:
    """The contract's own page on the public contract register."""
    return reverse("contracts:detail", args=[reference])


def appendix_url(reference: str, appendix_id: int) -> str:
    return reverse("decisions:appendix", kwargs={"reference": reference, "pk": appendix_id})
