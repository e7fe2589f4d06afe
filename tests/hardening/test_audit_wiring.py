"""The audit log is fed by the application: workflow steps, refused attempts, releases and
staff reads of withheld content each add an entry naming who acted; the admin only shows it."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from commissioning.models import AuditEntry
from decisions.models import (
    DecisionStatus,
    Exemption,
    WorkflowEvent,
    WorkflowOutcome,
    WorkflowStep,
)
from decisions.models.recording import RecordedSignature
from decisions.workflow import WorkflowError
from tests.conftest import give_permission
from tests.factories import AppendixFactory
from tests.workflow import conftest as workflow

pytestmark = pytest.mark.django_db

Status = DecisionStatus

# The sign-off workflow's own fixtures, used here as they are there.
role_groups = workflow.role_groups
form = workflow.form
make_draft = workflow.make_draft
advance = workflow.advance


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def entries(action_prefix: str = "") -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(action__startswith=action_prefix)
        .select_related("actor")
        .order_by("sequence")
    )


def withhold_costs(decision) -> None:
    """Withhold the draft's costs section under s.43(2), as an officer would in the editor."""
    section = decision.sections.get(heading__startswith="Costs")
    section.is_withheld = True
    section.exemption = Exemption.S43_2
    section.public_interest_statement = "Prices would weaken the coming tender."
    section.save()
    decision.refresh_confidentiality()


