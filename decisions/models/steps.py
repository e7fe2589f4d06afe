"""The sign-off workflow as one table: the statuses a decision passes through, and one row per
step between them.

Each row says who may take the step (the permission it needs, and whether the decision's
author or a delegate may take it without that permission), the signer's capacity for a step
that signs, where the step may be taken from and the status it leads to, and its words: the
verb ("cannot be signed off now"), the phrase for the record ("signed it off as the
Treasurer"), whom a decision waiting for it waits for, and its button.

A decision travels one road, `ROAD`: submitted, signed off by the Treasurer, commented on by
the Monitoring Officer, approved by the Chief Officer when it is force business, decided, and
published. Its form may leave out the sign-offs (`needed_when`), and a left-out sign-off is
passed by. The model's `next_step`, its refusals and the dashboard queue
(`DecisionQuerySet.awaiting`) are all read from this table.
"""

from dataclasses import dataclass
from enum import Enum
from functools import reduce
from operator import and_

from django.db import models
from django.db.models import Q

from commissioning.permissions import holds_permission
from commissioning.roles import Role, holds_delegation


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for sign-off"
    SIGNED_OFF = "signed_off", "Signed off by the Treasurer"
    COMMENTED = "commented", "Commented on by the Monitoring Officer"
    CHIEF_APPROVED = "chief_approved", "Approved by the Chief Officer"
    APPROVED = "approved", "Approved and signed"
    NOT_APPROVED = "not_approved", "Not approved"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn from publication"
    SUPERSEDED = "superseded", "Superseded"


# Statuses in sign-off, in order; and statuses once decided.
IN_FLIGHT = (
    DecisionStatus.SUBMITTED,
    DecisionStatus.SIGNED_OFF,
    DecisionStatus.COMMENTED,
    DecisionStatus.CHIEF_APPROVED,
)
DECIDED = (
    DecisionStatus.APPROVED,
    DecisionStatus.NOT_APPROVED,
    DecisionStatus.PUBLISHED,
    DecisionStatus.WITHDRAWN,
    DecisionStatus.SUPERSEDED,
)


class WorkflowStep(models.TextChoices):
    SUBMIT = "submit", "Submitted for sign-off"
    SIGN_OFF = "sign_off", "Signed off by the Treasurer"
    COMMENT = "comment", "Commented on by the Chief Executive and Monitoring Officer"
    APPROVE_FORCE_BUSINESS = "approve_force_business", "Approved by the Chief Officer"
    APPROVE = "approve", "Approved and signed"
    DECLINE = "decline", "Not approved"
    RETURN_TO_DRAFT = "return_to_draft", "Returned to draft"
    EDIT = "edit", "Edited after signing"
    PUBLISH = "publish", "Published"
    WITHDRAW = "withdraw", "Withdrawn from publication"
    SUPERSEDE = "supersede", "Superseded"
    RECORD = "record", "Recorded from the office's signed record"
    CORRECT = "correct", "Corrected"


class WorkflowOutcome(models.TextChoices):
    ALLOWED = "allowed", "Done"
    REFUSED = "refused", "Refused"


class Queue(Enum):
    """Whose dashboard queue ("Waiting for you") holds a decision waiting for a step."""

    NOBODY = "nobody"
    TAKERS = "takers"  # whoever may take the step (as the signer, for a step that signs)
    AUTHOR = "author"  # the decision's author, whoever takes it
    AUTHOR_ONCE_RETURNED = "returned"  # the author, once the decision has been sent back


SIGNER_PERMISSIONS = (
    "decisions.sign_off_decision",
    "decisions.comment_on_decision",
    "decisions.approve_force_business",
    "decisions.decide_decision",
)


