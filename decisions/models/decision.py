"""The decision record: what was decided, by whom and under what, on the office's form.

Its sign-off workflow is its own concept: `Decision` takes that behaviour from
`decisions.models.signoff`, which reads the table of steps in `decisions.models.steps`.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.constraints import ChecksChangedConstraints, choice_valid
from commissioning.dates import PreciseDateAttribute, precision_field, precisions_valid
from decisions.models.forms import DecisionCategory, DecisionTemplate
from decisions.models.layout import FieldValue
from decisions.models.money import DecisionMoney, FundingSource, YearlyFigure
from decisions.models.parts import Award, DecisionLink, DecisionProvider, DecisionSection
from decisions.models.recording import RecordingSteps
from decisions.models.signoff import SignOffRules, SignOffSteps, awaiting_q, second_capacity_q
from decisions.models.steps import DECIDED, IN_FLIGHT, DecisionStatus
from decisions.models.withholding import RestrictedPapers, restriction_constraints
from decisions.models.workflow import Delegation, Signature, WorkflowEvent

# The record's dates, each with its precision (a day, a month or a year).
DATES = ["chief_officer_approved_on", "received_on", "decided_on", "signed_on", "published_on"]


class Confidentiality(models.TextChoices):
    NON = "non", "Non-confidential"
    PARTLY = "partly", "Partly confidential"
    CONFIDENTIAL = "confidential", "Confidential"
    # Published with its summary and decision maker, its papers restricted (RestrictedPapers).
    RESTRICTED = "restricted", "Public summary, papers restricted"


class DecisionMaker(models.TextChoices):
    PCC = "pcc", "The Police and Crime Commissioner"
    DELEGATE = "delegate", "An officer under delegation"


# The public record of these shows none of the providers a decision concerns.
PROVIDERS_NOT_SHOWN = [Confidentiality.CONFIDENTIAL, Confidentiality.RESTRICTED]


def money_prefetches() -> list:
    """What a staff page reads of a decision's figures (workspace/decisions/_money.html),
    once `has_figures` (`figures_recorded`) says it has any."""
    return [
        "money_records",
        "yearly_figures",
        models.Prefetch("funding_sources", FundingSource.objects.select_related("partner")),
    ]


def read_figures(decision) -> None:
    """Read the figures of a decision from `for_workspace_page`, if it has any."""
    if decision.has_figures:
        models.prefetch_related_objects([decision], *money_prefetches())


def figures_recorded() -> models.Expression:
    """Whether a decision has any figures: asked in its own query, so that a decision without
    them (most) costs no query to read none."""
    pk = models.OuterRef("pk")
    return (
        models.Exists(DecisionMoney.objects.filter(decision=pk))
        | models.Exists(YearlyFigure.objects.filter(decision=pk))
        | models.Exists(FundingSource.objects.filter(decision=pk))
    )


class DecisionQuerySet(models.QuerySet):
    def with_form(self) -> "DecisionQuerySet":
        return self.select_related("template", "category", "author", "delegation").prefetch_related(
            "sections", "appendices", "comments", "awards"
        )

    def for_workspace_page(self) -> "DecisionQuerySet":
        """The decision page in the workspace: the record on its form, with what it is
        made of (its sections, appendices, statutory comments and awards, and whether it has
        figures: `has_figures`), and what the sign-off panel shows (its signatures and the
        steps taken)."""
        return (
            self.with_form()
            # The layout it was published with (none before), and its form's office, which
            # a record not yet published is drawn with: read with the decision.
            .select_related("published_layout", "template__office")
            .annotate(
                has_figures=figures_recorded(),
                # Most decisions have no values of their own: those cost no query to read.
                has_values=models.Exists(FieldValue.objects.filter(decision=models.OuterRef("pk"))),
            )
            .prefetch_related(
                models.Prefetch(
                    "signatures", Signature.objects.select_related("user", "delegation")
                ),
                models.Prefetch("workflow_events", WorkflowEvent.objects.select_related("actor")),
            )
        )

    def published(self) -> "DecisionQuerySet":
        return self.filter(status=Decision.Status.PUBLISHED)

    def linked_to_provider(self, provider, *, public: bool = False) -> "DecisionQuerySet":
        """Decisions that concern the provider (one, or a queryset of them): through a
        contract with it, an award to it, or a direct link in any role (a preferred bidder, a
        company the decision set up).

        With `public`, only the routes the public record shows: a planned contract is not on
        it, nor a round of grants' provider (the round names no recipient); and a wholly
        confidential record and one whose papers are restricted show no links at all, so a
        public filter must not find them by the provider either."""
        # Imported here: contracts' models import these, so these cannot import them first.
        from contracts.models import ContractStatus

        many = isinstance(provider, models.QuerySet)
        lookup = "provider__in" if many else "provider"
        contracts = Decision.contracts.through.objects.filter(**{f"contract__{lookup}": provider})
        awards = Award.objects.filter(**{lookup: provider})
        if public:
            contracts = contracts.exclude(contract__status=ContractStatus.PLANNED)
            awards = awards.exclude(recipient="")
        direct = DecisionProvider.objects.filter(**{lookup: provider})
        linked = self.filter(
            Q(pk__in=contracts.values("decision_id"))
            | Q(pk__in=awards.values("decision_id"))
            | Q(pk__in=direct.values("decision_id"))
        )
        if public:
            linked = linked.exclude(confidentiality__in=PROVIDERS_NOT_SHOWN)
        return linked

    def awaiting(self, user) -> "DecisionQuerySet":
        """Decisions whose next step is this user's to take: the dashboard queue.

        Read from the table of steps (`decisions.models.signoff.awaiting_q`): which sign-offs
        a decision needs comes from its form, so "waiting for the Monitoring Officer" also
        covers a submitted decision on a form without a Treasurer's sign-off. Decisions the
        user may not act on (their own, for every sign-off and the decision; ones they
        have already signed) are left out. For a delegate the queue checks the delegation's
        period and categories; its value limit is checked by the step. The author's queue
        holds their decisions returned to draft and those approved and waiting to be
        published.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        signed = Signature.objects.filter(
            decision=models.OuterRef("pk"), user=user, voided_at__isnull=True
        )
        signed_under_delegation = signed.filter(delegation__isnull=False)
        return (
            self.filter(awaiting_q(user))
            .exclude(
                models.Exists(signed)
                & (~second_capacity_q(user) | models.Exists(signed_under_delegation))
            )
            .select_related("template", "category", "author")
            .order_by("created_at", "pk")
        )

    # -- the officer workspace -------------------------------------------------------------

    def for_register(self) -> "DecisionQuerySet":
        """What the workspace's register and its CSV export show of each decision."""
        return self.select_related("template__office", "category", "delegation")

    def drafts_of(self, user) -> "DecisionQuerySet":
        """The user's own drafts, the one changed last first: those not already waiting for
        them (returned to them with comments), which the dashboard lists under "Waiting for
        you" instead, so that no draft is listed twice."""
        return (
            self.filter(author=user, status=Decision.Status.DRAFT)
            .exclude(pk__in=Decision.objects.awaiting(user).values("pk"))
            .select_related("template")
            .order_by("-updated_at", "-pk")
        )

    def recently_published(self) -> "DecisionQuerySet":
        return (
            self.filter(status=Decision.Status.PUBLISHED)
            .select_related("template")
            .order_by("-published_on", "-updated_at", "-pk")
        )


