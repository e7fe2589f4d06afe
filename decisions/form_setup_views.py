"""Setting up an office's decision forms in the workspace, without the Django admin.

Who may: whoever holds the Django permission to change decision forms
(`decisions.change_decisiontemplate`): administrators, and the people an administrator gives
it to on their page in the admin. No role holds it by default: a form shapes every record
made on it, so it is not every officer's to change.

Each change goes through the form's own layout methods (`decisions.models.layout.
LayoutEditing`), in one transaction with the form's row locked, after the version the page
was drawn from is checked against the form as it is now (`commissioning.concurrency`): an
edit made on a page opened before someone else changed the form is refused, 409, and the page
says what changed. Every change is in the form's history with who made it.
"""

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from commissioning import once
from commissioning.concurrency import StaleEditMixin
from commissioning.forms import error_summary
from commissioning.history import RecordHistoryView, Track
from commissioning.middleware import service_unavailable
from commissioning.permissions import StaffRequiredMixin, holds_permission
from commissioning.placed import save_in_places
from decisions.form_preview import specimen_record
from decisions.form_setup_forms import (
    ElementForm,
    FormCreateForm,
    FormSettingsForm,
    OfficeForm,
    TemplateSectionFormSet,
)
from decisions.internal_views import staff_pdf_response
from decisions.models import DecisionTemplate, FormElement, Office, TemplateSection
from decisions.models.layout import ElementKind, FieldType
from decisions.pdf import PdfUnavailable, html_to_pdf, public_pdf_html
from decisions.publication.layout import PublicElement, layout_groups, section_numbers

PERMISSION = "decisions.change_decisiontemplate"
# Creating a form needs the permission to add one as well: the new form is then set up on
# pages that need the permission to change it.
ADD_PERMISSION = "decisions.add_decisiontemplate"
# An office heads the records of every form it has: changing it needs its own permission too.
OFFICE_PERMISSION = "decisions.change_office"


def may_set_up_forms(user) -> bool:
    """Whether a user may set up the office's decision forms."""
    return holds_permission(user, PERMISSION)


def may_create_forms(user) -> bool:
    """Whether a user may create a decision form (and then set it up)."""
    return may_set_up_forms(user) and holds_permission(user, ADD_PERMISSION)


def may_change_offices(user) -> bool:
    """Whether a user may change the office of a form they may set up."""
    return may_set_up_forms(user) and holds_permission(user, OFFICE_PERMISSION)


def form_tracks(form: DecisionTemplate) -> list[Track]:
    """A form's history: the form itself, its elements and its sections."""
    return [
        Track(DecisionTemplate.history.filter(id=form.pk), lambda record: "Form"),
        Track(
            FormElement.history.filter(form_id=form.pk),
            lambda record: f"Element: {record.label or record.get_kind_display()}",
        ),
        Track(
            TemplateSection.history.filter(template_id=form.pk),
            lambda record: f"Section: {record.heading or 'no heading'}",
        ),
    ]


def setup_url(form: DecisionTemplate) -> str:
    return reverse("workspace:form-setup", kwargs={"pk": form.pk})


