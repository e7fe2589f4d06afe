"""Decision records, the office's form they are written on, and what they decide.

A decision's sections are copied from its template when it is created: changing the template
later never rewrites a decision already made on it.
"""

import re
import string
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


class Exemption(models.TextChoices):
    """Freedom of Information Act 2000 exemptions an office most often cites."""

    S43_1 = "s43_1", "Section 43(1): trade secrets"
    S43_2 = "s43_2", "Section 43(2): commercial interests"
    S40 = "s40", "Section 40: personal information"
    S41 = "s41", "Section 41: information provided in confidence"
    S31 = "s31", "Section 31: law enforcement"
    S44 = "s44", "Section 44: prohibitions on disclosure"
    OTHER = "other", "Another exemption"


EXEMPTION_WORDS = {
    Exemption.S43_1: ("section 43(1)", "trade secrets"),
    Exemption.S43_2: ("section 43(2)", "commercial interests"),
    Exemption.S40: ("section 40", "personal information"),
    Exemption.S41: ("section 41", "information provided in confidence"),
    Exemption.S31: ("section 31", "law enforcement"),
    Exemption.S44: ("section 44", "prohibitions on disclosure"),
}

# Qualified exemptions: withholding under them needs a public-interest statement.
QUALIFIED_EXEMPTIONS = [Exemption.S43_1, Exemption.S43_2, Exemption.S31]


def withholding_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The rules shared by every withholdable part (a section, an appendix)."""
    return [
        models.CheckConstraint(
            condition=Q(is_withheld=False) | ~Q(exemption=""),
            name=f"{prefix}_withheld_needs_exemption",
            violation_error_message="Choose the exemption that applies to withheld content.",
        ),
        models.CheckConstraint(
            condition=Q(is_withheld=True) | Q(exemption=""),
            name=f"{prefix}_exemption_only_when_withheld",
            violation_error_message="Only withheld content cites an exemption.",
        ),
        models.CheckConstraint(
            condition=~Q(exemption=Exemption.OTHER) | ~Q(exemption_other=""),
            name=f"{prefix}_other_exemption_named",
            violation_error_message="Name the exemption.",
        ),
        models.CheckConstraint(
            condition=~Q(exemption__in=QUALIFIED_EXEMPTIONS) | ~Q(public_interest_statement=""),
            name=f"{prefix}_qualified_needs_public_interest",
            violation_error_message=(
                "This exemption is subject to the public interest test: "
                "say why the public interest favours withholding."
            ),
        ),
        models.CheckConstraint(
            condition=Q(exemption="") | Q(exemption__in=Exemption.values),
            name=f"{prefix}_exemption_valid",
        ),
    ]


class Withholdable(models.Model):
    is_withheld = models.BooleanField("withhold from publication", default=False)
    exemption = models.CharField(max_length=10, choices=Exemption.choices, blank=True)
    exemption_other = models.CharField("other exemption", max_length=200, blank=True)
    public_interest_statement = models.TextField(blank=True)
    release_on = models.DateField(
        "may be released from",
        null=True,
        blank=True,
        help_text="The date after which the reason for withholding no longer applies.",
    )

    class Meta:
        abstract = True

    @property
    def exemption_in_words(self) -> str:
        """How a withheld part is described to the public."""
        if not self.is_withheld:
            return ""
        if self.exemption == Exemption.OTHER:
            return f"Withheld under {self.exemption_other}"
        section, reason = EXEMPTION_WORDS[self.exemption]
        return f"Withheld under {section} of the Freedom of Information Act 2000: {reason}"


class DecisionCategory(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "decision categories"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)


class DecisionTemplate(models.Model):
    """An office's decision form, as data an administrator edits."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    reference_format = models.CharField(
        max_length=60,
        help_text=(
            "How references are written: {number}, {number:04} (zero-padded to 4 digits), "
            "{year} and {yy}. For example WPCC3-{number:04} or {number:03}/{year}."
        ),
    )
    requires_treasurer = models.BooleanField("Treasurer's comments required", default=True)
    requires_monitoring_officer = models.BooleanField(
        "Chief Executive and Monitoring Officer's comments required", default=True
    )
    requires_chief_officer_for_force_business = models.BooleanField(
        "Chief Officer's approval required for force business", default=True
    )
    awards_grants = models.BooleanField(
        "records grants or awards",
        default=False,
        help_text="For forms on which one decision awards several grants.",
    )
    received_label = models.CharField(max_length=60, default="Date received")
    decided_label = models.CharField(max_length=60, default="Date")
    signed_label = models.CharField(max_length=60, default="Date signed")
    published_label = models.CharField(max_length=60, default="Date published")
    summary_label = models.CharField(max_length=60, default="Decision summary")
    is_active = models.BooleanField("offered for new decisions", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "decision form"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            fields = [
                field
                for _, field, _, _ in string.Formatter().parse(self.reference_format)
                if field is not None
            ]
            self.reference_pattern()
            self.format_reference(1, timezone.localdate().year)
        except (KeyError, ValueError, IndexError, re.error) as error:
            raise ValidationError(
                {"reference_format": f"This format cannot be used: {error}."}
            ) from None
        if fields.count("number") != 1:
            raise ValidationError(
                {"reference_format": "The format must contain {number} exactly once."}
            )

    def format_reference(self, number: int, year: int) -> str:
        return self.reference_format.format(number=number, year=year, yy=f"{year % 100:02}")

    def reference_pattern(self) -> re.Pattern:
        """A regular expression matching this scheme's references, capturing the number."""
        pattern = ""
        for literal, field, _spec, _conv in string.Formatter().parse(self.reference_format):
            pattern += re.escape(literal)
            if field is None:
                continue
            if field == "number":
                pattern += r"(?P<number>\d+)"
            elif field == "year":
                pattern += r"(?P<year>\d{4})"
            elif field == "yy":
                pattern += r"(?P<yy>\d{2})"
            else:
                raise KeyError(field)
        return re.compile(f"^{pattern}$")

    def next_reference(self, year: int | None = None) -> str:
        """The next free reference in this scheme, e.g. WPCC3-0059 after WPCC3-0058.

        Numbering runs per year when the scheme contains the year.
        """
        year = year or timezone.localdate().year
        pattern = self.reference_pattern()
        yearly = "{year" in self.reference_format or "{yy" in self.reference_format
        highest = 0
        for reference in Decision.objects.values_list("reference", flat=True).iterator():
            match = pattern.match(reference)
            if not match:
                continue
            groups = match.groupdict()
            if yearly and (
                ("year" in groups and int(groups["year"]) != year)
                or ("yy" in groups and int(groups["yy"]) != year % 100)
            ):
                continue
            highest = max(highest, int(groups["number"]))
        candidate = highest + 1
        while Decision.objects.filter(reference=self.format_reference(candidate, year)).exists():
            candidate += 1
        return self.format_reference(candidate, year)


class TemplateSection(models.Model):
    template = models.ForeignKey(
        DecisionTemplate, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    part = models.CharField(
        max_length=100,
        blank=True,
        help_text="A part of the form the section sits in, e.g. 'Supporting information'.",
    )
    guidance = models.TextField(blank=True)
    is_mandatory = models.BooleanField("must be completed", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="templatesection_unique_position"
            ),
            models.UniqueConstraint(
                fields=["template", "heading"], name="templatesection_unique_heading"
            ),
        ]

    def __str__(self) -> str:
        return self.heading


class Delegation(models.Model):
    """A written delegation under which a named officer decides for the PCC."""

    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
    )
    delegate_name = models.CharField(max_length=200)
    delegate_role = models.CharField(max_length=200, blank=True)
    instrument = models.CharField(
        max_length=250, help_text="The scheme or letter of delegation, with its paragraph."
    )
    scope = models.TextField(help_text="What the delegate may decide.")
    categories = models.ManyToManyField("DecisionCategory", blank=True)
    value_limit = models.DecimalField("up to a value of (£)", **MONEY, null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[categories])

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="delegation_ends_after_start",
                violation_error_message="A delegation must end on or after the day it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate_name} under {self.instrument}"


