"""Round trip: the public contract CSV and the public decisions JSON of one install, imported
into an empty one, give the same public records."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.importing import ContractImport
from contracts.models import (
    Commissioner,
    CommissionerRole,
    Contract,
    ContractStatus,
    PartnerBody,
    ProcurementRoute,
    Provider,
)
from contracts.publication import public_contracts
from decisions.importing import DecisionImport
from decisions.models import (
    CommentRole,
    Correction,
    Decision,
    DecisionCategory,
    DecisionLink,
    DecisionMaker,
    DecisionTemplate,
    Delegation,
    Exemption,
    LinkKind,
    Signature,
    SignatureMethod,
    WorkflowEvent,
    WorkflowStep,
)
from tests.factories import (
    AwardFactory,
    CommissionerFactory,
    ContractFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    DelegationFactory,
    PartnerBodyFactory,
    ProviderFactory,
    SignatureFactory,
    StatutoryCommentFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
OFFICE = "Office of the Police and Crime Commissioner for Warwickshire"


def public_fields() -> list[dict]:
    """What the public register says of each contract, without this install's own keys."""
    return [
        {
            "reference": c.reference,
            "title": c.title,
            "department": c.department,
            "description": c.description,
            "supplier": (c.supplier.name, c.supplier.registration_number),
            "value": (c.value, c.value_basis),
            "total_value": c.total_value,
            "annual_value": c.annual_value,
            "irrecoverable_vat": c.irrecoverable_vat,
            "dates": (c.starts_on, c.ends_on, c.review_on),
            "route": c.route,
            "status": c.status,
            "supplier_is_sme": c.supplier_is_sme,
            "supplier_is_vcse": c.supplier_is_vcse,
            "commissioners": [(p.name, p.role) for p in c.commissioners],
        }
        for c in public_contracts()
    ]


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def wipe_contracts() -> None:
    for model in (Commissioner, Contract, Provider, PartnerBody):
        for row in model.objects.all():
            row.delete()


@pytest.fixture
def register(settings):
    settings.OFFICE_NAME = OFFICE
    county = PartnerBodyFactory(name="Warwickshire County Council")
    change_grow_live = ProviderFactory(
        name="Change Grow Live", charity_number="1079327", is_vcse=True, is_sme=False
    )
    support = ProviderFactory(
        name="Acme Support Ltd",
        company_number="01234567",
        charity_number="",
        is_sme=True,
        is_vcse=False,
    )
    adult = ContractFactory(
        reference="WOPCC-DA-ADULT-2018",
        title="Drugs and alcohol misuse service for adults in the criminal justice system",
        department="Finance and Commissioning",
        description="Treatment and support, extended to March 2024.",
        provider=change_grow_live,
        starts_on=D(2018, 4, 1),
        ends_on=D(2024, 3, 31),
        review_on=D(2023, 9, 30),
        total_value=Decimal("1250000.00"),
        irrecoverable_vat=Decimal("0.00"),
        route=ProcurementRoute.PUBLISHED_TENDER,
        status=ContractStatus.ENDED,
    )
    CommissionerFactory(contract=adult, body=None, role=CommissionerRole.LEAD)
    CommissionerFactory(contract=adult, body=county, role=CommissionerRole.FUNDER)
    ContractFactory(
        reference="OPCC-2023-VS-01",
        title="General victims cope and recovery service",
        provider=support,
        starts_on=D(2023, 4, 1),
        ends_on=D(2099, 3, 31),
        total_value=None,
        annual_value=Decimal("60000.00"),
        route=ProcurementRoute.FRAMEWORK,
        status=ContractStatus.ACTIVE,
    )
    ContractFactory(
        reference="OPCC-2022-RJ-02",
        title="Restorative justice service",
        provider=support,
        starts_on=D(2022, 4, 1),
        ends_on=D(2023, 3, 31),
        total_value=Decimal("48000.00"),
        route=ProcurementRoute.DIRECT_AWARD,
        status=ContractStatus.ENDED,
    )


