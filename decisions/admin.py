from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError

from commissioning.admin import (
    ReadOnlyAdminMixin,
    RecordFormSet,
    RegisterAdmin,
    StackedInline,
    TabularInline,
)
from decisions.forms import WITHHOLDING_FIELDS
from decisions.internal_views import record_withheld_read
from decisions.models import (
    Appendix,
    Award,
    Decision,
    DecisionCategory,
    DecisionLink,
    DecisionSection,
    DecisionTemplate,
    Delegation,
    Signature,
    StatutoryComment,
    TemplateSection,
    WorkflowEvent,
)
from decisions.record_text import OTHER_PARTS, decision_too_long, part_characters


class TemplateSectionInline(TabularInline):
    model = TemplateSection
    extra = 0
    fields = ["position", "heading", "part", "is_mandatory", "guidance"]


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(RegisterAdmin):
    list_display = [
        "name",
        "reference_format",
        "requires_treasurer",
        "requires_monitoring_officer",
        "is_active",
    ]
    list_filter = ["is_active", "requires_treasurer", "requires_monitoring_officer"]
    search_fields = ["name", "description"]
    inlines = [TemplateSectionInline]


@admin.register(TemplateSection)
class TemplateSectionAdmin(RegisterAdmin):
    list_display = ["heading", "template", "position", "is_mandatory"]
    list_filter = ["template", "is_mandatory"]
    search_fields = ["heading", "guidance"]


@admin.register(DecisionCategory)
class DecisionCategoryAdmin(RegisterAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Delegation)
class DelegationAdmin(RegisterAdmin):
    list_display = ["delegate_name", "instrument", "starts_on", "ends_on", "value_limit"]
    list_filter = ["starts_on"]
    search_fields = ["delegate_name", "instrument", "scope"]
    filter_horizontal = ["categories"]


class WithheldReadsRecorded:
    """The admin pages of a decision or a section show withheld text: the change page, the
    list of its versions (each change with its old and new text) and a past version. As in
    the workspace (decisions.internal_views.record_withheld_read), who read them, and when,
    goes in the audit log whenever a withheld section is on the page. A save that succeeds
    redirects, and shows nothing; a refused one shows the form again, and is a read."""

    def _record_read(self, request, object_id, action: str, response):
        if response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                decision = obj if isinstance(obj, Decision) else obj.decision
                sections = decision.sections.all() if isinstance(obj, Decision) else [obj]
                record_withheld_read(action, request.user, decision, sections)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._record_read(request, object_id, "read.admin", response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._record_read(request, object_id, "read.admin_history", response)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        return self._record_read(request, object_id, "read.admin_history", response)


class DecisionPartsFormSet(RecordFormSet):
    """A formset of a decision's parts on its admin page: the record is counted as the
    workspace counts it (decisions.record_text), each section by its heading."""

    def record_problem(self) -> str | None:
        sections = None
        others: dict[str, int] = {}
        for formset in self.record_formsets or [self]:
            kept = formset.kept() if isinstance(formset, RecordFormSet) else []
            if formset.model is DecisionSection:
                sections = [(section, None) for section in kept]
            elif formset.model in PART_NAMES:
                others[PART_NAMES[formset.model]] = sum(
                    part_characters(formset.model, model_values(part)) for part in kept
                )
        return decision_too_long(self.instance, sections=sections, others=others)


def model_values(instance) -> dict[str, object]:
    fields = instance._meta.concrete_fields
    return {field.name: getattr(instance, field.attname) for field in fields}


PART_NAMES = {model: name for name, (model, _fields) in OTHER_PARTS.items()}


class SectionFormSet(DecisionPartsFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        wholly_withheld = bool(kept) and all(data.get("is_withheld") for data in kept)
        if wholly_withheld and not self.instance.public_subject:
            raise ValidationError(
                "Every section is withheld, so the decision is confidential: it needs a "
                "one-line subject for the public."
            )


class SectionInline(StackedInline):
    model = DecisionSection
    formset = SectionFormSet
    extra = 0
    fields = ["position", "heading", "part", "text", *WITHHOLDING_FIELDS]


class AppendixInline(TabularInline):
    model = Appendix
    formset = DecisionPartsFormSet
    extra = 0
    fields = ["title", "file", "is_withheld", "exemption", "public_interest_statement"]


class CommentInline(StackedInline):
    model = StatutoryComment
    formset = DecisionPartsFormSet
    extra = 0


class AwardInline(TabularInline):
    model = Award
    formset = DecisionPartsFormSet
    extra = 0


class LinkInline(TabularInline):
    model = DecisionLink
    formset = DecisionPartsFormSet
    fk_name = "from_decision"
    extra = 0
    raw_id_fields = ["to_decision"]


@admin.register(Decision)
class DecisionAdmin(WithheldReadsRecorded, RegisterAdmin):
    list_display = [
        "reference",
        "title",
        "status",
        "confidentiality",
        "category",
        "decided_on",
        "published_on",
    ]
    list_filter = [
        "status",
        "confidentiality",
        "category",
        "decision_maker",
        "is_force_business",
        "template",
        "decided_on",
    ]
    search_fields = ["reference", "title", "summary", "public_subject", "lead_officers"]
    list_select_related = ["category"]
    date_hierarchy = "decided_on"
    readonly_fields = ["confidentiality"]
    filter_horizontal = ["contracts", "programmes", "arrangements"]
    raw_id_fields = ["author"]
    inlines = [SectionInline, AppendixInline, CommentInline, AwardInline, LinkInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Confidentiality follows the sections, which are saved after the decision.
        form.instance.refresh_confidentiality(by=request.user)


@admin.register(DecisionSection)
class DecisionSectionAdmin(WithheldReadsRecorded, RegisterAdmin):
    list_display = ["heading", "decision", "is_withheld", "exemption"]
    list_filter = ["is_withheld", "exemption"]
    search_fields = ["heading", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(Appendix)
class AppendixAdmin(RegisterAdmin):
    list_display = ["title", "decision", "is_withheld", "exemption"]
    list_filter = ["is_withheld", "exemption"]
    search_fields = ["title", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(StatutoryComment)
class StatutoryCommentAdmin(RegisterAdmin):
    list_display = ["decision", "role", "person", "made_on"]
    list_filter = ["role"]
    search_fields = ["decision__reference", "person", "text"]
    list_select_related = ["decision"]


@admin.register(Award)
class AwardAdmin(RegisterAdmin):
    list_display = ["recipient", "amount", "decision"]
    search_fields = ["recipient", "purpose", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(DecisionLink)
class DecisionLinkAdmin(RegisterAdmin):
    list_display = ["from_decision", "kind", "to_decision"]
    list_filter = ["kind"]
    search_fields = ["from_decision__reference", "to_decision__reference"]
    list_select_related = ["from_decision", "to_decision"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdminMixin, RegisterAdmin):
    """Signatures are made by the workflow steps, bound to the content they sign: read only."""

    list_display = ["decision", "step", "name", "capacity", "signed_at", "voided_at"]
    list_filter = ["step", "signed_at"]
    search_fields = ["decision__reference", "name", "capacity"]
    list_select_related = ["decision"]

    # Signatures are made by the workflow steps, bound to the content they sign.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkflowEvent)
class WorkflowEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The workflow's audit trail: read only."""

    list_display = ["decision", "step", "outcome", "actor_name", "at", "from_status", "to_status"]
    list_filter = ["outcome", "step", "at"]
    search_fields = ["decision__reference", "actor_name", "comments", "refusal"]
    list_select_related = ["decision"]
