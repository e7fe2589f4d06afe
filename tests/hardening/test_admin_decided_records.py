"""The Django admin changes a decision only while it is a draft (issue 26, item 1).

Once submitted, a decision's content, sections, comments, awards, signatures and withholding
change only through the workspace's steps (return to draft, correct, release, withdraw):
the admin shows them read only, with a pointer to the decision's workspace page, refuses a
form posted anyway (403) and offers no bulk delete. A draft is still edited there, and what
the workspace editor keeps in step (Decision.content_edited: the confidentiality the
sections imply) follows each save, whichever admin page made it.

A hostile administrator may post a form the page no longer offers: the tests take the form
as the page showed it while the decision was a draft, then post it once it is not.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from decisions.models import (
    Confidentiality,
    Decision,
    DecisionSection,
    DecisionStatus,
    Exemption,
    StatutoryComment,
)
from decisions.publication import decision_url
from decisions.workflow import content_hash
from tests.factories import (
    AppendixFactory,
    AwardFactory,
    DecisionCategoryFactory,
    DecisionFactory,
    DecisionLinkFactory,
    DecisionSectionFactory,
    SignatureFactory,
    StartedDecisionFactory,
    StatutoryCommentFactory,
)

pytestmark = pytest.mark.django_db

SECRET_SUMMARY = "ADMIN-26 summary of the confidential settlement"
SECRET_OFFICERS = "ADMIN-26 Lead Officer Quinlan"
SECRET_INTERESTS = "ADMIN-26 declared interest in the provider"
SECRET_COMMENT = "ADMIN-26 the Treasurer's view of the settlement"
SECRET_SECTION = "ADMIN-26 terms of the settlement"
PUBLIC_SUBJECT = "A confidential legal settlement"
PUBLIC_INTEREST = "Publishing the terms would prejudice the office's position in the claim."


@pytest.fixture(autouse=True)
def role_groups(db):
    """The role groups of migration 0002, made again if a transactional test flushed them."""
    migration = importlib.import_module("decisions.migrations.0002_roles")
    migration.create_roles(apps, None)


@pytest.fixture
def admin_client(administrator) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(administrator)
    return client


def withheld(text: str, position: int) -> dict:
    return {
        "position": position,
        "heading": f"Part {position}",
        "text": text,
        "is_withheld": True,
        "exemption": Exemption.S43_2,
        "public_interest_statement": PUBLIC_INTEREST,
    }


@pytest.fixture
def confidential(officer) -> Decision:
    """A published decision every section of which is withheld: wholly confidential."""
    decision = DecisionFactory(
        decided=True,
        category=DecisionCategoryFactory(),
        decision_maker_name="Philip Seccombe",
        summary=SECRET_SUMMARY,
        lead_officers=SECRET_OFFICERS,
        declaration_of_interests=SECRET_INTERESTS,
        public_subject=PUBLIC_SUBJECT,
    )
    DecisionSectionFactory(decision=decision, **withheld(SECRET_SECTION, 1))
    DecisionSectionFactory(decision=decision, **withheld("ADMIN-26 the sums agreed", 2))
    StatutoryCommentFactory(decision=decision, text=SECRET_COMMENT)
    decision.refresh_confidentiality(by=officer)
    decision.publish(by=officer)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.confidentiality == Confidentiality.CONFIDENTIAL
    return decision


def change_url(model: str, pk: int) -> str:
    return f"/admin/decisions/{model}/{pk}/change/"


def form_as_a_draft(client: Client, decision: Decision, url: str, post_back) -> dict:
    """What the admin's form at `url` posted back while `decision` was a draft."""
    status = decision.status
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.DRAFT)
    response = client.get(url)
    Decision.objects.filter(pk=decision.pk).update(status=status)
    assert response.status_code == 200
    data = post_back(response)
    if "status" in data:  # an admin that offers the status would show the real one
        data["status"] = status
    return data


def history_rows() -> int:
    return (
        Decision.history.count()
        + DecisionSection.history.count()
        + StatutoryComment.history.count()
    )


