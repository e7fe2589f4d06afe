"""The decision register's rules hold however a row is written.

Each rule is checked twice by `assert_refused` (tests/conftest.py): model validation explains
it, and the database refuses the row anyway when validation is skipped.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from commissioning.dates import PreciseDate
from decisions.models import (
    Correction,
    Decision,
    DecisionMoney,
    EditorDraft,
    ElementKind,
    Exemption,
    FieldType,
    FormElement,
    FundingSource,
    Office,
    PlannedDecision,
    RecordLayout,
    Subscription,
    WorkflowOutcome,
    WorkflowStep,
    YearlyFigure,
)
from tests.factories import (
    AppendixFactory,
    AwardFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    DecisionProviderFactory,
    DecisionSectionFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    FieldValueFactory,
    ProviderFactory,
    SignatureFactory,
    StatutoryCommentFactory,
    TemplateSectionFactory,
    UserFactory,
    WorkflowEventFactory,
)
from tests.rule_coverage import coverage_recorder, database_rules

pytestmark = pytest.mark.django_db

COVERED, covers = coverage_recorder()


def test_every_database_rule_has_a_test():
    expected = database_rules("decisions")
    assert expected - COVERED == set(), "add a test for these rules"
    assert COVERED - expected == set(), "these rules no longer exist"


@pytest.fixture
def template():
    return DecisionTemplateFactory(sections=[])


def draft(template, **fields) -> Decision:
    """An unsaved decision on the form, for validation and direct writes."""
    return DecisionFactory.build(template=template, **fields)


# Unique names and references


@covers("decision.reference")
def test_duplicate_decision_reference_is_refused(assert_refused, template):
    DecisionFactory(template=template, reference="WPCC3-0058")

    assert_refused(
        draft(template, reference="WPCC3-0058"),
        "reference",
        field="reference",
        message="Decision with this Reference already exists.",
    )


@covers("decisioncategory.name", "decisioncategory.slug", "decisiontemplate.name")
@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        pytest.param(
            lambda: DecisionCategoryFactory.build(name="Commissioning", slug="commissioning-2"),
            "name",
            "Decision category with this Name already exists.",
            id="category-name",
        ),
        pytest.param(
            lambda: DecisionCategoryFactory.build(name="Commissioning (new)", slug="commissioning"),
            "slug",
            "Decision category with this Slug already exists.",
            id="category-slug",
        ),
        pytest.param(
            lambda: DecisionTemplateFactory.build(name="Commissioning"),
            "name",
            "Decision form with this Name already exists.",
            id="form-name",
        ),
    ],
)
def test_duplicate_name_is_refused(assert_refused, build, field, message):
    DecisionCategoryFactory(name="Commissioning", slug="commissioning")
    DecisionTemplateFactory(name="Commissioning")

    assert_refused(build(), field, field=field, message=message)


@covers("templatesection_unique_position")
def test_two_form_sections_in_one_position_are_refused(assert_refused, template):
    TemplateSectionFactory(template=template, position=1, heading="Background")

    assert_refused(
        TemplateSectionFactory.build(template=template, position=1, heading="Options"),
        "templatesection_unique_position",
        message="Template section with this Template and Position already exists.",
    )


@covers("templatesection_unique_heading")
def test_two_form_sections_with_one_heading_are_refused(assert_refused, template):
    TemplateSectionFactory(template=template, position=1, heading="Background")

    assert_refused(
        TemplateSectionFactory.build(template=template, position=2, heading="Background"),
        "templatesection_unique_heading",
        message="The form has a section with this heading already.",
    )


@covers("decisionsection_unique_position")
def test_two_decision_sections_in_one_position_are_refused(assert_refused, template):
    decision = DecisionFactory(template=template, sections=["Background"])

    assert_refused(
        DecisionSectionFactory.build(decision=decision, position=1, heading="Options"),
        "decisionsection_unique_position",
        message="Decision section with this Decision and Position already exists.",
    )


@covers("statutorycomment_one_per_role")
def test_second_comment_from_one_role_is_refused(assert_refused, template):
    first = StatutoryCommentFactory(decision=DecisionFactory(template=template))

    assert_refused(
        StatutoryCommentFactory.build(decision=first.decision, role=first.role),
        "statutorycomment_one_per_role",
        message="Statutory comment with this Decision and Role already exists.",
    )


@covers("decisionlink_unique")
def test_same_link_recorded_twice_is_refused(assert_refused, template):
    link = DecisionLinkFactory(
        from_decision=DecisionFactory(template=template),
        to_decision=DecisionFactory(template=template),
    )

    assert_refused(
        DecisionLinkFactory.build(
            from_decision=link.from_decision, to_decision=link.to_decision, kind=link.kind
        ),
        "decisionlink_unique",
        message="Decision link with this From decision, To decision and Kind already exists.",
    )


@covers("decisionlink_not_to_itself")
def test_decision_linked_to_itself_is_refused(assert_refused, template):
    decision = DecisionFactory(template=template)

    assert_refused(
        DecisionLinkFactory.build(from_decision=decision, to_decision=decision),
        "decisionlink_not_to_itself",
        message="A decision cannot refer to itself.",
    )


# Withheld sections, appendices and figures


class FiguresFactory:
    """Builds a decision's figures (`DecisionMoney`) as the factories build the other parts."""

    build = DecisionMoney


