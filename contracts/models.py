"""Contracts, providers, procurement and the partners an office commissions with.

Every model keeps its history (django-simple-history) and states its invariants as database
constraints, so that a rule holds whichever way a row is written.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from commissioning.constraints import ChecksChangedConstraints, choice_valid
from commissioning.dates import PreciseDateAttribute, precision_field, precisions_valid
from contracts.cpv import cpv_codes_constraint, parse_cpv_codes
from contracts.listing import public_order_index

MONEY = {"max_digits": 14, "decimal_places": 2}


class Provider(models.Model):
    name = models.CharField(max_length=200, unique=True)
    company_number = models.CharField("Companies House number", max_length=20, blank=True)
    charity_number = models.CharField("charity number", max_length=20, blank=True)
    is_sme = models.BooleanField("small or medium-sized enterprise (SME)", default=False)
    is_vcse = models.BooleanField("voluntary, community or social enterprise (VCSE)", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace:provider-detail", args=[self.pk])

    @property
    def registration_number(self) -> str:
        return self.company_number or self.charity_number


class PartnerKind(models.TextChoices):
    COUNTY_COUNCIL = "county_council", "County council"
    CITY_COUNCIL = "city_council", "City council"
    DISTRICT_COUNCIL = "district_council", "District council"
    UNITARY_COUNCIL = "unitary_council", "Unitary council"
    PROBATION = "probation", "Ministry of Justice / Probation Service"
    NHS = "nhs", "NHS body"
    OPCC = "opcc", "Another OPCC"
    OTHER = "other", "Other"


class PartnerBody(models.Model):
    Kind = PartnerKind

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner bodies"
        constraints = [
            choice_valid("kind", PartnerKind, "partnerbody_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace:partner-detail", args=[self.pk])


class Programme(models.Model):
    """A commissioning cycle: a needs assessment, then procurement in phases and lots."""

    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    needs_assessment_on = models.DateField("needs assessment completed", null=True, blank=True)
    needs_assessment_by = models.CharField("needs assessment by", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "commissioning programme"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workspace:programme-detail", args=[self.pk])


# The dates of a contract and of a procurement phase, each with its precision.
CONTRACT_DATES = ["starts_on", "ends_on", "review_on"]
PHASE_DATES = ["starts_on", "ends_on", "prior_information_notice_on", "service_starts_on"]


class ProcurementRoute(models.TextChoices):
    QUOTATION = "quotation", "Quotation"
    PUBLISHED_TENDER = "published_tender", "Published tender"
    FRAMEWORK = "framework", "Framework call-off"
    DIRECT_AWARD = "direct_award", "Direct award"


def validate_cpv_codes(value: str) -> None:
    if value and parse_cpv_codes(value) != value:
        raise ValidationError(
            "CPV codes must be written like 85312300-2, separated by semicolons",
            code="invalid_cpv",
        )


def cpv_codes_field() -> models.CharField:
    return models.CharField(
        "CPV codes",
        max_length=400,
        blank=True,
        validators=[validate_cpv_codes],
        help_text="Common Procurement Vocabulary codes, like 85312300-2.",
    )


class PhaseOutcome(models.TextChoices):
    COMPLETED = "completed", "Completed"
    ABORTED = "aborted", "Aborted"
    FAILED = "failed", "Failed"
    RETENDERED = "retendered", "Re-tendered"


class PhaseQuerySet(models.QuerySet):
    def in_window(self, start: datetime.date, end: datetime.date) -> "PhaseQuerySet":
        """Phases with a date in [start, end): running then, or a notice or a start then."""

        def dated(name: str) -> Q:
            return Q(**{f"{name}__gte": start, f"{name}__lt": end})

        return self.filter(
            Q(starts_on__lt=end, ends_on__gte=start)
            | dated("starts_on")
            | dated("prior_information_notice_on")
            | dated("service_starts_on")
        )


class ProcurementPhase(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=200)
    # Each date with its precision: a day, a month or a year (commissioning.dates).
    starts_on = models.DateField(null=True, blank=True)
    starts_on_precision = precision_field()
    ends_on = models.DateField(null=True, blank=True)
    ends_on_precision = precision_field()
    prior_information_notice_on = models.DateField(
        "Prior Information Notice published", null=True, blank=True
    )
    prior_information_notice_on_precision = precision_field()
    route = models.CharField(max_length=30, choices=ProcurementRoute.choices, blank=True)
    service_starts_on = models.DateField("new services start", null=True, blank=True)
    service_starts_on_precision = precision_field()
    description = models.TextField(blank=True)
    cpv_codes = cpv_codes_field()
    tender_value = models.DecimalField("value of the tender (£)", **MONEY, null=True, blank=True)
    number_of_bids = models.PositiveIntegerField("bids received", null=True, blank=True)
    outcome = models.CharField(
        max_length=20,
        choices=PhaseOutcome.choices,
        blank=True,
        help_text="How the phase ended. Empty while it is not recorded.",
    )

    objects = PhaseQuerySet.as_manager()
    history = HistoricalRecords()

    starts = PreciseDateAttribute("starts_on")
    ends = PreciseDateAttribute("ends_on")
    prior_information_notice = PreciseDateAttribute("prior_information_notice_on")
    service_starts = PreciseDateAttribute("service_starts_on")

    class Meta:
        ordering = ["programme", "starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="procurementphase_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on"))
                | ~Q(ends_on_precision="day"),
                name="procurementphase_ends_after_start",
                violation_error_message="The phase must end on or after the day it starts.",
            ),
            precisions_valid("procurementphase_date_precisions_valid", PHASE_DATES),
            cpv_codes_constraint("procurementphase"),
            models.CheckConstraint(
                condition=Q(tender_value__isnull=True) | Q(tender_value__gte=0),
                name="procurementphase_tender_value_not_negative",
                violation_error_message="The value of the tender cannot be negative.",
            ),
            choice_valid("outcome", PhaseOutcome, "procurementphase_outcome_valid", or_blank=True),
            choice_valid("route", ProcurementRoute, "procurementphase_route_valid", or_blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class Lot(models.Model):
    phase = models.ForeignKey(ProcurementPhase, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    service_area = models.CharField(max_length=200, blank=True)
    is_new = models.BooleanField(
        "new lot", default=False, help_text="New in this cycle rather than carried over."
    )
    cpv_codes = cpv_codes_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "number"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "number"], name="lot_unique_number"),
            cpv_codes_constraint("lot"),
        ]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class ContractQuerySet(models.QuerySet):
    def with_parties(self) -> "ContractQuerySet":
        return self.select_related("provider", "lot__phase").prefetch_related("commissioners__body")

    def at_risk(self, today: datetime.date | None = None) -> "ContractQuerySet":
        """Running contracts ending within 12 months with nothing on record about what next.

        Nothing on record means no extension or variation and no decision linked to the
        contract (other than one not approved or withdrawn): the situation of seed 000, where
        two contracts with no extension options left needed an emergency exemption. A contract
        whose end has already passed while it is still marked running is the oldest risk of
        all, so it is included; the soonest end comes first.
        """
        from django.utils import timezone

        from decisions.models import Decision

        today = today or timezone.localdate()
        try:
            horizon = today.replace(year=today.year + 1)
        except ValueError:  # 29 February
            horizon = today.replace(year=today.year + 1, day=28)
        dead_ends = [Decision.Status.NOT_APPROVED, Decision.Status.WITHDRAWN]
        decided_about = Decision.contracts.through.objects.filter(
            contract=models.OuterRef("pk")
        ).exclude(decision__status__in=dead_ends)
        return (
            self.filter(
                status__in=[ContractStatus.PLANNED, ContractStatus.ACTIVE], ends_on__lte=horizon
            )
            .exclude(models.Exists(Extension.objects.filter(contract=models.OuterRef("pk"))))
            .exclude(models.Exists(decided_about))
            .select_related("provider", "lot__phase")
            .order_by("ends_on", "reference")
        )

    def value_not_recorded(self) -> "ContractQuerySet":
        """Listed (not planned) contracts with no value: for an officer to complete."""
        unvalued = self.filter(total_value__isnull=True, annual_value__isnull=True)
        return unvalued.exclude(status=ContractStatus.PLANNED).select_related("provider")

    def for_register(self) -> "ContractQuerySet":
        """What the workspace's contract register shows of each contract."""
        return self.select_related("provider", "lot__phase__programme")

    def for_timeline(self) -> "ContractQuerySet":
        """Each contract with its extensions and the decisions about it, for the timeline.

        The extensions come with their authorising decisions in the same query."""
        return self.for_register().prefetch_related(
            "decisions",
            models.Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("authorising_decision", "basis"),
            ),
        )


class ContractStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    TERMINATED = "terminated", "Terminated early"


class Contract(ChecksChangedConstraints):
    Status = ContractStatus

    reference = models.CharField(max_length=60, unique=True)
    title = models.CharField("service", max_length=250)
    description = models.TextField(blank=True)
    department = models.CharField(max_length=200, blank=True)
    # Not known at a preferred-bidder stage, in a re-tender, or on an old register row.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts"
    )
    # Each date with its precision (commissioning.dates); empty when not known.
    starts_on = models.DateField(null=True, blank=True)
    starts_on_precision = precision_field()
    ends_on = models.DateField(null=True, blank=True)
    ends_on_precision = precision_field()
    review_on = models.DateField("review date", null=True, blank=True)
    review_on_precision = precision_field()
    total_value = models.DecimalField("value over the term (£)", **MONEY, null=True, blank=True)
    annual_value = models.DecimalField("annual value (£)", **MONEY, null=True, blank=True)
    irrecoverable_vat = models.DecimalField("irrecoverable VAT (£)", **MONEY, null=True, blank=True)
    extension_options_remaining = models.PositiveSmallIntegerField(default=0)
    route = models.CharField(max_length=30, choices=ProcurementRoute.choices, blank=True)
    cpv_codes = cpv_codes_field()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContractQuerySet.as_manager()
    history = HistoricalRecords()

    starts = PreciseDateAttribute("starts_on")
    ends = PreciseDateAttribute("ends_on")
    review = PreciseDateAttribute("review_on")

    class Meta:
        # A contract whose end is not known sorts last.
        ordering = [models.F("ends_on").asc(nulls_last=True), "reference"]
        indexes = [
            models.Index(fields=["ends_on"], name="contract_ends_on_idx"),
            public_order_index(),
        ]
        constraints = [
            precisions_valid("contract_date_precisions_valid", CONTRACT_DATES),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on"))
                # "2023" may be any day of the year: only an end to the day is compared.
                | ~Q(ends_on_precision="day"),
                name="contract_ends_after_start",
                violation_error_message="The contract must end on or after the day it starts.",
            ),
            models.CheckConstraint(
                condition=Q(total_value__isnull=True) | Q(total_value__gte=0),
                name="contract_total_value_not_negative",
                violation_error_message="The value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0),
                name="contract_annual_value_not_negative",
                violation_error_message="The annual value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(irrecoverable_vat__isnull=True) | Q(irrecoverable_vat__gte=0),
                name="contract_vat_not_negative",
                violation_error_message="Irrecoverable VAT cannot be negative.",
            ),
            choice_valid("status", ContractStatus, "contract_status_valid"),
            choice_valid("route", ProcurementRoute, "contract_route_valid", or_blank=True),
            cpv_codes_constraint("contract"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("workspace:contract-detail", args=[self.pk])

    @property
    def value(self) -> Decimal | None:
        return self.total_value if self.total_value is not None else self.annual_value

    def extend(
        self,
        *,
        new_end: datetime.date,
        reason: str,
        basis: "ExtensionBasis | str",
        by,
        authorising_decision=None,
        kind: "Extension.Kind | None" = None,
        takes_effect_on: datetime.date | None = None,
    ) -> "Extension":
        """Record an extension and move the contract's end date in one transaction.

        `basis` is an `ExtensionBasis` or its code. An extension on a basis that uses an
        option in the contract uses that option up; one on any other basis (an exemption from
        the Finance and Contract Regulations, say) leaves the options as they were.
        """
        if not isinstance(basis, ExtensionBasis):
            basis = ExtensionBasis.objects.get(code=basis)
        with transaction.atomic():
            contract = Contract.objects.select_for_update().get(pk=self.pk)
            if contract.ends_on is None:
                raise ValidationError(
                    {"new_end": "The contract's end date is not recorded: add it first."}
                )
            uses_option = basis.uses_option
            if uses_option and contract.extension_options_remaining < 1:
                raise ValidationError(
                    {"basis": "The contract has no extension options left: it needs another basis."}
                )
            extension = Extension(
                contract=contract,
                kind=kind or Extension.Kind.EXTENSION,
                previous_ends_on=contract.ends_on,
                previous_ends_on_precision=contract.ends_on_precision,
                new_ends_on=new_end,
                reason=reason,
                basis=basis,
                takes_effect_on=takes_effect_on,
                authorising_decision=authorising_decision,
            )
            extension._history_user = by
            extension.full_clean()
            extension.save()
            contract.ends = new_end  # a day
            if uses_option:
                contract.extension_options_remaining -= 1
            contract._history_user = by
            contract._change_reason = f"Extended to {new_end:%-d %B %Y}: {reason}"[:100]
            contract.full_clean()
            contract.save()
        self.refresh_from_db()
        return extension

    extend.alters_data = True


class CommissionerRole(models.TextChoices):
    LEAD = "lead", "Lead commissioner"
    CO = "co", "Co-commissioner"
    FUNDER = "funder", "Funder"
    HOLDER = "holder", "Contract holder"


class Commissioner(models.Model):
    """One body commissioning a contract. No body means this office itself."""

    Role = CommissionerRole

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="commissioners")
    body = models.ForeignKey(
        PartnerBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commissioned",
        help_text="Leave empty for this office.",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    share = models.DecimalField("share (%)", max_digits=5, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "body"], name="commissioner_unique_body"),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(body__isnull=True),
                name="commissioner_unique_this_office",
                violation_error_message="This office is already a commissioner of the contract.",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gte=0) & Q(share__lte=100)),
                name="commissioner_share_0_to_100",
                violation_error_message="A share must be between 0 and 100 per cent.",
            ),
            choice_valid("role", CommissionerRole, "commissioner_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.body_name} ({self.get_role_display()})"

    @property
    def body_name(self) -> str:
        return self.body.name if self.body_id else settings.OFFICE_NAME

    def clean(self) -> None:
        if self.share is None or not self.contract_id or not 0 <= self.share <= 100:
            return  # the share's own range is checked by its constraint
        others = (
            Commissioner.objects.filter(contract_id=self.contract_id)
            .exclude(pk=self.pk)
            .aggregate(total=models.Sum("share"))["total"]
            or 0
        )
        if others + self.share > 100:
            raise ValidationError(
                {"share": f"Shares would add up to {others + self.share}%: no more than 100%."}
            )


class NoticeKind(models.TextChoices):
    FIND_A_TENDER = "find_a_tender", "Find a Tender"
    CONTRACTS_FINDER = "contracts_finder", "Contracts Finder"
    OTHER = "other", "Other"


class Notice(models.Model):
    """A notice published outside the register about a procurement phase or a contract: a
    Find a Tender or Contracts Finder notice, or another service's. Each of its facts may be
    unknown, but it says at least where it is or what it is called."""

    Kind = NoticeKind

    phase = models.ForeignKey(
        ProcurementPhase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    kind = models.CharField("published on", max_length=30, choices=Kind.choices)
    identifier = models.CharField(
        "notice identifier", max_length=100, blank=True, help_text="For example, 2023/S 000-012345."
    )
    url = models.CharField(
        "address",
        max_length=500,
        blank=True,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message="Enter the notice's web address, starting https:// or http://",
            )
        ],
        help_text="The notice's web address, starting https://",
    )
    published_on = models.DateField("date published", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        # Oldest first; a notice whose date is not recorded last, on every database.
        ordering = [models.F("published_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__isnull=True, contract__isnull=False)
                | Q(phase__isnull=False, contract__isnull=True),
                name="notice_of_a_phase_or_a_contract",
                violation_error_message="A notice belongs to a procurement phase or a contract.",
            ),
            choice_valid("kind", NoticeKind, "notice_kind_valid"),
            models.CheckConstraint(
                condition=~Q(identifier="", url=""),
                name="notice_identified",
                violation_error_message="Give the notice's identifier, its address or both.",
            ),
            models.CheckConstraint(
                condition=Q(url="")
                | Q(url__istartswith="http://")
                | Q(url__istartswith="https://"),
                name="notice_address_is_web",
                violation_error_message="Enter the notice's web address, starting https:// or "
                "http://",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} notice {self.identifier or self.url}"

    def get_absolute_url(self) -> str:
        if self.contract_id:
            return self.contract.get_absolute_url()
        return self.phase.programme.get_absolute_url()


class ExtensionKind(models.TextChoices):
    EXTENSION = "extension", "Extension"
    VARIATION = "variation", "Variation"


class ExtensionBasis(models.Model):
    """A ground on which a contract may be extended or varied, in the office's own words.

    Administrators keep the list in the admin. A basis an extension cites cannot be deleted;
    one no longer used is taken off the form ("offered") and kept for the record. The first
    list (migration 0008) has the codes below, which the demo and the tests name."""

    CONTRACT_OPTION = "option"
    EXEMPTION = "exemption"
    PROCUREMENT_ABORTED = "procurement_aborted"

    code = models.SlugField(
        primary_key=True,
        max_length=40,
        help_text="A short name for the basis in data and addresses; it cannot be changed later.",
    )
    label = models.CharField("wording", max_length=200, unique=True)
    uses_option = models.BooleanField(
        "uses up one of the contract's extension options",
        default=False,
        help_text="Only a contract with an option left can be extended on this basis.",
    )
    is_offered = models.BooleanField(
        "offered for new extensions",
        default=True,
        help_text="Untick to keep the basis for past extensions but offer it no more.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "label"]
        verbose_name = "extension basis"
        verbose_name_plural = "extension bases"

    def __str__(self) -> str:
        return self.label


class Extension(models.Model):
    """An extension or variation of a contract, with what authorised it."""

    Kind = ExtensionKind

    Basis = ExtensionBasis

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EXTENSION)
    previous_ends_on = models.DateField("end date before")
    # The contract's end may have been known only to the month or the year.
    previous_ends_on_precision = precision_field()
    new_ends_on = models.DateField("new end date")
    reason = models.TextField()
    basis = models.ForeignKey(
        ExtensionBasis,
        on_delete=models.PROTECT,
        db_column="basis",
        related_name="extensions",
        verbose_name="legal basis",
    )
    takes_effect_on = models.DateField(
        "takes effect on",
        null=True,
        blank=True,
        help_text="When the extension or variation took effect, if known.",
    )
    authorising_decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    previous_ends = PreciseDateAttribute("previous_ends_on")

    class Meta:
        ordering = ["contract_id", "new_ends_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="variation") | Q(new_ends_on__gt=models.F("previous_ends_on")),
                name="extension_ends_after_current_end",
                violation_error_message="An extension must end after the contract's current end.",
            ),
            choice_valid("kind", ExtensionKind, "extension_kind_valid"),
            precisions_valid("extension_date_precisions_valid", ["previous_ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.contract.reference} to {self.new_ends_on}"


class JointArrangement(models.Model):
    """Partners commissioning a service together, and how their positions move."""

    title = models.CharField(max_length=250, unique=True)
    subject = models.CharField(max_length=250, help_text="The service being commissioned.")
    description = models.TextField(blank=True)
    is_precedent = models.BooleanField(
        default=False, help_text="An established arrangement cited as an example to follow."
    )
    contracts = models.ManyToManyField(Contract, blank=True, related_name="arrangements")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[contracts])

    class Meta:
        ordering = ["title"]
        verbose_name = "joint commissioning arrangement"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workspace:arrangement-detail", args=[self.pk])


class ArrangementPartner(models.Model):
    arrangement = models.ForeignKey(
        JointArrangement, on_delete=models.CASCADE, related_name="partners"
    )
    body = models.ForeignKey(PartnerBody, on_delete=models.PROTECT, related_name="arrangements")
    role = models.CharField(max_length=20, choices=Commissioner.Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "body__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "body"], name="arrangementpartner_unique_body"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} in {self.arrangement}"

    @property
    def current_position(self) -> "PartnerPosition | None":
        positions = list(self.positions.all())
        return max(positions, key=lambda p: (p.as_of, p.pk)) if positions else None


class Position(models.TextChoices):
    COMMITTED = "committed", "Committed"
    CONSIDERING = "considering", "Considering"
    SEPARATE = "separate", "Proceeding separately"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PartnerPosition(models.Model):
    Position = Position

    partner = models.ForeignKey(
        ArrangementPartner, on_delete=models.CASCADE, related_name="positions"
    )
    position = models.CharField(max_length=20, choices=Position.choices)
    as_of = models.DateField("from")
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partner", "as_of", "pk"]
        get_latest_by = "as_of"
        # The dashboard asks for the positions of the last 90 days on every visit.
        indexes = [models.Index(fields=["as_of"], name="partnerposition_as_of_idx")]
        constraints = [
            choice_valid("position", Position, "partnerposition_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.partner.body}: {self.get_position_display()} from {self.as_of}"


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ArrangementRisk(models.Model):
    arrangement = models.ForeignKey(
        JointArrangement, on_delete=models.CASCADE, related_name="risks"
    )
    description = models.TextField()
    likelihood = models.CharField(max_length=10, choices=Level.choices)
    impact = models.CharField(max_length=10, choices=Level.choices)
    mitigation = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "pk"]
        verbose_name = "risk"
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__in=Level.values) & Q(impact__in=Level.values),
                name="arrangementrisk_levels_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class AskStatus(models.TextChoices):
    OPEN = "open", "Open"
    AGREED = "agreed", "Agreed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PartnerAsk(models.Model):
    Status = AskStatus

    arrangement = models.ForeignKey(JointArrangement, on_delete=models.CASCADE, related_name="asks")
    of_body = models.ForeignKey(PartnerBody, on_delete=models.PROTECT, related_name="asks")
    request = models.TextField("what we asked")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    asked_on = models.DateField()
    respond_by = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["arrangement", "asked_on", "pk"]
        verbose_name = "ask of a partner"
        constraints = [
            choice_valid("status", AskStatus, "partnerask_status_valid"),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("asked_on")),
                name="partnerask_resolved_after_asked",
                violation_error_message="An ask cannot be resolved before it was made.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request[:60]} ({self.of_body})"
