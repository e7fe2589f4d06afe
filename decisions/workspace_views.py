"""The officer workspace for decisions: the register, the editor and history (the dashboard is
`decisions.dashboard_views`).

Officers and administrators create and edit; every other staff role reads (see
commissioning/permissions.py). Status changes belong to the sign-off workflow, never to
these views: an officer edits a draft, and sees any later record read-only.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, DateField, F, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from commissioning import audit, once, spreadsheets
from commissioning.concurrency import StaleEditMixin
from commissioning.dates import NOT_RECORDED
from commissioning.forms import error_summary
from commissioning.history import RecordHistoryView, Track, latest_ids_of
from commissioning.pagination import RegisterPaginator
from commissioning.permissions import (
    OfficerRequiredMixin,
    StaffRequiredMixin,
    can_edit,
    may_record_decided,
)
from commissioning.speed import precompiled
from contracts.models import Contract, Extension, JointArrangement, Programme
from contracts.workspace_blocks import FilteredListView
from decisions.figures import FIGURE_COLUMNS, figure_tracks, with_figures
from decisions.forms import (
    DOCUMENT_TYPES,
    AppendixForm,
    DecisionDetailsForm,
    DecisionLinkFormSet,
    LinksForm,
    NewDecisionForm,
    SectionFormSet,
    TemplateChoiceForm,
    detect_document_type,
    own_field_forms,
)
from decisions.internal_views import record_withheld_read
from decisions.models import (
    Appendix,
    Award,
    Decision,
    DecisionLink,
    DecisionProvider,
    DecisionSection,
    DecisionTemplate,
    EditorDraft,
    ElementKind,
    FieldValue,
    FormElement,
    LinkKind,
    ProviderRole,
    StatutoryComment,
    WorkflowOutcome,
    WorkflowStep,
)
from decisions.models.decision import read_figures
from decisions.models.offices import office_name
from decisions.publication import (
    record_layout,
)
from decisions.staff_layout import staff_layout, values_by_name
from decisions.workspace_filters import DecisionFilter

REGISTER_PAGE_SIZE = 25


# -- the register --------------------------------------------------------------------------------


SEARCH_COUNT_CAP = 1_000


def register_paginator(filterset) -> RegisterPaginator:
    """The register's pages. A search for a common word matches much of the register, and
    checking each match costs far more than reading an index: such a list is counted only
    to 1,000, as the public search is (decisions.public_views.SEARCH_COUNT_LIMIT)."""
    searching = filterset.is_valid() and filterset.form.cleaned_data.get("q")
    cap = SEARCH_COUNT_CAP if searching else None
    # The Value column's figures are read for the page's rows, not joined into the count.
    return RegisterPaginator(filterset.qs, REGISTER_PAGE_SIZE, cap=cap, rows=with_figures)


class DecisionListView(FilteredListView):
    template_name = "workspace/decisions/list.html"
    filterset_class = DecisionFilter
    section = "decisions"
    heading = "Decisions"
    numbered_caption = True

    def get_queryset(self):
        # The rows shown come with their recorded value, withheld or not, for the list's Value
        # column (register_paginator).
        return Decision.objects.for_register()

    def get_paginator(self, filterset) -> RegisterPaginator:
        return register_paginator(filterset)

    def get_import_url(self) -> str:
        # Importing records decisions already taken: for those who may.
        if may_record_decided(self.request.user):
            return reverse("workspace:import-decisions")
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["decisions"] = context["object_list"]
        return context


EXPORT_COLUMNS = [
    ("Reference", lambda d: d.reference),
    ("Title", lambda d: d.title),
    ("Form", lambda d: d.template.name),
    ("Office", lambda d: d.template.office.name if d.template.office_id else settings.OFFICE_NAME),
    ("Status", lambda d: d.get_status_display()),
    ("Confidentiality", lambda d: d.get_confidentiality_display()),
    ("Category", lambda d: d.category.name if d.category_id else ""),
    ("Decision maker", lambda d: d.get_decision_maker_display()),
    ("Name of the decision maker", lambda d: d.decision_maker_name),
    ("Delegation", lambda d: str(d.delegation) if d.delegation_id else ""),
    ("Force business", lambda d: "Yes" if d.is_force_business else "No"),
    ("Date received", lambda d: iso(d.received)),
    ("Date of decision", lambda d: iso(d.decided)),
    ("Date signed", lambda d: iso(d.signed)),
    ("Date published", lambda d: iso(d.published)),
    ("Lead officers", lambda d: d.lead_officers),
    ("Summary", lambda d: d.summary),
    *FIGURE_COLUMNS,
]


def iso(value) -> str:
    """A date at its precision ("2021-03" for a month), or an empty cell when not known."""
    return value.iso if value else ""


class DecisionExportView(StaffRequiredMixin, View):
    """The register as CSV, with the same filters and order as the page, all pages at once."""

    def get(self, request):
        filterset = DecisionFilter(
            request.GET, queryset=Decision.objects.for_register(), request=request
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="decisions-{stamp}.csv"'
        response.write("\ufeff")  # so that Excel reads the file as UTF-8
        writer = spreadsheets.writer(response)
        # The forms' own fields follow, a column each under its name.
        names, values = own_field_values(filterset.qs)
        writer.writerow([*(name for name, _value in EXPORT_COLUMNS), *names])
        for decision in with_figures(filterset.qs).iterator(chunk_size=500):
            own = [values.get((decision.pk, name), "") for name in names]
            writer.writerow([*(value(decision) for _name, value in EXPORT_COLUMNS), *own])
        return response


def own_field_values(decisions) -> tuple[list[str], dict[tuple[int, str], str]]:
    """The names of the forms' own fields (in the order of the forms and their layouts), and
    the decisions' values of them by (decision id, name): a withheld value says "Withheld",
    one recorded as not recorded says "Not recorded"; an empty cell is a value not given (or
    a field the decision's form does not have)."""
    names = list(
        dict.fromkeys(
            FormElement.objects.filter(kind=ElementKind.FIELD)
            .order_by("form__name", "position")
            .values_list("name", flat=True)
        )
    )
    values = {
        (decision_id, name): "Withheld" if withheld else NOT_RECORDED if not_recorded else value
        for decision_id, name, value, withheld, not_recorded in FieldValue.objects.filter(
            name__in=names, decision__in=decisions.order_by().values("pk")
        ).values_list("decision_id", "name", "value", "is_withheld", "is_not_recorded")
    }
    return names, values


# -- one decision --------------------------------------------------------------------------------


def decision_or_404(reference: str, queryset=None) -> Decision:
    if queryset is None:
        queryset = Decision.objects.all()
    return get_object_or_404(queryset, reference=reference)


def decision_tracks(decision: Decision) -> list[Track]:
    """The rows whose history is the decision's history."""
    return decision_tracks_of(decision.pk)


def decision_tracks_of(pk: int) -> list[Track]:
    """`decision_tracks` of the decision with key `pk`."""
    return [
        Track(Decision.history.filter(id=pk), lambda r: "The decision record"),
        Track(
            DecisionSection.history.filter(decision_id=pk),
            lambda r: f"Section {r.position}: {r.heading}",
        ),
        Track(Appendix.history.filter(decision_id=pk), lambda r: f"Appendix: {r.title}"),
        Track(
            DecisionLink.history.filter(from_decision_id=pk), lambda r: "Link to another decision"
        ),
        Track(Award.history.filter(decision_id=pk), lambda r: "A grant or award"),
        *figure_tracks(pk),
        Track(
            DecisionProvider.history.filter(decision_id=pk),
            lambda r: "A provider the decision concerns",
        ),
        Track(
            StatutoryComment.history.filter(decision_id=pk),
            lambda r: f"Comments from the {r.get_role_display()}",
        ),
        Track(
            Extension.history.filter(authorising_decision_id=pk),
            lambda r: f"Extension of a contract to {r.new_ends_on:%-d %B %Y}",
        ),
    ]


def is_editable(decision: Decision) -> bool:
    """Content may change until the decision is taken; once signed off, a change sends the
    record back to draft (Decision.content_edited), after a warning in the editor."""
    return not decision.content_is_locked


@dataclass(frozen=True)
class Concern:
    """One thing a decision concerns, as the decision page lists it."""

    pk: int  # of the contract, programme, arrangement or other decision the row links to
    reference: str
    title: str
    note: str  # the provider, the kind of extension or link, or a provider's role
    on: datetime.date | None = None
    address: str = ""  # of a decision outside the register, if it was given


def concerns_of(decision: Decision) -> dict[str, list[Concern]]:
    """Its contracts, the extensions it authorises, its programmes and joint arrangements,
    and the decisions it links to and from, read in one query.

    Six small lists on every decision page were six round trips to the database; here each
    is one SELECT of the same six columns, joined with UNION ALL. Django took 2.4 ms to
    build that SQL, eight times what the database took to run it, so on PostgreSQL it is
    compiled once per process and prepared once per connection (commissioning.speed.precompiled).
    SQLite's raw rows would hold text for the extension's date: there the ORM runs it.
    """
    if connection.vendor == "postgresql":
        rows = precompiled.fetchall(
            "decision_concerns", _concerns_query, precompiled.KEY_PLACEHOLDER, decision.pk
        )
    else:
        rows = _concerns_query(decision.pk)
    labels = {"extensions": dict(Extension.Kind.choices), "links_out": dict(LinkKind.choices)}
    labels["links_in"] = labels["links_outside"] = labels["links_out"]
    labels["providers"] = dict(ProviderRole.choices)
    found: dict[str, list[Concern]] = {kind: [] for kind in CONCERN_KINDS}
    for kind, pk, reference, title, note, on, address in rows:
        note = labels.get(kind, {}).get(note, note)
        found[kind].append(Concern(pk, reference, title, note, on, address or ""))
    return found


def _concerns_query(pk: int):
    """The UNION ALL of `concerns_of` for the decision with key `pk`."""
    text, day = CharField(), DateField()

    def part(queryset, kind, key, reference, title, note, on=None, address=None):
        def column(name, field):  # a field of the row, or None for a blank
            if name is None:
                return Value("" if field is text else None, output_field=field)
            return F(name)

        return (
            queryset.order_by()
            .annotate(
                row_kind=Value(kind, output_field=text),
                row_pk=F(key),
                row_reference=column(reference, text),
                row_title=column(title, text),
                row_note=column(note, text),
                row_on=column(on, day),
                row_address=column(address, text),
            )
            .values_list(
                "row_kind",
                "row_pk",
                "row_reference",
                "row_title",
                "row_note",
                "row_on",
                "row_address",
            )
        )

    parts = [
        part(
            Contract.objects.filter(decisions=pk),
            "contracts",
            "pk",
            "reference",
            "title",
            "provider__name",
        ),
        part(
            Extension.objects.filter(authorising_decision=pk),
            "extensions",
            "contract_id",
            "contract__reference",
            None,
            "kind",
            "new_ends_on",
        ),
        part(Programme.objects.filter(decisions=pk), "programmes", "pk", None, "title", None),
        part(
            JointArrangement.objects.filter(decisions=pk),
            "arrangements",
            "pk",
            None,
            "title",
            None,
        ),
        part(
            DecisionLink.objects.filter(from_decision=pk, to_decision__isnull=False),
            "links_out",
            "to_decision_id",
            "to_decision__reference",
            "to_decision__title",
            "kind",
        ),
        part(
            DecisionLink.objects.filter(to_decision=pk),
            "links_in",
            "from_decision_id",
            "from_decision__reference",
            "from_decision__title",
            "kind",
        ),
        # Links to decisions the register does not hold, as they were given.
        part(
            DecisionLink.objects.filter(from_decision=pk, to_decision__isnull=True),
            "links_outside",
            "pk",
            "to_reference",
            "to_title",
            "kind",
            "to_date",
            "to_url",
        ),
        # Providers it concerns directly, with their roles (another role in its own words).
        part(
            DecisionProvider.objects.filter(decision=pk).annotate(
                role_words=Case(
                    When(role=ProviderRole.OTHER, then=F("role_other")), default=F("role")
                )
            ),
            "providers",
            "provider_id",
            None,
            "provider__name",
            "role_words",
        ),
    ]
    return parts[0].union(*parts[1:], all=True).order_by("row_kind", "row_reference", "row_title")


CONCERN_KINDS = [
    "contracts",
    "extensions",
    "programmes",
    "arrangements",
    "links_out",
    "links_in",
    "links_outside",
    "providers",
]


class DecisionDetailView(StaffRequiredMixin, TemplateView):
    template_name = "workspace/decisions/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = decision_or_404(self.kwargs["reference"], Decision.objects.for_workspace_page())
        read_figures(decision)
        sections = list(decision.sections.all())
        # The page shows withheld sections in full to staff: the read goes in the audit log.
        record_withheld_read("read.withheld_sections", self.request.user, decision, sections)
        layout = record_layout(decision)
        values = values_by_name(decision)
        context.update(
            {
                "workspace_section": "decisions",
                "decision": decision,
                "sections": sections,
                "office_of_record": office_name(layout),
                "record_layout": staff_layout(layout, decision, values, sections),
                **concerns_of(decision),
                "editable": is_editable(decision),
                "may_edit": can_edit(self.request.user) and is_editable(decision),
                # A withheld part of a published record is released from beside it.
                "may_release": can_edit(self.request.user)
                and decision.status == Decision.Status.PUBLISHED,
                "pdf_url": f"/workspace/decisions/{decision.reference}.pdf",
            }
        )
        return context


class ChooseTemplateView(OfficerRequiredMixin, TemplateView):
    """Step 1 of a new decision: the form it is written on."""

    template_name = "workspace/decisions/choose_template.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or TemplateChoiceForm()
        context.update(
            {
                "workspace_section": "decisions",
                "form": form,
                "templates": list(
                    DecisionTemplate.objects.filter(is_active=True).prefetch_related("sections")
                ),
                "error_summary": error_summary(form),
            }
        )
        return context

    def post(self, request):
        form = TemplateChoiceForm(request.POST)
        if form.is_valid():
            return redirect("workspace:decision-create-details", form.cleaned_data["template"].pk)
        return self.render_to_response(self.get_context_data(form=form))


class NewDecisionView(OfficerRequiredMixin, TemplateView):
    """Step 2: the details, then "Check your answers", then the draft is opened."""

    template_name = "workspace/decisions/new.html"
    check_template_name = "workspace/decisions/check.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.template = get_object_or_404(
                DecisionTemplate.objects.filter(is_active=True), pk=kwargs["template"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or NewDecisionForm(
            template=self.template, instance=Decision(template=self.template)
        )
        context.update(
            {
                "workspace_section": "decisions",
                "form": form,
                "template": self.template,
                "sections": list(self.template.sections.all()),
                "error_summary": error_summary(form),
            }
        )
        return context

    def post(self, request, template):
        form = NewDecisionForm(
            request.POST, template=self.template, instance=Decision(template=self.template)
        )
        if "change" in request.POST or not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if "confirm" not in request.POST:
            carried = [
                (name, value)
                for name, values in request.POST.lists()
                if name not in {"csrfmiddlewaretoken", "check", "confirm", "change"}
                for value in values
            ]
            context = self.get_context_data(form=form, answers=answers_of(form), carried=carried)
            return TemplateResponse(request, self.check_template_name, context)
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            with once.creating(request) as submission:
                decision = Decision.start(template=self.template, by=request.user, **fields)
                submission.location = reverse("workspace:decision-edit", args=[decision.reference])
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
            return self.render_to_response(self.get_context_data(form=form))
        except IntegrityError:
            # The reference was taken between the check and the save: nothing is saved.
            form.add_error(
                "reference", "A decision with this reference already exists: choose another"
            )
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, f"Draft {decision.reference} opened. Now write its sections.")
        return redirect("workspace:decision-edit", decision.reference)


def answers_of(form) -> list[dict]:
    """The entries of a valid form as "Check your answers" rows: label and what was entered."""
    rows = []
    for name in form.fields:
        bound = form[name]
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            shown = "Not given"
        elif isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif isinstance(value, datetime.date):
            shown = value.strftime("%-d %B %Y")
        elif hasattr(bound.field, "choices") and not hasattr(value, "pk"):
            shown = dict(bound.field.choices).get(value, value)
        else:
            shown = str(value)
        rows.append({"label": bound.label, "value": shown, "anchor": bound.auto_id})
    return rows


class DecisionEditPage(OfficerRequiredMixin, StaleEditMixin, TemplateView):
    """A page that edits part of a decision while it may be edited (`is_editable`), refusing
    a stale form; once the decision is taken it sends the officer back to its page with
    `read_only_message`."""

    read_only_message = "A decision that has been taken cannot be changed here."
    saved = "Your changes have been saved."

    def decisions(self) -> QuerySet:
        return Decision.objects.all()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = decision_or_404(kwargs["reference"], self.decisions())
        return super().dispatch(request, *args, **kwargs)

    def tracks(self, obj):
        return decision_tracks(obj)

    def latest_ids(self, obj) -> list[int]:
        return latest_ids_of("decision_latest_ids", decision_tracks_of, obj.pk)

    def forms(self, data=None) -> dict:
        raise NotImplementedError

    def save_if_valid(self, forms: dict) -> HttpResponse | None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if not is_editable(self.object):
            return self.read_only()
        return self.render_to_response(self.get_context_data(**self.forms()))

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            self.object = self.lock(self.object, self.decisions())
            if self.object is None:
                raise Http404("No decision has that reference.")
            if not is_editable(self.object):
                return self.read_only()
            response = self.save_if_current(self.forms(request.POST), self.save_if_valid)
        if response.status_code == 302:
            messages.success(request, self.saved)
        return response

    def read_only(self):
        messages.info(self.request, self.read_only_message)
        return redirect("workspace:decision-detail", self.object.reference)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"workspace_section": "decisions", "decision": self.object})
        return context


