"""Every change is kept with who made it: in the admin, and through the model methods."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import HistoryManager

from contracts.models import Contract, ExtensionBasis, Provider
from decisions.models import Decision
from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

AUDITED_APPS = ["contracts", "decisions"]

# Append-only records that are themselves the audit trail: each row already names who did
# what and when, and is never changed, so a history of them would repeat them.
AUDIT_TRAILS = {"WorkflowEvent"}
# Kept out of the history on purpose: a reader's alert subscription (a history would keep an
# address after its owner asked for it to be deleted: decisions.models.alerts) and the copy
# of the editor an officer has typed and not saved (not a version of the record until saved:
# decisions.models.autosave).
NOT_HISTORY = {"Subscription", "EditorDraft"}


def audited_models() -> list[type]:
    """The concrete models of the two apps, without their historical shadows."""
    return [
        model
        for app_label in AUDITED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if not model.__name__.startswith("Historical")
    ]


def test_every_model_keeps_its_history():
    without = [
        model.__name__
        for model in audited_models()
        if not isinstance(getattr(model, "history", None), HistoryManager)
        and model.__name__ not in AUDIT_TRAILS | NOT_HISTORY
    ]

    assert without == []


def test_every_model_in_the_admin_shows_its_history():
    registered = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in AUDITED_APPS
    }

    assert {Contract, Decision} <= set(registered)
    assert [
        type(model_admin).__name__
        for model, model_admin in registered.items()
        if not isinstance(model_admin, SimpleHistoryAdmin) and model.__name__ not in AUDIT_TRAILS
    ] == []


def test_change_in_the_admin_is_recorded_with_the_administrator(administrator, admin_form_data):
    contract = ContractFactory(title="Adult drugs and alcohol service")
    CommissionerFactory(contract=contract, body=None, role="lead")
    contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim measure",
        basis=ExtensionBasis.EXEMPTION,
        by=None,
    )
    client = Client()
    client.force_login(administrator)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    data = admin_form_data(client.get(url))
    assert "commissioners-TOTAL_FORMS" in data  # the inline formsets are posted too
    data["title"] = "Adult criminal justice drugs and alcohol service"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    contract.refresh_from_db()
    assert contract.title == "Adult criminal justice drugs and alcohol service"
    latest = contract.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == administrator


def test_change_to_a_provider_in_the_admin_is_recorded_with_the_administrator(
    administrator, client_for, admin_form_data
):
    provider = ProviderFactory(name="Compass")
    client = client_for(administrator)
    url = reverse("admin:contracts_provider_change", args=[provider.pk])
    data = admin_form_data(client.get(url))
    data["company_number"] = "02361430"

    response = client.post(url, data)

    assert response.status_code == 302
    assert Provider.objects.get(pk=provider.pk).company_number == "02361430"
    assert provider.history.first().history_user == administrator


def test_starting_a_decision_records_its_author(officer):
    template = DecisionTemplateFactory()

    decision = Decision.start(template=template, by=officer, title="Victim services")

    created = decision.history.get()
    assert (created.history_type, created.history_user) == ("+", officer)
    assert {s.history.get().history_user for s in decision.sections.all()} == {officer}


def test_extending_a_contract_records_who_extended_it_and_why(officer):
    contract = ContractFactory(ends_on=datetime.date(2023, 3, 31))

    extension = contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim measure while joint commissioning proceeds",
        basis=ExtensionBasis.EXEMPTION,
        by=officer,
    )

    latest = contract.history.first()
    assert latest.history_user == officer
    assert latest.ends_on == datetime.date(2024, 3, 31)
    assert latest.history_change_reason.startswith("Extended to 31 March 2024")
    assert extension.history.get().history_user == officer


@pytest.mark.parametrize(
    "factory",
    [ContractFactory, ProviderFactory, JointArrangementFactory, DecisionTemplateFactory],
    ids=lambda factory: factory._meta.model.__name__,
)
def test_admin_history_page_lists_the_changes(administrator, client_for, factory):
    instance = factory()
    meta = instance._meta

    response = client_for(administrator).get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[instance.pk])
    )

    assert response.status_code == 200
    assert [record.history_type for record in response.context["page_obj"]] == ["+"]


def test_admin_history_page_of_a_decision_answers(administrator, client_for):
    decision = DecisionFactory(decided=True)
    decision.title = "Joint commissioning of drugs and alcohol services"
    decision._history_user = administrator
    decision.save()

    response = client_for(administrator).get(
        reverse("admin:decisions_decision_history", args=[decision.pk])
    )

    assert response.status_code == 200
    assert [record.history_user for record in response.context["page_obj"]] == [
        administrator,
        None,
    ]


def test_admin_history_page_is_closed_to_the_public(member_of_public):
    contract = ContractFactory()

    response = member_of_public.get(reverse("admin:contracts_contract_history", args=[contract.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