def test_public_contract_csv_imported_into_an_empty_register_reproduces_it(
    register, client, officer
):
    exported = client.get("/contracts.csv")
    assert exported.status_code == 200
    before_csv, before_public = rows_of(exported.content), public_fields()
    wipe_contracts()

    result = ContractImport(exported.content, "contracts.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == []
    result.write(by=officer)

    assert public_fields() == before_public
    assert rows_of(client.get("/contracts.csv").content) == before_csv


def test_small_contract_from_the_public_list_comes_back_with_its_dates_not_recorded(
    register, client, officer
):
    # At or below the threshold the public list gives the value, parties and purpose only:
    # imported elsewhere, its dates and supplier's number are not recorded, never made up.
    ContractFactory(reference="OPCC-SMALL-1", total_value=Decimal("9500.00"))
    exported = client.get("/contracts.csv")
    wipe_contracts()

    result = ContractImport(exported.content, "contracts.csv")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)

    small = Contract.objects.get(reference="OPCC-SMALL-1")
    assert (small.starts_on, small.ends_on, small.total_value) == (None, None, Decimal("9500.00"))


# -- decisions ----------------------------------------------------------------------------------

COSTS = "Costs (including any identified savings)"
SECRET = "The extensions cost GBP 412,000 for the adult service alone."
WPCC3 = "Warwickshire decision record (WPCC3)"


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 30)))


@pytest.fixture
def decisions_register(officer):
    """Published decisions on a form of the office's own: one partly confidential with its
    comments and three signatures, one taken under delegation, and one wholly confidential;
    and a draft, which the export leaves out. Each section has its form's part, as when the app
    copies a form's sections: the import fills an empty part from the form."""
    form = DecisionTemplateFactory(
        name=WPCC3,
        reference_format="WPCC3-{number:04}",
        sections=["Background information", COSTS, "Legal comments"],
    )
    commissioning = DecisionCategoryFactory(name="Commissioning")
    joint = DecisionFactory(
        template=form,
        category=commissioning,
        decided=True,
        reference="WPCC3-0058",
        title="Joint-Commissioning of Drugs and Alcohol Misuse Services",
        decision_maker_name="Philip Seccombe",
        late_publication_reason="The record waited for the county council's own decision.",
        sections=[
            {
                "heading": "Background information",
                "part": "Supporting information",
                "text": "Both contracts end on 31 March 2023 with no options left.",
            },
            {
                "heading": COSTS,
                "part": "Supporting information",
                "text": SECRET,
                "is_withheld": True,
                "exemption": Exemption.S43_2,
                "public_interest_statement": "Publishing the prices would weaken the tender.",
                "release_on": D(2024, 4, 1),
            },
            {
                "heading": "Legal comments",
                "part": "Supporting information",
                "text": "Legal and procurement advice has been taken.",
            },
        ],
    )
    StatutoryCommentFactory(decision=joint, made_on=D(2022, 6, 10))
    AwardFactory(
        decision=joint,
        recipient="Warwickshire Recovery Cafe",
        amount=Decimal("18250.50"),
        purpose="Peer support for people leaving treatment",
    )
    AwardFactory(decision=joint, recipient="Outreach project", amount=Decimal("0.00"), purpose="")
    StatutoryCommentFactory(
        decision=joint,
        role=CommentRole.MONITORING_OFFICER,
        person="The Chief Executive",
        text="The approach secures best value.",
        made_on=D(2022, 6, 12),
    )
    SignatureFactory(decision=joint, signed_at=at(D(2022, 6, 10)))
    SignatureFactory(
        decision=joint,
        step=WorkflowStep.COMMENT,
        user=None,
        name="Jane Doe",
        capacity="Chief Executive and Monitoring Officer",
        signed_at=at(D(2022, 6, 12)),
    )
    SignatureFactory(
        decision=joint,
        step=WorkflowStep.APPROVE,
        user=None,
        name="Philip Seccombe",
        capacity="Police and Crime Commissioner (wet signature held by the office)",
        method=SignatureMethod.WET,
        signed_at=at(D(2022, 6, 29)),
    )
    delegated = DecisionFactory(
        template=form,
        category=commissioning,
        decided=True,
        reference="WPCC3-0041",
        title="Needs assessment for victim services",
        decision_maker=DecisionMaker.DELEGATE,
        delegation=DelegationFactory(),
        decision_maker_name="",
        sections=[
            {
                "heading": "Background information",
                "part": "Supporting information",
                "text": "Services began in 2018.",
            }
        ],
    )
    secret = DecisionFactory(
        template=form,
        category=DecisionCategoryFactory(name="Finance"),
        decided=True,
        reference="WPCC3-0060",
        title="Prices for the interim contract extensions",
        public_subject="Agreeing the prices of the twelve-month extensions.",
        sections=[
            {
                "heading": COSTS,
                "text": SECRET,
                "is_withheld": True,
                "exemption": Exemption.S43_2,
                "public_interest_statement": "Commercial harm.",
            },
        ],
    )
    draft = DecisionFactory(template=form, reference="WPCC3-0061", title="A draft")
    # Links to published decisions are public; a link to the draft is not, and is not exported.
    DecisionLink.objects.create(from_decision=joint, to_decision=delegated, kind=LinkKind.FOLLOWS)
    DecisionLink.objects.create(from_decision=delegated, to_decision=joint, kind=LinkKind.AMENDS)
    DecisionLink.objects.create(from_decision=joint, to_decision=draft, kind=LinkKind.AMENDS)
    for decision, on in ((joint, D(2022, 7, 1)), (delegated, D(2022, 7, 4)), (secret, None)):
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer, on=on)
    return [joint, delegated, secret]


