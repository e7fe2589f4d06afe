"""Hostile values in the admin's decision pages, the admin code the project writes itself
(the sections' formset check, confidentiality refreshed after saving): never a server error,
and a refused save changes nothing. Then impossible keys and dates in the admin's addresses
and list filters, which Django and django-simple-history read without checking.

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


@pytest.mark.parametrize("model", ["decisions/decision", "contracts/contract"])
@pytest.mark.parametrize("key", ["1.5", "a\x00b", "é"])
def test_a_history_address_with_an_impossible_key_is_not_found(admin_client, decision, model, key):
    from contracts.models import Contract
    from tests.factories import ContractFactory

    record = decision if model == "decisions/decision" else ContractFactory()
    versions = (Decision if model == "decisions/decision" else Contract).history
    version = versions.filter(id=record.pk).first().history_id

    answers = [
        admin_client.get(f"/admin/{model}/{key}/history/").status_code,
        admin_client.get(f"/admin/{model}/{key}/history/{version}/").status_code,
        admin_client.get(f"/admin/{model}/{record.pk}/history/{key}/").status_code,
    ]

    assert answers == [404, 404, 404]


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("decisions/decision", "decided_on__year=99999999999"),
        ("contracts/contract", "ends_on__year=-99999999999"),
        ("commissioning/auditentry", "at__year=99999999999"),
    ],
)
def test_a_list_filtered_on_an_impossible_date_is_refused_as_the_admin_refuses_others(
    admin_client, model, query
):
    response = admin_client.get(f"/admin/{model}/?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"/admin/{model}/?e=1"


@pytest.mark.parametrize(
    "query",
    ["category=99999999999999999999", "template__exact=-99999999999999999999"],
)
def test_a_list_filtered_on_a_key_no_record_could_have_is_not_a_server_error(
    admin_client, decision, query
):
    response = admin_client.get(f"/admin/decisions/decision/?{query}")

    assert response.status_code in (200, 302)
