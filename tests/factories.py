"""A factory per model, with defaults drawn from the seed decisions (WPCC3-0058 and the
Leicestershire substance misuse paper).

Unique fields come from sequences, so any number of objects can be made in one test.
`Decision.start` is how the app opens a draft: `StartedDecisionFactory` goes through it,
`DecisionFactory` writes the row directly for tests that need a decision in a given state.
"""

import datetime
import functools
import hashlib
import importlib
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from commissioning.roles import Role
from contracts import models as contracts
from decisions import models as decisions

DEMO_PASSWORD = "demo"


@functools.cache
def demo_password_hash() -> str:
    # Hashing with the production hasher takes a noticeable fraction of a second; every test
    # user shares one real hash of "demo", made once per run.
    return make_password(DEMO_PASSWORD)


class UserFactory(DjangoModelFactory):
    """A user who logs in with the password "demo".

    `UserFactory(roles=[Role.TREASURER])` puts the user in that role's group (the groups are
    made by decisions/migrations/0002_roles.py).
    """

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sara"
    last_name = factory.Sequence(lambda n: f"Ansell {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@opcc.example")
    password = factory.LazyFunction(demo_password_hash)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        administrator = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:
        if not create or not extracted:
            return
        self.groups.add(*(role_group(Role(role)) for role in extracted))


def role_group(role: Role) -> Group:
    """The role's group. A transactional test's flush empties the rows migration 0002 made,
    so they are made again (with their permissions) when missing."""
    group = Group.objects.filter(name=role.value).first()
    if group is None:
        importlib.import_module("decisions.migrations.0002_roles").create_roles(apps, None)
        group = Group.objects.get(name=role.value)
    return group


def extension_basis(code: str) -> contracts.ExtensionBasis:
    """One of the bases contracts/migrations/0007 made, made again if a transactional test's
    flush emptied them."""
    basis = contracts.ExtensionBasis.objects.filter(code=code).first()
    if basis is None:
        seed_extension_bases()
        basis = contracts.ExtensionBasis.objects.get(code=code)
    return basis


def seed_extension_bases() -> None:
    migration = importlib.import_module(
        "contracts.migrations.0007_identifiers_notices_cpv_extension_bases"
    )
    migration.seed_bases(apps, None)


def user_in_role(role: Role, **fields):
    return UserFactory(roles=[role], **fields)


# Contracts, providers and partners


class ProviderFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Change Grow Live {n}")
    charity_number = factory.Sequence(lambda n: f"1079{n:03}")
    is_vcse = True

    class Meta:
        model = contracts.Provider


class PartnerBodyFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Warwickshire County Council {n}")
    kind = contracts.PartnerKind.COUNTY_COUNCIL

    class Meta:
        model = contracts.PartnerBody


class ProgrammeFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Victim services commissioning cycle {n}")
    needs_assessment_on = datetime.date(2022, 2, 1)
    needs_assessment_by = "An independent consultant"

    class Meta:
        model = contracts.Programme


