"""Records and users for the officer workspace's tests."""

import datetime
import importlib
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps

from contracts.models import Contract, Extension
from decisions.models import Decision
from tests.factories import (
    ArrangementPartnerFactory,
    ArrangementRiskFactory,
    CommissionerFactory,
    ContractFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    LotFactory,
    NoticeFactory,
    PartnerAskFactory,
    PartnerBodyFactory,
    PartnerPositionFactory,
    ProcurementPhaseFactory,
    ProgrammeFactory,
    ProviderFactory,
    StartedDecisionFactory,
    UserFactory,
)

D = datetime.date


@pytest.fixture(autouse=True)
def role_groups(db):
    """The role groups of migration 0002, made again: a transactional test (a browser test)
    flushes the tables, so tests that run after one cannot rely on the migration's rows."""
    importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)


@dataclass
class Records:
    """One of each kind of record the workspace shows, linked as in the seeds."""

    provider: object
    partner: object
    programme: object
    phase: object
    lot: object
    contract: object
    commissioner: object
    extension: object
    notice: object
    arrangement: object
    arrangement_partner: object
    position: object
    risk: object
    ask: object
    draft: object
    published: object


@pytest.fixture
def no_role_user(db):
    """Signed in, but holding no staff role: the workspace refuses them."""
    return UserFactory(username="someone-else")


@pytest.fixture
def records(db, officer, administrator) -> Records:
    provider = ProviderFactory(name="Change Grow Live")
    partner = PartnerBodyFactory(name="Warwickshire County Council")
    programme = ProgrammeFactory(title="Victim services recommissioning 2022-24")
    phase = ProcurementPhaseFactory(programme=programme, name="Phase 1")
    lot = LotFactory(phase=phase, number=4, title="Modern slavery and human trafficking")
    contract = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        provider=provider,
        lot=lot,
        starts_on=D(2018, 4, 1),
        ends_on=D(2023, 3, 31),
    )
    commissioner = CommissionerFactory(contract=contract, body=partner, share=40)
    published = DecisionFactory(
        reference="WPCC3-0058",
        template=DecisionTemplateFactory(reference_format="WPCC3-{number:04}"),
        decided=True,
        status=Decision.Status.PUBLISHED,
        published_on=D(2022, 6, 29),
        sections=["Background information"],
    )
    published.contracts.add(contract)
    extension = contract.extend(
        new_end=D(2024, 3, 31),
        reason="Twelve months to align with the county council's contracts.",
        basis=Extension.Basis.EXEMPTION,
        by=administrator,
        authorising_decision=published,
    )
    arrangement = JointArrangementFactory(
        title="Warwickshire drugs and alcohol joint commissioning", contracts=[contract]
    )
    arrangement_partner = ArrangementPartnerFactory(arrangement=arrangement, body=partner)
    position = PartnerPositionFactory(partner=arrangement_partner, as_of=D(2022, 6, 15))
    risk = ArrangementRiskFactory(arrangement=arrangement)
    ask = PartnerAskFactory(arrangement=arrangement, of_body=partner)
    draft = StartedDecisionFactory(author=officer, title="Phase 1 award of Lot 4")
    return Records(
        provider=provider,
        partner=partner,
        programme=programme,
        phase=phase,
        lot=lot,
        contract=Contract.objects.get(pk=contract.pk),
        commissioner=commissioner,
        extension=extension,
        notice=NoticeFactory(contract=contract),
        arrangement=arrangement,
        arrangement_partner=arrangement_partner,
        position=position,
        risk=risk,
        ask=ask,
        draft=draft,
        published=published,
    )


def version_of(response) -> str:
    """The version token a form page was drawn with."""
    return response.context["version_token"]


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the page's first POST form (not a sign-out
    form: the workspace's, or the admin's)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.in_form = False
        self.done = False
        self.textarea = None
        self.select = None
        self.select_first = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if (
            tag == "form"
            and attrs.get("method", "").lower() == "post"
            and not attrs.get("action", "").endswith("/logout/")
        ):
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.add(name, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.add(name, "")
        elif tag == "select" and name:
            self.select = name
            self.select_first = None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.select_first is None:
                self.select_first = value
            if "selected" in attrs:
                self.add(self.select, value)

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select:
            if self.select not in self.fields:
                self.add(self.select, self.select_first or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data


def form_fields(response) -> dict:
    """The values the page's form would submit as it stands, ready to change and post."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {}
    for name, values in reader.fields.items():
        data[name] = values if len(values) > 1 else values[0]
    if data.get("csrfmiddlewaretoken") is not None:
        del data["csrfmiddlewaretoken"]
    return data
