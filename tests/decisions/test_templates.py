"""Decision forms are data: a second office's form works end to end without code changes.

The second form is an order with a separate supporting report, numbered per year
(`016/2021`), with no Monitoring Officer's comments; the seed form (`WPCC3-0058`) is the first.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, Exemption
from decisions.publication import public_record
from tests.factories import (
    AppendixFactory,
    AwardFactory,
    DecisionFactory,
    DecisionSectionFactory,
    DecisionTemplateFactory,
    StatutoryCommentFactory,
)

pytestmark = pytest.mark.django_db

# A marker planted in withheld text: it must never reach public output.
SECRET = "SECRET-PRICE-412,750"

ORDER_FORM_SECTIONS = [
    # Stored out of order on purpose: the decision follows `position`, not insertion.
    {"position": 3, "part": "Supporting report", "heading": "Introduction"},
    {"position": 1, "part": "Order", "heading": "Decision", "is_mandatory": True},
    {"position": 5, "part": "Supporting report", "heading": "Legal implications"},
    {"position": 2, "part": "Order", "heading": "Reasons for the decision"},
    {
        "position": 4,
        "part": "Supporting report",
        "heading": "Financial implications",
        "guidance": "Costs over the term and where they are met from.",
    },
]


@pytest.fixture
def order_form():
    return DecisionTemplateFactory(
        name="Order and supporting report",
        reference_format="{number:03}/{year}",
        requires_monitoring_officer=False,
        summary_label="Order",
        decided_label="Date of order",
        signed_label="Signed",
        sections=ORDER_FORM_SECTIONS,
    )


def headings(decision: Decision) -> list[tuple[int, str, str]]:
    return [(s.position, s.part, s.heading) for s in decision.sections.all()]


def test_starting_a_decision_copies_the_forms_sections_in_its_order(order_form, officer):
    decision = Decision.start(template=order_form, by=officer, title="Victim services grants")

    assert headings(decision) == [
        (1, "Order", "Decision"),
        (2, "Order", "Reasons for the decision"),
        (3, "Supporting report", "Introduction"),
        (4, "Supporting report", "Financial implications"),
        (5, "Supporting report", "Legal implications"),
    ]
    copied = {s.heading: s for s in decision.sections.all()}
    assert copied["Decision"].is_mandatory
    assert not copied["Introduction"].is_mandatory
    assert copied["Financial implications"].guidance.startswith("Costs over the term")
    assert all(s.template_section.heading == s.heading for s in copied.values())


def test_starting_a_decision_takes_the_next_reference_and_records_its_author(order_form, officer):
    year = timezone.localdate().year
    DecisionFactory(template=order_form, reference=f"016/{year}")

    decision = Decision.start(template=order_form, by=officer, title="Victim services grants")

    assert decision.reference == f"017/{year}"
    assert decision.author == officer
    assert decision.author_name == "Precious Williamson"
    assert decision.status == Decision.Status.DRAFT


def test_changing_the_form_later_leaves_started_decisions_alone(order_form, officer):
    decision = Decision.start(template=order_form, by=officer, title="Victim services grants")
    before = headings(decision)

    form_sections = {s.heading: s for s in order_form.sections.all()}
    form_sections["Introduction"].heading = "Summary of the report"
    form_sections["Introduction"].save()
    form_sections["Legal implications"].delete()
    order_form.sections.create(position=6, part="Supporting report", heading="Risks")

    decision.refresh_from_db()
    assert headings(decision) == before
    orphan = decision.sections.get(heading="Legal implications")
    assert orphan.template_section is None


@pytest.mark.parametrize(
    ("reference_format", "existing", "year", "expected"),
    [
        ("WPCC3-{number:04}", ["WPCC3-0058", "WPCC3-0012"], 2022, "WPCC3-0059"),
        ("WPCC3-{number:04}", [], 2022, "WPCC3-0001"),
        ("{number:03}/{year}", ["016/2021", "017/2021", "003/2022"], 2021, "018/2021"),
        ("{number:03}/{year}", ["016/2021", "017/2021", "003/2022"], 2022, "004/2022"),
        ("{number:03}/{year}", ["016/2021", "017/2021", "003/2022"], 2023, "001/2023"),
        ("EXE{number:04}/{yy}", ["EXE0044/23", "EXE0043/23"], 2023, "EXE0045/23"),
        ("EXE{number:04}/{yy}", ["EXE0044/23"], 2024, "EXE0001/24"),
        ("Executive Order {number:04}", ["Executive Order 0072"], 2024, "Executive Order 0073"),
    ],
)
def test_next_reference_follows_the_forms_scheme(reference_format, existing, year, expected):
    form = DecisionTemplateFactory(reference_format=reference_format, sections=[])
    for reference in existing:
        DecisionFactory(template=form, reference=reference)
    # References in other schemes do not count.
    other = DecisionTemplateFactory(reference_format="{number}/{yy}", sections=[])
    for reference in ["WPCC2-0099", "099-2021", "EXE0099-22", "2022-0010", "33/16"]:
        DecisionFactory(template=other, reference=reference)

    assert form.next_reference(year=year) == expected


def test_next_reference_skips_a_reference_already_taken():
    form = DecisionTemplateFactory(reference_format="WPCC3-{number:04}", sections=[])
    DecisionFactory(template=form, reference="WPCC3-0058")
    DecisionFactory(template=form, reference="WPCC3-0059-A")  # not in the scheme

    assert form.next_reference(year=2022) == "WPCC3-0059"


@pytest.mark.parametrize(
    "reference_format",
    ["WPCC3-{number:04}", "{number:03}/{year}", "EXE{number:04}/{yy}", "Executive Order {number}"],
)
def test_usable_reference_format_is_accepted(reference_format):
    DecisionTemplateFactory.build(reference_format=reference_format).full_clean()


@pytest.mark.parametrize(
    "reference_format",
    [
        "WPCC3-{num:04}",
        "WPCC3-{number:04",
        "WPCC3-{number:s}",
        "{year}-0058",
        "Decision {0}",
        "{number}/{number}",
        "WPCC3-{{number}}",
    ],
)
def test_unusable_reference_format_is_refused_on_that_field(reference_format):
    form = DecisionTemplateFactory.build(reference_format=reference_format)

    with pytest.raises(ValidationError) as refused:
        form.full_clean()

    assert list(refused.value.message_dict) == ["reference_format"]


def test_grants_form_records_several_awards_in_one_decision(officer):
    grants_form = DecisionTemplateFactory(
        name="Grant awards", awards_grants=True, reference_format="2022-{number:04}"
    )
    decision = Decision.start(template=grants_form, by=officer, title="Community safety grants")
    for recipient, amount in [
        ("Coventry Youth Partnership", Decimal("12500.00")),
        ("Nuneaton Women's Aid", Decimal("30000.00")),
        ("Rugby Restorative Justice Hub", Decimal("8000.00")),
    ]:
        AwardFactory(decision=decision, recipient=recipient, amount=amount)

    record = public_record(decision)

    assert [(a.recipient, a.amount) for a in record.awards] == [
        ("Coventry Youth Partnership", Decimal("12500.00")),
        ("Nuneaton Women's Aid", Decimal("30000.00")),
        ("Rugby Restorative Justice Hub", Decimal("8000.00")),
    ]
    assert sum(a.amount for a in record.awards) == Decimal("50500.00")


# Confidentiality follows the sections

PLAIN = {"text": "Open text."}
WITHHELD = {"withheld": True, "text": "Closed text."}


@pytest.mark.parametrize(
    ("sections", "withheld_appendix", "expected"),
    [
        ([PLAIN, PLAIN], False, Decision.Confidentiality.NON),
        ([PLAIN, WITHHELD], False, Decision.Confidentiality.PARTLY),
        ([PLAIN, PLAIN], True, Decision.Confidentiality.PARTLY),
        ([WITHHELD, WITHHELD], False, Decision.Confidentiality.CONFIDENTIAL),
    ],
    ids=["none-withheld", "one-withheld", "appendix-withheld", "all-withheld"],
)
def test_confidentiality_follows_what_is_withheld(sections, withheld_appendix, expected, officer):
    decision = DecisionFactory(public_subject="Contract extension for a support service")
    for position, fields in enumerate(sections, start=1):
        DecisionSectionFactory(decision=decision, position=position, **fields)
    if withheld_appendix:
        AppendixFactory(decision=decision, withheld=True)
    # Stored wrong on purpose, so that only the derivation can put it right.
    decision.confidentiality = (
        Decision.Confidentiality.PARTLY
        if expected == Decision.Confidentiality.NON
        else Decision.Confidentiality.NON
    )
    decision.save()

    decision.refresh_confidentiality(by=officer)

    decision.refresh_from_db()
    assert decision.confidentiality == expected


def test_confidentiality_change_is_recorded_with_who_made_it(officer):
    decision = DecisionFactory(sections=[PLAIN, WITHHELD])

    decision.refresh_confidentiality(by=officer)
    decision.refresh_confidentiality(by=officer)  # nothing changed: nothing recorded

    changes = decision.history.all()
    assert [(h.confidentiality, h.history_user) for h in changes] == [
        (Decision.Confidentiality.PARTLY, officer),
        (Decision.Confidentiality.NON, None),
    ]


def test_releasing_the_withheld_section_makes_the_decision_non_confidential(officer):
    decision = DecisionFactory(sections=[PLAIN, WITHHELD])
    decision.refresh_confidentiality(by=officer)
    released = decision.sections.get(is_withheld=True)
    released.is_withheld = False
    released.exemption = ""
    released.save()

    decision.refresh_confidentiality(by=officer)

    assert decision.confidentiality == Decision.Confidentiality.NON


def test_withholding_every_section_in_the_admin_asks_for_a_public_subject(
    administrator, client_for, admin_form_data
):
    decision = DecisionFactory(sections=["Background"], public_subject="")
    client = client_for(administrator)
    url = reverse("admin:decisions_decision_change", args=[decision.pk])
    data = admin_form_data(client.get(url))
    data.update({"sections-0-is_withheld": "on", "sections-0-exemption": Exemption.S40})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "needs a one-line subject for the public" in str(response.context["errors"])
    assert not decision.sections.get().is_withheld


# What the public sees


@pytest.fixture
def partly_confidential(order_form, officer):
    decision = Decision.start(
        template=order_form,
        by=officer,
        title="Extension of drugs and alcohol services",
        summary="A twelve month extension while joint commissioning proceeds.",
    )
    for section in decision.sections.all():
        section.text = f"Open text of {section.heading}."
        if section.heading == "Financial implications":
            section.text = f"The extension costs {SECRET} over twelve months."
            section.is_withheld = True
            section.exemption = Exemption.S43_2
            section.public_interest_statement = "Disclosure would prejudice the next tender."
        section.save()
    AppendixFactory(
        decision=decision,
        title="Staff affected",
        is_withheld=True,
        exemption=Exemption.S40,
    )
    AppendixFactory(decision=decision, title="Needs assessment summary")
    StatutoryCommentFactory(decision=decision, text="The Treasurer supports the extension.")
    decision.refresh_confidentiality(by=officer)
    return decision


def test_public_record_never_contains_withheld_text(partly_confidential):
    record = public_record(partly_confidential)

    assert record.confidentiality == "Partly confidential"
    assert SECRET not in repr(record)
    withheld = next(s for s in record.sections if s.heading == "Financial implications")
    assert withheld.text == ""
    assert withheld.is_withheld


def test_public_record_states_the_exemption_in_words(partly_confidential):
    record = public_record(partly_confidential)

    withheld = next(s for s in record.sections if s.heading == "Financial implications")
    assert withheld.withheld_because == (
        "Withheld under section 43(2) of the Freedom of Information Act 2000: commercial interests"
    )
    assert withheld.public_interest_statement == "Disclosure would prejudice the next tender."
    appendices = {a.title: a.withheld_because for a in record.appendices}
    assert appendices == {
        "Staff affected": (
            "Withheld under section 40 of the Freedom of Information Act 2000: personal information"
        ),
        "Needs assessment summary": "",
    }


def test_public_record_follows_the_forms_parts_labels_and_open_sections(partly_confidential):
    record = public_record(partly_confidential)

    assert record.reference == partly_confidential.reference
    assert (record.summary_label, record.decided_label) == ("Order", "Date of order")
    assert [(s.part, s.heading) for s in record.sections][:3] == [
        ("Order", "Decision"),
        ("Order", "Reasons for the decision"),
        ("Supporting report", "Introduction"),
    ]
    introduction = next(s for s in record.sections if s.heading == "Introduction")
    assert introduction.text == "Open text of Introduction."
    assert [c.role for c in record.comments] == ["Treasurer"]


def test_other_exemption_is_described_by_its_name():
    section = DecisionSectionFactory(
        is_withheld=True,
        exemption=Exemption.OTHER,
        exemption_other="section 42 (legal professional privilege)",
    )

    assert section.exemption_in_words == "Withheld under section 42 (legal professional privilege)"


def test_wholly_confidential_decision_is_listed_with_its_subject_only(order_form, officer):
    decision = Decision.start(
        template=order_form,
        by=officer,
        title="Operational policing contract",
        summary=f"Summary naming {SECRET}.",
        public_subject="A contract supporting an operational policing capability",
        decided_on=datetime.date(2023, 1, 12),
    )
    for section in decision.sections.all():
        section.text = f"{SECRET} in {section.heading}"
        section.is_withheld = True
        section.exemption = Exemption.S31
        section.public_interest_statement = "Disclosure would prejudice the prevention of crime."
        section.save()
    AwardFactory(decision=decision, recipient=f"Recipient {SECRET}")
    decision.refresh_confidentiality(by=officer)

    record = public_record(decision)

    assert record.is_wholly_confidential
    assert record.public_subject == "A contract supporting an operational policing capability"
    assert (record.reference, record.decided_on) == (decision.reference, datetime.date(2023, 1, 12))
    assert record.sections == []
    assert record.summary == ""
    assert (record.appendices, record.comments, record.awards) == ([], [], [])
    assert SECRET not in repr(record)