PARTS = [
    pytest.param(DecisionSectionFactory, "decisionsection", id="section"),
    pytest.param(AppendixFactory, "appendix", id="appendix"),
    pytest.param(FieldValueFactory, "fieldvalue", id="own-field"),
    pytest.param(FiguresFactory, "decisionmoney", id="figures"),
]


def withholdable(factory, template, **fields):
    return factory.build(decision=DecisionFactory(template=template), **fields)


@covers(
    "decisionsection_withheld_needs_exemption",
    "appendix_withheld_needs_exemption",
    "fieldvalue_withheld_needs_exemption",
    "decisionmoney_withheld_needs_exemption",
)
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_withheld_part_without_exemption_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(factory, template, is_withheld=True, exemption="")

    assert_refused(
        part,
        f"{prefix}_withheld_needs_exemption",
        message="Choose the exemption that applies to withheld content.",
    )


@covers(
    "decisionsection_exemption_only_when_withheld",
    "appendix_exemption_only_when_withheld",
    "fieldvalue_exemption_only_when_withheld",
    "decisionmoney_exemption_only_when_withheld",
)
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_exemption_on_a_part_not_withheld_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(factory, template, is_withheld=False, exemption=Exemption.S40)

    assert_refused(
        part,
        f"{prefix}_exemption_only_when_withheld",
        message="Only withheld content cites an exemption.",
    )


@covers(
    "decisionsection_other_exemption_named",
    "appendix_other_exemption_named",
    "fieldvalue_other_exemption_named",
    "decisionmoney_other_exemption_named",
)
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_other_exemption_without_its_name_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(
        factory, template, is_withheld=True, exemption=Exemption.OTHER, exemption_other=""
    )

    assert_refused(part, f"{prefix}_other_exemption_named", message="Name the exemption.")


@covers(
    "decisionsection_qualified_needs_public_interest",
    "appendix_qualified_needs_public_interest",
    "fieldvalue_qualified_needs_public_interest",
    "decisionmoney_qualified_needs_public_interest",
)
@pytest.mark.parametrize("exemption", [Exemption.S43_1, Exemption.S43_2, Exemption.S31])
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_qualified_exemption_without_public_interest_statement_is_refused(
    assert_refused, template, factory, prefix, exemption
):
    part = withholdable(
        factory, template, is_withheld=True, exemption=exemption, public_interest_statement=""
    )

    assert_refused(
        part,
        f"{prefix}_qualified_needs_public_interest",
        message=(
            "This exemption is subject to the public interest test: "
            "say why the public interest favours withholding."
        ),
    )


@covers(
    "decisionsection_exemption_valid",
    "appendix_exemption_valid",
    "fieldvalue_exemption_valid",
    "decisionmoney_exemption_valid",
)
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_unknown_exemption_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(factory, template, is_withheld=True, exemption="s99")

    assert_refused(
        part,
        f"{prefix}_exemption_valid",
        field="exemption",
        message="Value 's99' is not a valid choice.",
    )


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"exemption": Exemption.S40}, id="s40"),
        pytest.param({"exemption": Exemption.S41}, id="s41"),
        pytest.param({"exemption": Exemption.S44}, id="s44"),
        pytest.param(
            {"exemption": Exemption.OTHER, "exemption_other": "Section 42: legal privilege"},
            id="other-named",
        ),
    ],
)
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_absolute_exemption_needs_no_public_interest_statement(template, factory, prefix, fields):
    part = withholdable(factory, template, is_withheld=True, **fields)

    part.full_clean()
    part.save()
    assert type(part).objects.filter(pk=part.pk, is_withheld=True).exists()


