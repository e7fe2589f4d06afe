from django.contrib import admin

from commissioning.admin import RegisterAdmin, StackedInline, TabularInline
from contracts.models import (
    ArrangementPartner,
    ArrangementRisk,
    Commissioner,
    Contract,
    Extension,
    ExtensionBasis,
    JointArrangement,
    Lot,
    Notice,
    PartnerAsk,
    PartnerBody,
    PartnerPosition,
    ProcurementPhase,
    Programme,
    Provider,
)


@admin.register(Provider)
class ProviderAdmin(RegisterAdmin):
    list_display = ["name", "company_number", "charity_number", "is_sme", "is_vcse"]
    list_filter = ["is_sme", "is_vcse"]
    search_fields = ["name", "company_number", "charity_number"]


@admin.register(PartnerBody)
class PartnerBodyAdmin(RegisterAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class PhaseInline(StackedInline):
    model = ProcurementPhase
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(RegisterAdmin):
    list_display = ["title", "needs_assessment_on", "needs_assessment_by"]
    search_fields = ["title", "description"]
    list_filter = ["needs_assessment_on"]
    inlines = [PhaseInline]


class LotInline(TabularInline):
    model = Lot
    extra = 0


class PhaseNoticeInline(TabularInline):
    model = Notice
    fk_name = "phase"
    fields = ["kind", "identifier", "url", "published_on"]
    extra = 0


class ContractNoticeInline(PhaseNoticeInline):
    fk_name = "contract"


@admin.register(ProcurementPhase)
class ProcurementPhaseAdmin(RegisterAdmin):
    list_display = ["name", "programme", "starts_on", "ends_on", "route", "outcome"]
    list_filter = ["route", "outcome", "programme"]
    search_fields = ["name", "programme__title", "cpv_codes"]
    inlines = [LotInline, PhaseNoticeInline]


@admin.register(Lot)
class LotAdmin(RegisterAdmin):
    list_display = ["number", "title", "phase", "service_area", "is_new"]
    list_filter = ["is_new", "phase"]
    search_fields = ["title", "service_area"]
    list_select_related = ["phase__programme"]


class CommissionerInline(TabularInline):
    model = Commissioner
    extra = 0


class ExtensionInline(TabularInline):
    model = Extension
    extra = 0
    fields = [
        "kind",
        "previous_ends_on",
        "new_ends_on",
        "takes_effect_on",
        "basis",
        "authorising_decision",
        "reason",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Extensions are recorded through Contract.extend, which also moves the end date.
        return False


@admin.register(Contract)
class ContractAdmin(RegisterAdmin):
    list_display = ["reference", "title", "provider", "starts_on", "ends_on", "status"]
    list_filter = ["status", "route", "provider__is_sme", "provider__is_vcse", "ends_on"]
    search_fields = ["reference", "title", "provider__name"]
    list_select_related = ["provider"]
    date_hierarchy = "ends_on"
    inlines = [CommissionerInline, ExtensionInline, ContractNoticeInline]


@admin.register(Commissioner)
class CommissionerAdmin(RegisterAdmin):
    list_display = ["contract", "body", "role", "share"]
    list_filter = ["role"]
    search_fields = ["contract__reference", "body__name"]
    list_select_related = ["contract", "body"]


@admin.register(Extension)
class ExtensionAdmin(RegisterAdmin):
    list_display = ["contract", "kind", "previous_ends_on", "new_ends_on", "basis"]
    list_filter = ["kind", "basis"]
    search_fields = ["contract__reference", "reason", "authorising_decision__reference"]
    list_select_related = ["contract", "authorising_decision", "basis"]


@admin.register(ExtensionBasis)
class ExtensionBasisAdmin(RegisterAdmin):
    """The bases an officer may choose from when recording an extension."""

    list_display = ["label", "uses_option", "is_offered", "order"]
    list_editable = ["is_offered", "order"]
    list_filter = ["is_offered", "uses_option"]
    search_fields = ["label", "code"]
    prepopulated_fields = {"code": ["label"]}

    def get_readonly_fields(self, request, obj=None):
        # The code is the basis's key, which extensions cite: it is set once.
        return ["code"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields


@admin.register(Notice)
class NoticeAdmin(RegisterAdmin):
    list_display = ["__str__", "kind", "published_on", "contract", "phase"]
    list_filter = ["kind"]
    search_fields = ["identifier", "url", "contract__reference", "phase__name"]
    list_select_related = ["contract", "phase__programme"]


class PartnerInline(TabularInline):
    model = ArrangementPartner
    extra = 0


class RiskInline(StackedInline):
    model = ArrangementRisk
    extra = 0


class AskInline(StackedInline):
    model = PartnerAsk
    extra = 0


@admin.register(JointArrangement)
class JointArrangementAdmin(RegisterAdmin):
    list_display = ["title", "subject", "is_precedent"]
    list_filter = ["is_precedent"]
    search_fields = ["title", "subject", "description"]
    filter_horizontal = ["contracts"]
    inlines = [PartnerInline, RiskInline, AskInline]


class PositionInline(TabularInline):
    model = PartnerPosition
    extra = 0


@admin.register(ArrangementPartner)
class ArrangementPartnerAdmin(RegisterAdmin):
    list_display = ["body", "arrangement", "role"]
    list_filter = ["role"]
    search_fields = ["body__name", "arrangement__title"]
    inlines = [PositionInline]


@admin.register(PartnerPosition)
class PartnerPositionAdmin(RegisterAdmin):
    list_display = ["partner", "position", "as_of"]
    list_filter = ["position"]
    search_fields = ["partner__body__name", "note"]


@admin.register(ArrangementRisk)
class ArrangementRiskAdmin(RegisterAdmin):
    list_display = ["__str__", "arrangement", "likelihood", "impact", "owner"]
    list_filter = ["likelihood", "impact"]
    search_fields = ["description", "mitigation", "owner"]


@admin.register(PartnerAsk)
class PartnerAskAdmin(RegisterAdmin):
    list_display = ["__str__", "of_body", "status", "asked_on", "respond_by"]
    list_filter = ["status"]
    search_fields = ["request", "of_body__name"]
