"""What the sign-off workflow needs besides its steps (the table in decisions.models.steps,
and a method on `Decision` for each, from decisions.models.signoff).

- `WorkflowError`, the one error a step raises when it is not allowed now (`ContentChanged`
  when it was confirmed on a page that showed other content);
- the fingerprint of a decision's content that each electronic signature records;
- the e-mails to the next signers, sent once a step has committed;
- `recording_past_steps`, for loaders that replay steps taken on paper;
- `panel_for`, what the workflow panel on the decision page shows to one user.

The models import this module (its errors, clock and fingerprint), so it imports them only
inside the functions that need them.
"""

import contextlib
import contextvars
import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from commissioning.addresses import site_address
from commissioning.background import send_email
from commissioning.money import amount, pounds

logger = logging.getLogger(__name__)

# The shapes of the content a signature vouches for. Each signature records the shape it was
# taken on (`Signature.content_format`), so that old fingerprints stay checkable when a new
# shape is added. The content: what every sign-off vouches for. The decision: the content with
# the date of decision and the decision maker's name as the record holds them, which the
# decision maker's approval binds (the sign-offs before it do not: the date is set then).
CONTENT_FORMAT = 1
DECISION_FORMAT = 2


class WorkflowError(ValidationError):
    """A workflow step that is not allowed now: the message says why, in the office's words."""

    def __init__(self, message: str, code: str = "workflow") -> None:
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return self.message


class ContentChanged(WorkflowError):
    """A step confirmed on a page that showed other content than the decision has now (or
    that did not say what it showed): nothing is signed or done."""

    def __init__(self, verb: str, seen: str, current: str) -> None:
        if seen:
            message = (
                f"This decision has not been {verb}: its content changed after you opened the "
                f"page. You saw the content with the fingerprint {seen[:12]}…; it is now "
                f"{current[:12]}…. Check what changed, then confirm again if you still wish to."
            )
        else:
            message = (
                f"This decision has not been {verb}: the confirmation did not say which "
                "content it was given for (the page may be out of date). Open the page again, "
                "check the content and confirm."
            )
        super().__init__(message, code="content_changed")
        self.seen = seen
        self.current = current


# -- time, and replaying steps taken on paper --------------------------------------------------

_replaying_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "replaying_at", default=None
)


@contextlib.contextmanager
def recording_past_steps(at: datetime.datetime):
    """Record steps taken on paper at `at`, sending no e-mails.

    For loaders of historical decisions (the demo's WPCC3-0058, signed in June 2022): the
    steps go through the same checks, and their audit records carry the time they were taken.
    """
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    token = _replaying_at.set(at)
    try:
        yield
    finally:
        _replaying_at.reset(token)


def now() -> datetime.datetime:
    return _replaying_at.get() or timezone.now()


def today() -> datetime.date:
    """The date in the office's time zone (Europe/London)."""
    return timezone.localtime(now()).date()


def notifications_on() -> bool:
    return _replaying_at.get() is None


def in_words(moment: datetime.datetime) -> str:
    """'15 June 2022 at 2:05pm', in the office's time zone."""
    local = timezone.localtime(moment)
    day = f"{local.day} {local:%B %Y}"
    if (local.hour, local.minute) == (12, 0):
        return f"{day} at midday"
    if (local.hour, local.minute) == (0, 0):
        return f"{day} at midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{day} at {hour}:{local:%M}{suffix}"


# -- the signed content ----------------------------------------------------------------------


def _text(value: str) -> str:
    # Browsers send CRLF line ends from text areas; the words, not the line ends, are signed.
    return (value or "").replace("\r\n", "\n")


def _rows(decision, relation: str, order: tuple[str, ...], loaded: bool) -> list:
    manager = getattr(decision, relation)
    if not loaded:
        return list(manager.order_by(*order))

    def key(row):
        return tuple(getattr(row, name) for name in order)

    return sorted(manager.all(), key=key)


def signed_content(decision, *, loaded: bool = False, content_format: int = CONTENT_FORMAT) -> dict:
    """The content a signature vouches for, read afresh from the database.

    The reference, title and summary; every section's heading, text and withholding; each
    appendix's title, file fingerprint and withholding; each award. In `DECISION_FORMAT`,
    also the date of decision and the decision maker's name.

    With `loaded`, the rows the caller has already read (a page's prefetched sections,
    appendices and awards) are used instead, in the same order. That is for showing whether
    signatures still match; signing always reads afresh.
    """
    sections = [
        {
            "position": section.position,
            "heading": _text(section.heading),
            "part": _text(section.part),
            "text": _text(section.text),
            "is_withheld": section.is_withheld,
            "exemption": section.exemption,
            "exemption_other": _text(section.exemption_other),
            "public_interest_statement": _text(section.public_interest_statement),
            "release_on": section.release_on.isoformat() if section.release_on else None,
        }
        for section in _rows(decision, "sections", ("position", "pk"), loaded)
    ]
    appendices = [
        {
            "title": _text(appendix.title),
            "sha256": appendix.sha256,
            "is_withheld": appendix.is_withheld,
            "exemption": appendix.exemption,
            "exemption_other": _text(appendix.exemption_other),
        }
        for appendix in _rows(decision, "appendices", ("pk",), loaded)
    ]
    awards = [
        {
            "recipient": _text(award.recipient),
            "amount": amount(award.amount),
            "purpose": _text(award.purpose),
        }
        for award in _rows(decision, "awards", ("pk",), loaded)
    ]
    content = {
        "format": content_format,
        "reference": decision.reference,
        "title": _text(decision.title),
        "summary": _text(decision.summary),
        "sections": sections,
        "appendices": appendices,
        "awards": awards,
    }
    figures = _figures(decision, loaded)
    if figures:
        # Only a decision with figures has them in its content: a signature given before
        # figures were recorded still matches a record that has none.
        content["figures"] = figures
    if content_format == DECISION_FORMAT:
        decided_on = decision.decided_on
        content["decided_on"] = decided_on.isoformat() if decided_on else None
        content["decision_maker_name"] = _text(decision.decision_maker_name)
    return content