# The decision record


@covers("decision_delegate_cites_delegation")
def test_delegated_decision_without_its_delegation_is_refused(assert_refused, template):
    decision = draft(template, decision_maker=Decision.Maker.DELEGATE, delegation=None)

    assert_refused(
        decision,
        "decision_delegate_cites_delegation",
        message="A decision taken under delegation must cite it.",
    )


def test_delegated_decision_citing_its_delegation_is_accepted(template):
    decision = draft(
        template, decision_maker=Decision.Maker.DELEGATE, delegation=DelegationFactory()
    )

    decision.full_clean()
    decision.save()
    assert decision.pk is not None


@covers("decision_chief_officer_only_for_force_business")
def test_chief_officer_approval_of_office_business_is_refused(assert_refused, template):
    decision = draft(
        template, is_force_business=False, chief_officer_approved_on=datetime.date(2022, 6, 1)
    )

    assert_refused(
        decision,
        "decision_chief_officer_only_for_force_business",
        message="Only force business is approved by the Chief Officer.",
    )


@covers("decision_signed_after_decided")
def test_signed_before_the_decision_date_is_refused(assert_refused, template):
    decision = draft(
        template, decided_on=datetime.date(2022, 6, 15), signed_on=datetime.date(2022, 6, 14)
    )

    assert_refused(
        decision,
        "decision_signed_after_decided",
        message="It cannot be signed before the date of the decision.",
    )


@covers("decision_decided_after_received")
def test_decided_before_it_was_received_is_refused(assert_refused, template):
    decision = draft(
        template, received_on=datetime.date(2022, 6, 15), decided_on=datetime.date(2022, 6, 14)
    )

    assert_refused(
        decision,
        "decision_decided_after_received",
        message="It cannot be decided before it was received.",
    )


@covers("decision_date_precisions_valid")
def test_a_decision_date_is_a_day_a_month_or_a_year(assert_refused, template):
    decision = draft(template, decided_on=datetime.date(2022, 6, 1), decided_on_precision="week")

    assert_refused(
        decision,
        "decision_date_precisions_valid",
        message="A date is known to the day, the month or the year.",
    )


def test_signed_in_the_month_of_a_decision_taken_in_it_is_accepted(template):
    # "June 2022" is stored as 1 June: it may be any day of June, so it is not refused.
    decision = draft(template, decided_on=datetime.date(2022, 6, 15))
    decision.signed = PreciseDate.of(2022, 6)

    decision.full_clean()
    decision.save()


def test_received_decided_and_signed_on_one_day_is_accepted(template):
    day = datetime.date(2022, 6, 15)
    decision = draft(template, received_on=day, decided_on=day, signed_on=day)

    decision.full_clean()
    decision.save()
    assert decision.pk is not None


@covers("decision_confidential_has_public_subject")
def test_wholly_confidential_decision_without_public_subject_is_refused(assert_refused, template):
    decision = draft(
        template, confidentiality=Decision.Confidentiality.CONFIDENTIAL, public_subject=""
    )

    assert_refused(
        decision,
        "decision_confidential_has_public_subject",
        message="A wholly confidential decision needs a one-line subject for the public.",
    )


@covers("delegation_ends_after_start")
def test_delegation_ending_before_it_starts_is_refused(assert_refused):
    delegation = DelegationFactory.build(
        starts_on=datetime.date(2021, 5, 13), ends_on=datetime.date(2021, 5, 12)
    )

    assert_refused(
        delegation,
        "delegation_ends_after_start",
        message="A delegation must end on or after the day it starts.",
    )


@covers("award_amount_not_negative")
def test_negative_award_is_refused(assert_refused, template):
    award = AwardFactory.build(decision=DecisionFactory(template=template), amount=Decimal("-0.01"))

    assert_refused(award, "award_amount_not_negative", message="An award cannot be negative.")


# Money: a decision's figures, by financial year and by funder


@covers("decisionmoney_one_per_decision")
def test_second_set_of_figures_for_one_decision_is_refused(assert_refused, template):
    first = DecisionMoney.objects.create(decision=DecisionFactory(template=template))

    assert_refused(
        DecisionMoney(decision=first.decision, value=Decimal("900.00")),
        "decisionmoney_one_per_decision",
        field="decision",
        message="Decision's figures with this Decision already exists.",
    )