def public_surfaces(client: Client, decision: Decision) -> tuple[bytes, bytes]:
    page = client.get(decision_url(decision.reference))
    export = client.get("/decisions.json")
    assert page.status_code == export.status_code == 200
    return page.content, export.content


def test_unticking_withhold_on_a_published_confidential_decision_changes_nothing(
    admin_client, confidential, admin_form_data
):
    data = form_as_a_draft(
        admin_client, confidential, change_url("decision", confidential.pk), admin_form_data
    )
    section = next(name for name, value in data.items() if value == SECRET_SECTION)
    prefix = section.removesuffix("-text")
    data.pop(f"{prefix}-is_withheld")
    data[f"{prefix}-exemption"] = ""
    data[f"{prefix}-public_interest_statement"] = ""
    public = Client()
    before = public_surfaces(public, confidential)
    rows = history_rows()

    response = admin_client.post(change_url("decision", confidential.pk), data)

    page, export = public_surfaces(public, confidential)
    for secret in (SECRET_SUMMARY, SECRET_OFFICERS, SECRET_INTERESTS, SECRET_COMMENT):
        assert secret.encode() not in page + export
    assert (page, export) == before
    assert response.status_code == 403
    assert history_rows() == rows
    confidential.refresh_from_db()
    assert confidential.confidentiality == Confidentiality.CONFIDENTIAL
    assert confidential.sections.filter(is_withheld=False).count() == 0


def test_unticking_withhold_in_the_section_admin_of_a_published_decision_is_refused(
    admin_client, confidential, client_for
):
    section = confidential.sections.get(text=SECRET_SECTION)
    url = change_url("decisionsection", section.pk)
    data = {
        "decision": confidential.pk,
        "position": section.position,
        "heading": section.heading,
        "part": section.part,
        "text": section.text,
    }
    rows = history_rows()

    response = admin_client.post(url, data)

    assert response.status_code == 403
    section.refresh_from_db()
    assert section.is_withheld
    assert history_rows() == rows


def test_withholding_a_section_of_a_published_decision_in_the_admin_is_refused(
    admin_client, officer
):
    """Once published, the words of a section withheld in the admin stayed in the public
    search text; withholding after publication is now a workspace step."""
    decision = DecisionFactory(
        decided=True, category=DecisionCategoryFactory(), decision_maker_name="Philip Seccombe"
    )
    section = DecisionSectionFactory(decision=decision, text="ADMIN-26 findable words")
    decision.publish(by=officer)
    data = {
        "decision": decision.pk,
        "position": section.position,
        "heading": section.heading,
        "part": section.part,
        "text": section.text,
        "is_withheld": "on",
        "exemption": Exemption.S43_2,
        "public_interest_statement": PUBLIC_INTEREST,
    }

    response = admin_client.post(change_url("decisionsection", section.pk), data)

    assert response.status_code == 403
    section.refresh_from_db()
    assert not section.is_withheld
    decision.refresh_from_db()
    assert decision.confidentiality == Confidentiality.NON


