"""A decision's figures withheld (or on a record whose figures are not public at all) reach no
public surface: no page, PDF, JSON, feed, sitemap, e-mail, nor a filter or sort of the
register that would find the decision by its value.

Each planted figure is a marker, in every way it could be written ("73918264.57",
"73,918,264.57", "73918264"): the withheld value, its yearly figures and its funders'
amounts; the value of a wholly confidential record, of one whose papers are restricted, and
of a draft. A public figure is planted too, to show the checker sees figures at all.
"""

from decimal import Decimal

import pytest

from decisions.models import DecisionMoney, Exemption, FundingSource, YearlyFigure
from tests.factories import PartnerBodyFactory
from tests.publication.conftest import costs_withheld, public_section
from tests.publication.leaks import assert_no_leaks, find_leaks
from tests.publication.test_alerts import confirmed
from tests.publication.test_no_leaks import START, crawl, readings

PUBLIC_VALUE = Decimal("52846193.27")
# The whole numbers of the planted figures: every writing of each contains one of these.
SECRETS = {
    "withheld value": Decimal("73918264.57"),
    "withheld year": Decimal("61829374.19"),
    "withheld funder": Decimal("48271936.53"),
    "confidential record": Decimal("39182746.11"),
    "restricted papers": Decimal("27364918.45"),
    "draft": Decimal("18273645.92"),
}


def writings(amount: Decimal) -> list[str]:
    whole = int(amount)
    return [str(whole), f"{whole:,}", f"{amount:,.2f}"]


MARKERS = [writing for amount in SECRETS.values() for writing in writings(amount)]


def give_money(decision, value, *, withheld=False, year=None, funder=None, partner=None):
    money = DecisionMoney(decision=decision, value=value, spend_type="revenue", budget="Grants")
    if withheld:
        money.is_withheld = True
        money.exemption = Exemption.S43_2
        money.public_interest_statement = "Prices are commercially sensitive until the tender."
    money.full_clean()
    money.save()
    if year is not None:
        YearlyFigure.objects.create(decision=decision, year=2025, amount=year)
    if funder is not None:
        FundingSource.objects.create(
            decision=decision, partner=partner, amount=funder, percentage=Decimal("40")
        )


@pytest.fixture
def money_decisions(make_decision, officer):
    partner = PartnerBodyFactory(name="Warwickshire County Council")
    public = make_decision(reference="MONEY-PUBLIC", summary="Figures public.")
    give_money(public, PUBLIC_VALUE, year=Decimal("1000.00"))
    withheld = make_decision(
        reference="MONEY-WITHHELD",
        summary="Figures withheld.",
        sections=[public_section("Background information", "Public background.")],
    )
    give_money(
        withheld,
        SECRETS["withheld value"],
        withheld=True,
        year=SECRETS["withheld year"],
        funder=SECRETS["withheld funder"],
        partner=partner,
    )
    confidential = make_decision(
        reference="MONEY-CONFIDENTIAL",
        public_subject="A confidential matter",
        sections=[costs_withheld("All of it is withheld.")],
    )
    give_money(confidential, SECRETS["confidential record"])
    restricted = make_decision(
        reference="MONEY-RESTRICTED",
        papers_restricted=True,
        papers_exemption=Exemption.S31,
        papers_public_interest="Publishing the papers would prejudice an investigation.",
    )
    give_money(restricted, SECRETS["restricted papers"])
    draft = make_decision(reference="MONEY-DRAFT")
    give_money(draft, SECRETS["draft"])
    published = [public, withheld, confidential, restricted]
    for decision in published:
        decision.refresh_confidentiality(by=officer)
        decision.publish(by=officer)
        decision.refresh_from_db()
    return published


def test_withheld_and_confidential_figures_reach_no_public_surface(
    money_decisions, client, mailoutbox, django_capture_on_commit_callbacks
):
    public, withheld, confidential, restricted = money_decisions
    assert withheld.confidentiality == "partly"
    assert confidential.is_wholly_confidential and restricted.papers_are_restricted
    lists = [
        "/decisions.json",
        "/decisions/?sort=value_high",
        "/decisions/?sort=value_low",
        "/decisions.json?sort=value_high",
        "/decisions/?value_min=1",
    ]
    pages = crawl(client, START + lists)
    for decision in money_decisions:
        for path in (
            decision.get_absolute_url(),
            f"/decisions/{decision.reference}.pdf",
            f"/decisions/{decision.reference}.json",
        ):
            assert pages.get(path) is not None, f"{path} is not linked from the register"
    leaks = []
    for path, response in pages.items():
        assert response.status_code in (200, 404), (path, response.status_code)
        leaks += find_leaks(path, readings(response), MARKERS)
    assert_no_leaks(leaks)

    # The checker sees a public figure where it is shown.
    page = pages[public.get_absolute_url()].content.decode()
    assert "£52,846,193.27" in page
    withheld_page = pages[withheld.get_absolute_url()].content.decode()
    assert "Withheld under section 43(2)" in withheld_page
    assert "Warwickshire County Council" in withheld_page

    # A range of values finds no decision by a figure the public may not see.
    for secret in SECRETS.values():
        low, high = int(secret) - 1, int(secret) + 1
        response = client.get("/decisions/", {"value_min": low, "value_max": high})
        assert response.status_code == 200
        assert "0 decisions" in response.content.decode(), secret

    # The alert e-mail of a publication.
    confirmed("all@example.org")
    from decisions.alerts import alert_publication

    with django_capture_on_commit_callbacks(execute=True):
        for decision in money_decisions:
            alert_publication.enqueue(decision.reference)
    for message in mailoutbox:
        leaks += find_leaks("e-mail", {"text": message.subject + message.body}, MARKERS)
    assert_no_leaks(leaks)


def test_the_register_list_shows_the_value_the_public_may_see_beside_each_decision(
    money_decisions, client
):
    """Sorted by value, each row says the value it was sorted by; a row whose figures are not
    public says none (the test above proves no withheld figure is written anywhere)."""
    page = client.get("/decisions/", {"sort": "value_high"}).content.decode()

    rows = page.split('class="app-results__item"')[1:]
    assert "Value £52,846,193.27" in rows[0] and "MONEY-PUBLIC" in rows[0]
    assert all("Value £" not in row for row in rows[1:])