@covers("decisionmoney_value_not_negative")
def test_negative_value_of_a_decision_is_refused(assert_refused, template):
    figures = DecisionMoney(decision=DecisionFactory(template=template), value=Decimal("-0.01"))

    assert_refused(
        figures, "decisionmoney_value_not_negative", message="The value cannot be negative."
    )


def test_figures_with_no_value_recorded_are_accepted(template):
    figures = DecisionMoney(decision=DecisionFactory(template=template), value=None)

    figures.full_clean()
    figures.save()
    assert DecisionMoney.objects.filter(pk=figures.pk, value__isnull=True).exists()


@covers("yearlyfigure_one_per_year")
def test_two_figures_for_one_financial_year_are_refused(assert_refused, template):
    first = YearlyFigure.objects.create(
        decision=DecisionFactory(template=template), year=2025, amount=Decimal("100.00")
    )

    assert_refused(
        YearlyFigure(decision=first.decision, year=2025, amount=Decimal("200.00")),
        "yearlyfigure_one_per_year",
        message="This financial year already has a figure.",
    )


@covers("yearlyfigure_amount_not_negative")
def test_negative_yearly_figure_is_refused(assert_refused, template):
    figure = YearlyFigure(
        decision=DecisionFactory(template=template), year=2025, amount=Decimal("-0.01")
    )

    assert_refused(
        figure,
        "yearlyfigure_amount_not_negative",
        message="A yearly figure cannot be negative.",
    )


@covers("yearlyfigure_year_in_range")
@pytest.mark.parametrize("year", [1989, 2101])
def test_yearly_figure_outside_the_registers_years_is_refused(assert_refused, template, year):
    figure = YearlyFigure(
        decision=DecisionFactory(template=template), year=year, amount=Decimal("100.00")
    )

    assert_refused(
        figure,
        "yearlyfigure_year_in_range",
        message="Give a financial year between 1990 and 2100.",
    )


@covers(
    "fundingsource_names_the_funder",
    "fundingsource_amount_not_negative",
    "fundingsource_percentage_in_range",
    "fundingsource_gives_a_share",
)
@pytest.mark.parametrize(
    ("fields", "constraint", "message"),
    [
        pytest.param(
            {"funder": "", "amount": Decimal("40000.00")},
            "fundingsource_names_the_funder",
            "Name the funder, or choose a partner body.",
            id="no-funder",
        ),
        pytest.param(
            {"amount": Decimal("-0.01")},
            "fundingsource_amount_not_negative",
            "An amount cannot be negative.",
            id="negative-amount",
        ),
        pytest.param(
            {"percentage": Decimal("100.01")},
            "fundingsource_percentage_in_range",
            "A share is a percentage from 0 to 100.",
            id="over-100-percent",
        ),
        pytest.param(
            {"percentage": Decimal("-0.01")},
            "fundingsource_percentage_in_range",
            "A share is a percentage from 0 to 100.",
            id="negative-percent",
        ),
        pytest.param(
            {"amount": None, "percentage": None},
            "fundingsource_gives_a_share",
            "Give the amount, the percentage, or both.",
            id="no-share",
        ),
    ],
)
def test_funding_source_without_a_funder_or_a_fair_share_is_refused(
    assert_refused, template, fields, constraint, message
):
    source = FundingSource(
        decision=DecisionFactory(template=template), **{"funder": "Dorset Council", **fields}
    )

    assert_refused(source, constraint, message=message)


# Values outside their choices


