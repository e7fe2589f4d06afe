"""Providers, partner bodies, programmes with phases and lots, and joint arrangements."""

import datetime

import pytest
from django.urls import reverse

from contracts.models import (
    ArrangementPartner,
    ArrangementRisk,
    JointArrangement,
    Lot,
    PartnerAsk,
    PartnerBody,
    PartnerPosition,
    ProcurementPhase,
    Programme,
    Provider,
)
from tests.factories import (
    ArrangementPartnerFactory,
    ContractFactory,
    JointArrangementFactory,
    LotFactory,
    PartnerAskFactory,
    PartnerBodyFactory,
    PartnerPositionFactory,
    ProcurementPhaseFactory,
    ProgrammeFactory,
    ProviderFactory,
)
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def editor(client_for, officer):
    return client_for(officer)


def post_form(client, url, **values):
    data = form_fields(client.get(url))
    data.update(values)
    return client.post(url, data)


def test_adding_a_provider(editor, officer):
    response = post_form(
        editor,
        reverse("workspace:provider-create"),
        name="Compass",
        charity_number="1071110",
        is_vcse="on",
    )

    provider = Provider.objects.get()
    assert response["Location"] == reverse("workspace:provider-detail", args=[provider.pk])
    assert (provider.charity_number, provider.is_vcse, provider.is_sme) == ("1071110", True, False)
    assert provider.history.first().history_user == officer


def test_a_provider_name_already_on_the_register_is_refused(editor):
    ProviderFactory(name="Compass")

    response = post_form(editor, reverse("workspace:provider-create"), name="Compass")

    assert "A provider with this name is already on the register" in response.content.decode()
    assert Provider.objects.count() == 1


def test_editing_a_provider(editor):
    provider = ProviderFactory(name="Change Grow Live")

    post_form(editor, reverse("workspace:provider-edit", args=[provider.pk]), is_sme="on")

    provider.refresh_from_db()
    assert provider.is_sme


def test_provider_page_lists_its_contracts(client_for, pcc):
    contract = ContractFactory(reference="WOPCC-DA-ADULT-2018")

    response = client_for(pcc).get(
        reverse("workspace:provider-detail", args=[contract.provider_id])
    )

    assert "WOPCC-DA-ADULT-2018" in response.content.decode()


def test_adding_and_editing_a_partner_body(editor):
    post_form(
        editor,
        reverse("workspace:partner-create"),
        name="Rutland County Council",
        kind="unitary_council",
    )
    body = PartnerBody.objects.get()

    post_form(editor, reverse("workspace:partner-edit", args=[body.pk]), kind="county_council")

    body.refresh_from_db()
    assert body.kind == "county_council"


def test_partner_body_needs_a_kind(editor):
    response = post_form(editor, reverse("workspace:partner-create"), name="Somewhere")

    assert "Select what kind of body it is" in response.content.decode()


def test_a_programme_with_its_phases_and_lots(editor):
    post_form(
        editor,
        reverse("workspace:programme-create"),
        title="Victim services recommissioning 2022-24",
        needs_assessment_on_day="28",
        needs_assessment_on_month="2",
        needs_assessment_on_year="2022",
    )
    programme = Programme.objects.get()
    post_form(
        editor,
        reverse("workspace:phase-create", args=[programme.pk]),
        name="Phase 1",
        starts_on_day="1",
        starts_on_month="1",
        starts_on_year="2022",
        ends_on_day="31",
        ends_on_month="12",
        ends_on_year="2022",
        service_starts_on_day="1",
        service_starts_on_month="4",
        service_starts_on_year="2023",
    )
    phase = ProcurementPhase.objects.get()
    response = post_form(
        editor,
        reverse("workspace:lot-create", args=[phase.pk]),
        number="4",
        title="Modern slavery and human trafficking",
        is_new="on",
    )

    assert response["Location"] == reverse("workspace:programme-detail", args=[programme.pk])
    lot = Lot.objects.get()
    assert (lot.phase, lot.number, lot.is_new) == (phase, 4, True)
    assert programme.needs_assessment_on == D(2022, 2, 28)
    page = editor.get(reverse("workspace:programme-detail", args=[programme.pk]))
    content = page.content.decode()
    assert "Phase 1" in content and "Lot 4: Modern slavery and human trafficking" in content


def test_a_phase_name_and_a_lot_number_are_unique_within_their_parent(editor):
    phase = ProcurementPhaseFactory(name="Phase 1")
    LotFactory(phase=phase, number=1)

    phase_response = post_form(
        editor, reverse("workspace:phase-create", args=[phase.programme_id]), name="Phase 1"
    )
    lot_response = post_form(
        editor, reverse("workspace:lot-create", args=[phase.pk]), number="1", title="Again"
    )

    assert "already has a phase with that name" in phase_response.content.decode()
    assert "already has a lot with that number" in lot_response.content.decode()
    assert ProcurementPhase.objects.count() == 1 and Lot.objects.count() == 1


