"""The sign-off workflow's behaviour, which `Decision` takes from the two mixins here:

- `SignOffRules`: where the decision is on its road, and who may take which step now;
- `SignOffSteps`: one method per step, each taking it through `_take_step`.

Both read the table in `decisions.models.steps`; `awaiting_q` reads it too, for the dashboard
queue. Each step locks the row, checks the status and the actor (and, when confirmed on a
page, that the content is still what the page showed: `seen`), and records the step (with
a signature for each sign-off and for the decision) in one transaction; whoever acts next is
e-mailed once that has committed. A step not allowed now raises WorkflowError, and the
refused attempt is recorded too, after the rollback.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from commissioning.constraints import changed_fields, field_values, validate_constraints_touching
from commissioning.roles import Role, has_role, holds_delegation
from decisions.models.layout import RecordLayout
from decisions.models.parts import CommentRole, DecisionLink, LinkKind, StatutoryComment
from decisions.models.steps import (
    IN_FLIGHT,
    ROAD,
    SIGN_OFFS,
    STATUS_IN_WORDS,
    STEPS,
    DecisionStatus,
    Queue,
    StepSpec,
    WorkflowOutcome,
    WorkflowStep,
    next_on_road,
    waiting_q,
)
from decisions.models.workflow import (
    Delegation,
    Signature,
    WorkflowEvent,
    person_name,
)
from decisions.workflow import (
    CONTENT_FORMAT,
    DECISION_FORMAT,
    ContentChanged,
    WorkflowError,
    content_hash,
    delegation_refusal,
    in_words,
    notifications_on,
    notify_after_step,
    now,
    signature_matches,
    today,
)

# The steps whose signature binds the date of decision and the decision maker's name as well
# as the content (DECISION_FORMAT): what their confirmation page shows is what is signed.
BINDS_THE_DECISION = frozenset({WorkflowStep.APPROVE})


def signed_format(step: str) -> int:
    """The shape of the content a signature at `step` vouches for."""
    return DECISION_FORMAT if step in BINDS_THE_DECISION else CONTENT_FORMAT


def _road_index(step: str) -> int:
    """Where a signing step stands on the road (not approving stands where approving does)."""
    if step == WorkflowStep.DECLINE:
        step = WorkflowStep.APPROVE
    return next(i for i, spec in enumerate(ROAD) if spec.step == step)


def holds_capacity(spec: StepSpec, user) -> bool:
    """Whether `user` holds the role a step that signs is signed in. Deciding under a
    delegation is checked against the decision (`SignOffRules.covering_delegation`)."""
    return spec.role is None or has_role(user, spec.role)


class SignOffRules:
    """Where a decision is in its sign-off, and who may take which step now."""

    @property
    def sign_off_steps(self) -> list[str]:
        """The sign-offs this decision needs before it is decided, as its form says."""
        return [spec.step for spec in SIGN_OFFS if spec.needed(self)]

    @property
    def next_step(self) -> str | None:
        """The step the decision waits for: a WorkflowStep (APPROVE stands for deciding)."""
        return next_on_road(self)

    @property
    def waiting_for(self) -> str:
        """Whom the decision waits for, in words ('' once nothing more is expected)."""
        step = self.next_step
        return STEPS[step].waiting_for if step else ""

    @property
    def edit_voids_signatures(self) -> bool:
        """True when editing the content now would return the record to draft and void its
        signatures: the workspace editor warns before such an edit."""
        return self.status in IN_FLIGHT and self.signatures.filter(voided_at__isnull=True).exists()

    @property
    def content_is_locked(self) -> bool:
        """True once decided: the content is what was signed and is not edited any more."""
        return self.status in self.DECIDED

    def content_matches_signatures(self) -> bool:
        """Whether every live signature still matches the content as it is now."""
        hashes: dict[int, str] = {}
        return all(
            signature_matches(signature, self, hashes=hashes)
            for signature in self.signatures.filter(voided_at__isnull=True)
        )

    def confirmation_fingerprint(self, step: str) -> str:
        """The fingerprint a step's confirmation page shows and the step checks: of what the
        signer signs at that step (`signed_format`)."""
        return content_hash(self, content_format=signed_format(step))

    def step_is_open(self, step: str) -> bool:
        """Whether `step` can be taken at this point in the decision's life by anyone at all.
        `workflow_refusal` refuses every step that is not open, whoever asks; the workflow
        panel asks this first, so it only works out who may take the steps that are open."""
        spec = _spec(step)
        if spec.waits_for is not None and self.next_step == spec.waits_for:
            return True
        return self.status in spec.from_statuses

    def workflow_refusal(self, step: str, user) -> str | None:
        """Why `user` may not take `step` on this decision now, or None if they may.

        In order: whether they may take the step at all (its permission, as the step's page
        asks too) and in the capacity it is taken in; whether it is open now; and then the
        separation of duties."""
        if user is None or not getattr(user, "is_authenticated", False):
            return "Sign in to do this."
        spec = _spec(step)
        if step == WorkflowStep.EDIT:
            return None  # who may edit is the editor's question; this step only records it
        if not spec.may(user, self) or not self._in_capacity(spec, user):
            return spec.refusal
        if not self.step_is_open(step):
            return self._not_now(step)
        return self._duty_refusal(spec, user)

    def _in_capacity(self, spec: StepSpec, user) -> bool:
        """Whether the user may take the step on this decision in the capacity it needs."""
        if spec.step == WorkflowStep.RETURN_TO_DRAFT:
            return self._is_signer_or_author(user)
        if holds_capacity(spec, user):
            return True
        return spec.delegate_may and bool(self._delegations_of(user))

    def _duty_refusal(self, spec: StepSpec, user) -> str | None:
        """Separation of duties: the author does not sign off or decide their own decision,
        one person gives one sign-off, and a delegate decides only what the delegation
        covers."""
        if spec.author_refused and user.pk == self.author_id:
            return spec.author_refused
        if not spec.signs:
            return None
        if holds_capacity(spec, user):
            return self._second_signature_refusal(user)
        delegations = self._delegations_of(user)
        refusal = self._second_signature_refusal(user, delegations)
        return refusal or self._delegation_refusal(user, delegations)

    def _delegations_of(self, user) -> list[Delegation]:
        """The delegations `user` holds, with their categories. The workflow panel asks about
        several steps at once; while it does, the list is read once (see `workflow_memo`)."""
        if getattr(user, "_holds_delegation", None) is False:
            return []  # read with the user for the request (commissioning.roles)
        memo = getattr(self, "_workflow_memo", None)
        if memo is not None and ("delegations", user.pk) in memo:
            return memo[("delegations", user.pk)]
        delegations = list(Delegation.objects.filter(delegate=user).prefetch_related("categories"))
        if memo is not None:
            memo[("delegations", user.pk)] = delegations
        return delegations

    def _live_signatures(self) -> list[Signature]:
        # `.all()` uses the signatures the page prefetched (for_workspace_page), if any.
        return [signature for signature in self.signatures.all() if signature.voided_at is None]

    def covering_delegation(self, user) -> Delegation | None:
        """The delegation under which `user` may decide this decision today, if any: one
        that lets them sign in two capacities when they have already signed in their own."""
        on = today()
        delegations = self._delegations_of(user)
        if self._own_signature(user) is not None:
            delegations = [each for each in delegations if each.signs_in_two_capacities]
        for delegation in delegations:
            if delegation_refusal(delegation, self, on) is None:
                return delegation
        return None

    def _delegation_refusal(self, user, delegations) -> str | None:
        reasons = [delegation_refusal(delegation, self, today()) for delegation in delegations]
        if any(reason is None for reason in reasons):
            return None
        return reasons[0]

    def _own_signature(self, user) -> Signature | None:
        """The user's live signature on this decision in their own capacity, if any."""
        return next(
            (
                signature
                for signature in self._live_signatures()
                if signature.user_id == user.pk and signature.delegation_id is None
            ),
            None,
        )

    def _second_signature_refusal(self, user, delegations=None) -> str | None:
        """One person gives one signature per decision, with one designed exception: a
        delegate deciding (`delegations`: theirs) under a delegation that lets them sign in
        two capacities, having signed in their own role (the record shows both)."""
        signed = next(
            (signature for signature in self._live_signatures() if signature.user_id == user.pk),
            None,
        )
        if signed is None:
            return None
        on = today()
        if signed.delegation_id is None and any(
            delegation.signs_in_two_capacities and delegation_refusal(delegation, self, on) is None
            for delegation in delegations or ()
        ):
            return None
        return (
            f"You have already signed this decision as {signed.capacity}. One person cannot "
            "give two sign-offs on the same decision."
        )

    def _is_signer_or_author(self, user) -> bool:
        if user.pk == self.author_id:
            return True
        if any(signature.user_id == user.pk for signature in self._live_signatures()):
            return True
        if any(holds_capacity(STEPS[step], user) for step in self.sign_off_steps):
            return True
        return has_role(user, Role.COMMISSIONER) or self.covering_delegation(user) is not None

    def _not_now(self, step: str) -> str:
        """Why a step cannot be taken at this point, saying what happened last."""
        # `.all()` uses the steps the page prefetched (for_workspace_page), if any.
        allowed = [e for e in self.workflow_events.all() if e.outcome == WorkflowOutcome.ALLOWED]
        last = max(allowed, key=lambda event: (event.at, event.pk), default=None)
        if self.status in IN_FLIGHT:
            where = f"it is now {self.waiting_for[0].lower()}{self.waiting_for[1:]}"
        else:
            where = STATUS_IN_WORDS[self.status]
        verb = STEPS[step].verb
        if last is None:
            return f"This decision cannot be {verb} now: {where}."
        return (
            f"This decision cannot be {verb} now: {last.actor_name} "
            f"{STEPS[last.step].event_phrase} on {in_words(last.at)}, and {where}."
        )


