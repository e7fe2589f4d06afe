"""The benchmark's measurements of the background work (issue 25), without running the bench:
publishing and saving as the bench posts them, the alerts' timing through a real local SMTP
server, and the report's targets."""

import smtplib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient

from benchmark import background, report
from benchmark.client import Sample
from benchmark.seed import OFFICER, Size, seed
from decisions.models import Decision, Subscription


class AnsweredByDjango:
    """The bench's HTTP client's two calls, answered by Django's test client."""

    def __init__(self, client: DjangoClient) -> None:
        self.client = client

    def _sample(self, response) -> Sample:
        return Sample(
            response.status_code, 0.001, None, len(response.content), {}, response.content
        )

    def get(self, path: str, headers=None) -> Sample:
        return self._sample(self.client.get(path))

    def request(self, method: str, path: str, body=None, headers=None) -> Sample:
        response = self.client.generic(
            method, path, body or "", content_type="application/x-www-form-urlencoded"
        )
        return self._sample(response)


@pytest.mark.django_db
def test_the_bench_publishes_and_saves_drafts_as_an_officer_would():
    seed(Size.for_decisions(60))
    officer = DjangoClient()
    officer.force_login(get_user_model().objects.get(username=OFFICER))

    saved, published, references = background.publish_against_save(AnsweredByDjango(officer), 2)

    assert len(references) == 2
    assert saved["statuses"] == [302] and published["statuses"] == [302]
    assert set(
        Decision.objects.filter(reference__in=references).values_list("status", flat=True)
    ) == {"published"}


@pytest.mark.django_db
def test_the_readers_added_for_the_alerts_are_confirmed_followers_of_every_decision():
    background.add_subscribers(5)

    following = Subscription.objects.confirmed().filter(
        topic=Subscription.Topic.DECISIONS, frequency=Subscription.Frequency.IMMEDIATE
    )
    assert following.count() == 5


def test_the_mail_sink_times_each_alert_and_the_rate_is_read_from_the_arrivals():
    with background.MailSink() as sink:
        with smtplib.SMTP("127.0.0.1", sink.port) as server:
            for number in range(3):
                server.sendmail("a@opcc.example", [f"r{number}@example.org"], "Subject: x\n\nx")
    assert len(sink.arrived) == 3

    rate = background.alert_rate([10.0, 10.1, 10.5, 10.95, 11.2, 13.0], published_at=9.0)
    assert rate["sent"] == 6
    assert rate["seconds"] == 4.0
    assert rate["peak_per_second"] == 4  # 10.0 to 10.95
    assert background.alert_rate([], published_at=9.0)["seconds"] is None


def test_the_report_gives_the_background_targets_met_or_not():
    def timed(median=10.0, rps=100.0, statuses=(302,)):
        return {"median_ms": median, "p95_ms": median, "rps": rps, "statuses": list(statuses)}

    measured = {
        "save_draft": timed(100.0),
        "publish": timed(110.0),
        "pdf_first_after_publishing": timed(rps=300.0, statuses=[200]),
        "pdf_first_static": timed(rps=1000.0, statuses=[200]),
    }
    for name in background.DOWNLOADS:
        measured[name] = timed(rps=600.0, statuses=[200])
        measured[f"{name}_static"] = timed(rps=1000.0, statuses=[200])
    measured["export_ocds"] = timed(rps=400.0, statuses=[200])
    alerts = {"sent": 1000, "seconds": 31.5, "peak_per_second": 40, "limit_per_second": 40}
    results = {"background": measured, "alerts": alerts}

    targets = report.build_targets(results)

    assert targets["publish / save draft (median)"] == {"value": 1.1, "limit": 1.2, "met": True}
    assert targets["PDF first request after publishing rps / static file rps"]["met"] is False
    assert targets["export_contracts_csv (full, from storage) rps / static file rps"]["met"]
    assert not targets["export_ocds (full, from storage) rps / static file rps"]["met"]
    assert targets["alerts to 1,000 readers: seconds to send all"]["met"] is True
    assert targets["alerts: most sent in one second"]["met"] is True
    table = report.markdown(results, targets)
    assert "| publish / save draft (median) | 1.1 | 1.2 | yes |" in table
    assert "1000 sent in 31.5 s, at most 40 in one second" in table

    # A refused publication, or alerts not all sent, meets nothing.
    measured["publish"] = timed(1.0, statuses=[403])
    results["alerts"] = {**alerts, "sent": 999}
    targets = report.build_targets(results)
    assert targets["publish / save draft (median)"]["met"] is False
    assert targets["alerts to 1,000 readers: seconds to send all"]["met"] is False