def withheld_appendix(decision, *, withheld: bool = True):
    appendix = AppendixFactory.build(decision=decision, title="Tender prices", withheld=withheld)
    appendix.file.save("prices.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    appendix.save()
    return appendix


# -- workflow steps -------------------------------------------------------------------------


def test_each_step_of_a_sign_off_is_recorded_with_who_took_it(
    make_draft, advance, officer, treasurer, monitoring_officer, chief_officer, pcc
):
    decision = advance(make_draft(is_force_business=True), Status.PUBLISHED)
    decision.withdraw(by=officer, reason="Published in error.")

    got = [
        (entry.action, entry.actor, entry.details["from_status"], entry.details["to_status"])
        for entry in entries("workflow.")
    ]

    assert got == [
        ("workflow.submit", officer, "draft", "submitted"),
        ("workflow.sign_off", treasurer, "submitted", "signed_off"),
        ("workflow.comment", monitoring_officer, "signed_off", "commented"),
        ("workflow.approve_force_business", chief_officer, "commented", "chief_approved"),
        ("workflow.approve", pcc, "chief_approved", "approved"),
        ("workflow.publish", officer, "approved", "published"),
        ("workflow.withdraw", officer, "published", "withdrawn"),
    ]
    first = entries("workflow.")[0]
    assert first.object_type == "decisions.decision"
    assert first.object_id == str(decision.pk)
    assert first.actor_name == "officer"
    assert first.details["reference"] == decision.reference
    assert first.details["outcome"] == "allowed"


def test_every_workflow_event_has_its_audit_entry_and_every_step_is_covered(
    make_draft, advance, officer, treasurer, pcc
):
    advance(make_draft(is_force_business=True), Status.NOT_APPROVED)
    advance(make_draft(), Status.WITHDRAWN)
    advance(make_draft(), Status.SUPERSEDED)
    returned = advance(make_draft(), Status.SUBMITTED)
    returned.return_to_draft(by=treasurer, comments="The costs need more detail.")
    edited = advance(make_draft(), Status.SIGNED_OFF)
    section = edited.sections.first()
    section.text = "Changed after the Treasurer signed."
    section.save()
    edited.content_edited(by=officer)
    with pytest.raises(WorkflowError):
        edited.approve(by=pcc)
    # A decision taken on paper, recorded and then corrected against its signed original.
    recorder = give_permission(officer, "decisions.record_decided")
    paper = make_draft()
    paper.record_as_decided(
        by=recorder,
        source="The signed paper record",
        decided_on=datetime.date(2019, 3, 4),
        decision_maker_name="Ron Ball",
        signatures=[
            RecordedSignature(
                step=WorkflowStep.APPROVE,
                name="Ron Ball",
                capacity="Police and Crime Commissioner",
                signed_on=datetime.date(2019, 3, 4),
            )
        ],
    )
    paper.correct_transcription(by=recorder, reason="A typo against the signed original.")

    events = {event.pk: event for event in WorkflowEvent.objects.all()}
    logged = {entry.details["event"]: entry for entry in entries("workflow.")}

    assert logged.keys() == events.keys()
    for pk, event in events.items():
        entry = logged[pk]
        suffix = ".refused" if event.was_refused else ""
        assert entry.action == f"workflow.{event.step}{suffix}"
        assert entry.actor_id == event.actor_id is not None
        assert entry.details["reference"] == event.decision.reference
        assert entry.details["refusal"] == event.refusal
    assert {event.step for event in events.values()} == set(WorkflowStep.values)


def test_a_refused_attempt_is_recorded_with_who_tried_and_why(make_draft, advance, treasurer):
    decision = advance(make_draft(), Status.SUBMITTED)

    with pytest.raises(WorkflowError) as refused:
        decision.approve(by=treasurer)

    [entry] = entries("workflow.approve")
    assert entry.action == "workflow.approve.refused"
    assert entry.actor == treasurer
    assert entry.details["outcome"] == WorkflowOutcome.REFUSED
    assert entry.details["from_status"] == "submitted"
    assert entry.details["to_status"] == ""
    assert entry.details["refusal"] == refused.value.message
    decision.refresh_from_db()
    assert decision.status == Status.SUBMITTED


def test_a_step_refused_by_its_page_is_recorded_as_well_as_the_403(
    make_draft, advance, client_for, officer
):
    decision = advance(make_draft(), Status.SUBMITTED)
    url = reverse("workspace:workflow-sign-off", args=[decision.reference])

    response = client_for(officer).post(url, workflow.confirmed(decision, comments="Fine by me."))

    assert response.status_code == 403
    assert [(entry.action, entry.actor) for entry in entries()] == [
        ("workflow.submit", officer),
        ("workflow.sign_off.refused", officer),
        ("access.refused", officer),
    ]


def test_a_step_and_its_audit_entry_are_written_together_or_not_at_all(
    make_draft, officer, monkeypatch
):
    decision = make_draft()

    def failing_record(*args, **kwargs):
        raise RuntimeError("the audit log could not be written")

    monkeypatch.setattr("commissioning.audit.record", failing_record)
    with pytest.raises(RuntimeError):
        decision.submit(by=officer)

    decision.refresh_from_db()
    assert decision.status == Status.DRAFT
    assert not WorkflowEvent.objects.exists()
    assert decision.history.first().status == Status.DRAFT


def test_publishing_from_its_page_is_recorded(make_draft, advance, client_for, officer):
    decision = advance(make_draft(), Status.APPROVED)
    url = reverse("workspace:decision-publish", args=[decision.reference])

    response = client_for(officer).post(url)

    assert response.status_code == 302
    assert entries()[-1].action == "workflow.publish"
    assert entries()[-1].actor == officer


# -- releasing withheld parts -----------------------------------------------------------------


def test_releasing_a_withheld_section_is_recorded(make_draft, advance, client_for, officer):
    decision = make_draft()
    withhold_costs(decision)
    advance(decision, Status.PUBLISHED)
    section = decision.sections.get(is_withheld=True)
    url = reverse("workspace:decision-release-section", args=[decision.reference, section.pk])

    response = client_for(officer).post(url)

    assert response.status_code == 302
    entry = entries()[-1]
    assert (entry.action, entry.actor) == ("release.section", officer)
    assert entry.details == {
        "reference": decision.reference,
        "section": section.pk,
        "exemption": Exemption.S43_2,
    }
    section.refresh_from_db()
    assert not section.is_withheld


def test_a_refused_release_is_recorded_and_releases_nothing(
    make_draft, advance, client_for, officer
):
    decision = make_draft()
    withhold_costs(decision)
    advance(decision, Status.APPROVED)  # not yet published: nothing can be released
    section = decision.sections.get(is_withheld=True)
    url = reverse("workspace:decision-release-section", args=[decision.reference, section.pk])

    response = client_for(officer).post(url)

    assert response.status_code == 400
    entry = entries()[-1]
    assert (entry.action, entry.actor) == ("release.section.refused", officer)
    assert "Only a part of a published decision can be released." in entry.details["refusal"]
    assert [e.action for e in entries("release.")] == ["release.section.refused"]
    section.refresh_from_db()
    assert section.is_withheld


def test_releasing_a_withheld_appendix_is_recorded(make_draft, advance, client_for, officer):
    decision = make_draft()
    appendix = withheld_appendix(decision)
    decision.refresh_confidentiality()
    advance(decision, Status.PUBLISHED)
    url = reverse("workspace:decision-release-appendix", args=[decision.reference, appendix.pk])

    client_for(officer).post(url)

    entry = entries()[-1]
    assert (entry.action, entry.actor) == ("release.appendix", officer)
    assert entry.details["appendix"] == appendix.pk


# -- staff reads of withheld content ----------------------------------------------------------


def test_downloading_a_withheld_appendix_is_recorded(make_draft, client_for, treasurer):
    decision = make_draft()
    appendix = withheld_appendix(decision)
    url = reverse("workspace:decision-appendix", args=[decision.reference, appendix.pk])

    response = client_for(treasurer).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    [entry] = entries()
    assert (entry.action, entry.actor) == ("read.withheld_appendix", treasurer)
    assert entry.details == {
        "reference": decision.reference,
        "appendix": appendix.pk,
        "exemption": appendix.exemption,
    }
    assert entry.details["exemption"]


def test_downloading_a_public_appendix_is_not_recorded(make_draft, client_for, treasurer):
    decision = make_draft()
    appendix = withheld_appendix(decision, withheld=False)

    response = client_for(treasurer).get(
        reverse("workspace:decision-appendix", args=[decision.reference, appendix.pk])
    )

    assert response.status_code == 200
    assert entries() == []


def test_reading_the_internal_pdf_with_withheld_text_is_recorded(make_draft, client_for, pcc):
    decision = make_draft()
    withhold_costs(decision)
    section = decision.sections.get(is_withheld=True)

    response = client_for(pcc).get(reverse("workspace:decision-pdf", args=[decision.reference]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    [entry] = entries()
    assert (entry.action, entry.actor) == ("read.internal_pdf", pcc)
    assert entry.details == {
        "reference": decision.reference,
        "withheld_sections": [{"id": section.pk, "exemption": Exemption.S43_2}],
    }


def test_reading_an_internal_pdf_with_nothing_withheld_is_not_recorded(make_draft, client_for, pcc):
    decision = make_draft()

    response = client_for(pcc).get(reverse("workspace:decision-pdf", args=[decision.reference]))

    assert response.status_code == 200
    assert entries() == []


def test_the_staff_decision_page_showing_withheld_text_is_recorded(
    make_draft, client_for, treasurer
):
    decision = make_draft()
    withhold_costs(decision)
    section = decision.sections.get(is_withheld=True)

    response = client_for(treasurer).get(
        reverse("workspace:decision-detail", args=[decision.reference])
    )

    assert response.status_code == 200
    [entry] = entries()
    assert (entry.action, entry.actor) == ("read.withheld_sections", treasurer)
    assert entry.details == {
        "reference": decision.reference,
        "withheld_sections": [{"id": section.pk, "exemption": Exemption.S43_2}],
    }


def test_the_history_of_a_decision_with_withheld_sections_is_recorded(
    make_draft, client_for, treasurer
):
    decision = make_draft()
    withhold_costs(decision)

    response = client_for(treasurer).get(
        reverse("workspace:decision-history", args=[decision.reference])
    )

    assert response.status_code == 200
    [entry] = entries()
    assert (entry.action, entry.actor) == ("read.withheld_history", treasurer)
    assert entry.details["reference"] == decision.reference


def test_the_staff_decision_page_with_nothing_withheld_is_not_recorded(
    make_draft, client_for, treasurer
):
    decision = make_draft()

    response = client_for(treasurer).get(
        reverse("workspace:decision-detail", args=[decision.reference])
    )

    assert response.status_code == 200
    assert entries() == []


# -- administrators' reads of withheld text in the admin --------------------------------------

ADMIN_READ_MARKER = "ADMIN-READ-7Q4 tender prices per lot"


def admin_url(model: str, pk: int, tail: str = "change/") -> str:
    return f"/admin/decisions/{model}/{pk}/{tail}"


@pytest.fixture
def withheld_draft(make_draft):
    """A draft whose costs section is withheld, its text changed once since it was withheld,
    so that the admin's list of versions shows old and new text."""
    decision = make_draft()
    withhold_costs(decision)
    section = decision.sections.get(is_withheld=True)
    section.text = ADMIN_READ_MARKER
    section.save()
    return decision, section


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("decision", "read.admin"),
        ("section", "read.admin"),
        ("section history", "read.admin_history"),
        ("section version", "read.admin_history"),
    ],
)
def test_an_admin_page_showing_withheld_text_is_recorded(
    withheld_draft, client_for, administrator, page, action
):
    decision, section = withheld_draft
    earliest = section.history.earliest("history_date")
    url = {
        "decision": admin_url("decision", decision.pk),
        "section": admin_url("decisionsection", section.pk),
        "section history": admin_url("decisionsection", section.pk, "history/"),
        "section version": admin_url(
            "decisionsection", section.pk, f"history/{earliest.history_id}/"
        ),
    }[page]

    response = client_for(administrator).get(url)

    assert response.status_code == 200
    # Each page shows withheld text: the past version shows the text before the change.
    shown = ADMIN_READ_MARKER if page != "section version" else earliest.text
    assert escape(shown) in response.content.decode()
    [entry] = entries("read.")
    assert (entry.action, entry.actor) == (action, administrator)
    assert entry.details == {
        "reference": decision.reference,
        "withheld_sections": [{"id": section.pk, "exemption": Exemption.S43_2}],
    }


def test_a_refused_admin_save_shows_the_text_again_and_is_recorded(
    withheld_draft, client_for, administrator
):
    decision, section = withheld_draft

    response = client_for(administrator).post(
        admin_url("decisionsection", section.pk), {"heading": ""}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert [entry.action for entry in entries("read.")] == ["read.admin"]
    section.refresh_from_db()
    assert section.text == ADMIN_READ_MARKER


def test_admin_pages_with_nothing_withheld_are_not_recorded(make_draft, client_for, administrator):
    decision = make_draft()
    section = decision.sections.first()
    client = client_for(administrator)

    pages = [
        admin_url("decision", decision.pk),
        admin_url("decision", decision.pk, "history/"),
        admin_url("decisionsection", section.pk),
        admin_url("decisionsection", section.pk, "history/"),
    ]

    assert [client.get(url).status_code for url in pages] == [200] * 4
    assert entries("read.") == []


# -- the chain stays intact ---------------------------------------------------------------------


def test_the_log_verifies_after_a_realistic_sequence(
    make_draft, advance, client_for, officer, treasurer, pcc
):
    decision = make_draft(is_force_business=True)
    withhold_costs(decision)
    appendix = withheld_appendix(decision)
    decision.refresh_confidentiality()
    advance(decision, Status.SUBMITTED)
    decision.return_to_draft(by=treasurer, comments="Say where the money comes from.")
    with pytest.raises(WorkflowError):
        decision.sign_off(by=treasurer, comments="Too early.")
    advance(decision, Status.PUBLISHED)
    client_for(treasurer).get(
        reverse("workspace:decision-appendix", args=[decision.reference, appendix.pk])
    )
    client_for(pcc).get(reverse("workspace:decision-pdf", args=[decision.reference]))
    client_for(treasurer).get(reverse("workspace:contract-create"))  # refused: 403
    section = decision.sections.get(is_withheld=True)
    client_for(officer).post(
        reverse("workspace:decision-release-section", args=[decision.reference, section.pk])
    )
    out = io.StringIO()

    call_command("verify_audit", stdout=out)

    count = AuditEntry.objects.count()
    assert count >= 12
    assert f"The audit log is intact: {count} entries" in out.getvalue()
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, count + 1))
    assert {"read.withheld_appendix", "read.internal_pdf", "access.refused"} <= {
        entry.action for entry in entries()
    }