@dataclass(frozen=True)
class StepSpec:
    """One step of the sign-off workflow: everything the code says about it, in one row."""

    step: WorkflowStep
    # Who may take it: a user holding one of `permissions`; also the decision's author when
    # `author_may`, and an officer holding a delegation when `delegate_may` (the one case
    # outside Django's permissions). `refusal` says so to anyone else.
    permissions: tuple[str, ...]
    refusal: str
    author_may: bool = False
    delegate_may: bool = False
    # For a step that signs, the capacity the signature records: a user needs the role as
    # well as the permission (an administrator holds every permission but no role).
    role: Role | None = None
    signs: bool = False
    # Separation of duties: why the author may not take it ("" when they may). Every step
    # that signs refuses the author: no one signs off or decides their own decision.
    author_refused: str = ""
    # Where it may be taken. A step on the road: when the decision waits for `waits_for` (the
    # step itself, or the one it is taken instead of). Any step: from `from_statuses`.
    waits_for: WorkflowStep | None = None
    from_statuses: tuple[DecisionStatus, ...] = ()
    # A sign-off a form may leave out: the fields (from the decision) that must all be true
    # for it to be needed.
    needed_when: tuple[str, ...] = ()
    status_after: DecisionStatus | None = None
    # Its words: "This decision cannot be {verb} now", "{actor} {event_phrase} on {when}",
    # "{waiting_for}." while the decision waits for it, and what the status after it is
    # ("it is published") when a later step is refused.
    verb: str = ""
    event_phrase: str = ""
    waiting_for: str = ""
    status_in_words: str = ""
    # Its button on the decision page ("" for none), its GOV.UK style ("", "secondary" or
    # "warning"), and the page it leads to when that is not the step's own page.
    label: str = ""
    style: str = ""
    page: str = ""
    # Whose dashboard queue holds a decision waiting for it (for a step on the road).
    queue: Queue = Queue.NOBODY

    def __post_init__(self) -> None:
        # Separation of duties, for every step: no one signs their own decision.
        if self.signs and not self.author_refused:
            raise ValueError(f"The step {self.step} signs, so it must refuse the author.")

    def may(self, user, decision=None) -> bool:
        """Whether `user` may take this step at all: the permission question, asked by the
        step's page and by the model alike. The model then asks what only the decision can
        answer (its status, the signer's capacity, separation of duties)."""
        if not getattr(user, "is_authenticated", False):
            return False
        if any(holds_permission(user, permission) for permission in self.permissions):
            return True
        if self.author_may and decision is not None and user.pk == decision.author_id:
            return True
        return self.delegate_may and holds_delegation(user)

    def needed(self, decision) -> bool:
        """Whether the decision's form (and the decision) needs this step."""
        return all(_follow(decision, path) for path in self.needed_when)

    def needed_q(self) -> Q:
        return Q(**{path: True for path in self.needed_when})

    @property
    def url_name(self) -> str:
        return self.page or "workspace:workflow-" + self.step.replace("_", "-")


def _follow(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name)
    return obj


def _only_the(role: Role) -> str:
    return f"Only the {role.label} can do this."


ONLY_AN_OFFICER = "Only a commissioning officer can do this."
ONLY_A_DECISION_MAKER = (
    "Only the Police and Crime Commissioner, or an officer acting under a delegation, can decide."
)
PUBLISHER = ("decisions.publish_decision",)
RECORDER = ("decisions.record_decided",)
ONLY_A_RECORDER = (
    "Recording or correcting decisions already taken needs the permission to do so: an "
    "administrator gives it to named officers."
)
Status = DecisionStatus
Step = WorkflowStep

