"""A form opened before someone else changed the record cannot overwrite their change."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    CommissionerFactory,
    ContractFactory,
    ProviderFactory,
    StartedDecisionFactory,
    UserFactory,
)
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    from commissioning.roles import Role

    return UserFactory(
        username="colleague", first_name="Sara", last_name="Ansell", roles=[Role.OFFICER]
    )


def save_as(instance, user, **changes):
    for name, value in changes.items():
        setattr(instance, name, value)
    instance._history_user = user
    instance.save()


def test_decision_edit_is_refused_when_the_record_changed_since_the_form_opened(
    client_for, officer, colleague
):
    draft = StartedDecisionFactory(author=officer, title="Interim extension")
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    save_as(draft, colleague, title="Interim extension of two contracts")

    data["title"] = "My new title"
    response = client.post(url, data)

    content = response.content.decode()
    assert response.status_code == 409
    assert "Your changes have not been saved" in content
    assert "Someone else changed this record" in content
    assert "by you" not in content
    assert "Sara Ansell" in content
    assert "Interim extension of two contracts" in content
    draft.refresh_from_db()
    assert draft.title == "Interim extension of two contracts"


def test_a_form_overtaken_by_your_own_save_says_the_change_was_yours(client_for, officer):
    """The same form sent twice (from two tabs, or again after an answer that never came):
    the second send is refused, and the page does not blame a colleague."""
    draft = StartedDecisionFactory(author=officer, title="Interim extension")
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    first = client.post(url, {**data, "title": "Interim extension, first tab"})

    response = client.post(url, {**data, "title": "Interim extension, second tab"})

    content = response.content.decode()
    assert first.status_code == 302
    assert response.status_code == 409
    assert "Your changes have not been saved" in content
    assert "changed after you opened the form, by you" in content
    assert "Someone else" not in content
    draft.refresh_from_db()
    assert draft.title == "Interim extension, first tab"


def test_changes_by_you_and_a_colleague_are_put_down_to_someone_else(
    client_for, officer, colleague
):
    draft = StartedDecisionFactory(author=officer, title="Interim extension")
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    client.post(url, {**data, "title": "Interim extension, first tab"})
    save_as(draft, colleague, title="Interim extension, colleague")

    response = client.post(url, {**data, "title": "Interim extension, second tab"})

    content = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this record" in content
    assert "by you" not in content


def test_a_colleagues_section_change_is_shown_and_kept(client_for, officer, colleague):
    draft = StartedDecisionFactory(author=officer)
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    section = draft.sections.first()
    save_as(section, colleague, text="Written by my colleague.")

    data["sections-0-text"] = "Written by me."
    response = client.post(url, data)

    content = response.content.decode()
    assert response.status_code == 409
    assert f"Section 1: {section.heading}" in content
    assert "Written by my colleague." in content
    section.refresh_from_db()
    assert section.text == "Written by my colleague."


def test_saving_again_after_seeing_the_changes_is_a_deliberate_overwrite(
    client_for, officer, colleague
):
    draft = StartedDecisionFactory(author=officer)
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    save_as(draft, colleague, title="Their title")
    data["title"] = "My title"

    refused = client.post(url, data)
    data["version"] = refused.context["version_token"]
    saved = client.post(url, data)

    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "My title"


def test_a_form_without_a_version_is_refused(client_for, officer):
    draft = StartedDecisionFactory(author=officer, title="Interim extension")
    client = client_for(officer)
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    del data["version"]
    data["title"] = "Changed"

    response = client.post(url, data)

    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.title == "Interim extension"


def test_contract_edit_is_refused_when_a_commissioner_changed(client_for, officer, colleague):
    contract = ContractFactory()
    commissioner = CommissionerFactory(contract=contract, share=50)
    client = client_for(officer)
    url = reverse("workspace:contract-edit", args=[contract.pk])
    data = form_fields(client.get(url))
    save_as(commissioner, colleague, share=60)

    data["title"] = "Renamed service"
    response = client.post(url, data)

    assert response.status_code == 409
    assert "Commissioner" in response.content.decode()
    contract.refresh_from_db()
    assert contract.title != "Renamed service"


def test_provider_edit_is_refused_when_the_provider_changed(client_for, officer, colleague):
    provider = ProviderFactory(name="Compass")
    client = client_for(officer)
    url = reverse("workspace:provider-edit", args=[provider.pk])
    data = form_fields(client.get(url))
    save_as(provider, colleague, name="Compass (CGL)")

    data["name"] = "Compass Services"
    response = client.post(url, data)

    content = response.content.decode()
    assert response.status_code == 409
    assert "Compass (CGL)" in content
    provider.refresh_from_db()
    assert provider.name == "Compass (CGL)"


def test_an_extension_form_opened_before_another_extension_is_refused(
    client_for, officer, colleague
):
    contract = ContractFactory(ends_on=datetime.date(2023, 3, 31))
    client = client_for(officer)
    url = reverse("workspace:contract-extend", args=[contract.pk])
    data = form_fields(client.get(url))
    contract.extend(
        new_end=datetime.date(2024, 3, 31),
        reason="Interim",
        basis="exemption",
        by=colleague,
    )

    data.update(
        {
            "kind": "extension",
            "new_end_day": "30",
            "new_end_month": "9",
            "new_end_year": "2023",
            "reason": "Six months",
            "basis": "exemption",
        }
    )
    response = client.post(url, data)

    assert response.status_code == 409
    contract.refresh_from_db()
    assert contract.ends_on == datetime.date(2024, 3, 31)
    assert contract.extensions.count() == 1
