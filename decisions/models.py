"""Decision records, the office's form they are written on, and what they decide.

A decision's sections are copied from its template when it is created: changing the template
later never rewrites a decision already made on it.
"""

import re
import string
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
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
            self.reference_pattern()
            self.format_reference(1, timezone.localdate().year)
        except (KeyError, ValueError, IndexError) as error:
            raise ValidationError(
                {"reference_format": f"This format cannot be used: {error}."}
            ) from None
        if "{number" not in self.reference_format:
            raise ValidationError({"reference_format": "The format must contain {number}."})

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

    def published(self) -> "DecisionQuerySet":
        return self.filter(status=Decision.Status.PUBLISHED)

    def awaiting(self, user) -> "DecisionQuerySet":
        """Decisions whose next step is for this user's role."""
        from commissioning.roles import Role, roles_of

        waiting_on = {
            Role.TREASURER.value: [Decision.Status.SUBMITTED],
            Role.MONITORING_OFFICER.value: [Decision.Status.SIGNED_OFF],
            Role.CHIEF_OFFICER.value: [Decision.Status.COMMENTED],
            Role.COMMISSIONER.value: [
                Decision.Status.SIGNED_OFF,
                Decision.Status.COMMENTED,
                Decision.Status.CHIEF_APPROVED,
            ],
        }
        statuses = {s for role in roles_of(user) for s in waiting_on.get(role, [])}
        return self.filter(status__in=statuses) if statuses else self.none()


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

    def content_edited(self, *, by) -> None:
        """Called after a section, the summary or an appendix changes.

        Keeps the derived confidentiality in step. (The sign-off workflow extends this: signed
        content is frozen, so an edit after sign-off returns the record to draft.)
        """
        self.refresh_confidentiality(by=by)

    content_edited.alters_data = True

    def publish(self, *, by, on=None) -> None:
        """Put the record on the public register and index its public text for search."""
        from decisions.publication import public_search_text

        with transaction.atomic():
            self.status = Decision.Status.PUBLISHED
            self.published_on = self.published_on or on or timezone.localdate()
            self.search_document = public_search_text(self)
            self._history_user = by
            self.save()

    publish.alters_data = True

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
        ordering = ["decision", "position"]
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
        ordering = ["decision", "pk"]
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
        ordering = ["decision", "pk"]
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
        ordering = ["decision", "pk"]
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
        ordering = ["from_decision", "kind"]
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
