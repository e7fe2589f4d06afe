"""What a public record says of the decisions it links to outside the register, the providers
it concerns directly, its rounds of grants, a delegate's delegation, and a record whose papers
are restricted: on the page, in the PDF and in /decisions.json, which imports into another
install with nothing lost."""

import datetime
from decimal import Decimal

import pytest

from contracts.models import Provider
from decisions.importing import DecisionImport
from decisions.models import (
    Award,
    Decision,
    DecisionLink,
    DecisionProvider,
    Delegation,
    Exemption,
    Signature,
    WorkflowEvent,
)
from decisions.publication import record_version
from tests.factories import (
    AwardFactory,
    DecisionLinkFactory,
    DecisionProviderFactory,
    DelegationFactory,
    ProviderFactory,
)
from tests.publication.leaks import readings_of_pdf

pytestmark = pytest.mark.django_db

D = datetime.date
SECRET_SECTION = "qxbrmtkpzd the papers of the operation"


@pytest.fixture
def register(make_decision, officer):
    """A published record with all of it, a record whose papers are restricted, and a draft."""
    scheme = DelegationFactory(
        delegate_name="Chief Executive",
        delegate_role="Chief Executive and Monitoring Officer",
        instrument="Scheme of Consent and Delegation 2021",
        instrument_reference="SCD-2021",
        instrument_url="https://www.example.gov.uk/scheme-2021.pdf",
        starts_on=D(2021, 5, 13),
    )
    delegation = DelegationFactory(
        delegate_name="Chief Finance Officer",
        delegate_role="Treasurer",
        instrument="Letter of delegation to the Chief Finance Officer",
        instrument_reference="LD-7",
        starts_on=D(2022, 1, 4),
        ends_on=D(2024, 5, 1),
        made_under=scheme,
        officers_consulted="qxcnvhtrwk the head of procurement",
    )
    full = make_decision(
        reference="WPCC3-0071",
        title="Community safety fund 2023",
        decision_maker="delegate",
        delegation=delegation,
    )
    AwardFactory(
        decision=full,
        recipient="",
        applications=12,
        funded=8,
        amount=Decimal("84000.00"),
        purpose="Community safety fund",
    )
    DecisionProviderFactory(
        decision=full, provider=ProviderFactory(name="Warwickshire CIC"), role="created"
    )
    DecisionLinkFactory(
        from_decision=full,
        to_decision=None,
        to_reference="33/16",
        to_title="Victim services grant 2016",
        to_date=D(2016, 7, 1),
        to_url="https://www.example.gov.uk/decisions/33-16.pdf",
    )
    full.publish(by=officer)
    restricted = make_decision(
        reference="WPCC3-0072",
        title="Support for a covert operation",
        summary="To fund the support of a police operation.",
        papers_restricted=True,
        papers_exemption=Exemption.S31,
        papers_public_interest="Publishing the papers would prejudice the operation.",
        sections=[{"heading": "Background information", "text": SECRET_SECTION}],
        publish_by=officer,
    )
    return full, restricted


def test_the_page_shows_links_outside_the_register_providers_rounds_and_the_delegation(
    register, client
):
    page = client.get("/decisions/WPCC3-0071/").content.decode()

    assert (
        'Follows <a class="govuk-link" href="https://www.example.gov.uk/decisions/33-16.pdf">'
        "33/16: Victim services grant 2016</a>"
    ) in page
    assert "1 July 2016, not in this register" in page
    assert "Warwickshire CIC: created by the decision" in page
    assert "A round of grants: 12 applications, 8 funded" in page
    assert "£84,000.00" in page
    assert "Letter of delegation to the Chief Finance Officer</a> (LD-7)" not in page
    assert "Letter of delegation to the Chief Finance Officer (LD-7)" in page
    assert "in force from 4 January 2022 to 1 May 2024" in page
    assert "Made under: " in page
    assert 'href="https://www.example.gov.uk/scheme-2021.pdf">Scheme of Consent' in page
    assert "qxcnvhtrwk" not in page


def test_the_pdf_says_the_same(register, client):
    text = readings_of_pdf(client.get("/decisions/WPCC3-0071.pdf").content)["extracted text"]
    flat = " ".join(text.split())

    assert "33/16: Victim services grant 2016" in flat
    assert "Warwickshire CIC: created by the decision" in flat
    assert "A round of grants: 12 applications, 8 funded" in flat
    assert "in force from 4 January 2022 to 1 May 2024" in flat


def test_a_record_with_restricted_papers_shows_its_summary_maker_and_reason_only(register, client):
    page = client.get("/decisions/WPCC3-0072/").content.decode()
    pdf = " ".join(
        readings_of_pdf(client.get("/decisions/WPCC3-0072.pdf").content)["extracted text"].split()
    )

    for text in (page, pdf):
        assert "To fund the support of a police operation." in text
        assert "Philip Seccombe" in text
        assert "Withheld under section 31 of the Freedom of Information Act 2000" in text
        assert "Publishing the papers would prejudice the operation." in text
        assert "qxbrmtkpzd" not in text
        assert "Background information" not in text
    assert "Public summary, papers restricted" in page
    assert "Category</dt>" not in page


