"""A decision taken off the public register keeps its address: a withdrawn or superseded
decision answers 410 Gone with a short notice of what became of it, naming the published
decision that replaced it, and showing nothing else of the record."""

import pytest
from django.utils import timezone

from commissioning.templatetags.registers import long_date
from decisions.models import Decision
from tests.factories import DecisionFactory
from tests.publication.conftest import costs_withheld, public_section

pytestmark = pytest.mark.django_db

# Planted in every part of the record: none may be on the notice.
MARKERS = {
    "title": "Qz7TitleMarker",
    "summary": "Qz7SummaryMarker",
    "public section": "Qz7PublicSectionMarker",
    "withheld section": "Qz7WithheldMarker",
    "reason": "Qz7ReasonMarker",
}


@pytest.fixture
def earlier(make_decision, officer):
    return make_decision(
        reference="WPCC3-0058",
        title=f"Victim services extension {MARKERS['title']}",
        summary=f"Extends the contracts. {MARKERS['summary']}",
        sections=[
            public_section("Background information", MARKERS["public section"]),
            costs_withheld(MARKERS["withheld section"]),
        ],
        publish_by=officer,
    )


def addresses(decision: Decision) -> list[str]:
    return [decision.get_absolute_url(), f"/decisions/{decision.reference}.pdf"]


def notice_at(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 410, address
    page = response.content.decode()
    assert "Decision WPCC3-0058 is no longer published" in page
    for part, marker in MARKERS.items():
        assert marker not in page, part
    return page


def test_a_superseded_decision_names_the_published_decision_that_replaced_it(
    earlier, make_decision, officer, member_of_public
):
    later = make_decision(reference="WPCC3-0070", title="Victim services", publish_by=officer)
    earlier.supersede(by=officer, by_decision=later)

    for address in addresses(earlier):
        page = notice_at(member_of_public, address)
        assert f"It was superseded by a later decision on {long_date(timezone.localdate())}" in (
            page
        )
        assert f'href="{later.get_absolute_url()}">decision WPCC3-0070</a>' in page


def test_a_successor_not_yet_published_is_not_named(
    earlier, make_decision, officer, member_of_public
):
    later = make_decision(reference="WPCC3-0071", title="Approved, not yet published")
    assert later.status == Decision.Status.APPROVED
    earlier.supersede(by=officer, by_decision=later)

    page = notice_at(member_of_public, earlier.get_absolute_url())

    assert "It was superseded by a later decision" in page
    assert "WPCC3-0071" not in page and "Approved, not yet published" not in page


def test_a_withdrawn_decision_says_when_but_not_why(earlier, officer, member_of_public):
    earlier.withdraw(by=officer, reason=f"Published in error. {MARKERS['reason']}")

    for address in addresses(earlier):
        page = notice_at(member_of_public, address)
        assert f"It was withdrawn from publication on {long_date(timezone.localdate())}" in page


def test_they_stay_off_the_register_search_feed_and_sitemap(
    earlier, make_decision, officer, member_of_public
):
    later = make_decision(reference="WPCC3-0070", publish_by=officer)
    earlier.supersede(by=officer, by_decision=later)

    for address in ("/decisions/", "/decisions/?q=victim", "/decisions/feed/", "/sitemap.xml"):
        assert "WPCC3-0058" not in member_of_public.get(address).content.decode(), address


@pytest.mark.parametrize("step", ["supersede", "withdraw"])
def test_a_decision_never_published_is_still_not_found(step, make_decision, officer, client):
    approved = make_decision(reference="WPCC3-0058")  # approved, never published
    if step == "supersede":
        approved.supersede(by=officer, by_decision=make_decision(reference="WPCC3-0070"))
    else:
        DecisionFactory(reference="WPCC3-0059", status=Decision.Status.WITHDRAWN)
        approved = Decision.objects.get(reference="WPCC3-0059")

    for address in addresses(approved):
        assert client.get(address).status_code == 404
    assert client.get("/decisions/NO-SUCH-1/").status_code == 404