class DecisionQuerySet(models.QuerySet):
    def with_form(self) -> "DecisionQuerySet":
        return self.select_related("template", "category", "author", "delegation").prefetch_related(
            "sections", "appendices", "comments", "awards"
        )

    def for_workspace_page(self) -> "DecisionQuerySet":
        """The decision page in the workspace: the record on its form, with what it is
        made of (its sections, appendices, statutory comments and awards), and what the
        sign-off panel shows (its signatures and the steps taken)."""
        return self.with_form().prefetch_related(
            models.Prefetch("signatures", Signature.objects.select_related("user", "delegation")),
            models.Prefetch("workflow_events", WorkflowEvent.objects.select_related("actor")),
        )

    def published(self) -> "DecisionQuerySet":
        return self.filter(status=Decision.Status.PUBLISHED)

    def awaiting(self, user) -> "DecisionQuerySet":
        """Decisions whose next step is this user's to take: the dashboard queue.

        Which sign-offs a decision needs comes from its form, so "waiting for the Monitoring
        Officer" also covers a submitted decision on a form without a Treasurer's sign-off.
        Decisions the user may not act on (their own, for the Treasurer and the decision
        maker; ones they have already signed) are left out. For a delegate the queue checks
        the delegation's period and categories; its value limit is checked by the step.
        The author's queue holds their decisions returned to draft and those approved and
        waiting to be published.
        """
        from commissioning.roles import Role, roles_of
        from decisions.workflow import today

        if not getattr(user, "is_authenticated", False):
            return self.none()
        status = DecisionStatus
        roles = roles_of(user)
        no_treasurer = Q(template__requires_treasurer=False)
        no_monitoring = Q(template__requires_monitoring_officer=False)
        no_chief = Q(is_force_business=False) | Q(
            template__requires_chief_officer_for_force_business=False
        )
        at_monitoring = Q(status=status.SIGNED_OFF) | (Q(status=status.SUBMITTED) & no_treasurer)
        at_chief = Q(status=status.COMMENTED) | (at_monitoring & no_monitoring)
        at_decision = Q(status=status.CHIEF_APPROVED) | (at_chief & no_chief)
        not_theirs = ~Q(author=user)

        wanted = Q(pk__in=[])
        if Role.TREASURER.value in roles:
            wanted |= Q(status=status.SUBMITTED, template__requires_treasurer=True) & not_theirs
        if Role.MONITORING_OFFICER.value in roles:
            wanted |= at_monitoring & Q(template__requires_monitoring_officer=True)
        if Role.CHIEF_OFFICER.value in roles:
            wanted |= at_chief & Q(
                is_force_business=True, template__requires_chief_officer_for_force_business=True
            )
        if Role.COMMISSIONER.value in roles:
            wanted |= at_decision & not_theirs
        on = today()
        delegations = Delegation.objects.filter(delegate=user, starts_on__lte=on).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        )
        for delegation in delegations.prefetch_related("categories"):
            covered = at_decision & not_theirs
            categories = [category.pk for category in delegation.categories.all()]
            if categories:
                covered &= Q(category__in=categories)
            wanted |= covered
        returned = WorkflowEvent.objects.filter(
            decision=models.OuterRef("pk"),
            step=WorkflowStep.RETURN_TO_DRAFT,
            outcome=WorkflowOutcome.ALLOWED,
        )
        wanted |= Q(author=user) & (
            (Q(status=status.DRAFT) & models.Exists(returned)) | Q(status=status.APPROVED)
        )
        signed = Signature.objects.filter(
            decision=models.OuterRef("pk"), user=user, voided_at__isnull=True
        )
        return (
            self.filter(wanted)
            .exclude(models.Exists(signed))
            .select_related("template", "category", "author")
            .order_by("created_at", "pk")
        )

    # -- the officer workspace -------------------------------------------------------------

    def for_register(self) -> "DecisionQuerySet":
        """What the workspace's register and its CSV export show of each decision."""
        return self.select_related("template", "category", "delegation")

    def drafts_of(self, user) -> "DecisionQuerySet":
        """The user's own drafts, the one changed last first."""
        return (
            self.filter(author=user, status=Decision.Status.DRAFT)
            .select_related("template")
            .order_by("-updated_at", "-pk")
        )

    def recently_published(self) -> "DecisionQuerySet":
        return (
            self.filter(status=Decision.Status.PUBLISHED)
            .select_related("template")
            .order_by("-published_on", "-updated_at", "-pk")
        )


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


