"""The workspace's delegation pages (issue 23): every member of staff reads the delegations,
reached from the dashboard; those given the permission (administrators, or people an
administrator names) record a delegation and end one, by clicking, each change in the history
with its user. Nobody else can, whatever they send."""

import datetime

import pytest
from django.urls import reverse

from decisions.models import Delegation
from decisions.workflow import today
from tests.conftest import give_permission
from tests.factories import DecisionCategoryFactory, DelegationFactory
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

LIST = "/workspace/delegations/"


def day(prefix: str, value: datetime.date) -> dict:
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


@pytest.fixture
def manager(officer):
    """An officer an administrator has given both permissions."""
    give_permission(officer, "decisions.add_delegation")
    return give_permission(officer, "decisions.change_delegation")


def test_the_urls_are_where_the_pages_say():
    assert reverse("workspace:delegation-list") == LIST


@pytest.mark.parametrize(
    ("persona", "list_answer", "change_answer"),
    [
        ("officer", 200, 403),
        ("treasurer", 200, 403),
        ("pcc", 200, 403),
        ("administrator", 200, 200),
        ("manager", 200, 200),
    ],
)
def test_who_may_read_record_and_end_delegations(
    persona, list_answer, change_answer, request, client_for
):
    delegation = DelegationFactory()
    client = client_for(request.getfixturevalue(persona))
    end_url = reverse("workspace:delegation-end", args=[delegation.pk])
    create_url = reverse("workspace:delegation-create")

    listed = client.get(LIST)
    assert listed.status_code == list_answer
    assert client.get(create_url).status_code == change_answer
    assert client.get(end_url).status_code == change_answer
    assert (f'href="{end_url}"' in listed.content.decode()) == (change_answer == 200)
    if change_answer == 403:
        assert client.post(create_url, {"delegate_name": "X"}).status_code == 403
        assert client.post(end_url, day("ends_on", today())).status_code == 403
        assert Delegation.objects.get().ends_on is None
        assert Delegation.objects.count() == 1


def test_the_public_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_delegation_is_recorded_by_clicking_from_the_dashboard(client_for, manager):
    grants = DecisionCategoryFactory(name="Grants")
    client = client_for(manager)
    dashboard = client.get("/workspace/").content.decode()
    assert f'href="{LIST}"' in dashboard
    create_url = reverse("workspace:delegation-create")
    assert f'href="{create_url}"' in client.get(LIST).content.decode()
    data = form_fields(client.get(create_url))
    data.update(
        {
            "delegate_name": "Elizabeth Hall",
            "delegate_role": "Chief Finance Officer",
            "instrument": "Scheme of consent and delegation, paragraph 4.2",
            "scope": "Grants up to the value limit.",
            "officers_consulted": "Chief Executive and Monitoring Officer",
            "categories": [str(grants.pk)],
            "value_limit": "50000",
            **day("starts_on", datetime.date(2019, 5, 13)),
        }
    )

    response = client.post(create_url, data)

    assert response["Location"] == LIST
    delegation = Delegation.objects.get()
    assert delegation.starts_on == datetime.date(2019, 5, 13)
    assert delegation.delegate is None  # a delegate without an account
    assert list(delegation.categories.all()) == [grants]
    assert {row.history_user for row in delegation.history.all()} == {manager}
    page = client.get(LIST).content.decode()
    assert "Elizabeth Hall, Chief Finance Officer" in page
    assert "13 May 2019" in page and "£50,000.00" in page


def test_a_wrong_answer_is_shown_next_to_its_field_and_nothing_is_recorded(client_for, manager):
    client = client_for(manager)
    create_url = reverse("workspace:delegation-create")
    data = form_fields(client.get(create_url))
    data.update(
        {
            "delegate_name": "Elizabeth Hall",
            "instrument": "Letter of delegation",
            "scope": "Grants.",
            **day("starts_on", datetime.date(2020, 4, 1)),
            **day("ends_on", datetime.date(2019, 4, 1)),
        }
    )

    response = client.post(create_url, data)

    assert response.status_code == 200
    assert "A delegation must end on or after the day it starts." in response.content.decode()
    assert not Delegation.objects.exists()


def test_ending_a_delegation_keeps_the_day_and_who_ended_it(client_for, manager):
    delegation = DelegationFactory(starts_on=datetime.date(2021, 5, 13))
    client = client_for(manager)
    end_url = reverse("workspace:delegation-end", args=[delegation.pk])
    data = form_fields(client.get(end_url))
    data.update(day("ends_on", datetime.date(2024, 3, 31)))

    response = client.post(end_url, data)

    assert response["Location"] == LIST
    delegation.refresh_from_db()
    assert delegation.ends_on == datetime.date(2024, 3, 31)
    assert delegation.history.first().history_user == manager
    page = client.get(LIST).content.decode()
    assert "31 March 2024" in page and "Ended" in page
    assert f'href="{end_url}"' not in page  # an ended delegation is not ended again


def test_ending_before_it_took_effect_is_refused_next_to_the_field(client_for, manager):
    delegation = DelegationFactory(starts_on=datetime.date(2021, 5, 13))
    client = client_for(manager)
    end_url = reverse("workspace:delegation-end", args=[delegation.pk])
    data = form_fields(client.get(end_url))
    data.update(day("ends_on", datetime.date(2021, 5, 12)))

    response = client.post(end_url, data)

    assert "cannot end before it took effect, 13 May 2021" in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.ends_on is None


def test_a_stale_end_is_refused(client_for, manager):
    delegation = DelegationFactory()
    client = client_for(manager)
    end_url = reverse("workspace:delegation-end", args=[delegation.pk])
    data = form_fields(client.get(end_url))
    delegation.scope = "Changed meanwhile."
    delegation._history_user = manager
    delegation.save()

    response = client.post(end_url, data)

    assert response.status_code == 409
    delegation.refresh_from_db()
    assert delegation.ends_on is None