class Decision(
    SignOffRules, SignOffSteps, RecordingSteps, RestrictedPapers, ChecksChangedConstraints
):
    Status = DecisionStatus

    Confidentiality = Confidentiality

    Maker = DecisionMaker

    # Statuses in sign-off, in order; and statuses once decided.
    IN_FLIGHT = IN_FLIGHT
    DECIDED = DECIDED

    reference = models.CharField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    template = models.ForeignKey(
        DecisionTemplate,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name="form",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_decisions",
    )
    author_name = models.CharField(max_length=200, blank=True)
    author_job_role = models.CharField("author's job title", max_length=200, blank=True)
    lead_officers = models.CharField("lead officer(s)", max_length=300, blank=True)
    category = models.ForeignKey(
        DecisionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decision_maker = models.CharField(max_length=20, choices=Maker.choices, default=Maker.PCC)
    decision_maker_name = models.CharField("name of the decision maker", max_length=200, blank=True)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    is_force_business = models.BooleanField("force business", default=False)
    # Each date is a pair (commissioning.dates): the first day of the day, month or year
    # recorded, and how much of it is known. Read and write it whole as a PreciseDate through
    # the attribute without "_on": `decision.decided`.
    chief_officer_approved_on = models.DateField(
        "date approved by the Chief Officer", null=True, blank=True
    )
    chief_officer_approved_on_precision = precision_field()
    received_on = models.DateField("date received", null=True, blank=True)
    received_on_precision = precision_field()
    decided_on = models.DateField("date of decision", null=True, blank=True)
    decided_on_precision = precision_field()
    signed_on = models.DateField("date signed", null=True, blank=True)
    signed_on_precision = precision_field()
    published_on = models.DateField("date published", null=True, blank=True)
    published_on_precision = precision_field()
    late_publication_reason = models.TextField(
        blank=True, help_text="Why publication came later than it should have."
    )
    summary = models.TextField("decision summary", blank=True)
    public_subject = models.CharField(
        "public one-line subject",
        max_length=300,
        blank=True,
        help_text="What the public register says of a wholly confidential decision.",
    )
    confidentiality = models.CharField(
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.NON,
        editable=False,
    )
    declaration_of_interests = models.TextField(blank=True)
    # On PostgreSQL the table also has `search_vector`, a tsvector the database generates
    # from this column on every write and a GIN index covers (migration 0007). It is not
    # declared here because SQLite has no such type; `decisions.public_filters` reads it.
    search_document = models.TextField(
        blank=True,
        editable=False,
        help_text="The public text of the record, for search. Never holds withheld text.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Taken outside the register (on paper, signed in ink) and recorded here from the office's
    # signed record, by import: its signatures were not given in the register's sign-off.
    recorded_from_signed_record = models.BooleanField(
        "recorded from the office's signed record", default=False, editable=False
    )
    contracts = models.ManyToManyField("contracts.Contract", blank=True, related_name="decisions")
    programmes = models.ManyToManyField("contracts.Programme", blank=True, related_name="decisions")
    arrangements = models.ManyToManyField(
        "contracts.JointArrangement", blank=True, related_name="decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[contracts, programmes, arrangements])

    chief_officer_approved = PreciseDateAttribute("chief_officer_approved_on")
    received = PreciseDateAttribute("received_on")
    decided = PreciseDateAttribute("decided_on")
    signed = PreciseDateAttribute("signed_on")
    published = PreciseDateAttribute("published_on")

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_maker=DecisionMaker.PCC) | Q(delegation__isnull=False),
                name="decision_delegate_cites_delegation",
                violation_error_message="A decision taken under delegation must cite it.",
            ),
            choice_valid("decision_maker", DecisionMaker, "decision_maker_valid"),
            choice_valid("status", DecisionStatus, "decision_status_valid"),
            choice_valid("confidentiality", Confidentiality, "decision_confidentiality_valid"),
            models.CheckConstraint(
                condition=Q(is_force_business=True) | Q(chief_officer_approved_on__isnull=True),
                name="decision_chief_officer_only_for_force_business",
                violation_error_message="Only force business is approved by the Chief Officer.",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(signed_on__gte=models.F("decided_on"))
                # "March 2021" may be any day of March: only a day is compared.
                | ~Q(signed_on_precision="day"),
                name="decision_signed_after_decided",
                violation_error_message="It cannot be signed before the date of the decision.",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(decided_on__gte=models.F("received_on"))
                | ~Q(decided_on_precision="day"),
                name="decision_decided_after_received",
                violation_error_message="It cannot be decided before it was received.",
            ),
            precisions_valid("decision_date_precisions_valid", DATES),
            models.CheckConstraint(
                condition=~Q(confidentiality="confidential") | ~Q(public_subject=""),
                name="decision_confidential_has_public_subject",
                violation_error_message=(
                    "A wholly confidential decision needs a one-line subject for the public."
                ),
            ),
            *restriction_constraints("decision"),
        ]
        indexes = [
            models.Index(fields=["status", "-decided_on"], name="decision_status_decided_idx"),
            # The workspace register's default order, ending in the id so that a deep page can
            # find its ids by an index-only scan before fetching its 25 rows.
            models.Index(
                fields=["-decided_on", "-created_at", "id"], name="decision_register_page_idx"
            ),
            # The public register's order among published decisions.
            models.Index(
                fields=["status", "-published_on", "-decided_on", "reference"],
                name="decision_public_order_idx",
            ),
            # The newest change (the public register's Last-Modified), without a scan.
            models.Index(fields=["-updated_at"], name="decision_updated_idx"),
        ]
        permissions = [
            ("sign_off_decision", "Can sign off decisions as the Treasurer"),
            ("comment_on_decision", "Can comment as the Chief Executive and Monitoring Officer"),
            ("approve_force_business", "Can approve force business as the Chief Officer"),
            ("decide_decision", "Can decide and sign decisions"),
            ("publish_decision", "Can publish decisions"),
            # Administrators hold it, and may give it to named officers.
            ("record_decided", "Can record decisions already taken"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        """Save; a new decision takes over the links made to its reference before the register
        held it (`DecisionLink.resolve_to`), in the same transaction."""
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                DecisionLink.resolve_to(self, by=getattr(self, "_history_user", None))

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.reference])

    @property
    def is_wholly_confidential(self) -> bool:
        return self.confidentiality == self.Confidentiality.CONFIDENTIAL

    @property
    def published_late(self) -> bool:
        return bool(self.late_publication_reason)

    @property
    def papers_are_restricted(self) -> bool:
        return self.confidentiality == self.Confidentiality.RESTRICTED

    def derive_confidentiality(self) -> str:
        if self.papers_restricted:
            return self.Confidentiality.RESTRICTED
        sections = list(self.sections.all())
        withheld = [section.is_withheld for section in sections]
        if withheld and all(withheld):
            return self.Confidentiality.CONFIDENTIAL
        if (
            any(withheld)
            or self.appendices.filter(is_withheld=True).exists()
            or self.money_records.filter(is_withheld=True).exists()
        ):
            return self.Confidentiality.PARTLY
        return self.Confidentiality.NON

    def refresh_confidentiality(self, *, by=None) -> None:
        """Store the confidentiality the sections imply, recording the change if any."""
        derived = self.derive_confidentiality()
        if derived != self.confidentiality:
            self.confidentiality = derived
            self._history_user = by
            self.full_clean(validate_unique=False)
            self.save()

    refresh_confidentiality.alters_data = True

    @classmethod
    def start(cls, *, template: DecisionTemplate, by, **fields) -> "Decision":
        """Open a new draft on a form, with the form's sections copied in."""
        with transaction.atomic():
            decision = cls(template=template, **fields)
            if not decision.reference:
                decision.reference = template.next_reference()
            if by is not None and decision.author_id is None:
                decision.author = by
                decision.author_name = decision.author_name or by.get_full_name() or by.username
            decision._history_user = by
            decision.full_clean()
            decision.save()
            for template_section in template.sections.all():
                section = DecisionSection(
                    decision=decision,
                    template_section=template_section,
                    position=template_section.position,
                    heading=template_section.heading,
                    part=template_section.part,
                    guidance=template_section.guidance,
                    is_mandatory=template_section.is_mandatory,
                )
                section._history_user = by
                section.save()
        return decision

    start.alters_data = True
