"""Hostile values in the admin's decision pages, the admin code the project writes itself
(the sections' formset check, confidentiality refreshed after saving): never a server error,
and a refused save changes nothing.

The hostile-input test (test_hostile_input.py) drives every form of the workspace and the
public site; the admin's other pages are Django's own ModelForms over the same models, whose
constraints that test and the model tests cover."""

import re

import pytest
from django.test import Client

from decisions.models import Decision, DecisionSection
from tests.factories import StartedDecisionFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

# A NUL (PostgreSQL refuses it in text), text far over any column's length, a number too big
# for any column (SQLite's driver raised OverflowError for it), a date that does not exist.
HOSTILE = ["a\x00b", "x" * 5_000, "99999999999999999999", "2024-13-45"]
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def tried(name: str) -> bool:
    """Every field once: not the formsets' counts, nor the empty form the admin's script
    copies (never sent as a form), nor the second and later sections (the first stands for
    them)."""
    return not (
        name.endswith(MANAGEMENT) or "__prefix__" in name or re.match(r"sections-[1-9]", name)
    )


def history_rows() -> int:
    return Decision.history.count() + DecisionSection.history.count()


def sent_with_each_field_hostile(client: Client, url: str) -> list[tuple[str, str, int]]:
    """Post the page's form once for each field and hostile value; what was refused, and how."""
    data = form_fields(client.get(url))
    assert data, "the admin form was not read"
    answers = []
    for name in filter(tried, data):
        for value in HOSTILE:
            before = history_rows()
            response = client.post(url, {**data, name: value})
            if response.status_code == 200:  # refused: the form again, nothing written
                assert history_rows() == before, (name, value[:12])
            answers.append((name, value[:12], response.status_code))
    return answers


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    return client


@pytest.fixture
def decision(officer):
    return StartedDecisionFactory(author=officer)


def test_the_decision_admin_page_takes_hostile_values_without_a_server_error(
    admin_client, decision
):
    answers = sent_with_each_field_hostile(
        admin_client, f"/admin/decisions/decision/{decision.pk}/change/"
    )

    assert [answer for answer in answers if answer[2] not in (200, 302)] == []
    # The sections and the choices of contracts were in the form, and refused these.
    assert ("sections-0-text", "a\x00b", 200) in answers
    assert ("contracts", "999999999999", 200) in answers


def test_the_section_admin_page_takes_hostile_values_without_a_server_error(admin_client, decision):
    section = decision.sections.first()

    answers = sent_with_each_field_hostile(
        admin_client, f"/admin/decisions/decisionsection/{section.pk}/change/"
    )

    assert [answer for answer in answers if answer[2] not in (200, 302)] == []
    assert ("text", "a\x00b", 200) in answers