def _spec(step: str) -> StepSpec:
    try:
        return STEPS[step]
    except KeyError:
        raise ValueError(f"Unknown workflow step {step!r}") from None


class SignOffSteps:
    """One method per step. Each says what the step does to the decision (`act`); the status
    it leads to is the table's."""

    def _take_step(
        self, step: str, *, by, comments: str = "", act, seen: str | None = None
    ) -> WorkflowEvent:
        """Take `step` if `by` may now, with the row locked. `seen`, from a confirmation
        page, is the fingerprint of the content the page showed: the step is refused
        (`ContentChanged`) unless the content is still that ("" when the page said nothing:
        refused too). Steps taken by code (loaders, tests) pass None."""
        status_after = STEPS[step].status_after
        self.notification_warnings: list[str] = []
        from_status = self.status
        try:
            with transaction.atomic():
                decision = type(self).objects.select_for_update().get(pk=self.pk)
                stored = field_values(decision)
                from_status = decision.status
                refusal = decision.workflow_refusal(step, by)
                if refusal:
                    raise WorkflowError(refusal)
                if seen is not None:
                    current = decision.confirmation_fingerprint(step)
                    if seen != current:
                        raise ContentChanged(STEPS[step].verb, seen, current)
                try:
                    act(decision)
                    if status_after is not None:
                        decision.status = status_after
                    # Only what the step changed is checked: the stored row keeps the rest
                    # (commissioning.constraints).
                    changed = changed_fields(decision, stored)
                    decision.full_clean(
                        exclude=set(stored) - changed,
                        validate_unique=False,
                        validate_constraints=False,
                    )
                    validate_constraints_touching(decision, changed)
                except WorkflowError:
                    raise
                except ValidationError as invalid:
                    raise WorkflowError(
                        f"This decision cannot be {STEPS[step].verb}: {' '.join(invalid.messages)}"
                    ) from None
                decision._history_user = by
                decision.save()
                event = WorkflowEvent(
                    decision=decision,
                    step=step,
                    outcome=WorkflowOutcome.ALLOWED,
                    actor=by,
                    actor_name=person_name(by),
                    at=now(),
                    comments=comments,
                    from_status=from_status,
                    to_status=decision.status,
                )
                event.save()
                if notifications_on():
                    warnings = self.notification_warnings
                    transaction.on_commit(
                        lambda: notify_after_step(decision.pk, event.pk, warnings)
                    )
        except WorkflowError as error:
            WorkflowEvent.record_refusal(self, step, by, comments, error.message, from_status)
            self.refresh_from_db()
            raise
        except IntegrityError:
            # Only reachable without row locks (SQLite) when two steps collide.
            message = (
                "Someone else acted on this decision at the same moment. Reload the page to "
                "see what happened."
            )
            WorkflowEvent.record_refusal(self, step, by, comments, message, from_status)
            self.refresh_from_db()
            raise WorkflowError(message) from None
        self.refresh_from_db()
        return event

    def _require(self, text: str, message: str) -> str:
        if not (text or "").strip():
            raise WorkflowError(message)
        return text.strip()

    def _record_statutory_comment(self, role: str, by, text: str) -> None:
        comment = StatutoryComment.objects.filter(decision=self, role=role).first()
        comment = comment or StatutoryComment(decision=self, role=role)
        comment.text = text
        comment.person = person_name(by)
        comment.user = by
        comment.made_on = today()
        comment._history_user = by
        comment.full_clean()
        comment.save()

    def _sign(self, step: str, by, capacity: str, delegation=None) -> Signature:
        content_format = signed_format(step)
        signature = Signature(
            decision=self,
            step=step,
            user=by,
            name=person_name(by),
            capacity=capacity,
            delegation=delegation,
            signed_at=now(),
            content_sha256=content_hash(self, content_format=content_format),
            content_format=content_format,
        )
        signature._history_user = by
        signature.full_clean()
        signature.save()
        return signature

    def _sign_in_role(self, step: str, by) -> Signature:
        return self._sign(step, by, STEPS[step].role.label)

    def _void_signatures(self, *, by, reason: str) -> None:
        for signature in self.signatures.filter(voided_at__isnull=True):
            if signature.step == WorkflowStep.APPROVE_FORCE_BUSINESS:
                self.chief_officer_approved_on = None
            signature.voided_at = now()
            signature.void_reason = reason
            signature._history_user = by
            signature.save()

    def submit(self, *, by, comments: str = "", seen: str | None = None) -> None:
        """Send the draft for sign-off (author or commissioning officer)."""

        def act(decision) -> None:
            decision._require(decision.summary, "Write the decision summary before submitting.")
            missing = [
                section.heading
                for section in decision.sections.filter(is_mandatory=True)
                if not section.text.strip()
            ]
            if missing:
                raise WorkflowError(
                    "Complete these sections before submitting: " + "; ".join(missing) + "."
                )
            if decision.decision_maker == decision.Maker.DELEGATE and decision.delegation_id:
                problems = decision.delegation.submission_problems(decision, today())
                if problems:
                    raise WorkflowError(" ".join(problems))

        self._take_step(WorkflowStep.SUBMIT, by=by, comments=comments, act=act, seen=seen)

    submit.alters_data = True

    def sign_off(self, *, by, comments: str, seen: str | None = None) -> None:
        """The Treasurer's sign-off, with the Treasurer's statutory comments."""

        def act(decision) -> None:
            text = decision._require(comments, "Enter your comments as the Treasurer.")
            decision._record_statutory_comment(CommentRole.TREASURER, by, text)
            decision._sign_in_role(WorkflowStep.SIGN_OFF, by)

        self._take_step(WorkflowStep.SIGN_OFF, by=by, comments=comments, act=act, seen=seen)

    sign_off.alters_data = True

    def comment(self, *, by, comments: str, seen: str | None = None) -> None:
        """The Chief Executive and Monitoring Officer's comments, passed on to the next step."""

        def act(decision) -> None:
            text = decision._require(
                comments, "Enter your comments as the Chief Executive and Monitoring Officer."
            )
            decision._record_statutory_comment(CommentRole.MONITORING_OFFICER, by, text)
            decision._sign_in_role(WorkflowStep.COMMENT, by)

        self._take_step(WorkflowStep.COMMENT, by=by, comments=comments, act=act, seen=seen)

    comment.alters_data = True

    def approve_force_business(self, *, by, comments: str = "", seen: str | None = None) -> None:
        """The Chief Officer's approval of force business, before the PCC decides."""

        def act(decision) -> None:
            if comments.strip():
                text = comments.strip()
                decision._record_statutory_comment(CommentRole.CHIEF_OFFICER, by, text)
            decision._sign_in_role(WorkflowStep.APPROVE_FORCE_BUSINESS, by)
            decision.chief_officer_approved_on = today()

        self._take_step(
            WorkflowStep.APPROVE_FORCE_BUSINESS, by=by, comments=comments, act=act, seen=seen
        )

    approve_force_business.alters_data = True

    def _decide(self, step: str, by, *, decided_on=None, keep_name: bool = False) -> None:
        """Record who decided, under what, on which day, and their signature.

        `decided_on`: the date of decision the signer gave (by default, the one the record
        holds, or today). `keep_name`: the decision maker's name the record holds is kept (an
        approval never overwrites it); only an empty one takes the signer's name."""
        on = today()
        if decided_on is not None:
            if decided_on > on:
                raise WorkflowError("The date of the decision cannot be in the future.")
            self.decided_on = decided_on
        self.decided_on = self.decided_on or on
        self.signed_on = self.signed_on or on
        if not (keep_name and self.decision_maker_name.strip()):
            self.decision_maker_name = person_name(by)
        if holds_capacity(STEPS[step], by):
            self.decision_maker = self.Maker.PCC
            self.delegation = None
            self._sign_in_role(step, by)
        else:
            delegation = self.covering_delegation(by)
            self.decision_maker = self.Maker.DELEGATE
            self.delegation = delegation
            self._sign(step, by, delegation.signing_capacity, delegation=delegation)

    def approve(self, *, by, comments: str = "", seen: str | None = None, decided_on=None) -> None:
        """Approve and sign: the PCC, or an officer under a delegation covering it.

        The date of decision is the one given (the approval page asks for it), else the one
        the record holds, else today; the decision maker's name is the one the record holds
        (the signer's only when it holds none). The signature binds both (`DECISION_FORMAT`).
        """

        def act(decision) -> None:
            decision._decide(WorkflowStep.APPROVE, by, decided_on=decided_on, keep_name=True)

        self._take_step(WorkflowStep.APPROVE, by=by, comments=comments, act=act, seen=seen)

    approve.alters_data = True

    def decline(self, *, by, comments: str, seen: str | None = None) -> None:
        """Do not approve: a decision too, signed and dated, with the reasons."""

        def act(decision) -> None:
            decision._require(comments, "Say why the decision is not approved.")
            decision._decide(WorkflowStep.DECLINE, by)

        self._take_step(WorkflowStep.DECLINE, by=by, comments=comments, act=act, seen=seen)

    decline.alters_data = True

    def return_to_draft(self, *, by, comments: str, seen: str | None = None) -> None:
        """Send the record back to its author with comments; its signatures are voided."""

        def act(decision) -> None:
            decision._require(comments, "Say what needs to change.")
            decision._void_signatures(by=by, reason=f"Returned to draft by {person_name(by)}.")

        self._take_step(WorkflowStep.RETURN_TO_DRAFT, by=by, comments=comments, act=act, seen=seen)

    return_to_draft.alters_data = True

    def content_edited(self, *, by) -> None:
        """Called after a section, the summary, an appendix or an award changes.

        Keeps the derived confidentiality in step. Signed content is frozen: if the content
        no longer matches a live signature, a record in sign-off returns to draft with its
        signatures voided (see `edit_voids_signatures` for the warning beforehand). An edit
        after the decision is recorded, and the signatures then show the mismatch.
        """
        self.refresh_confidentiality(by=by)
        live = list(self.signatures.filter(voided_at__isnull=True))
        if not live:
            return
        hashes: dict[int, str] = {}
        if all(signature_matches(signature, self, hashes=hashes) for signature in live):
            return

        def act(decision) -> None:
            if decision.status in IN_FLIGHT:
                decision._void_signatures(
                    by=by, reason="The content was changed after it was signed."
                )
                decision.status = DecisionStatus.DRAFT

        note = (
            "Edited after sign-off: returned to draft and the signatures voided."
            if self.status in IN_FLIGHT
            else "Edited after the decision: the content no longer matches the signatures."
        )
        self._take_step(WorkflowStep.EDIT, by=by, comments=note, act=act)

    content_edited.alters_data = True

    def publish(self, *, by, on=None, date_not_recorded: bool = False) -> None:
        """Put the record on the public register and index its public text for search.

        It is dated `on`, or today; with `date_not_recorded` (a record taken outside the
        register, whose publication date the office did not keep) it keeps no date."""
        # decisions.publication reads the models: it is imported once they are loaded.
        from decisions.publication import public_record, public_search_text, unrecorded_required

        def act(decision) -> None:
            decision.status = DecisionStatus.PUBLISHED  # what the public text is built for
            if not date_not_recorded:
                decision.published_on = decision.published_on or on or today()
            # The layout it is published with, kept with it: a later change to the form
            # does not change the published record.
            RecordLayout.keep(decision, by=by)
            record = public_record(decision)  # built once, for both questions
            missing = unrecorded_required(decision, record)
            if missing:
                raise WorkflowError(
                    "The form requires these on the public record: "
                    f"{', '.join(missing)}. Fill them in, or record them as not recorded."
                )
            decision.search_document = public_search_text(decision, record)

        self._take_step(WorkflowStep.PUBLISH, by=by, act=act)
        # Its public PDF is rendered in the background once the step commits, so that the
        # first reader gets it from the storage. (decisions.pdf reads the models.)
        # And those who follow such decisions are alerted. (Both read the models.)
        from decisions.alerts import alert_publication_later
        from decisions.pdf import render_public_pdf_later

        render_public_pdf_later(self.reference)
        alert_publication_later(self.reference)

    publish.alters_data = True

    def withdraw(self, *, by, reason: str, seen: str | None = None) -> None:
        """Take a published record off the public register, saying why."""

        def act(decision) -> None:
            decision._require(reason, "Say why the decision is withdrawn from publication.")

        self._take_step(WorkflowStep.WITHDRAW, by=by, comments=reason, act=act, seen=seen)

    withdraw.alters_data = True

    def supersede(self, *, by, by_decision, seen: str | None = None) -> None:
        """Mark the decision as superseded by a later one, and link the two."""

        def act(decision) -> None:
            if by_decision.pk == decision.pk:
                raise WorkflowError("A decision cannot supersede itself.")
            later = type(decision).objects.get(pk=by_decision.pk)
            if later.status not in (DecisionStatus.APPROVED, DecisionStatus.PUBLISHED):
                raise WorkflowError(
                    f"{later.reference} has not been approved, so it cannot supersede "
                    f"{decision.reference}."
                )
            link = DecisionLink.objects.filter(
                from_decision=later, to_decision=decision, kind=LinkKind.SUPERSEDES
            ).first()
            if link is None:
                link = DecisionLink(
                    from_decision=later, to_decision=decision, kind=LinkKind.SUPERSEDES
                )
                link._history_user = by
                link.save()

        self._take_step(
            WorkflowStep.SUPERSEDE,
            by=by,
            comments=f"Superseded by {by_decision.reference}.",
            act=act,
            seen=seen,
        )

    supersede.alters_data = True


