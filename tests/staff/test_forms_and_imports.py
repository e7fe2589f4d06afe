"""Check your answers with a Change on each row, GOV.UK's file upload, and an import that
sums up the file before its rows, with its button above them as well as below."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DecisionTemplateFactory
from tests.importing.conftest import csv_file

pytestmark = pytest.mark.django_db

CONTRACTS_URL = "/workspace/import/contracts/"


def contract_row(number: int, **changes) -> dict:
    return {
        "Reference Number": f"C-{number:04}",
        "Title of Agreement": f"Service {number}",
        "Supplier Name": "Change Grow Live",
        "Start Date": "2022-04-01",
        "End Date": "2025-03-31",
        **changes,
    }


def check(client, rows: list[dict]):
    content = csv_file(rows).encode()
    upload = SimpleUploadedFile("contracts.csv", content, content_type="text/csv")
    return client.post(CONTRACTS_URL, {"action": "check", "file": upload})


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_checked_file_is_summed_up_before_its_rows_with_the_button_above_and_below(
    client_for, officer
):
    response = check(client_for(officer), [contract_row(n) for n in range(1, 31)])

    html = response.content.decode()
    assert "30 rows in contracts.csv: 30 new." in words(response)
    summary = html.index('id="file-summary"')
    table = html.index("What each row of contracts.csv will create")
    buttons = [m.start() for m in re.finditer(r'name="action" value="import"', html)]
    assert summary < table
    assert len(buttons) == 2
    assert buttons[0] < table < buttons[1]
    assert html.count('name="token"') == 1  # one form: either button imports the same file


def test_a_file_with_problems_counts_the_rows_that_have_them(client_for, officer):
    rows = [contract_row(n) for n in range(1, 11)]
    rows[3]["End Date"] = "not a date"
    rows[7]["Title of Agreement"] = ""

    response = check(client_for(officer), rows)

    assert "10 rows in contracts.csv: 8 new, 2 with problems." in words(response)
    assert "Nothing has been imported" in words(response)


def test_checking_a_file_says_so_while_it_is_checked(client_for, officer):
    html = client_for(officer).get(CONTRACTS_URL).content.decode()
    assert 'data-module="app-busy-form"' in html
    assert "Checking your file" in html
    assert 'role="status" data-busy-status' in html
    assert "js/busy.js" in html


def test_every_file_input_is_the_gov_uk_file_upload(client_for, officer, make_draft):
    client = client_for(officer)
    draft = make_draft()
    for url in (CONTRACTS_URL, f"/workspace/decisions/{draft.reference}/appendices/new/"):
        html = client.get(url).content.decode()
        inputs = re.findall(r'<input[^>]*type="file"[^>]*>', html)
        assert inputs, url
        assert html.count('<div class="govuk-drop-zone" data-module="govuk-file-upload"') == len(
            inputs
        ), url
        assert all("govuk-file-upload" in each for each in inputs), url


def test_check_your_answers_has_a_change_on_each_row(client_for, officer):
    form = DecisionTemplateFactory(reference_format="ORD-{number:04}")
    client = client_for(officer)
    url = f"/workspace/decisions/new/{form.pk}/"
    page = client.get(url).content.decode()
    reference = re.search(r'name="reference"[^>]*value="([^"]*)"', page)
    data = {
        "reference": reference.group(1) if reference else "ORD-0001",
        "title": "Extend the drugs and alcohol contracts",
        "decision_maker": "pcc",
        "check": "1",
    }
    check_page = client.post(url, data)
    html = check_page.content.decode()
    assert "Check your answers" in html
    rows = html.count('class="govuk-summary-list__row"')
    changes = re.findall(
        r'<button type="submit" name="change" value="([^"]+)" formaction="#\1"[^>]*>Change'
        r'<span class="govuk-visually-hidden"> ([^<]+)</span>',
        html,
    )
    assert rows and len(changes) == rows
    assert ("id_title", "title") in changes

    back = client.post(url, {**data, "change": "id_title"})
    assert 'value="Extend the drugs and alcohol contracts"' in back.content.decode()
    assert "Decision details" in back.content.decode()


def test_a_missing_column_is_not_counted_as_a_row(client_for, officer):
    rows = [{"Reference Number": f"C-{n}", "Supplier Name": "Change Grow Live"} for n in (1, 2)]
    response = check(client_for(officer), rows)

    assert "2 rows in contracts.csv: 2 new." in words(response)
    assert "Nothing has been imported" in words(response)


def test_a_file_without_records_has_no_summary(client_for, officer):
    content = b"Reference Number,Title of Agreement\n"
    upload = SimpleUploadedFile("contracts.csv", content, content_type="text/csv")
    response = client_for(officer).post(CONTRACTS_URL, {"action": "check", "file": upload})

    assert 'id="file-summary"' not in response.content.decode()