# -- the admin shows the log and nothing else ----------------------------------------------------

CHANGELIST = "/admin/commissioning/auditentry/"


@pytest.fixture
def logged(make_draft, officer):
    decision = make_draft()
    decision.submit(by=officer)
    return AuditEntry.objects.get()


def test_administrators_read_and_search_the_log(logged, client_for, administrator):
    client = client_for(administrator)

    listing = client.get(CHANGELIST)
    found = client.get(CHANGELIST, {"q": "workflow.submit"})
    by_reference = client.get(CHANGELIST, {"q": logged.details["reference"]})
    not_found = client.get(CHANGELIST, {"q": "no-such-action"})
    detail = client.get(f"{CHANGELIST}{logged.pk}/change/")

    assert listing.status_code == 200
    assert "workflow.submit" in listing.content.decode()
    assert list(found.context["cl"].result_list) == [logged]
    assert list(by_reference.context["cl"].result_list) == [logged]
    assert list(not_found.context["cl"].result_list) == []
    assert detail.status_code == 200
    assert logged.hash in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert "delete_selected" not in listing.content.decode()


def test_nobody_adds_changes_or_deletes_entries_in_the_admin(logged, client_for, administrator):
    client = client_for(administrator)
    change = f"{CHANGELIST}{logged.pk}/change/"

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}add/", {"action": "made.up"}).status_code == 403
    assert client.post(change, {"action": "workflow.approve"}).status_code == 403
    assert client.get(f"{CHANGELIST}{logged.pk}/delete/").status_code == 403
    assert client.post(f"{CHANGELIST}{logged.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.filter(action__startswith="workflow.").get() == logged
    assert AuditEntry.objects.get(pk=logged.pk).action == "workflow.submit"


def test_staff_who_are_not_administrators_cannot_see_the_log(logged, client_for, officer):
    response = client_for(officer).get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
