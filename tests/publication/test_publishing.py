"""Publishing as a workflow step (preview, then confirm), and releasing withheld parts later."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from commissioning.models import AuditEntry
from decisions.models import Decision, DecisionSection
from decisions.publication import (
    appendices_due_for_release,
    public_record,
    release_appendix,
    release_section,
    sections_due_for_release,
)
from tests.factories import UserFactory
from tests.publication.conftest import add_appendix, costs_withheld, public_section

SECRET = "The extension costs 412,000 for the adult service."


@pytest.fixture
def approved(make_decision):
    """WPCC3-0058, approved and signed, waiting to be published."""
    return make_decision(
        reference="WPCC3-0058",
        title="Joint commissioning of drugs and alcohol services",
        sections=[
            public_section("Background information", "The contracts end in March 2023."),
            costs_withheld(SECRET),
        ],
    )


PUBLISH = "/workspace/decisions/WPCC3-0058/publish/"


def test_preview_shows_exactly_what_the_public_will_see(approved, client_for, officer):
    page = client_for(officer).get(PUBLISH).content.decode()

    assert "Check what the public will see" in page
    assert "The contracts end in March 2023." in page
    assert "Withheld under section 43(2) of the Freedom of Information Act 2000" in page
    assert SECRET not in page
    assert 'href="/workspace/decisions/WPCC3-0058/publish/preview.pdf"' in page
    assert "Publish this decision" in page


def test_preview_pdf_is_the_public_pdf(approved, client_for, officer):
    response = client_for(officer).get("/workspace/decisions/WPCC3-0058/publish/preview.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert SECRET.encode() not in response.content


def test_officer_publishes_after_the_preview(approved, client_for, officer, member_of_public):
    response = client_for(officer).post(PUBLISH)

    approved.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/decisions/WPCC3-0058/"
    assert approved.status == Decision.Status.PUBLISHED
    assert approved.published_on is not None
    assert member_of_public.get("/decisions/WPCC3-0058/").status_code == 200
    assert approved.history.first().history_user == officer


def test_administrator_may_publish(approved, client_for, administrator):
    client_for(administrator).post(PUBLISH)

    approved.refresh_from_db()
    assert approved.status == Decision.Status.PUBLISHED


@pytest.mark.parametrize("persona", ["treasurer", "monitoring_officer", "chief_officer", "pcc"])
def test_other_staff_see_the_preview_but_cannot_publish(approved, client_for, persona, request):
    client = client_for(request.getfixturevalue(persona))

    preview = client.get(PUBLISH)
    attempt = client.post(PUBLISH)

    approved.refresh_from_db()
    assert preview.status_code == 200
    assert "Publish this decision</button>" not in preview.content.decode()
    assert attempt.status_code == 403
    assert approved.status == Decision.Status.APPROVED


def test_the_public_are_sent_to_sign_in(approved, member_of_public):
    response = member_of_public.post(PUBLISH)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_account_without_a_role_is_refused(approved, client_for):
    assert client_for(UserFactory()).get(PUBLISH).status_code == 403


def test_a_decision_not_yet_approved_cannot_be_published(make_decision, client_for, officer):
    draft = make_decision(reference="WPCC3-0059", status=Decision.Status.DRAFT)
    client = client_for(officer)

    preview = client.get("/workspace/decisions/WPCC3-0059/publish/").content.decode()
    response = client.post("/workspace/decisions/WPCC3-0059/publish/")

    draft.refresh_from_db()
    assert "cannot be published" in preview
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert draft.status == Decision.Status.DRAFT


def test_publishing_twice_is_refused_with_a_message(approved, client_for, officer):
    client = client_for(officer)
    client.post(PUBLISH)

    again = client.post(PUBLISH)

    assert again.status_code == 400
    assert "cannot be published" in again.content.decode()


# -- releasing withheld parts ---------------------------------------------------------------


@pytest.fixture
def published(approved, officer):
    section = approved.sections.get(is_withheld=True)
    section.release_on = datetime.date(2024, 4, 1)
    section._history_user = officer
    section.save()
    approved.publish(by=officer)
    approved.refresh_from_db()
    return approved


def test_withheld_section_past_its_release_date_is_due(published):
    due = list(sections_due_for_release(today=datetime.date(2024, 4, 1)))
    not_yet = list(sections_due_for_release(today=datetime.date(2024, 3, 31)))

    assert [section.heading for section in due] == ["Costs (including any identified savings)"]
    assert not_yet == []


def test_only_published_decisions_have_sections_due(approved):
    section = approved.sections.get(is_withheld=True)
    section.release_on = datetime.date(2024, 4, 1)
    section.save()

    assert list(sections_due_for_release(today=datetime.date(2025, 1, 1))) == []


def test_releasing_a_section_publishes_its_text_and_records_who(
    published, officer, member_of_public
):
    before = member_of_public.get("/decisions/WPCC3-0058/")
    section = published.sections.get(is_withheld=True)

    release_section(section, by=officer)

    section.refresh_from_db()
    published.refresh_from_db()
    page = member_of_public.get("/decisions/WPCC3-0058/")
    assert not section.is_withheld
    assert section.exemption == ""
    assert section.history.first().history_user == officer
    assert section.history.first().history_change_reason.startswith("Released")
    assert SECRET in page.content.decode()
    assert page["ETag"] != before["ETag"]
    assert "412,000" in published.search_document
    assert published.confidentiality == Decision.Confidentiality.NON
    assert published.history.first().history_user == officer
    assert list(sections_due_for_release(today=datetime.date(2025, 1, 1))) == []


def test_released_text_becomes_searchable(published, officer, member_of_public):
    release_section(published.sections.get(is_withheld=True), by=officer)

    page = member_of_public.get("/decisions/", {"q": "412,000"}).content.decode()

    assert "1 decision" in page


def test_releasing_a_section_records_itself_in_the_audit_log(published, officer):
    """The step writes its own audit entry, whoever asks for it (not only the page)."""
    section = published.sections.get(is_withheld=True)
    exemption = section.exemption

    release_section(section, by=officer)

    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.actor) == ("release.section", officer)
    assert entry.details == {
        "reference": "WPCC3-0058",
        "section": section.pk,
        "exemption": exemption,
    }


def test_a_refused_release_records_itself_in_the_audit_log(approved, officer):
    section = approved.sections.get(is_withheld=True)

    with pytest.raises(ValidationError):
        release_section(section, by=officer)

    entry = AuditEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.actor) == ("release.section.refused", officer)
    assert "Only a part of a published decision can be released." in entry.details["refusal"]
    section.refresh_from_db()
    assert section.is_withheld


def test_a_public_section_cannot_be_released(published, officer):
    with pytest.raises(ValidationError, match="not withheld"):
        release_section(published.sections.get(is_withheld=False), by=officer)


def test_a_section_of_an_unpublished_decision_cannot_be_released(approved, officer):
    with pytest.raises(ValidationError, match="published decision"):
        release_section(approved.sections.get(is_withheld=True), by=officer)


def test_a_wholly_confidential_decision_is_not_released_a_section_at_a_time(make_decision, officer):
    decision = make_decision(
        public_subject="A contract supporting police operations.",
        sections=[costs_withheld("Secret one."), costs_withheld("Secret two.")],
        publish_by=officer,
    )

    with pytest.raises(ValidationError, match="wholly confidential"):
        release_section(decision.sections.first(), by=officer)
    assert DecisionSection.objects.filter(decision=decision, is_withheld=True).count() == 2


def test_withheld_appendix_is_released_and_becomes_downloadable(
    make_decision, officer, member_of_public
):
    decision = make_decision(sections=[public_section("Background information", "Public.")])
    appendix = add_appendix(decision, title="Price schedule", content="Prices.", withheld=True)
    appendix.release_on = datetime.date(2024, 4, 1)
    appendix.save()
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)
    url = f"/decisions/{decision.reference}/appendices/{appendix.pk}/"
    assert [a.pk for a in appendices_due_for_release(today=datetime.date(2024, 5, 1))] == [
        appendix.pk
    ]
    assert member_of_public.get(url).status_code == 404

    release_appendix(appendix, by=officer)

    assert member_of_public.get(url).status_code == 200
    record = public_record(Decision.objects.get(pk=decision.pk))
    assert record.appendices[0].download_url == url


def release_url(section) -> str:
    return f"/workspace/decisions/{section.decision.reference}/release/section/{section.pk}/"


def test_officer_releases_a_section_from_the_workspace(published, client_for, officer):
    section = published.sections.get(is_withheld=True)
    client = client_for(officer)

    confirm = client.get(release_url(section))
    response = client.post(release_url(section))

    section.refresh_from_db()
    assert SECRET in confirm.content.decode()  # staff see what will be published
    assert response.status_code == 302
    assert response["Location"] == "/decisions/WPCC3-0058/"
    assert not section.is_withheld


@pytest.mark.parametrize("persona", ["treasurer", "pcc"])
def test_other_staff_cannot_release(published, client_for, persona, request):
    section = published.sections.get(is_withheld=True)

    response = client_for(request.getfixturevalue(persona)).post(release_url(section))

    section.refresh_from_db()
    assert response.status_code == 403
    assert section.is_withheld


def test_release_page_is_for_staff_only(published, member_of_public, client_for):
    section = published.sections.get(is_withheld=True)

    assert member_of_public.get(release_url(section)).status_code == 302
    assert client_for(UserFactory()).get(release_url(section)).status_code == 403


def test_releasing_a_public_section_shows_an_error(published, client_for, officer):
    section = published.sections.get(is_withheld=False)

    response = client_for(officer).post(release_url(section))

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


# -- "Release" beside each withheld part, on the staff record page -------------------------


RECORD = "/workspace/decisions/WPCC3-0058/"


def release_links(client) -> list[str]:
    """The addresses of the page's "Release" links."""
    page = client.get(RECORD).content.decode()
    return re.findall(r'<a class="govuk-link" href="([^"]*/release/[^"]*)">Release<', page)


def test_officers_find_release_beside_each_withheld_part(published, client_for, officer):
    section = published.sections.get(is_withheld=True)
    appendix = add_appendix(published, title="Bid prices", content="Prices.", withheld=True)

    links = release_links(client_for(officer))

    assert links == [
        f"{RECORD}release/section/{section.pk}/",
        f"{RECORD}release/appendix/{appendix.pk}/",
    ]
    assert client_for(officer).get(links[0]).status_code == 200


def test_administrators_find_release_too(published, client_for, administrator):
    assert len(release_links(client_for(administrator))) == 1


@pytest.mark.parametrize("persona", ["treasurer", "monitoring_officer", "chief_officer", "pcc"])
def test_signers_are_not_offered_release(published, client_for, persona, request):
    assert release_links(client_for(request.getfixturevalue(persona))) == []


def test_release_is_not_offered_before_publication(approved, client_for, officer):
    assert release_links(client_for(officer)) == []