def _figures(decision, loaded: bool) -> dict:
    """The decision's figures (`decisions.models.money`) as signed: its value, kind of
    spending, budget and withholding, its yearly figures and funding sources."""
    if loaded and getattr(decision, "has_figures", None) is False:
        return {}  # read with the decision (`figures_recorded`): it has none
    money = next(iter(_rows(decision, "money_records", ("pk",), loaded)), None)
    years = _rows(decision, "yearly_figures", ("year",), loaded)
    funders = _rows(decision, "funding_sources", ("pk",), loaded)
    if money is None and not years and not funders:
        return {}

    figures: dict = {
        "years": [[year.year, amount(year.amount)] for year in years],
        "funding": [
            [
                funder.partner_id,
                _text(funder.funder),
                amount(funder.amount),
                amount(funder.percentage),
            ]
            for funder in funders
        ],
    }
    if money is not None:
        figures.update(
            value=amount(money.value),
            spend_type=money.spend_type,
            budget=_text(money.budget),
            is_withheld=money.is_withheld,
            exemption=money.exemption,
        )
    return figures


def canonical_json(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def content_hash(decision, *, loaded: bool = False, content_format: int = CONTENT_FORMAT) -> str:
    """SHA-256 (hex) of the decision's content as canonical JSON (`loaded` and
    `content_format`: see `signed_content`)."""
    content = signed_content(decision, loaded=loaded, content_format=content_format)
    return hashlib.sha256(canonical_json(content)).hexdigest()


def signature_matches(signature, decision, *, loaded: bool = False, hashes=None) -> bool:
    """Whether a signature still matches the decision, in the shape it was signed in.
    `hashes` (format: fingerprint) saves working the same fingerprint out again."""
    content_format = signature.content_format
    if hashes is None:
        hashes = {}
    if content_format not in hashes:
        hashes[content_format] = content_hash(
            decision, loaded=loaded, content_format=content_format
        )
    return signature.content_sha256 == hashes[content_format]


# -- delegations -----------------------------------------------------------------------------


def decision_value(decision) -> Decimal:
    """What a decision commits, for a delegation's value limit: its recorded value (the
    figures the Treasurer signs off), or its awards plus the values of the contracts it
    concerns, whichever is more, so that a low figure typed in never takes a decision under a
    limit its awards and contracts exceed."""
    awards = sum((award.amount for award in decision.awards.all()), Decimal("0"))
    contracts = sum(
        (contract.value for contract in decision.contracts.all() if contract.value is not None),
        Decimal("0"),
    )
    recorded = [money.value for money in decision.money_records.all() if money.value is not None]
    return max([awards + contracts, *recorded])


def delegation_refusal(delegation, decision, on: datetime.date) -> str | None:
    """Why this delegation does not let its delegate decide this decision on that day."""
    if delegation.starts_on > on:
        return (
            f"Your delegation ({delegation.instrument}) starts on {delegation.starts_on:%-d %B %Y}."
        )
    if delegation.ends_on is not None and delegation.ends_on < on:
        return f"Your delegation ({delegation.instrument}) ended on {delegation.ends_on:%-d %B %Y}."
    categories = list(delegation.categories.all())
    if categories and decision.category_id not in {category.pk for category in categories}:
        names = ", ".join(category.name for category in categories)
        return (
            f"Your delegation ({delegation.instrument}) covers {names} decisions only, "
            "and this decision is not in that category."
        )
    if delegation.value_limit is not None:
        value = decision_value(decision)
        if value > delegation.value_limit:
            return (
                f"Your delegation ({delegation.instrument}) covers decisions up to "
                f"{pounds(delegation.value_limit)}; this one commits {pounds(value)}."
            )
    return None


# -- e-mails to the next signers ------------------------------------------------------------


def decision_page_url(decision) -> str:
    """The workspace page of a decision (the workflow page until the workspace page exists)."""
    try:
        return reverse("workspace:decision-detail", args=[decision.reference])
    except NoReverseMatch:
        return reverse("workspace:workflow-detail", args=[decision.reference])


def recipients_after_step(decision, actor) -> list:
    """Who should hear about the decision now: whoever can take its next step.

    Back in draft, or decided, that is the author.
    """
    from decisions.models import STEPS, Decision, Delegation

    User = get_user_model()
    status = decision.status
    if status in (Decision.Status.DRAFT, Decision.Status.APPROVED, Decision.Status.NOT_APPROVED):
        people = [decision.author] if decision.author_id else []
    elif status in Decision.IN_FLIGHT:
        step = decision.next_step
        role = STEPS[step].role
        people = list(User.objects.filter(groups__name=role.value, is_active=True))
        if STEPS[step].delegate_may:
            delegate_ids = Delegation.objects.filter(delegate__isnull=False).values("delegate")
            people += list(User.objects.filter(pk__in=delegate_ids, is_active=True))
        people = [person for person in people if decision.workflow_refusal(step, person) is None]
    else:
        people = []
    seen, chosen = set(), []
    for person in people:
        if person.pk in seen or not person.email or (actor and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        chosen.append(person)
    return chosen


def notify_after_step(decision_pk: int, event_pk: int, warnings: list[str]) -> None:
    """E-mail whoever acts next. Runs after the step has committed; a failure is logged and
    added to `warnings` for the sender, and never undoes the step."""
    from decisions.models import Decision, WorkflowEvent

    try:
        decision = Decision.objects.select_related("template", "author").get(pk=decision_pk)
        event = WorkflowEvent.objects.select_related("actor").get(pk=event_pk)
        recipients = recipients_after_step(decision, event.actor)
    except Exception:
        logger.exception("Could not work out whom to e-mail after workflow event %s", event_pk)
        warnings.append("The step was recorded, but nobody could be e-mailed about it.")
        return
    if not recipients:
        return
    link = site_address(decision_page_url(decision))
    # The e-mails go on the background queue: the page never waits for the mail server, and
    # a refused send is tried again (commissioning.background.retried).
    failed = []
    for person in recipients:
        context = {"decision": decision, "event": event, "recipient": person, "link": link}
        try:
            send_email.enqueue(
                subject=" ".join(
                    render_to_string("emails/workflow_step_subject.txt", context).split()
                ),
                body=render_to_string("emails/workflow_step.txt", context),
                to=[person.email],
            )
        except Exception:
            logger.exception(
                "Could not queue the e-mail to %s about %s (%s)",
                person.email,
                decision.reference,
                event.get_step_display(),
            )
            failed.append(person.get_full_name() or person.username)
    if failed:
        warnings.append(
            f"The e-mail to {', '.join(failed)} could not be sent. The step is recorded; "
            "please let them know the decision is waiting for them."
        )


# -- the workflow panel ----------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    signature: object
    matches: bool


@dataclass(frozen=True)
class Action:
    step: str
    label: str
    url: str
    style: str = ""  # "", "secondary" or "warning": the GOV.UK button variant
    # "post" for a step's own page (a button, then its confirmation page); "get" for a page
    # to look at first (publishing: a link to the preview of the public record).
    method: str = "post"


@dataclass
class Panel:
    decision: object
    content_sha256: str
    waiting_for: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    void_signatures: list[SignatureCheck] = field(default_factory=list)
    timeline: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


# What the panel reads of a decision; DecisionQuerySet.for_workspace_page prefetches it all.
PANEL_RELATIONS = (
    "sections",
    "appendices",
    "awards",
    "signatures",
    "workflow_events",
)


def _prefetched(decision, *relations: str) -> bool:
    cache = getattr(decision, "_prefetched_objects_cache", {})
    return all(relation in cache for relation in relations)


def panel_for(decision, user) -> Panel:
    """Who signed what, whether each signature still matches, the timeline, and the buttons
    this user may use now."""
    from decisions.models import OFFERED, STEPS, WorkflowOutcome

    if not _prefetched(decision, *PANEL_RELATIONS):
        decision = type(decision).objects.for_workspace_page().get(pk=decision.pk)
    current = content_hash(decision, loaded=True)
    hashes = {CONTENT_FORMAT: current}
    signatures = [
        SignatureCheck(s, signature_matches(s, decision, loaded=True, hashes=hashes))
        for s in decision.signatures.all()
    ]
    events = list(decision.workflow_events.all())
    panel = Panel(
        decision=decision,
        content_sha256=current,
        waiting_for=decision.waiting_for,
        signatures=[check for check in signatures if check.signature.voided_at is None],
        void_signatures=[check for check in signatures if check.signature.voided_at is not None],
        timeline=[event for event in events if event.outcome == WorkflowOutcome.ALLOWED],
        refused=[event for event in events if event.outcome == WorkflowOutcome.REFUSED],
    )
    # Only the steps open at this point are asked about, and whose delegations the user
    # holds is read once for all of them.
    decision._workflow_memo = {}
    try:
        allowed = [
            STEPS[step]
            for step in OFFERED
            if decision.step_is_open(step) and decision.workflow_refusal(step, user) is None
        ]
    finally:
        decision._workflow_memo = None
    for spec in allowed:
        url = reverse(spec.url_name, args=[decision.reference])
        method = "get" if spec.page else "post"
        panel.actions.append(Action(spec.step, spec.label, url, spec.style, method))
    return panel