def test_a_phase_cannot_end_before_it_starts(editor):
    phase = ProcurementPhaseFactory()

    response = post_form(
        editor,
        reverse("workspace:phase-edit", args=[phase.pk]),
        ends_on_day="1",
        ends_on_month="1",
        ends_on_year="2020",
    )

    assert "The phase must end on or after the day it starts" in response.content.decode()


def test_editing_a_lot(editor):
    lot = LotFactory(title="General victims cope and recovery")

    post_form(editor, reverse("workspace:lot-edit", args=[lot.pk]), service_area="Victims")

    lot.refresh_from_db()
    assert lot.service_area == "Victims"


def test_an_arrangement_with_partners_positions_risks_and_asks(editor):
    contract = ContractFactory()
    body = PartnerBodyFactory(name="Leicestershire County Council")
    post_form(
        editor,
        reverse("workspace:arrangement-create"),
        title="LLR substance misuse recommissioning",
        subject="Substance misuse treatment services",
        contracts=[contract.pk],
    )
    arrangement = JointArrangement.objects.get()
    post_form(
        editor,
        reverse("workspace:arrangement-partner-create", args=[arrangement.pk]),
        body=body.pk,
        role="co",
    )
    partner = ArrangementPartner.objects.get()
    for position, day in (("committed", "4"), ("separate", "1")):
        post_form(
            editor,
            reverse("workspace:position-create", args=[partner.pk]),
            position=position,
            as_of_day=day,
            as_of_month="1" if position == "committed" else "6",
            as_of_year="2021",
            note="Decided at directorate level." if position == "separate" else "",
        )
    post_form(
        editor,
        reverse("workspace:risk-create", args=[arrangement.pk]),
        description="Separate providers in the city and the county.",
        likelihood="high",
        impact="high",
    )
    post_form(
        editor,
        reverse("workspace:ask-create", args=[arrangement.pk]),
        of_body=body.pk,
        request="Reconsider and extend the existing contracts.",
        status="open",
        asked_on_day="1",
        asked_on_month="6",
        asked_on_year="2021",
    )

    assert list(arrangement.contracts.all()) == [contract]
    assert [p.position for p in PartnerPosition.objects.order_by("as_of")] == [
        "committed",
        "separate",
    ]
    assert ArrangementRisk.objects.get().impact == "high"
    assert PartnerAsk.objects.get().of_body == body
    page = editor.get(reverse("workspace:arrangement-detail", args=[arrangement.pk]))
    content = page.content.decode()
    assert "Proceeding separately" in content
    assert content.index("1 June 2021") < content.index("4 January 2021")
    assert "Decided at directorate level." in content


def test_a_body_is_a_partner_in_an_arrangement_once(editor):
    partner = ArrangementPartnerFactory()

    response = post_form(
        editor,
        reverse("workspace:arrangement-partner-create", args=[partner.arrangement_id]),
        body=partner.body_id,
        role="funder",
    )

    assert "already a partner in the arrangement" in response.content.decode()


def test_an_ask_cannot_be_resolved_before_it_was_made(editor):
    ask = PartnerAskFactory(asked_on=D(2021, 7, 1))

    response = post_form(
        editor,
        reverse("workspace:ask-edit", args=[ask.pk]),
        status="declined",
        resolved_on_day="1",
        resolved_on_month="1",
        resolved_on_year="2021",
    )

    assert "An ask cannot be resolved before it was made" in response.content.decode()


def test_partner_page_shows_its_arrangements_and_position(client_for, chief_officer):
    partner = ArrangementPartnerFactory(arrangement=JointArrangementFactory(title="LLR"))
    PartnerPositionFactory(partner=partner, position="separate", as_of=D(2021, 6, 1))

    response = client_for(chief_officer).get(
        reverse("workspace:partner-detail", args=[partner.body_id])
    )

    assert "proceeding separately from 1 June 2021" in response.content.decode()


def test_list_pages_filter_by_name(client_for, treasurer):
    client = client_for(treasurer)
    ProviderFactory(name="Compass")
    ProviderFactory(name="Change Grow Live")
    ProgrammeFactory(title="Victim services 2018")
    ProgrammeFactory(title="Estates review")

    providers = client.get(reverse("workspace:provider-list"), {"q": "compass"})
    programmes = client.get(reverse("workspace:programme-list"), {"q": "victim"})

    assert [p.name for p in providers.context["object_list"]] == ["Compass"]
    assert [p.title for p in programmes.context["object_list"]] == ["Victim services 2018"]