class FormSetupRequiredMixin(StaffRequiredMixin):
    """A page of the form setup: signed in, and holding the permission."""

    def allowed(self, user) -> bool:
        return may_set_up_forms(user)

    def dispatch(self, request, *args, **kwargs):
        # A method the page does not take is refused as such for anyone signed in, as on
        # every other workspace page, before the question of who may use it.
        method = request.method.lower()
        if request.user.is_authenticated and (
            method not in self.http_method_names or not hasattr(self, method)
        ):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class FormMixin(FormSetupRequiredMixin, StaleEditMixin):
    """A page about one form (`self.object`, by its key in the address), whose writes are
    refused when the form changed after the page was drawn."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(
                DecisionTemplate.objects.select_related("office"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def tracks(self, obj) -> list[Track]:
        return form_tracks(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "workspace_section": "",
                "object": self.object,
                "template": self.object,
                "caption": self.object.name,
                "back_url": setup_url(self.object),
                "setup_url": setup_url(self.object),
            }
        )
        return context


def preview(form: DecisionTemplate, layout: dict) -> list:
    """The record as the form lays it out, for the setup page: each element in its place
    with its label and a word on what goes there, grouped as the public page groups them
    (`layout_groups`), the internal ones marked."""
    sections = list(form.sections.all())
    numbers = section_numbers([section.part for section in sections], layout["numbering"])
    claimed = {
        data["part"]
        for data in layout["elements"]
        if data["kind"] == ElementKind.SECTIONS and data["part"]
    }
    elements = []
    for data in layout["elements"]:
        kind = data["kind"]
        value = ""
        if kind == ElementKind.FIELD:
            value = FieldType(data["type"]).label
        elif kind not in (ElementKind.SECTIONS, ElementKind.WORDING, ElementKind.APPROVAL):
            value = ElementKind(kind).label
        chosen = [
            {"number": number, "heading": section.heading, "part": section.part}
            for section, number in zip(sections, numbers, strict=True)
            if kind == ElementKind.SECTIONS
            and (section.part == data["part"] if data["part"] else section.part not in claimed)
        ]
        elements.append(
            PublicElement(
                kind=kind,
                label=data["label"],
                part=data["part"],
                text=data["text"],
                value=value,
                type=data["type"],
                sections=chosen,
                required=data["required"],
                # Marks an element kept off the public record.
                withheld_because="" if data["public"] else "internal",
            )
        )
    return layout_groups(elements)


class FormListView(FormSetupRequiredMixin, TemplateView):
    template_name = "workspace/forms/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forms"] = DecisionTemplate.objects.select_related("office").order_by("name")
        context["may_create"] = may_create_forms(self.request.user)
        return context


class FormCreateView(FormSetupRequiredMixin, TemplateView):
    """A new form: its name, office, numbering and sections, and whether it is offered; it
    starts from the register's first layout, to change on its setup page."""

    template_name = "workspace/form.html"

    def allowed(self, user) -> bool:
        return may_create_forms(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or FormCreateForm()
        context.update(
            {
                "workspace_section": "",
                "form": form,
                "heading": "Create a form",
                "caption": "Decision forms",
                "submit_label": "Create the form",
                "back_url": reverse("workspace:form-list"),
                "error_summary": error_summary(form),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = FormCreateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        # The form, its office, sections, layout, their history and the page's one-time
        # token commit together.
        with once.creating(request) as submission:
            created = form.save_new(by=request.user)
            submission.location = setup_url(created)
        messages.success(
            request, f"The form “{created}” has been created with the register's first layout."
        )
        return HttpResponseRedirect(setup_url(created))


class FormSetupView(FormMixin, TemplateView):
    """A form's page: its settings, its elements in order with what may be done to each,
    and a preview of the record it lays out."""

    template_name = "workspace/forms/setup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.object
        layout = form.layout_data()
        elements = list(form.elements.all())
        context.update(
            {
                "elements": elements,
                "laid_out": bool(elements),
                "preview": preview(form, layout),
                "numbering": form.get_numbering_display(),
                "may_change_office": may_change_offices(self.request.user),
            }
        )
        return context


class LayOutView(FormMixin, TemplateView):
    """Give a form not yet laid out the register's first layout, as elements to change."""

    template_name = "workspace/forms/setup.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            if not self.check_version():
                return stale_setup(self)
            self.object.lay_out_default(by=request.user)
        messages.success(request, "The form now has the register's first layout, to change.")
        return HttpResponseRedirect(setup_url(self.object))


def stale_setup(view: FormMixin):
    """The setup page again, saying the form changed since it was drawn (409)."""
    page = FormSetupView()
    page.setup(view.request, pk=view.object.pk)
    page.object = view.object
    page.stale_changes = view.stale_changes
    return page.stale_response(page.get_context_data())


class ElementMixin(FormMixin):
    """A page about one element of the form."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.element = get_object_or_404(
                FormElement, pk=kwargs["element"], form_id=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["element"] = self.element
        return context


class MoveElementView(ElementMixin, TemplateView):
    """Move an element up or down one place (a button beside it on the setup page)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
        if step is None:
            messages.error(request, "Choose to move the element up or down.")
            return HttpResponseRedirect(setup_url(self.object))
        with transaction.atomic():
            if not self.check_version():
                return stale_setup(self)
            order = list(self.object.elements.order_by("position").values_list("pk", flat=True))
            place = order.index(self.element.pk)
            other = place + step
            if 0 <= other < len(order):
                order[place], order[other] = order[other], order[place]
                self.object.reorder_elements(order, by=request.user)
        return HttpResponseRedirect(f"{setup_url(self.object)}#element-{self.element.pk}")


class OneFormPage(StaleEditMixin, TemplateView):
    """A page of one form, on the shared form template: its heading and button, the form
    with its errors, and a post that saves it through `save(form)` when the page was current
    and the form is valid (StaleEditMixin.save_if_current refuses a stale one)."""

    template_name = "workspace/form.html"
    submit_label = "Save changes"

    def get_form(self, data=None, files=None):
        raise NotImplementedError

    def heading(self) -> str:
        raise NotImplementedError

    def page_context(self) -> dict:
        """What the page adds to the form, its heading and button."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context.update(
            {
                "form": form,
                "heading": self.heading(),
                "submit_label": self.submit_label,
                "error_summary": error_summary(form),
                **self.page_context(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        return self.save_if_current({"form": form}, self.save_if_valid)

    def save_if_valid(self, forms: dict):
        form = forms["form"]
        return self.save(form) if form.is_valid() else None

    def save(self, form) -> HttpResponseRedirect:
        raise NotImplementedError


class ElementFormView(FormMixin, OneFormPage):
    """Add an element to the form, or change one: its label, part, wording, whether it is
    public and required, its place, and for a field of the form's own its name, type and
    choices."""

    element: FormElement | None = None

    def get_form(self, data=None, files=None) -> ElementForm:
        return ElementForm(data, instance=self.element, form=self.object)

    def heading(self) -> str:
        return "Add an element" if self.element is None else f"Change “{self.element}”"

    @property
    def submit_label(self) -> str:  # type: ignore[override]
        return "Add element" if self.element is None else "Save changes"

    def page_context(self) -> dict:
        return {"element": self.element}

    def save(self, form) -> HttpResponseRedirect:
        place = form.cleaned_data.get("place")
        if self.element is None:
            element = self.object.add_element(
                by=self.request.user, position=place, **form.element_fields()
            )
            messages.success(self.request, f"“{element}” has been added to the form.")
        else:
            element = form.instance
            order = [
                each
                for each in self.object.elements.select_for_update().order_by("position")
                if each.pk != element.pk
            ]
            order.insert((place or len(order) + 1) - 1, element)
            self.object.save_in_order(order, by=self.request.user, changed=frozenset({element}))
            messages.success(self.request, f"“{element}” has been saved.")
        return HttpResponseRedirect(f"{setup_url(self.object)}#element-{element.pk}")


class ElementCreateView(ElementFormView):
    pass


class ElementUpdateView(ElementMixin, ElementFormView):
    pass


class ElementRemoveView(ElementMixin, TemplateView):
    """Take an element out of the form, after asking."""

    template_name = "workspace/forms/element_remove.html"

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            if not self.check_version():
                return self.stale_response(self.get_context_data())
            name = str(self.element)
            self.object.remove_element(self.element, by=request.user)
        messages.success(request, f"“{name}” has been taken out of the form.")
        return HttpResponseRedirect(setup_url(self.object))


class FormSettingsView(FormMixin, OneFormPage):
    """A form's name, office, numbering of sections and whether it is offered."""

    def get_form(self, data=None, files=None) -> FormSettingsForm:
        return FormSettingsForm(data, instance=self.object)

    def heading(self) -> str:
        return "Change the form's settings"

    def save(self, form) -> HttpResponseRedirect:
        form.instance._history_user = self.request.user
        form.save()
        messages.success(self.request, "The form's settings have been saved.")
        return HttpResponseRedirect(setup_url(self.object))


class OfficeView(FormSetupRequiredMixin, OneFormPage):
    """The office that heads a form's records, reached from the form's page: its name, crest,
    address and standard approval wording. Records published already keep the name, address
    and wording they were published with; every form of the office shows the change."""

    def allowed(self, user) -> bool:
        return may_change_offices(user)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.form_object = get_object_or_404(
                DecisionTemplate.objects.select_related("office"), pk=kwargs["pk"]
            )
            if self.form_object.office is None:
                raise Http404("This form is headed by the register's own office.")
            self.object = self.form_object.office
        return super().dispatch(request, *args, **kwargs)

    def tracks(self, obj) -> list[Track]:
        return [Track(Office.history.filter(id=obj.pk), lambda record: "Office")]

    def get_form(self, data=None, files=None) -> OfficeForm:
        return OfficeForm(data, files, instance=self.object)

    def heading(self) -> str:
        return "Change the office's details"

    def page_context(self) -> dict:
        return {
            "workspace_section": "",
            "object": self.object,
            "caption": self.form_object.name,
            "intro": "The office heads the records of every form it has. Records published "
            "already keep the name, address and wording they were published with.",
            "back_url": setup_url(self.form_object),
        }

    def save(self, form) -> HttpResponseRedirect:
        form.instance._history_user = self.request.user
        form.save()
        messages.success(self.request, f"The details of {form.instance} have been saved.")
        return HttpResponseRedirect(setup_url(self.form_object))


class FormSectionsView(FormMixin, TemplateView):
    """The sections every new decision on the form starts with: their headings, parts,
    guidance and whether each must be completed, added, removed and reordered in one save.
    Decisions already started keep the sections they have."""

    template_name = "workspace/forms/sections.html"

    def get_formset(self, data=None):
        return TemplateSectionFormSet(
            data,
            instance=self.object,
            queryset=self.object.sections.order_by("position"),
            prefix="rows",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = kwargs.get("formset") or self.get_formset()
        context.update({"formset": formset, "error_summary": error_summary(formset)})
        return context

    def post(self, request, *args, **kwargs):
        return self.save_if_current({"formset": self.get_formset(request.POST)}, self.save_rows)

    def save_rows(self, forms: dict):
        formset = forms["formset"]
        if not formset.is_valid():
            return None
        ordered = formset.ordered()
        for section in ordered:
            section.template = self.object
        save_in_places(
            ordered, by=self.request.user, removed=formset.removed(), changed=formset.changed()
        )
        messages.success(self.request, "The form's sections have been saved.")
        return HttpResponseRedirect(setup_url(self.object))


class FormPreviewView(FormMixin, TemplateView):
    """A specimen decision on the form, as the public page shows it (`decisions.form_preview`):
    drawn by the public templates from a public record made and rolled back for the page."""

    template_name = "workspace/forms/preview.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = specimen_record(self.object, self.request.user)
        context.update({"record": record, "office_name": record.office_name})
        return context


class FormPreviewPdfView(FormMixin, View):
    """The specimen decision's public PDF, rendered for this request and never kept."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        record = specimen_record(self.object, request.user)
        try:
            pdf = html_to_pdf(public_pdf_html(record))
        except PdfUnavailable:
            return service_unavailable()
        return staff_pdf_response(pdf, "form-preview.pdf")


class FormHistoryView(FormSetupRequiredMixin, RecordHistoryView):
    def get_object(self):
        return get_object_or_404(DecisionTemplate, pk=self.kwargs["pk"])

    def tracks(self, obj) -> list[Track]:
        return form_tracks(obj)

    def back_url(self, obj) -> str:
        return setup_url(obj)