@covers(
    "decision_maker_valid",
    "decision_status_valid",
    "statutorycomment_role_valid",
    "decisionlink_kind_valid",
    "decisionprovider_role_valid",
    "decision_papers_exemption_valid",
    "decisionmoney_spend_type_valid",
)
@pytest.mark.parametrize(
    ("build", "field", "constraint"),
    [
        pytest.param(
            lambda template: draft(
                template, decision_maker="mayor", delegation=DelegationFactory()
            ),
            "decision_maker",
            "decision_maker_valid",
            id="decision-maker",
        ),
        pytest.param(
            lambda template: draft(template, status="lost"),
            "status",
            "decision_status_valid",
            id="decision-status",
        ),
        pytest.param(
            lambda template: StatutoryCommentFactory.build(
                decision=DecisionFactory(template=template), role="auditor"
            ),
            "role",
            "statutorycomment_role_valid",
            id="comment-role",
        ),
        pytest.param(
            lambda template: DecisionLinkFactory.build(
                from_decision=DecisionFactory(template=template),
                to_decision=DecisionFactory(template=template),
                kind="contradicts",
            ),
            "kind",
            "decisionlink_kind_valid",
            id="link-kind",
        ),
        pytest.param(
            lambda template: DecisionProviderFactory.build(
                decision=DecisionFactory(template=template), provider=ProviderFactory(), role="heir"
            ),
            "role",
            "decisionprovider_role_valid",
            id="provider-role",
        ),
        pytest.param(
            lambda template: draft(
                template, papers_restricted=True, papers_exemption="s99", papers_public_interest="x"
            ),
            "papers_exemption",
            "decision_papers_exemption_valid",
            id="papers-exemption",
        ),
        pytest.param(
            lambda template: DecisionMoney(
                decision=DecisionFactory(template=template), spend_type="loan"
            ),
            "spend_type",
            "decisionmoney_spend_type_valid",
            id="spend-type",
        ),
    ],
)
def test_value_outside_its_choices_is_refused(assert_refused, template, build, field, constraint):
    instance = build(template)
    value = getattr(instance, field)

    assert_refused(
        instance, constraint, field=field, message=f"Value {value!r} is not a valid choice."
    )


def test_refused_change_to_a_decision_leaves_it_and_its_history_as_they_were(
    assert_refused, template
):
    decision = DecisionFactory(template=template)
    decision.signed_on = datetime.date(2022, 6, 1)
    decision.decided_on = datetime.date(2022, 6, 15)

    assert_refused(
        decision,
        "decision_signed_after_decided",
        message="It cannot be signed before the date of the decision.",
    )
    decision.refresh_from_db()
    assert (decision.decided_on, decision.signed_on) == (None, None)
    assert decision.history.count() == 1


@covers("decision_confidentiality_valid")
def test_unknown_confidentiality_is_refused(assert_refused, template):
    # Confidentiality is derived, not typed in (editable=False), so Django skips the field's
    # own choice check and only the constraint speaks.
    decision = draft(template, confidentiality="secret")

    assert_refused(
        decision,
        "decision_confidentiality_valid",
        message="Constraint “decision_confidentiality_valid” is violated.",
    )


# Signatures and the workflow's audit trail


@covers("signature_one_live_per_step")
def test_second_live_signature_for_one_step_is_refused(assert_refused, template):
    first = SignatureFactory(decision=DecisionFactory(template=template))

    assert_refused(
        SignatureFactory.build(decision=first.decision, step=first.step, user=UserFactory()),
        "signature_one_live_per_step",
        message="This step has already been signed.",
    )


def test_step_may_be_signed_again_once_the_old_signature_is_void(template):
    first = SignatureFactory(
        decision=DecisionFactory(template=template),
        voided_at=timezone.now(),
        void_reason="Returned to draft to correct the costs.",
    )
    again = SignatureFactory.build(decision=first.decision, step=first.step, user=first.user)

    again.full_clean()
    again.save()
    assert first.decision.signatures.count() == 2


@covers("signature_one_live_per_person")
def test_one_person_signing_two_steps_of_a_decision_is_refused(assert_refused, template):
    first = SignatureFactory(decision=DecisionFactory(template=template))

    assert_refused(
        SignatureFactory.build(decision=first.decision, user=first.user, step=WorkflowStep.COMMENT),
        "signature_one_live_per_person",
        message="One person cannot give two sign-offs on one decision.",
    )


@covers("signature_sha256_length")
def test_signature_without_a_full_sha256_is_refused(assert_refused, template):
    signature = SignatureFactory.build(
        decision=DecisionFactory(template=template), user=UserFactory(), content_sha256="abc123"
    )

    assert_refused(
        signature,
        "signature_sha256_length",
        message="Constraint “signature_sha256_length” is violated.",
    )


@covers("signature_void_has_reason")
def test_void_signature_without_a_reason_is_refused(assert_refused, template):
    signature = SignatureFactory.build(
        decision=DecisionFactory(template=template),
        user=UserFactory(),
        voided_at=timezone.now(),
        void_reason="",
    )

    assert_refused(signature, "signature_void_has_reason", message="Say why the signature is void.")