def test_a_link_made_before_the_register_held_the_decision_reads_as_its_record(
    register, client, officer, make_decision
):
    later = make_decision(reference="33/16", title="Victim services grant (as registered)")
    # The link now goes to the register's record, shown once it is published.
    assert DecisionLink.objects.get(to_reference="33/16").to_decision == later
    assert "33/16" not in client.get("/decisions/WPCC3-0071/").content.decode()

    # Added without the register's own save (a bulk load): read as the register's record.
    DecisionLink.objects.filter(to_reference="33/16").update(to_decision=None)
    later.publish(by=officer)
    page = client.get("/decisions/WPCC3-0071/").content.decode()

    assert 'href="/decisions/33/16/">33/16: Victim services grant (as registered)</a>' in page


def test_the_json_export_gives_all_of_it(register, client):
    exported = {
        item["reference"]: item for item in client.get("/decisions.json").json()["decisions"]
    }

    full, restricted = exported["WPCC3-0071"], exported["WPCC3-0072"]
    assert full["links"] == [
        {
            "kind": "follows",
            "reference": "33/16",
            "title": "Victim services grant 2016",
            "date": "2016-07-01",
            "url": "https://www.example.gov.uk/decisions/33-16.pdf",
        }
    ]
    assert full["providers"] == [{"name": "Warwickshire CIC", "role": "created"}]
    assert full["awards"] == [
        {"amount": "84000.00", "purpose": "Community safety fund", "applications": 12, "funded": 8}
    ]
    assert full["delegation_instrument_reference"] == "LD-7"
    assert full["delegation_ends_on"] == "2024-05-01"
    assert full["delegation_made_under"][0]["instrument"] == "Scheme of Consent and Delegation 2021"
    assert restricted["confidentiality"] == "restricted"
    assert restricted["papers_exemption"] == "s31"
    assert "sections" not in restricted and "category" not in restricted
    assert "qxcnvhtrwk" not in str(exported)


def wipe() -> None:
    for model in (WorkflowEvent, Signature, DecisionLink, Decision):
        for row in model.objects.all():
            row.delete()
    # Those made under another first: a delegation protects those made under it.
    for made_under_another in (True, False):
        for delegation in Delegation.objects.filter(made_under__isnull=not made_under_another):
            delegation.delete()
    for provider in Provider.objects.all():
        provider.delete()


def main_content(response) -> str:
    page = response.content.decode("utf-8")
    return page[page.index("<main") : page.index("</main>")]


def test_the_export_imported_into_an_empty_register_reproduces_it(register, client, officer):
    exported = client.get("/decisions.json")
    pages = {
        ref: main_content(client.get(f"/decisions/{ref}/")) for ref in ("WPCC3-0071", "WPCC3-0072")
    }
    wipe()

    result = DecisionImport(exported.content, "decisions.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    assert result.warnings == [], [str(warning) for warning in result.warnings]
    result.write(by=officer)

    assert client.get("/decisions.json").json() == exported.json()
    for reference, before in pages.items():
        assert main_content(client.get(f"/decisions/{reference}/")) == before, reference
    assert Award.objects.get().applications == 12
    assert DecisionProvider.objects.get().provider.name == "Warwickshire CIC"
    imported = Decision.objects.get(reference="WPCC3-0071").delegation
    assert (imported.instrument_reference, imported.made_under.instrument_reference) == (
        "LD-7",
        "SCD-2021",
    )


def test_the_record_version_changes_with_its_providers_and_delegations(register):
    before = record_version("WPCC3-0071").etag
    provider = Provider.objects.get(name="Warwickshire CIC")
    provider.name = "Warwickshire Community Safety CIC"
    provider.save()
    renamed = record_version("WPCC3-0071").etag
    scheme = Delegation.objects.get(instrument_reference="SCD-2021")
    scheme.instrument_url = "https://www.example.gov.uk/scheme-2021-revised.pdf"
    scheme.save()

    assert len({before, renamed, record_version("WPCC3-0071").etag}) == 3


def test_the_record_version_follows_the_register_record_its_outside_link_names(
    register, make_decision
):
    """The record links to 33/16 outside the register. Once the register holds a decision of
    that reference the page shows its record, so a change to that record changes the page's
    version, even while the link itself still names it only by reference."""
    earlier = make_decision(reference="33/16", title="The earlier decision, now in the register")
    DecisionLink.objects.filter(to_reference="33/16").update(to_decision=None)  # by name only
    unrelated = make_decision(reference="WPCC3-0090", title="Another decision")
    DecisionLinkFactory(from_decision=unrelated, to_decision=None, to_reference="WPCC3-0090")
    before = record_version("WPCC3-0071").etag

    unrelated.title = "Another decision, renamed"
    unrelated.save()
    assert record_version("WPCC3-0071").etag == before  # another record's links are not its
    earlier.title = "The earlier decision, renamed"
    earlier.save()

    assert record_version("WPCC3-0071").etag != before
