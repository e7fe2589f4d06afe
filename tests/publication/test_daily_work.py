"""The daily run of the background worker: officers are reminded of what has come due, the
housekeeping is done, and the next day's run is queued; no cron line is needed."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commissioning.roles import Role
from contracts.models import Contract
from decisions import daily
from tests.factories import ContractFactory, UserFactory
from tests.publication.conftest import costs_withheld, public_section

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "exports"]}
}


@pytest.fixture
def officers(db):
    return [
        UserFactory(username="o1", email="o1@opcc.example", roles=[Role.OFFICER]),
        UserFactory(username="o2", email="o2@opcc.example", roles=[Role.OFFICER]),
        UserFactory(username="t", email="t@opcc.example", roles=[Role.TREASURER]),
    ]


def test_each_officer_is_reminded_of_parts_due_for_review_and_contracts_at_risk(
    officers, make_decision, officer, mailoutbox
):
    today = timezone.localdate()
    make_decision(
        reference="WPCC3-0058",
        sections=[
            public_section("Background information", "Both contracts end in March."),
            costs_withheld("Price.", release_on=today - datetime.timedelta(days=1)),
        ],
        publish_by=officer,
    )
    ContractFactory(
        reference="OPCC-C-0001",
        title="Substance misuse service",
        ends_on=today + datetime.timedelta(days=90),
        status=Contract.Status.ACTIVE,
    )
    mailoutbox.clear()

    daily.daily_work.call()

    to = sorted(address for message in mailoutbox for address in message.to)
    assert to == ["o1@opcc.example", "o2@opcc.example", officer.email]
    body = mailoutbox[0].body
    assert "WPCC3-0058: Costs (including any identified savings)" in body
    assert "/workspace/decisions/WPCC3-0058/" in body
    assert "OPCC-C-0001: Substance misuse service, ends" in body


def test_nothing_due_sends_nothing(officers, mailoutbox):
    daily.daily_work.call()

    assert mailoutbox == []


def test_the_housekeeping_deletes_expired_sessions(db):
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )
    Session.objects.create(
        session_key="new", session_data="", expire_date=timezone.now() + datetime.timedelta(1)
    )

    daily.daily_work.call()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]


def test_the_next_run_is_the_next_morning():
    evening = timezone.make_aware(datetime.datetime(2026, 12, 7, 22, 30))

    assert daily.next_run(evening) == timezone.make_aware(datetime.datetime(2026, 12, 8, 6, 0))


def test_the_worker_queues_one_daily_run_and_each_run_queues_the_next(db, settings, monkeypatch):
    settings.TASKS = DATABASE_QUEUE
    # The supervisor starts no real worker here: it only sends its starting signal.
    from commissioning.management.commands import run_worker

    monkeypatch.setattr(run_worker.Command, "worker_command", ["true"])
    monkeypatch.setattr(run_worker.time, "sleep", lambda seconds: None)

    call_command("run_worker", starts=2)

    waiting = DBTaskResult.objects.filter(task_path="decisions.daily.daily_work")
    assert waiting.count() == 1  # started twice, queued once
    first = waiting.get()
    assert first.run_after == daily.next_run(timezone.now())

    first.status = "RUNNING"  # the worker claims it when its time comes, and runs it
    first.save()
    daily.daily_work.call()

    tomorrow = waiting.get(status="READY")
    assert tomorrow.pk != first.pk
