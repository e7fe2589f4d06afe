"""The pages of what a decision is made of beyond its sections, reached from its page: the
providers it concerns directly with their roles, its grants and awards (a round of grants
recorded as a whole among them), and links to decisions the register does not hold."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from decisions.models import Award, Decision, DecisionLink, DecisionProvider, DecisionStatus
from tests.factories import (
    AwardFactory,
    ContractFactory,
    DecisionFactory,
    DecisionProviderFactory,
    DelegationFactory,
    ProviderFactory,
    StartedDecisionFactory,
)
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    return StartedDecisionFactory(author=officer, reference="WPCC3-0071")


def page(client, draft, name):
    """The page, reached by its link on the decision's page."""
    detail = client.get(reverse("workspace:decision-detail", args=[draft.reference]))
    url = reverse(f"workspace:decision-{name}", args=[draft.reference])
    assert f'href="{url}"' in detail.content.decode()
    return url, client.get(url)


def test_an_officer_links_a_preferred_bidder_from_the_decision_page(client_for, officer, draft):
    provider = ProviderFactory(name="Change Grow Live")
    client = client_for(officer)
    url, opened = page(client, draft, "providers")
    data = form_fields(opened)
    data.update({"rows-0-provider": str(provider.pk), "rows-0-role": "preferred_bidder"})

    response = client.post(url, data)

    assert response.status_code == 302
    link = DecisionProvider.objects.get(decision=draft)
    assert (link.provider, link.role) == (provider, "preferred_bidder")
    assert link.history.get().history_user == officer
    detail = client.get(response["Location"]).content.decode()
    assert "Change Grow Live</a>: preferred bidder" in detail