class DecisionEditView(DecisionEditPage):
    """The editor: details, the sections of the decision's form in order, and its links."""

    template_name = "workspace/decisions/edit.html"

    def decisions(self) -> QuerySet:
        return Decision.objects.select_related("template")

    def forms(self, data=None):
        decision = self.object
        layout = decision.template.layout_data()
        return {
            "details": DecisionDetailsForm(
                data, template=decision.template, layout=layout, instance=decision
            ),
            "sections": SectionFormSet(
                data,
                queryset=decision.sections.order_by("position"),
                prefix="sections",
            ),
            "own_fields": own_field_forms(decision, data, layout),
            "links": LinksForm(data, instance=decision, prefix="links"),
            "decision_links": DecisionLinkFormSet(
                data,
                instance=decision,
                prefix="decision_links",
                queryset=DecisionLink.objects.filter(
                    from_decision=decision, to_decision__isnull=False
                ).select_related("to_decision"),
            ),
        }

    def get(self, request, *args, **kwargs):
        if not is_editable(self.object):
            return self.read_only()
        unsaved = EditorDraft.objects.filter(decision=self.object, author=request.user).first()
        if unsaved is not None and "restore" in request.GET:
            # The kept copy, drawn as the form it was typed into, on the version it was
            # typed on: saving it is refused if the record has changed since.
            context = self.get_context_data(
                **self.forms(unsaved.as_data()), restored=unsaved, version_token=unsaved.version
            )
        else:
            context = self.get_context_data(**self.forms(), unsaved=unsaved)
        response = self.render_to_response(context)
        add_never_cache_headers(response)
        return response

    @property
    def read_only_message(self) -> str:  # type: ignore[override]
        return (
            f"This decision is {self.object.get_status_display().lower()}: a decision that "
            "has been taken cannot be edited. The record is shown as it stands."
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "returned": self.returned(),
                "autosave_seconds": settings.EDITOR_AUTOSAVE_SECONDS,
                "error_summary": error_summary(
                    kwargs.get("details"),
                    *kwargs.get("own_fields", []),
                    kwargs.get("sections"),
                    kwargs.get("links"),
                    kwargs.get("decision_links"),
                ),
            }
        )
        return context

    def returned(self):
        """For a draft sent back to its author, the step that returned it: who, when and
        their comments, shown at the top of the editor."""
        if self.object.status != Decision.Status.DRAFT:
            return None
        return (
            self.object.workflow_events.filter(
                step=WorkflowStep.RETURN_TO_DRAFT, outcome=WorkflowOutcome.ALLOWED
            )
            .order_by("-at", "-pk")
            .first()
        )

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def save_if_valid(self, forms: dict):
        """The record's page once valid forms are saved; None when they are not valid."""
        valid = all(
            [
                forms["details"].is_valid(),
                *[form.is_valid() for form in forms["own_fields"]],
                forms["sections"].is_valid(),
                forms["links"].is_valid(),
                forms["decision_links"].is_valid(),
            ]
        )
        if (
            valid
            and self.all_withheld(forms)
            and not forms["details"].cleaned_data.get("public_subject")
        ):
            forms["details"].add_error(
                "public_subject",
                "Every section is withheld: enter a one-line subject for the public register",
            )
            valid = False
        if not valid:
            return None
        self.save(forms)
        return redirect("workspace:decision-detail", self.object.reference)

    @staticmethod
    def all_withheld(forms) -> bool:
        sections = forms["sections"].forms
        return bool(sections) and all(form.cleaned_data.get("is_withheld") for form in sections)

    def save(self, forms) -> None:
        user = self.request.user
        decision = self.object
        if forms["details"].has_changed():
            decision = forms["details"].save(commit=False)
            decision._history_user = user
            decision.save()
        for form in forms["sections"].forms:
            if form.instance.pk is not None and form.has_changed():
                section = form.save(commit=False)
                section._history_user = user
                section.save()
        for form in forms["own_fields"]:
            if form.has_changed():
                value = form.save(commit=False)
                value._history_user = user
                value.save()
        links = forms["links"]
        for name in links.changed_links():
            decision._history_user = user
            getattr(decision, name).set(links.cleaned_data[name])
        if "extensions" in links.changed_data:
            links.save_extensions(by=user)
        decision_links = forms["decision_links"]
        for form in decision_links.forms:
            if not form.has_changed() or not hasattr(form, "cleaned_data"):
                continue
            link = form.instance
            if form.cleaned_data.get("DELETE") or not form.cleaned_data.get("to_decision"):
                if link.pk:
                    link._history_user = user
                    link.delete()
                continue
            link = form.save(commit=False)
            link.from_decision = decision
            link._history_user = user
            link.save()
        decision.refresh_from_db()
        self.after_save(decision)
        # The changes are the record's now: the copy kept while typing them goes.
        EditorDraft.objects.filter(decision=decision, author=self.request.user).delete()

    def after_save(self, decision: Decision) -> None:
        """What follows a save: the content's confidentiality and signatures kept in step
        (the correction page, decisions.recording_views, says what kind of change it was)."""
        decision.content_edited(by=self.request.user)


