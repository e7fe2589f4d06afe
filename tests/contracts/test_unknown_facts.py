"""A contract whose supplier or dates are not known, and dates known only to the month or the
year: imported as they are, shown as "Not recorded" or the month, never made up."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from commissioning.dates import PreciseDate
from contracts.importing import ContractImport
from contracts.models import Contract, ContractStatus
from tests.factories import ContractFactory
from tests.importing.test_contract_import import council_row, imported
from tests.publication.test_open_data import package_validator
from tests.workspace.conftest import form_fields

pytestmark = pytest.mark.django_db

D = datetime.date
NO_FACTS = {
    "Supplier Name": "",
    "Supplier Registration Number": "",
    "Start Date": "",
    "End Date": "",
    "Review Date": "",
    "SME": "",
    "VCSE": "",
}


def csv_row(client, reference: str) -> dict:
    rows = csv.DictReader(io.StringIO(client.get("/contracts.csv").content.decode("utf-8")))
    return next(row for row in rows if row["Reference"] == reference)


def ocds_releases(client, reference_key: str) -> tuple[dict, list[dict]]:
    package = client.get("/contracts/ocds.json").json()
    errors = list(package_validator().iter_errors(package))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    releases = [r for r in package["releases"] if r["id"].startswith(reference_key)]
    return package, releases


def test_a_row_with_no_supplier_and_no_dates_is_imported_as_not_recorded(officer, client):
    imported([council_row(**{"Reference Number": "RETENDER-1", **NO_FACTS})], by=officer)

    contract = Contract.objects.get(reference="RETENDER-1")
    assert (contract.provider, contract.starts_on, contract.ends_on) == (None, None, None)
    assert contract.status == ContractStatus.ACTIVE

    assert "RETENDER-1" in client.get("/contracts/").content.decode()
    page = client.get("/contracts/RETENDER-1/").content.decode()
    assert "Not recorded" in page
    row = csv_row(client, "RETENDER-1")
    assert (row["Supplier name"], row["Start date"], row["End date"]) == ("", "", "")

    _package, releases = ocds_releases(client, f"contract-{contract.pk}")
    assert releases
    for release in releases:
        assert "suppliers" not in str(release)
        assert all(party["roles"] != ["supplier"] for party in release["parties"])
        for item in release.get("contracts", []):
            assert "period" not in item
    # Dated by when the register first held it, not by a start made up for it.
    assert releases[0]["date"].startswith(contract.created_at.date().isoformat()[:4])


def test_dates_known_to_the_month_or_year_are_kept_so_on_page_csv_and_ocds(officer, client):
    imported(
        [
            council_row(
                **{"Reference Number": "OLD-1", "Start Date": "April 2018", "End Date": "2024"}
            )
        ],
        by=officer,
    )

    contract = Contract.objects.get(reference="OLD-1")
    assert contract.starts == PreciseDate.of(2018, 4)
    assert contract.ends == PreciseDate.of(2024)
    assert contract.status == ContractStatus.ENDED  # 2024 is over by its last day
    page = client.get("/contracts/OLD-1/").content.decode()
    assert "April 2018 to 2024" in page
    row = csv_row(client, "OLD-1")
    assert (row["Start date"], row["End date"]) == ("2018-04", "2024")
    _package, releases = ocds_releases(client, f"contract-{contract.pk}")
    award = next(r for r in releases if "award" in r["tag"])
    # OCDS holds date-times only: a month or a year is given as its first day.
    period = award["awards"][0]["contractPeriod"]
    assert period["startDate"].startswith("2018-04-01T00:00:00")
    assert period["endDate"].startswith("2024-01-01T00:00:00")


def test_the_public_csv_round_trip_keeps_the_precision_and_the_unknown(officer, client):
    imported(
        [
            council_row(
                **{"Reference Number": "OLD-1", "Start Date": "2018-04", "End Date": "2024"}
            ),
            council_row(**{"Reference Number": "RETENDER-1", **NO_FACTS}),
        ],
        by=officer,
    )
    before = client.get("/contracts.csv").content
    for contract in Contract.objects.all():
        contract.delete()

    result = ContractImport(before, "contracts.csv")
    assert result.is_valid, [str(p) for p in result.problems]
    result.write(by=officer)

    assert client.get("/contracts.csv").content == before
    assert Contract.objects.get(reference="OLD-1").starts == PreciseDate.of(2018, 4)
    assert Contract.objects.get(reference="RETENDER-1").provider is None


@pytest.fixture
def unknown(officer):
    return ContractFactory(
        reference="PREFERRED-1",
        title="Preferred bidder stage",
        provider=None,
        starts_on=None,
        ends_on=None,
        status=ContractStatus.PLANNED,
    )


def test_workspace_pages_show_a_contract_without_facts_as_not_recorded(
    client_for, officer, unknown
):
    ContractFactory(reference="KNOWN-1", ends_on=D(2030, 3, 31))
    client = client_for(officer)

    listing = client.get(reverse("workspace:contract-list") + "?sort=ends").content.decode()
    assert listing.index("KNOWN-1") < listing.index("PREFERRED-1")  # not known sorts last
    assert "Not recorded" in listing
    detail = client.get(reverse("workspace:contract-detail", args=[unknown.pk])).content.decode()
    assert "Not recorded to Not recorded" in detail
    assert "provider=None" not in detail
    for sort in ("-ends", "provider"):
        assert client.get(reverse("workspace:contract-list") + f"?sort={sort}").status_code == 200
    for group in ("provider", "lot"):
        timeline = client.get(reverse("workspace:timeline") + f"?group={group}")
        assert timeline.status_code == 200
        assert "PREFERRED-1" in timeline.content.decode()
    assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_an_extension_of_a_contract_whose_end_is_not_recorded_is_refused(
    client_for, officer, unknown
):
    client = client_for(officer)
    url = reverse("workspace:contract-extend", args=[unknown.pk])

    response = client.post(
        url,
        {
            "kind": "extension",
            "new_end_day": "31",
            "new_end_month": "3",
            "new_end_year": "2026",
            "basis": "exemption",
            "reason": "Re-tender aborted",
        },
    )

    assert "end date is not recorded" in response.content.decode()
    assert not unknown.extensions.exists()


def test_a_contract_is_entered_with_an_end_known_only_to_the_month(client_for, officer, unknown):
    client = client_for(officer)
    url = reverse("workspace:contract-edit", args=[unknown.pk])
    data = form_fields(client.get(url))
    data.update({"ends_on_day": "", "ends_on_month": "3", "ends_on_year": "2027"})

    client.post(url, data)

    unknown.refresh_from_db()
    assert unknown.ends == PreciseDate.of(2027, 3)
    assert (
        "to March 2027"
        in client.get(reverse("workspace:contract-detail", args=[unknown.pk])).content.decode()
    )


def test_a_phase_is_entered_with_dates_known_to_the_month_and_the_year(client_for, officer):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    client = client_for(officer)

    client.post(
        reverse("workspace:phase-create", args=[programme.pk]),
        {
            "name": "Re-tender",
            "starts_on_day": "",
            "starts_on_month": "9",
            "starts_on_year": "2025",
            "ends_on_day": "",
            "ends_on_month": "",
            "ends_on_year": "2026",
        },
    )

    phase = programme.phases.get()
    assert (phase.starts, phase.ends) == (PreciseDate.of(2025, 9), PreciseDate.of(2026))
    page = client.get(reverse("workspace:programme-detail", args=[programme.pk])).content.decode()
    assert "September 2025 to 2026" in page


def test_extending_a_contract_that_ends_in_a_month_keeps_the_month_as_the_end_before(
    officer, client
):
    contract = ContractFactory(reference="MONTHLY-1", status=ContractStatus.ACTIVE)
    contract.ends = PreciseDate.of(2025, 3)
    contract.save()

    extension = contract.extend(
        new_end=D(2026, 3, 31), reason="A year more", basis="exemption", by=officer
    )

    contract.refresh_from_db()
    assert contract.ends == PreciseDate(D(2026, 3, 31))
    assert extension.previous_ends == PreciseDate.of(2025, 3)
    page = client.get("/contracts/MONTHLY-1/").content.decode()
    assert "from March 2025 to 31 March 2026" in page
