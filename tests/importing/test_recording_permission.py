"""Recording decisions already taken is a permission, and such records say where they came from.

An import writes decisions as decided, signed and perhaps published, with no sign-off in the
register. Before, any officer could put on the public register a record shown as signed by
the Commissioner. Now the decisions import is for administrators and the officers they give
the permission "record decisions already taken"; and every public surface says of such a
record that it was recorded from the office's signed record.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from commissioning.roles import Role
from decisions.models import Decision
from decisions.publication import RECORDED_FROM_SIGNED_RECORD
from tests.conftest import give_permission
from tests.factories import DecisionFactory, UserFactory
from tests.importing.conftest import EXAMPLES

pytestmark = pytest.mark.django_db

DECISIONS_URL = "/workspace/import/decisions/"
CONTRACTS_URL = "/workspace/import/contracts/"
WORDS = "Recorded from the office's signed record; the signed copy is held by the office."


@pytest.fixture
def plain_officer(db):
    """An officer nobody has given the permission."""
    return UserFactory(username="plain-officer", roles=[Role.OFFICER])


def test_the_words_are_the_ones_every_surface_uses():
    assert RECORDED_FROM_SIGNED_RECORD == WORDS


def test_an_officer_without_the_permission_cannot_import_decisions(client_for, plain_officer):
    client = client_for(plain_officer)
    example = (EXAMPLES / "decisions.json").read_bytes()

    page = client.get(DECISIONS_URL)
    sent = client.post(
        DECISIONS_URL,
        {"action": "check", "file": SimpleUploadedFile("decisions.json", example)},
    )

    assert page.status_code == 403
    assert sent.status_code == 403
    assert not Decision.objects.exists()


def test_the_same_officer_still_imports_contracts(client_for, plain_officer):
    assert client_for(plain_officer).get(CONTRACTS_URL).status_code == 200


def test_an_officer_given_the_permission_may_import_decisions(client_for, plain_officer):
    officer = give_permission(plain_officer, "decisions.record_decided")

    assert client_for(officer).get(DECISIONS_URL).status_code == 200


def test_administrators_hold_the_permission(client_for, administrator):
    assert client_for(administrator).get(DECISIONS_URL).status_code == 200


def test_the_decision_list_offers_the_import_only_to_those_who_may(client_for, plain_officer):
    url = reverse("workspace:decision-list")
    without = client_for(plain_officer).get(url).content.decode()
    holder = give_permission(
        UserFactory(username="recording-officer", roles=[Role.OFFICER]),
        "decisions.record_decided",
    )
    with_it = client_for(holder).get(url).content.decode()

    assert DECISIONS_URL not in without
    assert DECISIONS_URL in with_it


@pytest.fixture
def imported(run):
    run("import_decisions", EXAMPLES / "decisions.json")
    return Decision.objects.get(reference="WPCC3-0041")


def test_an_imported_record_says_so_on_its_public_page_and_pdf(imported, member_of_public):
    assert imported.status == Decision.Status.PUBLISHED
    assert imported.recorded_from_signed_record

    page = member_of_public.get(f"/decisions/{imported.reference}/").content.decode()
    pdf = member_of_public.get(f"/decisions/{imported.reference}.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)

    assert WORDS.replace("'", "&#x27;") in page
    assert " ".join(WORDS.split()) in " ".join(text.replace("’", "'").split())


def test_a_decision_signed_in_the_register_does_not_say_so(member_of_public):
    signed_here = DecisionFactory(status=Decision.Status.PUBLISHED, summary="Agreed.")
    page = member_of_public.get(f"/decisions/{signed_here.reference}/")

    assert page.status_code == 200
    assert not signed_here.recorded_from_signed_record
    assert "signed copy is held by the office" not in page.content.decode()
