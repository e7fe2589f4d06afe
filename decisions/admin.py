from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

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
    DecisionStatus,
    DecisionTemplate,
    Delegation,
    FieldValue,
    FormElement,
    Office,
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


class FormElementForm(forms.ModelForm):
    """One element of a form's layout. Its place is a number to sort by, not the stored
    position: the elements are numbered 1, 2, 3... again on saving, so that moving several
    at once (or giving two the same place) is never refused."""

    place = forms.IntegerField(
        min_value=1,
        max_value=999,
        required=False,
        help_text="Its place in the form. Empty: at the end.",
    )

    class Meta:
        model = FormElement
        fields = [
            "kind",
            "label",
            "part",
            "is_public",
            "is_required",
            "text",
            "name",
            "field_type",
            "choices",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].initial = self.instance.position
        self.fields["text"].widget.attrs["rows"] = 2
        self.fields["choices"].widget.attrs["rows"] = 1


class FormElementInline(StackedInline):
    """The form's layout on its page: each element on three labelled lines (what it is and
    where; the printed wording; and, for a field of the form's own, its name, type and
    choices), so that the page fits a 1,280-pixel screen."""

    model = FormElement
    form = FormElementForm
    extra = 0
    verbose_name = "element of the record"
    verbose_name_plural = "The record's elements, in the form's order"
    fieldsets = [
        (None, {"fields": [("place", "kind", "label", "part"), ("is_public", "is_required")]}),
        (
            "Printed wording, or a field of the form's own",
            {"fields": ["text", ("name", "field_type", "choices")], "classes": ["collapse"]},
        ),
    ]


