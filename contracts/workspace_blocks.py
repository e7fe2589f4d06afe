"""The building blocks of the workspace's record pages: a filtered list, the shared form page
(adding a record, changing one, or a row that belongs to a parent record), a record's page and
its history. The contract, provider, partner, programme and arrangement pages
(contracts.workspace_views) are each a few lines on these.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from django.views.generic import CreateView, TemplateView, UpdateView

from commissioning import once
from commissioning.concurrency import StaleEditMixin, duplicate_found
from commissioning.forms import error_summary
from commissioning.history import RecordHistoryView, Track
from commissioning.pagination import RegisterPaginator, page_context
from commissioning.permissions import OfficerRequiredMixin, StaffRequiredMixin

PAGE_SIZE = 25


class FilteredListView(StaffRequiredMixin, TemplateView):
    """A list page (workspace/list_page.html): one FilterSet over a queryset method,
    paginated. The section names its pages: "providers" lists at `workspace:provider-list`
    and adds at `workspace:provider-create`."""

    filterset_class = None
    section = ""
    heading = ""
    import_url_name = ""  # the page that imports records of the kind, if there is one
    numbered_caption = False  # whether the table's caption gives the page number

    def get_queryset(self):
        raise NotImplementedError

    def get_paginator(self, filterset) -> RegisterPaginator:
        # As in the decision register (commissioning/pagination.py): a long list is counted
        # only up to a cap, and a deep page reads whole rows only for its own 25.
        return RegisterPaginator(filterset.qs, PAGE_SIZE)

    def get_import_url(self) -> str:
        return reverse(self.import_url_name) if self.import_url_name else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(
            self.request.GET, queryset=self.get_queryset(), request=self.request
        )
        paginator = self.get_paginator(filterset)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            {
                "workspace_section": self.section,
                "heading": self.heading,
                "list_url": reverse(f"workspace:{self.section[:-1]}-list"),
                "add_url": reverse(f"workspace:{self.section[:-1]}-create"),
                "import_url": self.get_import_url(),
                "numbered_caption": self.numbered_caption,
                "filterset": filterset,
                "filter_form": filterset.form,
                "object_list": page.object_list,
                # None past the cap: the templates then say "more than count_cap".
                "total": paginator.count if paginator.is_exact else None,
                "count_cap": paginator.cap,
                "error_summary": error_summary(filterset.form),
                **page_context(page),
            }
        )
        return context


class FormPageMixin:
    """What the shared form page (workspace/form.html) needs to draw a form."""

    section = ""
    heading = ""
    caption = ""
    submit_label = "Save"

    def get_heading(self) -> str:
        return self.heading

    def get_caption(self) -> str:
        return self.caption

    def get_back_url(self) -> str:
        return reverse(f"workspace:{self.section[:-1]}-list") if self.section else "/workspace/"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        context.update(
            {
                "workspace_section": self.section,
                "heading": self.get_heading(),
                "caption": self.get_caption(),
                "submit_label": self.submit_label,
                "back_url": self.get_back_url(),
                "error_summary": error_summary(form, *context.get("formsets", [])),
            }
        )
        return context


def single_track(obj) -> list[Track]:
    """The history of a record with no rows of its own."""
    name = capfirst(obj._meta.verbose_name)
    return [Track(type(obj).history.filter(id=obj.pk), lambda record: name)]


class RecordCreateView(OfficerRequiredMixin, FormPageMixin, CreateView):
    template_name = "workspace/form.html"
    success_message = "{object} has been added."

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        # The record, its history row and the form's one-time token commit together.
        try:
            with once.creating(self.request) as submission:
                response = super().form_valid(form)
                submission.location = response.url
        except IntegrityError:
            if not duplicate_found(form):
                raise
            return self.form_invalid(form)
        messages.success(self.request, self.success_message.format(object=self.object))
        return response


class HistoryMixin:
    """A view of one record's history: `history_of(record)` gives its tracks (by default the
    record's own history alone)."""

    history_of = staticmethod(single_track)

    def tracks(self, obj) -> list[Track]:
        return self.history_of(obj)


class RecordUpdateView(
    OfficerRequiredMixin, FormPageMixin, HistoryMixin, StaleEditMixin, UpdateView
):
    template_name = "workspace/form.html"
    submit_label = "Save changes"

    def get_heading(self) -> str:
        return f"Change {self.object}"

    def get_back_url(self) -> str:
        return self.object.get_absolute_url()

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.save_if_current({"form": self.get_form()}, self.save_forms)

    def save_forms(self, forms: dict):
        """The response to a valid form, once saved; None when the form is not valid."""
        form = forms["form"]
        if not form.is_valid():
            return None
        form.instance._history_user = self.request.user
        response = self.form_valid(form)
        messages.success(self.request, "Your changes have been saved.")
        return response


class ChildFormMixin:
    """A form for a row that belongs to a parent record (a phase of a programme): its caption
    names the parent, and it goes back to the page that shows the row, the parent's or (with
    `shown_on`, a field of the parent) that of a record above it.

    Adding a row, the parent is `parent_model`'s record named in the address; changing one,
    the row's field `parent_field`."""

    parent_model = None
    parent_kwarg = "pk"
    parent_field = ""
    shown_on = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.parent_model is not None:
            self.parent = get_object_or_404(self.parent_model, pk=kwargs[self.parent_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def get_parent(self):
        if self.parent_model is None:
            return getattr(self.object, self.parent_field)
        return self.parent

    def get_caption(self) -> str:
        return str(self.get_parent())

    def get_back_url(self) -> str:
        return self.parent_url()

    def parent_url(self) -> str:
        record = self.get_parent()
        if self.shown_on:
            record = getattr(record, self.shown_on)
        return record.get_absolute_url()

    def get_success_url(self) -> str:
        return self.parent_url()


class RecordDetailView(StaffRequiredMixin, TemplateView):
    """A record's page: the record (`model`, by its key in the address), in the template as
    `record_name`, with what `rows(record)` lists beside it."""

    model = None
    section = ""
    record_name = ""

    def get_record(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def rows(self, record) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.get_record()
        context.update(
            {"workspace_section": self.section, self.record_name: record, **self.rows(record)}
        )
        return context


class RecordHistory(HistoryMixin, RecordHistoryView):
    model = None
    section = ""

    def get_object(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workspace_section"] = self.section
        return context
