"""Reading one published decision's public record for its page and PDF.

`public_record_of` reads the decision and each of its parts with SQL compiled once per
process; the feed and the export read many decisions through `public_decisions()`'s
prefetches; a decision read on its own (a preview, the search text) reads each part when it
is asked for. All three must make the same record.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.models import ContractStatus
from decisions.models import Decision, DecisionMoney, LinkKind
from decisions.publication import (
    PUBLIC_PARTS,
    public_decisions,
    public_record,
    public_record_of,
)
from tests.factories import (
    AwardFactory,
    ContractFactory,
    DecisionLinkFactory,
    DelegationFactory,
    SignatureFactory,
    StatutoryCommentFactory,
)
from tests.publication.conftest import add_appendix, costs_withheld, public_section


@pytest.fixture
def full_decision(make_decision, officer, treasurer):
    """A published decision with some of every part, and rows of each kind the public record
    leaves out: a voided signature, a link to an unpublished decision, a planned contract."""
    decision = make_decision(
        reference="WPCC3-0058",
        title="Joint commissioning of drugs and alcohol services",
        decision_maker=Decision.Maker.DELEGATE,
        delegation=DelegationFactory(),
        declaration_of_interests="None declared.",
        comments=False,
        sections=[
            public_section("Background information", "Both contracts end in March 2023."),
            costs_withheld("The extension costs GBP 412,000."),
            public_section("Legal comments", "Advice has been taken."),
        ],
    )
    add_appendix(decision, title="Needs assessment", content="The county's needs.")
    add_appendix(decision, title="Tender prices", content="Prices.", withheld=True)
    StatutoryCommentFactory(decision=decision, text="The Treasurer supports the extension.")
    AwardFactory(decision=decision, recipient="Recovery cafe", purpose="Peer support")
    AwardFactory(decision=decision, recipient="Outreach team", purpose="Street outreach")
    signed_at = timezone.make_aware(datetime.datetime(2022, 6, 29, 10, 0))
    SignatureFactory(decision=decision, user=treasurer, name="Live Treasurer", signed_at=signed_at)
    SignatureFactory(
        decision=decision,
        user=treasurer,
        name="Voided Treasurer",
        signed_at=signed_at - datetime.timedelta(days=2),
        voided_at=signed_at,
        void_reason="The costs were edited after sign-off.",
    )
    earlier = make_decision(reference="WPCC3-0031", title="The first extension", publish_by=officer)
    draft = make_decision(reference="WPCC3-0099", title="A decision still in draft")
    DecisionLinkFactory(from_decision=decision, to_decision=earlier, kind=LinkKind.FOLLOWS)
    DecisionLinkFactory(from_decision=decision, to_decision=draft, kind=LinkKind.AMENDS)
    decision.contracts.add(
        ContractFactory(reference="C-ADULT", title="Adult service", status=ContractStatus.ACTIVE),
        ContractFactory(
            reference="C-NEXT",
            title="Next service",
            status=ContractStatus.PLANNED,
            starts_on=datetime.date(2024, 4, 1),
            ends_on=datetime.date(2029, 3, 31),
        ),
    )
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)
    return decision


def test_the_pages_read_makes_the_record_the_feed_and_a_lone_read_make(full_decision):
    alone = public_record(Decision.objects.get(pk=full_decision.pk))
    listed = public_record(public_decisions().get(pk=full_decision.pk))

    read = public_record_of("WPCC3-0058")

    assert read == listed == alone
    assert [s.heading for s in read.sections] == [
        "Background information",
        "Costs (including any identified savings)",
        "Legal comments",
    ]
    assert read.sections[1].is_withheld and read.sections[1].text == ""
    assert [a.title for a in read.appendices] == ["Needs assessment", "Tender prices"]
    assert [c.text for c in read.comments] == ["The Treasurer supports the extension."]
    assert [a.recipient for a in read.awards] == ["Recovery cafe", "Outreach team"]
    assert [s.name for s in read.signatures] == ["Live Treasurer"]
    assert [(link.reference, link.title) for link in read.links] == [
        ("WPCC3-0031", "The first extension")
    ]
    assert [c.reference for c in read.contracts] == ["C-ADULT"]
    assert read.declaration_of_interests == "None declared."
    assert read.decision_maker.endswith("paragraph 4.2")


def test_each_decision_read_in_turn_gets_its_own_parts(full_decision, make_decision, officer):
    """The parts' SQL is compiled once, for whichever decision is read first: the next one
    read must still get its own rows."""
    other = make_decision(
        reference="WPCC3-0070",
        title="Victim services grant",
        sections=[public_section("Background information", "A grant for victim services.")],
        publish_by=officer,
    )

    first = public_record_of("WPCC3-0058")
    second = public_record_of("WPCC3-0070")

    assert second == public_record(Decision.objects.get(pk=other.pk))
    assert [s.text for s in second.sections] == ["A grant for victim services."]
    assert second.awards == second.links == second.contracts == []
    assert first.awards and first.links and first.contracts
    assert public_record_of("WPCC3-0058") == first


def test_a_reference_that_is_not_a_published_decision_has_no_record(make_decision, officer):
    make_decision(reference="WPCC3-0099", title="A decision still in draft")
    published = make_decision(reference="WPCC3-0100", title="Withdrawn", publish_by=officer)
    published.withdraw(by=officer, reason="Published in error.")

    assert public_record_of("WPCC3-0099") is None
    assert public_record_of("WPCC3-0100") is None
    assert public_record_of("NO-SUCH-REFERENCE") is None


def test_the_record_is_read_in_one_query_for_the_decision_and_one_for_each_part(
    full_decision, django_assert_num_queries
):
    # A decision without figures skips their three parts (`has_figures`).
    with django_assert_num_queries(1 + len(PUBLIC_PARTS) - 3):
        record = public_record_of("WPCC3-0058")
    DecisionMoney.objects.create(decision=full_decision, value=Decimal("1000.00"))
    with django_assert_num_queries(1 + len(PUBLIC_PARTS)):
        with_figures = public_record_of("WPCC3-0058")

    assert record.links and record.signatures
    assert (record.money.value, with_figures.money.value) == (None, Decimal("1000.00"))


def test_the_feeds_read_builds_each_record_without_another_query(
    full_decision, make_decision, officer, django_assert_num_queries
):
    """`public_decisions()` reads only what the record needs of a decision: one field left
    out would be read again for every decision in the feed and the export."""
    make_decision(reference="WPCC3-0070", title="Another", publish_by=officer)
    decisions = list(public_decisions())

    with django_assert_num_queries(0):
        records = [public_record(decision) for decision in decisions]

    assert {record.reference for record in records} == {"WPCC3-0058", "WPCC3-0031", "WPCC3-0070"}