@covers("workflowevent_outcome_consistent")
@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"outcome": WorkflowOutcome.ALLOWED, "to_status": ""}, id="taken-no-status"),
        pytest.param(
            {"outcome": WorkflowOutcome.REFUSED, "to_status": "", "refusal": ""},
            id="refused-no-reason",
        ),
        pytest.param(
            {"outcome": WorkflowOutcome.REFUSED, "refusal": "Not yours to sign."},
            id="refused-with-status",
        ),
    ],
)
def test_workflow_event_that_does_not_add_up_is_refused(assert_refused, template, fields):
    event = WorkflowEventFactory.build(
        decision=DecisionFactory(template=template), actor=UserFactory(), **fields
    )

    assert_refused(
        event,
        "workflowevent_outcome_consistent",
        message="A step taken records the status it led to; a refused one, the reason.",
    )


def test_refused_attempt_is_recorded_with_its_reason(template):
    event = WorkflowEventFactory.build(
        decision=DecisionFactory(template=template),
        actor=UserFactory(),
        outcome=WorkflowOutcome.REFUSED,
        to_status="",
        refusal="The Treasurer cannot sign off their own draft.",
    )

    event.full_clean()
    event.save()
    assert event.was_refused


@covers(
    "signature_step_valid",
    "signature_method_valid",
    "workflowevent_step_valid",
    "workflowevent_outcome_valid",
)
@pytest.mark.parametrize(
    ("build", "field", "constraint"),
    [
        pytest.param(
            lambda template: SignatureFactory.build(
                decision=DecisionFactory(template=template), user=UserFactory(), step="bless"
            ),
            "step",
            "signature_step_valid",
            id="signature-step",
        ),
        pytest.param(
            lambda template: SignatureFactory.build(
                decision=DecisionFactory(template=template), user=UserFactory(), method="carved"
            ),
            "method",
            "signature_method_valid",
            id="signature-method",
        ),
        pytest.param(
            lambda template: WorkflowEventFactory.build(
                decision=DecisionFactory(template=template), actor=UserFactory(), step="bless"
            ),
            "step",
            "workflowevent_step_valid",
            id="event-step",
        ),
        pytest.param(
            lambda template: WorkflowEventFactory.build(
                decision=DecisionFactory(template=template), actor=UserFactory(), outcome="maybe"
            ),
            "outcome",
            # An unknown outcome is also inconsistent: either rule may be the one reported.
            ("workflowevent_outcome_valid", "workflowevent_outcome_consistent"),
            id="event-outcome",
        ),
    ],
)
def test_workflow_value_outside_its_choices_is_refused(
    assert_refused, template, build, field, constraint
):
    instance = build(template)

    assert_refused(
        instance,
        constraint,
        field=field,
        message=f"Value {getattr(instance, field)!r} is not a valid choice.",
    )


@covers("correction_has_reason")
def test_a_correction_without_its_reason_is_refused(assert_refused, template):
    decision = DecisionFactory(template=template)

    assert_refused(
        Correction(decision=decision, made_on=datetime.date(2026, 3, 3), reason=""),
        "correction_has_reason",
        field="reason",
        message="This field cannot be blank.",
    )


# A form's layout, its own fields' values, offices and the layout kept at publication


def element(template, **fields) -> FormElement:
    return FormElement(form=template, **{"position": 1, "kind": ElementKind.TITLE, **fields})


@covers("formelement_unique_position")
def test_two_elements_in_one_place_are_refused(assert_refused, template):
    element(template).save()

    assert_refused(
        element(template, kind=ElementKind.REFERENCE),
        "formelement_unique_position",
        message="Element of the form with this Form and Position already exists.",
    )


@covers("formelement_unique_name")
def test_two_own_fields_of_one_name_are_refused(assert_refused, template):
    own = {"kind": ElementKind.FIELD, "name": "budget", "field_type": FieldType.MONEY}
    element(template, label="Budget", **own).save()

    assert_refused(
        element(template, position=2, label="Budget again", **own),
        "formelement_unique_name",
        message="The form already has a field of this name.",
    )


# Links beyond the register, providers in a role, rounds of grants, restricted papers, and
# delegations made under others


@covers("decisionlink_names_the_other")
def test_link_naming_no_other_decision_is_refused(assert_refused, template):
    link = DecisionLinkFactory.build(
        from_decision=DecisionFactory(template=template), to_decision=None, to_reference=""
    )

    assert_refused(
        link, "decisionlink_names_the_other", message="Give the other decision's reference."
    )


