"""The officer workspace for contracts, providers, procurement, partners and the timeline.

Every page needs a member of staff; every change needs a commissioning officer or an
administrator (commissioning/permissions.py). Every edit form refuses a stale save
(commissioning/concurrency.py), and every record has a History page. The pages are built on
the blocks in contracts/workspace_blocks.py.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Count, F, Max, Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import CreateView, TemplateView

from commissioning import once
from commissioning.concurrency import StaleEditMixin, duplicate_found
from commissioning.forms import error_summary
from commissioning.history import Track
from commissioning.pagination import RegisterPaginator, page_context
from commissioning.permissions import OfficerRequiredMixin, StaffRequiredMixin
from contracts import models as register
from contracts.forms import (
    ArrangementForm,
    ArrangementPartnerForm,
    AskForm,
    CommissionerFormSet,
    ContractForm,
    ExtensionForm,
    LotForm,
    NoticeForm,
    PartnerBodyForm,
    PartnerPositionForm,
    PhaseForm,
    ProgrammeForm,
    ProviderForm,
    RiskForm,
)
from contracts.spend import staff_spend
from contracts.timeline import GROUPINGS, build_timeline
from contracts.workspace_blocks import (
    ChildFormMixin,
    FilteredListView,
    FormPageMixin,
    HistoryMixin,
    RecordCreateView,
    RecordDetailView,
    RecordHistory,
    RecordUpdateView,
)
from contracts.workspace_filters import (
    ArrangementFilter,
    ContractFilter,
    PartnerBodyFilter,
    ProgrammeFilter,
    ProviderFilter,
    TimelineFilter,
)

TIMELINE_PAGE_SIZE = 50
# The timeline reads contracts in the order of its groups, so that a group is not split
# across pages more than it must be.
TIMELINE_ORDER = {
    "provider": [F("provider__name").asc(nulls_last=True)],
    "lot": ["lot__phase__programme__title", "lot__phase__name", "lot__number"],
}


# -- contracts -------------------------------------------------------------------------------------


class ContractListView(FilteredListView):
    template_name = "workspace/contracts/list.html"
    filterset_class = ContractFilter
    section = "contracts"
    heading = "Contracts"
    import_url_name = "workspace:import-contracts"
    numbered_caption = True

    def get_queryset(self):
        return register.Contract.objects.for_register()


def contract_tracks(contract) -> list[Track]:
    return [
        Track(register.Contract.history.filter(id=contract.pk), lambda r: "The contract"),
        Track(
            register.Commissioner.history.filter(contract_id=contract.pk),
            lambda r: f"Commissioner: {r.body.name if r.body_id and r.body else 'this office'}",
        ),
        Track(
            register.Extension.history.filter(contract_id=contract.pk),
            lambda r: f"{r.get_kind_display()} to {r.new_ends_on:%-d %B %Y}",
        ),
        Track(
            register.Notice.history.filter(contract_id=contract.pk),
            lambda r: f"Notice: {r.identifier or r.url}",
        ),
    ]


class ContractDetailView(RecordDetailView):
    template_name = "workspace/contracts/detail.html"
    section = "contracts"
    record_name = "contract"

    def get_record(self):
        return get_object_or_404(
            register.Contract.objects.select_related("provider", "lot__phase__programme"),
            pk=self.kwargs["pk"],
        )

    def rows(self, contract) -> dict:
        return {
            "commissioners": contract.commissioners.select_related("body"),
            "extensions": contract.extensions.select_related(
                "authorising_decision", "basis"
            ).order_by("created_at", "pk"),
            "decisions": contract.decisions.order_by("-decided_on", "-created_at"),
            "notices": contract.notices.all(),
            "arrangements": contract.arrangements.all(),
            "today": timezone.localdate(),
            # The timeline, showing this contract's provider.
            "timeline_url": reverse("workspace:timeline")
            + (f"?provider={contract.provider_id}" if contract.provider_id else ""),
        }


class ContractFormMixin:
    """The contract form with its commissioners, saved together."""

    template_name = "workspace/contracts/form.html"
    form_class = ContractForm
    model = register.Contract
    section = "contracts"

    def get_formset(self, data=None):
        return CommissionerFormSet(
            data,
            instance=self.object if self.object else register.Contract(),
            prefix="commissioners",
            queryset=register.Commissioner.objects.filter(
                contract=self.object.pk if self.object else None
            ).select_related("body"),
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        kwargs["formsets"] = [kwargs["formset"]]
        return super().get_context_data(**kwargs)

    def save_all(self, form, formset):
        user = self.request.user
        contract = form.save(commit=False)
        contract._history_user = user
        if form.has_changed() or not contract.pk:
            contract.save()
        form.save_m2m()
        formset.instance = contract
        formset.ordered_saves(user)
        return contract


class ContractCreateView(OfficerRequiredMixin, ContractFormMixin, FormPageMixin, CreateView):
    heading = "Add a contract"
    submit_label = "Add contract"

    def post(self, request, *args, **kwargs):
        self.object = None
        form = self.get_form()
        formset = self.get_formset(request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                with once.creating(request) as submission:
                    contract = self.save_all(form, formset)
                    submission.location = contract.get_absolute_url()
            except IntegrityError:
                if not duplicate_found(form):
                    raise
                return self.render_to_response(self.get_context_data(form=form, formset=formset))
            messages.success(request, f"Contract {contract.reference} has been added.")
            return HttpResponseRedirect(contract.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class ContractUpdateView(ContractFormMixin, RecordUpdateView):
    history_of = staticmethod(contract_tracks)

    def get_heading(self):
        return f"Change contract {self.object.reference}"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        forms = {"form": self.get_form(), "formset": self.get_formset(request.POST)}
        return self.save_if_current(forms, self.save_forms)

    def save_forms(self, forms: dict):
        if not (forms["form"].is_valid() and forms["formset"].is_valid()):
            return None
        self.save_all(forms["form"], forms["formset"])
        messages.success(self.request, "Your changes have been saved.")
        return HttpResponseRedirect(self.object.get_absolute_url())


class ContractExtendView(OfficerRequiredMixin, HistoryMixin, StaleEditMixin, TemplateView):
    """Record an extension or variation in one form, through `Contract.extend`."""

    template_name = "workspace/contracts/extend.html"
    history_of = staticmethod(contract_tracks)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(
                register.Contract.objects.select_related("provider"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or ExtensionForm(contract=self.object)
        context.update(
            {
                "workspace_section": "contracts",
                "contract": self.object,
                "form": form,
                "error_summary": error_summary(form),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        forms = {"form": ExtensionForm(request.POST, contract=self.object)}
        return self.save_if_current(forms, self.extend)

    def extend(self, forms: dict):
        # The contract read again now its row is locked, and the form checked against it.
        self.object.refresh_from_db()
        forms["form"] = form = ExtensionForm(self.request.POST, contract=self.object)
        if not form.is_valid():
            return None
        data = form.cleaned_data
        try:
            with once.creating(self.request) as submission:
                extension = self.object.extend(
                    new_end=data["new_end"],
                    reason=data["reason"],
                    basis=data["basis"],
                    kind=data["kind"],
                    takes_effect_on=data["takes_effect_on"],
                    authorising_decision=data["authorising_decision"],
                    by=self.request.user,
                )
                submission.location = self.object.get_absolute_url()
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                target = name if name in form.fields else "new_end"
                for problem in problems:
                    form.add_error(target, problem)
            return None
        messages.success(
            self.request,
            f"{extension.get_kind_display()} recorded: the contract now ends on "
            f"{extension.new_ends_on:%-d %B %Y}.",
        )
        return HttpResponseRedirect(self.object.get_absolute_url())


class ContractHistoryView(RecordHistory):
    model = register.Contract
    section = "contracts"
    history_of = staticmethod(contract_tracks)


# -- notices of phases and contracts ---------------------------------------------------------------


class NoticeCreateMixin(ChildFormMixin):
    """Adding a notice to a contract, or to a procurement phase (shown on its programme)."""

    model = register.Notice
    form_class = NoticeForm
    parent_field = ""
    submit_label = "Add notice"
    success_message = "Notice added."

    def get_heading(self):
        return "Add a notice"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = register.Notice(**{self.parent_field: self.parent})
        return kwargs


class ContractNoticeCreateView(NoticeCreateMixin, RecordCreateView):
    parent_model = register.Contract
    parent_field = "contract"
    section = "contracts"


class PhaseNoticeCreateView(NoticeCreateMixin, RecordCreateView):
    parent_model = register.ProcurementPhase
    parent_field = "phase"
    section = "programmes"
    shown_on = "programme"


class NoticeUpdateView(ChildFormMixin, RecordUpdateView):
    model = register.Notice
    form_class = NoticeForm

    def get_queryset(self):
        return register.Notice.objects.select_related("contract", "phase__programme")

    def get_parent(self):
        return self.object.contract or self.object.phase

    def parent_url(self) -> str:
        return self.object.get_absolute_url()

    def get_heading(self):
        return "Change a notice"

    def get_context_data(self, **kwargs):
        self.section = "contracts" if self.object.contract_id else "programmes"
        return super().get_context_data(**kwargs)


class NoticeDeleteView(OfficerRequiredMixin, HistoryMixin, StaleEditMixin, TemplateView):
    """Deleting a notice of a contract or a phase, once confirmed. The notice's history keeps
    it, with who deleted it; a confirmation opened before the notice was changed is refused.
    A second send of the form (a double click) finds it gone and goes back to its record."""

    template_name = "workspace/contracts/notice_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = (
                register.Notice.objects.select_related("contract", "phase__programme")
                .filter(pk=kwargs["pk"])
                .first()
            )
            if self.object is None:
                return self.already_deleted(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def already_deleted(self, pk: int):
        deleted = register.Notice.history.filter(id=pk, history_type="-").first()
        if deleted is None:
            raise Http404("No notice has that number.")
        record = (
            register.Contract.objects.filter(pk=deleted.contract_id).first()
            or register.Programme.objects.filter(phases=deleted.phase_id).first()
        )
        if record is None:
            raise Http404("That notice's record has gone too.")
        messages.info(self.request, "That notice has already been deleted.")
        return HttpResponseRedirect(record.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.object
        context.update(
            {
                "workspace_section": "contracts" if notice.contract_id else "programmes",
                "notice": notice,
                "parent": notice.contract or notice.phase,
                "back_url": notice.get_absolute_url(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        return self.save_if_current({}, self.delete)

    def delete(self, forms: dict):
        notice, back = self.object, self.object.get_absolute_url()
        notice._history_user = self.request.user
        notice._change_reason = "Deleted"
        notice.delete()
        messages.success(self.request, f"{notice} has been deleted.")
        return HttpResponseRedirect(back)


# -- providers -------------------------------------------------------------------------------------


class ProviderListView(FilteredListView):
    template_name = "workspace/providers/list.html"
    filterset_class = ProviderFilter
    section = "providers"
    heading = "Providers"

    def get_queryset(self):
        return register.Provider.objects.annotate(
            contract_count=Count("contracts", distinct=True),
            last_end=Max("contracts__ends_on"),
        ).order_by("name")

    def get_context_data(self, **kwargs):
        # The spend charts beneath the list: three grouped queries, however many contracts.
        return super().get_context_data(**kwargs) | {"spend": staff_spend()}


class ProviderDetailView(RecordDetailView):
    template_name = "workspace/providers/detail.html"
    model = register.Provider
    section = "providers"
    record_name = "provider"

    def rows(self, provider) -> dict:
        return {
            "contracts": provider.contracts.select_related("lot__phase__programme"),
            "awards": provider.awards.select_related("decision"),
        }


class ProviderCreateView(RecordCreateView):
    model = register.Provider
    form_class = ProviderForm
    section = "providers"
    heading = "Add a provider"
    submit_label = "Add provider"


class ProviderUpdateView(RecordUpdateView):
    model = register.Provider
    form_class = ProviderForm
    section = "providers"


class ProviderHistoryView(RecordHistory):
    model = register.Provider
    section = "providers"


# -- partner bodies --------------------------------------------------------------------------------


class PartnerListView(FilteredListView):
    template_name = "workspace/partners/list.html"
    filterset_class = PartnerBodyFilter
    section = "partners"
    heading = "Partner bodies"

    def get_queryset(self):
        return register.PartnerBody.objects.annotate(
            contract_count=Count("commissioned", distinct=True),
            arrangement_count=Count("arrangements", distinct=True),
        ).order_by("name")


class PartnerDetailView(RecordDetailView):
    template_name = "workspace/partners/detail.html"
    model = register.PartnerBody
    section = "partners"
    record_name = "body"

    def rows(self, body) -> dict:
        return {
            "commissioned": body.commissioned.select_related("contract__provider"),
            "memberships": body.arrangements.select_related("arrangement").prefetch_related(
                "positions"
            ),
            "asks": body.asks.select_related("arrangement"),
        }


class PartnerCreateView(RecordCreateView):
    model = register.PartnerBody
    form_class = PartnerBodyForm
    section = "partners"
    heading = "Add a partner body"
    submit_label = "Add partner body"


class PartnerUpdateView(RecordUpdateView):
    model = register.PartnerBody
    form_class = PartnerBodyForm
    section = "partners"


class PartnerHistoryView(RecordHistory):
    model = register.PartnerBody
    section = "partners"


# -- programmes, phases and lots -------------------------------------------------------------------


class ProgrammeListView(FilteredListView):
    template_name = "workspace/programmes/list.html"
    filterset_class = ProgrammeFilter
    section = "programmes"
    heading = "Commissioning programmes"

    def get_queryset(self):
        return register.Programme.objects.annotate(
            phase_count=Count("phases", distinct=True),
            lot_count=Count("phases__lots", distinct=True),
        ).order_by("-created_at", "pk")


def programme_tracks(programme) -> list[Track]:
    phase_ids = register.ProcurementPhase.history.filter(programme_id=programme.pk).values("id")
    return [
        Track(register.Programme.history.filter(id=programme.pk), lambda r: "The programme"),
        Track(
            register.ProcurementPhase.history.filter(programme_id=programme.pk),
            lambda r: f"Phase: {r.name}",
        ),
        Track(
            register.Lot.history.filter(phase_id__in=phase_ids),
            lambda r: f"Lot {r.number}: {r.title}",
        ),
        Track(
            register.Notice.history.filter(phase_id__in=phase_ids),
            lambda r: f"Notice: {r.identifier or r.url}",
        ),
    ]


class ProgrammeDetailView(RecordDetailView):
    template_name = "workspace/programmes/detail.html"
    model = register.Programme
    section = "programmes"
    record_name = "programme"

    def rows(self, programme) -> dict:
        phases = programme.phases.prefetch_related(
            Prefetch(
                "lots",
                queryset=register.Lot.objects.annotate(contract_count=Count("contracts")).order_by(
                    "number"
                ),
            ),
            "notices",
        )
        return {
            "phases": phases,
            "contracts": register.Contract.objects.filter(lot__phase__programme=programme)
            .select_related("provider", "lot__phase")
            .order_by("lot__phase__starts_on", "lot__number", "reference"),
            "decisions": programme.decisions.order_by("-decided_on", "-created_at"),
        }


class ProgrammeCreateView(RecordCreateView):
    model = register.Programme
    form_class = ProgrammeForm
    section = "programmes"
    heading = "Add a commissioning programme"
    submit_label = "Add programme"


class ProgrammeUpdateView(RecordUpdateView):
    model = register.Programme
    form_class = ProgrammeForm
    section = "programmes"


class ProgrammeHistoryView(RecordHistory):
    model = register.Programme
    section = "programmes"
    history_of = staticmethod(programme_tracks)


class PhaseCreateView(ChildFormMixin, RecordCreateView):
    model = register.ProcurementPhase
    form_class = PhaseForm
    parent_model = register.Programme
    section = "programmes"
    submit_label = "Add phase"

    def get_heading(self):
        return "Add a procurement phase"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = register.ProcurementPhase(programme=self.parent)
        return kwargs


class PhaseUpdateView(ChildFormMixin, RecordUpdateView):
    model = register.ProcurementPhase
    form_class = PhaseForm
    parent_field = "programme"
    section = "programmes"

    def get_heading(self):
        return f"Change {self.object.name}"


class LotCreateView(ChildFormMixin, RecordCreateView):
    model = register.Lot
    form_class = LotForm
    parent_model = register.ProcurementPhase
    section = "programmes"
    shown_on = "programme"
    submit_label = "Add lot"

    def get_heading(self):
        return "Add a lot"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = register.Lot(phase=self.parent)
        return kwargs


class LotUpdateView(ChildFormMixin, RecordUpdateView):
    model = register.Lot
    form_class = LotForm
    parent_field = "phase"
    shown_on = "programme"
    section = "programmes"

    def get_queryset(self):
        return register.Lot.objects.select_related("phase__programme")


# -- joint arrangements ----------------------------------------------------------------------------


class ArrangementListView(FilteredListView):
    template_name = "workspace/arrangements/list.html"
    filterset_class = ArrangementFilter
    section = "arrangements"
    heading = "Joint commissioning arrangements"

    def get_queryset(self):
        return register.JointArrangement.objects.annotate(
            partner_count=Count("partners", distinct=True),
            last_move=Max("partners__positions__as_of"),
            open_asks=Count(
                "asks", filter=Q(asks__status=register.PartnerAsk.Status.OPEN), distinct=True
            ),
        ).order_by("title")


def arrangement_tracks(arrangement) -> list[Track]:
    partner_ids = register.ArrangementPartner.history.filter(arrangement_id=arrangement.pk).values(
        "id"
    )
    partner_names = dict(
        register.ArrangementPartner.history.filter(arrangement_id=arrangement.pk).values_list(
            "id", "body__name"
        )
    )
    return [
        Track(
            register.JointArrangement.history.filter(id=arrangement.pk), lambda r: "The arrangement"
        ),
        Track(
            register.ArrangementPartner.history.filter(arrangement_id=arrangement.pk),
            lambda r: f"Partner: {partner_names.get(r.id, 'a partner')}",
        ),
        Track(
            register.PartnerPosition.history.filter(partner_id__in=partner_ids),
            lambda r: f"Position of {partner_names.get(r.partner_id, 'a partner')}",
        ),
        Track(
            register.ArrangementRisk.history.filter(arrangement_id=arrangement.pk),
            lambda r: f"Risk: {r.description[:60]}",
        ),
        Track(
            register.PartnerAsk.history.filter(arrangement_id=arrangement.pk),
            lambda r: f"Ask: {r.request[:60]}",
        ),
    ]


class ArrangementDetailView(RecordDetailView):
    template_name = "workspace/arrangements/detail.html"
    model = register.JointArrangement
    section = "arrangements"
    record_name = "arrangement"

    def rows(self, arrangement) -> dict:
        partners = list(
            arrangement.partners.select_related("body").prefetch_related(
                Prefetch(
                    "positions", queryset=register.PartnerPosition.objects.order_by("as_of", "pk")
                )
            )
        )
        timeline = sorted(
            (position for partner in partners for position in partner.positions.all()),
            key=lambda position: (position.as_of, position.pk),
            reverse=True,
        )
        body_names = {partner.pk: partner.body.name for partner in partners}
        for position in timeline:
            position.body_name = body_names[position.partner_id]
        return {
            "partners": partners,
            "position_timeline": timeline,
            "risks": arrangement.risks.all(),
            "asks": arrangement.asks.select_related("of_body"),
            "contracts": arrangement.contracts.select_related("provider"),
            "decisions": arrangement.decisions.order_by("-decided_on", "-created_at"),
        }


class ArrangementCreateView(RecordCreateView):
    model = register.JointArrangement
    form_class = ArrangementForm
    section = "arrangements"
    heading = "Add a joint commissioning arrangement"
    submit_label = "Add arrangement"


class ArrangementUpdateView(RecordUpdateView):
    model = register.JointArrangement
    form_class = ArrangementForm
    section = "arrangements"

    @staticmethod
    def history_of(arrangement) -> list[Track]:
        return arrangement_tracks(arrangement)[:1]


class ArrangementHistoryView(RecordHistory):
    model = register.JointArrangement
    section = "arrangements"
    history_of = staticmethod(arrangement_tracks)


class ArrangementChildCreateView(ChildFormMixin, RecordCreateView):
    parent_model = register.JointArrangement
    section = "arrangements"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model(arrangement=self.parent)
        return kwargs


class ArrangementPartnerCreateView(ArrangementChildCreateView):
    model = register.ArrangementPartner
    form_class = ArrangementPartnerForm
    heading = "Add a partner"
    submit_label = "Add partner"


class PositionCreateView(ChildFormMixin, RecordCreateView):
    """A partner's new position: the arrangement's position timeline grows by one."""

    model = register.PartnerPosition
    form_class = PartnerPositionForm
    parent_model = register.ArrangementPartner
    section = "arrangements"
    submit_label = "Record position"
    success_message = "Position recorded."
    shown_on = "arrangement"

    def get_heading(self):
        return f"Record a change in {self.parent.body}'s position"

    def get_caption(self):
        return str(self.parent.arrangement)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = register.PartnerPosition(partner=self.parent)
        return kwargs


class RiskCreateView(ArrangementChildCreateView):
    model = register.ArrangementRisk
    form_class = RiskForm
    heading = "Add a risk"
    submit_label = "Add risk"
    success_message = "Risk added."


class RiskUpdateView(ChildFormMixin, RecordUpdateView):
    model = register.ArrangementRisk
    form_class = RiskForm
    parent_field = "arrangement"
    section = "arrangements"

    def get_heading(self):
        return "Change a risk"


class AskCreateView(ArrangementChildCreateView):
    model = register.PartnerAsk
    form_class = AskForm
    heading = "Record an ask of a partner"
    submit_label = "Add ask"
    success_message = "Ask recorded."


class AskUpdateView(ChildFormMixin, RecordUpdateView):
    model = register.PartnerAsk
    form_class = AskForm
    parent_field = "arrangement"
    section = "arrangements"

    def get_heading(self):
        return "Change an ask"


# -- the timeline ----------------------------------------------------------------------------------


def timeline_page(filterset, group_by: str, number) -> tuple:
    """The timeline's queries (its page, and its benchmark floor's): a page of the contracts
    running in the window, in the order of their groups, and the procurement phases in the
    same window, only those of the contracts shown when the contracts are filtered.
    Returns the page, its contracts and the phases in date order."""
    contracts = filterset.qs.order_by(
        *TIMELINE_ORDER[group_by], F("ends_on").asc(nulls_last=True), "reference", "pk"
    )
    page = RegisterPaginator(contracts, TIMELINE_PAGE_SIZE, cap=0).get_page(number)
    rows = list(page.object_list)
    start, end = filterset.window()
    phases = register.ProcurementPhase.objects.in_window(start, end).select_related("programme")
    if filterset.is_bound and any(
        filterset.form.cleaned_data.get(name) for name in ("provider", "lot", "partner", "q")
    ):
        programme_ids = {c.lot.phase.programme_id for c in rows if c.lot_id}
        phases = phases.filter(programme_id__in=programme_ids)
    return page, rows, phases.order_by("starts_on", "programme__title", "name")


class TimelineView(StaffRequiredMixin, TemplateView):
    """Contracts as bars over a window of years, filtered like the register, grouped by
    provider or lot, a page of contracts at a time.

    Only the contracts running at some point in the window are read, a page at a time, in
    the order of their groups, so the page costs the same for ten contracts or twenty
    thousand. The window moves with the "Earlier" and "Later" links or the year fields.
    """

    template_name = "workspace/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group_by = self.request.GET.get("group", "provider")
        if group_by not in GROUPINGS:
            group_by = "provider"
        filterset = TimelineFilter(
            self.request.GET, queryset=register.Contract.objects.for_timeline()
        )
        page, rows, phases = timeline_page(filterset, group_by, self.request.GET.get("page"))
        start, end = filterset.window()
        first, last = filterset.years()
        span = last - first + 1
        context.update(
            {
                "workspace_section": "timeline",
                "filterset": filterset,
                "filter_form": filterset.form,
                "group_by": group_by,
                "groupings": GROUPINGS.items(),
                "timeline": build_timeline(
                    rows,
                    phases,
                    group_by=group_by,
                    today=timezone.localdate(),
                    window=(start, end),
                ),
                "first_year": first,
                "last_year": last,
                "earlier": {"from_year": first - span, "to_year": last - span},
                "later": {"from_year": first + span, "to_year": last + span},
                "first_row": (page.number - 1) * TIMELINE_PAGE_SIZE + 1,
                "last_row": (page.number - 1) * TIMELINE_PAGE_SIZE + len(rows),
                "error_summary": error_summary(filterset.form),
                **page_context(page),
            }
        )
        return context