@pytest.mark.parametrize("status", [DecisionStatus.SUBMITTED, DecisionStatus.PUBLISHED])
def test_a_submitted_decision_is_shown_read_only_with_a_pointer_to_the_workspace(
    admin_client, confidential, status
):
    Decision.objects.filter(pk=confidential.pk).update(status=status)

    response = admin_client.get(change_url("decision", confidential.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/workspace/decisions/{confidential.reference}/"' in page
    assert "return it to draft" in page
    assert 'name="summary"' not in page
    assert 'name="sections-0-is_withheld"' not in page
    assert 'name="_save"' not in page
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission


def test_a_section_of_a_submitted_decision_is_shown_read_only(admin_client, confidential):
    section = confidential.sections.first()

    response = admin_client.get(change_url("decisionsection", section.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="/workspace/decisions/{confidential.reference}/"' in page
    assert 'name="text"' not in page
    assert 'name="is_withheld"' not in page


@pytest.fixture
def signed(officer) -> Decision:
    """A decided record whose live signature matches its content."""
    decision = DecisionFactory(
        decided=True, category=DecisionCategoryFactory(), decision_maker_name="Philip Seccombe"
    )
    DecisionSectionFactory(decision=decision, text="ADMIN-26 what the Commissioner signed")
    SignatureFactory(decision=decision, content_sha256=content_hash(decision))
    assert decision.content_matches_signatures()
    return decision


def test_the_content_of_a_signed_decision_cannot_be_changed_in_the_admin(
    admin_client, signed, admin_form_data
):
    url = change_url("decision", signed.pk)
    data = form_as_a_draft(admin_client, signed, url, admin_form_data)
    data["summary"] = "ADMIN-26 words the Commissioner never signed"
    data["sections-0-text"] = "ADMIN-26 terms the Commissioner never saw"

    response = admin_client.post(url, data)

    assert response.status_code == 403
    signed.refresh_from_db()
    assert "never" not in signed.summary
    assert signed.sections.get().text == "ADMIN-26 what the Commissioner signed"
    assert signed.content_matches_signatures()


def test_a_past_version_of_a_submitted_decision_is_not_restored_in_the_admin(
    admin_client, confidential
):
    earliest = confidential.history.earliest("history_date")
    url = f"/admin/decisions/decision/{confidential.pk}/history/{earliest.history_id}/"
    Decision.objects.filter(pk=confidential.pk).update(status=DecisionStatus.DRAFT)
    form = admin_client.get(url).context["adminform"].form
    Decision.objects.filter(pk=confidential.pk).update(status=DecisionStatus.PUBLISHED)
    data = {
        bound.html_name: bound.value()
        for bound in form
        if bound.value() not in (None, False, "") and not isinstance(bound.value(), list)
    }

    response = admin_client.post(url, data)

    assert response.status_code == 403
    confidential.refresh_from_db()
    assert confidential.status == DecisionStatus.PUBLISHED


def actions_offered(client: Client, model: str) -> list[str]:
    action_form = client.get(f"/admin/decisions/{model}/").context["action_form"]
    return [] if action_form is None else [n for n, _ in action_form.fields["action"].choices]


def test_decisions_are_not_deleted_in_bulk_and_a_submitted_one_not_at_all(
    admin_client, confidential
):
    for model in ("decision", "decisionsection", "appendix", "statutorycomment", "award"):
        assert "delete_selected" not in actions_offered(admin_client, model)

    admin_client.post(
        "/admin/decisions/decision/",
        {"action": "delete_selected", "_selected_action": [confidential.pk], "post": "yes"},
    )
    assert Decision.objects.filter(pk=confidential.pk).exists()

    url = f"/admin/decisions/decision/{confidential.pk}/delete/"
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    section = confidential.sections.first()
    section_url = f"/admin/decisions/decisionsection/{section.pk}/delete/"
    assert admin_client.post(section_url, {"post": "yes"}).status_code == 403
    assert Decision.objects.filter(pk=confidential.pk).exists()
    assert confidential.sections.count() == 2


def test_a_draft_is_still_edited_in_the_admin(admin_client, officer, admin_form_data):
    draft = StartedDecisionFactory(author=officer)
    url = change_url("decision", draft.pk)
    data = admin_form_data(admin_client.get(url))
    data["summary"] = "ADMIN-26 a summary corrected in the admin"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "ADMIN-26 a summary corrected in the admin"
    assert draft.status == DecisionStatus.DRAFT


def test_withholding_a_draft_section_in_the_section_admin_keeps_confidentiality_in_step(
    admin_client, officer, admin_form_data
):
    """As the workspace editor: the confidentiality the sections imply follows the save."""
    draft = StartedDecisionFactory(author=officer)
    section = draft.sections.order_by("position").first()
    url = change_url("decisionsection", section.pk)
    data = admin_form_data(admin_client.get(url))
    data.update(
        is_withheld="on", exemption=Exemption.S43_2, public_interest_statement=PUBLIC_INTEREST
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    section.refresh_from_db()
    assert section.is_withheld
    draft.refresh_from_db()
    assert draft.confidentiality == Confidentiality.PARTLY


def test_withholding_a_drafts_last_open_section_without_a_public_subject_is_a_form_error(
    admin_client, officer, admin_form_data
):
    """The confidentiality that follows would need a subject for the public: the section's
    page says so, as the decision's page does, rather than failing or leaving it stale."""
    draft = StartedDecisionFactory(author=officer)
    last, *others = draft.sections.order_by("-position")
    DecisionSection.objects.filter(pk__in=[section.pk for section in others]).update(
        is_withheld=True, exemption=Exemption.S43_2, public_interest_statement=PUBLIC_INTEREST
    )
    url = change_url("decisionsection", last.pk)
    data = admin_form_data(admin_client.get(url))
    data.update(
        is_withheld="on", exemption=Exemption.S43_2, public_interest_statement=PUBLIC_INTEREST
    )
    rows = history_rows()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "it needs a one-line subject for the public" in response.content.decode()
    last.refresh_from_db()
    assert not last.is_withheld
    assert history_rows() == rows


def test_deleting_a_drafts_last_open_section_without_a_public_subject_is_refused(
    admin_client, officer
):
    draft = StartedDecisionFactory(author=officer)
    last, *others = draft.sections.order_by("-position")
    DecisionSection.objects.filter(pk__in=[section.pk for section in others]).update(
        is_withheld=True, exemption=Exemption.S43_2, public_interest_statement=PUBLIC_INTEREST
    )
    rows = history_rows()

    response = admin_client.post(
        f"/admin/decisions/decisionsection/{last.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert DecisionSection.objects.filter(pk=last.pk).exists()
    assert history_rows() == rows


def test_deleting_a_drafts_section_in_the_admin_keeps_confidentiality_in_step(
    admin_client, officer
):
    draft = StartedDecisionFactory(author=officer)
    first, *others = draft.sections.order_by("position")
    DecisionSection.objects.filter(pk=first.pk).update(
        is_withheld=True, exemption=Exemption.S43_2, public_interest_statement=PUBLIC_INTEREST
    )
    Decision.objects.filter(pk=draft.pk).update(confidentiality=Confidentiality.PARTLY)

    response = admin_client.post(
        f"/admin/decisions/decisionsection/{first.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.confidentiality == Confidentiality.NON


PARTS = {
    "appendix": (lambda decision: AppendixFactory(decision=decision), "title"),
    "award": (lambda decision: AwardFactory(decision=decision), "recipient"),
    "statutorycomment": (lambda decision: decision.comments.get(), "text"),
    "decisionlink": (lambda decision: DecisionLinkFactory(from_decision=decision), "kind"),
}
CHANGED = {"title": "ADMIN-26 x", "recipient": "ADMIN-26 x", "text": "ADMIN-26 x", "kind": "amends"}


@pytest.mark.parametrize("model", PARTS)
def test_a_part_of_a_submitted_decision_is_not_changed_added_or_deleted_in_its_own_admin(
    admin_client, confidential, admin_form_data, model
):
    make, field = PARTS[model]
    part = make(confidential)
    url = change_url(model, part.pk)
    data = form_as_a_draft(admin_client, confidential, url, admin_form_data)
    data.pop("file", None)  # an appendix's upload: none sent keeps the one it has
    decision_field = "from_decision" if model == "decisionlink" else "decision"
    before = getattr(type(part).objects.get(pk=part.pk), field)

    changed = admin_client.post(url, {**data, field: CHANGED[field]})
    deleted = admin_client.post(f"/admin/decisions/{model}/{part.pk}/delete/", {"post": "yes"})
    count = type(part).objects.count()
    added = admin_client.post(f"/admin/decisions/{model}/add/", data)

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert getattr(type(part).objects.get(pk=part.pk), field) == before
    assert added.status_code == 200  # the form again: the decision is not one to choose
    assert decision_field in added.context["adminform"].form.errors
    assert type(part).objects.count() == count
