"""The forward plan: decisions the office expects to take, published before they are taken,
started by an officer as a draft, and never a way to read the draft."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from decisions.models import Decision, DecisionStatus, PlannedDecision
from tests.factories import DecisionTemplateFactory

ATOM = "{http://www.w3.org/2005/Atom}"
DRAFT_MARKER = "DRAFT-TEXT-MARKER-7781"


def plan(**fields) -> PlannedDecision:
    values = {
        "title": "Recommissioning of victim and witness support services",
        "description": "How the services are bought once the contracts end.",
        "expected_on": timezone.localdate() + datetime.timedelta(days=40),
        **fields,
    }
    planned = PlannedDecision(**values)
    planned.full_clean()
    planned.save()
    return planned


def test_the_plan_is_reached_from_the_home_page_and_lists_what_is_expected(db, member_of_public):
    plan(in_private=True, private_reason="Prices would be withheld under section 43(2).")
    plan(title="Community safety grants", expected_on=timezone.localdate())

    home = member_of_public.get("/").content.decode()
    assert 'href="/forward-plan/"' in home

    page = member_of_public.get("/forward-plan/").content.decode()
    assert page.index("Community safety grants") < page.index("Recommissioning of victim")
    assert "Expected to be taken in private: Prices would be withheld under section 43(2)." in page
    assert "2 planned decisions" in page


def test_a_plan_taken_off_or_published_leaves_the_list(db, member_of_public, officer):
    kept = plan(title="Still planned")
    gone = plan(title="Taken off")
    gone.status = PlannedDecision.Status.WITHDRAWN
    gone.withdrawn_reason = "Folded into another decision."
    gone.save()
    published = plan(title="Decided and published")
    decision = Decision.objects.create(
        reference="WPCC3-0300",
        title="Decided and published",
        template=DecisionTemplateFactory(),
        status=DecisionStatus.PUBLISHED,
    )
    published.decision = decision
    published.status = PlannedDecision.Status.STARTED
    published.save()

    page = member_of_public.get("/forward-plan/").content.decode()

    assert kept.title in page
    assert "Taken off" not in page
    assert "Decided and published" not in page


def test_a_private_plan_needs_its_reason(db):
    with pytest.raises(Exception, match="Say why it is expected to be taken in private"):
        plan(in_private=True, private_reason="  ")


def test_an_officer_adds_a_plan_and_bad_input_is_refused_next_to_the_field(client_for, officer):
    client = client_for(officer)
    refused = client.post(
        "/workspace/forward-plan/new/",
        {
            "title": "",
            "description": "About it",
            "expected_on_day": "31",
            "expected_on_month": "2",
            "expected_on_year": "2027",
            "decision_maker": "pcc",
        },
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Enter the title" in page
    assert "Expected date of decision must be a real date" in page
    assert PlannedDecision.objects.count() == 0

    added = client.post(
        "/workspace/forward-plan/new/",
        {
            "title": "Grants",
            "description": "About it",
            "expected_on_day": "1",
            "expected_on_month": "3",
            "expected_on_year": "2027",
            "decision_maker": "pcc",
        },
    )
    assert added.status_code == 302
    planned = PlannedDecision.objects.get()
    assert planned.expected_on == datetime.date(2027, 3, 1)
    assert planned.added_by == officer
    assert planned.history.get().history_user == officer


def test_starting_a_plan_opens_a_draft_and_the_public_page_says_only_being_prepared(
    client_for, officer, member_of_public
):
    template = DecisionTemplateFactory()
    planned = plan()
    client = client_for(officer)

    response = client.post(
        f"/workspace/forward-plan/{planned.pk}/start/", {"template": template.pk}
    )

    planned.refresh_from_db()
    decision = planned.decision
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/decisions/{decision.reference}/edit/"
    assert decision.title == planned.title
    assert decision.status == DecisionStatus.DRAFT
    assert planned.status == PlannedDecision.Status.STARTED
    decision.summary = DRAFT_MARKER
    decision.save()

    page = member_of_public.get("/forward-plan/").content.decode()
    feed = member_of_public.get("/forward-plan/feed/").content.decode()
    assert "Being prepared" in page
    assert decision.reference not in page
    assert DRAFT_MARKER not in page + feed

    again = client.post(f"/workspace/forward-plan/{planned.pk}/start/", {"template": template.pk})
    assert again.status_code == 302
    assert Decision.objects.count() == 1  # started once only


def test_only_officers_change_the_plan(client_for, treasurer):
    planned = plan()

    for url in ("new/", f"{planned.pk}/edit/", f"{planned.pk}/start/", f"{planned.pk}/withdraw/"):
        assert client_for(treasurer).post(f"/workspace/forward-plan/{url}", {}).status_code == 403
    planned.refresh_from_db()
    assert planned.status == PlannedDecision.Status.PLANNED


def test_withdrawing_needs_a_reason_and_is_kept_in_the_history(client_for, officer):
    planned = plan()
    client = client_for(officer)

    refused = client.post(f"/workspace/forward-plan/{planned.pk}/withdraw/", {"reason": ""})
    assert "Say why it is taken off the plan" in refused.content.decode()

    client.post(f"/workspace/forward-plan/{planned.pk}/withdraw/", {"reason": "Not needed."})
    planned.refresh_from_db()
    assert planned.status == PlannedDecision.Status.WITHDRAWN
    assert planned.history.first().history_user == officer


def test_the_feed_has_each_planned_decision_with_an_absolute_id(db, member_of_public, settings):
    settings.SITE_URL = "https://register.example.org"
    planned = plan(description="<b>Bold</b> words")

    response = member_of_public.get("/forward-plan/feed/")

    root = ET.fromstring(response.content)  # noqa: S314 (the app's own output)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{ATOM}id").text == (
        f"https://register.example.org/forward-plan/{planned.pk}"
    )
    assert "&lt;b&gt;Bold" in entries[0].find(f"{ATOM}summary").text


def test_the_dashboard_lists_plans_past_their_date(client_for, officer):
    overdue = plan(title="Past its date", expected_on=timezone.localdate() - datetime.timedelta(1))
    plan(title="Still ahead")

    assert list(PlannedDecision.objects.overdue()) == [overdue]
    page = client_for(officer).get("/workspace/").content.decode()
    assert "Planned decisions past their date (1)" in page
    assert f'href="/workspace/forward-plan/{overdue.pk}/"' in page
    assert "Still ahead" not in page