class Confidentiality(models.TextChoices):
    NON = "non", "Non-confidential"
    PARTLY = "partly", "Partly confidential"
    CONFIDENTIAL = "confidential", "Confidential"


class DecisionMaker(models.TextChoices):
    PCC = "pcc", "The Police and Crime Commissioner"
    DELEGATE = "delegate", "An officer under delegation"


class Decision(models.Model):
    Status = DecisionStatus

    Confidentiality = Confidentiality

    Maker = DecisionMaker

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
    chief_officer_approved_on = models.DateField(
        "date approved by the Chief Officer", null=True, blank=True
    )
    received_on = models.DateField("date received", null=True, blank=True)
    decided_on = models.DateField("date of decision", null=True, blank=True)
    signed_on = models.DateField("date signed", null=True, blank=True)
    published_on = models.DateField("date published", null=True, blank=True)
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
    contracts = models.ManyToManyField("contracts.Contract", blank=True, related_name="decisions")
    programmes = models.ManyToManyField("contracts.Programme", blank=True, related_name="decisions")
    arrangements = models.ManyToManyField(
        "contracts.JointArrangement", blank=True, related_name="decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[contracts, programmes, arrangements])

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_maker=DecisionMaker.PCC) | Q(delegation__isnull=False),
                name="decision_delegate_cites_delegation",
                violation_error_message="A decision taken under delegation must cite it.",
            ),
            models.CheckConstraint(
                condition=Q(decision_maker__in=DecisionMaker.values), name="decision_maker_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidentiality__in=Confidentiality.values),
                name="decision_confidentiality_valid",
            ),
            models.CheckConstraint(
                condition=Q(is_force_business=True) | Q(chief_officer_approved_on__isnull=True),
                name="decision_chief_officer_only_for_force_business",
                violation_error_message="Only force business is approved by the Chief Officer.",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(signed_on__gte=models.F("decided_on")),
                name="decision_signed_after_decided",
                violation_error_message="It cannot be signed before the date of the decision.",
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(decided_on__gte=models.F("received_on")),
                name="decision_decided_after_received",
                violation_error_message="It cannot be decided before it was received.",
            ),
            models.CheckConstraint(
                condition=~Q(confidentiality="confidential") | ~Q(public_subject=""),
                name="decision_confidential_has_public_subject",
                violation_error_message=(
                    "A wholly confidential decision needs a one-line subject for the public."
                ),
            ),
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
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("decisions:detail", args=[self.reference])

    @property
    def is_wholly_confidential(self) -> bool:
        return self.confidentiality == self.Confidentiality.CONFIDENTIAL

    @property
    def published_late(self) -> bool:
        return bool(self.late_publication_reason)

    def derive_confidentiality(self) -> str:
        sections = list(self.sections.all())
        withheld = [section.is_withheld for section in sections]
        if withheld and all(withheld):
            return self.Confidentiality.CONFIDENTIAL
        if any(withheld) or self.appendices.filter(is_withheld=True).exists():
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

    # -- the sign-off workflow ------------------------------------------------------------
    # Each step is one method. It locks the row, checks the status and the actor, and records
    # the step (with a signature for each sign-off and for the decision) in one transaction;
    # whoever acts next is e-mailed once that has committed. A step not allowed now raises
    # WorkflowError, and the refused attempt is recorded too, after the rollback.

    @property
    def sign_off_steps(self) -> list[str]:
        """The sign-offs this decision needs before it is decided, as its form says."""
        template = self.template
        steps = []
        if template.requires_treasurer:
            steps.append(WorkflowStep.SIGN_OFF)
        if template.requires_monitoring_officer:
            steps.append(WorkflowStep.COMMENT)
        if self.is_force_business and template.requires_chief_officer_for_force_business:
            steps.append(WorkflowStep.APPROVE_FORCE_BUSINESS)
        return steps

    @property
    def next_step(self) -> str | None:
        """The step the decision waits for: a WorkflowStep (APPROVE stands for deciding)."""
        if self.status == DecisionStatus.DRAFT:
            return WorkflowStep.SUBMIT
        if self.status == DecisionStatus.APPROVED:
            return WorkflowStep.PUBLISH
        if self.status not in self.IN_FLIGHT:
            return None
        done = self.IN_FLIGHT.index(self.status)
        for step in self.sign_off_steps:
            if self.IN_FLIGHT.index(STATUS_AFTER[step]) > done:
                return step
        return WorkflowStep.APPROVE

    @property
    def waiting_for(self) -> str:
        """Whom the decision waits for, in words ('' once nothing more is expected)."""
        step = self.next_step
        return WAITING_FOR.get(step, "") if step else ""

    @property
    def edit_voids_signatures(self) -> bool:
        """True when editing the content now would return the record to draft and void its
        signatures: the workspace editor warns before such an edit."""
        return (
            self.status in self.IN_FLIGHT
            and self.signatures.filter(voided_at__isnull=True).exists()
        )

    @property
    def content_is_locked(self) -> bool:
        """True once decided: the content is what was signed and is not edited any more."""
        return self.status in self.DECIDED

    def content_matches_signatures(self) -> bool:
        """Whether every live signature still matches the content as it is now."""
        from decisions.workflow import content_hash

        current = content_hash(self)
        return all(
            signature.content_sha256 == current
            for signature in self.signatures.filter(voided_at__isnull=True)
        )

    def workflow_refusal(self, step: str, user) -> str | None:
        """Why `user` may not take `step` on this decision now, or None if they may."""
        from commissioning.roles import Role, has_role

        if user is None or not getattr(user, "is_authenticated", False):
            return "Sign in to do this."
        if step == WorkflowStep.EDIT:
            return None  # who may edit is the editor's question; this step only records it
        if step == WorkflowStep.SUBMIT:
            if not (user.pk == self.author_id or user.has_perm("decisions.change_decision")):
                return "Only its author or a commissioning officer can submit a decision."
            return None if self.step_is_open(step) else self._not_now(step)
        if step in SIGN_OFF_ROLES:
            role = Role(SIGN_OFF_ROLES[step])
            if not has_role(user, role):
                return f"Only the {role.label} can do this."
            if not self.step_is_open(step):
                return self._not_now(step)
            if step == WorkflowStep.SIGN_OFF and user.pk == self.author_id:
                return "You wrote this decision, so you cannot sign it off as the Treasurer."
            return self._second_signature_refusal(user)
        if step in (WorkflowStep.APPROVE, WorkflowStep.DECLINE):
            is_commissioner = has_role(user, Role.COMMISSIONER)
            delegations = [] if is_commissioner else self._delegations_of(user)
            if not is_commissioner and not delegations:
                return (
                    "Only the Police and Crime Commissioner, or an officer acting under a "
                    "delegation, can decide."
                )
            if not self.step_is_open(step):
                return self._not_now(step)
            if user.pk == self.author_id:
                return "You wrote this decision, so you cannot decide it."
            refusal = self._second_signature_refusal(user)
            if refusal or is_commissioner:
                return refusal
            return self._delegation_refusal(user, delegations)
        if step == WorkflowStep.RETURN_TO_DRAFT:
            if not self._is_signer_or_author(user):
                return "Only its author or one of its signers can return a decision to draft."
            return None if self.step_is_open(step) else self._not_now(step)
        if step in PUBLICATION_STEPS_FROM:
            if not user.has_perm("decisions.publish_decision"):
                return "Only a commissioning officer can do this."
            return None if self.step_is_open(step) else self._not_now(step)
        raise ValueError(f"Unknown workflow step {step!r}")

    def step_is_open(self, step: str) -> bool:
        """Whether `step` can be taken at this point in the decision's life by anyone at all.
        `workflow_refusal` refuses every step that is not open, whoever asks; the workflow
        panel asks this first, so it only works out who may take the steps that are open."""
        if step == WorkflowStep.EDIT:
            return True
        if step == WorkflowStep.SUBMIT:
            return self.status == DecisionStatus.DRAFT
        if step in SIGN_OFF_ROLES:
            return self.next_step == step
        if step in (WorkflowStep.APPROVE, WorkflowStep.DECLINE):
            return self.next_step == WorkflowStep.APPROVE
        if step == WorkflowStep.RETURN_TO_DRAFT:
            return self.status in self.IN_FLIGHT
        if step in PUBLICATION_STEPS_FROM:
            return self.status in PUBLICATION_STEPS_FROM[step]
        raise ValueError(f"Unknown workflow step {step!r}")

    def _delegations_of(self, user) -> list["Delegation"]:
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

    def _live_signatures(self) -> list["Signature"]:
        # `.all()` uses the signatures the page prefetched (for_workspace_page), if any.
        return [signature for signature in self.signatures.all() if signature.voided_at is None]

    def covering_delegation(self, user) -> "Delegation | None":
        """The delegation under which `user` may decide this decision today, if any."""
        from decisions.workflow import delegation_refusal, today

        on = today()
        for delegation in self._delegations_of(user):
            if delegation_refusal(delegation, self, on) is None:
                return delegation
        return None

    def _delegation_refusal(self, user, delegations) -> str | None:
        from decisions.workflow import delegation_refusal, today

        reasons = [delegation_refusal(delegation, self, today()) for delegation in delegations]
        if any(reason is None for reason in reasons):
            return None
        return reasons[0]

    def _second_signature_refusal(self, user) -> str | None:
        signed = next(
            (signature for signature in self._live_signatures() if signature.user_id == user.pk),
            None,
        )
        if signed is None:
            return None
        return (
            f"You have already signed this decision as {signed.capacity}. One person cannot "
            "give two sign-offs on the same decision."
        )

    def _is_signer_or_author(self, user) -> bool:
        from commissioning.roles import Role, has_role

        if user.pk == self.author_id:
            return True
        if any(signature.user_id == user.pk for signature in self._live_signatures()):
            return True
        if any(has_role(user, Role(SIGN_OFF_ROLES[step])) for step in self.sign_off_steps):
            return True
        return has_role(user, Role.COMMISSIONER) or self.covering_delegation(user) is not None

    def _not_now(self, step: str) -> str:
        """Why a step cannot be taken at this point, saying what happened last."""
        from decisions.workflow import in_words

        # `.all()` uses the steps the page prefetched (for_workspace_page), if any.
        allowed = [e for e in self.workflow_events.all() if e.outcome == WorkflowOutcome.ALLOWED]
        last = max(allowed, key=lambda event: (event.at, event.pk), default=None)
        if self.status in self.IN_FLIGHT:
            where = f"it is now {self.waiting_for[0].lower()}{self.waiting_for[1:]}"
        else:
            where = STATUS_IN_WORDS[self.status]
        if last is None:
            return f"This decision cannot be {STEP_VERBS[step]} now: {where}."
        return (
            f"This decision cannot be {STEP_VERBS[step]} now: {last.actor_name} "
            f"{EVENT_PHRASES[last.step]} on {in_words(last.at)}, and {where}."
        )

    def _take_step(self, step: str, *, by, comments: str = "", act) -> "WorkflowEvent":
        from decisions.workflow import WorkflowError, notifications_on, notify_after_step, now

        self.notification_warnings: list[str] = []
        from_status = self.status
        try:
            with transaction.atomic():
                decision = Decision.objects.select_for_update().get(pk=self.pk)
                from_status = decision.status
                refusal = decision.workflow_refusal(step, by)
                if refusal:
                    raise WorkflowError(refusal)
                try:
                    act(decision)
                    decision.full_clean(validate_unique=False)
                except WorkflowError:
                    raise
                except ValidationError as invalid:
                    raise WorkflowError(
                        f"This decision cannot be {STEP_VERBS[step]}: {' '.join(invalid.messages)}"
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
        from decisions.workflow import WorkflowError

        if not (text or "").strip():
            raise WorkflowError(message)
        return text.strip()

    def _record_statutory_comment(self, role: str, by, text: str) -> None:
        from decisions.workflow import today

        comment = StatutoryComment.objects.filter(decision=self, role=role).first()
        comment = comment or StatutoryComment(decision=self, role=role)
        comment.text = text
        comment.person = person_name(by)
        comment.user = by
        comment.made_on = today()
        comment._history_user = by
        comment.full_clean()
        comment.save()

    def _sign(self, step: str, by, capacity: str, delegation=None) -> "Signature":
        from decisions.workflow import content_hash, now

        signature = Signature(
            decision=self,
            step=step,
            user=by,
            name=person_name(by),
            capacity=capacity,
            delegation=delegation,
            signed_at=now(),
            content_sha256=content_hash(self),
        )
        signature._history_user = by
        signature.full_clean()
        signature.save()
        return signature

    def _void_signatures(self, *, by, reason: str) -> None:
        from decisions.workflow import now

        for signature in self.signatures.filter(voided_at__isnull=True):
            if signature.step == WorkflowStep.APPROVE_FORCE_BUSINESS:
                self.chief_officer_approved_on = None
            signature.voided_at = now()
            signature.void_reason = reason
            signature._history_user = by
            signature.save()

    def submit(self, *, by, comments: str = "") -> None:
        """Send the draft for sign-off (author or commissioning officer)."""

        def act(decision: Decision) -> None:
            decision._require(decision.summary, "Write the decision summary before submitting.")
            missing = [
                section.heading
                for section in decision.sections.filter(is_mandatory=True)
                if not section.text.strip()
            ]
            if missing:
                from decisions.workflow import WorkflowError

                raise WorkflowError(
                    "Complete these sections before submitting: " + "; ".join(missing) + "."
                )
            decision.status = DecisionStatus.SUBMITTED

        self._take_step(WorkflowStep.SUBMIT, by=by, comments=comments, act=act)

    submit.alters_data = True

    def sign_off(self, *, by, comments: str) -> None:
        """The Treasurer's sign-off, with the Treasurer's statutory comments."""
        from commissioning.roles import Role

        def act(decision: Decision) -> None:
            text = decision._require(comments, "Enter your comments as the Treasurer.")
            decision._record_statutory_comment(CommentRole.TREASURER, by, text)
            decision._sign(WorkflowStep.SIGN_OFF, by, Role.TREASURER.label)
            decision.status = DecisionStatus.SIGNED_OFF

        self._take_step(WorkflowStep.SIGN_OFF, by=by, comments=comments, act=act)

    sign_off.alters_data = True

    def comment(self, *, by, comments: str) -> None:
        """The Chief Executive and Monitoring Officer's comments, passed on to the next step."""
        from commissioning.roles import Role

        def act(decision: Decision) -> None:
            text = decision._require(
                comments, "Enter your comments as the Chief Executive and Monitoring Officer."
            )
            decision._record_statutory_comment(CommentRole.MONITORING_OFFICER, by, text)
            decision._sign(WorkflowStep.COMMENT, by, Role.MONITORING_OFFICER.label)
            decision.status = DecisionStatus.COMMENTED

        self._take_step(WorkflowStep.COMMENT, by=by, comments=comments, act=act)

    comment.alters_data = True

    def approve_force_business(self, *, by, comments: str = "") -> None:
        """The Chief Officer's approval of force business, before the PCC decides."""
        from commissioning.roles import Role
        from decisions.workflow import today

        def act(decision: Decision) -> None:
            if comments.strip():
                text = comments.strip()
                decision._record_statutory_comment(CommentRole.CHIEF_OFFICER, by, text)
            decision._sign(WorkflowStep.APPROVE_FORCE_BUSINESS, by, Role.CHIEF_OFFICER.label)
            decision.chief_officer_approved_on = today()
            decision.status = DecisionStatus.CHIEF_APPROVED

        self._take_step(WorkflowStep.APPROVE_FORCE_BUSINESS, by=by, comments=comments, act=act)

    approve_force_business.alters_data = True

    def _decide(self, step: str, by) -> None:
        """Record who decided, under what, on which day, and their signature."""
        from commissioning.roles import Role, has_role
        from decisions.workflow import today

        on = today()
        self.decided_on = self.decided_on or on
        self.signed_on = self.signed_on or on
        self.decision_maker_name = person_name(by)
        if has_role(by, Role.COMMISSIONER):
            self.decision_maker = DecisionMaker.PCC
            self.delegation = None
            self._sign(step, by, Role.COMMISSIONER.label)
        else:
            delegation = self.covering_delegation(by)
            self.decision_maker = DecisionMaker.DELEGATE
            self.delegation = delegation
            capacity = f"{delegation.delegate_role or 'Officer'} under {delegation.instrument}"
            self._sign(step, by, capacity, delegation=delegation)

    def approve(self, *, by, comments: str = "") -> None:
        """Approve and sign: the PCC, or an officer under a delegation covering it."""

        def act(decision: Decision) -> None:
            decision._decide(WorkflowStep.APPROVE, by)
            decision.status = DecisionStatus.APPROVED

        self._take_step(WorkflowStep.APPROVE, by=by, comments=comments, act=act)

    approve.alters_data = True

    def decline(self, *, by, comments: str) -> None:
        """Do not approve: a decision too, signed and dated, with the reasons."""

        def act(decision: Decision) -> None:
            decision._require(comments, "Say why the decision is not approved.")
            decision._decide(WorkflowStep.DECLINE, by)
            decision.status = DecisionStatus.NOT_APPROVED

        self._take_step(WorkflowStep.DECLINE, by=by, comments=comments, act=act)

    decline.alters_data = True

    def return_to_draft(self, *, by, comments: str) -> None:
        """Send the record back to its author with comments; its signatures are voided."""

        def act(decision: Decision) -> None:
            decision._require(comments, "Say what needs to change.")
            decision._void_signatures(by=by, reason=f"Returned to draft by {person_name(by)}.")
            decision.status = DecisionStatus.DRAFT

        self._take_step(WorkflowStep.RETURN_TO_DRAFT, by=by, comments=comments, act=act)

    return_to_draft.alters_data = True

    def content_edited(self, *, by) -> None:
        """Called after a section, the summary, an appendix or an award changes.

        Keeps the derived confidentiality in step. Signed content is frozen: if the content
        no longer matches a live signature, a record in sign-off returns to draft with its
        signatures voided (see `edit_voids_signatures` for the warning beforehand). An edit
        after the decision is recorded, and the signatures then show the mismatch.
        """
        from decisions.workflow import content_hash

        self.refresh_confidentiality(by=by)
        live = list(self.signatures.filter(voided_at__isnull=True))
        if not live:
            return
        current = content_hash(self)
        if all(signature.content_sha256 == current for signature in live):
            return

        def act(decision: Decision) -> None:
            if decision.status in Decision.IN_FLIGHT:
                decision._void_signatures(
                    by=by, reason="The content was changed after it was signed."
                )
                decision.status = DecisionStatus.DRAFT

        note = (
            "Edited after sign-off: returned to draft and the signatures voided."
            if self.status in self.IN_FLIGHT
            else "Edited after the decision: the content no longer matches the signatures."
        )
        self._take_step(WorkflowStep.EDIT, by=by, comments=note, act=act)

    content_edited.alters_data = True

    def publish(self, *, by, on=None) -> None:
        """Put the record on the public register and index its public text for search."""
        from decisions.publication import public_search_text
        from decisions.workflow import today

        def act(decision: Decision) -> None:
            decision.status = DecisionStatus.PUBLISHED
            decision.published_on = decision.published_on or on or today()
            decision.search_document = public_search_text(decision)

        self._take_step(WorkflowStep.PUBLISH, by=by, act=act)

    publish.alters_data = True

    def withdraw(self, *, by, reason: str) -> None:
        """Take a published record off the public register, saying why."""

        def act(decision: Decision) -> None:
            decision._require(reason, "Say why the decision is withdrawn from publication.")
            decision.status = DecisionStatus.WITHDRAWN

        self._take_step(WorkflowStep.WITHDRAW, by=by, comments=reason, act=act)

    withdraw.alters_data = True

    def supersede(self, *, by, by_decision: "Decision") -> None:
        """Mark the decision as superseded by a later one, and link the two."""
        from decisions.workflow import WorkflowError

        def act(decision: Decision) -> None:
            if by_decision.pk == decision.pk:
                raise WorkflowError("A decision cannot supersede itself.")
            later = Decision.objects.get(pk=by_decision.pk)
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
            decision.status = DecisionStatus.SUPERSEDED

        self._take_step(
            WorkflowStep.SUPERSEDE,
            by=by,
            comments=f"Superseded by {by_decision.reference}.",
            act=act,
        )

    supersede.alters_data = True

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


class DecisionSection(Withholdable):
    """One section of a decision, copied from its form and then its own."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="sections")
    template_section = models.ForeignKey(
        TemplateSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_sections",
    )
    position = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=200)
    part = models.CharField(max_length=100, blank=True)
    guidance = models.TextField(blank=True)
    is_mandatory = models.BooleanField(default=False)
    text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        # By the decision's key: ordering by "decision" would join every query of sections
        # to the decisions, to sort them in the decisions' own order first. The other parts
        # of a decision (and a contract's commissioners and extensions) are ordered the same.
        ordering = ["decision_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="decisionsection_unique_position"
            ),
            *withholding_constraints("decisionsection"),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.heading}"


def appendix_path(instance: "Appendix", filename: str) -> str:
    return f"appendices/{instance.decision.reference}/{filename}"


class Appendix(Withholdable):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="appendices")
    title = models.CharField(max_length=250)
    file = models.FileField(upload_to=appendix_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        verbose_name_plural = "appendices"
        constraints = withholding_constraints("appendix")

    def __str__(self) -> str:
        return self.title


class CommentRole(models.TextChoices):
    TREASURER = "treasurer", "Treasurer"
    MONITORING_OFFICER = "monitoring_officer", "Chief Executive and Monitoring Officer"
    CHIEF_OFFICER = "chief_officer", "Chief Officer"


class StatutoryComment(models.Model):
    Role = CommentRole

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="comments")
    role = models.CharField(max_length=30, choices=Role.choices)
    person = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField()
    made_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "role"], name="statutorycomment_one_per_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=CommentRole.values), name="statutorycomment_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Comments from the {self.get_role_display()}"


class Award(models.Model):
    """A grant or award made by a decision."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="awards")
    recipient = models.CharField(max_length=250)
    provider = models.ForeignKey(
        "contracts.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
    )
    amount = models.DecimalField("amount (£)", **MONEY)
    purpose = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")),
                name="award_amount_not_negative",
                violation_error_message="An award cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"£{self.amount:,} to {self.recipient}"


class LinkKind(models.TextChoices):
    FOLLOWS = "follows", "Follows"
    SUPERSEDES = "supersedes", "Supersedes"
    AMENDS = "amends", "Amends"


class DecisionLink(models.Model):
    """How one decision stands to another: it follows, supersedes or amends it."""

    Kind = LinkKind

    from_decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="links_out")
    to_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["from_decision_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_decision", "to_decision", "kind"], name="decisionlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_decision=models.F("to_decision")),
                name="decisionlink_not_to_itself",
                violation_error_message="A decision cannot refer to itself.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="decisionlink_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_decision.reference} {self.kind} {self.to_decision.reference}"