STEPS: dict[str, StepSpec] = {
    spec.step: spec
    for spec in (
        StepSpec(
            Step.SUBMIT,
            permissions=("decisions.change_decision",),
            author_may=True,
            refusal="Only its author or a commissioning officer can submit a decision.",
            waits_for=Step.SUBMIT,
            status_after=Status.SUBMITTED,
            verb="submitted for sign-off",
            event_phrase="submitted it for sign-off",
            waiting_for="Waiting to be submitted for sign-off",
            label="Submit for sign-off",
            queue=Queue.AUTHOR_ONCE_RETURNED,
        ),
        StepSpec(
            Step.SIGN_OFF,
            permissions=("decisions.sign_off_decision",),
            refusal=_only_the(Role.TREASURER),
            role=Role.TREASURER,
            signs=True,
            author_refused="You wrote this decision, so you cannot sign it off as the Treasurer.",
            waits_for=Step.SIGN_OFF,
            needed_when=("template__requires_treasurer",),
            status_after=Status.SIGNED_OFF,
            verb="signed off",
            event_phrase="signed it off as the Treasurer",
            waiting_for="Waiting for the Treasurer to sign it off",
            label="Sign off",
            queue=Queue.TAKERS,
        ),
        StepSpec(
            Step.COMMENT,
            permissions=("decisions.comment_on_decision",),
            refusal=_only_the(Role.MONITORING_OFFICER),
            role=Role.MONITORING_OFFICER,
            signs=True,
            author_refused=(
                "You wrote this decision, so you cannot comment on it as the Chief Executive "
                "and Monitoring Officer."
            ),
            waits_for=Step.COMMENT,
            needed_when=("template__requires_monitoring_officer",),
            status_after=Status.COMMENTED,
            verb="commented on",
            event_phrase="added comments as the Chief Executive and Monitoring Officer",
            waiting_for="Waiting for comments from the Chief Executive and Monitoring Officer",
            label="Add comments and pass on",
            queue=Queue.TAKERS,
        ),
        StepSpec(
            Step.APPROVE_FORCE_BUSINESS,
            permissions=("decisions.approve_force_business",),
            refusal=_only_the(Role.CHIEF_OFFICER),
            role=Role.CHIEF_OFFICER,
            signs=True,
            author_refused=(
                "You wrote this decision, so you cannot approve it as the Chief Officer."
            ),
            waits_for=Step.APPROVE_FORCE_BUSINESS,
            needed_when=(
                "is_force_business",
                "template__requires_chief_officer_for_force_business",
            ),
            status_after=Status.CHIEF_APPROVED,
            verb="approved by the Chief Officer",
            event_phrase="approved it as the Chief Officer",
            waiting_for="Waiting for the Chief Officer to approve it",
            label="Approve",
            queue=Queue.TAKERS,
        ),
        StepSpec(
            Step.APPROVE,
            permissions=("decisions.decide_decision",),
            delegate_may=True,
            refusal=ONLY_A_DECISION_MAKER,
            role=Role.COMMISSIONER,
            signs=True,
            author_refused="You wrote this decision, so you cannot decide it.",
            waits_for=Step.APPROVE,
            status_after=Status.APPROVED,
            verb="approved",
            event_phrase="approved and signed it",
            waiting_for="Waiting for the Police and Crime Commissioner to decide",
            status_in_words="it has been approved and signed",
            label="Approve and sign",
            queue=Queue.TAKERS,
        ),
        StepSpec(
            Step.DECLINE,
            permissions=("decisions.decide_decision",),
            delegate_may=True,
            refusal=ONLY_A_DECISION_MAKER,
            role=Role.COMMISSIONER,
            signs=True,
            author_refused="You wrote this decision, so you cannot decide it.",
            waits_for=Step.APPROVE,
            status_after=Status.NOT_APPROVED,
            verb="turned down",
            event_phrase="decided not to approve it",
            status_in_words="it was not approved",
            label="Do not approve",
            style="warning",
        ),
        StepSpec(
            Step.RETURN_TO_DRAFT,
            permissions=SIGNER_PERMISSIONS,
            author_may=True,
            delegate_may=True,
            refusal="Only its author or one of its signers can return a decision to draft.",
            from_statuses=IN_FLIGHT,
            status_after=Status.DRAFT,
            verb="returned to draft",
            event_phrase="returned it to draft",
            status_in_words="it is a draft",
            label="Return to draft",
            style="secondary",
        ),
        StepSpec(
            # Who may edit is the editor's question: this step only records an edit of
            # signed content (Decision.content_edited).
            Step.EDIT,
            permissions=(),
            refusal="",
            from_statuses=tuple(DecisionStatus),
            verb="edited",
            event_phrase="edited it after it was signed",
        ),
        StepSpec(
            Step.PUBLISH,
            permissions=PUBLISHER,
            refusal=ONLY_AN_OFFICER,
            waits_for=Step.PUBLISH,
            from_statuses=(Status.WITHDRAWN,),
            status_after=Status.PUBLISHED,
            verb="published",
            event_phrase="published it",
            waiting_for="Waiting to be published",
            status_in_words="it is published",
            # The officer first sees the record exactly as the public will.
            label="Publish",
            page="workspace:decision-publish",
            queue=Queue.AUTHOR,
        ),
        StepSpec(
            Step.WITHDRAW,
            permissions=PUBLISHER,
            refusal=ONLY_AN_OFFICER,
            from_statuses=(Status.PUBLISHED,),
            status_after=Status.WITHDRAWN,
            verb="withdrawn from publication",
            event_phrase="withdrew it from publication",
            status_in_words="it has been withdrawn from publication",
            label="Withdraw from publication",
            style="warning",
        ),
        StepSpec(
            Step.SUPERSEDE,
            permissions=PUBLISHER,
            refusal=ONLY_AN_OFFICER,
            from_statuses=(Status.APPROVED, Status.PUBLISHED, Status.WITHDRAWN),
            status_after=Status.SUPERSEDED,
            verb="marked as superseded",
            event_phrase="marked it as superseded",
            status_in_words="it has been superseded",
            label="Mark as superseded",
            style="secondary",
        ),
        StepSpec(
            # A decision taken outside the register (on paper, signed in ink), recorded from
            # the office's signed record: its signatures are recorded as they were given.
            Step.RECORD,
            permissions=RECORDER,
            refusal=ONLY_A_RECORDER,
            from_statuses=(Status.DRAFT,),
            status_after=Status.APPROVED,
            verb="recorded as decided",
            event_phrase="recorded it from the office's signed record",
            label="Record as a decision already taken",
            style="secondary",
            page="workspace:decision-record-decided",
        ),
        StepSpec(
            # A decided record corrected: a transcription fix against the signed original
            # (its paper signatures stand), or a change of substance (the signatures it
            # touches are voided, and the record goes back through their steps).
            Step.CORRECT,
            permissions=RECORDER,
            refusal=ONLY_A_RECORDER,
            from_statuses=DECIDED,
            verb="corrected",
            event_phrase="corrected it",
            label="Correct the record",
            style="secondary",
            page="workspace:decision-correct",
        ),
    )
}