@covers("decisionlink_unique_outside")
def test_same_link_outside_the_register_twice_is_refused(assert_refused, template):
    first = DecisionLinkFactory(
        from_decision=DecisionFactory(template=template), to_decision=None, to_reference="33/16"
    )
    again = DecisionLinkFactory.build(
        from_decision=first.from_decision, to_decision=None, to_reference="33/16"
    )

    assert_refused(again, "decisionlink_unique_outside", message="This link is already recorded.")


@covers("decisionprovider_unique")
def test_provider_linked_twice_in_one_role_is_refused(assert_refused, template):
    first = DecisionProviderFactory(decision=DecisionFactory(template=template))
    again = DecisionProviderFactory.build(decision=first.decision, provider=first.provider)

    assert_refused(
        again, "decisionprovider_unique", message="This provider is already linked in this role."
    )


@covers("decisionprovider_other_role_named")
def test_provider_in_another_role_must_say_which(assert_refused, template):
    link = DecisionProviderFactory.build(
        decision=DecisionFactory(template=template), provider=ProviderFactory(), role="other"
    )

    assert_refused(
        link, "decisionprovider_other_role_named", message="Say what the provider's role is."
    )


@covers("award_recipient_or_round")
def test_award_with_neither_recipient_nor_applications_is_refused(assert_refused, template):
    award = AwardFactory.build(decision=DecisionFactory(template=template), recipient="")

    assert_refused(
        award,
        "award_recipient_or_round",
        message=("Name the recipient, or for a round of grants give the number of applications."),
    )


@covers("award_funded_within_applications")
def test_round_funding_more_than_applied_is_refused(assert_refused, template):
    award = AwardFactory.build(
        decision=DecisionFactory(template=template), recipient="", applications=3, funded=4
    )

    assert_refused(
        award,
        "award_funded_within_applications",
        message="More applications cannot be funded than were received.",
    )


@covers(
    "formelement_kind_valid",
    "formelement_field_named_and_typed",
    "formelement_only_fields_named",
    "formelement_field_type_valid",
)
@pytest.mark.parametrize(
    ("fields", "constraint", "field", "message"),
    [
        pytest.param(
            {"kind": "footnote"},
            "formelement_kind_valid",
            "kind",
            "Value 'footnote' is not a valid choice.",
            id="kind",
        ),
        pytest.param(
            {"kind": ElementKind.FIELD, "label": "Budget", "field_type": FieldType.MONEY},
            "formelement_field_named_and_typed",
            NON_FIELD_ERRORS,
            "A field of the form's own needs a name and a type.",
            id="unnamed-field",
        ),
        pytest.param(
            {"kind": ElementKind.SUMMARY, "name": "summary_two"},
            "formelement_only_fields_named",
            NON_FIELD_ERRORS,
            "Only the form's own fields have a name and a type.",
            id="named-built-in",
        ),
        pytest.param(
            {"kind": ElementKind.FIELD, "name": "budget", "label": "Budget", "field_type": "x"},
            "formelement_field_type_valid",
            "field_type",
            "Value 'x' is not a valid choice.",
            id="type",
        ),
    ],
)
def test_an_element_of_no_known_kind_or_type_is_refused(
    assert_refused, template, fields, constraint, field, message
):
    assert_refused(element(template, **fields), constraint, field=field, message=message)


@covers("fieldvalue_unique_name")
def test_two_values_of_one_field_on_a_decision_are_refused(assert_refused, template):
    first = FieldValueFactory(decision=DecisionFactory(template=template), name="budget")

    assert_refused(
        FieldValueFactory.build(decision=first.decision, name="budget"),
        "fieldvalue_unique_name",
        message="Field value with this Decision and Name already exists.",
    )


@covers("fieldvalue_not_recorded_is_empty")
def test_a_value_recorded_as_not_recorded_has_no_value(assert_refused, template):
    assert_refused(
        FieldValueFactory.build(
            decision=DecisionFactory(template=template), value="900.00", is_not_recorded=True
        ),
        "fieldvalue_not_recorded_is_empty",
        message="A value recorded as not recorded has no value.",
    )


@covers("office.name")
def test_two_offices_of_one_name_are_refused(assert_refused):
    Office.objects.create(name="Office of the Commissioner")

    assert_refused(
        Office(name="Office of the Commissioner"),
        "name",
        field="name",
        message="Office with this Name already exists.",
    )