def wipe_decisions() -> None:
    """Empty the register of decisions, in an order the protecting foreign keys allow."""
    for model in (
        WorkflowEvent,
        Signature,
        Correction,
        DecisionLink,
        Decision,
        DecisionTemplate,
        DecisionCategory,
        Delegation,
    ):
        for row in model.objects.all():
            row.delete()


def main_content(response) -> str:
    page = response.content.decode("utf-8")
    return page[page.index("<main") : page.index("</main>")]


def test_public_decisions_json_imported_into_an_empty_register_reproduces_it(
    decisions_register, client, officer
):
    exported = client.get("/decisions.json")
    assert exported.status_code == 200
    references = [record["reference"] for record in exported.json()["decisions"]]
    assert sorted(references) == ["WPCC3-0041", "WPCC3-0058", "WPCC3-0060"]
    pages = {
        reference: main_content(client.get(f"/decisions/{reference}/")) for reference in references
    }
    wipe_decisions()
    assert client.get("/decisions.json").json()["decisions"] == []

    result = DecisionImport(exported.content, "decisions.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == [], [str(warning) for warning in result.warnings]
    result.write(by=officer)

    again = client.get("/decisions.json")
    assert again.json() == exported.json()
    assert again.content == exported.content
    for reference, before in pages.items():
        assert main_content(client.get(f"/decisions/{reference}/")) == before, reference
    secret = Decision.objects.get(reference="WPCC3-0060")
    assert secret.is_wholly_confidential
    joint = Decision.objects.get(reference="WPCC3-0058")
    links = DecisionLink.objects.order_by("kind").values_list(
        "from_decision__reference", "kind", "to_decision__reference"
    )
    assert list(links) == [
        ("WPCC3-0041", "amends", "WPCC3-0058"),
        ("WPCC3-0058", "follows", "WPCC3-0041"),
    ]
    assert [(a.recipient, a.amount, a.purpose) for a in joint.awards.order_by("pk")] == [
        (
            "Warwickshire Recovery Cafe",
            Decimal("18250.50"),
            "Peer support for people leaving treatment",
        ),
        ("Outreach project", Decimal("0.00"), ""),
    ]
    assert SECRET not in again.content.decode("utf-8")