@admin.register(Office)
class OfficeAdmin(RegisterAdmin):
    list_display = ["name", "address"]
    search_fields = ["name"]
    fields = ["name", "logo", "logo_description", "address", "approval_statement"]


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(RegisterAdmin):
    list_display = [
        "name",
        "reference_format",
        "requires_treasurer",
        "requires_monitoring_officer",
        "is_active",
    ]
    list_filter = ["is_active", "office", "requires_treasurer", "requires_monitoring_officer"]
    search_fields = ["name", "description"]
    inlines = [TemplateSectionInline, FormElementInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if not form.instance.elements.exists():
            # A new form starts from the register's first layout, to edit.
            form.instance.lay_out_default(by=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not FormElement:
            super().save_formset(request, form, formset, change)
            return
        changed = formset.save(commit=False)
        for element in formset.deleted_objects:
            element._history_user = request.user
            element.delete()
        kept = [
            (each.cleaned_data.get("place") or 1000, index, each.instance)
            for index, each in enumerate(formset.forms)
            if each.instance.pk is not None or each.has_changed()
            if each.instance not in formset.deleted_objects
        ]
        order = [element for _place, _index, element in sorted(kept, key=lambda k: k[:2])]
        form.instance.save_in_order(
            order, by=request.user, changed=frozenset(e for e in changed if e.pk)
        )


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


# --- A decision once submitted is changed only by the workspace's steps --------------------
# The admin edits a draft, and nothing else: once submitted, a decision's content, sections,
# appendices, comments, awards, links and withholding are what was (or will be) signed and
# published, and they change only through the workspace's steps (return to draft, correct,
# release, withdraw), which keep the signatures, the public record and its search text in
# step. A save of a draft, or of a part of one, goes through the same model method as the
# workspace editor's (Decision.content_edited), in the admin's transaction.

# Set by the workflow's steps, never by hand, even on a draft.
WORKFLOW_FIELDS = [
    "status",
    "confidentiality",
    "search_document",
    "decided_on",
    "signed_on",
    "published_on",
]


def is_open_to_admin(decision: Decision | None) -> bool:
    """Whether the admin may change the decision (None: one not made yet) or its parts."""
    return decision is None or decision.status == DecisionStatus.DRAFT


def workspace_pointer(decision: Decision):
    url = reverse("workspace:decision-detail", args=[decision.reference])
    return format_html(
        "{} is {}: it cannot be changed here once submitted. Use its page in the workspace "
        '(<a href="{}">{}</a>) to return it to draft and correct it, release a withheld '
        "part, or withdraw it.",
        decision.reference,
        decision.get_status_display().lower(),
        url,
        url,
    )


def locked_draft(decision_pk: int, user) -> Decision:
    """The decision's row, locked until the admin's transaction ends, if it is still a draft
    (it may have been submitted since the form was shown); refused otherwise."""
    decision = Decision.objects.select_for_update().get(pk=decision_pk)
    if not is_open_to_admin(decision):
        raise PermissionDenied("The decision has been submitted: it is changed in the workspace.")
    return decision


class OpenWhileDraft:
    """Changed and deleted in the admin only while the decision (the record itself, or the
    one its `decision_field` names) is a draft."""

    decision_field = "decision"

    def decision_of(self, obj) -> Decision | None:
        if obj is None or isinstance(obj, Decision):
            return obj
        return getattr(obj, self.decision_field)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_open_to_admin(self.decision_of(obj)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_open_to_admin(self.decision_of(obj)) and super().has_delete_permission(
            request, obj
        )


class SubmittedDecisionPartsLocked(OpenWhileDraft):
    """An inline of the decision's admin (`obj` is then the decision): read only, and no part
    added or deleted, once the decision is submitted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return is_open_to_admin(obj) and super().has_add_permission(request, obj)


class SubmittedDecisionsLocked(OpenWhileDraft):
    """The decision's admin, and each separate admin of its parts: a submitted decision (or a
    part of one) is shown read only, with a pointer to the workspace; no bulk delete; no
    revert to a past version (the workspace has none either); each save of a draft is
    followed by Decision.content_edited, as the workspace editor's is."""

    def get_actions(self, request):
        # Django's bulk delete asks only whether records of the kind may be deleted.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.model is Decision:
            fields += [name for name in WORKFLOW_FIELDS if name not in fields]
        elif obj is not None and self.decision_field not in fields:
            fields.append(self.decision_field)  # a part stays with its decision
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self.model is not Decision and db_field.name == self.decision_field:
            # A part is added only to a draft.
            kwargs["queryset"] = Decision.objects.filter(status=DecisionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            decision = self.decision_of(obj)
            if decision is not None and not is_open_to_admin(decision):
                self.message_user(request, workspace_pointer(decision), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("A past version is not restored here.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        decision = self.decision_of(obj)
        if decision is not None and decision.pk is not None:
            locked_draft(decision.pk, request.user)
        super().save_model(request, obj, form, change)
        if self.model is not Decision:
            self.decision_of(obj).content_edited(by=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if self.model is Decision:
            # As the workspace editor, once the sections (saved after the decision) are in.
            form.instance.refresh_from_db()
            form.instance.content_edited(by=request.user)

    def delete_model(self, request, obj) -> None:
        decision = self.decision_of(obj)
        if decision is not None and decision.pk is not None:
            decision = locked_draft(decision.pk, request.user)
        super().delete_model(request, obj)
        if self.model is not Decision:
            try:
                decision.content_edited(by=request.user)
            except ValidationError as error:
                # The last section open to the public of a draft with no subject for the
                # public: the page offers no form to say so, and the deletion is undone.
                raise PermissionDenied(NEEDS_PUBLIC_SUBJECT) from error


NEEDS_PUBLIC_SUBJECT = (
    "Every section is withheld, so the decision is confidential: it needs a one-line subject "
    "for the public."
)


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
            raise ValidationError(NEEDS_PUBLIC_SUBJECT)


class SectionInline(SubmittedDecisionPartsLocked, StackedInline):
    model = DecisionSection
    formset = SectionFormSet
    extra = 0
    fields = ["position", "heading", "part", "text", *WITHHOLDING_FIELDS]


class AppendixInline(SubmittedDecisionPartsLocked, TabularInline):
    model = Appendix
    formset = DecisionPartsFormSet
    extra = 0
    fields = ["title", "file", "is_withheld", "exemption", "public_interest_statement"]


class CommentInline(SubmittedDecisionPartsLocked, StackedInline):
    model = StatutoryComment
    formset = DecisionPartsFormSet
    extra = 0


class AwardInline(SubmittedDecisionPartsLocked, TabularInline):
    model = Award
    formset = DecisionPartsFormSet
    extra = 0


class LinkInline(SubmittedDecisionPartsLocked, TabularInline):
    model = DecisionLink
    formset = DecisionPartsFormSet
    fk_name = "from_decision"
    extra = 0
    raw_id_fields = ["to_decision"]


class FieldValueInline(SubmittedDecisionPartsLocked, StackedInline):
    """The values of the form's own fields (and of the report's date and author and the
    protective marking), by name."""

    model = FieldValue
    formset = DecisionPartsFormSet
    extra = 0
    verbose_name = "value of the form's own fields"
    verbose_name_plural = "Values of the form's own fields"
    fields = [("name", "value", "is_not_recorded"), *WITHHOLDING_FIELDS]


@admin.register(Decision)
class DecisionAdmin(SubmittedDecisionsLocked, WithheldReadsRecorded, RegisterAdmin):
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
    inlines = [
        SectionInline,
        FieldValueInline,
        AppendixInline,
        CommentInline,
        AwardInline,
        LinkInline,
    ]


class SectionAdminForm(forms.ModelForm):
    """One section on its own page: withholding the last section open to the public makes
    the decision confidential, which needs its subject for the public first (as the
    decision's page, SectionFormSet, and the workspace editor check)."""

    def clean(self):
        cleaned_data = super().clean()
        decision = cleaned_data.get("decision") or getattr(self.instance, "decision", None)
        if decision is not None and cleaned_data.get("is_withheld"):
            others_open = decision.sections.exclude(pk=self.instance.pk).filter(is_withheld=False)
            if not decision.public_subject and not others_open.exists():
                raise ValidationError(NEEDS_PUBLIC_SUBJECT)
        return cleaned_data


@admin.register(DecisionSection)
class DecisionSectionAdmin(SubmittedDecisionsLocked, WithheldReadsRecorded, RegisterAdmin):
    form = SectionAdminForm
    list_display = ["heading", "decision", "is_withheld", "exemption"]
    list_filter = ["is_withheld", "exemption"]
    search_fields = ["heading", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(Appendix)
class AppendixAdmin(SubmittedDecisionsLocked, RegisterAdmin):
    list_display = ["title", "decision", "is_withheld", "exemption"]
    list_filter = ["is_withheld", "exemption"]
    search_fields = ["title", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(StatutoryComment)
class StatutoryCommentAdmin(SubmittedDecisionsLocked, RegisterAdmin):
    list_display = ["decision", "role", "person", "made_on"]
    list_filter = ["role"]
    search_fields = ["decision__reference", "person", "text"]
    list_select_related = ["decision"]


@admin.register(Award)
class AwardAdmin(SubmittedDecisionsLocked, RegisterAdmin):
    list_display = ["recipient", "amount", "decision"]
    search_fields = ["recipient", "purpose", "decision__reference"]
    list_select_related = ["decision"]


@admin.register(DecisionLink)
class DecisionLinkAdmin(SubmittedDecisionsLocked, RegisterAdmin):
    decision_field = "from_decision"

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
