"""A large office's data, made fast, for the benchmark only.

The application's own rule is never to bulk-write audited models, because bulk writes skip
simple-history's signals. The bench seed is the one exception: it writes with
`bulk_create_with_history` (which writes one "created" history row per record) and then adds
the later versions with `bulk_history_create(update=True)`, so every record has several
history versions, as a real office's would. Nothing here goes through the demo's prose or the
workflow: the rows are plain, varied, and made in batches.

Seeding tops up: asking for 1,000 decisions and then for 100,000 adds the 99,000 missing, so
the benchmark can measure the small office first and the large one after.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from commissioning.roles import Role
from contracts.models import Contract, Provider
from decisions.models import (
    Decision,
    DecisionCategory,
    DecisionSection,
    DecisionTemplate,
    RecordLayout,
    TemplateSection,
)

BATCH = 2000
HISTORY_VERSIONS = 3  # one "created" and two "changed" versions per record
SECTIONS = ["Background", "Options considered", "Financial implications", "Legal implications"]
CATEGORIES = [
    "Victim services",
    "Estates",
    "Finance",
    "Information technology",
    "Community safety",
    "Youth justice",
    "Road safety",
    "Custody",
    "Partnerships",
    "Grants",
]
WORDS = (
    "service contract grant victims police community funding support provider review "
    "annual budget estate vehicle fleet custody health youth safety road partnership "
    "commission award extension procurement tender value outcome report officer county"
).split()
# A word that appears in about one decision in a thousand: a rare search term.
RARE_WORD = "zephyrine"
COMMON_WORD = "community"
OFFICER = "bench-officer"
ADMIN = "bench-admin"
# ruff S105: the password of a user in the local benchmark database only.
PASSWORD = "bench-password"  # noqa: S105
PREFIX = "BENCH-"


@dataclass(frozen=True)
class Size:
    decisions: int
    contracts: int
    providers: int

    @classmethod
    def for_decisions(cls, decisions: int) -> "Size":
        return cls(
            decisions=decisions,
            contracts=max(1, decisions // 5),
            providers=max(1, decisions // 50),
        )


SIZES = {"small": Size.for_decisions(5_000), "full": Size.for_decisions(100_000)}


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def users():
    """The bench officer (role officer) and a superuser for the admin, made once."""
    User = get_user_model()
    officer, made = User.objects.get_or_create(
        username=OFFICER, defaults={"first_name": "Bench", "last_name": "Officer"}
    )
    if made:
        officer.set_password(PASSWORD)
        officer.save()
        officer.groups.add(Group.objects.get(name=Role.OFFICER.value))
    admin, made = User.objects.get_or_create(
        username=ADMIN, defaults={"is_staff": True, "is_superuser": True}
    )
    if made:
        admin.set_password(PASSWORD)
        admin.save()
    return officer, admin


def form() -> DecisionTemplate:
    template, made = DecisionTemplate.objects.get_or_create(
        name="Bench decision form",
        defaults={"reference_format": PREFIX + "{number:06}", "requires_treasurer": True},
    )
    if made:
        for position, heading in enumerate(SECTIONS, start=1):
            TemplateSection.objects.create(template=template, position=position, heading=heading)
    return template


def categories() -> list[DecisionCategory]:
    return [DecisionCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES]


def add_versions(model, objs, user, when) -> None:
    """The later versions of each record (the first came with bulk_create_with_history)."""
    for version in range(1, HISTORY_VERSIONS):
        model.history.bulk_history_create(
            objs,
            batch_size=BATCH,
            update=True,
            default_user=user,
            default_date=when + datetime.timedelta(days=version),
        )


def create(model, objs, user, when) -> list:
    made = bulk_create_with_history(
        objs, model, batch_size=BATCH, default_user=user, default_date=when
    )
    if not made or made[0].pk is None:  # a backend that returns no keys: read them back
        made = list(model.objects.order_by("-pk")[: len(objs)])[::-1]
    add_versions(model, made, user, when)
    return made


def seed_providers(target: int, rng: random.Random, user, when) -> None:
    have = Provider.objects.count()
    objs = [
        Provider(
            name=f"Bench provider {number:06}",
            company_number=f"{rng.randrange(10**7):08}",
            is_sme=rng.random() < 0.4,
            is_vcse=rng.random() < 0.3,
        )
        for number in range(have + 1, target + 1)
    ]
    for start in range(0, len(objs), BATCH):
        create(Provider, objs[start : start + BATCH], user, when)


def seed_contracts(target: int, rng: random.Random, user, when) -> None:
    have = Contract.objects.count()
    providers = list(Provider.objects.values_list("pk", flat=True))
    statuses = [Contract.Status.ACTIVE] * 6 + [Contract.Status.ENDED] * 3 + ["planned"]
    objs = []
    for number in range(have + 1, target + 1):
        starts = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3650))
        value = Decimal(rng.randrange(1_000, 5_000_000))
        objs.append(
            Contract(
                reference=f"BC-{number:06}",
                title=f"{words(rng, 3).capitalize()} service",
                description=words(rng, 20),
                department="Commissioning",
                provider_id=rng.choice(providers),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=365 * rng.randrange(1, 6)),
                total_value=value,
                annual_value=(value / 3).quantize(Decimal("0.01")),
                status=rng.choice(statuses),
            )
        )
    for start in range(0, len(objs), BATCH):
        create(Contract, objs[start : start + BATCH], user, when)


def seed_decisions(target: int, rng: random.Random, user, when) -> None:
    template = form()
    template_sections = list(template.sections.order_by("position"))
    layout = template.layout_data()
    category_ids = [category.pk for category in categories()]
    have = Decision.objects.filter(reference__startswith=PREFIX).count()
    statuses = [Decision.Status.PUBLISHED] * 7 + [
        Decision.Status.DRAFT,
        Decision.Status.SUBMITTED,
        Decision.Status.APPROVED,
    ]
    numbers = list(range(have + 1, target + 1))
    for start in range(0, len(numbers), BATCH):
        decisions, texts = [], []
        for number in numbers[start : start + BATCH]:
            decided = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(5000))
            status = rng.choice(statuses)
            published = status == Decision.Status.PUBLISHED
            title = f"{words(rng, 4).capitalize()} {number}"
            summary = words(rng, 30) + (f" {RARE_WORD}" if number % 1000 == 7 else "")
            sections = [words(rng, 60) for _ in template_sections]
            texts.append(sections)
            decisions.append(
                Decision(
                    reference=template.format_reference(number, decided.year),
                    title=title,
                    template=template,
                    author=user,
                    author_name="Bench Officer",
                    category_id=rng.choice(category_ids),
                    received_on=decided,
                    decided_on=decided if status != Decision.Status.DRAFT else None,
                    signed_on=decided if published else None,
                    published_on=decided + datetime.timedelta(days=3) if published else None,
                    summary=summary,
                    search_document="\n".join([title, summary, *sections]) if published else "",
                    status=status,
                )
            )
        made = create(Decision, decisions, user, when)
        section_objs = [
            DecisionSection(
                decision_id=decision.pk,
                template_section=part,
                position=part.position,
                heading=part.heading,
                text=text,
            )
            for decision, text_list in zip(made, texts, strict=True)
            for part, text in zip(template_sections, text_list, strict=True)
        ]
        create(DecisionSection, section_objs, user, when)
        # Publishing keeps the form's layout with the record (`RecordLayout.keep`), once.
        bulk_create_with_history(
            [
                RecordLayout(decision_id=decision.pk, layout=layout, taken_at=when)
                for decision in made
                if decision.status == Decision.Status.PUBLISHED
            ],
            RecordLayout,
            batch_size=BATCH,
            default_user=user,
            default_date=when,
        )


def seed(size: Size, seed: int = 8) -> dict:
    """Top the database up to `size`; returns the counts it then holds."""
    # ruff S311: made-up test data, not a secret.
    rng = random.Random(seed + Decision.objects.count())  # noqa: S311
    when = timezone.now() - datetime.timedelta(days=30)
    with transaction.atomic():
        officer, _admin = users()
        seed_providers(size.providers, rng, officer, when)
        seed_contracts(size.contracts, rng, officer, when)
        seed_decisions(size.decisions, rng, officer, when)
    analyze()
    return counts()


def analyze() -> None:
    """Refresh the planner's statistics and the visibility map, as autovacuum would after so
    many new rows (an index-only scan, such as the register's count, needs the visibility
    map). VACUUM cannot run inside a transaction, as in a test: there, statistics only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def counts() -> dict:
    return {
        "decisions": Decision.objects.count(),
        "sections": DecisionSection.objects.count(),
        "contracts": Contract.objects.count(),
        "providers": Provider.objects.count(),
        "decision_history": Decision.history.count(),
    }