class AppendixCreateView(OfficerRequiredMixin, TemplateView):
    template_name = "workspace/decisions/appendix_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.decision = decision_or_404(kwargs["reference"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or AppendixForm()
        context.update(
            {
                "workspace_section": "decisions",
                "decision": self.decision,
                "form": form,
                "error_summary": error_summary(form),
            }
        )
        return context

    def get(self, request, *args, **kwargs):
        if not is_editable(self.decision):
            return self.read_only()
        return super().get(request, *args, **kwargs)

    def read_only(self):
        messages.info(self.request, "Appendices cannot be added once the decision has been taken.")
        return redirect("workspace:decision-detail", self.decision.reference)

    def post(self, request, *args, **kwargs):
        if not is_editable(self.decision):
            return self.read_only()
        form = AppendixForm(request.POST, request.FILES, instance=Appendix(decision=self.decision))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with once.creating(request) as submission:
            appendix = form.save(commit=False)
            appendix._history_user = request.user
            appendix.save()
            self.decision.content_edited(by=request.user)
            submission.location = reverse(
                "workspace:decision-detail", args=[self.decision.reference]
            )
        messages.success(request, f"Appendix “{appendix.title}” added.")
        return redirect("workspace:decision-detail", self.decision.reference)


class AppendixDownloadView(StaffRequiredMixin, View):
    """An appendix file, for staff, withheld or not; served as a download."""

    def get(self, request, reference, pk):
        appendix = get_object_or_404(
            Appendix.objects.select_related("decision"), pk=pk, decision__reference=reference
        )
        if not appendix.file:
            raise Http404("This appendix has no file.")
        handle = appendix.file.open("rb")
        kind = detect_document_type(handle)
        content_type = DOCUMENT_TYPES[kind][1] if kind else "application/octet-stream"
        if appendix.is_withheld:
            # Who downloaded a withheld file, and when, is kept in the audit log.
            audit.record(
                "read.withheld_appendix",
                actor=request.user,
                obj=appendix.decision,
                details={
                    "reference": appendix.decision.reference,
                    "appendix": appendix.pk,
                    "exemption": appendix.exemption,
                },
            )
        return FileResponse(
            handle,
            as_attachment=True,
            filename=appendix.file.name.rsplit("/", 1)[-1],
            content_type=content_type,
        )


class DecisionHistoryView(RecordHistoryView):
    def get_object(self):
        return decision_or_404(self.kwargs["reference"])

    def tracks(self, obj):
        return decision_tracks(obj)

    def back_url(self, obj):
        return reverse("workspace:decision-detail", args=[obj.reference])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workspace_section"] = "decisions"
        decision = context["object"]
        context["record_name"] = f"{decision.reference} {decision.title}"
        # Past versions of withheld sections are shown in full: the read goes in the audit log.
        record_withheld_read(
            "read.withheld_history", self.request.user, decision, decision.sections.all()
        )
        return context