# -- the sign-off workflow: its steps, signatures and audit trail ----------------------------


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


class WorkflowOutcome(models.TextChoices):
    ALLOWED = "allowed", "Done"
    REFUSED = "refused", "Refused"


# The role (a commissioning.roles.Role value) each sign-off needs, and the status it leads to.
SIGN_OFF_ROLES = {
    WorkflowStep.SIGN_OFF: "Treasurer",
    WorkflowStep.COMMENT: "Chief Executive and Monitoring Officer",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "Chief Officer",
}
STATUS_AFTER = {
    WorkflowStep.SIGN_OFF: DecisionStatus.SIGNED_OFF,
    WorkflowStep.COMMENT: DecisionStatus.COMMENTED,
    WorkflowStep.APPROVE_FORCE_BUSINESS: DecisionStatus.CHIEF_APPROVED,
}
WAITING_FOR = {
    WorkflowStep.SUBMIT: "Waiting to be submitted for sign-off",
    WorkflowStep.SIGN_OFF: "Waiting for the Treasurer to sign it off",
    WorkflowStep.COMMENT: "Waiting for comments from the Chief Executive and Monitoring Officer",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "Waiting for the Chief Officer to approve it",
    WorkflowStep.APPROVE: "Waiting for the Police and Crime Commissioner to decide",
    WorkflowStep.PUBLISH: "Waiting to be published",
}
STATUS_IN_WORDS = {
    DecisionStatus.DRAFT: "it is a draft",
    DecisionStatus.APPROVED: "it has been approved and signed",
    DecisionStatus.NOT_APPROVED: "it was not approved",
    DecisionStatus.PUBLISHED: "it is published",
    DecisionStatus.WITHDRAWN: "it has been withdrawn from publication",
    DecisionStatus.SUPERSEDED: "it has been superseded",
}
STEP_VERBS = {
    WorkflowStep.SUBMIT: "submitted for sign-off",
    WorkflowStep.SIGN_OFF: "signed off",
    WorkflowStep.COMMENT: "commented on",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "approved by the Chief Officer",
    WorkflowStep.APPROVE: "approved",
    WorkflowStep.DECLINE: "turned down",
    WorkflowStep.RETURN_TO_DRAFT: "returned to draft",
    WorkflowStep.EDIT: "edited",
    WorkflowStep.PUBLISH: "published",
    WorkflowStep.WITHDRAW: "withdrawn from publication",
    WorkflowStep.SUPERSEDE: "marked as superseded",
}
EVENT_PHRASES = {
    WorkflowStep.SUBMIT: "submitted it for sign-off",
    WorkflowStep.SIGN_OFF: "signed it off as the Treasurer",
    WorkflowStep.COMMENT: "added comments as the Chief Executive and Monitoring Officer",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "approved it as the Chief Officer",
    WorkflowStep.APPROVE: "approved and signed it",
    WorkflowStep.DECLINE: "decided not to approve it",
    WorkflowStep.RETURN_TO_DRAFT: "returned it to draft",
    WorkflowStep.EDIT: "edited it after it was signed",
    WorkflowStep.PUBLISH: "published it",
    WorkflowStep.WITHDRAW: "withdrew it from publication",
    WorkflowStep.SUPERSEDE: "marked it as superseded",
}
# The buttons on the decision page, in the office's words, in the order shown.
# The statuses from which each publication step may be taken.
PUBLICATION_STEPS_FROM = {
    WorkflowStep.PUBLISH: (DecisionStatus.APPROVED, DecisionStatus.WITHDRAWN),
    WorkflowStep.WITHDRAW: (DecisionStatus.PUBLISHED,),
    WorkflowStep.SUPERSEDE: (
        DecisionStatus.APPROVED,
        DecisionStatus.PUBLISHED,
        DecisionStatus.WITHDRAWN,
    ),
}
ACTION_LABELS = {
    WorkflowStep.SUBMIT: "Submit for sign-off",
    WorkflowStep.SIGN_OFF: "Sign off",
    WorkflowStep.COMMENT: "Add comments and pass on",
    WorkflowStep.APPROVE_FORCE_BUSINESS: "Approve",
    WorkflowStep.APPROVE: "Approve and sign",
    WorkflowStep.DECLINE: "Do not approve",
    WorkflowStep.RETURN_TO_DRAFT: "Return to draft",
    WorkflowStep.WITHDRAW: "Withdraw from publication",
    WorkflowStep.SUPERSEDE: "Mark as superseded",
}
ACTION_STYLES = {
    WorkflowStep.DECLINE: "warning",
    WorkflowStep.RETURN_TO_DRAFT: "secondary",
    WorkflowStep.WITHDRAW: "warning",
    WorkflowStep.SUPERSEDE: "secondary",
}


