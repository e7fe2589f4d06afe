"""Decision records dated to the month or the year, or published on a day the office did not
keep: imported, shown and exported as they are, and read back the same."""

import csv
import io

import pytest
from django.urls import reverse

from commissioning.dates import PreciseDate
from decisions.importing import DecisionImport
from decisions.models import Decision, DecisionStatus
from tests.importing.test_decision_import import decision_row, imported
from tests.importing.test_round_trip import main_content, wipe_decisions

pytestmark = pytest.mark.django_db

UNSIGNED = {"signed_by": "", "signature": "", "signed_on": ""}


def old_record(**fields) -> dict:
    return decision_row(**{**UNSIGNED, **fields})


def test_a_decision_dated_to_the_month_reads_as_the_month_everywhere(officer, client):
    imported(
        [old_record(received_on="2021", decided_on="March 2021", published_on="2021-04")],
        by=officer,
    )

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.decided == PreciseDate.of(2021, 3)
    assert decision.received == PreciseDate.of(2021)
    page = main_content(client.get("/decisions/WPCC3-0058/"))
    assert "March 2021" in page
    assert "April 2021" in page
    assert "1 March 2021" not in page
    pdf_text = client.get("/decisions/WPCC3-0058.pdf")
    assert pdf_text.status_code == 200
    [exported] = client.get("/decisions.json").json()["decisions"]
    assert (exported["received_on"], exported["decided_on"], exported["published_on"]) == (
        "2021",
        "2021-03",
        "2021-04",
    )
    register = client.get("/decisions/?year=2021").content.decode()
    assert "WPCC3-0058" in register  # the year filter finds a date known to the month


def test_a_year_only_date_and_no_publication_date_are_not_made_up(officer, client):
    imported(
        [old_record(decided_on="2019", received_on="", published_on="", status="published")],
        by=officer,
    )

    decision = Decision.objects.get(reference="WPCC3-0058")
    assert decision.status == DecisionStatus.PUBLISHED
    assert decision.decided == PreciseDate.of(2019)
    assert decision.published_on is None
    page = main_content(client.get("/decisions/WPCC3-0058/"))
    assert "2019" in page
    assert "Not recorded" in page
    [exported] = client.get("/decisions.json").json()["decisions"]
    assert exported["decided_on"] == "2019"
    assert "published_on" not in exported


def test_the_workspace_csv_gives_a_date_at_its_precision(officer, client_for):
    imported([old_record(decided_on="March 2021", published_on="")], by=officer)

    content = (
        client_for(officer).get(reverse("workspace:decision-export")).content.decode("utf-8-sig")
    )
    [row] = list(csv.DictReader(io.StringIO(content)))
    assert row["Date of decision"] == "2021-03"
    assert row["Date published"] == ""


def test_decisions_json_round_trip_keeps_the_precision_and_the_unknown(officer, client):
    imported(
        [
            old_record(
                decided_on="March 2021", received_on="2021", published_on="", status="published"
            ),
            old_record(reference="WPCC3-0059", decided_on="2019", published_on="2020"),
        ],
        by=officer,
    )
    exported = client.get("/decisions.json")
    pages = {
        reference: main_content(client.get(f"/decisions/{reference}/"))
        for reference in ("WPCC3-0058", "WPCC3-0059")
    }
    wipe_decisions()

    result = DecisionImport(exported.content, "decisions.json")
    assert result.is_valid, [str(problem) for problem in result.problems]
    result.write(by=officer)

    assert client.get("/decisions.json").content == exported.content
    for reference, before in pages.items():
        assert main_content(client.get(f"/decisions/{reference}/")) == before
    assert Decision.objects.get(reference="WPCC3-0058").published_on is None
