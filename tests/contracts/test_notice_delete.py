"""Deleting a notice of a contract or a procurement phase in the workspace: reached from where
the notices are listed, confirmed on its own page, kept in the history with who deleted it,
and refused to anyone who may not change records."""

import pytest
from django.urls import reverse

from contracts.models import Notice
from tests.factories import NoticeFactory, ProcurementPhaseFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


def delete_url(notice) -> str:
    return reverse("workspace:notice-delete", args=[notice.pk])


def test_officer_deletes_a_phases_notice_from_its_programme_page(client_for, officer):
    notice = NoticeFactory(contract=None, phase=ProcurementPhaseFactory(name="Phase 2"))
    programme_url = notice.phase.programme.get_absolute_url()
    client = client_for(officer)
    assert f'href="{delete_url(notice)}"' in client.get(programme_url).content.decode()
    confirm = client.get(delete_url(notice))
    assert "Delete this notice?" in confirm.content.decode()
    assert notice.identifier in confirm.content.decode()

    response = client.post(delete_url(notice), form_fields(confirm))

    assert response["Location"] == programme_url
    assert not Notice.objects.exists()
    deleted = Notice.history.get(id=notice.pk, history_type="-")
    assert deleted.history_user == officer
    # A second send of the same form (a double click) goes back with a message.
    again = client.post(delete_url(notice), form_fields(confirm), follow=True)
    assert again.redirect_chain[-1][0] == programme_url
    assert "already been deleted" in again.content.decode()


def test_a_contracts_deleted_notice_shows_in_the_contracts_history(client_for, officer):
    notice = NoticeFactory(identifier="2022/S 000-031247")
    client = client_for(officer)

    response = client.post(delete_url(notice), form_fields(client.get(delete_url(notice))))

    assert response["Location"] == notice.contract.get_absolute_url()
    page = client.get(notice.contract.get_absolute_url()).content.decode()
    assert "has been deleted" in page
    assert "No notice recorded." in page
    history = client.get(reverse("workspace:contract-history", args=[notice.contract.pk]))
    assert "Notice: 2022/S 000-031247" in history.content.decode()


def test_a_confirmation_opened_before_the_notice_changed_deletes_nothing(client_for, officer):
    notice = NoticeFactory()
    client = client_for(officer)
    data = form_fields(client.get(delete_url(notice)))
    notice.identifier = "2022/S 000-999999"
    notice._history_user = officer
    notice.save()

    response = client.post(delete_url(notice), data)

    assert response.status_code == 409
    assert Notice.objects.filter(pk=notice.pk).exists()


@pytest.mark.parametrize("persona", ["treasurer", "pcc"])
def test_staff_who_do_not_change_records_cannot_delete_a_notice(persona, request, client_for):
    notice = NoticeFactory()
    client = client_for(request.getfixturevalue(persona))

    assert client.get(delete_url(notice)).status_code == 403
    assert client.post(delete_url(notice), {}).status_code == 403
    assert (
        f'href="{delete_url(notice)}"'
        not in client.get(notice.contract.get_absolute_url()).content.decode()
    )
    assert Notice.objects.filter(pk=notice.pk).exists()


def test_the_public_is_sent_to_sign_in(client):
    notice = NoticeFactory()

    response = client.post(delete_url(notice), {})

    assert response.status_code == 302 and "/login" in response["Location"]
    assert Notice.objects.filter(pk=notice.pk).exists()