@covers("recordlayout.decision")
def test_a_decision_keeps_one_layout(assert_refused, template):
    kept = RecordLayout.objects.create(decision=DecisionFactory(template=template), layout={})

    assert_refused(
        RecordLayout(decision=kept.decision, layout={}),
        "decision",
        field="decision",
        message="Layout as published with this Decision already exists.",
    )


@covers(
    "decision_restricted_needs_exemption",
    "decision_papers_exemption_only_when_restricted",
    "decision_papers_other_exemption_named",
    "decision_restricted_needs_public_interest",
)
@pytest.mark.parametrize(
    ("fields", "constraint", "message"),
    [
        pytest.param(
            {"papers_restricted": True, "papers_public_interest": "Named informants."},
            "decision_restricted_needs_exemption",
            "Choose the exemption under which the papers are restricted.",
            id="no-exemption",
        ),
        pytest.param(
            {"papers_exemption": Exemption.S31},
            "decision_papers_exemption_only_when_restricted",
            "Only restricted papers cite an exemption.",
            id="exemption-not-restricted",
        ),
        pytest.param(
            {
                "papers_restricted": True,
                "papers_exemption": Exemption.OTHER,
                "papers_public_interest": "Named informants.",
            },
            "decision_papers_other_exemption_named",
            "Name the exemption.",
            id="other-unnamed",
        ),
        pytest.param(
            {"papers_restricted": True, "papers_exemption": Exemption.S40},
            "decision_restricted_needs_public_interest",
            "Say why the public interest favours restricting the papers: the public record "
            "shows this statement.",
            id="no-public-interest",
        ),
    ],
)
def test_restricted_papers_without_their_reason_are_refused(
    assert_refused, template, fields, constraint, message
):
    assert_refused(draft(template, **fields), constraint, message=message)


@covers("delegation_not_under_itself")
def test_delegation_made_under_itself_is_refused(assert_refused):
    delegation = DelegationFactory()
    delegation.made_under_id = delegation.pk

    assert_refused(
        delegation,
        "delegation_not_under_itself",
        message="A delegation cannot be made under itself.",
    )


def test_delegation_made_under_one_made_under_it_is_refused():
    top = DelegationFactory()
    under = DelegationFactory(made_under=top)
    top.made_under = under

    with pytest.raises(ValidationError) as invalid:
        top.full_clean()
    assert invalid.value.message_dict["made_under"] == [
        "A delegation cannot be made under one made under it."
    ]


@covers("editor_draft_one_per_decision_and_author")
def test_a_second_copy_of_one_authors_unsaved_changes_is_refused(assert_refused, template):
    decision = DecisionFactory(template=template)
    author = UserFactory()
    EditorDraft.objects.create(decision=decision, author=author, fields={"title": ["One"]})

    assert_refused(
        EditorDraft(decision=decision, author=author, fields={"title": ["Two"]}),
        "editor_draft_one_per_decision_and_author",
        message="Each author has one unsaved draft of a decision.",
    )


@covers("planneddecision_private_has_reason")
def test_a_planned_decision_taken_in_private_without_its_reason_is_refused(assert_refused):
    assert_refused(
        PlannedDecision(
            title="Grants",
            description="About it.",
            expected_on=datetime.date(2027, 3, 1),
            in_private=True,
            private_reason="",
        ),
        "planneddecision_private_has_reason",
        field="private_reason",
        message="Say why it is expected to be taken in private",
    )


@covers("planneddecision.decision")
def test_one_decision_started_from_two_planned_decisions_is_refused(assert_refused, template):
    decision = DecisionFactory(template=template)
    plan = {"description": "About it.", "expected_on": datetime.date(2027, 3, 1)}
    PlannedDecision.objects.create(title="First", decision=decision, **plan)

    assert_refused(
        PlannedDecision(title="Second", decision=decision, **plan),
        "decision",
        field="decision",
        message="Planned decision with this Decision already exists.",
    )


@covers("subscription.token")
def test_two_subscriptions_with_one_token_are_refused(assert_refused):
    first = Subscription.objects.create(email="a@example.org", topic="decisions")

    assert_refused(
        Subscription(email="b@example.org", topic="decisions", token=first.token),
        "token",
        field="token",
        message="Subscription with this Token already exists.",
    )
