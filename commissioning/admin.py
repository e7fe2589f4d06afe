"""The admin's shared kit, and the audit log in the admin.

`RegisterAdmin` is the admin of every record of the register (its history, refused keys and
lookups); `ReadOnlyAdminMixin` makes an admin read only (records only the application makes).

The audit log: administrators may read and search it, and nobody may change it. Entries are
only ever added by the application (commissioning.audit.record); `manage.py verify_audit`
checks that none has been changed, deleted or reordered since.

The background jobs: django-tasks-db's read-only list, with each job's attempt (a failed one is
tried again by a new job) and a filter by the work it does.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from commissioning.background import MAX_ATTEMPTS
from commissioning.forms import KeyedModelMultipleChoiceField
from commissioning.limits import (
    add_parts,
    bound_text_field,
    model_text_parts,
    record_too_long,
    total_characters,
)
from commissioning.models import AuditEntry, InformationPage, InformationTopic


class ImpossibleLookupsRefused:
    """A list filter or date that no row could match, as Django's admin answers one it cannot
    read: the list again with `?e=1` ("Database error... check your database"), not a server
    error. Django reads `?decided_on__year=99999999999` and, on SQLite, a key wider than 64
    bits (`?category=99999999999999999999`) without checking, and then overflows."""

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except OverflowError:
            # As Django's own answer to IncorrectLookupParameters; the list it leads to has
            # none of the parameters, so it cannot come back here.
            return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


class BoundedText:
    """Text over the register's limit of a field (commissioning.limits) refused in every
    text field of an admin page, naming the field, as the workspace's forms refuse it."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            bound_text_field(formfield, db_field.name)
        return formfield


class RecordFormSet(BaseInlineFormSet):
    """A formset of a record's parts on its admin page (the inlines). The last of the page's
    formsets to be checked refuses the record if its text as it would be saved (its own
    fields as sent, and each part as sent) is over the limit of a record
    (commissioning.limits), naming its largest parts, before anything is saved.
    RegisterAdmin tells each formset of the others (`record_formsets`)."""

    record_formsets: list[BaseInlineFormSet] = []

    def clean(self) -> None:
        super().clean()
        others = [formset for formset in self.record_formsets if formset is not self]
        if any(formset._errors is None for formset in others):
            return  # another is still to be checked, and checks the whole record
        problem = self.record_problem()
        if problem:
            raise ValidationError(problem, code="record_too_long")

    def kept(self) -> list[models.Model]:
        """The parts this formset would keep, as its forms have read them: not a deleted
        one, nor an empty extra one."""
        return [
            form.instance
            for form in self.forms
            if (form.has_changed() or form.instance.pk is not None)
            and not (getattr(form, "cleaned_data", None) or {}).get("DELETE")
        ]

    def record_problem(self) -> str | None:
        """The message refusing the record as sent, or None: its own fields and, by kind,
        the parts each formset on the page would keep."""
        parts = model_text_parts(self.instance)
        for formset in self.record_formsets or [self]:
            name = str(formset.model._meta.verbose_name_plural)
            for part in formset.kept() if isinstance(formset, RecordFormSet) else []:
                add_parts(parts, name, total_characters(model_text_parts(part)))
        return record_too_long(parts)


class StackedInline(BoundedText, admin.StackedInline):
    """Django's stacked inline, with text bounded (BoundedText) and the record's text
    counted (RecordFormSet)."""

    formset = RecordFormSet


class TabularInline(BoundedText, admin.TabularInline):
    """Django's tabular inline, with text bounded (BoundedText) and the record's text
    counted (RecordFormSet)."""

    formset = RecordFormSet


class RegisterAdmin(BoundedText, ImpossibleLookupsRefused, SimpleHistoryAdmin):
    """The admin of the register's records: their history, choices of several records that
    refuse a key no record could have (commissioning.forms.KeyedModelMultipleChoiceField),
    list filters no row could match refused as Django refuses others
    (commissioning.admin.ImpossibleLookupsRefused), and text over the limit of a field
    refused (BoundedText). Its inlines are this module's StackedInline and TabularInline."""

    formfield_overrides = {models.ManyToManyField: {"form_class": KeyedModelMultipleChoiceField}}

    def _create_formsets(self, request, obj, change):
        # Each formset of the record's parts knows the others, so that the last of them to
        # be checked counts the whole record (RecordFormSet).
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.record_formsets = formsets
        return formsets, inline_instances

    def history_view(self, request, object_id, extra_context=None):
        self._key_or_404(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._key_or_404(self.model._meta.pk, object_id)
        self._key_or_404(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def _key_or_404(field, value) -> None:
        """django-simple-history looks the record and the version up with what the address
        holds, and `/admin/.../1.5/history/` was a server error; it is a page not found."""
        try:
            field.to_python(unquote(value))
        except ValidationError:
            raise Http404("No record has that key.") from None


class ReadOnlyAdminMixin:
    """An admin whose records only the application makes: they may be read, not added,
    changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, ImpossibleLookupsRefused, admin.ModelAdmin):
    list_display = ["sequence", "at", "actor_name", "action", "object_type", "object_id"]
    list_display_links = ["sequence"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["action", "actor_name", "object_id", "details"]
    date_hierarchy = "at"
    ordering = ["-sequence"]
    readonly_fields = [
        "sequence",
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "details",
        "previous_hash",
        "hash",
    ]
    fields = readonly_fields
    list_per_page = 50
    # Counting a long log on every page is slow, and the exact total is not needed.
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


# --- The footer's information pages ---------------------------------------------------------
# An administrator edits their wording; the history keeps every version with who saved it.


@admin.register(InformationPage)
class InformationPageAdmin(RegisterAdmin):
    list_display = ["topic", "title", "last_reviewed"]
    fields = ["topic", "title", "body", "last_reviewed"]
    view_on_site = True

    def get_readonly_fields(self, request, obj=None):
        # A page keeps its place in the fixed set (and so its address) once it exists.
        return ["topic"] if obj else []

    def has_add_permission(self, request) -> bool:
        # Only a page of the set that is missing can be added back.
        present = set(InformationPage.objects.values_list("topic", flat=True))
        return super().has_add_permission(request) and bool(set(InformationTopic.values) - present)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Every page the footer links to must stay: its wording is changed, not removed.
        return False


class TaskFilter(admin.SimpleListFilter):
    """The jobs of one kind of work (sending an e-mail, rebuilding the exports...)."""

    title = "work"
    parameter_name = "task"

    def lookups(self, request, model_admin):
        paths = DBTaskResult.objects.order_by("task_path").values_list("task_path", flat=True)
        return [(path, path.rsplit(".", 1)[-1].replace("_", " ")) for path in paths.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(task_path=self.value()) if self.value() else queryset


@admin.display(description="attempt")
def attempt(result: DBTaskResult) -> str:
    """Which attempt this job was (commissioning.background.retried queues each again with
    the next number), out of how many are made before the work is left for an administrator."""
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    return f"{kwargs.get('attempt', 1)} of {MAX_ATTEMPTS}"


class BackgroundJobAdmin(DBTaskResultAdmin):
    """django-tasks-db's list of jobs (read only), with each job's attempt and a filter by the
    work it does: a failed job's traceback is on its own page."""

    list_display = (
        "task_name",
        attempt,
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "exception_class_path",
    )
    list_filter = ("status", TaskFilter, "queue_name")


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, BackgroundJobAdmin)
