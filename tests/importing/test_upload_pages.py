"""The workspace's import pages: check a file, see the plan, then import it."""

import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError

from commissioning.models import AuditEntry
from contracts.models import Contract, Provider
from decisions.models import Decision
from tests.factories import DecisionFactory, ProviderFactory
from tests.importing.conftest import DECISION_MODELS, EXAMPLES, counts, csv_file

pytestmark = pytest.mark.django_db

DECISIONS_URL = "/workspace/import/decisions/"
CONTRACTS_URL = "/workspace/import/contracts/"


def upload(client, url: str, name: str, content: bytes):
    return client.post(url, {"action": "check", "file": SimpleUploadedFile(name, content)})


def token_in(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode())[1]


@pytest.mark.parametrize("url", [DECISIONS_URL, CONTRACTS_URL])
@pytest.mark.parametrize("persona", ["officer", "administrator"])
def test_officers_and_administrators_may_import(request, client_for, url, persona):
    response = client_for(request.getfixturevalue(persona)).get(url)

    assert response.status_code == 200
    assert b"Check the file" in response.content


@pytest.mark.parametrize("url", [DECISIONS_URL, CONTRACTS_URL])
@pytest.mark.parametrize("persona", ["treasurer", "monitoring_officer", "chief_officer", "pcc"])
def test_other_staff_are_refused(request, client_for, url, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(url).status_code == 403
    response = upload(client, url, "decisions.csv", (EXAMPLES / "decisions.csv").read_bytes())
    assert response.status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize("url", [DECISIONS_URL, CONTRACTS_URL])
def test_member_of_the_public_is_sent_to_sign_in(member_of_public, url):
    response = member_of_public.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_checking_a_file_shows_each_row_and_writes_nothing(client_for, officer):
    before = counts(DECISION_MODELS)

    response = upload(
        client_for(officer),
        DECISIONS_URL,
        "decisions.csv",
        (EXAMPLES / "decisions.csv").read_bytes(),
    )

    page = response.content.decode()
    assert "What will be imported" in page
    assert "WPCC3-0058" in page and "WPCC3-0041" in page and "WPCC3-0060" in page
    assert "Import 3 decisions" in page
    assert counts(DECISION_MODELS) == before


def test_confirming_imports_the_checked_file_as_the_signed_in_officer(client_for, officer):
    client = client_for(officer)
    checked = upload(
        client, DECISIONS_URL, "decisions.json", (EXAMPLES / "decisions.json").read_bytes()
    )

    response = client.post(
        DECISIONS_URL, {"action": "import", "token": token_in(checked)}, follow=True
    )

    assert "3 decisions imported from decisions.json." in response.content.decode()
    decision = Decision.objects.get(reference="WPCC3-0058")
    first = decision.history.earliest()
    assert first.history_user == officer
    assert first.history_change_reason == "Imported from decisions.json"
    # The import as a whole is in the audit log: who brought which file in, and what it held.
    [entry] = AuditEntry.objects.filter(action__startswith="import.")
    assert (entry.action, entry.actor) == ("import.decisions", officer)
    assert entry.details["file"] == "decisions.json"
    assert entry.details["references"] == ["WPCC3-0058", "WPCC3-0041", "WPCC3-0060"]


def test_file_with_problems_lists_each_with_row_column_and_reason(client_for, officer):
    content = csv_file(
        [
            {"reference": "A-1", "title": "First", "decided_on": "31/02/2022"},
            {
                "reference": "A-1",
                "title": "Second",
                "section_1_heading": "Costs",
                "section_1_withheld": "yes",
            },
        ]
    ).encode()

    response = upload(client_for(officer), DECISIONS_URL, "decisions.csv", content)

    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#problem-1"' in page
    assert "Row 2, column decided_on: &#x27;31/02/2022&#x27; is not a date" in page
    assert "Row 3, column reference: A-1 is also in row 2 of this file." in page
    assert "section_1_exemption" in page
    assert 'value="import"' not in page
    assert not Decision.objects.exists()


def test_no_file_chosen_is_an_error_next_to_the_field(client_for, officer):
    response = client_for(officer).post(DECISIONS_URL, {"action": "check"})

    page = response.content.decode()
    assert 'href="#id_file"' in page
    assert "Choose a CSV or JSON file to check" in page
    assert "govuk-form-group--error" in page


def test_a_file_that_is_not_csv_or_json_is_refused(client_for, officer):
    response = upload(client_for(officer), DECISIONS_URL, "record.pdf", b"%PDF-1.7")

    assert "The file must be a CSV or JSON file" in response.content.decode()


def test_import_without_a_check_in_this_session_writes_nothing(client_for, officer):
    response = client_for(officer).post(
        DECISIONS_URL, {"action": "import", "token": "made-up"}, follow=True
    )

    assert "Upload the file again" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_check_cannot_be_imported_twice(client_for, officer):
    client = client_for(officer)
    token = token_in(
        upload(client, DECISIONS_URL, "decisions.csv", (EXAMPLES / "decisions.csv").read_bytes())
    )
    client.post(DECISIONS_URL, {"action": "import", "token": token})

    response = client.post(DECISIONS_URL, {"action": "import", "token": token}, follow=True)

    assert "Upload the file again" in response.content.decode()
    assert Decision.objects.count() == 3


def test_register_changed_since_the_check_shows_the_new_plan_instead_of_importing(
    client_for, officer, settings
):
    settings.OFFICE_NAME = "Office of the Police and Crime Commissioner for Warwickshire"
    client = client_for(officer)
    token = token_in(
        upload(client, CONTRACTS_URL, "contracts.csv", (EXAMPLES / "contracts.csv").read_bytes())
    )
    ProviderFactory(name="Compass", is_vcse=True)  # someone adds the provider meanwhile

    response = client.post(CONTRACTS_URL, {"action": "import", "token": token})

    page = response.content.decode()
    assert "The register changed after you checked this file" in page
    assert "Compass, in the register, matched by name" in page
    assert not Contract.objects.exists()
    client.post(CONTRACTS_URL, {"action": "import", "token": token_in(response)})
    assert Contract.objects.count() == 2
    assert Provider.objects.filter(name="Compass").count() == 1


def test_file_that_became_invalid_since_the_check_is_not_imported(client_for, officer):
    client = client_for(officer)
    token = token_in(
        upload(client, DECISIONS_URL, "decisions.csv", (EXAMPLES / "decisions.csv").read_bytes())
    )
    DecisionFactory(reference="WPCC3-0041")

    response = client.post(DECISIONS_URL, {"action": "import", "token": token})

    assert "WPCC3-0041 is already in the register." in response.content.decode()
    assert Decision.objects.count() == 1


def store_then_fail(error):
    """An import's `store` that writes everything and then meets `error`, as when the
    database goes away, or refuses a row, before the import commits."""
    from decisions.importing import DecisionImport

    real_store = DecisionImport.store

    def store(self, by):
        real_store(self, by)
        raise error

    return mock.patch.object(DecisionImport, "store", store)


def test_an_import_cut_off_by_the_database_answers_503_and_can_be_confirmed_again(
    client_for, officer
):
    """Losing the database is not the register refusing the file: the page says to try again
    shortly (503), nothing is written, and the same check is imported once it is back."""
    client = client_for(officer)
    token = token_in(
        upload(client, DECISIONS_URL, "decisions.csv", (EXAMPLES / "decisions.csv").read_bytes())
    )
    before = counts(DECISION_MODELS)

    with store_then_fail(OperationalError("server closed the connection unexpectedly")):
        response = client.post(DECISIONS_URL, {"action": "import", "token": token})

    assert response.status_code == 503
    assert "refused" not in response.content.decode()
    assert counts(DECISION_MODELS) == before
    assert not AuditEntry.objects.filter(action__startswith="import.").exists()
    again = client.post(DECISIONS_URL, {"action": "import", "token": token}, follow=True)
    assert "3 decisions imported from decisions.csv." in again.content.decode()
    assert Decision.objects.count() == 3


def test_a_row_the_database_refuses_is_reported_and_nothing_is_imported(client_for, officer):
    client = client_for(officer)
    token = token_in(
        upload(client, DECISIONS_URL, "decisions.csv", (EXAMPLES / "decisions.csv").read_bytes())
    )

    with store_then_fail(IntegrityError("duplicate key value violates unique constraint")):
        response = client.post(DECISIONS_URL, {"action": "import", "token": token})

    assert response.status_code == 200
    assert (
        "Nothing was imported: the register refused it "
        "(duplicate key value violates unique constraint)."
    ) in response.content.decode()
    assert not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="import.").exists()
