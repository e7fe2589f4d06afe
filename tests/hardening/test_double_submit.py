"""A create form sent twice (a double click, a refresh, Back and send again) creates one record.

Each create form carries a one-time token (commissioning/once.py). The second copy of a form
that was saved takes the user to what the first created; a form refused with errors can be
corrected and sent again with the same token; two forms drawn separately create two records.
"""

import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from commissioning.models import SubmissionToken
from commissioning.once import ALREADY_SENT_MESSAGE, FIELD_NAME, SubmitOnceMiddleware
from commissioning.roles import Role
from contracts.models import ArrangementRisk, Contract, Provider
from decisions.models import Appendix, Decision
from tests.factories import (
    ContractFactory,
    DecisionTemplateFactory,
    JointArrangementFactory,
    ProviderFactory,
    StartedDecisionFactory,
    UserFactory,
)
from tests.importing.conftest import EXAMPLES
from tests.workspace.conftest import form_fields

D = datetime.date
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def editor(client_for, officer):
    return client_for(officer)


def drawn(client, url) -> dict:
    """The form as the page draws it, with its token."""
    data = form_fields(client.get(url))
    assert data.get(FIELD_NAME), f"{url} draws its form without a submission token"
    return data


def already_sent_message(response) -> bool:
    return ALREADY_SENT_MESSAGE in [str(each) for each in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_provider_form_sent_twice_adds_one_provider_with_one_history_row(editor, officer):
    url = reverse("workspace:provider-create")
    data = {**drawn(editor, url), "name": "Compass"}

    first = editor.post(url, data)
    second = editor.post(url, data)

    provider = Provider.objects.get()
    assert provider.history.count() == 1
    assert provider.history.get().history_user == officer
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == provider.get_absolute_url()
    assert already_sent_message(second)
    page = editor.get(second["Location"])
    assert "This form was already sent" in page.content.decode()


@pytest.mark.django_db
def test_a_contract_form_sent_twice_adds_one_contract_and_its_commissioners_once(editor):
    provider = ProviderFactory(name="Compass")
    url = reverse("workspace:contract-create")
    data = drawn(editor, url)
    data.update(
        {
            "reference": "WOPCC-DA-YOUTH-2018",
            "title": "Young people's drugs and alcohol service",
            "provider": provider.pk,
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2018",
            "ends_on_day": "31",
            "ends_on_month": "3",
            "ends_on_year": "2023",
            "total_value": "450000",
            "extension_options_remaining": "0",
            "status": "active",
            "commissioners-0-body": "",
            "commissioners-0-role": "lead",
            "commissioners-0-share": "100",
        }
    )

    first = editor.post(url, data)
    second = editor.post(url, data)

    contract = Contract.objects.get()
    assert contract.history.count() == 1
    assert contract.commissioners.count() == 1
    # Not the form's "this reference is already on the register" error: the first contract.
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == contract.get_absolute_url()


@pytest.mark.django_db
def test_a_new_decision_confirmed_twice_opens_one_draft(editor):
    template = DecisionTemplateFactory(reference_format="EXE{number:04}/{yy}")
    url = reverse("workspace:decision-create-details", args=[template.pk])
    details = {
        **drawn(editor, url),
        "reference": "EXE0001/22",
        "title": "Extension of the substance misuse contracts",
        "decision_maker": "pcc",
    }
    check_page = editor.post(url, {**details, "check": "1"})
    # "Check your answers" carries the token drawn with the details form.
    confirmed = {**form_fields(check_page), "confirm": "1"}
    assert confirmed[FIELD_NAME] == details[FIELD_NAME]

    first = editor.post(url, confirmed)
    second = editor.post(url, confirmed)

    decision = Decision.objects.get()
    assert decision.history.filter(history_type="+").count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert second["Location"] == reverse("workspace:decision-edit", args=[decision.reference])
    assert already_sent_message(second)


@pytest.mark.django_db
def test_an_extension_sent_twice_is_recorded_once(editor):
    contract = ContractFactory(ends_on=D(2023, 3, 31), extension_options_remaining=0)
    url = reverse("workspace:contract-extend", args=[contract.pk])
    data = drawn(editor, url)
    data.update(
        {
            "kind": "extension",
            "new_end_day": "31",
            "new_end_month": "3",
            "new_end_year": "2024",
            "reason": "Twelve months to align with the county council's contracts.",
            "basis": "exemption",
        }
    )

    first = editor.post(url, data)
    second = editor.post(url, data)

    contract.refresh_from_db()
    assert contract.extensions.count() == 1
    assert contract.ends_on == D(2024, 3, 31)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == contract.get_absolute_url()


@pytest.mark.django_db
def test_an_appendix_sent_twice_is_added_once(editor, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = StartedDecisionFactory(author=officer)
    url = reverse("workspace:decision-appendix-create", args=[draft.reference])
    token = drawn(editor, url)[FIELD_NAME]

    def send():
        return editor.post(
            url,
            {
                FIELD_NAME: token,
                "title": "Evaluation summary",
                "file": SimpleUploadedFile("report.pdf", PDF),
            },
        )

    first = send()
    second = send()

    assert Appendix.objects.filter(decision=draft).count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.mark.django_db
def test_an_import_confirmed_twice_imports_once(editor):
    url = reverse("workspace:import-contracts")
    content = (EXAMPLES / "contracts.csv").read_bytes()
    check_page = editor.post(
        url, {"action": "check", "file": SimpleUploadedFile("contracts.csv", content)}
    )
    confirmed = {**form_fields(check_page), "action": "import"}
    assert confirmed.get(FIELD_NAME)

    first = editor.post(url, confirmed)
    imported = Contract.objects.count()
    second = editor.post(url, confirmed)

    assert imported > 0
    assert Contract.objects.count() == imported
    assert first.status_code == second.status_code == 302
    assert already_sent_message(second)


@pytest.mark.django_db
def test_a_form_with_errors_can_be_corrected_and_sent_again_with_the_same_token(editor):
    url = reverse("workspace:provider-create")
    data = drawn(editor, url)

    refused = editor.post(url, {**data, "name": ""})
    corrected = editor.post(url, {**data, "name": "Compass"})

    assert refused.status_code == 200
    assert "Enter" in refused.content.decode()
    assert corrected.status_code == 302
    assert Provider.objects.get().name == "Compass"
    assert not already_sent_message(corrected)


@pytest.mark.django_db
def test_a_copy_refused_because_the_first_was_saved_meanwhile_is_taken_to_it(editor, monkeypatch):
    """The double click where the first copy commits after the second's look-up but before
    the second's form is checked: the second's form fails the unique name, and the user is
    taken to what the first created instead of being shown that error."""
    # The second copy's look-up ran before the first committed: it found nothing. (Patched
    # before the client's first request, when its handler binds the middleware's methods.)
    monkeypatch.setattr(SubmitOnceMiddleware, "process_view", lambda *args: None)
    url = reverse("workspace:provider-create")
    data = {**drawn(editor, url), "name": "Compass"}
    first = editor.post(url, data)

    second = editor.post(url, data)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == Provider.objects.get().get_absolute_url()
    assert already_sent_message(second)


@pytest.mark.django_db
def test_a_name_already_taken_by_another_form_is_still_an_error(editor):
    """A form shown again with errors whose own token was never stored stays as it is."""
    ProviderFactory(name="Compass")
    url = reverse("workspace:provider-create")

    refused = editor.post(url, {**drawn(editor, url), "name": "Compass"})

    assert refused.status_code == 200
    assert "A provider with this name is already on the register" in refused.content.decode()
    assert Provider.objects.count() == 1


@pytest.mark.django_db
def test_two_forms_drawn_separately_add_two_records(editor):
    arrangement = JointArrangementFactory()
    url = reverse("workspace:risk-create", args=[arrangement.pk])
    values = {
        "description": "The county council may withdraw its share",
        "likelihood": "high",
        "impact": "high",
    }

    for _ in range(2):
        response = editor.post(url, {**drawn(editor, url), **values})
        assert response.status_code == 302

    assert ArrangementRisk.objects.filter(arrangement=arrangement).count() == 2
    assert SubmissionToken.objects.count() == 2


@pytest.mark.django_db
def test_a_form_posted_without_a_token_is_saved_as_before(editor):
    """Scripts and older pages post no token: nothing to match, so each post is saved."""
    url = reverse("workspace:provider-create")

    response = editor.post(url, {"name": "Compass"})

    assert response.status_code == 302
    assert Provider.objects.filter(name="Compass").exists()
    assert not SubmissionToken.objects.exists()


@pytest.mark.django_db
def test_someone_elses_token_is_refused_without_saying_where_it_went(editor, client_for):
    url = reverse("workspace:provider-create")
    data = {**drawn(editor, url), "name": "Compass"}
    editor.post(url, data)
    other = client_for(UserFactory(username="other-officer", roles=[Role.OFFICER]))

    response = other.post(url, {**data, "name": "Compass Two"})

    assert response.status_code == 409
    content = response.content.decode()
    assert "This form has already been sent" in content
    assert Provider.objects.get().get_absolute_url() not in content
    assert not Provider.objects.filter(name="Compass Two").exists()


# -- two copies at the same moment -----------------------------------------------------------


def risk_form(trial: int) -> tuple[str, dict, object]:
    """A risk: nothing unique about it, so only the token tells two copies apart."""
    arrangement = JointArrangementFactory()
    description = f"Risk {trial}"
    return (
        reverse("workspace:risk-create", args=[arrangement.pk]),
        {"description": description, "likelihood": "high", "impact": "high"},
        ArrangementRisk.objects.filter(arrangement=arrangement, description=description),
    )


def provider_form(trial: int) -> tuple[str, dict, object]:
    """A provider: its name is unique, so a second copy that got as far as writing its row
    would trip over that rule instead of being taken to the first."""
    name = f"Provider {trial}"
    return (
        reverse("workspace:provider-create"),
        {"name": name},
        Provider.objects.filter(name=name),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("make_form", [risk_form, provider_form])
def test_two_copies_sent_at_the_same_moment_add_one_record(make_form):
    """Both copies pass the look-up before either is saved: the unique token decides.

    On PostgreSQL the second insert of the token waits for the first transaction and then
    fails, before the second has written anything. Repeated, because which copy wins varies.
    """
    if connection.vendor != "postgresql":
        pytest.skip(
            "Needs PostgreSQL: SQLite serialises whole-database writes, so two saves cannot "
            "overlap on it. Run with DATABASE_URL=postgres://..."
        )
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(officer)
        clients.append(client)
    for trial in range(5):
        url, values, saved = make_form(trial)
        data = {**drawn(clients[0], url), **values}
        barrier = threading.Barrier(2)
        answers: list = [None, None]

        def send(index, url=url, data=data, barrier=barrier, answers=answers):
            try:
                barrier.wait(timeout=10)
                answers[index] = clients[index].post(url, data)
            except Exception as error:  # noqa: BLE001 - reported by the assertions below
                answers[index] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send, args=(index,)) for index in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert [getattr(each, "status_code", each) for each in answers] == [302, 302], trial
        assert answers[0]["Location"] == answers[1]["Location"]
        assert saved.count() == 1, trial
        assert saved.get().history.count() == 1


# -- every create form carries a token -------------------------------------------------------


CREATE_PAGES = [
    ("workspace:provider-create", None),
    ("workspace:partner-create", None),
    ("workspace:programme-create", None),
    ("workspace:arrangement-create", None),
    ("workspace:contract-create", None),
    ("workspace:phase-create", "programme"),
    ("workspace:lot-create", "phase"),
    ("workspace:arrangement-partner-create", "arrangement"),
    ("workspace:position-create", "arrangement_partner"),
    ("workspace:risk-create", "arrangement"),
    ("workspace:ask-create", "arrangement"),
    ("workspace:contract-extend", "contract"),
    ("workspace:decision-appendix-create", "draft"),
    ("workspace:decision-create-details", "template"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "parent"), CREATE_PAGES)
def test_every_create_form_carries_a_submission_token(editor, officer, name, parent):
    from tests.factories import (
        ArrangementPartnerFactory,
        LotFactory,
        ProcurementPhaseFactory,
        ProgrammeFactory,
    )

    parents = {
        "programme": lambda: ProgrammeFactory().pk,
        "phase": lambda: ProcurementPhaseFactory(programme=ProgrammeFactory()).pk,
        "arrangement": lambda: JointArrangementFactory().pk,
        "arrangement_partner": lambda: ArrangementPartnerFactory().pk,
        "contract": lambda: ContractFactory(lot=LotFactory()).pk,
        "draft": lambda: StartedDecisionFactory(author=officer).reference,
        "template": lambda: DecisionTemplateFactory().pk,
    }
    url = reverse(name, args=[parents[parent]()] if parent else [])

    first, second = drawn(editor, url)[FIELD_NAME], drawn(editor, url)[FIELD_NAME]

    assert first != second
