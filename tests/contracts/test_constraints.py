"""The contract register's rules hold however a row is written.

Each rule is checked twice by `assert_refused` (tests/conftest.py): model validation explains
it, and the database refuses the row anyway when validation is skipped.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from commissioning.dates import PreciseDate
from contracts.models import (
    Commissioner,
    Contract,
    Extension,
    ExtensionBasis,
    ExtensionKind,
)
from tests.factories import (
    ArrangementPartnerFactory,
    ArrangementRiskFactory,
    CommissionerFactory,
    ContractFactory,
    ExtensionFactory,
    JointArrangementFactory,
    LotFactory,
    NoticeFactory,
    PartnerAskFactory,
    PartnerBodyFactory,
    PartnerPositionFactory,
    ProcurementPhaseFactory,
    ProgrammeFactory,
    ProviderFactory,
)
from tests.rule_coverage import coverage_recorder, database_rules

pytestmark = pytest.mark.django_db

COVERED, covers = coverage_recorder()


def test_every_database_rule_has_a_test():
    expected = database_rules("contracts") | {"commissioner_share_total"}
    assert expected - COVERED == set(), "add a test for these rules"
    assert COVERED - expected == set(), "these rules no longer exist"


# Unique names and references


@covers("contract.reference")
def test_duplicate_contract_reference_is_refused(assert_refused):
    ContractFactory(reference="WCC-DA-2018-01")
    duplicate = ContractFactory.build(reference="WCC-DA-2018-01", provider=ProviderFactory())

    assert_refused(
        duplicate,
        "reference",
        field="reference",
        message="Contract with this Reference already exists.",
    )


@covers("provider.name", "partnerbody.name", "programme.title", "jointarrangement.title")
@pytest.mark.parametrize(
    ("factory", "field", "message"),
    [
        (ProviderFactory, "name", "Provider with this Name already exists."),
        (PartnerBodyFactory, "name", "Partner body with this Name already exists."),
        (ProgrammeFactory, "title", "Commissioning programme with this Title already exists."),
        (
            JointArrangementFactory,
            "title",
            "Joint commissioning arrangement with this Title already exists.",
        ),
    ],
    ids=["provider", "partner-body", "programme", "arrangement"],
)
def test_duplicate_name_is_refused(assert_refused, factory, field, message):
    factory(**{field: "Compass"})

    assert_refused(factory.build(**{field: "Compass"}), field, field=field, message=message)


@covers("procurementphase_unique_name")
def test_two_phases_of_a_programme_with_one_name_are_refused(assert_refused):
    phase = ProcurementPhaseFactory(name="Phase 1")
    twin = ProcurementPhaseFactory.build(programme=phase.programme, name="Phase 1")

    assert_refused(
        twin,
        "procurementphase_unique_name",
        message="Procurement phase with this Programme and Name already exists.",
    )


@covers("lot_unique_number")
def test_lot_number_used_twice_in_a_phase_is_refused(assert_refused):
    lot = LotFactory(number=4, title="Modern slavery and human trafficking")
    twin = LotFactory.build(phase=lot.phase, number=4, title="Restorative justice")

    assert_refused(
        twin, "lot_unique_number", message="Lot with this Phase and Number already exists."
    )


def test_lot_numbers_start_again_in_each_phase():
    first = LotFactory(number=1)
    again = LotFactory(number=1, phase=ProcurementPhaseFactory(programme=first.phase.programme))

    again.full_clean()
    assert again.pk is not None


# Dates


@covers("procurementphase_ends_after_start")
def test_phase_ending_before_it_starts_is_refused(assert_refused):
    phase = ProcurementPhaseFactory.build(
        programme=ProgrammeFactory(),
        starts_on=datetime.date(2023, 4, 1),
        ends_on=datetime.date(2023, 3, 31),
    )

    assert_refused(
        phase,
        "procurementphase_ends_after_start",
        message="The phase must end on or after the day it starts.",
    )


@covers("contract_ends_after_start")
def test_contract_ending_before_it_starts_is_refused(assert_refused):
    contract = ContractFactory.build(
        provider=ProviderFactory(),
        starts_on=datetime.date(2023, 4, 1),
        ends_on=datetime.date(2023, 3, 31),
    )

    assert_refused(
        contract,
        "contract_ends_after_start",
        message="The contract must end on or after the day it starts.",
    )


@covers("contract_date_precisions_valid")
def test_a_contract_date_is_a_day_a_month_or_a_year(assert_refused):
    contract = ContractFactory.build(provider=ProviderFactory(), ends_on_precision="week")

    assert_refused(
        contract,
        "contract_date_precisions_valid",
        message="A date is known to the day, the month or the year.",
    )


@covers("procurementphase_date_precisions_valid")
def test_a_phase_date_is_a_day_a_month_or_a_year(assert_refused):
    phase = ProcurementPhaseFactory.build(
        programme=ProgrammeFactory(),
        starts_on=datetime.date(2023, 4, 1),
        ends_on=None,
        starts_on_precision="week",
    )

    assert_refused(
        phase,
        "procurementphase_date_precisions_valid",
        message="A date is known to the day, the month or the year.",
    )


@covers("extension_date_precisions_valid")
def test_an_extension_end_before_is_a_day_a_month_or_a_year(assert_refused):
    extension = ExtensionFactory.build(
        contract=ContractFactory(), previous_ends_on_precision="week"
    )

    assert_refused(
        extension,
        "extension_date_precisions_valid",
        message="A date is known to the day, the month or the year.",
    )


def test_a_contract_with_no_provider_and_no_dates_is_accepted():
    contract = ContractFactory.build(provider=None, starts_on=None, ends_on=None)

    contract.full_clean()
    contract.save()


def test_an_end_known_only_to_the_year_may_be_the_year_it_starts():
    # 2023 is stored as 1 January 2023, before the start: the year may still end after it.
    contract = ContractFactory.build(
        provider=ProviderFactory(), starts_on=datetime.date(2023, 4, 1)
    )
    contract.ends = PreciseDate.of(2023)

    contract.full_clean()
    contract.save()


def test_moving_a_contract_end_before_its_start_is_refused_and_changes_nothing(assert_refused):
    contract = ContractFactory(
        starts_on=datetime.date(2018, 4, 1), ends_on=datetime.date(2023, 3, 31)
    )
    contract.ends_on = datetime.date(2018, 3, 31)

    assert_refused(
        contract,
        "contract_ends_after_start",
        message="The contract must end on or after the day it starts.",
    )
    contract.refresh_from_db()
    assert contract.ends_on == datetime.date(2023, 3, 31)


def test_contract_of_a_single_day_is_accepted():
    contract = ContractFactory.build(
        provider=ProviderFactory(),
        starts_on=datetime.date(2023, 4, 1),
        ends_on=datetime.date(2023, 4, 1),
    )

    contract.full_clean()
    contract.save()
    assert Contract.objects.filter(pk=contract.pk).exists()


@covers("partnerask_resolved_after_asked")
def test_ask_resolved_before_it_was_made_is_refused(assert_refused):
    ask = PartnerAskFactory.build(
        arrangement=JointArrangementFactory(),
        of_body=PartnerBodyFactory(),
        asked_on=datetime.date(2021, 7, 1),
        resolved_on=datetime.date(2021, 6, 30),
    )

    assert_refused(
        ask,
        "partnerask_resolved_after_asked",
        message="An ask cannot be resolved before it was made.",
    )


# Money


@covers(
    "contract_total_value_not_negative",
    "contract_annual_value_not_negative",
    "contract_vat_not_negative",
)
@pytest.mark.parametrize(
    ("field", "constraint", "message"),
    [
        ("total_value", "contract_total_value_not_negative", "The value cannot be negative."),
        (
            "annual_value",
            "contract_annual_value_not_negative",
            "The annual value cannot be negative.",
        ),
        ("irrecoverable_vat", "contract_vat_not_negative", "Irrecoverable VAT cannot be negative."),
    ],
)
def test_negative_contract_amount_is_refused(assert_refused, field, constraint, message):
    contract = ContractFactory.build(provider=ProviderFactory(), **{field: Decimal("-0.01")})

    assert_refused(contract, constraint, message=message)


# Values outside their choices


@covers(
    "partnerbody_kind_valid",
    "contract_status_valid",
    "contract_route_valid",
    "commissioner_role_valid",
    "extension_kind_valid",
    "partnerposition_valid",
    "arrangementrisk_levels_valid",
    "partnerask_status_valid",
    "procurementphase_outcome_valid",
    "procurementphase_route_valid",
    "notice_kind_valid",
)
@pytest.mark.parametrize(
    ("build", "field", "constraint"),
    [
        pytest.param(
            lambda: PartnerBodyFactory.build(kind="parish"),
            "kind",
            "partnerbody_kind_valid",
            id="partner-body-kind",
        ),
        pytest.param(
            lambda: ContractFactory.build(provider=ProviderFactory(), status="paused"),
            "status",
            "contract_status_valid",
            id="contract-status",
        ),
        pytest.param(
            lambda: ContractFactory.build(provider=ProviderFactory(), route="handshake"),
            "route",
            "contract_route_valid",
            id="contract-route",
        ),
        pytest.param(
            lambda: CommissionerFactory.build(
                contract=ContractFactory(), body=PartnerBodyFactory(), role="sponsor"
            ),
            "role",
            "commissioner_role_valid",
            id="commissioner-role",
        ),
        pytest.param(
            lambda: ExtensionFactory.build(contract=ContractFactory(), kind="renewal"),
            "kind",
            "extension_kind_valid",
            id="extension-kind",
        ),
        pytest.param(
            lambda: PartnerPositionFactory.build(
                partner=ArrangementPartnerFactory(), position="undecided"
            ),
            "position",
            "partnerposition_valid",
            id="partner-position",
        ),
        pytest.param(
            lambda: ArrangementRiskFactory.build(
                arrangement=JointArrangementFactory(), likelihood="certain"
            ),
            "likelihood",
            "arrangementrisk_levels_valid",
            id="risk-likelihood",
        ),
        pytest.param(
            lambda: ArrangementRiskFactory.build(
                arrangement=JointArrangementFactory(), impact="severe"
            ),
            "impact",
            "arrangementrisk_levels_valid",
            id="risk-impact",
        ),
        pytest.param(
            lambda: PartnerAskFactory.build(
                arrangement=JointArrangementFactory(), of_body=PartnerBodyFactory(), status="lost"
            ),
            "status",
            "partnerask_status_valid",
            id="ask-status",
        ),
        pytest.param(
            lambda: ProcurementPhaseFactory.build(
                programme=ProgrammeFactory(), outcome="postponed"
            ),
            "outcome",
            "procurementphase_outcome_valid",
            id="phase-outcome",
        ),
        pytest.param(
            lambda: ProcurementPhaseFactory.build(programme=ProgrammeFactory(), route="auction"),
            "route",
            "procurementphase_route_valid",
            id="phase-route",
        ),
        pytest.param(
            lambda: NoticeFactory.build(contract=ContractFactory(), kind="newspaper"),
            "kind",
            "notice_kind_valid",
            id="notice-kind",
        ),
    ],
)
def test_value_outside_its_choices_is_refused(assert_refused, build, field, constraint):
    instance = build()
    value = getattr(instance, field)

    assert_refused(
        instance, constraint, field=field, message=f"Value {value!r} is not a valid choice."
    )


# Commissioners and their shares


@covers("commissioner_unique_body")
def test_body_commissioning_a_contract_twice_is_refused(assert_refused):
    commissioner = CommissionerFactory()
    twin = CommissionerFactory.build(contract=commissioner.contract, body=commissioner.body)

    assert_refused(
        twin,
        "commissioner_unique_body",
        message="Commissioner with this Contract and Body already exists.",
    )


@covers("commissioner_unique_this_office")
def test_this_office_commissioning_a_contract_twice_is_refused(assert_refused):
    ours = CommissionerFactory(body=None, role=Commissioner.Role.LEAD)
    twin = CommissionerFactory.build(contract=ours.contract, body=None)

    assert_refused(
        twin,
        "commissioner_unique_this_office",
        message="This office is already a commissioner of the contract.",
    )


def test_this_office_and_partners_commission_one_contract_together():
    ours = CommissionerFactory(body=None, role=Commissioner.Role.LEAD)
    partner = CommissionerFactory.build(contract=ours.contract, body=PartnerBodyFactory())
    same_body_elsewhere = CommissionerFactory.build(contract=ContractFactory(), body=partner.body)

    for commissioner in (partner, same_body_elsewhere):
        commissioner.full_clean()
        commissioner.save()
    assert ours.contract.commissioners.count() == 2


@covers("commissioner_share_0_to_100")
@pytest.mark.parametrize(
    ("share", "field", "message"),
    [
        (Decimal("-0.01"), NON_FIELD_ERRORS, "A share must be between 0 and 100 per cent."),
        (Decimal("100.01"), NON_FIELD_ERRORS, "A share must be between 0 and 100 per cent."),
    ],
    ids=["negative", "over-100"],
)
def test_share_outside_0_to_100_is_refused(assert_refused, share, field, message):
    commissioner = CommissionerFactory.build(
        contract=ContractFactory(), body=PartnerBodyFactory(), share=share
    )

    assert_refused(commissioner, "commissioner_share_0_to_100", field=field, message=message)


@covers("commissioner_share_total")
def test_shares_of_a_contract_adding_up_to_more_than_100_are_refused(assert_refused):
    lead = CommissionerFactory(share=Decimal("60"))
    partner = CommissionerFactory.build(
        contract=lead.contract, body=PartnerBodyFactory(), share=Decimal("50.00")
    )

    assert_refused(
        partner,
        "commissioner_share_total",
        field="share",
        message="Shares would add up to 110.00%: no more than 100%.",
    )


def test_raising_a_share_past_the_total_is_refused_and_changes_nothing(assert_refused):
    lead = CommissionerFactory(share=Decimal("60"))
    partner = CommissionerFactory(contract=lead.contract, share=Decimal("40"))
    partner.share = Decimal("41.00")

    assert_refused(
        partner,
        "commissioner_share_total",
        field="share",
        message="Shares would add up to 101.00%: no more than 100%.",
    )
    partner.refresh_from_db()
    assert partner.share == Decimal("40")


def test_moving_a_commissioner_onto_a_fully_shared_contract_is_refused():
    full = CommissionerFactory(share=Decimal("100"))
    elsewhere = CommissionerFactory(share=Decimal("30.00"))
    elsewhere.contract = full.contract

    with pytest.raises(ValidationError) as invalid:
        elsewhere.full_clean()
    assert "Shares would add up to 130.00%" in invalid.value.message_dict["share"][0]
    with pytest.raises(IntegrityError, match="commissioner_share_total"), transaction.atomic():
        elsewhere.save()
    elsewhere.refresh_from_db()
    assert elsewhere.contract != full.contract


def test_shares_adding_up_to_exactly_100_are_accepted():
    lead = CommissionerFactory(share=Decimal("60"))
    partner = CommissionerFactory.build(
        contract=lead.contract, body=PartnerBodyFactory(), share=Decimal("40")
    )

    partner.full_clean()
    partner.save()
    assert sum(c.share for c in lead.contract.commissioners.all()) == 100


def test_editing_a_share_does_not_count_it_twice():
    lead = CommissionerFactory(share=Decimal("60"))
    partner = CommissionerFactory(contract=lead.contract, share=Decimal("40"))
    partner.share = Decimal("35")

    partner.full_clean()
    partner.save()
    partner.refresh_from_db()
    assert partner.share == Decimal("35")


def test_shares_of_other_contracts_do_not_count():
    CommissionerFactory(share=Decimal("90"))
    other = CommissionerFactory.build(
        contract=ContractFactory(), body=PartnerBodyFactory(), share=Decimal("90")
    )

    other.full_clean()
    other.save()
    assert other.pk is not None


# Extensions


@covers("extension_ends_after_current_end")
def test_extension_not_ending_after_the_current_end_is_refused(assert_refused):
    contract = ContractFactory()
    extension = ExtensionFactory.build(contract=contract, new_ends_on=contract.ends_on)

    assert_refused(
        extension,
        "extension_ends_after_current_end",
        message="An extension must end after the contract's current end.",
    )


def test_variation_may_bring_the_end_forward():
    contract = ContractFactory()
    variation = ExtensionFactory.build(
        contract=contract,
        kind=ExtensionKind.VARIATION,
        new_ends_on=contract.ends_on - datetime.timedelta(days=90),
    )

    variation.full_clean()
    variation.save()
    assert variation.pk is not None


@covers("arrangementpartner_unique_body")
def test_body_joining_an_arrangement_twice_is_refused(assert_refused):
    partner = ArrangementPartnerFactory()
    twin = ArrangementPartnerFactory.build(arrangement=partner.arrangement, body=partner.body)

    assert_refused(
        twin,
        "arrangementpartner_unique_body",
        message="Arrangement partner with this Arrangement and Body already exists.",
    )


# Contract.extend


@pytest.fixture
def contract():
    """Seed 000: the adult service ran from April 2018 to 31 March 2023."""
    return ContractFactory(
        starts_on=datetime.date(2018, 4, 1),
        ends_on=datetime.date(2023, 3, 31),
        extension_options_remaining=1,
    )


def test_extending_under_an_option_moves_the_end_and_uses_the_option(contract, officer):
    extension = contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim measure",
        basis=ExtensionBasis.CONTRACT_OPTION,
        by=officer,
    )

    contract.refresh_from_db()
    assert contract.ends_on == datetime.date(2024, 3, 31)
    assert contract.extension_options_remaining == 0
    assert extension.previous_ends_on == datetime.date(2023, 3, 31)
    assert extension.new_ends_on == datetime.date(2024, 3, 31)
    assert list(contract.extensions.all()) == [extension]


def test_extending_by_exemption_keeps_the_options(contract, officer):
    contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Exemption from the Finance and Contract Regulations",
        basis=ExtensionBasis.EXEMPTION,
        by=officer,
    )

    contract.refresh_from_db()
    assert contract.ends_on == datetime.date(2024, 3, 31)
    assert contract.extension_options_remaining == 1


def unchanged(contract: Contract) -> tuple:
    contract.refresh_from_db()
    return (
        contract.ends_on,
        contract.extension_options_remaining,
        contract.history.count(),
        Extension.objects.count(),
    )


def test_option_extension_is_refused_when_no_options_remain(contract, officer):
    contract.extension_options_remaining = 0
    contract.save()
    before = unchanged(contract)

    with pytest.raises(ValidationError) as refused:
        contract.extend(
            new_end=datetime.date(2024, 3, 31),
            reason="Another year",
            basis=ExtensionBasis.CONTRACT_OPTION,
            by=officer,
        )

    assert "no extension options left" in refused.value.message_dict["basis"][0]
    assert unchanged(contract) == before


@pytest.mark.parametrize(
    "new_end", [datetime.date(2023, 3, 31), datetime.date(2022, 9, 30)], ids=["same", "earlier"]
)
def test_extension_not_after_the_current_end_is_refused_and_changes_nothing(
    contract, officer, new_end
):
    before = unchanged(contract)

    with pytest.raises(ValidationError) as refused:
        contract.extend(
            new_end=new_end, reason="Typo", basis=ExtensionBasis.CONTRACT_OPTION, by=officer
        )

    assert refused.value.message_dict[NON_FIELD_ERRORS] == [
        "An extension must end after the contract's current end."
    ]
    assert unchanged(contract) == before


def test_variation_ending_before_the_contract_starts_is_refused_with_a_message(contract, officer):
    before = unchanged(contract)

    with pytest.raises(ValidationError):
        contract.extend(
            new_end=datetime.date(2018, 3, 31),
            reason="Ended early",
            basis=ExtensionBasis.EXEMPTION,
            kind=ExtensionKind.VARIATION,
            by=officer,
        )

    assert unchanged(contract) == before


# Identifiers from outside the register (issue 23)


@covers("contract_cpv_codes_valid", "lot_cpv_codes_valid", "procurementphase_cpv_codes_valid")
@pytest.mark.parametrize(
    ("build", "constraint"),
    [
        (lambda: ContractFactory.build(provider=ProviderFactory()), "contract_cpv_codes_valid"),
        (lambda: LotFactory.build(phase=ProcurementPhaseFactory()), "lot_cpv_codes_valid"),
        (
            lambda: ProcurementPhaseFactory.build(programme=ProgrammeFactory()),
            "procurementphase_cpv_codes_valid",
        ),
    ],
    ids=["contract", "lot", "phase"],
)
def test_cpv_codes_not_written_as_cpv_codes_are_refused(assert_refused, build, constraint):
    instance = build()
    instance.cpv_codes = "85312300-2; 8531230"

    assert_refused(
        instance,
        constraint,
        field="cpv_codes",
        message="8531230 is not a CPV code: a CPV code is eight digits, a hyphen and a check "
        "digit, like 85312300-2",
    )


@covers("procurementphase_tender_value_not_negative")
def test_negative_tender_value_is_refused(assert_refused):
    phase = ProcurementPhaseFactory.build(
        programme=ProgrammeFactory(), tender_value=Decimal("-1.00")
    )

    assert_refused(
        phase,
        "procurementphase_tender_value_not_negative",
        message="The value of the tender cannot be negative.",
    )


@covers("notice_of_a_phase_or_a_contract")
@pytest.mark.parametrize("attached_to", ["neither", "both"])
def test_notice_belongs_to_one_phase_or_one_contract(assert_refused, attached_to):
    notice = NoticeFactory.build(contract=None)
    if attached_to == "both":
        notice.contract = ContractFactory()
        notice.phase = ProcurementPhaseFactory()

    assert_refused(
        notice,
        "notice_of_a_phase_or_a_contract",
        message="A notice belongs to a procurement phase or a contract.",
    )


@covers("notice_identified")
def test_notice_with_neither_identifier_nor_address_is_refused(assert_refused):
    notice = NoticeFactory.build(contract=ContractFactory(), identifier="", url="")

    assert_refused(
        notice,
        "notice_identified",
        message="Give the notice's identifier, its address or both.",
    )


@covers("notice_address_is_web")
def test_notice_address_that_is_not_a_web_address_is_refused(assert_refused):
    notice = NoticeFactory.build(contract=ContractFactory(), url="javascript:alert(1)")

    assert_refused(
        notice,
        "notice_address_is_web",
        field="url",
        message="Enter the notice's web address, starting https:// or http://",
    )


@covers("extensionbasis.label")
def test_two_extension_bases_with_one_wording_are_refused(assert_refused):
    twin = ExtensionBasis(code="again", label="An extension option in the contract")

    assert_refused(
        twin,
        "label",
        field="label",
        message="Extension basis with this Wording already exists.",
    )
