"""Template tags for the sign-off workflow panel (templates/workflow/_panel.html)."""

import datetime

from django import template

from decisions.models import DecisionStatus
from decisions.workflow import Panel, in_words, panel_for

register = template.Library()

STATUS_TAG_CLASSES = {
    DecisionStatus.DRAFT: "govuk-tag--grey",
    DecisionStatus.SUBMITTED: "govuk-tag--blue",
    DecisionStatus.SIGNED_OFF: "govuk-tag--blue",
    DecisionStatus.COMMENTED: "govuk-tag--blue",
    DecisionStatus.CHIEF_APPROVED: "govuk-tag--blue",
    DecisionStatus.APPROVED: "govuk-tag--green",
    DecisionStatus.NOT_APPROVED: "govuk-tag--red",
    DecisionStatus.PUBLISHED: "govuk-tag--green",
    DecisionStatus.WITHDRAWN: "govuk-tag--orange",
    DecisionStatus.SUPERSEDED: "govuk-tag--grey",
}


@register.simple_tag
def workflow_panel_for(decision, user) -> Panel:
    """{% workflow_panel_for decision user as panel %}: what the panel shows this user."""
    return panel_for(decision, user)


@register.filter
def when(moment: datetime.datetime | None) -> str:
    """'15 June 2022 at 2:05pm'."""
    return in_words(moment) if moment else ""


@register.filter
def signed_when(signature) -> str:
    """When a signature was given: '15 June 2022 at 2:05pm' for one signed in the register,
    the day alone for one recorded from a signed record, whose record gives no time."""
    if signature.dated_to_the_day:
        return f"{signature.signed_on.day} {signature.signed_on:%B %Y}"
    return when(signature.signed_at)


@register.filter
def status_tag_class(status: str) -> str:
    return STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")
