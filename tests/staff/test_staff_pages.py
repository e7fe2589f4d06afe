"""Staff pages: who is signed in, the dashboard's panels, the step indicator and what a
signer signs."""

import datetime
import re

import pytest
from django.urls import reverse

from decisions.models import DecisionStatus
from tests.factories import (
    ArrangementPartnerFactory,
    ContractFactory,
    DecisionFactory,
    DecisionTemplateFactory,
    PartnerPositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Status = DecisionStatus


def text(response) -> str:
    """The page's words, tags and runs of white space taken out."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- who is signed in --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, shown",
    [
        ("officer", "Signed in as Precious Williamson (Commissioning officer)"),
        ("treasurer", "Signed in as Sara Treasurer (Treasurer)"),
        ("pcc", "Signed in as Philip Seccombe (Police and Crime Commissioner)"),
        ("administrator", "(Administrator)"),
    ],
)
def test_the_header_says_who_is_signed_in_and_in_what_role(client_for, request, who, shown):
    user = request.getfixturevalue(who)
    for path in ("/workspace/", "/decisions/"):
        page = text(client_for(user).get(path))
        assert shown in page
        assert "Sign out" in page


def test_nobody_is_signed_in_on_the_public_pages_of_a_visitor(client):
    page = text(client.get("/decisions/"))
    assert "Signed in as" not in page
    assert "Sign out" not in page


def test_someone_with_two_roles_is_shown_with_both(client_for):
    from commissioning.roles import Role

    user = UserFactory(first_name="Sam", last_name="Jones", roles=[Role.OFFICER, Role.TREASURER])
    assert "Signed in as Sam Jones (Commissioning officer, Treasurer)" in text(
        client_for(user).get("/workspace/")
    )


# -- the dashboard -----------------------------------------------------------------------------


def test_contracts_at_risk_show_their_total_and_link_to_all_of_them(client_for, officer):
    soon = datetime.date.today() + datetime.timedelta(days=60)
    for _ in range(23):
        ContractFactory(ends_on=soon)
    ContractFactory(ends_on=soon + datetime.timedelta(days=900))  # not at risk
    client = client_for(officer)

    dashboard = client.get("/workspace/")
    page = text(dashboard)
    assert "Contracts at risk (23)" in page
    assert "Showing the first 20 of 23. See all 23 contracts at risk" in page
    see_all = re.search(r'href="([^"]*risk=at_risk[^"]*)"', dashboard.content.decode())
    listed = client.get(see_all.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.context["total"] == 23
    assert len(listed.context["object_list"]) == 23


def test_a_short_panel_has_no_see_all_link(client_for, officer):
    ContractFactory(ends_on=datetime.date.today() + datetime.timedelta(days=60))
    page = text(client_for(officer).get("/workspace/"))
    assert "Contracts at risk (1)" in page
    assert "See all" not in page


def test_a_returned_draft_is_listed_once_waiting_for_its_author(
    client_for, officer, treasurer, make_draft, advance
):
    returned = advance(make_draft(), Status.SUBMITTED)
    returned.return_to_draft(by=treasurer, comments="Add the annual cost.")
    other = make_draft()

    response = client_for(officer).get("/workspace/")

    assert response.context["awaiting"] == [returned]
    assert response.context["drafts"] == [other]
    assert response.content.decode().count(f">{returned.reference} ") == 1


def test_waiting_for_you_leads_to_the_step_to_take(
    client_for, officer, treasurer, pcc, make_draft, advance
):
    waiting = advance(make_draft(), Status.SUBMITTED)
    html = client_for(treasurer).get("/workspace/").content.decode()
    sign_off = reverse("workspace:workflow-sign-off", args=[waiting.reference])
    assert f'href="{sign_off}">Sign off' in html

    returned = advance(make_draft(), Status.SUBMITTED)
    returned.return_to_draft(by=treasurer, comments="Add the annual cost.")
    html = client_for(officer).get("/workspace/").content.decode()
    edit = reverse("workspace:decision-edit", args=[returned.reference])
    assert f'href="{edit}">Make the changes' in html


def test_see_all_of_a_panel_lists_the_users_own(
    client_for, officer, treasurer, make_draft, advance
):
    for _ in range(12):
        advance(make_draft(), Status.SUBMITTED)
    make_draft()  # waits for its author, not the Treasurer

    client = client_for(treasurer)
    page = text(client.get("/workspace/"))
    assert "Showing the first 10 of 12. See all 12 decisions waiting for you" in page
    listed = client.get("/workspace/decisions/?mine=waiting")
    assert listed.context["total"] == 12
    mine = client_for(officer).get("/workspace/decisions/?mine=drafts")
    assert mine.context["total"] == 1


# -- the step indicator ------------------------------------------------------------------------


def steps(response) -> list[tuple[str, str]]:
    """(name, state) of each step the indicator shows."""
    html = response.content.decode()
    block = html[
        html.index('class="app-steps"') : html.index("</nav>", html.index('class="app-steps"'))
    ]
    return re.findall(
        r'app-steps__name">([^<]+)</span>\s*<span class="app-steps__state">([^<]+)<', block
    )


def test_the_record_shows_where_the_decision_stands(client_for, officer, make_draft, advance):
    decision = advance(make_draft(), Status.SIGNED_OFF)
    response = client_for(officer).get(
        reverse("workspace:decision-detail", args=[decision.reference])
    )
    assert steps(response) == [
        ("Submitted", "Done"),
        ("Treasurer", "Done"),
        ("Chief Executive and Monitoring Officer", "Now"),
        ("Police and Crime Commissioner", "Not yet"),
        ("Published", "Not yet"),
    ]
    assert 'aria-current="step"' in response.content.decode()


def test_force_business_has_the_chief_officers_step_and_others_do_not(
    client_for, chief_officer, officer, make_draft, advance
):
    force = advance(make_draft(is_force_business=True), Status.COMMENTED)
    response = client_for(chief_officer).get(
        reverse("workspace:workflow-approve-force-business", args=[force.reference])
    )
    assert ("Chief Officer", "Now") in steps(response)

    ordinary = advance(make_draft(), Status.COMMENTED)
    shown = steps(
        client_for(officer).get(reverse("workspace:decision-detail", args=[ordinary.reference]))
    )
    assert [name for name, _ in shown] == [
        "Submitted",
        "Treasurer",
        "Chief Executive and Monitoring Officer",
        "Police and Crime Commissioner",
        "Published",
    ]
    assert ("Police and Crime Commissioner", "Now") in shown


def test_a_form_without_a_treasurer_leaves_the_step_out(client_for, officer, make_draft):
    form = DecisionTemplateFactory(requires_treasurer=False)
    draft = make_draft(template=form)
    shown = steps(
        client_for(officer).get(reverse("workspace:decision-detail", args=[draft.reference]))
    )
    assert [name for name, _ in shown][:2] == [
        "Submitted",
        "Chief Executive and Monitoring Officer",
    ]
    assert shown[0] == ("Submitted", "Now")


# -- what a signer signs -----------------------------------------------------------------------


def test_the_sign_off_page_shows_the_content_being_signed(
    client_for, treasurer, make_draft, advance
):
    decision = advance(make_draft(), Status.SUBMITTED)
    page = text(
        client_for(treasurer).get(reverse("workspace:workflow-sign-off", args=[decision.reference]))
    )
    assert "What you are signing" in page
    assert "Background information" in page
    assert "no extension options left" in page  # a section's text
    assert "What changed since you last saw it" not in page


def test_a_signer_who_saw_it_before_sees_what_changed_since(
    client_for, officer, treasurer, make_draft, advance
):
    decision = advance(make_draft(), Status.SUBMITTED)
    decision.return_to_draft(by=treasurer, comments="Add the annual cost.")
    section = decision.sections.get(heading="Costs (including any identified savings)")
    section.text = "The annual cost is 412,750 pounds."
    section._history_user = officer
    section.save()
    decision.submit(by=officer)

    page = text(
        client_for(treasurer).get(reverse("workspace:workflow-sign-off", args=[decision.reference]))
    )
    assert "What changed since you last saw it" in page
    assert "The annual cost is 412,750 pounds." in page
    assert "Met from the commissioning budget." in page  # the text before


def test_steps_that_do_not_sign_do_not_show_it(client_for, officer, make_draft):
    draft = make_draft()
    page = text(
        client_for(officer).get(reverse("workspace:workflow-submit", args=[draft.reference]))
    )
    assert "What you are signing" not in page
    assert ("Submitted", "Now") in steps(
        client_for(officer).get(reverse("workspace:workflow-submit", args=[draft.reference]))
    )


def test_a_decision_not_approved_says_so_and_is_not_published(
    client_for, officer, make_draft, advance
):
    decision = advance(make_draft(), Status.NOT_APPROVED)
    shown = steps(
        client_for(officer).get(reverse("workspace:decision-detail", args=[decision.reference]))
    )
    assert shown[-2:] == [
        ("Police and Crime Commissioner", "Not approved"),
        ("Published", "Not taken"),
    ]


def test_a_published_decision_has_every_step_done(client_for, officer, make_draft, advance):
    decision = advance(make_draft(), Status.PUBLISHED)
    shown = steps(
        client_for(officer).get(reverse("workspace:decision-detail", args=[decision.reference]))
    )
    assert {state for _, state in shown} == {"Done"}


def test_a_panel_without_a_list_page_still_says_how_many_there_are(client_for, officer):
    today = datetime.date.today()
    for _ in range(22):
        partner = ArrangementPartnerFactory()
        PartnerPositionFactory(partner=partner, as_of=today - datetime.timedelta(days=200))
        PartnerPositionFactory(
            partner=partner, position="separate", as_of=today - datetime.timedelta(days=5)
        )

    page = text(client_for(officer).get("/workspace/"))

    assert "Partners who changed position (22)" in page
    assert "Showing the first 20 of 22 changes." in page


def test_recently_published_links_to_every_published_decision(client_for, officer):
    DecisionFactory(status=Status.PUBLISHED, published_on=datetime.date.today())
    html = client_for(officer).get("/workspace/").content.decode()
    assert 'href="/workspace/decisions/?status=published">See all published decisions' in html