def test_another_role_must_be_named_next_to_the_field_and_nothing_is_saved(
    client_for, officer, draft
):
    provider = ProviderFactory()
    client = client_for(officer)
    url, opened = page(client, draft, "providers")
    data = form_fields(opened)
    data.update({"rows-0-provider": str(provider.pk), "rows-0-role": "other"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Say what the provider&#x27;s role is." in response.content.decode()
    assert not DecisionProvider.objects.exists()


def test_a_round_of_grants_is_recorded_without_a_recipient(client_for, officer, draft):
    client = client_for(officer)
    url, opened = page(client, draft, "awards")
    data = form_fields(opened)
    data.update(
        {
            "rows-0-purpose": "Community safety fund 2023",
            "rows-0-amount": "84000.00",
            "rows-0-applications": "12",
            "rows-0-funded": "8",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    award = Award.objects.get(decision=draft)
    assert (award.recipient, award.applications, award.funded) == ("", 12, 8)
    assert award.amount == Decimal("84000.00")
    detail = client.get(response["Location"]).content.decode()
    assert "A round of grants: 12 applications, 8 funded" in detail


def test_an_award_with_neither_recipient_nor_applications_is_refused(client_for, officer, draft):
    client = client_for(officer)
    url, opened = page(client, draft, "awards")
    data = form_fields(opened)
    data.update({"rows-0-amount": "500.00"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Name the recipient, or for a round of grants" in response.content.decode()
    assert not Award.objects.exists()


def test_an_award_changed_by_someone_else_meanwhile_is_not_overwritten(client_for, officer, draft):
    award = AwardFactory(decision=draft, recipient="Recovery cafe")
    client = client_for(officer)
    url, opened = page(client, draft, "awards")
    data = form_fields(opened)
    award.recipient = "Recovery cafe (Leamington)"
    award.save()

    data["rows-0-recipient"] = "Mine"
    response = client.post(url, data)

    assert response.status_code == 409
    award.refresh_from_db()
    assert award.recipient == "Recovery cafe (Leamington)"


def test_a_link_outside_the_register_keeps_what_was_given(client_for, officer, draft):
    client = client_for(officer)
    url, opened = page(client, draft, "outside-links")
    data = form_fields(opened)
    data.update(
        {
            "rows-0-kind": "follows",
            "rows-0-to_reference": "33/16",
            "rows-0-to_title": "Victim services grant 2016",
            "rows-0-to_date_day": "1",
            "rows-0-to_date_month": "7",
            "rows-0-to_date_year": "2016",
            "rows-0-to_url": "https://www.example.gov.uk/decisions/33-16.pdf",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()
    link = DecisionLink.objects.get(from_decision=draft)
    assert link.to_decision is None
    assert (link.to_reference, link.to_title, link.to_date) == (
        "33/16",
        "Victim services grant 2016",
        datetime.date(2016, 7, 1),
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Victim services grant 2016" in detail


def test_a_link_given_by_a_reference_the_register_holds_goes_to_its_record(
    client_for, officer, draft
):
    older = DecisionFactory(reference="WPCC3-0031")
    client = client_for(officer)
    url, opened = page(client, draft, "outside-links")
    data = form_fields(opened)
    data.update({"rows-0-kind": "follows", "rows-0-to_reference": "WPCC3-0031"})

    assert client.post(url, data).status_code == 302

    assert DecisionLink.objects.get(from_decision=draft).to_decision == older


def test_a_link_made_before_the_register_held_the_decision_resolves_when_it_is_added(
    officer, draft
):
    link = DecisionLink.objects.create(from_decision=draft, kind="follows", to_reference="33/16")

    arrived = DecisionFactory(reference="33/16")

    link.refresh_from_db()
    assert link.to_decision == arrived


@pytest.mark.parametrize("name", ["providers", "awards", "outside-links"])
def test_a_decided_record_is_not_changed_on_these_pages(client_for, officer, name):
    decided = DecisionFactory(status=DecisionStatus.APPROVED, author=officer)
    url = reverse(f"workspace:decision-{name}", args=[decided.reference])

    response = client_for(officer).post(url, {})

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:decision-detail", args=[decided.reference])


def test_decisions_linked_to_a_provider_come_through_contracts_awards_and_direct_links():
    provider = ProviderFactory()
    by_contract, by_award, direct, unrelated = DecisionFactory.create_batch(4)
    by_contract.contracts.add(ContractFactory(provider=provider))
    AwardFactory(decision=by_award, provider=provider)
    DecisionProviderFactory(decision=direct, provider=provider, role="created")
    DecisionProviderFactory(decision=unrelated)

    linked = Decision.objects.linked_to_provider(provider)

    assert set(linked) == {by_contract, by_award, direct}


def test_a_public_filter_by_provider_does_not_find_records_that_hide_their_providers():
    provider = ProviderFactory()
    shown, confidential, restricted = DecisionFactory.create_batch(3)
    for decision in (shown, confidential, restricted):
        DecisionProviderFactory(decision=decision, provider=provider)
    confidential.confidentiality = Decision.Confidentiality.CONFIDENTIAL
    confidential.public_subject = "A contract supporting police operations."
    confidential.save()
    restricted.papers_restricted = True
    restricted.papers_exemption = "s31"
    restricted.papers_public_interest = "Publishing would prejudice an operation."
    restricted.save()
    restricted.refresh_confidentiality()

    assert set(Decision.objects.linked_to_provider(provider, public=True)) == {shown}


def edit(client, draft, **changes):
    url = reverse("workspace:decision-edit", args=[draft.reference])
    data = form_fields(client.get(url))
    data.update(changes)
    return client.post(url, data)


def test_the_editor_restricts_the_papers_with_the_reason_and_public_interest(
    client_for, officer, draft
):
    client = client_for(officer)

    response = edit(client, draft, papers_restricted="on", papers_exemption="s31")

    assert response.status_code == 200
    assert "Say why the public interest favours restricting the papers" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.papers_restricted

    response = edit(
        client,
        draft,
        papers_restricted="on",
        papers_exemption="s31",
        papers_public_interest="Publishing the papers would prejudice an operation.",
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.confidentiality == Decision.Confidentiality.RESTRICTED
    detail = client.get(response["Location"]).content.decode()
    assert "Withheld under section 31 of the Freedom of Information Act 2000" in detail
    assert "Public summary, papers restricted" in detail


def test_the_decision_page_shows_staff_the_delegation_its_chain_and_who_is_consulted(
    client_for, officer
):
    scheme = DelegationFactory(instrument="Scheme of Consent and Delegation 2021")
    delegation = DelegationFactory(
        delegate=None,
        delegate_name="Head of Commissioning",
        instrument="Letter of delegation LD-7",
        made_under=scheme,
        officers_consulted="Sara Ansell, procurement lead",
    )
    decision = StartedDecisionFactory(
        author=officer, decision_maker="delegate", delegation=delegation
    )

    page = client_for(officer).get(reverse("workspace:decision-detail", args=[decision.reference]))

    content = page.content.decode()
    assert "Made under: Scheme of Consent and Delegation 2021" in content
    assert "Head of Commissioning has no account in the register." in content
    assert "Sara Ansell, procurement lead" in content