class ProcurementPhaseFactory(DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")
    starts_on = datetime.date(2022, 4, 1)
    ends_on = datetime.date(2022, 12, 31)
    route = contracts.ProcurementRoute.PUBLISHED_TENDER
    service_starts_on = datetime.date(2023, 4, 1)

    class Meta:
        model = contracts.ProcurementPhase


class LotFactory(DjangoModelFactory):
    phase = factory.SubFactory(ProcurementPhaseFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "General victims cope and recovery"

    class Meta:
        model = contracts.Lot


class ContractFactory(DjangoModelFactory):
    reference = factory.Sequence(lambda n: f"OPCC-C-{n:04}")
    title = "Adult criminal justice drugs and alcohol service"
    provider = factory.SubFactory(ProviderFactory)
    starts_on = datetime.date(2018, 4, 1)
    ends_on = datetime.date(2023, 3, 31)
    total_value = Decimal("1250000.00")
    route = contracts.ProcurementRoute.PUBLISHED_TENDER

    class Meta:
        model = contracts.Contract


class CommissionerFactory(DjangoModelFactory):
    contract = factory.SubFactory(ContractFactory)
    body = factory.SubFactory(PartnerBodyFactory)
    role = contracts.CommissionerRole.CO

    class Meta:
        model = contracts.Commissioner


class OfficeFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Office of the Police and Crime Commissioner {n}")

    class Meta:
        model = decisions.Office


class ExtensionFactory(DjangoModelFactory):
    """An extension row as stored. To extend a contract, call `Contract.extend`."""

    contract = factory.SubFactory(ContractFactory)
    previous_ends_on = factory.LazyAttribute(lambda extension: extension.contract.ends_on)
    new_ends_on = factory.LazyAttribute(
        lambda extension: extension.previous_ends_on + datetime.timedelta(days=366)
    )
    reason = "Interim measure while the joint commissioning process runs."
    basis = factory.LazyFunction(lambda: extension_basis(contracts.ExtensionBasis.EXEMPTION))

    class Meta:
        model = contracts.Extension


class ExtensionBasisFactory(DjangoModelFactory):
    code = factory.Sequence(lambda n: f"basis-{n}")
    label = factory.Sequence(lambda n: f"A ground for extending a contract ({n})")

    class Meta:
        model = contracts.ExtensionBasis


class NoticeFactory(DjangoModelFactory):
    contract = factory.SubFactory(ContractFactory)
    kind = contracts.NoticeKind.FIND_A_TENDER
    identifier = factory.Sequence(lambda n: f"2022/S 000-{n:06}")
    url = factory.LazyAttribute(
        lambda notice: (
            f"https://www.find-tender.service.gov.uk/Notice/{notice.identifier[-6:]}-2022"
        )
    )
    published_on = datetime.date(2022, 11, 1)

    class Meta:
        model = contracts.Notice


class JointArrangementFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Substance misuse joint commissioning {n}")
    subject = "Drugs and alcohol services for people in the criminal justice system"

    class Meta:
        model = contracts.JointArrangement
        skip_postgeneration_save = True

    @factory.post_generation
    def contracts(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.contracts.add(*extracted)


class ArrangementPartnerFactory(DjangoModelFactory):
    arrangement = factory.SubFactory(JointArrangementFactory)
    body = factory.SubFactory(PartnerBodyFactory)
    role = contracts.CommissionerRole.CO

    class Meta:
        model = contracts.ArrangementPartner


class PartnerPositionFactory(DjangoModelFactory):
    partner = factory.SubFactory(ArrangementPartnerFactory)
    position = contracts.Position.COMMITTED
    as_of = datetime.date(2021, 6, 1)

    class Meta:
        model = contracts.PartnerPosition


class ArrangementRiskFactory(DjangoModelFactory):
    arrangement = factory.SubFactory(JointArrangementFactory)
    description = "Separate providers in the city and the county split referral routes."
    likelihood = contracts.Level.MEDIUM
    impact = contracts.Level.HIGH

    class Meta:
        model = contracts.ArrangementRisk


class PartnerAskFactory(DjangoModelFactory):
    arrangement = factory.SubFactory(JointArrangementFactory)
    of_body = factory.SubFactory(PartnerBodyFactory)
    request = "Reconsider the decision to proceed without the city council."
    asked_on = datetime.date(2021, 7, 1)

    class Meta:
        model = contracts.PartnerAsk


# Decisions


class DecisionCategoryFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Commissioning {n}")
    slug = factory.LazyAttribute(lambda category: slugify(category.name))

    class Meta:
        model = decisions.DecisionCategory


DEFAULT_HEADINGS = ["Background information", "Financial implications", "Legal implications"]


class DecisionTemplateFactory(DjangoModelFactory):
    """A decision form. Its sections are made from `sections`, a list of headings or of
    TemplateSection fields, numbered in order; `sections=[]` makes a form without any."""

    name = factory.Sequence(lambda n: f"Decision record form {n}")
    reference_format = factory.Sequence(lambda n: f"FORM{n}-{{number:04}}")

    class Meta:
        model = decisions.DecisionTemplate
        skip_postgeneration_save = True

    @factory.post_generation
    def sections(self, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        specs = DEFAULT_HEADINGS if extracted is None else extracted
        for position, spec in enumerate(specs, start=1):
            fields = {"heading": spec} if isinstance(spec, str) else spec
            TemplateSectionFactory(template=self, **{"position": position, **fields})


class TemplateSectionFactory(DjangoModelFactory):
    template = factory.SubFactory(DecisionTemplateFactory, sections=[])
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Section {n}")

    class Meta:
        model = decisions.TemplateSection


class DelegationFactory(DjangoModelFactory):
    delegate_name = "Chief Finance Officer"
    delegate_role = "Treasurer"
    instrument = "Scheme of consent and delegation, paragraph 4.2"
    scope = "Grants and contract extensions up to the value limit."
    value_limit = Decimal("100000.00")
    starts_on = datetime.date(2021, 5, 13)

    class Meta:
        model = decisions.Delegation


class DecisionFactory(DjangoModelFactory):
    """A decision row written directly, without the form's sections.

    `sections` takes a list of DecisionSection fields (or headings) to add, in order.
    """

    template = factory.SubFactory(DecisionTemplateFactory, sections=[])
    reference = factory.LazyAttributeSequence(
        lambda decision, n: decision.template.format_reference(n + 1, 2022)
    )
    title = factory.Sequence(lambda n: f"Joint commissioning of drugs and alcohol services {n}")
    author = None
    author_name = "Precious Williamson"
    lead_officers = "Precious Williamson and Sara Ansell (Finance & Commissioning)"
    summary = "Agreement to commission drugs and alcohol services jointly with the county."

    class Meta:
        model = decisions.Decision
        skip_postgeneration_save = True

    class Params:
        decided = factory.Trait(
            received_on=datetime.date(2022, 6, 1),
            decided_on=datetime.date(2022, 6, 15),
            signed_on=datetime.date(2022, 6, 29),
            status=decisions.DecisionStatus.APPROVED,
        )

    @factory.post_generation
    def sections(self, create: bool, extracted, **kwargs) -> None:
        if not create or not extracted:
            return
        for position, spec in enumerate(extracted, start=1):
            fields = {"heading": spec} if isinstance(spec, str) else spec
            DecisionSectionFactory(decision=self, **{"position": position, **fields})


class StartedDecisionFactory(DecisionFactory):
    """A draft opened the way the app opens one: `Decision.start(template=..., by=author)`,
    which takes the next reference in the form's scheme and copies the form's sections."""

    template = factory.SubFactory(DecisionTemplateFactory)
    reference = ""
    author = factory.SubFactory(UserFactory, roles=[Role.OFFICER])
    author_name = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        by = kwargs.pop("author")
        return model_class.start(by=by, **kwargs)


class DecisionSectionFactory(DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Section {n}")
    text = "The current contracts run to the end of March 2023 with no options left."

    class Meta:
        model = decisions.DecisionSection

    class Params:
        withheld = factory.Trait(
            is_withheld=True,
            exemption=decisions.Exemption.S43_2,
            public_interest_statement=(
                "Releasing the prices would weaken the office's position in the next tender."
            ),
        )


class FieldValueFactory(DjangoModelFactory):
    """A decision's value of one of its form's own fields."""

    decision = factory.SubFactory(DecisionFactory)
    name = factory.Sequence(lambda n: f"field_{n}")
    value = "Reducing reoffending"

    class Meta:
        model = decisions.FieldValue


class AppendixFactory(DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    title = factory.Sequence(lambda n: f"Appendix {n}: briefing note")

    class Meta:
        model = decisions.Appendix

    class Params:
        withheld = factory.Trait(
            is_withheld=True,
            exemption=decisions.Exemption.S43_2,
            public_interest_statement="The figures would prejudice the coming procurement.",
        )


class StatutoryCommentFactory(DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    role = decisions.CommentRole.TREASURER
    person = "The Treasurer"
    text = "The cost of the extension is met from the commissioning budget."
    made_on = datetime.date(2022, 6, 10)

    class Meta:
        model = decisions.StatutoryComment


class AwardFactory(DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    recipient = factory.Sequence(lambda n: f"Community safety project {n}")
    amount = Decimal("25000.00")
    purpose = "Diversion from the criminal justice system"

    class Meta:
        model = decisions.Award


class DecisionLinkFactory(DjangoModelFactory):
    from_decision = factory.SubFactory(DecisionFactory)
    to_decision = factory.SubFactory(DecisionFactory)
    kind = decisions.LinkKind.FOLLOWS

    class Meta:
        model = decisions.DecisionLink


class DecisionProviderFactory(DjangoModelFactory):
    decision = factory.SubFactory(DecisionFactory)
    provider = factory.SubFactory(ProviderFactory)
    role = decisions.ProviderRole.PREFERRED_BIDDER

    class Meta:
        model = decisions.DecisionProvider


class SignatureFactory(DjangoModelFactory):
    """The Treasurer's live sign-off of a decision."""

    decision = factory.SubFactory(DecisionFactory)
    step = decisions.WorkflowStep.SIGN_OFF
    user = factory.SubFactory(UserFactory, roles=[Role.TREASURER])
    name = factory.LazyAttribute(lambda signature: signature.user.get_full_name())
    capacity = "Treasurer"
    signed_at = factory.LazyFunction(timezone.now)
    content_sha256 = factory.Sequence(lambda n: hashlib.sha256(f"content {n}".encode()).hexdigest())

    class Meta:
        model = decisions.Signature


class WorkflowEventFactory(DjangoModelFactory):
    """A workflow step taken: submitting a draft for sign-off."""

    decision = factory.SubFactory(DecisionFactory)
    step = decisions.WorkflowStep.SUBMIT
    outcome = decisions.WorkflowOutcome.ALLOWED
    actor = factory.SubFactory(UserFactory, roles=[Role.OFFICER])
    actor_name = factory.LazyAttribute(lambda event: event.actor.get_full_name())
    from_status = decisions.DecisionStatus.DRAFT
    to_status = decisions.DecisionStatus.SUBMITTED

    class Meta:
        model = decisions.WorkflowEvent
