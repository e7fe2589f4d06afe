"""The decision register's rules hold however a row is written.

Each rule is checked twice by `assert_refused` (tests/conftest.py): model validation explains
it, and the database refuses the row anyway when validation is skipped.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from decisions.models import Decision, Exemption, WorkflowOutcome, WorkflowStep
from tests.factories import (
    AppendixFactory,
    AwardFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    DecisionSectionFactory,
    DecisionTemplateFactory,
    DelegationFactory,
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
        message="Template section with this Template and Heading already exists.",
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


# Withheld sections and appendices

PARTS = [
    pytest.param(DecisionSectionFactory, "decisionsection", id="section"),
    pytest.param(AppendixFactory, "appendix", id="appendix"),
]


def withholdable(factory, template, **fields):
    return factory.build(decision=DecisionFactory(template=template), **fields)


@covers("decisionsection_withheld_needs_exemption", "appendix_withheld_needs_exemption")
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_withheld_part_without_exemption_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(factory, template, is_withheld=True, exemption="")

    assert_refused(
        part,
        f"{prefix}_withheld_needs_exemption",
        message="Choose the exemption that applies to withheld content.",
    )


@covers("decisionsection_exemption_only_when_withheld", "appendix_exemption_only_when_withheld")
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_exemption_on_a_part_not_withheld_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(factory, template, is_withheld=False, exemption=Exemption.S40)

    assert_refused(
        part,
        f"{prefix}_exemption_only_when_withheld",
        message="Only withheld content cites an exemption.",
    )


@covers("decisionsection_other_exemption_named", "appendix_other_exemption_named")
@pytest.mark.parametrize(("factory", "prefix"), PARTS)
def test_other_exemption_without_its_name_is_refused(assert_refused, template, factory, prefix):
    part = withholdable(
        factory, template, is_withheld=True, exemption=Exemption.OTHER, exemption_other=""
    )

    assert_refused(part, f"{prefix}_other_exemption_named", message="Name the exemption.")


@covers(
    "decisionsection_qualified_needs_public_interest", "appendix_qualified_needs_public_interest"
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


@covers("decisionsection_exemption_valid", "appendix_exemption_valid")
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


# Values outside their choices


@covers(
    "decision_maker_valid",
    "decision_status_valid",
    "statutorycomment_role_valid",
    "decisionlink_kind_valid",
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