# The road, in order. It starts at a draft; each step on it is taken from the status the
# last step taken left, the sign-offs a form leaves out being passed by.
ROAD_STARTS_AT = DecisionStatus.DRAFT
ROAD = tuple(
    STEPS[step]
    for step in (
        Step.SUBMIT,
        Step.SIGN_OFF,
        Step.COMMENT,
        Step.APPROVE_FORCE_BUSINESS,
        Step.APPROVE,
        Step.PUBLISH,
    )
)
# The sign-offs a form may ask for before the decision is made.
SIGN_OFFS = tuple(spec for spec in ROAD if spec.needed_when)
# The buttons on the decision page, in the order shown.
OFFERED = tuple(spec.step for spec in STEPS.values() if spec.label)
# How a status is described when a step is refused at it (the statuses in sign-off are
# described by whom they wait for).
STATUS_IN_WORDS = {
    spec.status_after: spec.status_in_words for spec in STEPS.values() if spec.status_in_words
}


def _road_position(status: str) -> int | None:
    """How far along the road a decision at `status` is: the index of the step that led to
    it (-1 for a draft), or None off the road (not approved, withdrawn, superseded)."""
    if status == ROAD_STARTS_AT:
        return -1
    return next((i for i, spec in enumerate(ROAD) if spec.status_after == status), None)


def next_on_road(decision) -> WorkflowStep | None:
    """The step the decision waits for, or None once nothing more is expected of it."""
    position = _road_position(decision.status)
    if position is None:
        return None
    for spec in ROAD[position + 1 :]:
        if spec.needed(decision):
            return spec.step
    return None


def waiting_q(step: WorkflowStep) -> Q:
    """The decisions waiting for `step`, as a filter: the SQL of `next_on_road`."""
    index = next(i for i, spec in enumerate(ROAD) if spec.step == step)
    if index == 0:
        return Q(status=ROAD_STARTS_AT)
    waiting = Q(pk__in=[])
    passed_by: list[Q] = []  # the sign-offs between the status and the step, left out
    for earlier in reversed(ROAD[:index]):
        waiting |= reduce(and_, passed_by, Q(status=earlier.status_after))
        if not earlier.needed_when:
            break  # never passed by: no earlier status waits for this step
        passed_by.append(~earlier.needed_q())
    return waiting & ROAD[index].needed_q()
