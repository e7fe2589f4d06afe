"""Fixtures for publication: decisions published the way the app publishes them."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from decisions.models import Decision, Exemption
from tests.factories import (
    AppendixFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionSectionFactory,
    StatutoryCommentFactory,
)

COSTS_PUBLIC_INTEREST = (
    "Publishing the prices while the service is re-procured would weaken the office's "
    "position in the tender."
)


@pytest.fixture(autouse=True)
def role_groups(db):
    """The role groups of migration 0002, made again if a transactional test flushed them."""
    migration = importlib.import_module("decisions.migrations.0002_roles")
    migration.create_roles(apps, None)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded appendices go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def category(db):
    return DecisionCategoryFactory(name="Commissioning", slug="commissioning")


def add_appendix(decision: Decision, *, title: str, content: str, withheld: bool = False):
    appendix = AppendixFactory.build(decision=decision, title=title, withheld=withheld)
    appendix.file.save(
        f"{title[:20].replace(' ', '-')}.txt", ContentFile(content.encode()), save=False
    )
    appendix.save()
    return appendix


@pytest.fixture
def make_decision(db, category):
    """make_decision(sections=[...], publish_by=user, **fields): an approved decision with the
    given sections (dicts of DecisionSection fields), published by `publish_by` if given."""

    def make(*, sections=None, publish_by=None, comments=True, **fields) -> Decision:
        fields.setdefault("category", category)
        fields.setdefault("decision_maker_name", "Philip Seccombe")
        decision = DecisionFactory(decided=True, **fields)
        for position, spec in enumerate(sections or [], start=1):
            DecisionSectionFactory(decision=decision, position=position, **spec)
        if comments:
            StatutoryCommentFactory(decision=decision)
        decision.refresh_confidentiality(by=publish_by)
        if publish_by is not None:
            decision.publish(by=publish_by)
            decision.refresh_from_db()
        return decision

    return make


def costs_withheld(text: str, **extra) -> dict:
    return {
        "heading": "Costs (including any identified savings)",
        "part": "Supporting information",
        "text": text,
        "is_withheld": True,
        "exemption": Exemption.S43_2,
        "public_interest_statement": COSTS_PUBLIC_INTEREST,
        **extra,
    }


def public_section(heading: str, text: str) -> dict:
    return {"heading": heading, "part": "Supporting information", "text": text}


@pytest.fixture
def seed_decision(make_decision, officer):
    """WPCC3-0058 as the seed publishes it: its costs withheld under section 43(2)."""
    return make_decision(
        reference="WPCC3-0058",
        title="Joint-Commissioning of Drugs and Alcohol Misuse Services with Warwickshire "
        "County Council",
        summary="To commission drugs and alcohol misuse services jointly with the county "
        "council from April 2024, extending the current contracts by twelve months.",
        sections=[
            public_section(
                "Background information",
                "Both contracts began in April 2018 and end on 31 March 2023 with no options.",
            ),
            costs_withheld(
                "The twelve-month extensions cost GBP 412,000 for the adult service.",
                release_on=datetime.date(2024, 4, 1),
            ),
            public_section("Legal comments", "Legal and procurement advice has been taken."),
        ],
        publish_by=officer,
    )
