"""Where a decision stands on its road, for staff: the step indicator
(templates/workflow/_steps.html) and the action a dashboard entry leads to.

Both are read from the table of steps (decisions/models/steps.py), so a form that leaves
out a sign-off leaves it out of the indicator too.
"""

import datetime
from dataclasses import dataclass

from django import template
from django.db.models import Max
from django.urls import reverse

from commissioning.history import Version, versions
from decisions.models import (
    ROAD,
    STEPS,
    Decision,
    DecisionStatus,
    Exemption,
    Signature,
    WorkflowEvent,
    WorkflowOutcome,
    WorkflowStep,
)

register = template.Library()


@dataclass(frozen=True)
class RoadStep:
    name: str  # who takes it, or what it is: "Treasurer", "Published"
    state: str  # "done", "current", "to do" or "not taken"
    words: str  # the state in words, which the page shows: colour only repeats them


STATE_WORDS = {"done": "Done", "current": "Now", "to do": "Not yet", "not taken": "Not taken"}


def step_name(step: WorkflowStep) -> str:
    spec = STEPS[step]
    if spec.role is not None:
        return spec.role.label
    return "Submitted" if step == WorkflowStep.SUBMIT else spec.step.label


def _steps_done(decision: Decision, needed: list) -> int:
    """How many of the needed steps on the road the decision has passed."""
    if decision.status == DecisionStatus.DRAFT:
        return 0
    for index, spec in enumerate(needed):
        if spec.status_after == decision.status:
            return index + 1
    # Off the road: decided without approval (every sign-off before it done), or withdrawn
    # or superseded (published or not, as its date of publication says).
    if decision.status == DecisionStatus.NOT_APPROVED:
        return len(needed) - 1
    return len(needed) - (0 if decision.published_on else 1)


@register.simple_tag
def road_of(decision: Decision) -> list[RoadStep]:
    """{% road_of decision as road %}: the steps this decision's form needs, in order, each
    done, current (the one it waits for), still to do, or not taken (the rest of the road of
    a decision that left it: not approved, or superseded before it was published)."""
    needed = [spec for spec in ROAD if spec.needed(decision)]
    done = _steps_done(decision, needed)
    waiting = decision.next_step
    road = []
    for index, spec in enumerate(needed):
        words = ""
        if index < done:
            state = "done"
            if spec.step == WorkflowStep.APPROVE and decision.status == DecisionStatus.NOT_APPROVED:
                words = "Not approved"
        elif spec.step == waiting:
            state = "current"
        elif waiting is None:
            state = "not taken"
        else:
            state = "to do"
        road.append(RoadStep(step_name(spec.step), state, words or STATE_WORDS[state]))
    return road


@dataclass(frozen=True)
class Action:
    url: str
    label: str


@register.simple_tag
def action_for(decision: Decision) -> Action:
    """{% action_for decision as action %}: where a decision waiting for the user leads from
    the dashboard. A decision returned to its author opens in the editor; one waiting for a
    sign-off opens that step's confirmation page; one waiting to be decided opens its page,
    where both "Approve and sign" and "Do not approve" are; one approved opens the preview
    before publishing."""
    step = decision.next_step
    reference = decision.reference
    if step == WorkflowStep.SUBMIT:
        return Action(reverse("workspace:decision-edit", args=[reference]), "Make the changes")
    if step is None or step == WorkflowStep.APPROVE:
        return Action(reverse("workspace:decision-detail", args=[reference]), "Decide")
    spec = STEPS[step]
    return Action(reverse(spec.url_name, args=[reference]), spec.label)


@dataclass(frozen=True)
class Signing:
    """What a sign-off page shows of the content being signed."""

    content: dict  # decisions.workflow.signed_content: what the fingerprint covers
    last_seen: datetime.datetime | None  # when this user last took a step on the decision
    changes: list[Version]  # what changed in the content since


def last_seen_by(decision: Decision, user) -> datetime.datetime | None:
    """When `user` last signed the decision or took a step on it (returned it, for one): the
    last time the sign-off pages showed them its content."""
    signed = Signature.objects.filter(decision=decision, user=user).aggregate(last=Max("signed_at"))
    acted = WorkflowEvent.objects.filter(
        decision=decision, actor=user, outcome=WorkflowOutcome.ALLOWED
    ).aggregate(last=Max("at"))
    moments = [moment for moment in (signed["last"], acted["last"]) if moment is not None]
    return max(moments, default=None)


@register.simple_tag
def what_you_sign(decision: Decision, user) -> Signing:
    """{% what_you_sign decision user as signing %}: the content the step's fingerprint
    covers, and, for someone who has seen the decision at an earlier step, what changed in it
    since. Staff read withheld text here, so the read is kept in the audit log, as on the
    decision's page."""
    from decisions.internal_views import record_withheld_read
    from decisions.workflow import signed_content
    from decisions.workflow_views import content_tracks

    record_withheld_read(
        "read.withheld_sections", user, decision, decision.sections.only("pk", "is_withheld")
    )
    last_seen = last_seen_by(decision, user)
    changes = []
    if last_seen is not None:
        changes = [
            version
            for version in versions(content_tracks(decision))
            if version.when > last_seen and version.changes
        ]
    content = signed_content(decision)
    exemptions = dict(Exemption.choices)
    for section in content["sections"]:
        section["exemption_words"] = section["exemption_other"] or exemptions.get(
            section["exemption"], ""
        )
    return Signing(content, last_seen, changes)