def person_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    return user.get_full_name() or user.username


class SignatureMethod(models.TextChoices):
    ELECTRONIC = "electronic", "Signed electronically"
    WET = "wet", "Wet signature held in the office"


class Signature(models.Model):
    """An electronic signature: who signed, in what capacity, when, and a SHA-256 fingerprint
    of the content as signed (see decisions.workflow.signed_content).

    A signature is voided, never deleted, when the record returns to draft or its signed
    content is edited.
    """

    Step = WorkflowStep
    Method = SignatureMethod

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="signatures")
    method = models.CharField(
        max_length=20, choices=SignatureMethod.choices, default=SignatureMethod.ELECTRONIC
    )
    step = models.CharField(max_length=30, choices=WorkflowStep.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_signatures",
    )
    name = models.CharField(max_length=200)
    capacity = models.CharField("signed as", max_length=400)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    signed_at = models.DateTimeField()
    content_sha256 = models.CharField("SHA-256 of the content as signed", max_length=64)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_id", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "step"],
                condition=Q(voided_at__isnull=True),
                name="signature_one_live_per_step",
                violation_error_message="This step has already been signed.",
            ),
            models.UniqueConstraint(
                fields=["decision", "user"],
                condition=Q(voided_at__isnull=True, user__isnull=False),
                name="signature_one_live_per_person",
                violation_error_message="One person cannot give two sign-offs on one decision.",
            ),
            models.CheckConstraint(
                condition=models.lookups.Exact(models.functions.Length("content_sha256"), 64),
                name="signature_sha256_length",
            ),
            models.CheckConstraint(
                condition=Q(step__in=WorkflowStep.values), name="signature_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(method__in=SignatureMethod.values), name="signature_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="signature_void_has_reason",
                violation_error_message="Say why the signature is void.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.name}, {self.capacity}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class WorkflowEvent(models.Model):
    """The audit trail of the workflow: every step taken, and every attempt refused."""

    Step = WorkflowStep
    Outcome = WorkflowOutcome

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="workflow_events")
    step = models.CharField(max_length=30, choices=WorkflowStep.choices)
    outcome = models.CharField(max_length=10, choices=WorkflowOutcome.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workflow_events",
    )
    actor_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    comments = models.TextField("comments or reason", blank=True)
    refusal = models.TextField("why it was refused", blank=True)
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices, blank=True)

    class Meta:
        ordering = ["decision_id", "at", "pk"]
        indexes = [models.Index(fields=["decision", "at"], name="workflowevent_decision_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=WorkflowStep.values), name="workflowevent_step_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=WorkflowOutcome.values),
                name="workflowevent_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(Q(outcome=WorkflowOutcome.ALLOWED) & ~Q(to_status=""))
                | (Q(outcome=WorkflowOutcome.REFUSED) & Q(to_status="") & ~Q(refusal="")),
                name="workflowevent_outcome_consistent",
                violation_error_message=(
                    "A step taken records the status it led to; a refused one, the reason."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.reference}: {self.get_step_display()} ({self.outcome})"

    def save(self, *args, **kwargs):
        """Save, and copy a new event into the hash-chained audit log in the same transaction.

        This table can be edited by anyone with database access; the audit log's chain shows
        any such edit. Both are written together, so a step is never in one and not the other.
        """
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                self._add_to_audit_log()

    def _add_to_audit_log(self) -> None:
        from commissioning.audit import record

        refused = self.outcome == WorkflowOutcome.REFUSED
        record(
            f"workflow.{self.step}.refused" if refused else f"workflow.{self.step}",
            actor=self.actor,
            obj=self.decision,
            details={
                "reference": self.decision.reference,
                "event": self.pk,
                "outcome": self.outcome,
                "from_status": self.from_status,
                "to_status": self.to_status,
                "refusal": self.refusal,
                # When a loader replays a step taken on paper, the step's own time.
                "at": self.at,
            },
        )

    @property
    def was_refused(self) -> bool:
        return self.outcome == WorkflowOutcome.REFUSED

    @property
    def in_words(self) -> str:
        """'Demo Treasurer signed it off as the Treasurer on 15 June 2022 at 2:05pm'."""
        from decisions.workflow import in_words

        who = self.actor_name or "Someone"
        return f"{who} {EVENT_PHRASES[self.step]} on {in_words(self.at)}"

    @classmethod
    def record_refusal(
        cls, decision: Decision, step: str, by, comments: str, refusal: str, from_status: str
    ) -> "WorkflowEvent":
        """Record a refused attempt in its own transaction, after the step's rollback."""
        from decisions.workflow import now

        with transaction.atomic():
            event = cls(
                decision_id=decision.pk,
                step=step,
                outcome=WorkflowOutcome.REFUSED,
                actor=by if getattr(by, "pk", None) else None,
                actor_name=person_name(by),
                at=now(),
                # Kept as sent, less any NUL character (which PostgreSQL cannot store): a
                # refused attempt's comments come unchecked from the page.
                comments=(comments or "").replace("\x00", ""),
                refusal=refusal,
                from_status=from_status,
            )
            event.save()
        return event