# -- the dashboard queue --------------------------------------------------------------------


def awaiting_q(user) -> Q:
    """The decisions whose next step is this user's to take, as a filter, read from the table:
    for each step on the road, the decisions waiting for it, when the user may take it
    (leaving out their own when the author may not); for a delegate, those their delegations
    cover by period and category (the value limit is checked by the step); and for an author,
    their decisions waiting for them whoever takes the step (`Queue.AUTHOR`).

    Decisions the user has already signed are left out by the caller.
    """
    wanted = Q(pk__in=[])
    for spec in ROAD:
        waiting = waiting_q(spec.step)
        if spec.author_refused:
            not_theirs = ~Q(author=user)
        else:
            not_theirs = Q()
        if spec.queue == Queue.TAKERS:
            if spec.may(user) and holds_capacity(spec, user):
                wanted |= waiting & not_theirs
            if spec.delegate_may and holds_delegation(user):
                wanted |= _delegated(user, waiting & not_theirs)
        elif spec.queue == Queue.AUTHOR:
            wanted |= waiting & Q(author=user)
        elif spec.queue == Queue.AUTHOR_ONCE_RETURNED:
            returned = WorkflowEvent.objects.filter(
                decision=models.OuterRef("pk"),
                step=WorkflowStep.RETURN_TO_DRAFT,
                outcome=WorkflowOutcome.ALLOWED,
            )
            wanted |= waiting & Q(author=user) & models.Exists(returned)
    return wanted


def second_capacity_q(user) -> Q:
    """The decisions the user may still decide though they have signed them in their own
    role: waiting for the decision and covered by a delegation of theirs that allows two
    capacities (the one exception to one signature per person, `_second_signature_refusal`).
    """
    if holds_capacity(STEPS[WorkflowStep.APPROVE], user):
        return Q(pk__in=[])  # deciding in their own role: a second signature in it
    if not holds_delegation(user):
        return Q(pk__in=[])  # no delegation to read (the flag is read with the user)
    return _delegated(user, waiting_q(WorkflowStep.APPROVE), two_capacities=True)


def _delegated(user, waiting: Q, *, two_capacities: bool = False) -> Q:
    """Of the decisions `waiting`, those a delegation the user holds today covers by its
    categories (`two_capacities`: a delegation letting them sign in two capacities)."""
    on = today()
    delegations = Delegation.objects.filter(delegate=user, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    if two_capacities:
        delegations = delegations.filter(signs_in_two_capacities=True)
    covered = Q(pk__in=[])
    for delegation in delegations.prefetch_related("categories"):
        categories = [category.pk for category in delegation.categories.all()]
        covered |= waiting & Q(category__in=categories) if categories else waiting
    return covered
