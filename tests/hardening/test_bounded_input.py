"""Bounded input (issue 26, item 8): no text field over 100,000 characters and no record over
500,000 in all, in the workspace's editor, the imports and the admin; each refused naming the
field (or the record's largest parts), with nothing written. The limits are stated once, in
commissioning.limits.

A record of ~2.4 MB of text, which the editor took up to the request limit, made its PDF fail
after 30 s and stalled the site."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.limits import FIELD_MAX_CHARACTERS, RECORD_MAX_CHARACTERS
from contracts.importing import ContractImport
from contracts.models import Contract
from decisions.importing import DecisionImport
from decisions.models import Decision, DecisionSection
from tests.factories import (
    ArrangementRiskFactory,
    ContractFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    StartedDecisionFactory,
)
from tests.importing.conftest import DECISION_MODELS, counts, csv_file, json_file
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

AT_LIMIT = "x" * FIELD_MAX_CHARACTERS
OVER = "x" * (FIELD_MAX_CHARACTERS + 1)
HEADINGS = ["Background", "Options", "Costs", "Risks", "Legal implications"]


def history_rows() -> int:
    return Decision.history.count() + DecisionSection.history.count()


def test_the_limits_are_those_the_issue_asks_for():
    assert (FIELD_MAX_CHARACTERS, RECORD_MAX_CHARACTERS) == (100_000, 500_000)


# -- the workspace's editor ----------------------------------------------------------------------


@pytest.fixture
def officer_client(client_for, officer):
    return client_for(officer)


@pytest.fixture
def draft(officer):
    template = DecisionTemplateFactory(sections=HEADINGS)
    return StartedDecisionFactory(author=officer, template=template)


def edit_url(decision) -> str:
    return reverse("workspace:decision-edit", args=[decision.reference])


def section_field(page, heading: str) -> str:
    sections = page.context["sections"].forms
    form = next(form for form in sections if form.instance.heading == heading)
    return form.add_prefix("text")


def test_the_editor_refuses_a_section_over_the_field_limit_naming_it(officer_client, draft):
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    data[section_field(page, "Background")] = OVER
    before = history_rows()

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 200
    message = "Background must be 100,000 characters or fewer (it has 100,001)"
    assert message in response.content.decode()
    assert history_rows() == before
    assert draft.sections.get(heading="Background").text != OVER


def test_the_editor_refuses_a_summary_over_the_field_limit_naming_it(officer_client, draft):
    data = form_fields(officer_client.get(edit_url(draft)))
    data["summary"] = OVER
    before = history_rows()

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 200
    label = draft.template.summary_label
    assert f"{label} must be 100,000 characters or fewer (it has 100,001)" in (
        response.content.decode()
    )
    assert history_rows() == before


def test_the_editor_takes_a_field_of_exactly_the_limit(officer_client, draft):
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    data[section_field(page, "Background")] = AT_LIMIT

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert draft.sections.get(heading="Background").text == AT_LIMIT


def test_the_editor_refuses_a_record_over_the_limit_naming_its_largest_parts(officer_client, draft):
    page = officer_client.get(edit_url(draft))
    data = form_fields(page)
    data["summary"] = AT_LIMIT
    for heading in HEADINGS[:4]:
        data[section_field(page, heading)] = AT_LIMIT
    data[section_field(page, "Legal implications")] = "x" * 10  # 500,010 in all, and more
    before = history_rows()

    response = officer_client.post(edit_url(draft), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "must have 500,000 or fewer" in content
    assert "Its largest parts are Background (100,0" in content
    assert history_rows() == before
    draft.refresh_from_db()
    assert draft.summary != AT_LIMIT


# -- imports ------------------------------------------------------------------------------------


def decision_record(**fields) -> dict:
    return {"reference": "WPCC3-0100", "title": "A decision", "decision_maker": "pcc", **fields}


def refused(result, column: str, words: str) -> None:
    assert not result.is_valid
    problems = [str(problem) for problem in result.problems]
    assert any(f"column {column}:" in p and words in p for p in problems), problems


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_import_refuses_a_field_over_the_limit_naming_row_and_column(kind, officer):
    record = decision_record(summary=OVER)
    before = counts(DECISION_MODELS)
    if kind == "csv":
        result = DecisionImport(csv_file([record]), "decisions.csv")
    else:
        result = DecisionImport(json_file([record]), "decisions.json")

    refused(result, "summary", "must be 100,000 characters or fewer (it has 100,001)")
    row = 2 if kind == "csv" else 1
    assert any(problem.row == row for problem in result.problems)
    assert counts(DECISION_MODELS) == before


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_an_import_takes_a_field_of_exactly_the_limit(kind, officer):
    record = decision_record(summary=AT_LIMIT)
    if kind == "csv":
        result = DecisionImport(csv_file([record]), "decisions.csv")
    else:
        result = DecisionImport(json_file([record]), "decisions.json")

    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)
    assert Decision.objects.get(reference="WPCC3-0100").summary == AT_LIMIT


def over_the_record_limit_csv() -> dict:
    fields = {"summary": AT_LIMIT}
    for number in range(1, 5):
        fields[f"section_{number}_heading"] = f"Part {number}"
        fields[f"section_{number}_text"] = AT_LIMIT
    return decision_record(**fields)


def test_a_csv_import_refuses_a_record_over_the_limit_though_each_field_is_within_it(officer):
    before = counts(DECISION_MODELS)

    result = DecisionImport(csv_file([over_the_record_limit_csv()]), "decisions.csv")

    assert not result.is_valid
    problems = [str(problem) for problem in result.problems]
    assert any(p.startswith("Row 2:") and "must have 500,000 or fewer" in p for p in problems)
    assert any("summary (100,000)" in p for p in problems), problems
    assert counts(DECISION_MODELS) == before


def test_a_json_import_refuses_a_record_over_the_limit_though_each_field_is_within_it(officer):
    record = decision_record(
        summary=AT_LIMIT,
        sections=[{"heading": f"Part {n}", "text": AT_LIMIT} for n in range(1, 5)],
    )
    before = counts(DECISION_MODELS)

    result = DecisionImport(json_file([record]), "decisions.json")

    assert not result.is_valid
    problems = [str(problem) for problem in result.problems]
    assert any(p.startswith("Row 1:") and "must have 500,000 or fewer" in p for p in problems)
    assert counts(DECISION_MODELS) == before


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_the_contract_import_refuses_a_description_over_the_limit(kind, officer):
    row = {
        "reference": "WOPCC-BIG-1",
        "title": "A contract",
        "provider": "Change Grow Live",
        "start date": "01/04/2018",
        "end date": "31/03/2024",
        "description": OVER,
    }
    text = csv_file([row]) if kind == "csv" else json.dumps([row])

    result = ContractImport(text, f"contracts.{kind}")

    refused(result, "description", "must be 100,000 characters or fewer (it has 100,001)")
    assert not Contract.objects.filter(reference="WOPCC-BIG-1").exists()


# -- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    return client


def admin_url(decision) -> str:
    return f"/admin/decisions/decision/{decision.pk}/change/"


def admin_form(client: Client, url: str) -> dict:
    """The admin page's form as it stands; a choice of several records left empty is not
    sent (the reader gives it as an empty value, which the admin refuses)."""
    data = form_fields(client.get(url))
    return {name: value for name, value in data.items() if value != "" or name not in MANY}


MANY = ("contracts", "programmes", "arrangements")  # a decision's, an arrangement's contracts


def test_the_admin_refuses_a_summary_over_the_field_limit_naming_it(admin_client, draft):
    data = admin_form(admin_client, admin_url(draft))
    data["summary"] = OVER
    before = history_rows()

    response = admin_client.post(admin_url(draft), data)

    assert response.status_code == 200
    assert "Decision summary must be 100,000 characters or fewer (it has 100,001)" in (
        response.content.decode()
    )
    assert history_rows() == before


def test_the_admin_refuses_a_section_over_the_field_limit_naming_it(admin_client, draft):
    data = admin_form(admin_client, admin_url(draft))
    data["sections-0-text"] = OVER
    before = history_rows()

    response = admin_client.post(admin_url(draft), data)

    assert response.status_code == 200
    assert "Text must be 100,000 characters or fewer (it has 100,001)" in (
        response.content.decode()
    )
    assert history_rows() == before


def test_the_admin_takes_a_field_of_exactly_the_limit(admin_client, draft):
    data = admin_form(admin_client, admin_url(draft))
    data["summary"] = AT_LIMIT
    data["sections-0-text"] = AT_LIMIT

    response = admin_client.post(admin_url(draft), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.summary == AT_LIMIT


def test_the_admin_refuses_a_record_over_the_limit_naming_its_largest_parts(admin_client, draft):
    data = admin_form(admin_client, admin_url(draft))
    data["summary"] = AT_LIMIT
    for index in range(4):
        data[f"sections-{index}-text"] = AT_LIMIT
    data["sections-4-text"] = "x" * 10
    before = history_rows()

    response = admin_client.post(admin_url(draft), data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "must have 500,000 or fewer" in content
    assert "Its largest parts are Background (100,0" in content
    assert history_rows() == before


def test_the_contract_admin_refuses_a_description_over_the_field_limit(admin_client):
    contract = ContractFactory()
    url = f"/admin/contracts/contract/{contract.pk}/change/"
    data = admin_form(admin_client, url)
    data["description"] = OVER

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Description must be 100,000 characters or fewer (it has 100,001)" in (
        response.content.decode()
    )
    contract.refresh_from_db()
    assert contract.description != OVER


def test_the_arrangement_admin_refuses_a_record_over_the_limit_with_its_parts(admin_client):
    arrangement = JointArrangementFactory()
    for _ in range(5):
        ArrangementRiskFactory(arrangement=arrangement, description="x" * 99_000)
    url = f"/admin/contracts/jointarrangement/{arrangement.pk}/change/"
    data = admin_form(admin_client, url)
    data["description"] = "x" * 10_000  # 505,000 and more in all

    response = admin_client.post(url, data)

    assert response.status_code == 200
    content = response.content.decode()
    assert "must have 500,000 or fewer" in content
    assert "Its largest parts are risks (495," in content
    arrangement.refresh_from_db()
    assert arrangement.description == ""

    data["description"] = "x" * 4_000  # 499,000 and the short fields
    assert admin_client.post(url, data).status_code == 302
